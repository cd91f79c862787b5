//! Runs every case of `tests/vectors/webhook.json`, the cases the C, Python and Go suites run too.

use base64::Engine;
use cognition_core::webhook::{self, StandardHeaders};
use cognition_core::{Error, ErrorCode};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/webhook.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors file"))
        .expect("vectors JSON")
}

fn cases(section: &str) -> Vec<Value> {
    let cases = vectors()[section].as_array().cloned().unwrap_or_default();
    assert!(!cases.is_empty(), "section {section} has no cases");
    cases
}

fn payload(case: &Value) -> Vec<u8> {
    match (case.get("payload"), case.get("payload_base64")) {
        (Some(text), _) => text.as_str().unwrap().as_bytes().to_vec(),
        (None, Some(b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap(),
        _ => panic!("case {} has no payload", case["name"]),
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Compare a verification result with the case's `expect`; return a description of any mismatch.
fn check(case: &Value, result: Result<i64, ErrorCode>) -> Option<String> {
    let expect = &case["expect"];
    let got = match &result {
        Ok(t) => format!("timestamp {t}"),
        Err(code) => format!("error {code}"),
    };
    let want = match (expect.get("timestamp"), expect.get("error")) {
        (Some(t), _) => format!("timestamp {t}"),
        (_, Some(e)) => format!("error {}", e.as_str().unwrap()),
        _ => panic!("case {} has no expectation", case["name"]),
    };
    (got != want).then(|| format!("{}: expected {want}, got {got}", case["name"]))
}

fn run_all(section: &str, run: impl Fn(&Value) -> Result<i64, ErrorCode>) {
    let failures: Vec<String> = cases(section)
        .iter()
        .filter_map(|case| check(case, run(case)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn stripe_verify_vectors() {
    run_all("stripe_verify", |case| {
        webhook::verify(
            &payload(case),
            case["header"].as_str().unwrap(),
            &strings(&case["secrets"]),
            case["tolerance"].as_u64().unwrap(),
            case["now"].as_i64().unwrap(),
        )
        .map_err(|e| e.code())
    });
}

#[test]
fn stripe_sign_vectors() {
    for case in cases("stripe_sign") {
        let header = webhook::sign(
            &payload(&case),
            case["secret"].as_str().unwrap(),
            case["timestamp"].as_i64().unwrap(),
        )
        .unwrap();
        assert_eq!(header, case["header"].as_str().unwrap(), "{}", case["name"]);
    }
}

#[test]
fn standard_verify_vectors() {
    run_all("standard_verify", |case| {
        let headers: Vec<(&str, &str)> = case["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        webhook::verify_standard_headers(
            &payload(case),
            headers,
            &strings(&case["secrets"]),
            case["tolerance"].as_u64().unwrap(),
            case["now"].as_i64().unwrap(),
        )
        .map_err(|e| e.code())
    });
}

#[test]
fn standard_sign_vectors() {
    for case in cases("standard_sign") {
        let signature = webhook::sign_standard(
            case["msg_id"].as_str().unwrap(),
            case["timestamp"].as_i64().unwrap(),
            &payload(&case),
            case["secret"].as_str().unwrap(),
        )
        .unwrap();
        assert_eq!(
            signature,
            case["signature"].as_str().unwrap(),
            "{}",
            case["name"]
        );
        let headers = StandardHeaders {
            id: case["msg_id"].as_str().unwrap(),
            timestamp: &case["timestamp"].to_string(),
            signature: &signature,
        };
        let secret = [case["secret"].as_str().unwrap()];
        assert!(webhook::verify_standard(&payload(&case), &headers, &secret, 0, 0).is_ok());
    }
}

#[test]
fn construct_event_vectors() {
    for case in cases("construct_event") {
        let result = webhook::construct_event(
            &payload(&case),
            case["header"].as_str().unwrap(),
            &strings(&case["secrets"]),
            case["tolerance"].as_u64().unwrap(),
            case["now"].as_i64().unwrap(),
        );
        let expect = &case["expect"];
        match (result, expect.get("error")) {
            (Ok(event), None) => {
                let name = &case["name"];
                assert_eq!(event.id, expect["id"].as_str().unwrap(), "{name}");
                assert_eq!(
                    event.type_name(),
                    expect["type"].as_str().unwrap(),
                    "{name}"
                );
                assert_eq!(
                    event.kind.is_known(),
                    expect["known_type"].as_bool().unwrap(),
                    "{name}"
                );
                assert_eq!(event.created, expect["created"].as_i64().unwrap(), "{name}");
                assert_eq!(
                    event.livemode,
                    expect["livemode"].as_bool().unwrap(),
                    "{name}"
                );
                assert_eq!(
                    event.api_version.as_deref(),
                    expect["api_version"].as_str(),
                    "{name}"
                );
                assert_eq!(event.object.get("id"), expect.get("object_id"), "{name}");
                let previous = event.previous_attributes.unwrap_or(Value::Null);
                assert_eq!(previous, expect["previous_attributes"], "{name}");
            }
            (Err(err), Some(code)) => {
                assert_eq!(
                    err.code().name(),
                    code.as_str().unwrap(),
                    "{}",
                    case["name"]
                );
                assert!(matches!(err, Error::Webhook(_) | Error::Event(_)));
            }
            (result, _) => panic!("{}: unexpected {result:?}", case["name"]),
        }
    }
}

#[test]
fn vectors_cover_at_least_25_stripe_cases() {
    assert!(cases("stripe_verify").len() >= 25);
}
