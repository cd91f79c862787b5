//! Idempotency stores: the `IdempotencyStore` base class with every store method, and its three
//! concrete classes `MemoryStore`, `SqliteStore` and `BackendStore` (records in the user's own
//! storage, through a Python object with `load`/`insert`/`replace`/`scan`/`delete`).
//!
//! Every method releases the interpreter while the store works; `BackendStore` takes it back only
//! to call the user's methods.

use std::path::PathBuf;
use std::sync::Arc;

use cognition_core::idempotency::{
    self as core, BackendStore as CoreBackendStore, ClaimRequest, Fingerprint, IdempotencyStore,
    Status, StoreError, Window, DAY_MILLIS,
};
use cognition_core::ErrorCode;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::errors::{core_err, invalid_argument, to_py_err};
use crate::inputs;
use crate::json;
use crate::records::{
    policy_of, record_from_py, record_list, record_to_dict, token_of, Claim, Page, Record,
    RetryDecision, RetryPolicy, Stats,
};

/// Unix milliseconds: the given value, or the system clock.
pub(crate) fn now_ms(now: Option<i64>) -> i64 {
    now.unwrap_or_else(|| {
        use cognition_core::Clock;
        cognition_core::SystemClock.now_millis()
    })
}

/// Convert a Python result into JSON, raising `StoreError(INVALID_RESULT)` when it is not JSON.
pub(crate) fn result_value(
    py: Python<'_>,
    result: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<serde_json::Value>> {
    match result {
        None => Ok(None),
        Some(r) if r.is_none() => Ok(None),
        Some(r) => json::to_value(r)
            .map(Some)
            .map_err(|m| to_py_err(py, ErrorCode::InvalidResult, format!("invalid result: {m}"))),
    }
}

/// Parse an optional status filter (case-insensitive).
pub(crate) fn status_of(py: Python<'_>, status: Option<&str>) -> PyResult<Option<Status>> {
    status
        .map(|s| s.parse::<Status>())
        .transpose()
        .map_err(|e| core_err(py, e))
}

/// Check a page size / batch limit.
pub(crate) fn limit_of(py: Python<'_>, limit: i64) -> PyResult<usize> {
    usize::try_from(limit)
        .ok()
        .filter(|l| *l > 0)
        .ok_or_else(|| invalid_argument(py, format!("limit must be positive, got {limit}")))
}

/// The window `[since, until)`; either end open when `None`.
pub(crate) fn window_of(since: Option<i64>, until: Option<i64>) -> Window {
    Window {
        since: since.unwrap_or(i64::MIN),
        until: until.unwrap_or(i64::MAX),
    }
}

/// The creation cutoff of a purge: `before`, or `now - older_than_days`.
pub(crate) fn purge_cutoff(
    py: Python<'_>,
    older_than_days: i64,
    now: i64,
    before: Option<i64>,
) -> PyResult<i64> {
    if let Some(before) = before {
        return Ok(before);
    }
    if older_than_days < 0 {
        return Err(invalid_argument(
            py,
            format!("older_than_days must not be negative, got {older_than_days}"),
        ));
    }
    Ok(now.saturating_sub(older_than_days.saturating_mul(DAY_MILLIS)))
}

/// The methods every store has. Not constructed directly: use `MemoryStore`, `SqliteStore` or
/// `BackendStore`. Safe to share between threads.
#[pyclass(frozen, subclass, module = "cognition_core", name = "IdempotencyStore")]
pub(crate) struct Store {
    pub(crate) inner: Arc<dyn IdempotencyStore>,
}

#[pymethods]
impl Store {
    /// Claim `key` for processing the request or event `body`.
    #[pyo3(signature = (key, body, *, event_type = "", now = None, lease_ms = 30000, keep_payload = false))]
    #[allow(clippy::too_many_arguments)]
    fn claim(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        event_type: &str,
        now: Option<i64>,
        lease_ms: i64,
        keep_payload: bool,
    ) -> PyResult<Claim> {
        let key = inputs::string(key, "key")?;
        let body = inputs::payload(body)?;
        let now = now_ms(now);
        let store = &self.inner;
        py.detach(|| {
            let request = ClaimRequest {
                key: &key,
                event_type,
                fingerprint: Fingerprint::of(&body),
                payload: keep_payload.then_some(&body[..]),
                now,
                lease_millis: lease_ms,
            };
            store.claim(&request)
        })
        .map(Claim)
        .map_err(|e| core_err(py, e))
    }

    /// Mark the token's record processed with `result` (JSON-able).
    #[pyo3(signature = (token, result = None, *, now = None))]
    fn complete(
        &self,
        py: Python<'_>,
        token: &Bound<'_, PyAny>,
        result: Option<&Bound<'_, PyAny>>,
        now: Option<i64>,
    ) -> PyResult<()> {
        let token = token_of(token)?;
        let result = result_value(py, result)?;
        let now = now_ms(now);
        let store = &self.inner;
        py.detach(|| store.complete(&token, result, now))
            .map_err(|e| core_err(py, e))
    }

    /// Mark the token's record ignored (acknowledged without work).
    #[pyo3(signature = (token, *, now = None))]
    fn ignore(&self, py: Python<'_>, token: &Bound<'_, PyAny>, now: Option<i64>) -> PyResult<()> {
        let token = token_of(token)?;
        let now = now_ms(now);
        let store = &self.inner;
        py.detach(|| store.ignore(&token, now))
            .map_err(|e| core_err(py, e))
    }

    /// Record a failed attempt and return what the retry policy decided.
    #[pyo3(signature = (token, error, *, retryable = true, now = None))]
    fn fail(
        &self,
        py: Python<'_>,
        token: &Bound<'_, PyAny>,
        error: &str,
        retryable: bool,
        now: Option<i64>,
    ) -> PyResult<RetryDecision> {
        let token = token_of(token)?;
        let now = now_ms(now);
        let store = &self.inner;
        py.detach(|| store.fail(&token, error, retryable, now))
            .map(RetryDecision)
            .map_err(|e| core_err(py, e))
    }

    /// Return the record for `key`, or `None`.
    fn get(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Option<Record>> {
        let key = inputs::string(key, "key")?;
        let store = &self.inner;
        py.detach(|| store.get(&key))
            .map(|r| r.map(Record))
            .map_err(|e| core_err(py, e))
    }

    /// Return one page of records, newest first.
    #[pyo3(signature = (*, status = None, event_type = None, since = None, until = None, limit = 100, cursor = None))]
    #[allow(clippy::too_many_arguments)]
    fn list(
        &self,
        py: Python<'_>,
        status: Option<&str>,
        event_type: Option<String>,
        since: Option<i64>,
        until: Option<i64>,
        limit: i64,
        cursor: Option<String>,
    ) -> PyResult<Page> {
        let filter = core::Filter {
            event_type,
            status: status_of(py, status)?,
            since,
            until,
            limit: limit_of(py, limit)?,
            cursor,
        };
        let store = &self.inner;
        let page = py
            .detach(|| store.list(&filter))
            .map_err(|e| core_err(py, e))?;
        Page::new(py, page)
    }

    /// Summarise the records created in `[since, until)` (Unix ms; open ends by default).
    #[pyo3(signature = (since = None, until = None))]
    fn stats(&self, py: Python<'_>, since: Option<i64>, until: Option<i64>) -> PyResult<Stats> {
        let store = &self.inner;
        py.detach(|| store.stats(window_of(since, until)))
            .map(Stats)
            .map_err(|e| core_err(py, e))
    }

    /// Return up to `limit` records whose retry is due at `now`, earliest first.
    #[pyo3(signature = (now = None, limit = 100))]
    fn due_for_retry<'py>(
        &self,
        py: Python<'py>,
        now: Option<i64>,
        limit: i64,
    ) -> PyResult<Bound<'py, PyList>> {
        let limit = limit_of(py, limit)?;
        let now = now_ms(now);
        let store = &self.inner;
        let due = py
            .detach(|| store.due_for_retry(now, limit))
            .map_err(|e| core_err(py, e))?;
        record_list(py, due)
    }

    /// Put a `dead` or `failed` record back in the queue, due at `now`, attempts reset.
    #[pyo3(signature = (key, *, now = None))]
    fn requeue(&self, py: Python<'_>, key: &Bound<'_, PyAny>, now: Option<i64>) -> PyResult<()> {
        let key = inputs::string(key, "key")?;
        let now = now_ms(now);
        let store = &self.inner;
        py.detach(|| store.requeue(&key, now))
            .map_err(|e| core_err(py, e))
    }

    /// Delete finished records created more than `older_than_days` before `now` (or before
    /// `before`, Unix ms, when given); return how many went.
    #[pyo3(signature = (older_than_days = 90, *, now = None, before = None))]
    fn purge(
        &self,
        py: Python<'_>,
        older_than_days: i64,
        now: Option<i64>,
        before: Option<i64>,
    ) -> PyResult<u64> {
        let cutoff = purge_cutoff(py, older_than_days, now_ms(now), before)?;
        let store = &self.inner;
        py.detach(|| store.purge(cutoff))
            .map_err(|e| core_err(py, e))
    }
}

