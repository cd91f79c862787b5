//! The bundled demo sample loads cleanly, equals the seeded generator's output (so the Rust and
//! Python benchmarks see the same data), and produces a full report.

use chrono::NaiveDate;
use cognition_core::revenue::{Currency, FxTable, LedgerConfig, RevenueLedger};

#[path = "../benches/support/revenue_data.rs"]
mod revenue_data;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/samples/revenue/subscriptions.csv"
);
const FX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/samples/revenue/fx.csv");

fn sample_ledger() -> RevenueLedger {
    let fx = FxTable::from_csv(Currency::USD, std::fs::File::open(FX).unwrap()).unwrap();
    let mut ledger = RevenueLedger::with_config(LedgerConfig {
        fx: Some(fx),
        ..LedgerConfig::default()
    });
    ledger
        .load_csv(std::fs::File::open(SAMPLE).unwrap())
        .unwrap();
    ledger
}

#[test]
fn the_sample_is_exactly_what_the_generator_produces() {
    let ledger = sample_ledger();
    let generated = revenue_data::generate(3000, 42);
    assert_eq!(ledger.len(), generated.len());
    for sub in &generated {
        assert_eq!(
            ledger.get(&sub.id),
            Some(std::slice::from_ref(sub)),
            "{}",
            sub.id
        );
    }
}

#[test]
fn the_sample_report_has_revenue_in_every_section() {
    let report = sample_ledger()
        .report(NaiveDate::from_ymd_opt(2024, 12, 31).unwrap())
        .unwrap();
    assert!(report.snapshot.mrr.amount > rust_decimal::Decimal::ZERO);
    assert_eq!(report.snapshot.by_currency.len(), 6);
    assert_eq!(report.movements.reporting.months.len(), 12);
    assert!(!report.cohorts.cohorts.is_empty());
    assert_eq!(report.forecast.points.len(), 12);
    assert!(report.by_tier.rows.iter().any(|r| r.key == "ENTERPRISE"));
}
