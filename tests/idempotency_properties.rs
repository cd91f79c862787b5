//! Property tests on the record state machine: random interleavings of claims, completions,
//! failures and clock jumps never reach an invalid state, and `dead` comes only after the last
//! allowed attempt.

use std::collections::HashMap;

use cognition_core::idempotency::*;
use proptest::prelude::*;

const MAX_ATTEMPTS: u32 = 4;
const LEASE: i64 = 10_000;

#[derive(Debug, Clone)]
enum Op {
    Claim {
        key: usize,
    },
    Complete {
        key: usize,
        token: usize,
    },
    Fail {
        key: usize,
        token: usize,
        retryable: bool,
    },
    Advance {
        millis: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize).prop_map(|key| Op::Claim { key }),
        (0..3usize, 0..4usize).prop_map(|(key, token)| Op::Complete { key, token }),
        (0..3usize, 0..4usize, prop::bool::weighted(0.8)).prop_map(|(key, token, retryable)| {
            Op::Fail {
                key,
                token,
                retryable,
            }
        }),
        (-5_000i64..40_000).prop_map(|millis| Op::Advance { millis }),
    ]
}

fn check_invariants(record: &Record) -> Result<(), TestCaseError> {
    prop_assert!(
        record.attempts <= MAX_ATTEMPTS,
        "attempts {}",
        record.attempts
    );
    match record.status {
        Status::Dead => prop_assert_eq!(record.attempts, MAX_ATTEMPTS),
        Status::Processing => prop_assert!(record.lease_expires_at.is_some()),
        Status::Retrying => prop_assert!(record.next_retry_at.is_some()),
        Status::Processed | Status::Ignored => prop_assert!(record.processed_at.is_some()),
        Status::Failed => prop_assert!(record.last_error.is_some()),
        Status::Pending => {}
    }
    if record.status != Status::Processing {
        prop_assert!(record.lease_expires_at.is_none());
    }
    Ok(())
}

fn run(store: &dyn IdempotencyStore, ops: &[Op]) -> Result<(), TestCaseError> {
    let keys = ["evt_a", "evt_b", "evt_c"];
    let mut now = 1_000_000i64;
    let mut tokens: HashMap<usize, Vec<LeaseToken>> = HashMap::new();
    for op in ops {
        let before: Vec<Option<Record>> = keys.iter().map(|k| store.get(k).unwrap()).collect();
        match op {
            Op::Claim { key } => {
                let request = ClaimRequest {
                    lease_millis: LEASE,
                    ..ClaimRequest::new(keys[*key], "t", b"same body", now)
                };
                if let Claim::Acquired { token, attempt } = store.claim(&request).unwrap() {
                    prop_assert!((1..=MAX_ATTEMPTS).contains(&attempt));
                    tokens.entry(*key).or_default().push(token);
                }
            }
            Op::Complete { key, token } | Op::Fail { key, token, .. } => {
                let Some(token) = tokens.get(key).and_then(|t| t.get(*token)).cloned() else {
                    continue;
                };
                let result = match op {
                    Op::Complete { .. } => store.complete(&token, None, now).map(|_| ()),
                    Op::Fail { retryable, .. } => {
                        store.fail(&token, "boom", *retryable, now).map(|_| ())
                    }
                    _ => unreachable!(),
                };
                let record = before[*key].as_ref().unwrap();
                let holds_lease = record.status == Status::Processing
                    && record.lease_generation == token.generation;
                prop_assert_eq!(
                    result.is_ok(),
                    holds_lease,
                    "only the current lease holder may settle"
                );
                if result.is_err() {
                    prop_assert_eq!(
                        &store.get(keys[*key]).unwrap(),
                        &before[*key],
                        "a rejected call changed nothing"
                    );
                }
            }
            Op::Advance { millis } => now += millis,
        }
        for (i, key) in keys.iter().enumerate() {
            if let Some(record) = store.get(key).unwrap() {
                check_invariants(&record)?;
                if let Some(Some(old)) = before.get(i) {
                    if matches!(
                        old.status,
                        Status::Processed | Status::Ignored | Status::Dead | Status::Failed
                    ) {
                        prop_assert_eq!(&record, old, "finished records never change on their own");
                    }
                    prop_assert!(record.lease_generation >= old.lease_generation);
                }
            }
        }
    }
    Ok(())
}

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(MAX_ATTEMPTS)
        .unwrap()
        .seed(7)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn memory_store_never_reaches_an_invalid_state(ops in prop::collection::vec(op(), 1..60)) {
        run(&MemoryStore::with_retry_policy(policy()), &ops)?;
    }

    #[test]
    fn backend_store_never_reaches_an_invalid_state(ops in prop::collection::vec(op(), 1..60)) {
        run(&BackendStore::with_retry_policy(common::MapBackend::default(), policy()), &ops)?;
    }
}

mod common;
