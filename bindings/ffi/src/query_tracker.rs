//! The `cog_query_tracker` handle: record executed statements from many threads, read per-fingerprint
//! statistics, slow queries and advice as JSON, export and merge snapshots, and import MySQL slow
//! logs and `pg_stat_statements` exports.

use std::ffi::c_void;
use std::fs::File;
use std::io::BufReader;

use cognition_core::query::import::ImportReport;
use cognition_core::query::stats::QueryStats;
use cognition_core::query::tracker::{QueryTracker, TrackerConfig, TrackerSnapshot};
use serde_json::{json, Value};

use crate::error::Failure;
use crate::panic::cog_panic_boundary;
use crate::query::{json_out, object_in, serialised, suggest_config_in, Fields};
use crate::status::cog_status;
use crate::strings::{bytes_in, check_out, cog_string, str_in, write_out};

/// Called once per fingerprint when it becomes slow, with the `user_data` given to
/// `cog_query_tracker_new` and the fingerprint's statistics as JSON (`len` bytes, not
/// NUL-terminated, valid only during the call; one element of `cog_query_tracker_stats_json`).
///
/// It runs on the thread that called `cog_query_tracker_record` / `_merge_json` / `_load_*`,
/// inside that call and after the tracker's locks are released, possibly on several threads at
/// once; it may call the tracker. It must not unwind (C++ exceptions, longjmp).
#[allow(non_camel_case_types)]
pub type cog_query_slow_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, stats_json: *const u8, len: usize)>;

/// A C slow callback and its user data; the caller promised (in `cog_query_tracker_new`'s
/// contract) that both may be used from any thread, concurrently.
struct SlowHook {
    func: unsafe extern "C" fn(*mut c_void, *const u8, usize),
    user_data: *mut c_void,
}

// SAFETY: see the contract of `cog_query_tracker_new`.
unsafe impl Send for SlowHook {}
unsafe impl Sync for SlowHook {}

impl SlowHook {
    fn call(&self, stats: &QueryStats) {
        let json = serde_json::to_string(stats).unwrap_or_default();
        unsafe { (self.func)(self.user_data, json.as_ptr(), json.len()) };
    }
}

/// Per-fingerprint statistics of executed statements (pg_stat_statements inside the application).
/// Create with `cog_query_tracker_new`, release with `cog_query_tracker_free`.
///
/// Thread-safe: every function taking a `const cog_query_tracker *` may run on many threads at
/// once; recording is sharded, so threads recording different statements rarely wait.
#[allow(non_camel_case_types)]
pub struct cog_query_tracker {
    tracker: QueryTracker,
}

fn tracker_ref<'a>(tracker: *const cog_query_tracker) -> Result<&'a QueryTracker, Failure> {
    unsafe { tracker.as_ref() }
        .map(|t| &t.tracker)
        .ok_or_else(|| Failure::null("tracker"))
}

/// The tracker configuration from an options object (schema on `cog_query_tracker_new`).
fn config_in(bytes: &[u8]) -> Result<TrackerConfig, Failure> {
    let mut config = TrackerConfig::default();
    let Some(fields) = object_in(bytes, "tracker options")? else {
        return Ok(config);
    };
    let f = Fields {
        what: "tracker options",
    };
    let positive = |name: &str, v: &Value| {
        f.count(name, v)
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| f.bad(format!("`{name}` must be an integer >= 1")))
    };
    for (name, v) in &fields {
        if v.is_null() {
            continue;
        }
        config = match name.as_str() {
            "max_fingerprints" => {
                let n = positive(name, v)?;
                config.max_fingerprints(usize::try_from(n).unwrap_or(usize::MAX))
            }
            "slow_ms" => config.slow_ms(f.millis(name, v)?),
            "slow_min_calls" => config.slow_min_calls(positive(name, v)?),
            "slow_p95_ms" => config.slow_p95_ms(Some(f.millis(name, v)?)),
            "mask_examples" => config.mask_examples(f.flag(name, v)?),
            "shards" => {
                let n = positive(name, v)?;
                if n > 256 {
                    return Err(f.bad("`shards` must be in 1..=256".into()));
                }
                config.shards(n as usize)
            }
            "suggest" => match v {
                Value::Object(fields) => config.suggest_config(suggest_config_in(fields)?),
                _ => return Err(f.bad("`suggest` must be an object".into())),
            },
            other => return Err(f.unknown(other)),
        };
    }
    Ok(config)
}

