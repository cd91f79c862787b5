//! The value classes of the query face: `Fingerprint`, `QueryStats`, `Evidence`, `Suggestion`,
//! `ImportReport` and `ImportIssue`. All are immutable copies, safe to share between threads.

use cognition_core::query::import::ImportReport as CoreReport;
use cognition_core::query::{self as core, QueryKind};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyDict, PyString};

use crate::errors::invalid_argument;

fn repr_str(py: Python<'_>, value: &str) -> PyResult<String> {
    Ok(PyString::new(py, value).repr()?.to_string())
}

/// `value` as a Python literal: its repr, or `None`.
fn opt_repr_str(py: Python<'_>, value: Option<&str>) -> PyResult<String> {
    value.map_or_else(|| Ok("None".to_owned()), |v| repr_str(py, v))
}

fn hex(id: u64) -> String {
    format!("{id:016x}")
}

// ------------------------------------------------------------------------------------ Fingerprint

/// The shape of a statement: its 16-hex-digit id, normalised text and kind.
#[pyclass(frozen, module = "cognition_core", name = "Fingerprint")]
pub(crate) struct Fingerprint {
    id: u64,
    normalized: String,
    kind: QueryKind,
    /// The statement it was computed from, kept for `query_id` (computed only when read).
    sql: PyBackedStr,
}

impl Fingerprint {
    pub(crate) fn new(fp: core::Fingerprint, sql: PyBackedStr) -> Self {
        Fingerprint {
            id: fp.id,
            normalized: fp.normalized,
            kind: fp.kind,
            sql,
        }
    }

    /// The id as 16 lower-case hex digits.
    pub(crate) fn hex_id(&self) -> String {
        hex(self.id)
    }
}

#[pymethods]
impl Fingerprint {
    /// The stable 64-bit id as 16 lower-case hex digits.
    #[getter]
    fn id(&self) -> String {
        hex(self.id)
    }

    /// The normalised text (literals and parameters as `?`).
    #[getter]
    fn normalized(&self) -> &str {
        &self.normalized
    }

    /// `SELECT`, `JOIN`, `AGGREGATE`, `INSERT`, `UPDATE`, `DELETE`, `DDL` or `OTHER`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind.as_str()
    }

    /// pt-query-digest's Query ID (`0x` + 32 upper-case hex digits), computed on first read.
    #[getter]
    fn query_id(&self, py: Python<'_>) -> String {
        let sql = &*self.sql;
        if sql.len() > crate::query::DETACH_ABOVE_BYTES {
            py.detach(|| core::query_id(sql))
        } else {
            core::query_id(sql)
        }
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Fingerprint>()
            .is_ok_and(|o| o.get().id == self.id && o.get().normalized == self.normalized)
    }

    fn __hash__(&self) -> u64 {
        // Python folds a hash of -1 into -2 itself; the id is already uniformly spread.
        self.id >> 1
    }

    fn __str__(&self) -> String {
        hex(self.id)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Fingerprint(id={}, kind={}, normalized={})",
            repr_str(py, &hex(self.id))?,
            repr_str(py, self.kind.as_str())?,
            repr_str(py, &self.normalized)?
        ))
    }
}

// ------------------------------------------------------------------------------------- QueryStats

/// The statistics of one fingerprint, copied out of a tracker.
#[pyclass(frozen, module = "cognition_core", name = "QueryStats")]
pub(crate) struct QueryStats(pub(crate) core::QueryStats);

