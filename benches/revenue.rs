//! Revenue analytics on 1,000,000 generated subscriptions: MRR as of a day, 24 months of
//! movements, monthly cohorts, and building the index (first query after a change).
//!
//! The generator (`benches/support/revenue_data.rs`) mirrors `data/samples/revenue/generate.py`
//! exactly, so `generate.py --count 1000000` writes the same subscriptions for the Python peers
//! (pandas, polars).

use std::hint::black_box;

use chrono::NaiveDate;
use cognition_core::revenue::{CohortPeriod, Currency, FxTable, LedgerConfig, RevenueLedger};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rust_decimal::Decimal;

#[path = "support/revenue_data.rs"]
mod revenue_data;
use revenue_data::generate;

fn fx() -> FxTable {
    let rate = |s: &str| s.parse::<Decimal>().unwrap();
    FxTable::new(Currency::USD)
        .with_rate(Currency::EUR, rate("1.0853"))
        .unwrap()
        .with_rate(Currency::GBP, rate("1.2674"))
        .unwrap()
        .with_rate(Currency::JPY, rate("0.006712"))
        .unwrap()
        .with_rate(Currency::parse("KWD").unwrap(), rate("3.2543"))
        .unwrap()
        .with_rate(Currency::parse("CAD").unwrap(), rate("0.7391"))
        .unwrap()
}

fn bench_revenue(c: &mut Criterion) {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mut ledger = RevenueLedger::with_config(LedgerConfig {
        fx: Some(fx()),
        ..LedgerConfig::default()
    });
    ledger.extend(generate(1_000_000, 42)).unwrap();
    let as_of = day(2024, 12, 31);
    ledger.mrr(as_of).unwrap(); // build the index once

    let mut group = c.benchmark_group("revenue_1m");
    group.sample_size(10);
    group.bench_function("index_build_then_mrr", |b| {
        // The ledger is returned so that dropping its million strings stays out of the timing.
        b.iter_batched(
            || ledger.clone(),
            |fresh| {
                black_box(fresh.mrr(as_of).unwrap());
                fresh
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("mrr_as_of", |b| {
        b.iter(|| black_box(ledger.mrr(black_box(as_of)).unwrap()))
    });
    group.bench_function("movements_24_months_usd", |b| {
        b.iter(|| {
            black_box(
                ledger
                    .movements_in(Currency::USD, day(2023, 1, 1), as_of)
                    .unwrap(),
            )
        })
    });
    group.bench_function("movements_24_months_all_currencies", |b| {
        b.iter(|| black_box(ledger.movements(day(2023, 1, 1), as_of).unwrap()))
    });
    group.bench_function("cohorts_monthly", |b| {
        b.iter(|| black_box(ledger.cohorts(CohortPeriod::Month, as_of).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench_revenue);
criterion_main!(benches);
