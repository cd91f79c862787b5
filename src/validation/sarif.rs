//! SARIF 2.1.0 output, the format GitHub code scanning and most CI dashboards read.
//!
//! One run, tool `cognition-core`, with the rules that fired (id = our code, Ruff's where it has
//! one; Bandit's id, severity and category in `properties`). Columns are Unicode code points
//! (`columnKind: unicodeCodePoints`), matching our 1-based character columns. Levels: CRITICAL
//! and HIGH are `error`, MEDIUM `warning`, LOW and INFO `note`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use super::report::ValidationReport;
use super::rule::{Category, Rule, Severity};

/// What a path segment may keep unencoded: RFC 3986's unreserved characters and the separator.
/// Everything else (space, `%`, `#`, `?`, `:`, non-ASCII) is percent-encoded; a colon must be,
/// or `a:b.py` would read as a URI with scheme `a`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The SARIF `artifactLocation.uri` for a report's file name: a relative reference for a relative
/// path (what code-scanning tools resolve against the checkout), a `file://` URI for an absolute
/// one (`/src/a.py`, `C:\src\a.py`). Backslashes become slashes.
fn artifact_uri(filename: &str) -> String {
    let path = filename.replace('\\', "/");
    let bytes = path.as_bytes();
    let has_drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if has_drive {
        let (drive, rest) = path.split_at(2);
        format!("file:///{drive}{}", utf8_percent_encode(rest, PATH))
    } else if path.starts_with('/') {
        format!("file://{}", utf8_percent_encode(&path, PATH))
    } else {
        utf8_percent_encode(&path, PATH).to_string()
    }
}

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
                            "artifactLocation": {"uri": artifact_uri(&report.filename)},
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

#[cfg(test)]
mod tests {
    use super::artifact_uri;

    #[test]
    fn relative_paths_stay_relative_references() {
        assert_eq!(artifact_uri("pkg/mod.py"), "pkg/mod.py");
    }

    #[test]
    fn reserved_and_non_ascii_characters_are_percent_encoded() {
        assert_eq!(artifact_uri("my file#1%.py"), "my%20file%231%25.py");
        assert_eq!(artifact_uri("a:b.py"), "a%3Ab.py");
        assert_eq!(artifact_uri("<string>"), "%3Cstring%3E");
        assert_eq!(artifact_uri("café.py"), "caf%C3%A9.py");
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(artifact_uri("/src/a b.py"), "file:///src/a%20b.py");
        assert_eq!(artifact_uri("C:\\src\\a.py"), "file:///C:/src/a.py");
    }
}
