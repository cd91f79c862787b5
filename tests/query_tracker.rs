//! Query statistics and the tracker: the efficiency figures of issue #7, Welford and merging against
//! naive computation, grouping, eviction, the slow callback under concurrency, snapshots, reset and
//! bad input.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use cognition_core::query::fingerprint;
use cognition_core::query::stats::{efficiency, QueryStats, Sample, MAX_DURATION_MS};
use cognition_core::query::tracker::{QueryTracker, TrackerConfig, TrackerSnapshot};
use cognition_core::ErrorCode;
use proptest::prelude::*;

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn efficiency_of_1000_examined_100_returned_50ms_is_0_067() {
    assert_eq!(round(efficiency(1000, 100, 50.0), 3), 0.067);
}

#[test]
fn efficiency_of_100_examined_100_returned_10ms_is_0_91() {
    assert_eq!(round(efficiency(100, 100, 10.0), 2), 0.91);
}

#[test]
fn efficiency_with_nothing_examined_is_decided_by_time_alone() {
    assert_eq!(efficiency(0, 0, 100.0), 0.5);
    assert_eq!(efficiency(0, 7, 0.0), 1.0);
}

fn stats_of(durations: &[f64]) -> QueryStats {
    let fp = fingerprint("select 1");
    let mut s = QueryStats::new(&fp);
    for (i, d) in durations.iter().enumerate() {
        s.record(&Sample::new("select 1", *d, i as i64).rows(3, 1), false)
            .unwrap();
    }
    s
}

proptest! {
    #[test]
    fn welford_mean_and_stddev_match_the_naive_two_pass_figures(
        durations in prop::collection::vec(0.0f64..10_000.0, 1..300)
    ) {
        let s = stats_of(&durations);
        let n = durations.len() as f64;
        let mean = durations.iter().sum::<f64>() / n;
        let var = durations.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n;
        prop_assert_eq!(s.calls(), durations.len() as u64);
        prop_assert!(close(s.mean_ms(), mean), "mean {} vs {}", s.mean_ms(), mean);
        prop_assert!((s.stddev_ms() - var.sqrt()).abs() <= 1e-6 * var.sqrt().max(1.0));
        prop_assert_eq!(s.min_ms(), durations.iter().cloned().fold(f64::INFINITY, f64::min));
        prop_assert_eq!(s.max_ms(), durations.iter().cloned().fold(0.0, f64::max));
    }

    #[test]
    fn merged_stats_equal_the_stats_of_the_concatenated_stream(
        a in prop::collection::vec(0.0f64..5_000.0, 1..200),
        b in prop::collection::vec(0.0f64..5_000.0, 1..200),
    ) {
        let mut merged = stats_of(&a);
        merged.merge(&stats_of(&b)).unwrap();
        let whole = stats_of(&[a.clone(), b.clone()].concat());
        prop_assert_eq!(merged.calls(), whole.calls());
        prop_assert_eq!(merged.rows_examined(), whole.rows_examined());
        prop_assert_eq!(merged.min_ms(), whole.min_ms());
        prop_assert_eq!(merged.max_ms(), whole.max_ms());
        prop_assert!(close(merged.total_ms(), whole.total_ms()));
        prop_assert!(close(merged.mean_ms(), whole.mean_ms()));
        prop_assert!((merged.stddev_ms() - whole.stddev_ms()).abs() <= 1e-6 * whole.stddev_ms().max(1.0));
        prop_assert_eq!(merged.histogram_buckets(), whole.histogram_buckets());
        for q in [0.5, 0.95, 0.99] {
            prop_assert_eq!(merged.percentile_ms(q), whole.percentile_ms(q));
        }
    }
}

#[test]
fn whitespace_case_and_literal_variants_group_into_one_fingerprint() {
    let tracker = QueryTracker::default();
    for (i, sql) in [
        "SELECT * FROM users WHERE id = 1",
        "select *\n\tfrom USERS where id=2",
        "  SELECT  *  FROM users  WHERE id =   3 -- api",
    ]
    .iter()
    .enumerate()
    {
        tracker.record(sql, 1.0 + i as f64, 1, 1, None, 0).unwrap();
    }
    let stats = tracker.stats();
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].calls(), 3);
    assert_eq!(stats[0].normalized(), "select * from users where id = ?");
    assert_eq!(
        stats[0].example(),
        "  SELECT  *  FROM users  WHERE id =   3 -- api"
    );
}

