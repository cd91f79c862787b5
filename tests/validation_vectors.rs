//! The shared validation vectors (`tests/vectors/validation.json`): each snippet gives exactly
//! the expected findings at its level. Positive and negative cases per rule, with the import-alias
//! and suppression cases; the other faces run the same file.

use cognition_core::validation::{validate, Level, ValidationConfig};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/validation.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

#[test]
fn every_vector_gives_exactly_its_expected_findings() {
    let mut failures = Vec::new();
    let cases = vectors();
    assert!(cases.len() >= 80);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let level: Level = case["level"].as_str().unwrap().parse().unwrap();
        let source = case["source"].as_str().unwrap();
        let expected: Vec<(String, u64)> = case["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["rule"].as_str().unwrap().to_string(),
                    e["line"].as_u64().unwrap(),
                )
            })
            .collect();
        let report = validate(source, &ValidationConfig::new(level)).unwrap();
        let got: Vec<(String, u64)> = report
            .issues
            .iter()
            .map(|i| (i.rule.code().to_string(), u64::from(i.line)))
            .collect();
        if got != expected {
            failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_positive_vector() {
    let cases = vectors();
    let fired: std::collections::HashSet<&str> = cases
        .iter()
        .flat_map(|c| c["expected"].as_array().unwrap().iter())
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    for rule in cognition_core::validation::ALL_RULES {
        let code = rule.code();
        let tree_or_line_rule = !code.starts_with("CG3") && code != "PLR0915";
        if tree_or_line_rule {
            assert!(fired.contains(code), "no positive vector for {code}");
        }
    }
}
