//! Report outputs: JSON schema, `path:line:col: CODE` text, SARIF 2.1.0 structure, score and
//! pass/fail per level, PARANOID through a test runner.

use cognition_core::validation::{
    validate, validate_with_tests, Level, Rule, TestOutcome, TestRunner, ValidationConfig,
    ValidationError,
};
use serde_json::Value;

const SNIPPET: &str = "import os\nos.system(cmd)  \n";

fn strict() -> ValidationConfig {
    ValidationConfig::new(Level::Strict).filename("app.py")
}

#[test]
fn json_has_the_documented_fields() {
    let report = validate(SNIPPET, &strict()).unwrap();
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["filename"], "app.py");
    assert_eq!(json["level"], "strict");
    assert_eq!(json["lines"], 2);
    assert_eq!(json["counts"]["HIGH"], 1);
    assert_eq!(json["counts"]["LOW"], 1);
    let first = &json["issues"][0];
    assert_eq!(first["rule"], "S605");
    assert_eq!(first["severity"], "HIGH");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        (first["end_line"].as_u64(), first["end_column"].as_u64()),
        (Some(2), Some(15))
    );
    assert_eq!(first["fixable"], false);
    assert_eq!(json["issues"][1]["rule"], "W291");
    assert_eq!(json["issues"][1]["fixable"], true);
}

#[test]
fn text_output_is_path_line_col_code_message() {
    let report = validate(SNIPPET, &strict()).unwrap();
    let text = report.to_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("app.py:2:1: S605 [HIGH] "),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("app.py:2:15: W291 [LOW] "),
        "{}",
        lines[1]
    );
}

#[test]
fn sarif_is_a_2_1_0_log_with_rules_and_regions() {
    let report = validate(SNIPPET, &strict()).unwrap();
    let sarif: Value = serde_json::from_str(&report.to_sarif()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "cognition-core");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run["results"][0];
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], result["ruleId"]);
    assert_eq!(rules[index]["properties"]["bandit_id"], "B605");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], 1);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app.py"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let report = validate("s = 'é'; eval(x)\n", &strict()).unwrap();
    let eval = report.issues.iter().find(|i| i.rule == Rule::Eval).unwrap();
    assert_eq!(eval.column, 10);
}

#[test]
fn levels_switch_rule_families_on() {
    let source = "def f(a):\n    return eval(a)  \n";
    let count = |level| {
        validate(source, &ValidationConfig::new(level))
            .unwrap()
            .issues
            .len()
    };
    assert_eq!(count(Level::Basic), 0);
    assert_eq!(count(Level::Standard), 3); // ANN201, ANN001, W291
    assert_eq!(count(Level::Strict), 4); // + S307
}

#[test]
fn a_clean_module_passes_strict_with_100() {
    let source = "def add(a: int, b: int) -> int:\n    return a + b\n";
    let report = validate(source, &strict()).unwrap();
    assert_eq!(report.score, 100);
    assert!(report.passed);
    assert_eq!(report.annotation_coverage, 100.0);
}

#[test]
fn annotation_coverage_counts_parameters_and_returns() {
    let source = "def f(a: int, b) -> int:\n    return a\n";
    let report = validate(source, &ValidationConfig::new(Level::Standard)).unwrap();
    assert!((report.annotation_coverage - 66.7).abs() < 1e-9);
}

struct Panics;
impl TestRunner for Panics {
    fn run(&self, _: &str, _: &str) -> Result<TestOutcome, ValidationError> {
        panic!("the runner must not be called")
    }
}

#[test]
fn paranoid_does_not_run_tests_of_code_that_does_not_compile() {
    let config = ValidationConfig::new(Level::Paranoid);
    let report = validate_with_tests("def f(:\n", "def test(): pass\n", &config, &Panics).unwrap();
    assert!(report.has_syntax_errors());
    assert!(!report.passed);
}

#[test]
fn below_paranoid_tests_are_not_run() {
    let config = ValidationConfig::new(Level::Strict);
    let report = validate_with_tests("x = 1\n", "def test(): pass\n", &config, &Panics).unwrap();
    assert!(report.passed);
}

#[test]
fn a_timed_out_run_is_a_high_issue() {
    struct Slow;
    impl TestRunner for Slow {
        fn run(&self, _: &str, _: &str) -> Result<TestOutcome, ValidationError> {
            Ok(TestOutcome {
                timed_out: true,
                ..TestOutcome::default()
            })
        }
    }
    let config = ValidationConfig::new(Level::Paranoid);
    let report = validate_with_tests("x = 1\n", "", &config, &Slow).unwrap();
    assert_eq!(report.issues[0].rule, Rule::TestTimeout);
    assert!(!report.passed);
}
