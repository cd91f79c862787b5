//! Idempotency stores: the `cog_store` handle over any `IdempotencyStore`, its retry policy, and
//! the store operations for API `Idempotency-Key` use. Rich answers come back as JSON.

use std::sync::Arc;

use cognition_core::idempotency::{
    Claim, ClaimRequest, Filter, IdempotencyStore, LeaseToken, MemoryStore, Page, RetryDecision,
    RetryPolicy, SqliteStore, Status, StoreError, Window,
};
use serde_json::{json, Value};

use crate::error::Failure;
use crate::panic::cog_panic_boundary;
use crate::status::cog_status;
use crate::strings::{bytes_in, check_out, cog_string, str_in, write_out};

/// Exponential backoff with full jitter, as `cognition_core::idempotency::RetryPolicy`: the delay
/// after failed attempt `n` is at most `min(max_delay_millis, initial_delay_millis × factor^(n-1))`
/// (uniform in `[0, that]` when `jitter` is true, exactly that when false); after `max_attempts`
/// attempts the record is dead-lettered. Start from `cog_retry_policy_default()` and change fields.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cog_retry_policy {
    /// First delay before jitter, in milliseconds (> 0; default 1000).
    pub initial_delay_millis: i64,
    /// Growth per attempt (finite, ≥ 1; default 2.0).
    pub factor: f64,
    /// Cap on the delay, in milliseconds (> 0; default 3 600 000 = 1 h).
    pub max_delay_millis: i64,
    /// Attempts before dead-lettering (≥ 1; 1 = no retry; default 5).
    pub max_attempts: u32,
    /// Seed of the jitter draw (default 0): same seed, same schedule.
    pub seed: u64,
    /// Draw the delay uniformly below the ceiling (default true); false gives exact delays.
    pub jitter: bool,
}

/// The documented default policy: 1 s initial delay, factor 2, 1 h cap, 5 attempts, seed 0,
/// jitter on. Thread-safe.
#[no_mangle]
pub extern "C" fn cog_retry_policy_default() -> cog_retry_policy {
    cog_retry_policy {
        initial_delay_millis: 1_000,
        factor: 2.0,
        max_delay_millis: 3_600_000,
        max_attempts: 5,
        seed: 0,
        jitter: true,
    }
}

/// Convert a C policy (NULL = the default) into the core's, checking every field.
///
/// # Safety
/// `policy` is NULL or readable.
pub(crate) unsafe fn policy_in(policy: *const cog_retry_policy) -> Result<RetryPolicy, Failure> {
    let Some(p) = (unsafe { policy.as_ref() }) else {
        return Ok(RetryPolicy::default());
    };
    Ok(RetryPolicy::default()
        .initial_delay_millis(p.initial_delay_millis)?
        .factor(p.factor)?
        .max_delay_millis(p.max_delay_millis)?
        .max_attempts(p.max_attempts)?
        .seed(p.seed)
        .jitter(p.jitter))
}

/// An idempotency store: records of which keys (event ids, `Idempotency-Key`s) were handled, with
/// their outcome, retry schedule and lease. Create with `cog_memory_store_new` or
/// `cog_sqlite_store_open`, release with `cog_store_free`.
///
/// Thread-safe: one `cog_store` may be used from many threads at once; every operation is atomic
/// (for a SQLite store, also across processes sharing the file).
#[allow(non_camel_case_types)]
pub struct cog_store {
    pub(crate) store: Arc<dyn IdempotencyStore>,
}

pub(crate) fn store_ref<'a>(store: *const cog_store) -> Result<&'a cog_store, Failure> {
    unsafe { store.as_ref() }.ok_or_else(|| Failure::null("store"))
}

fn box_store(store: Arc<dyn IdempotencyStore>, out: *mut *mut cog_store) {
    let handle = Box::into_raw(Box::new(cog_store { store }));
    unsafe { write_out(out, handle) };
}

fn json_out(out: *mut cog_string, value: &Value) {
    unsafe { write_out(out, cog_string::from_string(value.to_string())) };
}