/// Write the documented default options, in the form `cog_query_tracker_new` takes, to
/// `*out_json`: `{"max_fingerprints":5000,"slow_ms":1000.0,"slow_min_calls":10,"slow_p95_ms":null,
/// "mask_examples":false,"suggest":{…every threshold of `cog_query_suggest`…}}` (`shards`, 16 by
/// default, is a tuning knob left out).
/// Bindings start from it so that the defaults live in one place.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_default_options_json(
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let c = TrackerConfig::default();
        let s = c.get_suggest_config();
        let value = json!({
            "max_fingerprints": c.get_max_fingerprints(),
            "slow_ms": c.get_slow_ms(),
            "slow_min_calls": c.get_slow_min_calls(),
            "slow_p95_ms": c.get_slow_p95_ms(),
            "mask_examples": c.get_mask_examples(),
            "suggest": {
                "index_min_calls": s.get_index_min_calls(),
                "low_efficiency": s.get_low_efficiency(),
                "rewrite_min_calls": s.get_rewrite_min_calls(),
                "large_offset": s.get_large_offset(),
                "aggregate_min_calls": s.get_aggregate_min_calls(),
                "aggregate_min_rows": s.get_aggregate_min_rows(),
                "aggregate_min_mean_ms": s.get_aggregate_min_mean_ms(),
                "large_scan_rows": s.get_large_scan_rows(),
                "cache_min_calls": s.get_cache_min_calls(),
                "cache_max_rows": s.get_cache_max_rows(),
            },
        });
        json_out(out_json, value.to_string());
        Ok(())
    }
}

/// Create an empty tracker. `options_json` is empty (every default) or an object with any of:
/// `"max_fingerprints"` (≥ 1, default 5000, like `pg_stat_statements.max`; past it the
/// fingerprint with the least total time is evicted), `"slow_ms"` (≥ 0, default 1000: a mean above
/// it is slow…), `"slow_min_calls"` (≥ 1, default 10: …over at least this many calls),
/// `"slow_p95_ms"` (≥ 0 or null, default null: a p95 above it is also slow), `"mask_examples"`
/// (default false: keep the normalised text instead of the slowest statement, so no user data is
/// held), `"shards"` (1–256, default 16) and `"suggest"` (the thresholds object of
/// `cog_query_suggest`, used by `cog_query_tracker_suggestions_json`).
///
/// `on_slow` (may be NULL) is called once per fingerprint when it becomes slow; see
/// `cog_query_slow_fn`. Write the handle to `*out_tracker`; release it with
/// `cog_query_tracker_free`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_ARGUMENT` (options not a JSON object,
/// a field of the wrong type or out of range, an unknown field).
///
/// # Safety
/// `(options_json, options_json_len)` readable; `out_tracker` writable; `on_slow` and `user_data`
/// usable from any thread, concurrently, until the tracker is freed.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_new(
    options_json: *const u8,
    options_json_len: usize,
    on_slow: cog_query_slow_fn,
    user_data: *mut c_void,
    out_tracker: *mut *mut cog_query_tracker,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_tracker, "out_tracker")?;
        let options = unsafe { bytes_in(options_json, options_json_len, "options_json") }?;
        let mut config = config_in(options)?;
        if let Some(func) = on_slow {
            let hook = SlowHook { func, user_data };
            config = config.on_slow(move |stats| hook.call(stats));
        }
        let handle = Box::into_raw(Box::new(cog_query_tracker { tracker: QueryTracker::new(config) }));
        unsafe { write_out(out_tracker, handle) };
        Ok(())
    }
}

/// Release a tracker. NULL is fine. Not to be called while another thread still uses it.
///
/// # Safety
/// `tracker` is NULL or a handle from `cog_query_tracker_new` that has not been freed.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_free(tracker: *mut cog_query_tracker) {
    let _ = cog_panic_boundary! {
        if !tracker.is_null() {
            drop(unsafe { Box::from_raw(tracker) });
        }
        Ok(())
    };
}

/// Record one execution of the statement `(sql, sql_len)` (UTF-8): fingerprint it and update its
/// statistics. `duration_ms` is its execution time (finite, ≥ 0; over one day counts as one day),
/// `rows_examined` 0 when unknown, `cache_hit` -1 (no cache involved / unknown), 0 (miss) or 1
/// (hit), `now_ms` the Unix time in milliseconds. May call the `on_slow` callback.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_ARGUMENT`
/// (`duration_ms` NaN, infinite or negative; `cache_hit` not -1, 0 or 1): nothing is recorded.
/// Thread-safe.
///
/// # Safety
/// `(sql, sql_len)` readable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_record(
    tracker: *const cog_query_tracker,
    sql: *const u8,
    sql_len: usize,
    duration_ms: f64,
    rows_examined: u64,
    rows_returned: u64,
    cache_hit: i32,
    now_ms: i64,
) -> cog_status {
    cog_panic_boundary! {
        let tracker = tracker_ref(tracker)?;
        let sql = unsafe { str_in(sql, sql_len, "sql") }?;
        let cache_hit = match cache_hit {
            -1 => None,
            0 => Some(false),
            1 => Some(true),
            other => {
                return Err(Failure::invalid_argument(format!(
                    "`cache_hit` must be -1 (unknown), 0 (miss) or 1 (hit), got {other}"
                )))
            }
        };
        tracker.record(sql, duration_ms, rows_examined, rows_returned, cache_hit, now_ms)?;
        Ok(())
    }
}

