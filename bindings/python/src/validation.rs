//! The validation face: `validate`, `validate_paths`, `fix` and `to_sarif`, over
//! `cognition_core::validation`.
//!
//! Source is a `str` or UTF-8 `bytes` (any bytes-like object); text that has no UTF-8 form (a
//! lone surrogate) and bytes that are not UTF-8 are a `ValidationInputError` with code
//! `VALIDATION_INVALID_UTF8`. Every call releases the interpreter around the core's work, so
//! threads validating different sources run in parallel; `validate_paths` also spreads the files
//! over every core itself.

use std::path::PathBuf;
use std::time::Duration;

use cognition_core::validation::{self as core, Level, PytestRunner, ValidationConfig};
use cognition_core::ErrorCode;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

use crate::errors::{core_err, invalid_argument, to_py_err};
use crate::json::type_name;
use crate::validation_values::{FixResult, PathReport, ValidationReport};

/// The default wall-clock limit of a PARANOID test run, in seconds (the runner's default).
const DEFAULT_TEST_TIMEOUT_SECS: f64 = 30.0;

/// Source as given: text, or bytes still to be checked for UTF-8 by the core.
enum Source {
    Text(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl Source {
    /// The text, or the core's `InvalidUtf8` error for bytes that are not UTF-8.
    fn text(&self) -> Result<&str, core::ValidationError> {
        match self {
            Source::Text(s) => Ok(s),
            Source::Bytes(b) => {
                std::str::from_utf8(b).map_err(|e| core::ValidationError::InvalidUtf8 {
                    valid_up_to: e.valid_up_to(),
                })
            }
        }
    }
}

/// Take the source: `str`, or a bytes-like object (`bytes`, `bytearray`, `memoryview`).
fn source_arg(obj: &Bound<'_, PyAny>) -> PyResult<Source> {
    if let Ok(s) = obj.cast::<PyString>() {
        return PyBackedStr::try_from(s.clone())
            .map(Source::Text)
            .map_err(|_| {
                to_py_err(
                    obj.py(),
                    ErrorCode::ValidationInvalidUtf8,
                    "source is not valid Unicode: it contains a lone surrogate (e.g. from \
                     decoding bytes with errors='surrogateescape'); pass the raw bytes instead"
                        .to_owned(),
                )
            });
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Source::Bytes(PyBackedBytes::from(b.clone())));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        // Copied: a caller mutating the bytearray from another thread cannot race the parser.
        return Ok(Source::Bytes(PyBackedBytes::from(b.clone())));
    }
    if let Ok(view) = PyMemoryView::from(obj) {
        let bytes = view.call_method0("tobytes")?.cast_into::<PyBytes>()?;
        return Ok(Source::Bytes(PyBackedBytes::from(bytes)));
    }
    Err(PyTypeError::new_err(format!(
        "source must be a str or bytes, not {}",
        type_name(obj)
    )))
}

/// Take a `str` option, naming it in the `TypeError`.
fn str_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if !obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a str, not {}",
            type_name(obj)
        )));
    }
    obj.extract::<String>()
}

/// Build the configuration: level name (any case), line length (a positive int), file name.
fn config_arg(
    py: Python<'_>,
    level: &Bound<'_, PyAny>,
    max_line_length: &Bound<'_, PyAny>,
    filename: Option<&Bound<'_, PyAny>>,
) -> PyResult<ValidationConfig> {
    let level: Level = str_arg(level, "level")?
        .parse()
        .map_err(|e| core_err(py, e))?;
    let length = crate::query::count(max_line_length, "max_line_length")?;
    if length == 0 {
        return Err(invalid_argument(py, "max_line_length must be at least 1"));
    }
    let mut config =
        ValidationConfig::new(level).max_line_length(usize::try_from(length).unwrap_or(usize::MAX));
    if let Some(name) = filename {
        config = config.filename(str_arg(name, "filename")?);
    }
    Ok(config)
}

/// The interpreter the PARANOID test run uses: `python`, or this process's `sys.executable`.
fn interpreter(py: Python<'_>, python: Option<&Bound<'_, PyAny>>) -> PyResult<PathBuf> {
    if let Some(p) = python {
        return p.extract::<PathBuf>().map_err(|_| {
            PyTypeError::new_err(format!(
                "python must be a str or os.PathLike, not {}",
                type_name(p)
            ))
        });
    }
    let exe = py.import("sys")?.getattr("executable")?;
    match exe.extract::<Option<String>>()? {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Err(to_py_err(
            py,
            ErrorCode::ValidationTestRunner,
            "sys.executable is empty, so there is no interpreter to run the tests with: pass \
             python='/path/to/python'"
                .to_owned(),
        )),
    }
}

