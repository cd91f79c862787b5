//! The value classes of the idempotency face: `RetryPolicy`, `LeaseToken`, `Claim`,
//! `RetryDecision`, `Record`, `Page` and `Stats`. All are immutable and safe to share.

use cognition_core::idempotency::{
    self as core, Fingerprint, RetryDecision as CoreDecision, Status,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use crate::errors::core_err;
use crate::json;

fn repr_str(py: Python<'_>, value: &str) -> PyResult<String> {
    Ok(PyString::new(py, value).repr()?.to_string())
}

fn opt_repr<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| v.to_string())
}

// ------------------------------------------------------------------------------------ RetryPolicy

/// How failed attempts are retried: exponential backoff with full jitter from a seeded RNG, then
/// dead-lettering after `max_attempts` attempts. Times are integer milliseconds.
#[pyclass(frozen, module = "cognition_core", name = "RetryPolicy")]
pub(crate) struct RetryPolicy {
    pub(crate) policy: core::RetryPolicy,
    /// The delay ceiling before the second attempt, in ms.
    #[pyo3(get)]
    initial_delay_ms: i64,
    /// Attempts before an event is dead-lettered.
    #[pyo3(get)]
    max_attempts: u32,
    /// Growth of the ceiling per attempt.
    #[pyo3(get)]
    factor: f64,
    /// The largest delay, in ms.
    #[pyo3(get)]
    max_delay_ms: i64,
    /// The jitter RNG's seed.
    #[pyo3(get)]
    seed: u64,
    /// `False` waits the full ceiling (exact schedules, for tests).
    #[pyo3(get)]
    jitter: bool,
}

#[pymethods]
impl RetryPolicy {
    #[new]
    #[pyo3(signature = (*, initial_delay_ms = 1000, max_attempts = 5, factor = 2.0, max_delay_ms = 3_600_000, seed = 0, jitter = true))]
    fn new(
        py: Python<'_>,
        initial_delay_ms: i64,
        max_attempts: u32,
        factor: f64,
        max_delay_ms: i64,
        seed: u64,
        jitter: bool,
    ) -> PyResult<Self> {
        let policy = core::RetryPolicy::default()
            .initial_delay_millis(initial_delay_ms)
            .and_then(|p| p.max_attempts(max_attempts))
            .and_then(|p| p.factor(factor))
            .and_then(|p| p.max_delay_millis(max_delay_ms))
            .map_err(|e| core_err(py, e))?
            .seed(seed)
            .jitter(jitter);
        Ok(RetryPolicy {
            policy,
            initial_delay_ms,
            max_attempts,
            factor,
            max_delay_ms,
            seed,
            jitter,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "RetryPolicy(initial_delay_ms={}, max_attempts={}, factor={:?}, max_delay_ms={}, seed={}, jitter={})",
            self.initial_delay_ms,
            self.max_attempts,
            self.factor,
            self.max_delay_ms,
            self.seed,
            if self.jitter { "True" } else { "False" }
        )
    }
}

/// The core policy for an optional Python one.
pub(crate) fn policy_of(policy: Option<&Bound<'_, RetryPolicy>>) -> core::RetryPolicy {
    policy.map_or_else(core::RetryPolicy::default, |p| p.get().policy.clone())
}

// ------------------------------------------------------------------------------------- LeaseToken

/// Proof of holding a key's lease; present it to `complete`, `ignore` or `fail`.
#[pyclass(frozen, eq, hash, module = "cognition_core", name = "LeaseToken")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct LeaseToken {
    /// The claimed key.
    #[pyo3(get)]
    pub(crate) key: String,
    /// The record's lease generation at claim time (the fencing number).
    #[pyo3(get)]
    pub(crate) generation: u64,
}

impl LeaseToken {
    pub(crate) fn core(&self) -> core::LeaseToken {
        core::LeaseToken {
            key: self.key.as_str().into(),
            generation: self.generation,
        }
    }
}