/// Records in memory (sharded): the default for tests and single-process apps.
#[pyclass(frozen, extends = Store, module = "cognition_core", name = "MemoryStore")]
pub(crate) struct MemoryStore;

#[pymethods]
impl MemoryStore {
    #[new]
    #[pyo3(signature = (*, retry_policy = None))]
    pub(crate) fn new(retry_policy: Option<&Bound<'_, RetryPolicy>>) -> PyClassInitializer<Self> {
        let store = core::MemoryStore::with_retry_policy(policy_of(retry_policy));
        PyClassInitializer::from(Store {
            inner: Arc::new(store),
        })
        .add_subclass(MemoryStore)
    }

    fn __repr__(&self) -> &'static str {
        "MemoryStore()"
    }
}

/// Records in a SQLite file (WAL, `synchronous=NORMAL`); several processes may share the file.
#[pyclass(frozen, extends = Store, module = "cognition_core", name = "SqliteStore")]
pub(crate) struct SqliteStore {
    /// The database file.
    #[pyo3(get)]
    path: PathBuf,
}

#[pymethods]
impl SqliteStore {
    #[new]
    #[pyo3(signature = (path, *, retry_policy = None))]
    fn new(
        py: Python<'_>,
        path: PathBuf,
        retry_policy: Option<&Bound<'_, RetryPolicy>>,
    ) -> PyResult<PyClassInitializer<Self>> {
        let policy = policy_of(retry_policy);
        let store = py
            .detach(|| core::SqliteStore::open_with(&path, policy))
            .map_err(|e| core_err(py, e))?;
        Ok(PyClassInitializer::from(Store {
            inner: Arc::new(store),
        })
        .add_subclass(SqliteStore { path }))
    }

