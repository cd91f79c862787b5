//! The behaviours every idempotency store shares, run against each store: `MemoryStore`, a
//! `BackendStore` over a user's own storage, and `SqliteStore` on a WAL file.

mod common;

use cognition_core::idempotency::*;
use serde_json::json;

const T0: UnixMillis = 1_700_000_000_000;

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .unwrap()
        .jitter(false)
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

/// Run each behaviour as its own test on every store.
macro_rules! on_every_store {
    ($($behaviour:ident),* $(,)?) => {
        mod memory_store {
            use super::*;
            $(#[test] fn $behaviour() { super::$behaviour(&MemoryStore::with_retry_policy(policy())); })*
        }
        mod backend_store {
            use super::*;
            $(#[test] fn $behaviour() {
                super::$behaviour(&BackendStore::with_retry_policy(common::MapBackend::default(), policy()));
            })*
        }
        #[cfg(feature = "sqlite")]
        mod sqlite_store {
            use super::*;
            $(#[test] fn $behaviour() {
                let dir = common::TempDir::new(concat!("stores-", stringify!($behaviour)));
                super::$behaviour(&SqliteStore::open_with(dir.file("events.db"), policy()).unwrap());
            })*
        }
    };
}

on_every_store!(
    first_claim_acquires_attempt_one_and_keeps_every_field,
    duplicate_after_completion_returns_the_stored_result,
    ignore_marks_the_record_ignored_and_duplicates_see_it,
    same_key_with_a_different_body_is_a_conflict,
    concurrent_claim_within_the_lease_is_in_progress,
    expired_lease_is_taken_over_and_the_stale_token_is_fenced,
    a_token_cannot_complete_twice,
    completing_an_unknown_key_is_not_found,
    failures_retry_with_backoff_then_dead_letter,
    permanent_failure_is_failed_without_retry,
    requeue_brings_a_dead_record_back_with_attempts_reset,
    requeue_of_a_live_or_missing_record_is_refused,
    due_for_retry_orders_by_due_time_then_key_and_honours_the_limit,
    empty_and_huge_keys_are_rejected,
    a_clock_that_goes_backwards_never_yields_negative_durations,
    extreme_times_round_trip,
    list_filters_and_pages_without_gaps_or_repeats,
    list_rejects_a_bad_cursor_and_limit,
    stats_count_statuses_types_and_processing_times,
    purge_removes_only_old_finished_records,
);

fn first_claim_acquires_attempt_one_and_keeps_every_field(store: &dyn IdempotencyStore) {
    let (token, attempt) = acquire(store, "evt_1", T0);
    assert_eq!(attempt, 1);
    let record = store.get("evt_1").unwrap().unwrap();
    assert_eq!(record.status, Status::Processing);
    assert_eq!(&*record.event_type, "invoice.paid");
    assert_eq!(record.lease_generation, token.generation);
    assert_eq!(record.lease_expires_at, Some(T0 + DEFAULT_LEASE_MILLIS));
    assert_eq!(record.fingerprint, Fingerprint::of(b"body"));
    assert_eq!(record.payload.as_deref(), Some(&b"body"[..]));
    assert_eq!((record.created_at, record.started_at), (T0, Some(T0)));
    assert_eq!(store.get("evt_2").unwrap(), None);
}

fn duplicate_after_completion_returns_the_stored_result(store: &dyn IdempotencyStore) {
    let (token, _) = acquire(store, "evt_1", T0);
    let result = json!({"charged": 42, "nested": {"list": [1, 2.5, null, "é"]}});
    store
        .complete(&token, Some(result.clone()), T0 + 15)
        .unwrap();
    let claim = store.claim(&request("evt_1", b"body", T0 + 100)).unwrap();
    assert_eq!(
        claim,
        Claim::AlreadyDone {
            status: Status::Processed,
            result: Some(result)
        }
    );
    let record = store.get("evt_1").unwrap().unwrap();
    assert_eq!(record.processing_millis(), Some(15));
    assert_eq!(record.attempts, 1, "the duplicate claim changed nothing");
}