#[pymethods]
impl LeaseToken {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "LeaseToken(key={}, generation={})",
            repr_str(py, &self.key)?,
            self.generation
        ))
    }
}

// ------------------------------------------------------------------------------------------ Claim

/// The answer to `claim`: `kind` is `"acquired"`, `"already_done"`, `"in_progress"`,
/// `"fingerprint_conflict"` or `"dead_lettered"`; the other attributes are set when they apply.
#[pyclass(frozen, module = "cognition_core", name = "Claim")]
pub(crate) struct Claim(pub(crate) core::Claim);

#[pymethods]
impl Claim {
    /// Which answer this is.
    #[getter]
    fn kind(&self) -> &'static str {
        match &self.0 {
            core::Claim::Acquired { .. } => "acquired",
            core::Claim::AlreadyDone { .. } => "already_done",
            core::Claim::InProgress { .. } => "in_progress",
            core::Claim::FingerprintConflict { .. } => "fingerprint_conflict",
            core::Claim::DeadLettered { .. } => "dead_lettered",
        }
    }

    /// The lease token, when acquired.
    #[getter]
    fn token(&self) -> Option<LeaseToken> {
        match &self.0 {
            core::Claim::Acquired { token, .. } => Some(LeaseToken {
                key: token.key.to_string(),
                generation: token.generation,
            }),
            _ => None,
        }
    }

    /// The attempt number (1 for the first), when acquired.
    #[getter]
    fn attempt(&self) -> Option<u32> {
        match &self.0 {
            core::Claim::Acquired { attempt, .. } => Some(*attempt),
            _ => None,
        }
    }

    /// The record's status, for `already_done` (`processed`/`ignored`) and `dead_lettered`
    /// (`dead`/`failed`).
    #[getter]
    fn status(&self) -> Option<&'static str> {
        match &self.0 {
            core::Claim::AlreadyDone { status, .. } | core::Claim::DeadLettered { status, .. } => {
                Some(status.as_str())
            }
            _ => None,
        }
    }

    /// The stored result, for `already_done`.
    #[getter]
    fn result<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.0 {
            core::Claim::AlreadyDone { result, .. } => json::opt_to_py(py, result.as_ref()),
            _ => Ok(py.None().into_bound(py)),
        }
    }

    /// When the other worker's lease expires (Unix ms), for `in_progress`.
    #[getter]
    fn lease_expires_at(&self) -> Option<i64> {
        match &self.0 {
            core::Claim::InProgress { lease_expires_at } => Some(*lease_expires_at),
            _ => None,
        }
    }

    /// The last failure's message, for `dead_lettered`.
    #[getter]
    fn last_error(&self) -> Option<String> {
        match &self.0 {
            core::Claim::DeadLettered { last_error, .. } => last_error.clone(),
            _ => None,
        }
    }

    /// The stored body fingerprint (SHA-256 hex), for `fingerprint_conflict`.
    #[getter]
    fn stored(&self) -> Option<String> {
        match &self.0 {
            core::Claim::FingerprintConflict { stored } => Some(stored.to_hex()),
            _ => None,
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let detail = match &self.0 {
            core::Claim::Acquired { token, attempt } => format!(
                ", key={}, generation={}, attempt={attempt}",
                repr_str(py, &token.key)?,
                token.generation
            ),
            core::Claim::AlreadyDone { status, .. } | core::Claim::DeadLettered { status, .. } => {
                format!(", status={}", repr_str(py, status.as_str())?)
            }
            core::Claim::InProgress { lease_expires_at } => {
                format!(", lease_expires_at={lease_expires_at}")
            }
            core::Claim::FingerprintConflict { stored } => {
                format!(", stored={}", repr_str(py, &stored.to_hex())?)
            }
        };
        Ok(format!(
            "Claim(kind={}{detail})",
            repr_str(py, self.kind())?
        ))
    }
}

// ---------------------------------------------------------------------------------- RetryDecision