/// Create an empty in-memory store (sharded, for tests and single-process apps; records go with
/// the handle) whose failures are scheduled by `*policy` (NULL = `cog_retry_policy_default()`).
/// Write the handle to `*out_store`; release it with `cog_store_free`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_ARGUMENT` (a policy field out of range).
///
/// # Safety
/// `policy` is NULL or readable; `out_store` is writable.
#[no_mangle]
pub unsafe extern "C" fn cog_memory_store_new(
    policy: *const cog_retry_policy,
    out_store: *mut *mut cog_store,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_store, "out_store")?;
        let policy = unsafe { policy_in(policy) }?;
        box_store(Arc::new(MemoryStore::with_retry_policy(policy)), out_store);
        Ok(())
    }
}

/// Open (or create) the SQLite store file at `path` (UTF-8, not NUL-terminated; `":memory:"` for
/// a private in-memory database) with the retry policy `*policy` (NULL = default). WAL mode;
/// several processes may share one file. Write the handle to `*out_store`; release it with
/// `cog_store_free`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_ARGUMENT`
/// (empty path, bad policy), `COG_STATUS_STORE_CORRUPT` (not a SQLite file, damaged, or a newer
/// schema: the file is left untouched), `COG_STATUS_STORE_BACKEND` (cannot open, locked for 5 s).
///
/// # Safety
/// `(path, path_len)` readable; `policy` NULL or readable; `out_store` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_sqlite_store_open(
    path: *const u8,
    path_len: usize,
    policy: *const cog_retry_policy,
    out_store: *mut *mut cog_store,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_store, "out_store")?;
        let path = unsafe { str_in(path, path_len, "path") }?;
        if path.is_empty() {
            return Err(Failure::invalid_argument("`path` must not be empty"));
        }
        if path.contains('\0') {
            return Err(Failure::invalid_argument("`path` must not contain NUL bytes"));
        }
        let policy = unsafe { policy_in(policy) }?;
        box_store(Arc::new(SqliteStore::open_with(path, policy)?), out_store);
        Ok(())
    }
}

/// Release a store handle. NULL is fine. Processors created over the store keep their own
/// reference, so the store stays usable through them. Not to be called while another thread
/// still uses this handle.
///
/// # Safety
/// `store` is NULL or a handle from this library that has not been freed.
#[no_mangle]
pub unsafe extern "C" fn cog_store_free(store: *mut cog_store) {
    let _ = cog_panic_boundary! {
        if !store.is_null() {
            drop(unsafe { Box::from_raw(store) });
        }
        Ok(())
    };
}

/// The JSON form of a claim answer (schema documented on `cog_store_claim`).
pub(crate) fn claim_json(claim: &Claim) -> Value {
    match claim {
        Claim::Acquired { token, attempt } => json!({
            "claim": "acquired",
            "token": {"key": &*token.key, "generation": token.generation},
            "attempt": attempt,
        }),
        Claim::AlreadyDone { status, result } => json!({
            "claim": "already_done", "status": status.as_str(), "result": result,
        }),
        Claim::InProgress { lease_expires_at } => json!({
            "claim": "in_progress", "lease_expires_at": lease_expires_at,
        }),
        Claim::FingerprintConflict { stored } => json!({
            "claim": "fingerprint_conflict", "stored": stored.to_hex(),
        }),
        Claim::DeadLettered { status, last_error } => json!({
            "claim": "dead_lettered", "status": status.as_str(), "last_error": last_error,
        }),
    }
}

fn decision_json(decision: RetryDecision) -> Value {
    match decision {
        RetryDecision::RetryAt(at) => json!({"decision": "retry_at", "at": at}),
        RetryDecision::DeadLettered => json!({"decision": "dead_lettered"}),
        RetryDecision::Failed => json!({"decision": "failed"}),
    }
}

/// Parse a result given as JSON text; empty text (or `null`) means no result.
pub(crate) fn result_in(bytes: &[u8]) -> Result<Option<Value>, Failure> {
    if bytes.is_empty() {
        return Ok(None);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Null) => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(e) => Err(StoreError::InvalidResult(e.to_string()).into()),
    }
}

