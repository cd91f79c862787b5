//! The query face: `fingerprint`, `suggest` and `QueryTracker`, over `cognition_core::query`.
//!
//! Statements are taken as `str` (a lone surrogate, which has no UTF-8 form, is an
//! `InvalidArgumentError` with code `INVALID_UTF8`); counts as non-negative `int`; durations as
//! finite, non-negative milliseconds. `record` releases the interpreter around the core call,
//! and the `on_slow` callback takes it back only for its own call.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use cognition_core::query::tracker::{self as core_tracker, TrackerConfig};
use cognition_core::query::{self as core, analyze::analyze, TrackerSnapshot};
use cognition_core::ErrorCode;
use parking_lot::Mutex;
use pyo3::exceptions::{PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyInt, PyString};

use crate::errors::{core_err, invalid_argument, to_py_err};
use crate::json::type_name;
use crate::query_values::{
    Evidence, Fingerprint, ImportReport, QueryStats, SuggestConfig, Suggestion,
};

/// Statements longer than this (bytes, ~50 µs of work) are fingerprinted with the interpreter
/// released; for shorter ones, releasing and re-taking it (and waiting for other threads to hand
/// it back) costs more than it lets other threads do.
pub(crate) const DETACH_ABOVE_BYTES: usize = 4 * 1024;

/// Take a SQL statement: a `str` with a UTF-8 form (no lone surrogates).
fn sql_arg(obj: &Bound<'_, PyAny>) -> PyResult<PyBackedStr> {
    let Ok(s) = obj.cast::<PyString>() else {
        return Err(PyTypeError::new_err(format!(
            "sql must be a str, not {}",
            type_name(obj)
        )));
    };
    PyBackedStr::try_from(s.clone()).map_err(|_| {
        to_py_err(
            obj.py(),
            ErrorCode::InvalidUtf8,
            "sql is not valid Unicode: it contains a lone surrogate (e.g. from decoding bytes \
             with errors='surrogateescape'); decode the statement with errors='replace' first"
                .to_owned(),
        )
    })
}

/// Take a count: a non-negative `int` up to 2**64 - 1.
pub(crate) fn count(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    if !obj.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be an int, not {}",
            type_name(obj)
        )));
    }
    obj.extract::<u64>().map_err(|_| {
        let negative = obj.lt(0).unwrap_or(false);
        invalid_argument(
            obj.py(),
            if negative {
                format!("{what} must be >= 0, got {obj}")
            } else {
                format!("{what} must be at most 2**64 - 1")
            },
        )
    })
}

/// The system clock as Unix milliseconds (the core never reads it).
fn now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// Return the fingerprint of `sql`: stable id, normalised text and kind. Never fails on a `str`.
#[pyfunction]
pub(crate) fn fingerprint(py: Python<'_>, sql: &Bound<'_, PyAny>) -> PyResult<Fingerprint> {
    let sql = sql_arg(sql)?;
    let fp = if sql.len() > DETACH_ABOVE_BYTES {
        py.detach(|| core::fingerprint(&sql))
    } else {
        core::fingerprint(&sql)
    };
    Ok(Fingerprint::new(fp, sql))
}

/// Return the advice for `sql` measured as `evidence`, with `config`'s thresholds (default: the
/// documented ones).
#[pyfunction]
#[pyo3(signature = (sql, evidence, config = None))]
pub(crate) fn suggest(
    py: Python<'_>,
    sql: &Bound<'_, PyAny>,
    evidence: &Bound<'_, Evidence>,
    config: Option<&Bound<'_, SuggestConfig>>,
) -> PyResult<Vec<Suggestion>> {
    let sql = sql_arg(sql)?;
    let evidence = evidence.get().0;
    let config = config.map_or_else(core::SuggestConfig::default, |c| c.get().0.clone());
    let advice =
        py.detach(|| core::suggest(&analyze(&sql), &core::fingerprint(&sql), &evidence, &config));
    Ok(advice.into_iter().map(Suggestion).collect())
}

/// The constructor's settings, kept for `__repr__` and `from_json`.
#[derive(Clone)]
struct Settings {
    max_fingerprints: usize,
    slow_ms: f64,
    slow_min_calls: u64,
    slow_p95_ms: Option<f64>,
    mask_examples: bool,
    on_slow: Option<Arc<Py<PyAny>>>,
    suggest: core::SuggestConfig,
}