    fn __repr__(&self) -> String {
        format!("SqliteStore({:?})", self.path.display().to_string())
    }
}

/// A store over the user's own storage: any object with the `RecordBackend` methods.
#[pyclass(frozen, extends = Store, module = "cognition_core", name = "BackendStore")]
pub(crate) struct BackendStore {
    /// The user's backend object.
    #[pyo3(get)]
    backend: Py<PyAny>,
}

#[pymethods]
impl BackendStore {
    #[new]
    #[pyo3(signature = (backend, *, retry_policy = None))]
    fn new(
        backend: &Bound<'_, PyAny>,
        retry_policy: Option<&Bound<'_, RetryPolicy>>,
    ) -> PyResult<PyClassInitializer<Self>> {
        for method in ["load", "insert", "replace", "scan", "delete"] {
            if !backend.hasattr(method)? {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "backend must implement RecordBackend (load, insert, replace, scan, delete); \
                     {} has no `{method}`",
                    json::type_name(backend)
                )));
            }
        }
        let store = CoreBackendStore::with_retry_policy(
            PyBackend(backend.clone().unbind()),
            policy_of(retry_policy),
        );
        Ok(PyClassInitializer::from(Store {
            inner: Arc::new(store),
        })
        .add_subclass(BackendStore {
            backend: backend.clone().unbind(),
        }))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("BackendStore({})", self.backend.bind(py).repr()?))
    }
}

/// The core's `RecordBackend` over a Python object; each call takes the interpreter back.
struct PyBackend(Py<PyAny>);

impl PyBackend {
    fn call<T>(
        &self,
        method: &str,
        f: impl for<'py> FnOnce(&Bound<'py, PyAny>) -> PyResult<Result<T, String>>,
    ) -> Result<T, StoreError> {
        Python::attach(|py| {
            let backend = self.0.bind(py);
            match f(backend) {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(message)) => Err(StoreError::Backend(format!(
                    "backend.{method}() returned a bad value: {message}"
                ))),
                Err(err) => Err(StoreError::Backend(format!(
                    "backend.{method}() raised {}",
                    describe(py, &err)
                ))),
            }
        })
    }
}

/// `TypeName: message`, for exceptions raised by user code.
pub(crate) fn describe(py: Python<'_>, err: &PyErr) -> String {
    let name = err
        .get_type(py)
        .name()
        .map_or_else(|_| "Exception".to_owned(), |n| n.to_string());
    let message = err
        .value(py)
        .str()
        .map_or_else(|_| String::new(), |s| s.to_string());
    if message.is_empty() {
        name
    } else {
        format!("{name}: {message}")
    }
}

impl core::RecordBackend for PyBackend {
    fn load(&self, key: &str) -> Result<Option<core::Record>, StoreError> {
        self.call("load", |b| {
            let value = b.call_method1("load", (key,))?;
            Ok(if value.is_none() {
                Ok(None)
            } else {
                record_from_py(&value).map(Some)
            })
        })
    }

    fn insert(&self, record: &core::Record) -> Result<bool, StoreError> {
        self.call("insert", |b| {
            let dict = record_to_dict(b.py(), record)?;
            Ok(Ok(b.call_method1("insert", (dict,))?.is_truthy()?))
        })
    }

    fn replace(
        &self,
        record: &core::Record,
        expected_generation: u64,
        expected_status: Status,
    ) -> Result<bool, StoreError> {
        self.call("replace", |b| {
            let dict = record_to_dict(b.py(), record)?;
            let replaced = b.call_method1(
                "replace",
                (dict, expected_generation, expected_status.as_str()),
            )?;
            Ok(Ok(replaced.is_truthy()?))
        })
    }

    fn scan(&self) -> Result<Vec<core::Record>, StoreError> {
        self.call("scan", |b| {
            let mut records = Vec::new();
            for item in b.call_method0("scan")?.try_iter()? {
                match record_from_py(&item?) {
                    Ok(r) => records.push(r),
                    Err(m) => return Ok(Err(m)),
                }
            }
            Ok(Ok(records))
        })
    }

    fn delete(&self, keys: &[String]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        self.call("delete", |b| {
            b.call_method1("delete", (keys.to_vec(),))?;
            Ok(Ok(()))
        })
    }
}
