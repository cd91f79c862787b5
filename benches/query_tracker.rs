//! `QueryTracker::record()` throughput on a realistic statement mix, from 1 thread and from 2
//! threads sharing one tracker (issue #7: "record() throughput from 2 threads").
//!
//! Each iteration records the whole mix once per thread; throughput is reported as records per
//! second over all threads. Every record pays the full fingerprint (normalise + SHA-256), then one
//! shard lock and one statistics update; the 2-thread case shares one tracker, so threads contend
//! whenever they hit the same shard.

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use cognition_core::query::tracker::{QueryTracker, TrackerConfig};

/// (statement, duration ms, rows examined, rows returned, cache hit)
const MIX: &[(&str, f64, u64, u64, Option<bool>)] = &[
    ("SELECT id, email, created_at FROM users WHERE id = 42", 0.4, 1, 1, None),
    ("SELECT * FROM orders WHERE customer_id = $1 AND status = 'paid' ORDER BY created_at DESC LIMIT 20", 3.2, 400, 20, None),
    ("select o.id, c.name from orders o join customers c on c.id = o.customer_id where o.total > 100.50", 12.0, 5_000, 120, None),
    ("SELECT count(*) FROM events WHERE tenant_id = ? AND created_at >= '2024-01-01'", 45.0, 90_000, 1, Some(false)),
    ("SELECT name FROM products WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8)", 0.8, 8, 8, Some(true)),
    ("INSERT INTO audit_log (user_id, action, payload) VALUES (7, 'login', '{\"ip\":\"10.0.0.1\"}')", 1.1, 0, 0, None),
    ("UPDATE sessions SET last_seen = NOW(), hits = hits + 1 WHERE token = 'a8f5f167f44f4964e6c998dee827110c'", 0.9, 1, 1, None),
    ("DELETE FROM cart_items WHERE cart_id = :cart AND sku = :sku", 0.7, 3, 0, None),
    ("/* app:web */ SELECT u.id FROM users u WHERE u.email = %(email)s LIMIT 1", 0.5, 1, 1, None),
    ("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", 0.6, 0, 0, None),
];

fn record_mix(tracker: &QueryTracker, now: i64) {
    for (sql, ms, examined, returned, hit) in MIX {
        let _ = black_box(tracker.record(sql, *ms, *examined, *returned, *hit, now));
    }
}

/// Time `iters` rounds of the mix on each of `threads` threads sharing one tracker.
fn run_threads(tracker: &Arc<QueryTracker>, threads: usize, iters: u64) -> Duration {
    let barrier = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let tracker = Arc::clone(tracker);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                for i in 0..iters {
                    record_mix(&tracker, (t as i64) << 32 | i as i64);
                }
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    for h in handles {
        let _ = h.join();
    }
    start.elapsed()
}

fn record_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("query_tracker_record");
    for threads in [1usize, 2] {
        group.throughput(Throughput::Elements((MIX.len() * threads) as u64));
        let tracker = Arc::new(QueryTracker::new(TrackerConfig::default()));
        group.bench_function(format!("mix10_{threads}_thread"), |b| {
            if threads == 1 {
                let mut now = 0i64;
                b.iter(|| {
                    now += 1;
                    record_mix(&tracker, now);
                });
            } else {
                b.iter_custom(|iters| run_threads(&tracker, threads, iters));
            }
        });
    }
    group.finish();
}

criterion_group!(benches, record_throughput);
criterion_main!(benches);
