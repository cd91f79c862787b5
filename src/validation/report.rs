//! The validation report, and its JSON and `path:line:col: CODE message` text forms.

use std::fmt::Write as _;

use serde::Serialize;

use super::config::Level;
use super::issue::Issue;
use super::rule::Severity;

/// The result of validating one source.
///
/// JSON schema (see [`ValidationReport::to_json`]): `{"filename": str, "level": "strict",
/// "score": 0..=100, "passed": bool, "lines": int, "annotation_coverage": 0.0..=100.0,
/// "counts": {"CRITICAL": n, "HIGH": n, "MEDIUM": n, "LOW": n, "INFO": n},
/// "issues": [{"rule": "S307", "severity": "HIGH", "message": str, "line": 1, "column": 1,
/// "end_line": 1, "end_column": 9, "fixable": false}]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationReport {
    /// The file name given in the configuration (`<string>` by default).
    pub filename: String,
    /// The level the source was checked at.
    #[serde(serialize_with = "level_name")]
    pub level: Level,
    /// 0–100; see [`super::score()`].
    pub score: u32,
    /// Whether the source passes its level; see [`super::passes`].
    pub passed: bool,
    /// Number of lines in the source.
    pub lines: usize,
    /// Percentage of annotation slots (parameters other than `self`/`cls`, and returns) that are
    /// annotated; 100 when there is no function.
    pub annotation_coverage: f64,
    /// Findings sorted by position, then rule code.
    pub issues: Vec<Issue>,
}

fn level_name<S: serde::Serializer>(level: &Level, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(level.name())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(flatten)]
    report: &'a ValidationReport,
    counts: Counts,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "UPPERCASE")]
struct Counts {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

impl ValidationReport {
    /// Return `true` if some finding is a syntax error.
    pub fn has_syntax_errors(&self) -> bool {
        self.issues
            .iter()
            .any(|i| i.rule == super::Rule::SyntaxError)
    }

    /// Return how many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == severity)
            .count()
    }

    /// Return the report as JSON (schema in the type's docs).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.json_form())
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Return the report as a JSON value, the form [`to_json`](Self::to_json) writes, for
    /// embedding in a larger document without a text round trip.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self.json_form()).unwrap_or(serde_json::Value::Null)
    }

    fn json_form(&self) -> JsonReport<'_> {
        JsonReport {
            report: self,
            counts: Counts {
                critical: self.count(Severity::Critical),
                high: self.count(Severity::High),
                medium: self.count(Severity::Medium),
                low: self.count(Severity::Low),
                info: self.count(Severity::Info),
            },
        }
    }

    /// Return one line per finding, `path:line:col: CODE [SEVERITY] message`, the form Ruff and
    /// compilers print and editors jump to.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for i in &self.issues {
            let _ = writeln!(
                out,
                "{}:{}:{}: {} [{}] {}",
                self.filename, i.line, i.column, i.rule, i.severity, i.message
            );
        }
        out
    }
}
