//! `Event`: an immutable Python view of the core's verified event envelope.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::errors::to_py_err;
use cognition_core::ErrorCode;

/// `json.loads`, imported on first use.
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
/// `copy.deepcopy`, imported on first use.
static DEEPCOPY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn cached<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    module: &str,
    name: &str,
) -> PyResult<&'py Bound<'py, PyAny>> {
    cell.import(py, module, name)
}

/// A verified webhook event: Stripe's envelope (`id`, `type`, `created`, `livemode`, `api_version`,
/// `data`), with `known_type` telling whether the core classifies the type.
///
/// Immutable and safe to share between threads. `data` is the envelope's `data` object exactly as
/// `json.loads` reads it (key order, integers and floats as Python parses them).
#[pyclass(frozen, module = "cognition_core", name = "Event")]
pub(crate) struct Event {
    /// The event id (`evt_…`); use it as the idempotency key.
    #[pyo3(get)]
    id: String,
    /// The wire type, e.g. `"invoice.paid"`.
    #[pyo3(get, name = "type")]
    type_name: String,
    /// `created`, Unix seconds.
    #[pyo3(get)]
    created: i64,
    /// `False` for test-mode events.
    #[pyo3(get)]
    livemode: bool,
    /// The API version the payload was rendered with, or `None`.
    #[pyo3(get)]
    api_version: Option<String>,
    /// `True` if the core knows this type (`invoice.paid`, …); unknown types are not errors.
    #[pyo3(get)]
    known_type: bool,
    /// The `data` object: `{"object": {...}, "previous_attributes": {...}}` as in Stripe.
    #[pyo3(get)]
    data: Py<PyDict>,
    /// `data.previous_attributes` on `*.updated` events, else `None`.
    #[pyo3(get)]
    previous_attributes: Option<Py<PyDict>>,
}

impl Event {
    /// Build the Python event from the core's parsed envelope and the payload it was parsed from.
    ///
    /// The core has already validated the envelope, so `data` is a JSON object here; `json.loads`
    /// rebuilds it with Python's own number and key-order semantics.
    pub(crate) fn new(
        py: Python<'_>,
        event: cognition_core::webhook::Event,
        payload: &[u8],
    ) -> PyResult<Self> {
        // The core parsed the payload with serde_json, which accepts only UTF-8.
        let text = std::str::from_utf8(payload).map_err(|e| {
            to_py_err(
                py,
                ErrorCode::EventInvalidJson,
                format!("event payload is not valid UTF-8: {e}"),
            )
        })?;
        let loads = cached(py, &JSON_LOADS, "json", "loads")?;
        let root = loads.call1((text,)).map_err(|e| {
            to_py_err(
                py,
                ErrorCode::EventInvalidJson,
                format!("event payload is not valid JSON for Python's json module: {e}"),
            )
        })?;
        let data = root.get_item("data")?.cast_into::<PyDict>()?;
        let previous_attributes = match data.get_item("previous_attributes")? {
            Some(previous) if !previous.is_none() => Some(previous.cast_into::<PyDict>()?.unbind()),
            _ => None,
        };
        Ok(Event {
            id: event.id,
            known_type: event.kind.is_known(),
            type_name: event.kind.as_str().to_owned(),
            created: event.created,
            livemode: event.livemode,
            api_version: event.api_version,
            data: data.unbind(),
            previous_attributes,
        })
    }
}

#[pymethods]
impl Event {
    /// Return the envelope as a new `dict` (`id`, `type`, `known_type`, `created`, `livemode`,
    /// `api_version`, `data`), the schema every face uses; `data` is a deep copy.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let deepcopy = cached(py, &DEEPCOPY, "copy", "deepcopy")?;
        let dict = PyDict::new(py);
        dict.set_item("id", &self.id)?;
        dict.set_item("type", &self.type_name)?;
        dict.set_item("known_type", self.known_type)?;
        dict.set_item("created", self.created)?;
        dict.set_item("livemode", self.livemode)?;
        dict.set_item("api_version", &self.api_version)?;
        dict.set_item("data", deepcopy.call1((self.data.bind(py),))?)?;
        Ok(dict)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let repr = |value: &str| -> PyResult<String> {
            Ok(pyo3::types::PyString::new(py, value).repr()?.to_string())
        };
        Ok(format!(
            "Event(id={}, type={}, created={}, livemode={})",
            repr(&self.id)?,
            repr(&self.type_name)?,
            self.created,
            if self.livemode { "True" } else { "False" },
        ))
    }
}
