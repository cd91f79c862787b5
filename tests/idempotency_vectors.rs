//! Runs every scenario of `tests/vectors/idempotency.json` against every store: the scenarios the
//! C, Python and Go suites run too.

mod common;

use std::collections::HashMap;

use cognition_core::idempotency::*;
use serde_json::{json, Value};

fn scenarios() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/idempotency.json"
    );
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["scenarios"].as_array().unwrap().clone()
}

fn policy(spec: &Value) -> RetryPolicy {
    RetryPolicy::default()
        .jitter(false)
        .max_attempts(spec["max_attempts"].as_u64().unwrap() as u32)
        .and_then(|p| p.initial_delay_millis(spec["initial_delay_millis"].as_i64().unwrap()))
        .and_then(|p| p.factor(spec["factor"].as_f64().unwrap()))
        .and_then(|p| p.max_delay_millis(spec["max_delay_millis"].as_i64().unwrap()))
        .unwrap()
}

fn key_of(step: &Value) -> String {
    match step.get("key_repeat") {
        Some(repeat) => repeat[0]
            .as_str()
            .unwrap()
            .repeat(repeat[1].as_u64().unwrap() as usize),
        None => step["key"].as_str().unwrap_or_default().to_owned(),
    }
}

fn claim_json(claim: &Claim) -> Value {
    match claim {
        Claim::Acquired { attempt, .. } => json!({"claim": "acquired", "attempt": attempt}),
        Claim::AlreadyDone { status, result } => {
            json!({"claim": "already_done", "status": status.as_str(), "result": result})
        }
        Claim::InProgress { lease_expires_at } => {
            json!({"claim": "in_progress", "lease_expires_at": lease_expires_at})
        }
        Claim::FingerprintConflict { stored } => {
            json!({"claim": "fingerprint_conflict", "stored": stored.to_hex()})
        }
        Claim::DeadLettered { status, last_error } => {
            json!({"claim": "dead_lettered", "status": status.as_str(), "last_error": last_error})
        }
    }
}

fn decision_json(decision: RetryDecision) -> Value {
    match decision {
        RetryDecision::RetryAt(at) => json!({"decision": "retry_at", "at": at}),
        RetryDecision::DeadLettered => json!({"decision": "dead_lettered"}),
        RetryDecision::Failed => json!({"decision": "failed"}),
    }
}

/// Keep only the fields `expect` names, so that a scenario states just what it checks.
fn project(actual: &Value, expect: &Value) -> Value {
    let fields = expect.as_object().unwrap();
    fields
        .keys()
        .map(|k| (k.clone(), actual.get(k).cloned().unwrap_or(Value::Null)))
        .collect()
}

fn run_step(
    store: &dyn IdempotencyStore,
    step: &Value,
    tokens: &mut HashMap<String, Vec<LeaseToken>>,
) -> Value {
    let key = key_of(step);
    let now = step.get("now").and_then(Value::as_i64).unwrap_or(0);
    let token = || {
        let list = &tokens[&key];
        let index = step["token"].as_i64().unwrap();
        list[if index < 0 {
            list.len() - 1
        } else {
            index as usize
        }]
        .clone()
    };
    let outcome: Result<Value, StoreError> = match step["op"].as_str().unwrap() {
        "claim" => {
            let body = step["body"].as_str().unwrap().as_bytes();
            let request = ClaimRequest {
                lease_millis: step["lease_millis"].as_i64().unwrap(),
                ..ClaimRequest::new(&key, step["event_type"].as_str().unwrap(), body, now)
            };
            store.claim(&request).map(|claim| {
                if let Claim::Acquired { token, .. } = &claim {
                    tokens.entry(key.clone()).or_default().push(token.clone());
                }
                claim_json(&claim)
            })
        }
        "complete" => {
            let result = Some(step["result"].clone()).filter(|v| !v.is_null());
            store
                .complete(&token(), result, now)
                .map(|()| json!({"ok": true}))
        }
        "ignore" => store.ignore(&token(), now).map(|()| json!({"ok": true})),
        "fail" => store
            .fail(
                &token(),
                step["error"].as_str().unwrap(),
                step["retryable"].as_bool().unwrap(),
                now,
            )
            .map(decision_json),
        "get" => store.get(&key).map(|record| match record {
            None => json!({"missing": true}),
            Some(record) => record.to_json(),
        }),
        "due" => store
            .due_for_retry(now, step["limit"].as_u64().unwrap() as usize)
            .map(|due| json!({"keys": due.iter().map(|r| r.key.to_string()).collect::<Vec<_>>()})),
        "requeue" => store.requeue(&key, now).map(|()| json!({"ok": true})),
        "purge" => store
            .purge(step["before"].as_i64().unwrap())
            .map(|n| json!({"purged": n})),
        op => panic!("unknown op {op}"),
    };
    outcome.unwrap_or_else(|e| json!({"error": e.code().name()}))
}

fn run_all(make_store: impl Fn(RetryPolicy) -> Box<dyn IdempotencyStore>) {
    let mut failures = Vec::new();
    for scenario in scenarios() {
        let store = make_store(policy(&scenario["retry_policy"]));
        let mut tokens = HashMap::new();
        for (i, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
            let actual = run_step(store.as_ref(), step, &mut tokens);
            let expect = &step["expect"];
            if project(&actual, expect) != *expect {
                failures.push(format!(
                    "{} step {i}: expected {expect}, got {actual}",
                    scenario["name"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn memory_store_runs_every_scenario() {
    run_all(|policy| Box::new(MemoryStore::with_retry_policy(policy)));
}

#[test]
fn backend_store_runs_every_scenario() {
    run_all(|policy| {
        Box::new(BackendStore::with_retry_policy(
            common::MapBackend::default(),
            policy,
        ))
    });
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_store_runs_every_scenario() {
    let dir = common::TempDir::new("idempotency_vectors");
    let counter = std::sync::atomic::AtomicUsize::new(0);
    run_all(|policy| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::new(SqliteStore::open_with(dir.file(&format!("scenario-{n}.db")), policy).unwrap())
    });
}
