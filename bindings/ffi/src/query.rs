//! Query fingerprints and optimisation advice over the C ABI: `cog_fingerprint` (JSON),
//! `cog_fingerprint_id` (the typed hot path) and `cog_query_suggest` (advice for one statement from
//! measured evidence). The tracker handle lives in `query_tracker.rs`.

use cognition_core::query::analyze::analyze;
use cognition_core::query::suggest::{suggest, Evidence, SuggestConfig};
use cognition_core::query::{fingerprint, query_id};
use serde_json::{json, Map, Value};

use crate::error::Failure;
use crate::panic::cog_panic_boundary;
use crate::status::cog_status;
use crate::strings::{bytes_in, check_out, cog_string, str_in, write_out};

/// Write `value` as compact JSON through `out` (checked for NULL before any work was done).
pub(crate) fn json_out(out: *mut cog_string, value: String) {
    unsafe { write_out(out, cog_string::from_string(value)) };
}

/// Parse an optional JSON object argument: empty bytes are `None`; anything but an object fails
/// with `COG_STATUS_INVALID_ARGUMENT` naming `what`.
pub(crate) fn object_in(bytes: &[u8], what: &str) -> Result<Option<Map<String, Value>>, Failure> {
    if bytes.is_empty() {
        return Ok(None);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(fields)) => Ok(Some(fields)),
        Ok(Value::Null) => Ok(None),
        Ok(_) => Err(Failure::invalid_argument(format!(
            "{what}: expected a JSON object"
        ))),
        Err(e) => Err(Failure::invalid_argument(format!("{what}: not JSON ({e})"))),
    }
}

/// Typed field readers for option objects; each failure names the object and the field.
pub(crate) struct Fields<'a> {
    pub(crate) what: &'a str,
}

impl Fields<'_> {
    pub(crate) fn bad(&self, message: String) -> Failure {
        Failure::invalid_argument(format!("{}: {message}", self.what))
    }

    pub(crate) fn count(&self, name: &str, v: &Value) -> Result<u64, Failure> {
        v.as_u64()
            .ok_or_else(|| self.bad(format!("`{name}` must be an integer >= 0")))
    }

    pub(crate) fn millis(&self, name: &str, v: &Value) -> Result<f64, Failure> {
        v.as_f64()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| self.bad(format!("`{name}` must be a number >= 0")))
    }

    pub(crate) fn unit(&self, name: &str, v: &Value) -> Result<f64, Failure> {
        v.as_f64()
            .filter(|x| (0.0..=1.0).contains(x))
            .ok_or_else(|| self.bad(format!("`{name}` must be a number in [0, 1]")))
    }

    pub(crate) fn flag(&self, name: &str, v: &Value) -> Result<bool, Failure> {
        v.as_bool()
            .ok_or_else(|| self.bad(format!("`{name}` must be true or false")))
    }

    pub(crate) fn unknown(&self, name: &str) -> Failure {
        self.bad(format!("unknown field `{name}`"))
    }
}

/// A `SuggestConfig` from a JSON object whose fields (all optional, defaults as documented on
/// `cog_query_suggest`) are named like the core's setters.
pub(crate) fn suggest_config_in(fields: &Map<String, Value>) -> Result<SuggestConfig, Failure> {
    let f = Fields {
        what: "suggest config",
    };
    let mut config = SuggestConfig::default();
    for (name, v) in fields {
        if v.is_null() {
            continue;
        }
        config = match name.as_str() {
            "index_min_calls" => config.index_min_calls(f.count(name, v)?),
            "low_efficiency" => config.low_efficiency(f.unit(name, v)?),
            "rewrite_min_calls" => config.rewrite_min_calls(f.count(name, v)?),
            "large_offset" => config.large_offset(f.count(name, v)?),
            "aggregate_min_calls" => config.aggregate_min_calls(f.count(name, v)?),
            "aggregate_min_rows" => config.aggregate_min_rows(f.count(name, v)?),
            "aggregate_min_mean_ms" => config.aggregate_min_mean_ms(f.millis(name, v)?),
            "large_scan_rows" => config.large_scan_rows(f.count(name, v)?),
            "cache_min_calls" => config.cache_min_calls(f.count(name, v)?),
            "cache_max_rows" => config.cache_max_rows(f.count(name, v)?),
            other => return Err(f.unknown(other)),
        };
    }
    Ok(config)
}

fn evidence_in(fields: &Map<String, Value>) -> Result<Evidence, Failure> {
    let f = Fields { what: "evidence" };
    let mut evidence = Evidence::default();
    for (name, v) in fields {
        match name.as_str() {
            "calls" => evidence.calls = f.count(name, v)?,
            "mean_ms" => evidence.mean_ms = f.millis(name, v)?,
            "p95_ms" => evidence.p95_ms = f.millis(name, v)?,
            "rows_examined" => evidence.rows_examined = f.count(name, v)?,
            "rows_returned" => evidence.rows_returned = f.count(name, v)?,
            "efficiency" => evidence.efficiency = f.unit(name, v)?,
            other => return Err(f.unknown(other)),
        }
    }
    Ok(evidence)
}