/// Write every fingerprint's statistics as a JSON array to `*out_json`, by total time descending
/// (ties: id ascending). Each element: `{"id":"16 hex","normalized","kind","calls","total_ms",
/// "min_ms","max_ms","mean_ms","sum_sq_dev_ms2","stddev_ms","p50_ms","p95_ms","p99_ms",
/// "rows_examined","rows_returned","cache_hits","cache_misses","first_seen_ms","last_seen_ms",
/// "example","example_ms","efficiency","is_slow","histogram_us":[[us,count]…]}` (times in
/// milliseconds; `efficiency` is `(rows_returned / rows_examined) / (1 + mean_ms / 100)` capped at
/// 1, the row ratio taken as 1 when no rows were examined).
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_stats_json(
    tracker: *const cog_query_tracker,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let tracker = tracker_ref(tracker)?;
        json_out(out_json, serialised(serde_json::to_string(&tracker.stats()))?);
        Ok(())
    }
}

/// Write the slow fingerprints as a JSON array to `*out_json`, in the order and form of
/// `cog_query_tracker_stats_json`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_slow_queries_json(
    tracker: *const cog_query_tracker,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let tracker = tracker_ref(tracker)?;
        json_out(out_json, serialised(serde_json::to_string(&tracker.slow_queries()))?);
        Ok(())
    }
}

/// Write advice for every tracked fingerprint (its example statement analysed, its statistics as
/// the evidence, the `"suggest"` thresholds of the options) as a JSON array to `*out_json`:
/// fingerprints by total time descending, each one's suggestions in the order and form of
/// `cog_query_suggest`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_suggestions_json(
    tracker: *const cog_query_tracker,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let tracker = tracker_ref(tracker)?;
        json_out(out_json, serialised(serde_json::to_string(&tracker.suggestions()))?);
        Ok(())
    }
}

/// Write a snapshot of the statistics as JSON to `*out_json`, for export or for
/// `cog_query_tracker_merge_json` in another process:
/// `{"version":1,"histogram_significant_digits":2,"evictions":int,"queries":[…]}`, each query as
/// in `cog_query_tracker_stats_json`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_snapshot_json(
    tracker: *const cog_query_tracker,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let tracker = tracker_ref(tracker)?;
        json_out(out_json, tracker.snapshot().to_json());
        Ok(())
    }
}

