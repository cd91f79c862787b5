//! Fingerprinting throughput on a realistic mix of short statements (ORM-style selects, joins,
//! IN lists, inserts, updates, deletes).
//!
//! Target (issue #7): at least 1,000,000 short statements per second on one core.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

use cognition_core::query;

const MIX: &[&str] = &[
    "SELECT id, email, created_at FROM users WHERE id = 42",
    "SELECT * FROM orders WHERE customer_id = $1 AND status = 'paid' ORDER BY created_at DESC LIMIT 20",
    "select o.id, c.name from orders o join customers c on c.id = o.customer_id where o.total > 100.50",
    "SELECT count(*) FROM events WHERE tenant_id = ? AND created_at >= '2024-01-01'",
    "SELECT name FROM products WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8)",
    "INSERT INTO audit_log (user_id, action, payload) VALUES (7, 'login', '{\"ip\":\"10.0.0.1\"}')",
    "UPDATE sessions SET last_seen = NOW(), hits = hits + 1 WHERE token = 'a8f5f167f44f4964e6c998dee827110c'",
    "DELETE FROM cart_items WHERE cart_id = :cart AND sku = :sku",
    "/* app:web */ SELECT u.id FROM users u WHERE u.email = %(email)s LIMIT 1",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')",
];

fn fingerprint_mix(c: &mut Criterion) {
    let mut group = c.benchmark_group("query_fingerprint");
    group.throughput(Throughput::Elements(MIX.len() as u64));
    group.bench_function("mix10", |b| {
        b.iter(|| {
            for sql in MIX {
                black_box(query::fingerprint(black_box(sql)));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("query_id");
    group.throughput(Throughput::Elements(MIX.len() as u64));
    group.bench_function("pt_query_id_mix10", |b| {
        b.iter(|| {
            for sql in MIX {
                black_box(query::query_id(black_box(sql)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, fingerprint_mix);
criterion_main!(benches);
