//! Claim + complete pairs on each store (issue #4 targets: ≥ 1,000,000/s on MemoryStore on one
//! thread, ≥ 20,000/s on SqliteStore with WAL and `synchronous=NORMAL`).
//!
//! Each pair is a first delivery: a fresh key claimed, then completed. Stores are refilled from
//! empty every 100,000 keys (outside the timed region), so the figures are per-operation costs at a
//! realistic table size rather than the cost of growing one map without bound.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cognition_core::idempotency::{
    Claim, ClaimRequest, Fingerprint, IdempotencyStore, MemoryStore, SqliteStore,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const T0: i64 = 1_700_000_000_000;
const KEYS_PER_STORE: u64 = 100_000;

fn claim_complete<S: IdempotencyStore>(store: &S, key: &str, fingerprint: Fingerprint) {
    let request = ClaimRequest {
        key,
        event_type: "invoice.paid",
        fingerprint,
        payload: None,
        now: T0,
        lease_millis: 30_000,
    };
    match store.claim(&request).expect("claim") {
        Claim::Acquired { token, .. } => store.complete(&token, None, T0 + 1).expect("complete"),
        other => panic!("unexpected {other:?}"),
    }
}

/// Time `iters` pairs on fresh keys, starting a new store every [`KEYS_PER_STORE`] keys.
fn timed_pairs<S: IdempotencyStore>(iters: u64, mut new_store: impl FnMut() -> S) -> Duration {
    let fingerprint = Fingerprint::of(b"{}");
    let keys: Vec<String> = (0..KEYS_PER_STORE)
        .map(|i| format!("evt_{i:012}"))
        .collect();
    let mut elapsed = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let store = new_store();
        let batch = (iters - done).min(KEYS_PER_STORE);
        let start = Instant::now();
        for key in &keys[..batch as usize] {
            claim_complete(black_box(&store), key, fingerprint);
        }
        elapsed += start.elapsed();
        done += batch;
    }
    elapsed
}

fn claim_complete_pairs(c: &mut Criterion) {
    let mut group = c.benchmark_group("idempotency_claim_complete");
    group.throughput(Throughput::Elements(1));
    group.bench_function("memory_store", |b| {
        b.iter_custom(|iters| timed_pairs(iters, MemoryStore::new))
    });

    let dir = std::env::temp_dir().join(format!("cognition-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut files = 0;
    group.bench_function("sqlite_store_wal_normal", |b| {
        b.iter_custom(|iters| {
            timed_pairs(iters, || {
                files += 1;
                SqliteStore::open(dir.join(format!("bench-{files}.db"))).expect("open")
            })
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, claim_complete_pairs);
criterion_main!(benches);
