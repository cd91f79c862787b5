//! Argument conversion: every input is owned (or borrowed from an immutable object) before the
//! interpreter is released, and type mistakes raise `TypeError` with a message that says what to pass.

use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString};

use crate::errors::invalid_argument;

/// Why a `str` payload is refused: the signature covers the exact bytes that were sent.
const STR_PAYLOAD_HINT: &str = "payload must be the raw request body as bytes, not str: decoding \
and re-encoding a body can change its bytes and break the signature. Pass the body exactly as \
received, e.g. `await request.body()` (Starlette/FastAPI), `request.get_data()` (Flask) or \
`request.body` (Django)";

/// Take a payload from any object with the buffer protocol (`bytes`, `bytearray`, `memoryview`, …).
///
/// `bytes` is borrowed without copying (it is immutable and kept alive by the returned value); other
/// buffers are copied, so a caller mutating them from another thread cannot race the hash.
pub(crate) fn payload(obj: &Bound<'_, PyAny>) -> PyResult<PyBackedBytes> {
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(PyBackedBytes::from(bytes.clone()));
    }
    if let Ok(bytearray) = obj.cast::<PyByteArray>() {
        return Ok(PyBackedBytes::from(bytearray.clone()));
    }
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(STR_PAYLOAD_HINT));
    }
    match PyMemoryView::from(obj) {
        Ok(view) => {
            let bytes = view.call_method0("tobytes")?.cast_into::<PyBytes>()?;
            Ok(PyBackedBytes::from(bytes))
        }
        Err(_) => Err(PyTypeError::new_err(format!(
            "payload must be a bytes-like object (bytes, bytearray, memoryview), not {}",
            type_name(obj)
        ))),
    }
}

/// Take one secret (`str`) or several (any iterable of `str`, for rotation).
pub(crate) fn secrets(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if obj.is_instance_of::<PyString>() {
        return Ok(vec![obj.extract::<String>()?]);
    }
    if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
        return Err(PyTypeError::new_err(
            "secret must be a str or a sequence of str, not bytes: pass the secret as shown in the \
             provider's dashboard (e.g. 'whsec_...')",
        ));
    }
    let items = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "secret must be a str or a sequence of str, not {}",
            type_name(obj)
        ))
    })?;
    let mut secrets = Vec::new();
    for item in items {
        let item = item?;
        if !item.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!(
                "every secret must be a str, not {}",
                type_name(&item)
            )));
        }
        secrets.push(item.extract::<String>()?);
    }
    Ok(secrets)
}

/// Take a string argument, naming it in the `TypeError` (never echoing its value).
pub(crate) fn string(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if !obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a str, not {}",
            type_name(obj)
        )));
    }
    obj.extract::<String>()
}

/// Take HTTP headers from a mapping of `str` to `str` (a `dict`, or any object with `.items()`
/// such as Django's `request.headers` or Starlette's `Headers`).
pub(crate) fn header_pairs(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let pair = |name: Bound<'_, PyAny>, value: Bound<'_, PyAny>| -> PyResult<(String, String)> {
        Ok((
            string(&name, "every header name")?,
            string(&value, "every header value")?,
        ))
    };
    if let Ok(dict) = obj.cast::<PyDict>() {
        return dict.iter().map(|(name, value)| pair(name, value)).collect();
    }
    let items = obj
        .getattr("items")
        .and_then(|items| items.call0())
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "headers must be a mapping of header names to values, not {}",
                type_name(obj)
            ))
        })?;
    let mut pairs = Vec::new();
    for item in items.try_iter()? {
        let (name, value) = item?.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
        pairs.push(pair(name, value)?);
    }
    Ok(pairs)
}

/// Check a replay tolerance in seconds: `0` disables the check, negative values are refused.
pub(crate) fn tolerance(py: Python<'_>, seconds: i64) -> PyResult<u64> {
    u64::try_from(seconds).map_err(|_| {
        invalid_argument(
            py,
            format!("tolerance must be a non-negative number of seconds (0 disables the check), got {seconds}"),
        )
    })
}

/// Resolve `now`: the given Unix seconds, or the system clock (as `int(time.time())`).
pub(crate) fn now_or_clock(now: Option<i64>) -> i64 {
    now.unwrap_or_else(|| match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
        Err(before_epoch) => {
            i64::try_from(before_epoch.duration().as_secs()).map_or(i64::MIN, |secs| -secs)
        }
    })
}

/// The qualified name of an object's type, for error messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "an unknown type".to_owned(), |name| name.to_string())
}