#[pymethods]
impl QueryStats {
    /// The fingerprint id, 16 hex digits.
    #[getter]
    fn fingerprint(&self) -> String {
        self.0.hex_id()
    }
    #[getter]
    fn normalized(&self) -> &str {
        self.0.normalized()
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind().as_str()
    }
    #[getter]
    fn calls(&self) -> u64 {
        self.0.calls()
    }
    #[getter]
    fn total_ms(&self) -> f64 {
        self.0.total_ms()
    }
    #[getter]
    fn min_ms(&self) -> f64 {
        self.0.min_ms()
    }
    #[getter]
    fn max_ms(&self) -> f64 {
        self.0.max_ms()
    }
    #[getter]
    fn mean_ms(&self) -> f64 {
        self.0.mean_ms()
    }
    #[getter]
    fn stddev_ms(&self) -> f64 {
        self.0.stddev_ms()
    }
    #[getter]
    fn p50_ms(&self) -> f64 {
        self.0.p50_ms()
    }
    #[getter]
    fn p95_ms(&self) -> f64 {
        self.0.p95_ms()
    }
    #[getter]
    fn p99_ms(&self) -> f64 {
        self.0.p99_ms()
    }
    #[getter]
    fn rows_examined(&self) -> u64 {
        self.0.rows_examined()
    }
    #[getter]
    fn rows_returned(&self) -> u64 {
        self.0.rows_returned()
    }
    #[getter]
    fn cache_hits(&self) -> u64 {
        self.0.cache_hits()
    }
    #[getter]
    fn cache_misses(&self) -> u64 {
        self.0.cache_misses()
    }
    #[getter]
    fn first_seen_ms(&self) -> i64 {
        self.0.first_seen_ms()
    }
    #[getter]
    fn last_seen_ms(&self) -> i64 {
        self.0.last_seen_ms()
    }
    #[getter]
    fn example(&self) -> &str {
        self.0.example()
    }
    #[getter]
    fn example_ms(&self) -> f64 {
        self.0.example_ms()
    }
    #[getter]
    fn efficiency(&self) -> f64 {
        self.0.efficiency()
    }
    #[getter]
    fn is_slow(&self) -> bool {
        self.0.is_slow()
    }

    /// The time at quantile `q` (0..1), in ms.
    fn percentile_ms(&self, q: f64) -> f64 {
        self.0.percentile_ms(q)
    }

    /// Every figure as a new dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.0;
        let d = PyDict::new(py);
        d.set_item("fingerprint", s.hex_id())?;
        d.set_item("normalized", s.normalized())?;
        d.set_item("kind", s.kind().as_str())?;
        d.set_item("calls", s.calls())?;
        d.set_item("total_ms", s.total_ms())?;
        d.set_item("min_ms", s.min_ms())?;
        d.set_item("max_ms", s.max_ms())?;
        d.set_item("mean_ms", s.mean_ms())?;
        d.set_item("stddev_ms", s.stddev_ms())?;
        d.set_item("p50_ms", s.p50_ms())?;
        d.set_item("p95_ms", s.p95_ms())?;
        d.set_item("p99_ms", s.p99_ms())?;
        d.set_item("rows_examined", s.rows_examined())?;
        d.set_item("rows_returned", s.rows_returned())?;
        d.set_item("cache_hits", s.cache_hits())?;
        d.set_item("cache_misses", s.cache_misses())?;
        d.set_item("first_seen_ms", s.first_seen_ms())?;
        d.set_item("last_seen_ms", s.last_seen_ms())?;
        d.set_item("example", s.example())?;
        d.set_item("example_ms", s.example_ms())?;
        d.set_item("efficiency", s.efficiency())?;
        d.set_item("is_slow", s.is_slow())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let s = &self.0;
        Ok(format!(
            "QueryStats(fingerprint={}, kind={}, calls={}, mean_ms={:.3}, p95_ms={:.3}, efficiency={:.3}, is_slow={}, normalized={})",
            repr_str(py, &s.hex_id())?,
            repr_str(py, s.kind().as_str())?,
            s.calls(),
            s.mean_ms(),
            s.p95_ms(),
            s.efficiency(),
            if s.is_slow() { "True" } else { "False" },
            repr_str(py, s.normalized())?
        ))
    }
}

// --------------------------------------------------------------------------------------- Evidence

/// The measurements advice is based on (row counts are totals over all calls).
#[pyclass(frozen, module = "cognition_core", name = "Evidence")]
pub(crate) struct Evidence(pub(crate) core::Evidence);

fn finite_ms(py: Python<'_>, value: f64, what: &str) -> PyResult<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(invalid_argument(
            py,
            format!("{what} must be a finite number of milliseconds >= 0, got {value}"),
        ))
    }
}

