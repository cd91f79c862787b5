//! The idempotency state machine through `MemoryStore`: claims, leases, fencing, retries, queries.

use cognition_core::idempotency::*;
use serde_json::json;

const T0: UnixMillis = 1_700_000_000_000;

fn store() -> MemoryStore {
    MemoryStore::with_retry_policy(
        RetryPolicy::default()
            .max_attempts(3)
            .unwrap()
            .jitter(false),
    )
}

fn request<'a>(key: &'a str, body: &'a [u8], now: UnixMillis) -> ClaimRequest<'a> {
    ClaimRequest {
        payload: Some(body),
        ..ClaimRequest::new(key, "invoice.paid", body, now)
    }
}

fn acquire(store: &dyn IdempotencyStore, key: &str, now: UnixMillis) -> (LeaseToken, u32) {
    match store.claim(&request(key, b"body", now)).unwrap() {
        Claim::Acquired { token, attempt } => (token, attempt),
        other => panic!("expected to acquire {key}, got {other:?}"),
    }
}

#[test]
fn first_claim_acquires_attempt_one() {
    let store = store();
    let (token, attempt) = acquire(&store, "evt_1", T0);
    assert_eq!(attempt, 1);
    let record = store.get("evt_1").unwrap().unwrap();
    assert_eq!(record.status, Status::Processing);
    assert_eq!(record.lease_generation, token.generation);
    assert_eq!(record.lease_expires_at, Some(T0 + DEFAULT_LEASE_MILLIS));
    assert_eq!(record.fingerprint, Fingerprint::of(b"body"));
}

#[test]
fn duplicate_after_completion_returns_the_stored_result() {
    let store = store();
    let (token, _) = acquire(&store, "evt_1", T0);
    store
        .complete(&token, Some(json!({"charged": 42})), T0 + 15)
        .unwrap();
    let claim = store.claim(&request("evt_1", b"body", T0 + 100)).unwrap();
    assert_eq!(
        claim,
        Claim::AlreadyDone {
            status: Status::Processed,
            result: Some(json!({"charged": 42}))
        }
    );
    assert_eq!(
        store.get("evt_1").unwrap().unwrap().processing_millis(),
        Some(15)
    );
}

#[test]
fn same_key_with_a_different_body_is_a_conflict() {
    let store = store();
    acquire(&store, "evt_1", T0);
    let claim = store.claim(&request("evt_1", b"other body", T0)).unwrap();
    assert_eq!(
        claim,
        Claim::FingerprintConflict {
            stored: Fingerprint::of(b"body")
        }
    );
}

#[test]
fn concurrent_claim_within_the_lease_is_in_progress() {
    let store = store();
    acquire(&store, "evt_1", T0);
    let claim = store.claim(&request("evt_1", b"body", T0 + 1_000)).unwrap();
    assert_eq!(
        claim,
        Claim::InProgress {
            lease_expires_at: T0 + DEFAULT_LEASE_MILLIS
        }
    );
}

#[test]
fn expired_lease_is_taken_over_and_the_stale_token_is_fenced() {
    let store = store();
    let (stale, _) = acquire(&store, "evt_1", T0);
    let (fresh, attempt) = acquire(&store, "evt_1", T0 + DEFAULT_LEASE_MILLIS);
    assert_eq!(attempt, 2);
    let before = store.get("evt_1").unwrap();
    let err = store
        .complete(&stale, Some(json!("late")), T0 + 40_000)
        .unwrap_err();
    assert!(matches!(err, StoreError::StaleToken { .. }), "{err}");
    let err = store.fail(&stale, "late", true, T0 + 40_000).unwrap_err();
    assert!(matches!(err, StoreError::StaleToken { .. }), "{err}");
    assert_eq!(
        store.get("evt_1").unwrap(),
        before,
        "stale calls changed nothing"
    );
    store.complete(&fresh, None, T0 + 40_000).unwrap();
}

#[test]
fn a_token_cannot_complete_twice() {
    let store = store();
    let (token, _) = acquire(&store, "evt_1", T0);
    store.complete(&token, None, T0).unwrap();
    assert!(matches!(
        store.complete(&token, None, T0),
        Err(StoreError::StaleToken { .. })
    ));
}

#[test]
fn failures_retry_with_backoff_then_dead_letter() {
    let store = store();
    let (token, _) = acquire(&store, "evt_1", T0);
    assert_eq!(
        store.fail(&token, "timeout", true, T0).unwrap(),
        RetryDecision::RetryAt(T0 + 1_000)
    );
    assert_eq!(
        store.get("evt_1").unwrap().unwrap().status,
        Status::Retrying
    );
    assert!(store.due_for_retry(T0 + 999, 10).unwrap().is_empty());
    assert_eq!(store.due_for_retry(T0 + 1_000, 10).unwrap().len(), 1);

    let (token, attempt) = acquire(&store, "evt_1", T0 + 1_000);
    assert_eq!(attempt, 2);
    assert_eq!(
        store.fail(&token, "timeout", true, T0 + 1_000).unwrap(),
        RetryDecision::RetryAt(T0 + 3_000)
    );
    let (token, attempt) = acquire(&store, "evt_1", T0 + 3_000);
    assert_eq!(attempt, 3);
    assert_eq!(
        store
            .fail(&token, "timeout again", true, T0 + 3_000)
            .unwrap(),
        RetryDecision::DeadLettered
    );
    let record = store.get("evt_1").unwrap().unwrap();
    assert_eq!((record.status, record.attempts), (Status::Dead, 3));
    assert_eq!(record.last_error.as_deref(), Some("timeout again"));
    assert_eq!(
        store.claim(&request("evt_1", b"body", T0 + 9_000)).unwrap(),
        Claim::DeadLettered {
            status: Status::Dead,
            last_error: Some("timeout again".into())
        }
    );
}

