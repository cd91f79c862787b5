//! Runs every case of `tests/vectors/context.json` (token counts from Python tiktoken, masking,
//! packing), the cases the C, Python and Go suites run too.

use cognition_core::context::*;
use cognition_core::{Error, ErrorCode};
use serde_json::Value;

fn cases(section: &str) -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/context.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("vectors file"))
        .expect("vectors JSON");
    let cases = doc[section].as_array().cloned().unwrap_or_default();
    assert!(!cases.is_empty(), "section {section} has no cases");
    cases
}

fn str_of<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no {key}", case["name"]))
}

#[test]
fn token_counts_equal_python_tiktoken_for_both_encodings() {
    for case in cases("tokens") {
        for encoding in Encoding::ALL {
            let expected = case[encoding.name()].as_u64().unwrap() as usize;
            let text = str_of(&case, "text");
            assert_eq!(
                count_tokens(text, encoding),
                expected,
                "{} / {encoding}",
                case["name"]
            );
        }
    }
}

#[test]
fn masking_cases_give_the_expected_text_and_kinds() {
    for case in cases("masking") {
        let result = mask(str_of(&case, "input"));
        assert_eq!(result.text, str_of(&case, "text"), "{}", case["name"]);
        let kinds: Vec<&str> = result.findings.iter().map(|f| f.kind.name()).collect();
        let expected: Vec<&str> = case["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(kinds, expected, "{}", case["name"]);
    }
}

#[test]
fn packing_cases_give_the_expected_window_or_error() {
    for case in cases("packing") {
        let name = &case["name"];
        let entries: Vec<NewEntry> = case["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let mut entry = NewEntry::new(str_of(e, "content"));
                if let Some(i) = e["importance"].as_str() {
                    entry = entry.importance(i.parse().unwrap());
                }
                if let Some(s) = e["summary"].as_str() {
                    entry = entry.summary(s);
                }
                entry
            })
            .collect();
        let options = PackOptions {
            reserve_output_tokens: case["reserve_output_tokens"].as_u64().unwrap_or(0) as usize,
            ..PackOptions::default()
        };
        let max_tokens = case["max_tokens"].as_u64().unwrap() as usize;
        let expect = &case["expect"];
        match pack(&entries, str_of(&case, "query"), max_tokens, &options) {
            Ok(w) => {
                let ids: Vec<&str> = w.entries.iter().map(|e| e.id.as_str()).collect();
                let expected: Vec<&str> = expect["ids"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{name}: expected {expect}"))
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(ids, expected, "{name}");
                assert_eq!(w.text, str_of(expect, "text"), "{name}");
                assert_eq!(
                    w.tokens as u64,
                    expect["tokens"].as_u64().unwrap(),
                    "{name}"
                );
                if let Some(forms) = expect["forms"].as_array() {
                    let got: Vec<Value> = w
                        .entries
                        .iter()
                        .map(|e| serde_json::to_value(e.form).unwrap())
                        .collect();
                    assert_eq!(&got, forms, "{name}");
                }
            }
            Err(err) => {
                let code = Error::from(err.clone()).code();
                assert_eq!(
                    Some(code),
                    ErrorCode::from_name(str_of(expect, "error")),
                    "{name}: {err}"
                );
                if let ContextError::BudgetTooSmall { required, .. } = err {
                    assert_eq!(
                        required as u64,
                        expect["required"].as_u64().unwrap(),
                        "{name}"
                    );
                }
            }
        }
    }
}
