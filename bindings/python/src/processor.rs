//! `WebhookProcessor`: verify → parse → claim → dispatch to a Python handler → complete or fail,
//! exactly once per event id, over any store.
//!
//! The core processor is immutable once built, so `.on()` rebuilds it with the new handler table
//! and swaps it in under a short write lock; `process()` clones the current one out and runs it
//! with the interpreter released (handlers and a Python clock take it back only for their call).

use std::collections::HashMap;
use std::sync::Arc;

use cognition_core::idempotency::{self as core, HandlerError, IdempotencyStore, ProcessorConfig};
use cognition_core::{Clock, SystemClock};
use parking_lot::RwLock;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

use crate::errors::core_err;
use crate::event::Event;
use crate::inputs;
use crate::json;
use crate::records::{record_list, Record, Stats};
use crate::store::{describe, limit_of, purge_cutoff, status_of, window_of, MemoryStore, Store};

/// `cognition_core._errors.PermanentFailure`, imported on first use.
static PERMANENT_FAILURE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A Python callable registered for one event type.
#[derive(Clone)]
struct PyHandler(Arc<Py<PyAny>>);

impl core::Handler for PyHandler {
    fn handle(
        &self,
        event: &cognition_core::webhook::Event,
    ) -> Result<Option<serde_json::Value>, HandlerError> {
        // Only reached without the delivered body; its re-encoded envelope stands in for it.
        let envelope = serde_json::to_vec(&event.to_json())
            .map_err(|e| HandlerError::Retryable(format!("could not re-encode the event: {e}")))?;
        self.handle_delivery(event, &envelope)
    }

    fn handle_delivery(
        &self,
        event: &cognition_core::webhook::Event,
        payload: &[u8],
    ) -> Result<Option<serde_json::Value>, HandlerError> {
        Python::attach(|py| {
            // The Python Event reads the body exactly as delivered (key order, big numbers).
            let py_event = Event::new(py, event.clone(), payload)
                .map_err(|e| HandlerError::Retryable(describe(py, &e)))?;
            match self.0.bind(py).call1((py_event,)) {
                Ok(value) if value.is_none() => Ok(None),
                Ok(value) => json::to_value(&value).map(Some).map_err(|m| {
                    HandlerError::Permanent(format!(
                        "the handler for `{}` returned a result that is not JSON-serialisable: {m}",
                        event.type_name()
                    ))
                }),
                Err(err) => {
                    let permanent = PERMANENT_FAILURE
                        .import(py, "cognition_core._errors", "PermanentFailure")
                        .is_ok_and(|cls| err.is_instance(py, cls));
                    if permanent {
                        let message = err
                            .value(py)
                            .str()
                            .map(|s| s.to_string())
                            .unwrap_or_default();
                        Err(HandlerError::Permanent(if message.is_empty() {
                            "PermanentFailure".to_owned()
                        } else {
                            message
                        }))
                    } else {
                        Err(HandlerError::Retryable(describe(py, &err)))
                    }
                }
            }
        })
    }
}

/// A Python `clock()` returning Unix milliseconds.
struct PyClock(Py<PyAny>);

impl Clock for PyClock {
    fn now_millis(&self) -> i64 {
        Python::attach(|py| {
            let clock = self.0.bind(py);
            let reading = clock.call0().and_then(|v| {
                v.extract::<i64>()
                    .or_else(|_| v.extract::<f64>().map(|f| f as i64))
            });
            match reading {
                Ok(ms) => ms,
                Err(err) => {
                    // The core's clock cannot fail: report the error and fall back to the system.
                    err.write_unraisable(py, Some(clock));
                    SystemClock.now_millis()
                }
            }
        })
    }
}

struct State {
    handlers: HashMap<String, PyHandler>,
    core: Arc<core::WebhookProcessor>,
}

/// Exactly-once processing of Stripe webhook deliveries over an idempotency store.
#[pyclass(frozen, module = "cognition_core", name = "WebhookProcessor")]
pub(crate) struct WebhookProcessor {
    config: ProcessorConfig,
    store_obj: Py<Store>,
    store: Arc<dyn IdempotencyStore>,
    clock: Arc<dyn Clock>,
    state: RwLock<State>,
}

impl WebhookProcessor {
    fn build(
        &self,
        handlers: &HashMap<String, PyHandler>,
    ) -> Result<core::WebhookProcessor, cognition_core::Error> {
        let mut processor = core::WebhookProcessor::new(self.config.clone(), self.store.clone())?
            .with_clock(self.clock.clone());
        for (event_type, handler) in handlers {
            processor.on(event_type, handler.clone());
        }
        Ok(processor)
    }

