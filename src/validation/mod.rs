//! Code validation for Python source: syntax, style, types, security and complexity findings
//! with precise locations, a 0–100 score and a pass/fail per level.
//!
//! [`validate`] parses with tree-sitter's Python grammar and walks the tree **once**: one visitor
//! dispatches every node to the rule families the [`Level`] switches on. Line-based style rules
//! run over the raw text. Every finding has a stable [`Rule`] code: Ruff's where Ruff has the rule
//! (`S307`, `E501`, `C901`), with Bandit's id as metadata, so `# noqa: S307` and `# nosec B307`
//! work as users expect.
//!
//! ## Positions
//! Lines and columns are 1-based; columns count characters, not bytes (Ruff's convention).
//! `end_line`/`end_column` point just past the range.
//!
//! ## Syntax
//! tree-sitter recovers from errors and tolerates Python 2; [`validate`] reports its `ERROR` and
//! `MISSING` nodes and also what CPython 3's compiler rejects but the grammar accepts (`print x`,
//! `exec code`, backticks, `<>`, `ur''`, `return`/`yield`/`break`/`await` in the wrong place,
//! assignment to literals, argument order and duplicates, empty f-string expressions, late
//! `__future__` imports). Agreement with `compile()` on the standard library and mutated copies
//! of it is measured by `tests/validation/cpython_agreement.py`.
//!
//! ## What this module does not do
//! It does not type-check (only annotation presence), follow data flow across functions, or read
//! files on its own except through [`validate_paths`]. The core never spawns processes: PARANOID
//! test runs go through the [`TestRunner`] trait.

mod checker;
mod config;
mod error;
mod fix;
mod issue;
mod layout;
mod parse;
mod paths;
#[cfg(feature = "pytest-runner")]
mod pytest;
mod report;
mod rule;
mod rules;
mod runner;
mod sarif;
mod score;
mod source;
mod suppress;
mod syntax;

pub use config::{Level, ValidationConfig, MAX_SOURCE_LEN};
pub use error::ValidationError;
pub use fix::{fix, FixResult};
pub use issue::Issue;
pub use paths::{validate_paths, PathReport};
#[cfg(feature = "pytest-runner")]
pub use pytest::PytestRunner;
pub use report::ValidationReport;
pub use rule::{Category, Rule, Severity, ALL_RULES};
pub use runner::{
    test_issues, validate_with_tests, TestOutcome, TestResult, TestRunner, TestStatus,
};
pub use sarif::to_sarif;
pub use score::{passes, score, weight};

use checker::{keeps, Checker, Families};
use source::LineIndex;

/// Validate Python source at the configured level.
///
/// Findings are sorted by line, column and rule code. PARANOID checks everything STRICT does
/// here; its test run is [`validate_with_tests`].
///
/// # Errors
/// [`ValidationError::InputTooLarge`] past [`MAX_SOURCE_LEN`].
///
/// # Example
/// ```
/// use cognition_core::validation::{validate, Level, Rule, ValidationConfig};
///
/// let report = validate("def f(x):\n    print x\n", &ValidationConfig::new(Level::Basic))?;
/// assert_eq!(report.issues[0].rule, Rule::SyntaxError);
/// assert_eq!((report.issues[0].line, report.issues[0].column), (2, 5));
/// assert!(!report.passed);
/// # Ok::<(), cognition_core::validation::ValidationError>(())
/// ```
pub fn validate(
    source: &str,
    config: &ValidationConfig,
) -> Result<ValidationReport, ValidationError> {
    analyze(source, config).map(|(report, _)| report)
}

/// Validate, and also return the 1-based line ranges of multi-line strings (for the fixes).
pub(crate) fn analyze(
    source: &str,
    config: &ValidationConfig,
) -> Result<(ValidationReport, Vec<(u32, u32)>), ValidationError> {
    if source.len() > MAX_SOURCE_LEN {
        return Err(ValidationError::InputTooLarge {
            len: source.len(),
            limit: MAX_SOURCE_LEN,
        });
    }
    let level = config.level();
    let families = Families {
        types: level >= Level::Standard,
        security: level >= Level::Strict,
        complexity: level >= Level::Strict,
    };
    let idx = LineIndex::new(source);
    let mut checker = Checker::new(source, &idx, config, families);
    match parse::parse(source) {
        Some(tree) => parse::walk(&tree, &mut checker),
        None => checker.report_range(Rule::SyntaxError, "the parser could not start", 0, 0),
    }
    let outcome = checker.finish();
    let mut issues = outcome.issues;
    if families.types {
        let style = rules::style::check(source, &idx, config, &outcome.multiline_strings);
        issues.extend(
            style
                .into_iter()
                .filter(|i| !outcome.suppressions.is_suppressed(i.rule, i.line)),
        );
    }
    issues.retain(|i| keeps(i.rule.category(), families));
    issues
        .sort_by(|a, b| (a.line, a.column, a.rule.code()).cmp(&(b.line, b.column, b.rule.code())));
    issues.dedup();
    // One syntax error per line: error recovery often marks one mistake twice.
    let mut last_syntax_line = 0;
    issues.retain(|i| {
        if i.rule != Rule::SyntaxError {
            return true;
        }
        let keep = i.line != last_syntax_line;
        last_syntax_line = i.line;
        keep
    });
    let coverage = coverage(outcome.annotated, outcome.annotation_slots);
    let report = finish_report(config, idx.line_count(), coverage, issues);
    Ok((report, outcome.multiline_strings))
}

/// Validate source given as bytes: the UTF-8 check the faces need before [`validate`].
///
/// # Errors
/// [`ValidationError::InvalidUtf8`], [`ValidationError::InputTooLarge`].
pub fn validate_bytes(
    source: &[u8],
    config: &ValidationConfig,
) -> Result<ValidationReport, ValidationError> {
    if source.len() > MAX_SOURCE_LEN {
        return Err(ValidationError::InputTooLarge {
            len: source.len(),
            limit: MAX_SOURCE_LEN,
        });
    }
    let text = std::str::from_utf8(source).map_err(|e| ValidationError::InvalidUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    validate(text, config)
}

fn coverage(annotated: u32, slots: u32) -> f64 {
    if slots == 0 {
        100.0
    } else {
        (f64::from(annotated) * 1000.0 / f64::from(slots)).round() / 10.0
    }
}

pub(crate) fn finish_report(
    config: &ValidationConfig,
    lines: usize,
    annotation_coverage: f64,
    issues: Vec<Issue>,
) -> ValidationReport {
    let score = score::score(&issues);
    ValidationReport {
        filename: config.filename_value().to_string(),
        level: config.level(),
        passed: score::passes(config.level(), &issues, score),
        score,
        lines,
        annotation_coverage,
        issues,
    }
}