#[pymethods]
impl Evidence {
    #[new]
    #[pyo3(signature = (*, calls, mean_ms, rows_examined, rows_returned, p95_ms = None, efficiency = None))]
    fn new(
        py: Python<'_>,
        calls: &Bound<'_, PyAny>,
        mean_ms: f64,
        rows_examined: &Bound<'_, PyAny>,
        rows_returned: &Bound<'_, PyAny>,
        p95_ms: Option<f64>,
        efficiency: Option<f64>,
    ) -> PyResult<Self> {
        let calls = crate::query::count(calls, "calls")?;
        let rows_examined = crate::query::count(rows_examined, "rows_examined")?;
        let rows_returned = crate::query::count(rows_returned, "rows_returned")?;
        let mean_ms = finite_ms(py, mean_ms, "mean_ms")?;
        let p95_ms = finite_ms(py, p95_ms.unwrap_or(mean_ms), "p95_ms")?;
        let efficiency = match efficiency {
            None => core::efficiency(rows_examined, rows_returned, mean_ms),
            Some(e) if (0.0..=1.0).contains(&e) => e,
            Some(e) => {
                return Err(invalid_argument(
                    py,
                    format!("efficiency must be between 0 and 1, got {e}"),
                ))
            }
        };
        Ok(Evidence(core::Evidence {
            calls,
            mean_ms,
            p95_ms,
            rows_examined,
            rows_returned,
            efficiency,
        }))
    }

    #[getter]
    fn calls(&self) -> u64 {
        self.0.calls
    }
    #[getter]
    fn mean_ms(&self) -> f64 {
        self.0.mean_ms
    }
    #[getter]
    fn p95_ms(&self) -> f64 {
        self.0.p95_ms
    }
    #[getter]
    fn rows_examined(&self) -> u64 {
        self.0.rows_examined
    }
    #[getter]
    fn rows_returned(&self) -> u64 {
        self.0.rows_returned
    }
    #[getter]
    fn efficiency(&self) -> f64 {
        self.0.efficiency
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        evidence_dict(py, &self.0)
    }

    fn __repr__(&self) -> String {
        let e = &self.0;
        format!(
            "Evidence(calls={}, mean_ms={:?}, p95_ms={:?}, rows_examined={}, rows_returned={}, efficiency={:?})",
            e.calls, e.mean_ms, e.p95_ms, e.rows_examined, e.rows_returned, e.efficiency
        )
    }
}

fn evidence_dict<'py>(py: Python<'py>, e: &core::Evidence) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("calls", e.calls)?;
    d.set_item("mean_ms", e.mean_ms)?;
    d.set_item("p95_ms", e.p95_ms)?;
    d.set_item("rows_examined", e.rows_examined)?;
    d.set_item("rows_returned", e.rows_returned)?;
    d.set_item("efficiency", e.efficiency)?;
    Ok(d)
}

// ------------------------------------------------------------------------------------- Suggestion

/// One piece of advice about one fingerprint.
#[pyclass(frozen, module = "cognition_core", name = "Suggestion")]
pub(crate) struct Suggestion(pub(crate) core::Suggestion);

#[pymethods]
impl Suggestion {
    /// `INDEX_HINT`, `QUERY_REWRITE`, `MATERIALIZED_VIEW`, `PARTITION_PRUNING`,
    /// `PARALLEL_EXECUTION` or `CACHE_RESULT`.
    #[getter]
    fn strategy(&self) -> &'static str {
        self.0.strategy.as_str()
    }
    #[getter]
    fn fingerprint(&self) -> String {
        hex(self.0.fingerprint)
    }
    #[getter]
    fn table(&self) -> Option<&str> {
        self.0.table.as_deref()
    }
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.0.columns.clone()
    }
    #[getter]
    fn reason(&self) -> &str {
        &self.0.reason
    }
    #[getter]
    fn statement(&self) -> Option<&str> {
        self.0.statement.as_deref()
    }
    #[getter]
    fn confidence(&self) -> f64 {
        self.0.confidence
    }
    #[getter]
    fn evidence(&self) -> Evidence {
        Evidence(self.0.evidence)
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.0;
        let d = PyDict::new(py);
        d.set_item("strategy", s.strategy.as_str())?;
        d.set_item("fingerprint", hex(s.fingerprint))?;
        d.set_item("table", s.table.as_deref())?;
        d.set_item("columns", s.columns.clone())?;
        d.set_item("reason", &s.reason)?;
        d.set_item("evidence", evidence_dict(py, &s.evidence)?)?;
        d.set_item("statement", s.statement.as_deref())?;
        d.set_item("confidence", s.confidence)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let s = &self.0;
        Ok(format!(
            "Suggestion(strategy={}, fingerprint={}, table={}, confidence={:?}, statement={})",
            repr_str(py, s.strategy.as_str())?,
            repr_str(py, &hex(s.fingerprint))?,
            opt_repr_str(py, s.table.as_deref())?,
            s.confidence,
            opt_repr_str(py, s.statement.as_deref())?
        ))
    }
}

