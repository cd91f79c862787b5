//! Map the core's `Error` onto the pure-Python exceptions of `cognition_core._errors`.
//!
//! The exception classes are defined in Python (so they are ordinary, picklable, subclassable
//! exceptions with a typed `.code`); this module imports their factory once and calls it.

use cognition_core::{Error, ErrorCode, ALL_ERROR_CODES};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// `cognition_core._errors._new_error(code, message)`, imported on first use.
static NEW_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Build the Python exception for an error code and message.
pub(crate) fn to_py_err(py: Python<'_>, code: ErrorCode, message: String) -> PyErr {
    let factory = match NEW_ERROR.get_or_try_init(py, || {
        py.import("cognition_core._errors")?
            .getattr("_new_error")
            .map(Bound::unbind)
    }) {
        Ok(factory) => factory.bind(py),
        Err(err) => return err,
    };
    match factory.call1((code as u32, message)) {
        Ok(exception) => PyErr::from_value(exception),
        Err(err) => err,
    }
}

/// Convert any core error into its Python exception.
pub(crate) fn core_err(py: Python<'_>, err: impl Into<Error>) -> PyErr {
    let err = err.into();
    to_py_err(py, err.code(), err.to_string())
}

/// An `INVALID_ARGUMENT` error (a `ValueError` subclass carrying `.code`).
pub(crate) fn invalid_argument(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py_err(py, ErrorCode::InvalidArgument, message.into())
}

/// Return every error code as `{name: number}`, straight from the core's `ALL_ERROR_CODES`.
///
/// The tests compare it with `cognition_core.ErrorCode` so the Python enum cannot drift.
#[pyfunction]
pub(crate) fn error_codes(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let codes = PyDict::new(py);
    for code in ALL_ERROR_CODES {
        codes.set_item(code.name(), *code as u32)?;
    }
    Ok(codes)
}
