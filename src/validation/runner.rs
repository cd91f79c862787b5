//! PARANOID: running the code's own tests through a [`TestRunner`] the application provides.
//!
//! The core never spawns processes; a runner is the application's I/O. The crate ships one,
//! `PytestRunner`, behind the `pytest-runner` cargo feature.

use super::config::{Level, ValidationConfig};
use super::error::ValidationError;
use super::issue::Issue;
use super::report::ValidationReport;
use super::rule::Rule;

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TestStatus {
    /// The test passed (or failed as expected).
    Passed,
    /// An assertion failed.
    Failed,
    /// The test could not run: an exception in a fixture, or collection failed.
    Error,
    /// The test was skipped.
    Skipped,
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    /// The test's id (`test_solution.py::test_add`).
    pub name: String,
    /// How it ended.
    pub status: TestStatus,
    /// The runner's one-line reason for failures and errors (empty otherwise).
    pub message: String,
}

/// A whole test run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TestOutcome {
    /// Per-test results, in the runner's order.
    pub results: Vec<TestResult>,
    /// The run was stopped by its wall-clock or CPU limit.
    pub timed_out: bool,
    /// The run ended abnormally (crash, process limit, nothing collected): why.
    pub aborted: Option<String>,
}

/// Runs a test suite against a source; implemented by the application (or `PytestRunner`).
///
/// Implementations must bound the run (time, memory, processes) and isolate it from the host:
/// the tests are as untrusted as the code.
pub trait TestRunner: Send + Sync {
    /// Run `tests` (a test module's source) against `source` (the module under test).
    ///
    /// # Errors
    /// [`ValidationError::TestRunner`] when the tests could not be run at all (no interpreter,
    /// no pytest); failing tests are results, not errors.
    fn run(&self, source: &str, tests: &str) -> Result<TestOutcome, ValidationError>;
}

/// Turn a run's failures, errors and timeout into HIGH issues (CG301, CG302, CG303) at 1:1.
pub fn test_issues(outcome: &TestOutcome) -> Vec<Issue> {
    let mut issues = Vec::new();
    for r in &outcome.results {
        let rule = match r.status {
            TestStatus::Failed => Rule::TestFailed,
            TestStatus::Error => Rule::TestError,
            TestStatus::Passed | TestStatus::Skipped => continue,
        };
        let what = if rule == Rule::TestFailed {
            "failed"
        } else {
            "errored"
        };
        let message = if r.message.is_empty() {
            format!("test `{}` {what}", r.name)
        } else {
            format!("test `{}` {what}: {}", r.name, r.message)
        };
        issues.push(Issue::new(rule, message, (1, 1), (1, 1)));
    }
    if outcome.timed_out {
        issues.push(Issue::new(
            Rule::TestTimeout,
            "the test run exceeded its time limit",
            (1, 1),
            (1, 1),
        ));
    }
    if let Some(reason) = &outcome.aborted {
        issues.push(Issue::new(
            Rule::TestError,
            format!("the test run did not complete: {reason}"),
            (1, 1),
            (1, 1),
        ));
    }
    issues
}

/// Validate `source` and, at PARANOID, run `tests` against it with `runner`.
///
/// Below PARANOID this is [`super::validate`]. At PARANOID the tests run only when the source
/// has no syntax error (a module that does not compile cannot be imported).
///
/// # Errors
/// Those of [`super::validate`], and [`ValidationError::TestRunner`] from the runner.
///
/// # Example
/// ```
/// use cognition_core::validation::{
///     validate_with_tests, Level, TestOutcome, TestResult, TestRunner, TestStatus,
///     ValidationConfig, ValidationError, Rule,
/// };
///
/// struct AlwaysFails;
/// impl TestRunner for AlwaysFails {
///     fn run(&self, _: &str, _: &str) -> Result<TestOutcome, ValidationError> {
///         Ok(TestOutcome {
///             results: vec![TestResult {
///                 name: "test_add".into(),
///                 status: TestStatus::Failed,
///                 message: "assert 3 == 4".into(),
///             }],
///             ..TestOutcome::default()
///         })
///     }
/// }
///
/// let config = ValidationConfig::new(Level::Paranoid);
/// let report = validate_with_tests("def add(a: int, b: int) -> int:\n    return a + b\n",
///                                  "def test_add(): ...\n", &config, &AlwaysFails)?;
/// assert_eq!(report.issues[0].rule, Rule::TestFailed);
/// assert!(!report.passed);
/// # Ok::<(), ValidationError>(())
/// ```
pub fn validate_with_tests(
    source: &str,
    tests: &str,
    config: &ValidationConfig,
    runner: &dyn TestRunner,
) -> Result<ValidationReport, ValidationError> {
    let report = super::validate(source, config)?;
    if config.level() < Level::Paranoid || report.has_syntax_errors() {
        return Ok(report);
    }
    let outcome = runner.run(source, tests)?;
    let mut issues = report.issues;
    issues.extend(test_issues(&outcome));
    issues
        .sort_by(|a, b| (a.line, a.column, a.rule.code()).cmp(&(b.line, b.column, b.rule.code())));
    Ok(super::finish_report(
        config,
        report.lines,
        report.annotation_coverage,
        issues,
    ))
}
