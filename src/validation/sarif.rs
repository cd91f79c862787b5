//! SARIF 2.1.0 output, the format GitHub code scanning and most CI dashboards read.
//!
//! One run, tool `cognition-core`, with the rules that fired (id = our code, Ruff's where it has
//! one; Bandit's id, severity and category in `properties`). Columns are Unicode code points
//! (`columnKind: unicodeCodePoints`), matching our 1-based character columns. Levels: CRITICAL
//! and HIGH are `error`, MEDIUM `warning`, LOW and INFO `note`.

use serde_json::{json, Value};

use super::report::ValidationReport;
use super::rule::{Category, Rule, Severity};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn category_name(category: Category) -> &'static str {
    match category {
        Category::Syntax => "syntax",
        Category::Style => "style",
        Category::Types => "types",
        Category::Security => "security",
        Category::Complexity => "complexity",
        Category::Tests => "tests",
    }
}

/// Return a SARIF 2.1.0 log (as JSON text) for one or more reports.
///
/// # Example
/// ```
/// use cognition_core::validation::{to_sarif, validate, Level, ValidationConfig};
///
/// let report = validate("eval(x)\n", &ValidationConfig::new(Level::Strict).filename("app.py"))?;
/// let sarif: serde_json::Value = serde_json::from_str(&to_sarif(&[report])).unwrap();
/// assert_eq!(sarif["version"], "2.1.0");
/// assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "S307");
/// # Ok::<(), cognition_core::validation::ValidationError>(())
/// ```
pub fn to_sarif(reports: &[ValidationReport]) -> String {
    let mut rules: Vec<Rule> = reports
        .iter()
        .flat_map(|r| r.issues.iter().map(|i| i.rule))
        .collect();
    rules.sort_unstable();
    rules.dedup();
    let rule_objects: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut properties = json!({
                "severity": r.severity().name(),
                "category": category_name(r.category()),
            });
            if let Some(b) = r.bandit_id() {
                properties["bandit_id"] = json!(b);
            }
            json!({
                "id": r.code(),
                "name": r.name(),
                "shortDescription": {"text": r.name().replace('-', " ")},
                "defaultConfiguration": {"level": level(r.severity())},
                "properties": properties,
            })
        })
        .collect();
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|report| {
            report.issues.iter().map(|i| {
                let index = rules.binary_search(&i.rule).unwrap_or(0);
                json!({
                    "ruleId": i.rule.code(),
                    "ruleIndex": index,
                    "level": level(i.severity),
                    "message": {"text": i.message},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": report.filename},
                            "region": {
                                "startLine": i.line,
                                "startColumn": i.column,
                                "endLine": i.end_line,
                                "endColumn": i.end_column,
                            }
                        }
                    }],
                    "properties": {"severity": i.severity.name(), "fixable": i.fixable},
                })
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cognition-core",
                "version": crate::VERSION,
                "rules": rule_objects,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
    .to_string()
}

impl ValidationReport {
    /// Return this report as a SARIF 2.1.0 log; see [`to_sarif`].
    pub fn to_sarif(&self) -> String {
        to_sarif(std::slice::from_ref(self))
    }
}