/// Fold a snapshot (`cog_query_tracker_snapshot_json` of any tracker, any process) into this
/// tracker as if its executions had been recorded here: exact for counts, sums, min, max, rows,
/// cache counters and first/last seen; percentiles merge at histogram resolution (1 %).
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_ARGUMENT`
/// (not JSON, a missing or wrong-typed field, another format version, inconsistent figures):
/// nothing is merged. Thread-safe.
///
/// # Safety
/// `(snapshot_json, snapshot_json_len)` readable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_merge_json(
    tracker: *const cog_query_tracker,
    snapshot_json: *const u8,
    snapshot_json_len: usize,
) -> cog_status {
    cog_panic_boundary! {
        let tracker = tracker_ref(tracker)?;
        let json = unsafe { str_in(snapshot_json, snapshot_json_len, "snapshot_json") }?;
        tracker.merge(&TrackerSnapshot::from_json(json)?);
        Ok(())
    }
}

/// Forget every fingerprint and zero the eviction count; slow callbacks can fire again.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `tracker` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_reset(tracker: *const cog_query_tracker) -> cog_status {
    cog_panic_boundary! {
        tracker_ref(tracker)?.reset();
        Ok(())
    }
}

/// Write the number of fingerprints tracked to `*out_len` and how many were evicted to stay within
/// `max_fingerprints` (plus those of merged snapshots) to `*out_evictions`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `out_len` and `out_evictions` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_counts(
    tracker: *const cog_query_tracker,
    out_len: *mut usize,
    out_evictions: *mut u64,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_len, "out_len")?;
        check_out(out_evictions, "out_evictions")?;
        let tracker = tracker_ref(tracker)?;
        unsafe { write_out(out_len, tracker.len()) };
        unsafe { write_out(out_evictions, tracker.evictions()) };
        Ok(())
    }
}

/// The JSON form of an import report (schema on `cog_query_tracker_load_mysql_slow_log`).
fn report_json(report: &ImportReport) -> String {
    json!({
        "imported": report.queries.len(),
        "calls": report.total_calls(),
        "errors": report.errors.iter().map(|e| json!({"line": e.line, "message": e.message})).collect::<Vec<_>>(),
        "summary": report.summary(),
    })
    .to_string()
}

/// Open the file at `(path, path_len)` for an import.
unsafe fn open_in(path: *const u8, path_len: usize) -> Result<File, Failure> {
    let path = unsafe { str_in(path, path_len, "path") }?;
    if path.is_empty() || path.contains('\0') {
        return Err(Failure::invalid_argument(
            "`path` must be a non-empty file path without NUL bytes",
        ));
    }
    File::open(path).map_err(|e| Failure::invalid_argument(format!("cannot open {path:?}: {e}")))
}

/// Import a MySQL slow query log file (`slow_query_log = ON`, `log_output = FILE`; MySQL, Percona
/// Server, MariaDB) at `(path, path_len)`: every readable entry is recorded as one execution (seen
/// at its `SET timestamp`, else `now_ms`). Entries that cannot be read are not skipped silently:
/// the report written to `*out_report_json` lists them with their 1-based line numbers:
/// `{"imported":int,"calls":int,"errors":[{"line":int,"message":str}],"summary":str}`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8` (path),
/// `COG_STATUS_INVALID_ARGUMENT` (empty path, the file cannot be opened or read: nothing is
/// recorded then). Thread-safe.
///
/// # Safety
/// `(path, path_len)` readable; `out_report_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_load_mysql_slow_log(
    tracker: *const cog_query_tracker,
    path: *const u8,
    path_len: usize,
    now_ms: i64,
    out_report_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_report_json, "out_report_json")?;
        let tracker = tracker_ref(tracker)?;
        let file = unsafe { open_in(path, path_len) }?;
        let report = tracker.load_mysql_slow_log(BufReader::new(file), now_ms)?;
        json_out(out_report_json, report_json(&report));
        Ok(())
    }
}

/// Import a PostgreSQL `pg_stat_statements` CSV export (`\copy (select * from pg_stat_statements)
/// to 'stats.csv' csv header`, PostgreSQL 13+ or older column names) at `(path, path_len)`: every
/// readable row is recorded as its calls, times and rows, seen at `now_ms`. The report is written
/// to `*out_report_json` as for `cog_query_tracker_load_mysql_slow_log`.
///
/// Errors: as `cog_query_tracker_load_mysql_slow_log`, plus `COG_STATUS_INVALID_ARGUMENT` when the
/// header names no query column. Thread-safe.
///
/// # Safety
/// `(path, path_len)` readable; `out_report_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_tracker_load_pg_stat_statements(
    tracker: *const cog_query_tracker,
    path: *const u8,
    path_len: usize,
    now_ms: i64,
    out_report_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_report_json, "out_report_json")?;
        let tracker = tracker_ref(tracker)?;
        let file = unsafe { open_in(path, path_len) }?;
        let report = tracker.load_pg_stat_statements(BufReader::new(file), now_ms)?;
        json_out(out_report_json, report_json(&report));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_and_reject_bad_fields() {
        let c = config_in(br#"{"max_fingerprints":7,"slow_ms":5,"slow_p95_ms":null,"suggest":{"large_offset":9}}"#)
            .unwrap();
        assert_eq!(c.get_max_fingerprints(), 7);
        assert_eq!(c.get_slow_ms(), 5.0);
        assert_eq!(c.get_suggest_config().get_large_offset(), 9);
        for bad in [
            &br#"{"max_fingerprints":0}"#[..],
            br#"{"slow_ms":-1}"#,
            br#"{"shards":300}"#,
            br#"{"suggest":1}"#,
            br#"{"colour":"red"}"#,
            b"[]",
            b"{",
        ] {
            assert!(config_in(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(config_in(b"").unwrap().get_max_fingerprints(), 5_000);
    }

    #[test]
    fn a_missing_file_is_an_invalid_argument() {
        let tracker = QueryTracker::default();
        let handle = cog_query_tracker { tracker };
        let path = "/nonexistent/slow.log";
        let mut out = cog_string {
            ptr: std::ptr::null_mut(),
            len: 0,
        };
        let status = unsafe {
            cog_query_tracker_load_mysql_slow_log(&handle, path.as_ptr(), path.len(), 0, &mut out)
        };
        assert_eq!(status, cog_status::InvalidArgument);
        assert!(out.ptr.is_null());
    }
}