/// Claim `key` for processing at `now_ms` (Unix milliseconds) with a lease of `lease_ms`; `body` is
/// fingerprinted (SHA-256) so that a key reused with a different body is reported. Writes the
/// answer as JSON to `*out_claim_json` (free with `cog_string_free`), one of:
///
/// - `{"claim":"acquired","token":{"key":str,"generation":int},"attempt":int}`: you hold the lease;
///   do the work, then `cog_store_complete` / `cog_store_fail` / `cog_store_ignore` with `key` and
///   `generation`.
/// - `{"claim":"already_done","status":"processed"|"ignored","result":json|null}`: return the
///   stored outcome.
/// - `{"claim":"in_progress","lease_expires_at":int}`: another worker holds it (HTTP 409).
/// - `{"claim":"fingerprint_conflict","stored":hex}`: the key was used with a different body.
/// - `{"claim":"dead_lettered","status":"dead"|"failed","last_error":str|null}`: only
///   `cog_store_requeue` brings it back.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8` (key, event type),
/// `COG_STATUS_INVALID_KEY` (empty or over 1024 bytes), `COG_STATUS_INVALID_ARGUMENT` (lease ≤ 0,
/// event type over 1024 bytes), `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// Each `(ptr, len)` pair readable (NULL allowed when len is 0); `out_claim_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_claim(
    store: *const cog_store,
    key: *const u8,
    key_len: usize,
    event_type: *const u8,
    event_type_len: usize,
    body: *const u8,
    body_len: usize,
    now_ms: i64,
    lease_ms: i64,
    out_claim_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_claim_json, "out_claim_json")?;
        let store = store_ref(store)?;
        let key = unsafe { str_in(key, key_len, "key") }?;
        let event_type = unsafe { str_in(event_type, event_type_len, "event_type") }?;
        let body = unsafe { bytes_in(body, body_len, "body") }?;
        let request = ClaimRequest {
            lease_millis: lease_ms,
            ..ClaimRequest::new(key, event_type, body, now_ms)
        };
        let claim = store.store.claim(&request)?;
        json_out(out_claim_json, &claim_json(&claim));
        Ok(())
    }
}

/// Mark the record of `key` processed with `result_json` (any JSON value; empty or `null` = no
/// result), presenting the lease `generation` from the claim.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_KEY`,
/// `COG_STATUS_INVALID_RESULT` (not JSON), `COG_STATUS_STALE_TOKEN` (the lease was taken over or
/// the record already finished: nothing changed), `COG_STATUS_RECORD_NOT_FOUND`,
/// `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// Each `(ptr, len)` pair readable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_complete(
    store: *const cog_store,
    key: *const u8,
    key_len: usize,
    generation: u64,
    result_json: *const u8,
    result_json_len: usize,
    now_ms: i64,
) -> cog_status {
    cog_panic_boundary! {
        let store = store_ref(store)?;
        let key = unsafe { str_in(key, key_len, "key") }?;
        let result = result_in(unsafe { bytes_in(result_json, result_json_len, "result_json") }?)?;
        let token = LeaseToken { key: key.into(), generation };
        store.store.complete(&token, result, now_ms)?;
        Ok(())
    }
}

/// Mark the record of `key` ignored (nothing to do for it), presenting the lease `generation`.
///
/// Errors: as `cog_store_complete` (without `COG_STATUS_INVALID_RESULT`). Thread-safe.
///
/// # Safety
/// `(key, key_len)` readable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_ignore(
    store: *const cog_store,
    key: *const u8,
    key_len: usize,
    generation: u64,
    now_ms: i64,
) -> cog_status {
    cog_panic_boundary! {
        let store = store_ref(store)?;
        let key = unsafe { str_in(key, key_len, "key") }?;
        let token = LeaseToken { key: key.into(), generation };
        store.store.ignore(&token, now_ms)?;
        Ok(())
    }
}

