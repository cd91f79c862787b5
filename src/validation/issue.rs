//! One finding: a rule, where it is and what to do about it.

use serde::Serialize;

use super::rule::{Rule, Severity};

/// A finding at a source range.
///
/// Lines are 1-based; columns are 1-based and count characters (Unicode scalar values), not bytes,
/// the convention Ruff uses in its `path:line:col` output. `end_line`/`end_column` point just past
/// the range (exclusive), also like Ruff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The rule's stable code (`"S307"`), serialised as the code.
    pub rule: Rule,
    /// The rule's severity.
    pub severity: Severity,
    /// What is wrong, in a sentence.
    pub message: String,
    /// 1-based first line.
    pub line: u32,
    /// 1-based character column on `line`.
    pub column: u32,
    /// 1-based last line.
    pub end_line: u32,
    /// 1-based character column just past the range on `end_line`.
    pub end_column: u32,
    /// Whether [`crate::validation::fix`] repairs it.
    pub fixable: bool,
}

impl Issue {
    /// Build an issue with the rule's default severity and fixability.
    pub(crate) fn new(
        rule: Rule,
        message: impl Into<String>,
        start: (u32, u32),
        end: (u32, u32),
    ) -> Self {
        Issue {
            rule,
            severity: rule.severity(),
            message: message.into(),
            line: start.0,
            column: start.1,
            end_line: end.0,
            end_column: end.1,
            fixable: super::fix::has_fix(rule),
        }
    }
}