/// Take the test-run timeout: finite seconds above zero.
fn timeout_arg(py: Python<'_>, timeout: Option<f64>) -> PyResult<Duration> {
    let secs = timeout.unwrap_or(DEFAULT_TEST_TIMEOUT_SECS);
    if !secs.is_finite() || secs <= 0.0 || secs > 86_400.0 {
        return Err(invalid_argument(
            py,
            format!("timeout must be a number of seconds in (0, 86400], got {secs}"),
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Validate Python source at `level`; with `tests` at `level="paranoid"`, also run them with
/// pytest in a sandboxed subprocess.
#[pyfunction]
#[pyo3(
    signature = (
        source, *, level = None, filename = None, max_line_length = None, tests = None,
        python = None, timeout = None
    ),
    text_signature = "(source, *, level='standard', filename='<string>', max_line_length=88, \
                      tests=None, python=None, timeout=30.0)"
)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn validate(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    level: Option<&Bound<'_, PyAny>>,
    filename: Option<&Bound<'_, PyAny>>,
    max_line_length: Option<&Bound<'_, PyAny>>,
    tests: Option<&Bound<'_, PyAny>>,
    python: Option<&Bound<'_, PyAny>>,
    timeout: Option<f64>,
) -> PyResult<ValidationReport> {
    let source = source_arg(source)?;
    let config = config_from(py, level, max_line_length, filename)?;
    let Some(tests) = tests.filter(|t| !t.is_none()) else {
        let report = py
            .detach(|| match &source {
                Source::Text(s) => core::validate(s, &config),
                Source::Bytes(b) => core::validate_bytes(b, &config),
            })
            .map_err(|e| core_err(py, e))?;
        return Ok(ValidationReport::new(report));
    };
    if config.level() < Level::Paranoid {
        return Err(invalid_argument(
            py,
            format!(
                "tests run only at level='paranoid', not at level='{}'",
                config.level()
            ),
        ));
    }
    let tests = str_arg(tests, "tests")?;
    let runner = PytestRunner::new(interpreter(py, python)?).timeout(timeout_arg(py, timeout)?);
    let report = py
        .detach(|| core::validate_with_tests(source.text()?, &tests, &config, &runner))
        .map_err(|e| core_err(py, e))?;
    Ok(ValidationReport::new(report))
}

/// `config_arg` with the documented defaults for missing options.
fn config_from(
    py: Python<'_>,
    level: Option<&Bound<'_, PyAny>>,
    max_line_length: Option<&Bound<'_, PyAny>>,
    filename: Option<&Bound<'_, PyAny>>,
) -> PyResult<ValidationConfig> {
    let default_level = PyString::new(py, "standard").into_any();
    let default_length = 88u32.into_pyobject(py)?.into_any();
    config_arg(
        py,
        level.unwrap_or(&default_level),
        max_line_length.unwrap_or(&default_length),
        filename,
    )
}

/// Take `paths`: one `str`/`os.PathLike`, or an iterable of them.
fn paths_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    let one = |item: &Bound<'_, PyAny>| -> PyResult<PathBuf> {
        if item.is_instance_of::<PyBytes>() {
            return Err(PyTypeError::new_err(
                "paths must be str or os.PathLike, not bytes",
            ));
        }
        item.extract::<PathBuf>().map_err(|_| {
            PyTypeError::new_err(format!(
                "paths must be str or os.PathLike (or an iterable of them), not {}",
                type_name(item)
            ))
        })
    };
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
        return Ok(vec![one(obj)?]);
    }
    let items = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "paths must be str or os.PathLike (or an iterable of them), not {}",
            type_name(obj)
        ))
    })?;
    items.map(|item| one(&item?)).collect()
}

/// Validate files, and every `*.py` file under directories, on every core; one `PathReport`
/// per file in sorted path order.
#[pyfunction]
#[pyo3(
    signature = (paths, *, level = None, max_line_length = None),
    text_signature = "(paths, *, level='standard', max_line_length=88)"
)]
pub(crate) fn validate_paths(
    py: Python<'_>,
    paths: &Bound<'_, PyAny>,
    level: Option<&Bound<'_, PyAny>>,
    max_line_length: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<PathReport>> {
    let paths = paths_arg(paths)?;
    let config = config_from(py, level, max_line_length, None)?;
    let reports = py
        .detach(|| core::validate_paths(&paths, &config))
        .map_err(|e| core_err(py, e))?;
    reports
        .into_iter()
        .map(|r| PathReport::new(py, r))
        .collect()
}

/// Apply the safe whitespace fixes (W291, W293, W292, W191), then validate the result at `level`.
#[pyfunction]
#[pyo3(
    signature = (source, *, level = None, filename = None, max_line_length = None),
    text_signature = "(source, *, level='standard', filename='<string>', max_line_length=88)"
)]
pub(crate) fn fix(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    level: Option<&Bound<'_, PyAny>>,
    filename: Option<&Bound<'_, PyAny>>,
    max_line_length: Option<&Bound<'_, PyAny>>,
) -> PyResult<FixResult> {
    let source = source_arg(source)?;
    let config = config_from(py, level, max_line_length, filename)?;
    let fixed = py
        .detach(|| core::fix(source.text()?, &config))
        .map_err(|e| core_err(py, e))?;
    FixResult::new(py, fixed)
}

/// One SARIF 2.1.0 log for several reports (e.g. every file of `validate_paths`).
#[pyfunction]
pub(crate) fn to_sarif(py: Python<'_>, reports: &Bound<'_, PyAny>) -> PyResult<String> {
    let items = reports.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "reports must be an iterable of ValidationReport, not {}",
            type_name(reports)
        ))
    })?;
    let mut owned = Vec::new();
    for item in items {
        let item = item?;
        let report = item.cast::<ValidationReport>().map_err(|_| {
            PyTypeError::new_err(format!(
                "reports must hold ValidationReport objects, not {}",
                type_name(&item)
            ))
        })?;
        owned.push(std::sync::Arc::clone(&report.get().0));
    }
    Ok(py.detach(|| {
        let reports: Vec<core::ValidationReport> = owned.iter().map(|r| (**r).clone()).collect();
        core::to_sarif(&reports)
    }))
}