impl Settings {
    fn config(&self) -> TrackerConfig {
        let mut config = TrackerConfig::default()
            .max_fingerprints(self.max_fingerprints)
            .slow_ms(self.slow_ms)
            .slow_min_calls(self.slow_min_calls)
            .slow_p95_ms(self.slow_p95_ms)
            .mask_examples(self.mask_examples)
            .suggest_config(self.suggest.clone());
        if let Some(callback) = &self.on_slow {
            let callback = Arc::clone(callback);
            config = config.on_slow(move |stats| notify(&callback, stats));
        }
        config
    }
}

/// Call the Python `on_slow` callback. It must not break `record`: an exception it raises is
/// reported through `sys.unraisablehook` (as CPython does for `__del__` and weakref callbacks)
/// and recording goes on.
fn notify(callback: &Py<PyAny>, stats: &core::QueryStats) {
    Python::attach(|py| {
        let callback = callback.bind(py);
        let result =
            Bound::new(py, QueryStats(stats.clone())).and_then(|stats| callback.call1((stats,)));
        if let Err(err) = result {
            err.write_unraisable(py, Some(callback));
        }
    });
}

/// Wraps a file so the first I/O error is kept: the core reports a failed read as a message, and
/// the face raises it as the `OSError` Python users expect.
struct Watched<R> {
    inner: R,
    error: Arc<Mutex<Option<io::Error>>>,
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).inspect_err(|e| {
            let mut slot = self.error.lock();
            if slot.is_none() {
                *slot = Some(e.raw_os_error().map_or_else(
                    || io::Error::new(e.kind(), e.to_string()),
                    io::Error::from_raw_os_error,
                ));
            }
        })
    }
}

/// `OSError(errno, strerror, filename)`: Python picks the subclass (`FileNotFoundError`, …).
pub(crate) fn os_error(err: &io::Error, path: &Path) -> PyErr {
    let filename = path.to_string_lossy().into_owned();
    match err.raw_os_error() {
        Some(code) => {
            let text = io::Error::from_raw_os_error(code).to_string();
            let strerror = text.split(" (os error").next().unwrap_or(&text).to_owned();
            PyOSError::new_err((code, strerror, filename))
        }
        None => PyOSError::new_err(format!("{filename}: {err}")),
    }
}

/// Open `path`, run `load` over it with the interpreter released, and map the outcome.
fn load_file(
    py: Python<'_>,
    path: &Path,
    load: impl FnOnce(Watched<File>) -> Result<core::ImportReport, cognition_core::Error> + Send,
) -> PyResult<ImportReport> {
    let error = Arc::new(Mutex::new(None));
    let outcome = py.detach(|| {
        let file = File::open(path)?;
        Ok::<_, io::Error>(load(Watched {
            inner: file,
            error: Arc::clone(&error),
        }))
    });
    match outcome {
        Err(e) => Err(os_error(&e, path)),
        Ok(Ok(report)) => Ok(ImportReport::new(&report)),
        Ok(Err(err)) => match error.lock().take() {
            Some(io_err) => Err(os_error(&io_err, path)),
            None => Err(core_err(py, err)),
        },
    }
}

/// Per-fingerprint statistics of executed statements; share one per process.
#[pyclass(frozen, module = "cognition_core", name = "QueryTracker")]
pub(crate) struct QueryTracker {
    core: core_tracker::QueryTracker,
    settings: Settings,
}

impl QueryTracker {
    fn build(settings: Settings) -> Self {
        QueryTracker {
            core: core_tracker::QueryTracker::new(settings.config()),
            settings,
        }
    }
}

