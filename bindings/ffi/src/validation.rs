//! Code validation of Python source: a buffer or files and directories → JSON report.
//!
//! Reports are JSON (schema: `cognition_core::validation::ValidationReport`): `{"filename",
//! "level", "score", "passed", "lines", "annotation_coverage", "counts": {"CRITICAL": n, …},
//! "issues": [{"rule", "severity", "message", "line", "column", "end_line", "end_column",
//! "fixable"}]}`. Lines and columns are 1-based; columns count characters.

use cognition_core::validation::{self, Level, ValidationConfig};
use serde_json::{json, Value};

use crate::error::Failure;
use crate::panic::cog_panic_boundary;
use crate::status::cog_status;
use crate::strings::{bytes_in, check_out, cog_str, cog_string, slice_in, str_in, write_out};

/// Build the configuration from the C arguments: level name (NULL/empty: `standard`), line
/// length (0: the default 88), file name (NULL/empty: `<string>`).
///
/// # Safety
/// As `str_in` for each pair.
pub(crate) unsafe fn config_in(
    level: *const u8,
    level_len: usize,
    max_line_length: u32,
    filename: *const u8,
    filename_len: usize,
) -> Result<ValidationConfig, Failure> {
    let level_name = unsafe { str_in(level, level_len, "level") }?;
    let level: Level = if level_name.is_empty() {
        Level::Standard
    } else {
        level_name.parse()?
    };
    let mut config = ValidationConfig::new(level);
    if max_line_length > 0 {
        config = config.max_line_length(max_line_length as usize);
    }
    let filename = unsafe { str_in(filename, filename_len, "filename") }?;
    if !filename.is_empty() {
        config = config.filename(filename);
    }
    Ok(config)
}

/// Validate Python source and write the JSON report to `*out_json` (free with
/// `cog_string_free`).
///
/// `level` is `basic`, `standard`, `strict` or `paranoid` (any case; NULL/empty is `standard`;
/// here PARANOID checks what STRICT does; `cog_validate_with_tests` also runs the tests).
/// `max_line_length` 0 means 88. `filename` (NULL/empty: `<string>`) is used in the report.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8` (level, filename),
/// `COG_STATUS_VALIDATION_INVALID_UTF8` (source), `COG_STATUS_VALIDATION_INPUT_TOO_LARGE`
/// (over 16 MiB), `COG_STATUS_VALIDATION_UNKNOWN_LEVEL`. Thread-safe.
///
/// # Safety
/// Each `(ptr, len)` pair is readable for `len` bytes (NULL allowed when `len` is 0);
/// `out_json` is writable.
#[no_mangle]
pub unsafe extern "C" fn cog_validate(
    source: *const u8,
    source_len: usize,
    level: *const u8,
    level_len: usize,
    max_line_length: u32,
    filename: *const u8,
    filename_len: usize,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let source = unsafe { bytes_in(source, source_len, "source") }?;
        let config =
            unsafe { config_in(level, level_len, max_line_length, filename, filename_len) }?;
        let report = validation::validate_bytes(source, &config)?;
        unsafe { write_out(out_json, cog_string::from_string(report.to_json())) };
        Ok(())
    }
}

/// Validate source and write its SARIF 2.1.0 log to `*out_sarif` (free with `cog_string_free`).
/// Arguments and errors as `cog_validate`. Thread-safe.
///
/// # Safety
/// As `cog_validate`.
#[no_mangle]
pub unsafe extern "C" fn cog_validate_sarif(
    source: *const u8,
    source_len: usize,
    level: *const u8,
    level_len: usize,
    max_line_length: u32,
    filename: *const u8,
    filename_len: usize,
    out_sarif: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_sarif, "out_sarif")?;
        let source = unsafe { bytes_in(source, source_len, "source") }?;
        let config =
            unsafe { config_in(level, level_len, max_line_length, filename, filename_len) }?;
        let report = validation::validate_bytes(source, &config)?;
        unsafe { write_out(out_sarif, cog_string::from_string(report.to_sarif())) };
        Ok(())
    }
}

/// Apply the safe whitespace fixes (W291, W293, W292, W191) and write
/// `{"source": str, "applied": [issue…], "report": report}` to `*out_json` (free with
/// `cog_string_free`); `report` validates the fixed source at `level` and is named `filename`.
/// Arguments and errors as `cog_validate`. Thread-safe.
///
/// # Safety
/// As `cog_validate`.
#[no_mangle]
pub unsafe extern "C" fn cog_validation_fix(
    source: *const u8,
    source_len: usize,
    level: *const u8,
    level_len: usize,
    max_line_length: u32,
    filename: *const u8,
    filename_len: usize,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let bytes = unsafe { bytes_in(source, source_len, "source") }?;
        let config =
            unsafe { config_in(level, level_len, max_line_length, filename, filename_len) }?;
        let text = std::str::from_utf8(bytes).map_err(|e| {
            cognition_core::validation::ValidationError::InvalidUtf8 { valid_up_to: e.valid_up_to() }
        })?;
        let fixed = validation::fix(text, &config)?;
        let doc = json!({
            "source": fixed.source,
            "applied": fixed.applied,
            "report": fixed.report.to_json_value(),
        });
        unsafe { write_out(out_json, cog_string::from_string(doc.to_string())) };
        Ok(())
    }
}

/// Validate files, and every `*.py` file under directories, in parallel; write a JSON array in
/// path order to `*out_json` (free with `cog_string_free`): one
/// `{"path": str, "report": report | null, "error": {"code": n, "name": str, "message": str} | null}`
/// per file. A file that cannot be read or is not UTF-8 gets an `error`; a path that does not
/// exist fails the call.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8` (a path or the level),
/// `COG_STATUS_VALIDATION_UNKNOWN_LEVEL`, `COG_STATUS_VALIDATION_PATH_IO`. Thread-safe.
///
/// # Safety
/// `paths` is readable for `paths_len` elements, each `(ptr, len)` readable for `len` bytes;
/// `out_json` is writable.
#[no_mangle]
pub unsafe extern "C" fn cog_validate_paths(
    paths: *const cog_str,
    paths_len: usize,
    level: *const u8,
    level_len: usize,
    max_line_length: u32,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let items = unsafe { slice_in(paths, paths_len, "paths") }?;
        let paths: Vec<&str> = items
            .iter()
            .map(|p| unsafe { str_in(p.ptr, p.len, "paths") })
            .collect::<Result<_, _>>()?;
        let config = unsafe { config_in(level, level_len, max_line_length, std::ptr::null(), 0) }?;
        let reports = validation::validate_paths(&paths, &config)?;
        let array: Vec<Value> = reports
            .iter()
            .map(|r| match &r.result {
                Ok(report) => json!({
                    "path": r.path.display().to_string(),
                    "report": report.to_json_value(),
                    "error": null,
                }),
                Err(e) => json!({
                    "path": r.path.display().to_string(),
                    "report": null,
                    "error": {"code": e.code() as u32, "name": e.code().name(), "message": e.to_string()},
                }),
            })
            .collect();
        let text = Value::Array(array).to_string();
        unsafe { write_out(out_json, cog_string::from_string(text)) };
        Ok(())
    }
}