#[test]
fn permanent_failure_is_failed_without_retry() {
    let store = store();
    let (token, _) = acquire(&store, "evt_1", T0);
    assert_eq!(
        store.fail(&token, "bad data", false, T0).unwrap(),
        RetryDecision::Failed
    );
    assert_eq!(store.get("evt_1").unwrap().unwrap().status, Status::Failed);
    assert!(store.due_for_retry(T0 + 10_000_000, 10).unwrap().is_empty());
}

#[test]
fn requeue_brings_a_dead_record_back_with_attempts_reset() {
    let store = store();
    let (token, _) = acquire(&store, "evt_1", T0);
    store.fail(&token, "bad", false, T0).unwrap();
    store.requeue("evt_1", T0 + 5).unwrap();
    let record = store.get("evt_1").unwrap().unwrap();
    assert_eq!((record.status, record.attempts), (Status::Pending, 0));
    assert_eq!(store.due_for_retry(T0 + 5, 10).unwrap().len(), 1);
    let (_, attempt) = acquire(&store, "evt_1", T0 + 5);
    assert_eq!(attempt, 1);
}

#[test]
fn requeue_of_a_live_record_is_an_invalid_state() {
    let store = store();
    acquire(&store, "evt_1", T0);
    assert!(matches!(
        store.requeue("evt_1", T0),
        Err(StoreError::InvalidState(_))
    ));
    assert!(matches!(
        store.requeue("missing", T0),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn empty_and_huge_keys_are_rejected() {
    let store = store();
    assert!(matches!(
        store.claim(&request("", b"x", T0)),
        Err(StoreError::InvalidKey(_))
    ));
    let huge = "k".repeat(10 * 1024);
    assert!(matches!(
        store.claim(&request(&huge, b"x", T0)),
        Err(StoreError::InvalidKey(_))
    ));
    assert!(matches!(store.get(""), Err(StoreError::InvalidKey(_))));
    assert!(store.is_empty());
}

#[test]
fn a_clock_that_goes_backwards_never_yields_negative_durations() {
    let store = store();
    let (token, _) = acquire(&store, "evt_1", T0);
    store.complete(&token, None, T0 - 60_000).unwrap();
    let record = store.get("evt_1").unwrap().unwrap();
    assert_eq!(record.processing_millis(), Some(0));
    let stats = store.stats(Window::ALL).unwrap();
    assert_eq!(stats.processing_max_millis, Some(0));
}

#[test]
fn list_filters_and_pages_without_gaps_or_repeats() {
    let store = store();
    for i in 0..25 {
        let key = format!("evt_{i:02}");
        let (token, _) = acquire(&store, &key, T0 + i);
        if i % 2 == 0 {
            store.complete(&token, None, T0 + i).unwrap();
        }
    }
    let mut seen = Vec::new();
    let mut filter = Filter {
        status: Some(Status::Processed),
        limit: 5,
        ..Filter::default()
    };
    loop {
        let page = store.list(&filter).unwrap();
        seen.extend(page.records.iter().map(|r| r.key.clone()));
        match page.next_cursor {
            Some(cursor) => filter.cursor = Some(cursor),
            None => break,
        }
    }
    let expected: Vec<String> = (0..25)
        .rev()
        .filter(|i| i % 2 == 0)
        .map(|i| format!("evt_{i:02}"))
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn list_rejects_a_bad_cursor_and_limit() {
    let store = store();
    let bad_cursor = Filter {
        cursor: Some("garbage".into()),
        ..Filter::default()
    };
    assert!(matches!(
        store.list(&bad_cursor),
        Err(StoreError::InvalidArgument(_))
    ));
    let zero = Filter {
        limit: 0,
        ..Filter::default()
    };
    assert!(store.list(&zero).is_err());
}

#[test]
fn stats_count_statuses_types_and_processing_times() {
    let store = store();
    for i in 0..10 {
        let (token, _) = acquire(&store, &format!("ok_{i}"), T0);
        store.complete(&token, None, T0 + (i + 1) * 10).unwrap();
    }
    let (token, _) = acquire(&store, "bad", T0);
    store.fail(&token, "x", false, T0).unwrap();
    let stats = store.stats(Window::ALL).unwrap();
    assert_eq!(stats.total, 11);
    assert_eq!(stats.by_status[&Status::Processed], 10);
    assert_eq!(stats.by_status[&Status::Failed], 1);
    assert_eq!(stats.by_event_type["invoice.paid"], 11);
    assert_eq!(stats.success_rate, Some(10.0 / 11.0));
    assert_eq!(stats.processing_p50_millis, Some(50));
    assert_eq!(stats.processing_p95_millis, Some(100));
    assert_eq!(stats.processing_max_millis, Some(100));
    assert_eq!(stats.per_hour.iter().map(|(_, n)| n).sum::<u64>(), 11);
    let empty = store
        .stats(Window {
            since: 0,
            until: T0,
        })
        .unwrap();
    assert_eq!(empty.total, 0);
}

#[test]
fn purge_removes_only_old_finished_records() {
    let store = store();
    let (done, _) = acquire(&store, "done", T0);
    store.complete(&done, None, T0).unwrap();
    acquire(&store, "working", T0);
    let (retry, _) = acquire(&store, "retrying", T0);
    store.fail(&retry, "x", true, T0).unwrap();
    let (fresh, _) = acquire(&store, "fresh", T0 + 10);
    store.complete(&fresh, None, T0 + 10).unwrap();
    assert_eq!(store.purge(T0 + 5).unwrap(), 1);
    assert!(store.get("done").unwrap().is_none());
    for key in ["working", "retrying", "fresh"] {
        assert!(store.get(key).unwrap().is_some(), "{key} must survive");
    }
}