/// Record a failed attempt of `key` (lease `generation`) with the message `error` (UTF-8);
/// `retryable` false fails it permanently. The store's retry policy decides what follows; the
/// decision is written as JSON to `*out_decision_json`: `{"decision":"retry_at","at":int}`,
/// `{"decision":"dead_lettered"}` or `{"decision":"failed"}`.
///
/// Errors: as `cog_store_complete`. Thread-safe.
///
/// # Safety
/// Each `(ptr, len)` pair readable; `out_decision_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_fail(
    store: *const cog_store,
    key: *const u8,
    key_len: usize,
    generation: u64,
    error: *const u8,
    error_len: usize,
    retryable: bool,
    now_ms: i64,
    out_decision_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_decision_json, "out_decision_json")?;
        let store = store_ref(store)?;
        let key = unsafe { str_in(key, key_len, "key") }?;
        let error = unsafe { str_in(error, error_len, "error") }?;
        let token = LeaseToken { key: key.into(), generation };
        let decision = store.store.fail(&token, error, retryable, now_ms)?;
        json_out(out_decision_json, &decision_json(decision));
        Ok(())
    }
}

/// Write the record of `key` as JSON to `*out_record_json`, or `null` when there is none. Schema:
/// `{"key","event_type","status","fingerprint","result","last_error","created_at","started_at",
/// "processed_at","failed_at","last_retry_at","next_retry_at","attempts","lease_generation",
/// "lease_expires_at"}`; times are Unix milliseconds or null.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_KEY`,
/// `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// `(key, key_len)` readable; `out_record_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_get(
    store: *const cog_store,
    key: *const u8,
    key_len: usize,
    out_record_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_record_json, "out_record_json")?;
        let store = store_ref(store)?;
        let key = unsafe { str_in(key, key_len, "key") }?;
        let record = store.store.get(key)?;
        json_out(out_record_json, &record.map_or(Value::Null, |r| r.to_json()));
        Ok(())
    }
}

fn filter_in(bytes: &[u8]) -> Result<Filter, Failure> {
    let mut filter = Filter::default();
    if bytes.is_empty() {
        return Ok(filter);
    }
    let bad = |what: &str| Failure::invalid_argument(format!("filter: {what}"));
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| bad(&format!("not JSON ({e})")))?;
    let Value::Object(fields) = value else {
        return Err(bad("expected a JSON object"));
    };
    let int = |v: &Value, name: &str| {
        v.as_i64()
            .ok_or_else(|| bad(&format!("`{name}` must be an integer")))
    };
    let text = |v: &Value, name: &str| {
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| bad(&format!("`{name}` must be a string")))
    };
    for (name, v) in &fields {
        if v.is_null() {
            continue;
        }
        match name.as_str() {
            "status" => filter.status = Some(text(v, name)?.parse::<Status>()?),
            "event_type" => filter.event_type = Some(text(v, name)?),
            "since" => filter.since = Some(int(v, name)?),
            "until" => filter.until = Some(int(v, name)?),
            "limit" => {
                filter.limit = v
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| bad("`limit` must be a positive integer"))?;
            }
            "cursor" => filter.cursor = Some(text(v, name)?),
            other => return Err(bad(&format!("unknown field `{other}`"))),
        }
    }
    Ok(filter)
}

fn page_json(page: &Page) -> Value {
    json!({
        "records": page.records.iter().map(|r| r.to_json()).collect::<Vec<_>>(),
        "next_cursor": page.next_cursor,
    })
}