#[pymethods]
impl QueryTracker {
    #[new]
    #[pyo3(signature = (*, max_fingerprints = 5000, slow_ms = 1000.0, slow_min_calls = 10, slow_p95_ms = None, mask_examples = false, on_slow = None, suggest_config = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        max_fingerprints: i64,
        slow_ms: f64,
        slow_min_calls: i64,
        slow_p95_ms: Option<f64>,
        mask_examples: bool,
        on_slow: Option<&Bound<'_, PyAny>>,
        suggest_config: Option<&Bound<'_, SuggestConfig>>,
    ) -> PyResult<Self> {
        let max_fingerprints = usize::try_from(max_fingerprints)
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                invalid_argument(
                    py,
                    format!("max_fingerprints must be at least 1, got {max_fingerprints}"),
                )
            })?;
        let slow_min_calls = u64::try_from(slow_min_calls)
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                invalid_argument(
                    py,
                    format!("slow_min_calls must be at least 1, got {slow_min_calls}"),
                )
            })?;
        for (what, value) in [("slow_ms", Some(slow_ms)), ("slow_p95_ms", slow_p95_ms)] {
            if let Some(v) = value.filter(|v| !v.is_finite() || *v < 0.0) {
                return Err(invalid_argument(
                    py,
                    format!("{what} must be a finite number of milliseconds >= 0, got {v}"),
                ));
            }
        }
        let on_slow = match on_slow {
            Some(f) if f.is_none() => None,
            Some(f) if f.is_callable() => Some(Arc::new(f.clone().unbind())),
            Some(f) => {
                return Err(PyTypeError::new_err(format!(
                    "on_slow must be a callable taking a QueryStats, or None, not {}",
                    type_name(f)
                )))
            }
            None => None,
        };
        Ok(QueryTracker::build(Settings {
            max_fingerprints,
            slow_ms,
            slow_min_calls,
            slow_p95_ms,
            mask_examples,
            on_slow,
            suggest: suggest_config
                .map_or_else(core::SuggestConfig::default, |c| c.get().0.clone()),
        }))
    }

    /// Record one execution of `sql`.
    #[pyo3(
        signature = (sql, duration_ms, rows_examined = None, rows_returned = None, cache_hit = None, *, now_ms = None),
        text_signature = "($self, sql, duration_ms, rows_examined=0, rows_returned=0, cache_hit=None, *, now_ms=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        py: Python<'_>,
        sql: &Bound<'_, PyAny>,
        duration_ms: f64,
        rows_examined: Option<&Bound<'_, PyAny>>,
        rows_returned: Option<&Bound<'_, PyAny>>,
        cache_hit: Option<bool>,
        now_ms: Option<i64>,
    ) -> PyResult<()> {
        let sql = sql_arg(sql)?;
        let examined = rows_examined.map_or(Ok(0), |r| count(r, "rows_examined"))?;
        let returned = rows_returned.map_or(Ok(0), |r| count(r, "rows_returned"))?;
        let now = now_ms.unwrap_or_else(self::now_ms);
        let core = &self.core;
        py.detach(|| core.record(&sql, duration_ms, examined, returned, cache_hit, now))
            .map_err(|e| core_err(py, e))
    }

    /// Every fingerprint's statistics, by total time descending.
    fn stats(&self, py: Python<'_>) -> Vec<QueryStats> {
        let core = &self.core;
        py.detach(|| core.stats())
            .into_iter()
            .map(QueryStats)
            .collect()
    }

    /// The slow fingerprints, in `stats()` order.
    fn slow_queries(&self, py: Python<'_>) -> Vec<QueryStats> {
        let core = &self.core;
        py.detach(|| core.slow_queries())
            .into_iter()
            .map(QueryStats)
            .collect()
    }

    /// The statistics of one fingerprint (16 hex digits, or a `Fingerprint`), or `None`.
    fn get(&self, py: Python<'_>, fingerprint: &Bound<'_, PyAny>) -> PyResult<Option<QueryStats>> {
        let hex: String = if let Ok(fp) = fingerprint.cast::<Fingerprint>() {
            fp.get().hex_id()
        } else if fingerprint.is_instance_of::<PyString>() {
            fingerprint.extract()?
        } else {
            return Err(PyTypeError::new_err(format!(
                "fingerprint must be a str of 16 hex digits or a Fingerprint, not {}",
                type_name(fingerprint)
            )));
        };
        let id = (hex.len() == 16)
            .then(|| u64::from_str_radix(&hex, 16).ok())
            .flatten()
            .ok_or_else(|| {
                invalid_argument(
                    py,
                    "fingerprint must be 16 hex digits, as Fingerprint.id is",
                )
            })?;
        Ok(self.core.get(id).map(QueryStats))
    }

    /// Advice for every tracked fingerprint.
    fn suggestions(&self, py: Python<'_>) -> Vec<Suggestion> {
        let core = &self.core;
        py.detach(|| core.suggestions())
            .into_iter()
            .map(Suggestion)
            .collect()
    }

    /// The statistics as a versioned JSON snapshot (merge it elsewhere with `merge`).
    fn to_json(&self, py: Python<'_>) -> String {
        let core = &self.core;
        py.detach(|| core.snapshot().to_json())
    }

    /// A new tracker holding the snapshot `json`, configured like the constructor.
    #[staticmethod]
    #[pyo3(signature = (json, *, max_fingerprints = 5000, slow_ms = 1000.0, slow_min_calls = 10, slow_p95_ms = None, mask_examples = false, on_slow = None, suggest_config = None))]
    #[allow(clippy::too_many_arguments)]
    fn from_json(
        py: Python<'_>,
        json: &Bound<'_, PyAny>,
        max_fingerprints: i64,
        slow_ms: f64,
        slow_min_calls: i64,
        slow_p95_ms: Option<f64>,
        mask_examples: bool,
        on_slow: Option<&Bound<'_, PyAny>>,
        suggest_config: Option<&Bound<'_, SuggestConfig>>,
    ) -> PyResult<Self> {
        let tracker = QueryTracker::new(
            py,
            max_fingerprints,
            slow_ms,
            slow_min_calls,
            slow_p95_ms,
            mask_examples,
            on_slow,
            suggest_config,
        )?;
        tracker.merge(py, json)?;
        Ok(tracker)
    }

    /// Fold a snapshot (`to_json()` text, or another tracker) into this tracker.
    fn merge(&self, py: Python<'_>, snapshot: &Bound<'_, PyAny>) -> PyResult<()> {
        let core = &self.core;
        if let Ok(other) = snapshot.cast::<QueryTracker>() {
            let other = &other.get().core;
            py.detach(|| core.merge(&other.snapshot()));
            return Ok(());
        }
        if !snapshot.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!(
                "snapshot must be a str from QueryTracker.to_json() or a QueryTracker, not {}",
                type_name(snapshot)
            )));
        }
        let json: PyBackedStr = snapshot.extract()?;
        py.detach(|| TrackerSnapshot::from_json(&json).map(|snap| core.merge(&snap)))
            .map_err(|e| core_err(py, e))
    }

    /// Forget every fingerprint and zero the eviction count.
    fn reset(&self, py: Python<'_>) {
        let core = &self.core;
        py.detach(|| core.reset());
    }

    /// Record every entry of a MySQL slow query log file (entries without a time: `now_ms`).
    #[pyo3(signature = (path, *, now_ms = None))]
    fn load_mysql_slow_log(
        &self,
        py: Python<'_>,
        path: PathBuf,
        now_ms: Option<i64>,
    ) -> PyResult<ImportReport> {
        let (core, now) = (&self.core, now_ms.unwrap_or_else(self::now_ms));
        load_file(py, &path, |file| {
            core.load_mysql_slow_log(BufReader::new(file), now)
        })
    }

    /// Record every row of a `pg_stat_statements` CSV export (seen at `now_ms`).
    #[pyo3(signature = (path, *, now_ms = None))]
    fn load_pg_stat_statements(
        &self,
        py: Python<'_>,
        path: PathBuf,
        now_ms: Option<i64>,
    ) -> PyResult<ImportReport> {
        let (core, now) = (&self.core, now_ms.unwrap_or_else(self::now_ms));
        load_file(py, &path, |file| core.load_pg_stat_statements(file, now))
    }

    /// Fingerprints evicted to stay within `max_fingerprints`.
    #[getter]
    fn evictions(&self) -> u64 {
        self.core.evictions()
    }

    #[getter]
    fn max_fingerprints(&self) -> usize {
        self.settings.max_fingerprints
    }
    #[getter]
    fn slow_ms(&self) -> f64 {
        self.settings.slow_ms
    }
    #[getter]
    fn slow_min_calls(&self) -> u64 {
        self.settings.slow_min_calls
    }
    #[getter]
    fn slow_p95_ms(&self) -> Option<f64> {
        self.settings.slow_p95_ms
    }
    #[getter]
    fn mask_examples(&self) -> bool {
        self.settings.mask_examples
    }
    #[getter]
    fn suggest_config(&self) -> SuggestConfig {
        SuggestConfig(self.settings.suggest.clone())
    }

    fn __len__(&self) -> usize {
        self.core.len()
    }

    fn __repr__(&self) -> String {
        let s = &self.settings;
        format!(
            "QueryTracker(fingerprints={}, evictions={}, max_fingerprints={}, slow_ms={:?}, slow_min_calls={}, slow_p95_ms={}, mask_examples={}, on_slow={})",
            self.core.len(),
            self.core.evictions(),
            s.max_fingerprints,
            s.slow_ms,
            s.slow_min_calls,
            s.slow_p95_ms.map_or_else(|| "None".to_owned(), |v| format!("{v:?}")),
            if s.mask_examples { "True" } else { "False" },
            if s.on_slow.is_some() { "set" } else { "None" },
        )
    }
}
