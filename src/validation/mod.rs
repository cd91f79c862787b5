//! Code validation for Python source: syntax, style, types, security and complexity findings
//! with precise locations, a 0–100 score and a pass/fail per level.
//!
//! [`validate`] parses with Ruff's own Python parser (`ruff_python_parser`, the parser of the
//! Ruff peer) and walks its tree **once**: one visitor dispatches every statement and expression
//! to the rule families the [`Level`] switches on. Line-based style rules run over the raw text;
//! `# noqa`/`# nosec` comments and multi-line strings come from the parser's tokens. Every
//! finding has a stable [`Rule`] code: Ruff's where Ruff has the rule (`S307`, `E501`, `C901`),
//! with Bandit's id as metadata, so `# noqa: S307` and `# nosec B307` work as users expect.
//!
//! ## Positions
//! Lines and columns are 1-based; columns count characters, not bytes (Ruff's convention).
//! `end_line`/`end_column` point just past the range.
//!
//! ## Syntax
//! Syntax errors are what CPython 3.11's `compile()` rejects: the parser's errors (it follows
//! CPython's grammar and tokenizer, so Python 2's `print x`, backticks and `<>` are errors),
//! the syntax newer than 3.11, and Ruff's semantic checks (`return`/`yield`/`await`/`break` in
//! the wrong place, duplicate parameters and keywords, late `__future__` imports, …). Like
//! CPython, more than 200 nested brackets are refused before parsing, and an unclosed bracket
//! is reported where it opens. Agreement with `compile()` on the standard library and mutated
//! copies of it is measured by `tests/validation/cpython_agreement.py`.
//!
//! ## Deep input
//! The tree is recursive and so is its walk; a deep tree (half a million chained operators) is
//! walked and freed on a stack grown to its size, and a statement too long to bound (over two
//! million tokens) is refused as too complex. No input overflows the stack.
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
mod semantic;
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

use checker::{keeps, CheckOutcome, Checker, Families};
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
    let outcome = check_tree(source, &idx, config, families);
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

/// Parse and walk the tree once, on a stack deep enough for it (the tree is freed there too).
fn check_tree(
    source: &str,
    idx: &LineIndex<'_>,
    config: &ValidationConfig,
    families: Families,
) -> CheckOutcome {
    if let Some(offset) = parse::too_deep_brackets(source) {
        // CPython's tokenizer stops here too; the parser would recurse once per bracket.
        let mut checker = Checker::new(source, idx, config, families);
        syntax::too_deep(&mut checker, offset);
        return checker.finish();
    }
    if let Some(bound) = parse::too_complex(source) {
        let mut checker = Checker::new(source, idx, config, families);
        syntax::too_complex(&mut checker, bound);
        return checker.finish();
    }
    let parsed = parse::parse(source);
    let depth = parse::tree_depth_bound(parsed.tokens());
    parse::with_stack_for(depth, move || {
        let mut checker = Checker::new(source, idx, config, families);
        checker.read_tokens(parsed.tokens());
        syntax::parse_errors(&mut checker, &parsed);
        checker.walk(parsed.syntax());
        let outcome = checker.finish();
        drop(parsed);
        outcome
    })
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