    fn current(&self) -> Arc<core::WebhookProcessor> {
        self.state.read().core.clone()
    }

    fn now(&self) -> i64 {
        self.clock.now_millis()
    }
}

#[pymethods]
impl WebhookProcessor {
    #[new]
    #[pyo3(signature = (secret, *, store = None, tolerance = 300, lease_ms = 30000, clock = None))]
    fn new(
        py: Python<'_>,
        secret: &Bound<'_, PyAny>,
        store: Option<&Bound<'_, Store>>,
        tolerance: i64,
        lease_ms: i64,
        clock: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let secrets = inputs::secrets(secret)?;
        let tolerance_secs = inputs::tolerance(py, tolerance)?;
        let store_obj: Py<Store> = match store {
            Some(s) => s.clone().unbind(),
            None => Bound::new(py, MemoryStore::new(None))?
                .into_super()
                .unbind(),
        };
        let clock: Arc<dyn Clock> = match clock {
            None => Arc::new(SystemClock),
            Some(c) if c.is_none() => Arc::new(SystemClock),
            Some(c) if c.is_callable() => Arc::new(PyClock(c.clone().unbind())),
            Some(c) => {
                return Err(PyTypeError::new_err(format!(
                    "clock must be a callable returning Unix milliseconds, not {}",
                    json::type_name(c)
                )))
            }
        };
        let config = ProcessorConfig {
            secrets,
            tolerance_secs,
            lease_millis: lease_ms,
        };
        let store = store_obj.get().inner.clone();
        let core = core::WebhookProcessor::new(config.clone(), store.clone())
            .map_err(|e| core_err(py, e))?
            .with_clock(clock.clone());
        Ok(WebhookProcessor {
            config,
            store_obj,
            store,
            clock,
            state: RwLock::new(State {
                handlers: HashMap::new(),
                core: Arc::new(core),
            }),
        })
    }

    /// The store the records live in.
    #[getter]
    fn store(&self, py: Python<'_>) -> Py<Store> {
        self.store_obj.clone_ref(py)
    }

    /// The event types with a registered handler, sorted.
    #[getter]
    fn event_types(&self) -> Vec<String> {
        let mut types: Vec<String> = self.state.read().handlers.keys().cloned().collect();
        types.sort();
        types
    }

    /// Return a decorator registering its function as the handler for `event_type`.
    fn on(slf: &Bound<'_, Self>, event_type: String) -> Registrar {
        Registrar {
            processor: slf.clone().unbind(),
            event_type,
        }
    }