#[test]
fn eviction_keeps_at_most_max_and_evicts_the_least_total_time() {
    let tracker = QueryTracker::new(TrackerConfig::default().max_fingerprints(3).shards(1));
    tracker
        .record("SELECT * FROM a", 30.0, 0, 0, None, 0)
        .unwrap();
    tracker
        .record("SELECT * FROM b", 5.0, 0, 0, None, 0)
        .unwrap();
    tracker
        .record("SELECT * FROM c", 20.0, 0, 0, None, 0)
        .unwrap();
    tracker
        .record("SELECT * FROM d", 1.0, 0, 0, None, 0)
        .unwrap();
    let names: Vec<String> = tracker
        .stats()
        .iter()
        .map(|s| s.normalized().to_owned())
        .collect();
    assert_eq!(
        names,
        ["select * from a", "select * from c", "select * from d"]
    );
    assert_eq!(tracker.evictions(), 1);
}

#[test]
fn sharded_eviction_never_exceeds_max_and_counts_every_eviction() {
    let tracker = QueryTracker::new(TrackerConfig::default().max_fingerprints(50));
    for i in 0..1_000 {
        let sql = format!("SELECT * FROM table_{i}");
        tracker.record(&sql, 1.0, 0, 0, None, 0).unwrap();
    }
    assert!(tracker.len() <= 50);
    assert_eq!(tracker.evictions() + tracker.len() as u64, 1_000);
}

#[test]
fn slow_callback_fires_exactly_once_from_two_threads() {
    let fired = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&fired);
    let tracker = Arc::new(QueryTracker::new(
        TrackerConfig::default()
            .slow_ms(100.0)
            .slow_min_calls(10)
            .on_slow(move |s| {
                assert!(s.is_slow() && s.calls() >= 10);
                counter.fetch_add(1, Ordering::SeqCst);
            }),
    ));
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let tracker = Arc::clone(&tracker);
            std::thread::spawn(move || {
                for i in 0..10_000 {
                    let sql = format!("SELECT * FROM orders WHERE id = {i}");
                    tracker.record(&sql, 150.0, 10, 1, None, t).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(fired.load(Ordering::SeqCst), 1);
    assert_eq!(tracker.stats()[0].calls(), 20_000);
    assert_eq!(tracker.slow_queries().len(), 1);
}

#[test]
fn slow_by_p95_threshold_when_mean_is_fast() {
    let tracker = QueryTracker::new(
        TrackerConfig::default()
            .slow_min_calls(20)
            .slow_p95_ms(Some(500.0)),
    );
    for i in 0..100 {
        let d = if i % 10 == 0 { 900.0 } else { 5.0 };
        tracker.record("SELECT 1", d, 0, 1, None, i).unwrap();
    }
    let s = &tracker.stats()[0];
    assert!(s.mean_ms() < 1000.0 && s.p95_ms() > 500.0);
    assert!(s.is_slow());
}

fn populated() -> QueryTracker {
    let tracker = QueryTracker::default();
    let mix = [
        "SELECT * FROM users WHERE id = 1",
        "SELECT count(*) FROM events WHERE tenant = 'x'",
        "UPDATE carts SET n = n + 1 WHERE id = 4",
        "SELECT a.x FROM a JOIN b ON a.id = b.a_id",
    ];
    for i in 0..400u64 {
        let sql = mix[(i % 4) as usize];
        let d = (i * 37 % 1000) as f64 / 7.0;
        let hit = [None, Some(true), Some(false)][(i % 3) as usize];
        tracker
            .record(sql, d, i * 3, i, hit, 1_700_000_000_000 + i as i64)
            .unwrap();
    }
    tracker
}

#[test]
fn snapshot_to_json_from_json_merged_into_an_empty_tracker_equals_the_original() {
    let original = populated();
    let json = original.snapshot().to_json();
    let restored = TrackerSnapshot::from_json(&json).unwrap();
    let copy = QueryTracker::default();
    copy.merge(&restored);
    let (a, b) = (original.stats(), copy.stats());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.id(), y.id());
        assert_eq!(x.normalized(), y.normalized());
        assert_eq!(x.kind(), y.kind());
        assert_eq!(x.calls(), y.calls());
        assert_eq!(
            (x.rows_examined(), x.rows_returned()),
            (y.rows_examined(), y.rows_returned())
        );
        assert_eq!(
            (x.cache_hits(), x.cache_misses()),
            (y.cache_hits(), y.cache_misses())
        );
        assert_eq!(
            (x.first_seen_ms(), x.last_seen_ms()),
            (y.first_seen_ms(), y.last_seen_ms())
        );
        assert_eq!(x.example(), y.example());
        assert_eq!(x.histogram_buckets(), y.histogram_buckets());
        assert_eq!(x.p95_ms(), y.p95_ms());
        for (f, g) in [
            (x.total_ms(), y.total_ms()),
            (x.min_ms(), y.min_ms()),
            (x.max_ms(), y.max_ms()),
            (x.mean_ms(), y.mean_ms()),
            (x.stddev_ms(), y.stddev_ms()),
        ] {
            assert!(close(f, g), "{f} vs {g}");
        }
    }
    assert_eq!(copy.snapshot().to_json(), json);
}

