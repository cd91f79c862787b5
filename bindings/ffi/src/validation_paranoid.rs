//! PARANOID validation through C: validate a buffer and run its pytest tests in the sandbox.
//!
//! The core never spawns processes; this face does, through the core's `PytestRunner` (cargo
//! feature `pytest-runner`), so C and Go services get the same isolation as Rust and Python:
//! a temporary directory, a scrubbed environment, CPU, memory, file-size and process limits and a
//! wall-clock timeout.

use std::time::Duration;

use cognition_core::validation::{self, PytestRunner, ValidationError, MAX_SOURCE_LEN};

use crate::error::Failure;
use crate::panic::cog_panic_boundary;
use crate::status::cog_status;
use crate::strings::{bytes_in, check_out, cog_string, str_in, write_out};
use crate::validation::config_in;

/// The interpreter used when the caller names none.
const DEFAULT_PYTHON: &str = "python3";

/// The longest test run a caller may ask for: one day (longer is a mistake, and a deadline
/// that far out must not overflow the clock arithmetic).
const MAX_TIMEOUT_MS: u64 = 24 * 60 * 60 * 1000;

/// Validate Python source and, at PARANOID, run `tests` (a pytest module that imports the source
/// as `solution`) against it in a sandboxed `python -m pytest` subprocess; write the JSON report
/// (schema as `cog_validate`) to `*out_json` and, when `out_sarif` is not NULL, the SARIF 2.1.0
/// log of the same report to `*out_sarif` (free both with `cog_string_free`).
///
/// Failing and erroring tests and a timeout become HIGH issues (CG301, CG302, CG303) named after
/// the test. Below PARANOID, and when the source has a syntax error, the tests are not run.
/// `python` is the interpreter with pytest (an absolute path, or a name looked up on the
/// sandbox's `PATH`, `/usr/local/bin:/usr/bin:/bin`; NULL/empty: `python3`);
/// `timeout_ms` bounds the whole test run (0: the default 30 s; at most one day). The run also gets 20 CPU
/// seconds, 1 GiB of address space and 64 processes; see the core's `PytestRunner`. Other
/// arguments as `cog_validate`.
///
/// Errors: those of `cog_validate`; `COG_STATUS_INVALID_UTF8` (tests, python);
/// `COG_STATUS_INVALID_ARGUMENT` (`timeout_ms` over one day);
/// `COG_STATUS_VALIDATION_INPUT_TOO_LARGE` (tests over 16 MiB);
/// `COG_STATUS_VALIDATION_TEST_RUNNER` when the tests could not be run at all (no such
/// interpreter, pytest not installed). Thread-safe; blocks for the duration of the test run.
///
/// # Safety
/// Each `(ptr, len)` pair is readable for `len` bytes (NULL allowed when `len` is 0); `out_json`
/// is writable; `out_sarif` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cog_validate_with_tests(
    source: *const u8,
    source_len: usize,
    tests: *const u8,
    tests_len: usize,
    level: *const u8,
    level_len: usize,
    max_line_length: u32,
    filename: *const u8,
    filename_len: usize,
    python: *const u8,
    python_len: usize,
    timeout_ms: u64,
    out_json: *mut cog_string,
    out_sarif: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let source = unsafe { bytes_in(source, source_len, "source") }?;
        if source.len() > MAX_SOURCE_LEN {
            return Err(ValidationError::InputTooLarge { len: source.len(), limit: MAX_SOURCE_LEN }.into());
        }
        let source = std::str::from_utf8(source)
            .map_err(|e| ValidationError::InvalidUtf8 { valid_up_to: e.valid_up_to() })?;
        let tests = unsafe { str_in(tests, tests_len, "tests") }?;
        if tests.len() > MAX_SOURCE_LEN {
            return Err(ValidationError::InputTooLarge { len: tests.len(), limit: MAX_SOURCE_LEN }.into());
        }
        let config =
            unsafe { config_in(level, level_len, max_line_length, filename, filename_len) }?;
        let python = unsafe { str_in(python, python_len, "python") }?;
        let mut runner = PytestRunner::new(if python.is_empty() { DEFAULT_PYTHON } else { python });
        if timeout_ms > MAX_TIMEOUT_MS {
            return Err(Failure::invalid_argument(format!(
                "timeout_ms is {timeout_ms}, over the limit of {MAX_TIMEOUT_MS} (one day)"
            )));
        }
        if timeout_ms > 0 {
            runner = runner.timeout(Duration::from_millis(timeout_ms));
        }
        let report = validation::validate_with_tests(source, tests, &config, &runner)?;
        let sarif = (!out_sarif.is_null()).then(|| cog_string::from_string(report.to_sarif()));
        unsafe { write_out(out_json, cog_string::from_string(report.to_json())) };
        if let Some(sarif) = sarif {
            unsafe { write_out(out_sarif, sarif) };
        }
        Ok(())
    }
}
