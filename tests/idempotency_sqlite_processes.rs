//! `SqliteStore` shared by several processes on one file, and a process killed mid-run.
//!
//! The child processes are this test binary run again with `COG_SQLITE_CHILD` set: it then runs
//! only [`child_process_entry_point`], which does the work that variable describes and reports
//! on stdout, one line per event, each printed after the store call it reports returned.
#![cfg(feature = "sqlite")]

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

mod common;

use cognition_core::idempotency::*;
use common::TempDir;
use serde_json::json;

const CHILD_ENV: &str = "COG_SQLITE_CHILD";
const T0: UnixMillis = 1_700_000_000_000;
const RACE_KEYS: usize = 2_000;

/// Run this binary's [`child_process_entry_point`] as `<mode> <worker> <path>`.
fn spawn_child(mode: &str, worker: usize, path: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "child_process_entry_point",
            "--exact",
            "--nocapture",
            "--test-threads=1",
            "--quiet",
        ])
        .env(CHILD_ENV, format!("{mode} {worker} {}", path.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Not a behaviour of its own: the body of the child processes the tests below start. Without
/// `COG_SQLITE_CHILD` it returns at once.
#[test]
fn child_process_entry_point() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.splitn(3, ' ');
    let (mode, worker, path) = (
        parts.next().unwrap(),
        parts.next().unwrap().parse::<usize>().unwrap(),
        parts.next().unwrap(),
    );
    let store = SqliteStore::open(path).unwrap();
    match mode {
        "race" => race(&store, worker),
        "until_killed" => until_killed(&store),
        other => panic!("unknown child mode {other}"),
    }
}

/// Claim and complete every race key, in an order of this worker's own.
fn race(store: &SqliteStore, worker: usize) {
    let mut keys: Vec<String> = (0..RACE_KEYS).map(|i| format!("evt_{i:05}")).collect();
    let mut x = 0x9e37_79b9_7f4a_7c15_u64 ^ (worker as u64 + 1).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    for i in (1..keys.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        keys.swap(i, (x % (i as u64 + 1)) as usize);
    }
    for key in &keys {
        let request = ClaimRequest {
            lease_millis: 600_000,
            ..ClaimRequest::new(key, "invoice.paid", b"body", T0)
        };
        match store.claim(&request).unwrap() {
            Claim::Acquired { token, attempt } => {
                assert_eq!(attempt, 1);
                store
                    .complete(&token, Some(json!({ "worker": worker })), T0 + 1)
                    .unwrap();
                println!("ACQUIRED {key}");
            }
            Claim::AlreadyDone { .. } | Claim::InProgress { .. } => {}
            other => panic!("unexpected claim of {key}: {other:?}"),
        }
    }
}

/// Claim key after key; complete two in three and keep holding the third, reporting each.
fn until_killed(store: &SqliteStore) {
    for i in 0..1_000_000 {
        let key = format!("k{i:07}");
        let request = ClaimRequest::new(&key, "invoice.paid", b"body", T0);
        let Claim::Acquired { token, .. } = store.claim(&request).unwrap() else {
            panic!("{key} was not free");
        };
        if i % 3 == 0 {
            println!("HELD {key}");
        } else {
            store.complete(&token, Some(json!(i)), T0 + 1).unwrap();
            println!("COMPLETED {key}");
        }
    }
}

/// Whole lines of a child's stdout, split into (tag, key).
fn reports(output: &[u8]) -> Vec<(String, String)> {
    output
        .split_inclusive(|b| *b == b'\n')
        .filter(|line| line.ends_with(b"\n"))
        .filter_map(|line| {
            let line = std::str::from_utf8(line).ok()?.trim_end();
            let (tag, key) = line.split_once(' ')?;
            matches!(tag, "ACQUIRED" | "HELD" | "COMPLETED")
                .then(|| (tag.to_owned(), key.to_owned()))
        })
        .collect()
}

#[test]
fn four_processes_racing_over_the_same_keys_process_each_exactly_once() {
    let dir = TempDir::new("idempotency_sqlite_processes-race");
    let path = dir.0.join("events.db");
    // The children also race to create the file and its schema.
    let children: Vec<Child> = (0..4).map(|w| spawn_child("race", w, &path)).collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|child| std::thread::spawn(move || child.wait_with_output().unwrap()))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();

    let mut winner: HashMap<String, usize> = HashMap::new();
    for (worker, output) in outputs.iter().enumerate() {
        assert!(output.status.success(), "worker {worker} failed");
        for (_, key) in reports(&output.stdout) {
            if let Some(other) = winner.insert(key.clone(), worker) {
                panic!("{key} acquired by workers {other} and {worker}");
            }
        }
    }
    assert_eq!(winner.len(), RACE_KEYS, "every key acquired by someone");
    assert!(
        winner.values().collect::<HashSet<_>>().len() > 1,
        "the work was shared"
    );

    let store = SqliteStore::open(&path).unwrap();
    let mut filter = Filter {
        limit: MAX_PAGE_SIZE,
        ..Filter::default()
    };
    let mut seen = 0;
    loop {
        let page = store.list(&filter).unwrap();
        for record in &page.records {
            assert_eq!(record.status, Status::Processed, "{}", record.key);
            assert_eq!(record.attempts, 1, "{}", record.key);
            assert_eq!(
                record.result,
                Some(json!({ "worker": winner[&*record.key] })),
                "{} completed by the worker that acquired it",
                record.key
            );
            seen += 1;
        }
        match page.next_cursor {
            Some(cursor) => filter.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen, RACE_KEYS);
}

#[test]
fn a_process_killed_mid_run_loses_nothing_it_reported_and_its_leases_expire() {
    let dir = TempDir::new("idempotency_sqlite_processes-kill");
    let path = dir.0.join("events.db");
    drop(SqliteStore::open(&path).unwrap());
    let mut child = spawn_child("until_killed", 0, &path);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (mut output, mut line, mut completed) = (Vec::new(), Vec::new(), 0);
    while completed < 300 {
        line.clear();
        let read = stdout.read_until(b'\n', &mut line).unwrap();
        assert!(read > 0, "the child stopped before it was killed");
        completed += usize::from(line.starts_with(b"COMPLETED "));
        output.extend_from_slice(&line);
    }
    // SIGKILL on unix: no destructor, no rollback, no flush runs in the child.
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
    std::io::Read::read_to_end(&mut stdout, &mut output).unwrap();

    let integrity: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");

    let store = SqliteStore::open(&path).unwrap();
    let reports = reports(&output);
    assert!(reports.iter().filter(|(tag, _)| tag == "COMPLETED").count() >= 300);
    // Besides the leases it reported, the child can hold at most the one it was killed claiming.
    let held: HashSet<&str> = reports
        .iter()
        .filter(|(tag, _)| tag == "HELD")
        .map(|(_, key)| key.as_str())
        .collect();
    let processing = store
        .list(&Filter {
            status: Some(Status::Processing),
            limit: MAX_PAGE_SIZE,
            ..Filter::default()
        })
        .unwrap();
    assert!(processing.next_cursor.is_none());
    let unreported = processing
        .records
        .iter()
        .filter(|r| !held.contains(&*r.key))
        .count();
    assert!(unreported <= 1, "{unreported} unreported leases");

    let later = T0 + 10 * 365 * 86_400_000;
    for (tag, key) in &reports {
        match tag.as_str() {
            "COMPLETED" => {
                let record = store.get(key).unwrap().unwrap();
                assert_eq!(record.status, Status::Processed, "{key}");
            }
            "HELD" => {
                let claim = store
                    .claim(&ClaimRequest::new(key, "invoice.paid", b"body", later))
                    .unwrap();
                let Claim::Acquired { attempt, .. } = claim else {
                    panic!("{key}: expected a takeover, got {claim:?}");
                };
                assert_eq!(attempt, 2, "{key}");
            }
            other => panic!("unexpected report {other}"),
        }
    }
}