/// List records newest first, one page at a time. `filter_json` is empty (every record, 100 per
/// page) or an object with any of `"status"` (a status name), `"event_type"` (string), `"since"`,
/// `"until"` (Unix ms, creation time in `[since, until)`), `"limit"` (1–1000, default 100) and
/// `"cursor"` (the previous page's `next_cursor`). Writes
/// `{"records":[record...],"next_cursor":str|null}` to `*out_page_json` (records as in
/// `cog_store_get`).
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_ARGUMENT` (bad filter, limit or
/// cursor), `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// `(filter_json, filter_json_len)` readable; `out_page_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_list(
    store: *const cog_store,
    filter_json: *const u8,
    filter_json_len: usize,
    out_page_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_page_json, "out_page_json")?;
        let store = store_ref(store)?;
        let filter = filter_in(unsafe { bytes_in(filter_json, filter_json_len, "filter_json") }?)?;
        let page = store.store.list(&filter)?;
        json_out(out_page_json, &page_json(&page));
        Ok(())
    }
}

/// Statistics of the records created in `[since_ms, until_ms)` (pass `INT64_MIN`, `INT64_MAX` for
/// all), as JSON: `{"total":int,"by_status":{status:int},"by_event_type":{type:int},
/// "success_rate":float|null,"processing_p50_millis":int|null,"processing_p95_millis":int|null,
/// "processing_max_millis":int|null,"per_hour":[{"hour_start":int,"count":int}]}`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// `out_stats_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_stats(
    store: *const cog_store,
    since_ms: i64,
    until_ms: i64,
    out_stats_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_stats_json, "out_stats_json")?;
        let store = store_ref(store)?;
        let stats = store.store.stats(Window { since: since_ms, until: until_ms })?;
        json_out(out_stats_json, &stats.to_json());
        Ok(())
    }
}

/// Write a JSON array of up to `limit` records whose retry is due at `now_ms` (`retrying` past
/// `next_retry_at`, and `pending`), earliest due first, to `*out_records_json`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// `out_records_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_due_for_retry(
    store: *const cog_store,
    now_ms: i64,
    limit: usize,
    out_records_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_records_json, "out_records_json")?;
        let store = store_ref(store)?;
        let records = store.store.due_for_retry(now_ms, limit)?;
        json_out(out_records_json, &Value::Array(records.iter().map(|r| r.to_json()).collect()));
        Ok(())
    }
}

/// Put a `dead` or `failed` record back in the queue, due at `now_ms`, attempts reset.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_KEY`,
/// `COG_STATUS_RECORD_NOT_FOUND`, `COG_STATUS_INVALID_STATE` (not dead or failed),
/// `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// `(key, key_len)` readable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_requeue(
    store: *const cog_store,
    key: *const u8,
    key_len: usize,
    now_ms: i64,
) -> cog_status {
    cog_panic_boundary! {
        let store = store_ref(store)?;
        let key = unsafe { str_in(key, key_len, "key") }?;
        store.store.requeue(key, now_ms)?;
        Ok(())
    }
}

/// Delete finished records (`processed`, `ignored`, `failed`, `dead`) created before
/// `created_before_ms`; never `pending`, `processing` or `retrying`. Writes how many went to
/// `*out_purged`. (For the default 90-day retention pass `now_ms - 90 * 86400000`.)
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// `out_purged` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_store_purge(
    store: *const cog_store,
    created_before_ms: i64,
    out_purged: *mut u64,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_purged, "out_purged")?;
        let store = store_ref(store)?;
        let purged = store.store.purge(created_before_ms)?;
        unsafe { write_out(out_purged, purged) };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_policy_is_an_invalid_argument() {
        let mut policy = cog_retry_policy_default();
        policy.max_attempts = 0;
        let mut out = std::ptr::null_mut();
        let status = unsafe { cog_memory_store_new(&policy, &mut out) };
        assert_eq!(status, cog_status::InvalidArgument);
        assert!(out.is_null());
    }

    #[test]
    fn filters_parse_and_reject_unknown_fields() {
        let f = filter_in(br#"{"status":"dead","limit":5,"since":1,"cursor":null}"#).unwrap();
        assert_eq!(f.status, Some(Status::Dead));
        assert_eq!(f.limit, 5);
        assert_eq!(f.since, Some(1));
        assert!(filter_in(br#"{"colour":"red"}"#).is_err());
        assert!(filter_in(b"[1]").is_err());
        assert_eq!(filter_in(b"").unwrap(), Filter::default());
    }
}