// ----------------------------------------------------------------------------------- ImportReport

/// An entry of an imported file that was not recorded, and why.
#[pyclass(frozen, module = "cognition_core", name = "ImportIssue")]
pub(crate) struct ImportIssue {
    /// The 1-based line of the entry (or of the offending line inside it).
    #[pyo3(get)]
    line: usize,
    /// What was wrong and what was expected.
    #[pyo3(get)]
    message: String,
}

#[pymethods]
impl ImportIssue {
    fn __str__(&self) -> String {
        format!("line {}: {}", self.line, self.message)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ImportIssue(line={}, message={})",
            self.line,
            repr_str(py, &self.message)?
        ))
    }
}

/// What loading a MySQL slow log or a `pg_stat_statements` export recorded, and what it could not.
#[pyclass(frozen, module = "cognition_core", name = "ImportReport")]
pub(crate) struct ImportReport {
    imported: usize,
    calls: u64,
    errors: Vec<(usize, String)>,
    summary: String,
}

impl ImportReport {
    pub(crate) fn new(report: &CoreReport) -> Self {
        ImportReport {
            imported: report.queries.len(),
            calls: report.total_calls(),
            errors: report
                .errors
                .iter()
                .map(|e| (e.line, e.message.clone()))
                .collect(),
            summary: report.summary(),
        }
    }
}

#[pymethods]
impl ImportReport {
    /// Entries recorded into the tracker.
    #[getter]
    fn imported(&self) -> usize {
        self.imported
    }

    /// Executions those entries stand for.
    #[getter]
    fn calls(&self) -> u64 {
        self.calls
    }

    /// The entries not recorded, in file order.
    #[getter]
    fn errors(&self) -> Vec<ImportIssue> {
        self.errors
            .iter()
            .map(|(line, message)| ImportIssue {
                line: *line,
                message: message.clone(),
            })
            .collect()
    }

    /// `True` when every entry was recorded.
    #[getter]
    fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// One line for a log: counts, total time and the first few errors.
    #[getter]
    fn summary(&self) -> &str {
        &self.summary
    }

    fn __repr__(&self) -> String {
        format!(
            "ImportReport(imported={}, calls={}, errors={})",
            self.imported,
            self.calls,
            self.errors.len()
        )
    }
}

// ---------------------------------------------------------------------------------- SuggestConfig

/// Thresholds for advice; every argument left `None` keeps the core's documented default.
#[pyclass(frozen, module = "cognition_core", name = "SuggestConfig")]
pub(crate) struct SuggestConfig(pub(crate) core::SuggestConfig);