fn ignore_marks_the_record_ignored_and_duplicates_see_it(store: &dyn IdempotencyStore) {
    let (token, _) = acquire(store, "evt_1", T0);
    store.ignore(&token, T0 + 1).unwrap();
    assert_eq!(
        store.claim(&request("evt_1", b"body", T0 + 2)).unwrap(),
        Claim::AlreadyDone {
            status: Status::Ignored,
            result: None
        }
    );
}

fn same_key_with_a_different_body_is_a_conflict(store: &dyn IdempotencyStore) {
    acquire(store, "evt_1", T0);
    let claim = store.claim(&request("evt_1", b"other body", T0)).unwrap();
    assert_eq!(
        claim,
        Claim::FingerprintConflict {
            stored: Fingerprint::of(b"body")
        }
    );
}

fn concurrent_claim_within_the_lease_is_in_progress(store: &dyn IdempotencyStore) {
    acquire(store, "evt_1", T0);
    let claim = store.claim(&request("evt_1", b"body", T0 + 1_000)).unwrap();
    assert_eq!(
        claim,
        Claim::InProgress {
            lease_expires_at: T0 + DEFAULT_LEASE_MILLIS
        }
    );
}

fn expired_lease_is_taken_over_and_the_stale_token_is_fenced(store: &dyn IdempotencyStore) {
    let (stale, _) = acquire(store, "evt_1", T0);
    let (fresh, attempt) = acquire(store, "evt_1", T0 + DEFAULT_LEASE_MILLIS);
    assert_eq!(attempt, 2);
    let before = store.get("evt_1").unwrap();
    let err = store
        .complete(&stale, Some(json!("late")), T0 + 40_000)
        .unwrap_err();
    assert!(matches!(err, StoreError::StaleToken { .. }), "{err}");
    let err = store.fail(&stale, "late", true, T0 + 40_000).unwrap_err();
    assert!(matches!(err, StoreError::StaleToken { .. }), "{err}");
    let err = store.ignore(&stale, T0 + 40_000).unwrap_err();
    assert!(matches!(err, StoreError::StaleToken { .. }), "{err}");
    assert_eq!(
        store.get("evt_1").unwrap(),
        before,
        "stale calls changed nothing"
    );
    store.complete(&fresh, None, T0 + 40_000).unwrap();
}

fn a_token_cannot_complete_twice(store: &dyn IdempotencyStore) {
    let (token, _) = acquire(store, "evt_1", T0);
    store.complete(&token, None, T0).unwrap();
    assert!(matches!(
        store.complete(&token, None, T0),
        Err(StoreError::StaleToken { .. })
    ));
}