/// What follows a failed attempt: `kind` is `"retry_at"` (with `at`, Unix ms), `"dead_lettered"`
/// or `"failed"`.
#[pyclass(frozen, eq, module = "cognition_core", name = "RetryDecision")]
#[derive(PartialEq)]
pub(crate) struct RetryDecision(pub(crate) CoreDecision);

#[pymethods]
impl RetryDecision {
    /// `"retry_at"`, `"dead_lettered"` or `"failed"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.0 {
            CoreDecision::RetryAt(_) => "retry_at",
            CoreDecision::DeadLettered => "dead_lettered",
            CoreDecision::Failed => "failed",
        }
    }

    /// When the retry is due (Unix ms), for `retry_at`.
    #[getter]
    fn at(&self) -> Option<i64> {
        match self.0 {
            CoreDecision::RetryAt(at) => Some(at),
            _ => None,
        }
    }

    fn __repr__(&self) -> String {
        match self.0 {
            CoreDecision::RetryAt(at) => format!("RetryDecision(kind='retry_at', at={at})"),
            _ => format!("RetryDecision(kind='{}')", self.kind()),
        }
    }
}

// ----------------------------------------------------------------------------------------- Record

/// One key's record. Times are Unix milliseconds (`int`) or `None`.
#[pyclass(frozen, module = "cognition_core", name = "Record")]
pub(crate) struct Record(pub(crate) core::Record);

#[pymethods]
impl Record {
    /// The event id or `Idempotency-Key`.
    #[getter]
    fn key(&self) -> &str {
        &self.0.key
    }
    /// The event type.
    #[getter]
    fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// `pending`, `processing`, `processed`, `failed`, `retrying`, `dead` or `ignored`.
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status.as_str()
    }
    /// SHA-256 of the first body claimed under the key, 64 hex digits.
    #[getter]
    fn fingerprint(&self) -> String {
        self.0.fingerprint.to_hex()
    }
    /// The body kept for retries, or `None`.
    #[getter]
    fn payload<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.0.payload.as_deref().map(|p| PyBytes::new(py, p))
    }
    /// The handler's result (JSON), once processed.
    #[getter]
    fn result<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::opt_to_py(py, self.0.result.as_ref())
    }
    /// The last failure's message.
    #[getter]
    fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// First claim.
    #[getter]
    fn created_at(&self) -> i64 {
        self.0.created_at
    }
    /// Start of the current or last attempt.
    #[getter]
    fn started_at(&self) -> Option<i64> {
        self.0.started_at
    }
    /// Completion (processed or ignored).
    #[getter]
    fn processed_at(&self) -> Option<i64> {
        self.0.processed_at
    }
    /// Last failure.
    #[getter]
    fn failed_at(&self) -> Option<i64> {
        self.0.failed_at
    }
    /// Start of the last retry attempt.
    #[getter]
    fn last_retry_at(&self) -> Option<i64> {
        self.0.last_retry_at
    }
    /// When the next retry is due.
    #[getter]
    fn next_retry_at(&self) -> Option<i64> {
        self.0.next_retry_at
    }
    /// Attempts started so far.
    #[getter]
    fn attempts(&self) -> u32 {
        self.0.attempts
    }
    /// Fencing generation of the current lease holder.
    #[getter]
    fn lease_generation(&self) -> u64 {
        self.0.lease_generation
    }
    /// When the current lease expires (status `processing`).
    #[getter]
    fn lease_expires_at(&self) -> Option<i64> {
        self.0.lease_expires_at
    }

    /// Return the record as a new dict: the schema `RecordBackend` implementations store.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        record_to_dict(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Record(key={}, event_type={}, status={}, attempts={}, created_at={})",
            repr_str(py, &self.0.key)?,
            repr_str(py, &self.0.event_type)?,
            repr_str(py, self.0.status.as_str())?,
            self.0.attempts,
            self.0.created_at
        ))
    }
}

