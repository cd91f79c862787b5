//! The value classes of the validation face: `ValidationIssue`, `ValidationReport`, `FixResult`
//! and `PathReport`. All are immutable copies of the core's results, safe to share between
//! threads.

use std::sync::Arc;

use cognition_core::validation::{self as core, Issue, Severity, ValidationError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::errors::core_err;

fn repr_str(py: Python<'_>, value: &str) -> PyResult<String> {
    Ok(PyString::new(py, value).repr()?.to_string())
}

// ------------------------------------------------------------------------------ ValidationIssue

/// One finding: rule code, severity, message and its 1-based range (columns in characters).
#[pyclass(frozen, module = "cognition_core", name = "ValidationIssue")]
pub(crate) struct ValidationIssue(Issue);

impl ValidationIssue {
    fn dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let i = &self.0;
        let d = PyDict::new(py);
        d.set_item("rule", i.rule.code())?;
        d.set_item("severity", i.severity.name())?;
        d.set_item("message", &i.message)?;
        d.set_item("line", i.line)?;
        d.set_item("column", i.column)?;
        d.set_item("end_line", i.end_line)?;
        d.set_item("end_column", i.end_column)?;
        d.set_item("fixable", i.fixable)?;
        Ok(d)
    }
}

fn issue_list(py: Python<'_>, issues: &[Issue]) -> PyResult<Py<PyList>> {
    let items = issues
        .iter()
        .map(|i| Py::new(py, ValidationIssue(i.clone())))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyList::new(py, items)?.unbind())
}

#[pymethods]
impl ValidationIssue {
    /// The rule's stable code (`"S307"`, `"E501"`, `"CG201"`).
    #[getter]
    fn rule(&self) -> &'static str {
        self.0.rule.code()
    }
    /// `"CRITICAL"`, `"HIGH"`, `"MEDIUM"`, `"LOW"` or `"INFO"`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.name()
    }
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }
    #[getter]
    fn line(&self) -> u32 {
        self.0.line
    }
    #[getter]
    fn column(&self) -> u32 {
        self.0.column
    }
    #[getter]
    fn end_line(&self) -> u32 {
        self.0.end_line
    }
    #[getter]
    fn end_column(&self) -> u32 {
        self.0.end_column
    }
    #[getter]
    fn fixable(&self) -> bool {
        self.0.fixable
    }
    /// The rule's kebab-case name (Ruff's where Ruff has the rule).
    #[getter]
    fn name(&self) -> &'static str {
        self.0.rule.name()
    }
    /// Bandit's test id for security rules Bandit also has (`"B307"`), else `None`.
    #[getter]
    fn bandit_id(&self) -> Option<&'static str> {
        self.0.rule.bandit_id()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.dict(py)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<ValidationIssue>()
            .is_ok_and(|o| o.get().0 == self.0)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let i = &self.0;
        (
            i.rule,
            &i.message,
            i.line,
            i.column,
            i.end_line,
            i.end_column,
        )
            .hash(&mut h);
        h.finish() >> 1
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let i = &self.0;
        Ok(format!(
            "ValidationIssue(rule={}, severity={}, line={}, column={}, message={})",
            repr_str(py, i.rule.code())?,
            repr_str(py, i.severity.name())?,
            i.line,
            i.column,
            repr_str(py, &i.message)?
        ))
    }
}

// ----------------------------------------------------------------------------- ValidationReport

/// The result of validating one source.
#[pyclass(frozen, module = "cognition_core", name = "ValidationReport")]
pub(crate) struct ValidationReport(pub(crate) Arc<core::ValidationReport>);

impl ValidationReport {
    pub(crate) fn new(report: core::ValidationReport) -> Self {
        ValidationReport(Arc::new(report))
    }
}