    /// Register `handler` for `event_type` (replacing any earlier one) and return it.
    fn add_handler<'py>(
        &self,
        py: Python<'py>,
        event_type: String,
        handler: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !handler.is_callable() {
            return Err(PyTypeError::new_err(format!(
                "a handler must be callable as handler(event), not {}",
                json::type_name(&handler)
            )));
        }
        let mut state = self.state.write();
        let mut handlers = state.handlers.clone();
        handlers.insert(event_type, PyHandler(Arc::new(handler.clone().unbind())));
        let core = self.build(&handlers).map_err(|e| core_err(py, e))?;
        state.handlers = handlers;
        state.core = Arc::new(core);
        Ok(handler)
    }

    /// Verify, parse and handle one delivery exactly once.
    fn process(
        &self,
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        header: &Bound<'_, PyAny>,
    ) -> PyResult<ProcessResult> {
        let payload = inputs::payload(payload)?;
        let header = inputs::string(header, "header")?;
        let core = self.current();
        py.detach(|| core.process(&payload, &header))
            .map(ProcessResult)
            .map_err(|e| core_err(py, e))
    }

    /// Re-run up to `limit` failures whose retry is due now through the same handlers.
    #[pyo3(signature = (limit = 100))]
    fn retry_due(&self, py: Python<'_>, limit: i64) -> PyResult<Vec<ProcessResult>> {
        let limit = limit_of(py, limit)?;
        let core = self.current();
        py.detach(|| core.retry_due(limit))
            .map(|results| results.into_iter().map(ProcessResult).collect())
            .map_err(|e| core_err(py, e))
    }

    /// Put a dead-lettered (or permanently failed) event back in the queue.
    fn requeue_dead(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<()> {
        let key = inputs::string(key, "key")?;
        let core = self.current();
        py.detach(|| core.requeue_dead(&key))
            .map_err(|e| core_err(py, e))
    }

    /// Summarise the records created in `[since, until)` (Unix ms).
    #[pyo3(signature = (since = None, until = None))]
    fn stats(&self, py: Python<'_>, since: Option<i64>, until: Option<i64>) -> PyResult<Stats> {
        let store = &self.store;
        py.detach(|| store.stats(window_of(since, until)))
            .map(Stats)
            .map_err(|e| core_err(py, e))
    }

    /// Return up to `limit` records, newest first (use `store.list` for the page cursor).
    #[pyo3(signature = (*, status = None, event_type = None, since = None, until = None, limit = 100, cursor = None))]
    #[allow(clippy::too_many_arguments)]
    fn events<'py>(
        &self,
        py: Python<'py>,
        status: Option<&str>,
        event_type: Option<String>,
        since: Option<i64>,
        until: Option<i64>,
        limit: i64,
        cursor: Option<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let filter = core::Filter {
            event_type,
            status: status_of(py, status)?,
            since,
            until,
            limit: limit_of(py, limit)?,
            cursor,
        };
        let store = &self.store;
        let page = py
            .detach(|| store.list(&filter))
            .map_err(|e| core_err(py, e))?;
        record_list(py, page.records)
    }

    /// Return the record of event `event_id`, or `None`.
    fn event(&self, py: Python<'_>, event_id: &Bound<'_, PyAny>) -> PyResult<Option<Record>> {
        let key = inputs::string(event_id, "event_id")?;
        let store = &self.store;
        py.detach(|| store.get(&key))
            .map(|r| r.map(Record))
            .map_err(|e| core_err(py, e))
    }

    /// Delete finished records older than `older_than_days` (by the processor's clock).
    #[pyo3(signature = (older_than_days = 90))]
    fn purge(&self, py: Python<'_>, older_than_days: i64) -> PyResult<u64> {
        let store = &self.store;
        let now = py.detach(|| self.now());
        let cutoff = purge_cutoff(py, older_than_days, now, None)?;
        py.detach(|| store.purge(cutoff))
            .map_err(|e| core_err(py, e))
    }

    fn __repr__(&self) -> String {
        format!(
            "WebhookProcessor(event_types={:?}, tolerance={})",
            self.event_types(),
            self.config.tolerance_secs
        )
    }
}

/// The decorator `WebhookProcessor.on(event_type)` returns.
#[pyclass(frozen, module = "cognition_core._native", name = "_HandlerRegistrar")]
pub(crate) struct Registrar {
    processor: Py<WebhookProcessor>,
    event_type: String,
}

#[pymethods]
impl Registrar {
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        handler: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.processor
            .get()
            .add_handler(py, self.event_type.clone(), handler)
    }
}

/// The result of processing one delivery (or one retry).
#[pyclass(frozen, module = "cognition_core", name = "ProcessResult")]
pub(crate) struct ProcessResult(core::ProcessResult);

#[pymethods]
impl ProcessResult {
    /// `processed`, `duplicate`, `in_progress`, `ignored`, `retrying`, `failed` or `dead`.
    #[getter]
    fn status(&self) -> &'static str {
        self.0.outcome.as_str()
    }
    /// The HTTP status to answer the provider with (409 for `in_progress`, else 200).
    #[getter]
    fn http_status(&self) -> u16 {
        self.0.outcome.http_status()
    }
    /// The event id (the idempotency key).
    #[getter]
    fn event_id(&self) -> &str {
        &self.0.event_id
    }
    /// The event type.
    #[getter]
    fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// `True` when the event had been seen before and the handler was not called.
    #[getter]
    fn duplicate(&self) -> bool {
        self.0.duplicate
    }
    /// The handler's result (now or from the earlier run).
    #[getter]
    fn result<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::opt_to_py(py, self.0.result.as_ref())
    }
    /// The failure message, when the handler failed.
    #[getter]
    fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// The attempt number, when the handler ran.
    #[getter]
    fn attempt(&self) -> Option<u32> {
        self.0.attempt
    }
    /// When the next retry is due (Unix ms), for `retrying`.
    #[getter]
    fn next_retry_at(&self) -> Option<i64> {
        self.0.next_retry_at
    }

    /// Return the result as a new dict (`status`, `http_status`, `event_id`, `event_type`,
    /// `duplicate`, `result`, `error`, `attempt`, `next_retry_at`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(json::to_py(py, &self.0.to_json())?.cast_into::<PyDict>()?)
    }

    fn __repr__(&self) -> String {
        format!(
            "ProcessResult(status={:?}, event_id={:?}, duplicate={}, attempt={})",
            self.status(),
            self.0.event_id,
            if self.0.duplicate { "True" } else { "False" },
            self.0
                .attempt
                .map_or_else(|| "None".to_owned(), |a| a.to_string())
        )
    }
}