/// The record dict (every field; `payload` as `bytes` or `None`).
pub(crate) fn record_to_dict<'py>(
    py: Python<'py>,
    r: &core::Record,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("key", &*r.key)?;
    d.set_item("event_type", &*r.event_type)?;
    d.set_item("status", r.status.as_str())?;
    d.set_item("fingerprint", r.fingerprint.to_hex())?;
    d.set_item("payload", r.payload.as_deref().map(|p| PyBytes::new(py, p)))?;
    d.set_item("result", json::opt_to_py(py, r.result.as_ref())?)?;
    d.set_item("last_error", &r.last_error)?;
    d.set_item("created_at", r.created_at)?;
    d.set_item("started_at", r.started_at)?;
    d.set_item("processed_at", r.processed_at)?;
    d.set_item("failed_at", r.failed_at)?;
    d.set_item("last_retry_at", r.last_retry_at)?;
    d.set_item("next_retry_at", r.next_retry_at)?;
    d.set_item("attempts", r.attempts)?;
    d.set_item("lease_generation", r.lease_generation)?;
    d.set_item("lease_expires_at", r.lease_expires_at)?;
    Ok(d)
}

/// Read a record back from a dict of the `to_dict` schema (or a `Record` object).
pub(crate) fn record_from_py(obj: &Bound<'_, PyAny>) -> Result<core::Record, String> {
    if let Ok(record) = obj.cast::<Record>() {
        return Ok(record.get().0.clone());
    }
    let dict = obj.cast::<PyDict>().map_err(|_| {
        format!(
            "a record must be a dict (as Record.to_dict() returns), not {}",
            json::type_name(obj)
        )
    })?;
    let get = |name: &str| -> Result<Option<Bound<'_, PyAny>>, String> {
        Ok(dict
            .get_item(name)
            .map_err(|e| e.to_string())?
            .filter(|v| !v.is_none()))
    };
    let required = |name: &str| -> Result<Bound<'_, PyAny>, String> {
        get(name)?.ok_or_else(|| format!("the record has no `{name}`"))
    };
    fn extract<'py, T: for<'a> pyo3::FromPyObject<'a, 'py>>(
        value: &Bound<'py, PyAny>,
        name: &str,
    ) -> Result<T, String> {
        value.extract::<T>().map_err(|_| {
            format!(
                "the record's `{name}` has the wrong type ({})",
                json::type_name(value)
            )
        })
    }
    let opt_i64 = |name: &str| -> Result<Option<i64>, String> {
        get(name)?.map(|v| extract::<i64>(&v, name)).transpose()
    };
    let status: String = extract(&required("status")?, "status")?;
    let status: Status = status
        .parse()
        .map_err(|e: core::StoreError| e.to_string())?;
    let fingerprint: String = extract(&required("fingerprint")?, "fingerprint")?;
    let fingerprint = Fingerprint::from_hex(&fingerprint)
        .ok_or_else(|| "the record's `fingerprint` is not 64 hex digits".to_owned())?;
    let payload = match get("payload")? {
        Some(p) => Some(extract::<Vec<u8>>(&p, "payload")?),
        None => None,
    };
    let result = get("result")?.map(|v| json::to_value(&v)).transpose()?;
    Ok(core::Record {
        key: extract::<String>(&required("key")?, "key")?.into(),
        event_type: get("event_type")?
            .map(|v| extract::<String>(&v, "event_type"))
            .transpose()?
            .unwrap_or_default()
            .into(),
        status,
        fingerprint,
        payload,
        result,
        last_error: get("last_error")?
            .map(|v| extract::<String>(&v, "last_error"))
            .transpose()?,
        created_at: extract(&required("created_at")?, "created_at")?,
        started_at: opt_i64("started_at")?,
        processed_at: opt_i64("processed_at")?,
        failed_at: opt_i64("failed_at")?,
        last_retry_at: opt_i64("last_retry_at")?,
        next_retry_at: opt_i64("next_retry_at")?,
        attempts: extract(&required("attempts")?, "attempts")?,
        lease_generation: extract(&required("lease_generation")?, "lease_generation")?,
        lease_expires_at: opt_i64("lease_expires_at")?,
    })
}