fn completing_an_unknown_key_is_not_found(store: &dyn IdempotencyStore) {
    let token = LeaseToken {
        key: "never_claimed".into(),
        generation: 1,
    };
    assert!(matches!(
        store.complete(&token, None, T0),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.get("never_claimed").unwrap(), None);
}

fn failures_retry_with_backoff_then_dead_letter(store: &dyn IdempotencyStore) {
    let (token, _) = acquire(store, "evt_1", T0);
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

    let (token, attempt) = acquire(store, "evt_1", T0 + 1_000);
    assert_eq!(attempt, 2);
    assert_eq!(
        store.fail(&token, "timeout", true, T0 + 1_000).unwrap(),
        RetryDecision::RetryAt(T0 + 3_000)
    );
    let (token, attempt) = acquire(store, "evt_1", T0 + 3_000);
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
    assert_eq!(record.last_retry_at, Some(T0 + 3_000));
    assert_eq!(
        store.claim(&request("evt_1", b"body", T0 + 9_000)).unwrap(),
        Claim::DeadLettered {
            status: Status::Dead,
            last_error: Some("timeout again".into())
        }
    );
}

fn permanent_failure_is_failed_without_retry(store: &dyn IdempotencyStore) {
    let (token, _) = acquire(store, "evt_1", T0);
    assert_eq!(
        store.fail(&token, "bad data", false, T0).unwrap(),
        RetryDecision::Failed
    );
    assert_eq!(store.get("evt_1").unwrap().unwrap().status, Status::Failed);
    assert!(store.due_for_retry(T0 + 10_000_000, 10).unwrap().is_empty());
}

fn requeue_brings_a_dead_record_back_with_attempts_reset(store: &dyn IdempotencyStore) {
    let (token, _) = acquire(store, "evt_1", T0);
    store.fail(&token, "bad", false, T0).unwrap();
    store.requeue("evt_1", T0 + 5).unwrap();
    let record = store.get("evt_1").unwrap().unwrap();
    assert_eq!((record.status, record.attempts), (Status::Pending, 0));
    assert_eq!(store.due_for_retry(T0 + 5, 10).unwrap().len(), 1);
    let (_, attempt) = acquire(store, "evt_1", T0 + 5);
    assert_eq!(attempt, 1);
}

fn requeue_of_a_live_or_missing_record_is_refused(store: &dyn IdempotencyStore) {
    acquire(store, "evt_1", T0);
    let before = store.get("evt_1").unwrap();
    assert!(matches!(
        store.requeue("evt_1", T0),
        Err(StoreError::InvalidState(_))
    ));
    assert_eq!(store.get("evt_1").unwrap(), before);
    assert!(matches!(
        store.requeue("missing", T0),
        Err(StoreError::NotFound { .. })
    ));
}

fn due_for_retry_orders_by_due_time_then_key_and_honours_the_limit(store: &dyn IdempotencyStore) {
    for (key, fail_at) in [("c", T0), ("a", T0 + 500), ("b", T0), ("d", T0 + 10)] {
        let (token, _) = acquire(store, key, fail_at);
        store.fail(&token, "x", true, fail_at).unwrap();
    }
    let due: Vec<String> = store
        .due_for_retry(T0 + 10_000, 10)
        .unwrap()
        .into_iter()
        .map(|r| r.key.to_string())
        .collect();
    assert_eq!(due, ["b", "c", "d", "a"]);
    assert_eq!(store.due_for_retry(T0 + 10_000, 2).unwrap().len(), 2);
    assert!(store.due_for_retry(T0 + 10_000, 0).unwrap().is_empty());
    assert_eq!(store.due_for_retry(T0 + 1_000, 10).unwrap().len(), 2);
}

fn empty_and_huge_keys_are_rejected(store: &dyn IdempotencyStore) {
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
    assert!(matches!(store.get(&huge), Err(StoreError::InvalidKey(_))));
    assert!(matches!(
        store.requeue(&huge, T0),
        Err(StoreError::InvalidKey(_))
    ));
    assert_eq!(store.stats(Window::ALL).unwrap().total, 0);
}

fn a_clock_that_goes_backwards_never_yields_negative_durations(store: &dyn IdempotencyStore) {
    let (token, _) = acquire(store, "evt_1", T0);
    store.complete(&token, None, T0 - 60_000).unwrap();
    let record = store.get("evt_1").unwrap().unwrap();
    assert_eq!(record.processing_millis(), Some(0));
    let stats = store.stats(Window::ALL).unwrap();
    assert_eq!(stats.processing_max_millis, Some(0));
    // A claim from a clock behind the lease start still sees the lease as held.
    assert!(matches!(
        store
            .claim(&request("evt_1", b"body", T0 - 120_000))
            .unwrap(),
        Claim::AlreadyDone { .. }
    ));
}

fn extreme_times_round_trip(store: &dyn IdempotencyStore) {
    let (token, _) = acquire(store, "evt_min", UnixMillis::MIN);
    store.complete(&token, None, UnixMillis::MAX).unwrap();
    let record = store.get("evt_min").unwrap().unwrap();
    assert_eq!(record.created_at, UnixMillis::MIN);
    assert_eq!(record.processed_at, Some(UnixMillis::MAX));
    let (_, _) = acquire(store, "evt_max", UnixMillis::MAX);
    assert_eq!(
        store.get("evt_max").unwrap().unwrap().lease_expires_at,
        Some(UnixMillis::MAX)
    );
}

fn list_filters_and_pages_without_gaps_or_repeats(store: &dyn IdempotencyStore) {
    // Three records share each creation time, so pages must break ties by key.
    for i in 0..25 {
        let key = format!("evt_{i:02}");
        let (token, _) = acquire(store, &key, T0 + i / 3);
        if i % 2 == 0 {
            store.complete(&token, None, T0 + i).unwrap();
        }
    }
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut filter = Filter {
        status: Some(Status::Processed),
        limit: 4,
        ..Filter::default()
    };
    loop {
        let page = store.list(&filter).unwrap();
        pages += 1;
        assert!(page.records.len() <= 4);
        seen.extend(page.records.iter().map(|r| r.key.to_string()));
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
    assert_eq!(pages, 4, "13 records in pages of 4");

    let window = Filter {
        since: Some(T0 + 2),
        until: Some(T0 + 4),
        event_type: Some("invoice.paid".into()),
        ..Filter::default()
    };
    let keys: Vec<String> = store
        .list(&window)
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.key.to_string())
        .collect();
    assert_eq!(
        keys,
        ["evt_11", "evt_10", "evt_09", "evt_08", "evt_07", "evt_06"]
    );
    let other_type = Filter {
        event_type: Some("charge.refunded".into()),
        ..Filter::default()
    };
    assert!(store.list(&other_type).unwrap().records.is_empty());
}

fn list_rejects_a_bad_cursor_and_limit(store: &dyn IdempotencyStore) {
    let bad_cursor = Filter {
        cursor: Some("garbage".into()),
        ..Filter::default()
    };
    assert!(matches!(
        store.list(&bad_cursor),
        Err(StoreError::InvalidArgument(_))
    ));
    for limit in [0, MAX_PAGE_SIZE + 1] {
        let filter = Filter {
            limit,
            ..Filter::default()
        };
        assert!(matches!(
            store.list(&filter),
            Err(StoreError::InvalidArgument(_))
        ));
    }
}

fn stats_count_statuses_types_and_processing_times(store: &dyn IdempotencyStore) {
    for i in 0..10 {
        let (token, _) = acquire(store, &format!("ok_{i}"), T0);
        store.complete(&token, None, T0 + (i + 1) * 10).unwrap();
    }
    let (token, _) = acquire(store, "bad", T0);
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

fn purge_removes_only_old_finished_records(store: &dyn IdempotencyStore) {
    let (done, _) = acquire(store, "done", T0);
    store.complete(&done, None, T0).unwrap();
    let (dead, _) = acquire(store, "failed", T0);
    store.fail(&dead, "x", false, T0).unwrap();
    acquire(store, "working", T0);
    let (retry, _) = acquire(store, "retrying", T0);
    store.fail(&retry, "x", true, T0).unwrap();
    let (fresh, _) = acquire(store, "fresh", T0 + 10);
    store.complete(&fresh, None, T0 + 10).unwrap();
    assert_eq!(store.purge(T0 + 5).unwrap(), 2);
    assert!(store.get("done").unwrap().is_none());
    assert!(store.get("failed").unwrap().is_none());
    for key in ["working", "retrying", "fresh"] {
        assert!(store.get(key).unwrap().is_some(), "{key} must survive");
    }
    assert_eq!(
        store.purge(UnixMillis::MAX).unwrap(),
        1,
        "only `fresh` left"
    );
}
