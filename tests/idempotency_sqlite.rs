//! The idempotency state machine through `SqliteStore` (feature `sqlite`): the memory store's
//! behaviours on a WAL file, plus what only a file has — reopening, corrupt files, schema versions.
#![cfg(feature = "sqlite")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cognition_core::idempotency::*;
use serde_json::json;

const T0: UnixMillis = 1_700_000_000_000;

/// A fresh directory under cargo's per-target temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("idempotency_sqlite-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("events.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .unwrap()
        .jitter(false)
}

/// A store on a WAL file (the directory lives as long as the returned guard).
fn store(name: &str) -> (SqliteStore, TempDir) {
    let dir = TempDir::new(name);
    let store = SqliteStore::open_with(dir.db(), policy()).unwrap();
    (store, dir)
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

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn first_claim_acquires_attempt_one_and_keeps_every_field() {
    let (store, _dir) = store("first_claim");
    let (token, attempt) = acquire(&store, "evt_1", T0);
    assert_eq!(attempt, 1);
    let record = store.get("evt_1").unwrap().unwrap();
    assert_eq!(record.status, Status::Processing);
    assert_eq!(record.event_type, "invoice.paid");
    assert_eq!(record.lease_generation, token.generation);
    assert_eq!(record.lease_expires_at, Some(T0 + DEFAULT_LEASE_MILLIS));
    assert_eq!(record.fingerprint, Fingerprint::of(b"body"));
    assert_eq!(record.payload.as_deref(), Some(&b"body"[..]));
    assert_eq!((record.created_at, record.started_at), (T0, Some(T0)));
    assert_eq!(store.get("evt_2").unwrap(), None);
}

#[test]
fn duplicate_after_completion_returns_the_stored_result() {
    let (store, _dir) = store("duplicate");
    let (token, _) = acquire(&store, "evt_1", T0);
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

#[test]
fn ignore_marks_the_record_ignored_and_duplicates_see_it() {
    let (store, _dir) = store("ignore");
    let (token, _) = acquire(&store, "evt_1", T0);
    store.ignore(&token, T0 + 1).unwrap();
    assert_eq!(
        store.claim(&request("evt_1", b"body", T0 + 2)).unwrap(),
        Claim::AlreadyDone {
            status: Status::Ignored,
            result: None
        }
    );
}

#[test]
fn same_key_with_a_different_body_is_a_conflict() {
    let (store, _dir) = store("conflict");
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
    let (store, _dir) = store("in_progress");
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
    let (store, _dir) = store("takeover");
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
    let err = store.ignore(&stale, T0 + 40_000).unwrap_err();
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
    let (store, _dir) = store("complete_twice");
    let (token, _) = acquire(&store, "evt_1", T0);
    store.complete(&token, None, T0).unwrap();
    assert!(matches!(
        store.complete(&token, None, T0),
        Err(StoreError::StaleToken { .. })
    ));
}

#[test]
fn completing_an_unknown_key_is_not_found() {
    let (store, _dir) = store("unknown_key");
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

#[test]
fn failures_retry_with_backoff_then_dead_letter() {
    let (store, _dir) = store("retry_dead");
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
    assert_eq!(record.last_retry_at, Some(T0 + 3_000));
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
    let (store, _dir) = store("permanent");
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
    let (store, _dir) = store("requeue");
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
fn requeue_of_a_live_or_missing_record_is_refused() {
    let (store, _dir) = store("requeue_live");
    acquire(&store, "evt_1", T0);
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

#[test]
fn due_for_retry_orders_by_due_time_then_key_and_honours_the_limit() {
    let store = SqliteStore::open_with(":memory:", policy()).unwrap();
    for (key, fail_at) in [("c", T0), ("a", T0 + 500), ("b", T0), ("d", T0 + 10)] {
        let (token, _) = acquire(&store, key, fail_at);
        store.fail(&token, "x", true, fail_at).unwrap();
    }
    let due: Vec<String> = store
        .due_for_retry(T0 + 10_000, 10)
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(due, ["b", "c", "d", "a"]);
    assert_eq!(store.due_for_retry(T0 + 10_000, 2).unwrap().len(), 2);
    assert!(store.due_for_retry(T0 + 10_000, 0).unwrap().is_empty());
    assert_eq!(store.due_for_retry(T0 + 1_000, 10).unwrap().len(), 2);
}

#[test]
fn empty_and_huge_keys_are_rejected() {
    let store = SqliteStore::in_memory().unwrap();
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

#[test]
fn a_clock_that_goes_backwards_never_yields_negative_durations() {
    let (store, _dir) = store("clock_backwards");
    let (token, _) = acquire(&store, "evt_1", T0);
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

#[test]
fn extreme_times_round_trip() {
    let store = SqliteStore::in_memory().unwrap();
    let (token, _) = acquire(&store, "evt_min", UnixMillis::MIN);
    store.complete(&token, None, UnixMillis::MAX).unwrap();
    let record = store.get("evt_min").unwrap().unwrap();
    assert_eq!(record.created_at, UnixMillis::MIN);
    assert_eq!(record.processed_at, Some(UnixMillis::MAX));
    let (_, _) = acquire(&store, "evt_max", UnixMillis::MAX);
    assert_eq!(
        store.get("evt_max").unwrap().unwrap().lease_expires_at,
        Some(UnixMillis::MAX)
    );
}

#[test]
fn list_filters_and_pages_without_gaps_or_repeats() {
    let (store, _dir) = store("list_pages");
    // Three records share each creation time, so pages must break ties by key.
    for i in 0..25 {
        let key = format!("evt_{i:02}");
        let (token, _) = acquire(&store, &key, T0 + i / 3);
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
        .map(|r| r.key)
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

#[test]
fn list_pages_match_the_memory_store() {
    let sqlite = SqliteStore::open_with(":memory:", policy()).unwrap();
    let memory = MemoryStore::with_retry_policy(policy());
    let types = ["invoice.paid", "charge.refunded", "customer.created"];
    // A fixed pseudo-random mix of times (with collisions), types and outcomes.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..300 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let key = format!("k{:03}", (x % 1_000) as u32 * 7 % 1_000 + i);
        let now = T0 + (x % 40) as i64;
        let event_type = types[(x % 3) as usize];
        let req = ClaimRequest::new(&key, event_type, b"b", now);
        let (a, b) = (sqlite.claim(&req).unwrap(), memory.claim(&req).unwrap());
        assert_eq!(a, b);
        if let Claim::Acquired { token, .. } = a {
            let stores: [&dyn IdempotencyStore; 2] = [&sqlite, &memory];
            for store in stores {
                match x % 4 {
                    0 => store.complete(&token, None, now + 1).unwrap(),
                    1 => {
                        store.fail(&token, "e", x % 8 == 1, now + 1).unwrap();
                    }
                    2 => store.ignore(&token, now + 1).unwrap(),
                    _ => {}
                }
            }
        }
    }
    let mut filters = vec![Filter::default()];
    for status in Status::ALL {
        filters.push(Filter {
            status: Some(status),
            limit: 7,
            ..Filter::default()
        });
    }
    for event_type in types {
        filters.push(Filter {
            event_type: Some(event_type.into()),
            since: Some(T0 + 5),
            until: Some(T0 + 30),
            limit: 3,
            ..Filter::default()
        });
    }
    for mut filter in filters {
        loop {
            let (a, b) = (sqlite.list(&filter).unwrap(), memory.list(&filter).unwrap());
            assert_eq!(a, b, "{filter:?}");
            match a.next_cursor {
                Some(cursor) => filter.cursor = Some(cursor),
                None => break,
            }
        }
    }
    assert_eq!(
        sqlite.stats(Window::ALL).unwrap(),
        memory.stats(Window::ALL).unwrap()
    );
    assert_eq!(
        sqlite.due_for_retry(T0 + 1_000_000, 1_000).unwrap(),
        memory.due_for_retry(T0 + 1_000_000, 1_000).unwrap()
    );
}

#[test]
fn list_rejects_a_bad_cursor_and_limit() {
    let store = SqliteStore::in_memory().unwrap();
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

#[test]
fn stats_count_statuses_types_and_processing_times() {
    let (store, _dir) = store("stats");
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
    let (store, _dir) = store("purge");
    let (done, _) = acquire(&store, "done", T0);
    store.complete(&done, None, T0).unwrap();
    let (dead, _) = acquire(&store, "failed", T0);
    store.fail(&dead, "x", false, T0).unwrap();
    acquire(&store, "working", T0);
    let (retry, _) = acquire(&store, "retrying", T0);
    store.fail(&retry, "x", true, T0).unwrap();
    let (fresh, _) = acquire(&store, "fresh", T0 + 10);
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

#[test]
fn records_survive_closing_and_reopening() {
    let dir = TempDir::new("reopen");
    let (token, before) = {
        let store = SqliteStore::open_with(dir.db(), policy()).unwrap();
        let (done, _) = acquire(&store, "done", T0);
        store
            .complete(&done, Some(json!({"id": "in_1"})), T0 + 3)
            .unwrap();
        let (retry, _) = acquire(&store, "retrying", T0);
        store.fail(&retry, "timeout", true, T0).unwrap();
        let (held, _) = acquire(&store, "held", T0);
        (held, store.list(&Filter::default()).unwrap())
    };
    let store = SqliteStore::open_with(dir.db(), policy()).unwrap();
    assert_eq!(store.list(&Filter::default()).unwrap(), before);
    // The lease held before closing is still the live one.
    store.complete(&token, None, T0 + 5).unwrap();
    assert_eq!(
        store.get("held").unwrap().unwrap().status,
        Status::Processed
    );
}

#[test]
fn the_file_uses_wal_a_versioned_schema_and_indexes() {
    let (store, dir) = store("schema");
    drop(store);
    let conn = raw(&dir.db());
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let versions: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, [1]);
    let indexed: Vec<String> = conn
        .prepare(
            "SELECT group_concat(ii.name, ',') FROM sqlite_schema AS s, pragma_index_info(s.name) AS ii \
             WHERE s.type = 'index' AND s.tbl_name = 'idempotency_records' AND s.sql IS NOT NULL \
             GROUP BY s.name ORDER BY s.name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        indexed,
        [
            "created_at,key",
            "event_type,status",
            "status,next_retry_at"
        ]
    );
    // Reopening an up-to-date file adds no migration.
    drop(SqliteStore::open(dir.db()).unwrap());
    let count: i64 = conn
        .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn a_file_that_is_not_a_database_is_corrupt_and_left_untouched() {
    let dir = TempDir::new("garbage");
    let mut x: u32 = 7;
    let garbage: Vec<u8> = (0..8192)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect();
    for (name, bytes) in [
        ("random.db", garbage),
        ("text.db", b"hello, world\n".repeat(50)),
    ] {
        let path = dir.0.join(name);
        std::fs::write(&path, &bytes).unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
        let StoreError::Corrupt(message) = &err else {
            panic!("expected Corrupt for {name}, got {err:?}");
        };
        assert!(
            message.contains("not a readable SQLite database"),
            "{message}"
        );
        assert!(
            message.contains(name),
            "the message names the file: {message}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name} was modified");
    }
}

#[test]
fn a_schema_from_a_newer_version_is_refused_untouched() {
    let dir = TempDir::new("newer_schema");
    drop(SqliteStore::open(dir.db()).unwrap());
    {
        let conn = raw(&dir.db());
        conn.execute(
            "INSERT INTO schema_migrations (version, description) VALUES (2, 'from the future')",
            [],
        )
        .unwrap();
    }
    let bytes = std::fs::read(dir.db()).unwrap();
    let err = SqliteStore::open(dir.db()).unwrap_err();
    let StoreError::Corrupt(message) = &err else {
        panic!("expected Corrupt, got {err:?}");
    };
    assert!(
        message.contains("schema version 2") && message.contains("newer"),
        "{message}"
    );
    assert_eq!(std::fs::read(dir.db()).unwrap(), bytes);
}

#[test]
fn a_damaged_row_reads_as_corrupt_instead_of_panicking() {
    let (store, dir) = store("damaged_row");
    acquire(&store, "evt_1", T0);
    raw(&dir.db())
        .execute("UPDATE idempotency_records SET result = '{not json'", [])
        .unwrap();
    assert!(matches!(store.get("evt_1"), Err(StoreError::Corrupt(_))));
    assert!(matches!(
        store.list(&Filter::default()),
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        store.claim(&request("evt_1", b"body", T0)),
        Err(StoreError::Corrupt(_))
    ));
}

#[test]
fn an_unopenable_path_is_a_backend_error() {
    let dir = TempDir::new("unopenable");
    let err = SqliteStore::open(dir.0.join("missing-dir").join("events.db")).unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
}

#[test]
fn threads_and_stores_sharing_a_file_acquire_each_key_once() {
    let dir = TempDir::new("threads");
    let shared = Arc::new(SqliteStore::open(dir.db()).unwrap());
    let acquired: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                // Two threads share one store; two others each open their own on the same file.
                let own = (worker >= 2).then(|| SqliteStore::open(dir.db()).unwrap());
                let shared = Arc::clone(&shared);
                scope.spawn(move || {
                    let store: &SqliteStore = own.as_ref().unwrap_or(&shared);
                    let mut won = 0;
                    for i in 0..200 {
                        let key = format!("evt_{}", (i * 7 + worker * 50) % 200);
                        if let Claim::Acquired { token, .. } =
                            store.claim(&request(&key, b"body", T0)).unwrap()
                        {
                            store.complete(&token, None, T0).unwrap();
                            won += 1;
                        }
                    }
                    won
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(acquired, 200);
    let stats = shared.stats(Window::ALL).unwrap();
    assert_eq!(stats.by_status[&Status::Processed], 200);
}
