//! The idempotency state machine through `SqliteStore` (feature `sqlite`): the memory store's
//! behaviours on a WAL file, plus what only a file has — reopening, corrupt files, schema versions.
#![cfg(feature = "sqlite")]

use std::path::Path;
use std::sync::Arc;

mod common;

use cognition_core::idempotency::*;
use common::TempDir;
use serde_json::json;

const T0: UnixMillis = 1_700_000_000_000;

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .unwrap()
        .jitter(false)
}

/// A store on a WAL file (the directory lives as long as the returned guard).
fn store(name: &str) -> (SqliteStore, TempDir) {
    let dir = TempDir::new(&format!("idempotency_sqlite-{name}"));
    let store = SqliteStore::open_with(dir.file("events.db"), policy()).unwrap();
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
fn records_survive_closing_and_reopening() {
    let dir = TempDir::new("reopen");
    let (token, before) = {
        let store = SqliteStore::open_with(dir.file("events.db"), policy()).unwrap();
        let (done, _) = acquire(&store, "done", T0);
        store
            .complete(&done, Some(json!({"id": "in_1"})), T0 + 3)
            .unwrap();
        let (retry, _) = acquire(&store, "retrying", T0);
        store.fail(&retry, "timeout", true, T0).unwrap();
        let (held, _) = acquire(&store, "held", T0);
        (held, store.list(&Filter::default()).unwrap())
    };
    let store = SqliteStore::open_with(dir.file("events.db"), policy()).unwrap();
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
    let conn = raw(&dir.file("events.db"));
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
    assert_eq!(versions, [1, 2]);
    let indexed: Vec<String> = conn
        .prepare(
            "SELECT group_concat(ii.name, ',') FROM sqlite_schema AS s, pragma_index_info(s.name) AS ii \
             WHERE s.type = 'index' AND s.tbl_name = 'idempotency_records' AND s.sql IS NOT NULL \
             GROUP BY s.name ORDER BY group_concat(ii.name, ',')",
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
    drop(SqliteStore::open(dir.file("events.db")).unwrap());
    let count: i64 = conn
        .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 2);
}

#[test]
fn the_retry_index_is_partial_and_retries_are_still_found() {
    let (store, dir) = store("partial_index");
    let (done, _) = acquire(&store, "evt_done", T0);
    store.complete(&done, None, T0 + 1).unwrap();
    acquire(&store, "evt_held", T0);
    let (failing, _) = acquire(&store, "evt_retry", T0);
    store.fail(&failing, "busy", true, T0 + 1).unwrap();
    // Only `retrying` and `pending` rows are in the index, so claims and completions skip it.
    let partial: Vec<(String, bool)> = raw(&dir.file("events.db"))
        .prepare("SELECT name, partial FROM pragma_index_list('idempotency_records') ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        partial.contains(&("idempotency_records_retry_due".into(), true)),
        "{partial:?}"
    );
    assert_eq!(partial.iter().filter(|(_, p)| *p).count(), 1, "{partial:?}");
    let due = store.due_for_retry(UnixMillis::MAX, 10).unwrap();
    assert_eq!(
        due.iter().map(|r| &*r.key).collect::<Vec<_>>(),
        ["evt_retry"]
    );
}

/// What version 1 of the store wrote: its schema and two records, a processed one and one
/// waiting for a retry.
const VERSION_1_FILE: &str = "
CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL);
CREATE TABLE idempotency_records (
    key TEXT NOT NULL PRIMARY KEY, event_type TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN
        ('pending', 'processing', 'processed', 'failed', 'retrying', 'dead', 'ignored')),
    fingerprint BLOB NOT NULL CHECK (length(fingerprint) = 32), payload BLOB, result TEXT,
    last_error TEXT, created_at INTEGER NOT NULL, started_at INTEGER, processed_at INTEGER,
    failed_at INTEGER, last_retry_at INTEGER, next_retry_at INTEGER,
    attempts INTEGER NOT NULL CHECK (attempts >= 0),
    lease_generation INTEGER NOT NULL CHECK (lease_generation >= 0), lease_expires_at INTEGER
) STRICT;
CREATE INDEX idempotency_records_status_next_retry ON idempotency_records (status, next_retry_at);
CREATE INDEX idempotency_records_event_type_status ON idempotency_records (event_type, status);
CREATE INDEX idempotency_records_created_at ON idempotency_records (created_at, key);
INSERT INTO schema_migrations VALUES (1, 'idempotency_records with status, event type and creation indexes');
INSERT INTO idempotency_records VALUES ('evt_done', 'invoice.paid', 'processed', zeroblob(32),
    x'7b7d', '{\"ok\":1}', NULL, 1000, 1000, 1050, NULL, NULL, NULL, 1, 1, NULL);
INSERT INTO idempotency_records VALUES ('evt_retry', 'invoice.paid', 'retrying', zeroblob(32),
    x'7b7d', NULL, 'busy', 1000, 1000, NULL, 1010, NULL, 5000, 1, 1, NULL);
";

#[test]
fn a_version_1_file_is_upgraded_in_place_keeping_its_records() {
    let dir = TempDir::new("upgrade_v1");
    let path = dir.file("events.db");
    raw(&path).execute_batch(VERSION_1_FILE).unwrap();

    let store = SqliteStore::open_with(&path, policy()).unwrap();
    let conn = raw(&path);
    let versions: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, [1, 2]);
    let indexes: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name = 'idempotency_records' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        indexes,
        [
            "idempotency_records_created_at",
            "idempotency_records_event_type_status",
            "idempotency_records_retry_due"
        ]
    );
    let record = store.get("evt_done").unwrap().unwrap();
    assert_eq!(
        (record.status, record.result, record.payload),
        (
            Status::Processed,
            Some(json!({"ok": 1})),
            Some(b"{}".to_vec())
        )
    );
    let due = store.due_for_retry(5_000, 10).unwrap();
    assert_eq!(
        due.iter().map(|r| &*r.key).collect::<Vec<_>>(),
        ["evt_retry"]
    );
    assert!(store.due_for_retry(4_999, 10).unwrap().is_empty());
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
    drop(SqliteStore::open(dir.file("events.db")).unwrap());
    {
        let conn = raw(&dir.file("events.db"));
        conn.execute(
            "INSERT INTO schema_migrations (version, description) VALUES (3, 'from the future')",
            [],
        )
        .unwrap();
    }
    let bytes = std::fs::read(dir.file("events.db")).unwrap();
    let err = SqliteStore::open(dir.file("events.db")).unwrap_err();
    let StoreError::Corrupt(message) = &err else {
        panic!("expected Corrupt, got {err:?}");
    };
    assert!(
        message.contains("schema version 3") && message.contains("newer"),
        "{message}"
    );
    assert_eq!(std::fs::read(dir.file("events.db")).unwrap(), bytes);
}

#[test]
fn a_damaged_row_reads_as_corrupt_instead_of_panicking() {
    let (store, dir) = store("damaged_row");
    acquire(&store, "evt_1", T0);
    raw(&dir.file("events.db"))
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
    let shared = Arc::new(SqliteStore::open(dir.file("events.db")).unwrap());
    let acquired: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                // Two threads share one store; two others each open their own on the same file.
                let own = (worker >= 2).then(|| SqliteStore::open(dir.file("events.db")).unwrap());
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