/// Fingerprint the SQL statement `(sql, sql_len)` (UTF-8, any dialect, any content: garbage,
/// truncated statements and megabyte statements all get a fingerprint) and write it as JSON to
/// `*out_json` (free with `cog_string_free`):
/// `{"id":"16 hex digits","normalized":str,"kind":"SELECT"|"JOIN"|"AGGREGATE"|"INSERT"|"UPDATE"|
/// "DELETE"|"DDL"|"OTHER","query_id":"0x" + 32 upper-case hex digits}`.
///
/// `id` is the first 8 bytes of SHA-256 of `normalized`, stable across platforms and versions;
/// `query_id` is pt-query-digest's Query ID of the same statement.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`. Thread-safe.
///
/// # Safety
/// `(sql, sql_len)` readable (NULL allowed when `sql_len` is 0); `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_fingerprint(
    sql: *const u8,
    sql_len: usize,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let sql = unsafe { str_in(sql, sql_len, "sql") }?;
        let fp = fingerprint(sql);
        let value = json!({
            "id": fp.hex_id(),
            "normalized": fp.normalized,
            "kind": fp.kind.as_str(),
            "query_id": query_id(sql),
        });
        json_out(out_json, value.to_string());
        Ok(())
    }
}

/// Write the 64-bit fingerprint id of `(sql, sql_len)` to `*out_id`: the number whose 16 hex
/// digits `cog_fingerprint` reports as `id`, without building any JSON.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`. Thread-safe.
///
/// # Safety
/// `(sql, sql_len)` readable; `out_id` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_fingerprint_id(
    sql: *const u8,
    sql_len: usize,
    out_id: *mut u64,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_id, "out_id")?;
        let sql = unsafe { str_in(sql, sql_len, "sql") }?;
        unsafe { write_out(out_id, fingerprint(sql).id) };
        Ok(())
    }
}

/// Advice for one statement given what was measured for it, without a tracker (what
/// `cog_query_tracker_suggestions_json` does for every tracked fingerprint).
///
/// `evidence_json` is an object with any of `"calls"`, `"rows_examined"`, `"rows_returned"`
/// (integers ≥ 0, totals over all calls), `"mean_ms"`, `"p95_ms"` (numbers ≥ 0) and
/// `"efficiency"` (0..1); missing fields are 0. `config_json` is empty (the defaults) or an object
/// with any of `"index_min_calls"` (10), `"low_efficiency"` (0.2), `"rewrite_min_calls"` (1),
/// `"large_offset"` (1000), `"aggregate_min_calls"` (100), `"aggregate_min_rows"` (100000 per
/// call), `"aggregate_min_mean_ms"` (100), `"large_scan_rows"` (1000000 per call),
/// `"cache_min_calls"` (1000) and `"cache_max_rows"` (100 per call).
///
/// Writes a JSON array to `*out_json`, in the core's deterministic order, each element
/// `{"strategy":"INDEX_HINT"|"QUERY_REWRITE"|"MATERIALIZED_VIEW"|"PARTITION_PRUNING"|
/// "PARALLEL_EXECUTION"|"CACHE_RESULT","fingerprint":"16 hex","table":str|null,"columns":[str],
/// "reason":str,"evidence":{…as above…},"statement":str|null,"confidence":0..1}`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_ARGUMENT`
/// (evidence or config not a JSON object, a field of the wrong type or out of range, an unknown
/// field). Thread-safe.
///
/// # Safety
/// Each `(ptr, len)` pair readable; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_query_suggest(
    sql: *const u8,
    sql_len: usize,
    evidence_json: *const u8,
    evidence_json_len: usize,
    config_json: *const u8,
    config_json_len: usize,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let sql = unsafe { str_in(sql, sql_len, "sql") }?;
        let evidence = unsafe { bytes_in(evidence_json, evidence_json_len, "evidence_json") }?;
        let evidence = object_in(evidence, "evidence")?
            .ok_or_else(|| Failure::invalid_argument("evidence: expected a JSON object"))?;
        let evidence = evidence_in(&evidence)?;
        let config = unsafe { bytes_in(config_json, config_json_len, "config_json") }?;
        let config = match object_in(config, "suggest config")? {
            Some(fields) => suggest_config_in(&fields)?,
            None => SuggestConfig::default(),
        };
        let advice = suggest(&analyze(sql), &fingerprint(sql), &evidence, &config);
        json_out(out_json, serialised(serde_json::to_string(&advice))?);
        Ok(())
    }
}

/// Serialise a result the core promises is serialisable (finite numbers, string keys).
pub(crate) fn serialised(result: serde_json::Result<String>) -> Result<String, Failure> {
    result.map_err(|e| Failure {
        status: cog_status::Panic,
        message: format!("internal error serialising a result: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggest_config_rejects_unknown_fields_and_bad_values() {
        let parse =
            |s: &str| suggest_config_in(object_in(s.as_bytes(), "c").unwrap().as_ref().unwrap());
        assert_eq!(
            parse(r#"{"large_offset":5}"#).unwrap().get_large_offset(),
            5
        );
        assert!(parse(r#"{"colour":1}"#).is_err());
        assert!(parse(r#"{"low_efficiency":2}"#).is_err());
        assert!(parse(r#"{"index_min_calls":-1}"#).is_err());
    }

    #[test]
    fn evidence_missing_fields_are_zero() {
        let e = evidence_in(object_in(br#"{"calls":3}"#, "e").unwrap().as_ref().unwrap()).unwrap();
        assert_eq!((e.calls, e.rows_examined, e.mean_ms), (3, 0, 0.0));
        assert!(object_in(b"[1]", "e").is_err());
        assert!(object_in(b"{", "e").is_err());
    }
}