/// Take an optional count argument.
fn opt_count(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<u64>> {
    value.map(|v| crate::query::count(v, what)).transpose()
}

#[pymethods]
impl SuggestConfig {
    #[new]
    #[pyo3(signature = (*, index_min_calls = None, low_efficiency = None, rewrite_min_calls = None, large_offset = None, aggregate_min_calls = None, aggregate_min_rows = None, aggregate_min_mean_ms = None, large_scan_rows = None, cache_min_calls = None, cache_max_rows = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        index_min_calls: Option<&Bound<'_, PyAny>>,
        low_efficiency: Option<f64>,
        rewrite_min_calls: Option<&Bound<'_, PyAny>>,
        large_offset: Option<&Bound<'_, PyAny>>,
        aggregate_min_calls: Option<&Bound<'_, PyAny>>,
        aggregate_min_rows: Option<&Bound<'_, PyAny>>,
        aggregate_min_mean_ms: Option<f64>,
        large_scan_rows: Option<&Bound<'_, PyAny>>,
        cache_min_calls: Option<&Bound<'_, PyAny>>,
        cache_max_rows: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut c = core::SuggestConfig::default();
        if let Some(v) = opt_count(index_min_calls, "index_min_calls")? {
            c = c.index_min_calls(v);
        }
        if let Some(v) = low_efficiency {
            if !(0.0..=1.0).contains(&v) {
                return Err(invalid_argument(
                    py,
                    format!("low_efficiency must be between 0 and 1, got {v}"),
                ));
            }
            c = c.low_efficiency(v);
        }
        if let Some(v) = opt_count(rewrite_min_calls, "rewrite_min_calls")? {
            c = c.rewrite_min_calls(v);
        }
        if let Some(v) = opt_count(large_offset, "large_offset")? {
            c = c.large_offset(v);
        }
        if let Some(v) = opt_count(aggregate_min_calls, "aggregate_min_calls")? {
            c = c.aggregate_min_calls(v);
        }
        if let Some(v) = opt_count(aggregate_min_rows, "aggregate_min_rows")? {
            c = c.aggregate_min_rows(v);
        }
        if let Some(v) = aggregate_min_mean_ms {
            c = c.aggregate_min_mean_ms(finite_ms(py, v, "aggregate_min_mean_ms")?);
        }
        if let Some(v) = opt_count(large_scan_rows, "large_scan_rows")? {
            c = c.large_scan_rows(v);
        }
        if let Some(v) = opt_count(cache_min_calls, "cache_min_calls")? {
            c = c.cache_min_calls(v);
        }
        if let Some(v) = opt_count(cache_max_rows, "cache_max_rows")? {
            c = c.cache_max_rows(v);
        }
        Ok(SuggestConfig(c))
    }

    #[getter]
    fn index_min_calls(&self) -> u64 {
        self.0.get_index_min_calls()
    }
    #[getter]
    fn low_efficiency(&self) -> f64 {
        self.0.get_low_efficiency()
    }
    #[getter]
    fn rewrite_min_calls(&self) -> u64 {
        self.0.get_rewrite_min_calls()
    }
    #[getter]
    fn large_offset(&self) -> u64 {
        self.0.get_large_offset()
    }
    #[getter]
    fn aggregate_min_calls(&self) -> u64 {
        self.0.get_aggregate_min_calls()
    }
    #[getter]
    fn aggregate_min_rows(&self) -> u64 {
        self.0.get_aggregate_min_rows()
    }
    #[getter]
    fn aggregate_min_mean_ms(&self) -> f64 {
        self.0.get_aggregate_min_mean_ms()
    }
    #[getter]
    fn large_scan_rows(&self) -> u64 {
        self.0.get_large_scan_rows()
    }
    #[getter]
    fn cache_min_calls(&self) -> u64 {
        self.0.get_cache_min_calls()
    }
    #[getter]
    fn cache_max_rows(&self) -> u64 {
        self.0.get_cache_max_rows()
    }

    fn __repr__(&self) -> String {
        let c = &self.0;
        format!(
            "SuggestConfig(index_min_calls={}, low_efficiency={:?}, rewrite_min_calls={}, large_offset={}, aggregate_min_calls={}, aggregate_min_rows={}, aggregate_min_mean_ms={:?}, large_scan_rows={}, cache_min_calls={}, cache_max_rows={})",
            c.get_index_min_calls(),
            c.get_low_efficiency(),
            c.get_rewrite_min_calls(),
            c.get_large_offset(),
            c.get_aggregate_min_calls(),
            c.get_aggregate_min_rows(),
            c.get_aggregate_min_mean_ms(),
            c.get_large_scan_rows(),
            c.get_cache_min_calls(),
            c.get_cache_max_rows()
        )
    }
}
