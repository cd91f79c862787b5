//! Validation throughput: lines per second at each level on a large real module
//! (`benches/data/_pydecimal.py`, CPython's 6,425-line pure-Python `decimal`).
//!
//! Target (issue #8): within 1.5x of Ruff's time for the equivalent rule selection; the STRICT
//! figure here is the per-core rate behind that comparison.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

use cognition_core::validation::{fix, validate, Level, ValidationConfig};

const SOURCE: &str = include_str!("data/_pydecimal.py");

fn levels(c: &mut Criterion) {
    let lines = SOURCE.lines().count() as u64;
    let mut group = c.benchmark_group("validation_pydecimal");
    group.throughput(Throughput::Elements(lines));
    for level in [Level::Basic, Level::Standard, Level::Strict] {
        let config = ValidationConfig::new(level);
        group.bench_function(level.name(), |b| {
            b.iter(|| black_box(validate(black_box(SOURCE), &config)))
        });
    }
    let config = ValidationConfig::new(Level::Standard);
    group.bench_function("fix", |b| {
        b.iter(|| black_box(fix(black_box(SOURCE), &config)))
    });
    group.finish();
}

criterion_group!(benches, levels);
criterion_main!(benches);