#[pymethods]
impl ValidationReport {
    /// The findings, sorted by line, column and rule code.
    #[getter]
    fn issues(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        issue_list(py, &self.0.issues)
    }
    /// 0–100: 100 minus the documented weight of each finding.
    #[getter]
    fn score(&self) -> u32 {
        self.0.score
    }
    /// Whether the source passes its level.
    #[getter]
    fn passed(&self) -> bool {
        self.0.passed
    }
    #[getter]
    fn filename(&self) -> &str {
        &self.0.filename
    }
    /// The level checked, lower case.
    #[getter]
    fn level(&self) -> &'static str {
        self.0.level.name()
    }
    #[getter]
    fn lines(&self) -> usize {
        self.0.lines
    }
    #[getter]
    fn annotation_coverage(&self) -> f64 {
        self.0.annotation_coverage
    }
    /// `{"CRITICAL": n, "HIGH": n, "MEDIUM": n, "LOW": n, "INFO": n}`.
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for s in [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ] {
            d.set_item(s.name(), self.0.count(s))?;
        }
        Ok(d)
    }

    /// The report as JSON (the schema every face shares).
    fn to_json(&self, py: Python<'_>) -> String {
        let report = Arc::clone(&self.0);
        py.detach(move || report.to_json())
    }

    /// The report as a SARIF 2.1.0 log.
    fn to_sarif(&self, py: Python<'_>) -> String {
        let report = Arc::clone(&self.0);
        py.detach(move || report.to_sarif())
    }

    /// One `path:line:col: CODE [SEVERITY] message` line per finding.
    fn to_text(&self) -> String {
        self.0.to_text()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("filename", &self.0.filename)?;
        d.set_item("level", self.0.level.name())?;
        d.set_item("score", self.0.score)?;
        d.set_item("passed", self.0.passed)?;
        d.set_item("lines", self.0.lines)?;
        d.set_item("annotation_coverage", self.0.annotation_coverage)?;
        d.set_item("counts", self.counts(py)?)?;
        let issues = self
            .0
            .issues
            .iter()
            .map(|i| ValidationIssue(i.clone()).dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("issues", issues)?;
        Ok(d)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<ValidationReport>()
            .is_ok_and(|o| *o.get().0 == *self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ValidationReport(filename={}, level={}, score={}, passed={}, issues={})",
            repr_str(py, &self.0.filename)?,
            repr_str(py, self.0.level.name())?,
            self.0.score,
            if self.0.passed { "True" } else { "False" },
            self.0.issues.len()
        ))
    }
}

// ------------------------------------------------------------------------------------ FixResult

/// The outcome of `fix`: the fixed source, the findings the fixes removed, and the fixed source's
/// report.
#[pyclass(frozen, module = "cognition_core", name = "FixResult")]
pub(crate) struct FixResult {
    source: String,
    applied: Vec<Issue>,
    report: Py<ValidationReport>,
}

impl FixResult {
    pub(crate) fn new(py: Python<'_>, fixed: core::FixResult) -> PyResult<Self> {
        Ok(FixResult {
            source: fixed.source,
            applied: fixed.applied,
            report: Py::new(py, ValidationReport::new(fixed.report))?,
        })
    }
}

#[pymethods]
impl FixResult {
    #[getter]
    fn source(&self) -> &str {
        &self.source
    }
    #[getter]
    fn applied(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        issue_list(py, &self.applied)
    }
    #[getter]
    fn report(&self, py: Python<'_>) -> Py<ValidationReport> {
        self.report.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "FixResult(applied={}, score={})",
            self.applied.len(),
            self.report.get().0.score
        )
    }
}

// ----------------------------------------------------------------------------------- PathReport

/// One file's result from `validate_paths`: its report, or why it could not be validated.
#[pyclass(frozen, module = "cognition_core", name = "PathReport")]
pub(crate) struct PathReport {
    path: String,
    result: Result<Py<ValidationReport>, ValidationError>,
}

impl PathReport {
    pub(crate) fn new(py: Python<'_>, r: core::PathReport) -> PyResult<Self> {
        Ok(PathReport {
            path: r.path.display().to_string(),
            result: match r.result {
                Ok(report) => Ok(Py::new(py, ValidationReport::new(report))?),
                Err(e) => Err(e),
            },
        })
    }
}

#[pymethods]
impl PathReport {
    #[getter]
    fn path(&self) -> &str {
        &self.path
    }
    /// The file's report, or `None` when it could not be validated.
    #[getter]
    fn report(&self, py: Python<'_>) -> Option<Py<ValidationReport>> {
        self.result.as_ref().ok().map(|r| r.clone_ref(py))
    }
    /// Why the file could not be validated (a `ValidationInputError`), or `None`.
    #[getter]
    fn error(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.result
            .as_ref()
            .err()
            .map(|e| core_err(py, e.clone()).into_value(py).into_any())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let outcome = match &self.result {
            Ok(r) => format!(
                "score={}, issues={}",
                r.get().0.score,
                r.get().0.issues.len()
            ),
            Err(e) => format!("error={}", repr_str(py, &e.to_string())?),
        };
        Ok(format!(
            "PathReport(path={}, {outcome})",
            repr_str(py, &self.path)?
        ))
    }
}
