use super::*;
use crate::query::fingerprint;

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

#[test]
fn efficiency_reproduces_the_issue_figures() {
    assert_eq!(round(efficiency(1000, 100, 50.0), 3), 0.067);
    assert_eq!(round(efficiency(100, 100, 10.0), 2), 0.91);
}

#[test]
fn efficiency_edge_cases_stay_in_unit_range() {
    assert_eq!(efficiency(0, 0, 0.0), 1.0);
    assert_eq!(efficiency(0, 5, 100.0), 0.5);
    assert_eq!(efficiency(10, 1000, 0.0), 1.0);
    assert_eq!(efficiency(10, 10, f64::NAN), 1.0);
    assert_eq!(efficiency(10, 10, -5.0), 1.0);
    assert_eq!(efficiency(10, 10, f64::INFINITY), 0.0);
    assert_eq!(efficiency(u64::MAX, u64::MAX, 0.0), 1.0);
}

#[test]
fn aggregate_keeps_exact_moments_and_approximates_percentiles() {
    let fp = fingerprint("select 1");
    let mut s = QueryStats::new(&fp);
    let agg = Aggregate::new("select 1", 100, 1000.0, 5)
        .min_max(1.0, 50.0)
        .stddev(2.0);
    s.record_aggregate(&agg, false).unwrap();
    assert_eq!(s.calls(), 100);
    assert_eq!(s.mean_ms(), 10.0);
    assert!((s.stddev_ms() - 2.0).abs() < 1e-12);
    assert!((s.p50_ms() - 10.0).abs() <= 0.1);
    assert_eq!(s.max_ms(), 50.0);
    assert_eq!(s.example_ms(), 50.0);
    assert_eq!(s.histogram_buckets().iter().map(|b| b.1).sum::<u64>(), 100);
}

#[test]
fn bad_aggregates_are_rejected_and_empty_ones_ignored() {
    let fp = fingerprint("select 1");
    let mut s = QueryStats::new(&fp);
    assert!(s
        .record_aggregate(&Aggregate::new("", 1, f64::NAN, 0), false)
        .is_err());
    assert!(s
        .record_aggregate(&Aggregate::new("", 2, 4.0, 0).min_max(3.0, 1.0), false)
        .is_err());
    s.record_aggregate(&Aggregate::new("", 0, 0.0, 0), false)
        .unwrap();
    assert_eq!(s.calls(), 0);
}

#[test]
fn long_examples_are_cut_at_a_char_boundary() {
    let sql = format!("select '{}'", "é".repeat(MAX_EXAMPLE_LEN));
    let fp = fingerprint(&sql);
    let mut s = QueryStats::new(&fp);
    s.record(&Sample::new(&sql, 1.0, 0), false).unwrap();
    assert!(s.example().len() <= MAX_EXAMPLE_LEN);
    assert!(sql.starts_with(s.example()));
}

#[test]
fn long_normalized_texts_are_cut_but_keep_the_full_texts_id() {
    let columns: Vec<String> = (0..5_000).map(|i| format!("col_é{i}")).collect();
    let sql = format!("select {} from t", columns.join(", "));
    let fp = fingerprint(&sql);
    assert!(fp.normalized.len() > MAX_NORMALIZED_LEN);
    let s = QueryStats::new(&fp);
    assert!(s.normalized().len() <= MAX_NORMALIZED_LEN);
    assert!(fp.normalized.starts_with(s.normalized()));
    assert_eq!(s.id(), fp.id);
}

#[test]
fn huge_durations_are_clamped_and_rows_saturate() {
    let fp = fingerprint("select 1");
    let mut s = QueryStats::new(&fp);
    s.record(&Sample::new("", 1e300, 0).rows(u64::MAX, u64::MAX), false)
        .unwrap();
    s.record(&Sample::new("", 1.0, 0).rows(5, 5), false)
        .unwrap();
    assert_eq!(s.max_ms(), MAX_DURATION_MS);
    assert_eq!(s.rows_examined(), u64::MAX);
    assert!(s.p99_ms() <= MAX_DURATION_MS);
}