#[test]
fn malformed_json_is_an_invalid_argument_error_that_says_what_is_wrong() {
    let good = populated().snapshot().to_json();
    let cases = [
        ("not json", "malformed"),
        (r#"{"queries": []}"#, "version"),
        (
            r#"{"version": 99, "histogram_significant_digits": 2, "evictions": 0, "queries": []}"#,
            "unsupported version 99",
        ),
        (
            r#"{"version": 1, "evictions": 0, "queries": []}"#,
            "histogram_significant_digits",
        ),
        (
            &good.replacen("\"calls\":", "\"calls\":-", 1),
            "expected u64",
        ),
        (&good.replacen("\"kind\":\"", "\"kind\":\"X", 1), "kind"),
        (
            &good.replacen("\"min_ms\":", "\"min_ms\":1e9,\"x\":", 1),
            "min_ms",
        ),
        (&good[..good.len() / 2], "EOF"),
    ];
    for (json, needle) in cases {
        let err = TrackerSnapshot::from_json(json).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
}

#[test]
fn reset_forgets_every_fingerprint_and_eviction() {
    let tracker = QueryTracker::new(TrackerConfig::default().max_fingerprints(1));
    tracker.record("SELECT 1", 1.0, 0, 0, None, 0).unwrap();
    tracker
        .record("SELECT 2 FROM t", 1.0, 0, 0, None, 0)
        .unwrap();
    assert_eq!(tracker.evictions(), 1);
    tracker.reset();
    assert!(tracker.is_empty() && tracker.stats().is_empty());
    assert_eq!(tracker.evictions(), 0);
    tracker.record("SELECT 1", 1.0, 0, 0, None, 0).unwrap();
    assert_eq!(tracker.len(), 1);
}

#[test]
fn nan_infinite_and_negative_durations_are_rejected_and_huge_ones_clamped() {
    let tracker = QueryTracker::default();
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0] {
        let err = tracker.record("SELECT 1", bad, 0, 0, None, 0).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
    }
    assert!(tracker.is_empty());
    tracker.record("SELECT 1", -0.0, 0, 0, None, 0).unwrap();
    tracker
        .record("SELECT 1", 1e300, u64::MAX, u64::MAX, None, 0)
        .unwrap();
    tracker.record("SELECT 1", 1.0, 9, 9, None, 0).unwrap();
    let s = &tracker.stats()[0];
    assert_eq!(s.calls(), 3);
    assert_eq!(s.max_ms(), MAX_DURATION_MS);
    assert_eq!(s.rows_examined(), u64::MAX);
    assert!(s.efficiency().is_finite());
}

#[test]
fn masked_examples_hold_no_literals() {
    let tracker = QueryTracker::new(TrackerConfig::default().mask_examples(true));
    tracker
        .record(
            "SELECT * FROM users WHERE email = 'a@b.c'",
            9.0,
            1,
            1,
            None,
            0,
        )
        .unwrap();
    assert_eq!(
        tracker.stats()[0].example(),
        "select * from users where email = ?"
    );
}