/// Build a list of `Record` objects.
pub(crate) fn record_list<'py>(
    py: Python<'py>,
    records: Vec<core::Record>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for record in records {
        list.append(Bound::new(py, Record(record))?)?;
    }
    Ok(list)
}

// ------------------------------------------------------------------------------------------- Page

/// One page of records, newest first; pass `next_cursor` as `cursor` for the next page.
#[pyclass(frozen, module = "cognition_core", name = "Page")]
pub(crate) struct Page {
    /// The records.
    #[pyo3(get)]
    records: Py<PyList>,
    /// The cursor of the next page, or `None` on the last page.
    #[pyo3(get)]
    next_cursor: Option<String>,
}

impl Page {
    pub(crate) fn new(py: Python<'_>, page: core::Page) -> PyResult<Self> {
        Ok(Page {
            records: record_list(py, page.records)?.unbind(),
            next_cursor: page.next_cursor,
        })
    }
}

#[pymethods]
impl Page {
    fn __len__(&self, py: Python<'_>) -> usize {
        self.records.bind(py).len()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Page(records=<{} records>, next_cursor={:?})",
            self.records.bind(py).len(),
            self.next_cursor
        )
    }
}

// ------------------------------------------------------------------------------------------ Stats

/// Counts per status and event type, success rate, processing times and hourly volume.
#[pyclass(frozen, module = "cognition_core", name = "Stats")]
pub(crate) struct Stats(pub(crate) core::Stats);

#[pymethods]
impl Stats {
    /// Records created in the window.
    #[getter]
    fn total(&self) -> u64 {
        self.0.total
    }
    /// Records per status (every status present, zero included).
    #[getter]
    fn by_status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (status, n) in &self.0.by_status {
            d.set_item(status.as_str(), n)?;
        }
        Ok(d)
    }
    /// Records per event type.
    #[getter]
    fn by_event_type<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (t, n) in &self.0.by_event_type {
            d.set_item(t, n)?;
        }
        Ok(d)
    }
    /// `processed / (processed + failed + dead)`, or `None` before any of those.
    #[getter]
    fn success_rate(&self) -> Option<f64> {
        self.0.success_rate
    }
    /// Median processing time in ms (nearest rank).
    #[getter]
    fn processing_p50_ms(&self) -> Option<i64> {
        self.0.processing_p50_millis
    }
    /// 95th percentile processing time in ms (nearest rank).
    #[getter]
    fn processing_p95_ms(&self) -> Option<i64> {
        self.0.processing_p95_millis
    }
    /// Longest processing time in ms.
    #[getter]
    fn processing_max_ms(&self) -> Option<i64> {
        self.0.processing_max_millis
    }
    /// `(hour_start_ms, count)` pairs, ascending, empty hours left out.
    #[getter]
    fn per_hour(&self) -> Vec<(i64, u64)> {
        self.0.per_hour.clone()
    }

    /// Return the statistics as a new dict (the JSON schema the C and Go faces document).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.0.to_json())
    }

    fn __repr__(&self) -> String {
        format!(
            "Stats(total={}, success_rate={}, processing_p50_ms={})",
            self.0.total,
            opt_repr(self.0.success_rate),
            opt_repr(self.0.processing_p50_millis)
        )
    }
}

/// A `TypeError` for a token argument that is not a `LeaseToken`.
pub(crate) fn token_of(obj: &Bound<'_, PyAny>) -> PyResult<core::LeaseToken> {
    obj.cast::<LeaseToken>()
        .map(|t| t.get().core())
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "token must be the LeaseToken of an acquired Claim, not {}",
                json::type_name(obj)
            ))
        })
}
