//! The serialised form of [`QueryStats`]: written from a borrow, read back through validation so a
//! tampered or truncated file cannot build an inconsistent summary.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::QueryKind;

use super::{
    bounded_example, bounded_normalized, hist_record, new_histogram, QueryStats, MAX_DURATION_US,
};

const ALL_KINDS: [QueryKind; 8] = [
    QueryKind::Select,
    QueryKind::Join,
    QueryKind::Aggregate,
    QueryKind::Insert,
    QueryKind::Update,
    QueryKind::Delete,
    QueryKind::Ddl,
    QueryKind::Other,
];

/// The serialised form, written from a borrowed [`QueryStats`].
#[derive(Serialize)]
struct StatsOut<'a> {
    id: String,
    normalized: &'a str,
    kind: &'static str,
    calls: u64,
    total_ms: f64,
    min_ms: f64,
    max_ms: f64,
    mean_ms: f64,
    sum_sq_dev_ms2: f64,
    stddev_ms: f64,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    rows_examined: u64,
    rows_returned: u64,
    cache_hits: u64,
    cache_misses: u64,
    first_seen_ms: i64,
    last_seen_ms: i64,
    example: &'a str,
    example_ms: f64,
    efficiency: f64,
    is_slow: bool,
    histogram_us: Vec<(u64, u64)>,
}

/// The serialised form as read; derived figures are accepted and ignored.
#[derive(Deserialize)]
struct StatsIn {
    id: String,
    normalized: String,
    kind: String,
    calls: u64,
    total_ms: f64,
    min_ms: f64,
    max_ms: f64,
    mean_ms: f64,
    sum_sq_dev_ms2: f64,
    rows_examined: u64,
    rows_returned: u64,
    cache_hits: u64,
    cache_misses: u64,
    first_seen_ms: i64,
    last_seen_ms: i64,
    example: String,
    example_ms: f64,
    histogram_us: Vec<(u64, u64)>,
}

impl Serialize for QueryStats {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StatsOut {
            id: self.hex_id(),
            normalized: &self.normalized,
            kind: self.kind.as_str(),
            calls: self.calls,
            total_ms: self.total_ms,
            min_ms: self.min_ms,
            max_ms: self.max_ms,
            mean_ms: self.mean_ms,
            sum_sq_dev_ms2: self.m2,
            stddev_ms: self.stddev_ms(),
            p50_ms: self.p50_ms(),
            p95_ms: self.p95_ms(),
            p99_ms: self.p99_ms(),
            rows_examined: self.rows_examined,
            rows_returned: self.rows_returned,
            cache_hits: self.cache_hits,
            cache_misses: self.cache_misses,
            first_seen_ms: self.first_seen_ms,
            last_seen_ms: self.last_seen_ms,
            example: &self.example,
            example_ms: self.example_ms,
            efficiency: self.efficiency(),
            is_slow: self.slow,
            histogram_us: self.histogram_buckets(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for QueryStats {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let r = StatsIn::deserialize(deserializer)?;
        QueryStats::try_from(r).map_err(D::Error::custom)
    }
}

impl TryFrom<StatsIn> for QueryStats {
    type Error = String;

    fn try_from(r: StatsIn) -> Result<Self, String> {
        let id = (r.id.len() == 16)
            .then(|| u64::from_str_radix(&r.id, 16).ok())
            .flatten()
            .ok_or_else(|| format!("id {:?} is not 16 hex digits", r.id))?;
        let kind = ALL_KINDS
            .iter()
            .copied()
            .find(|k| k.as_str() == r.kind)
            .ok_or_else(|| format!("kind {:?} is not one of SELECT, JOIN, AGGREGATE, INSERT, UPDATE, DELETE, DDL, OTHER", r.kind))?;
        let ctx = |what: &str| format!("fingerprint {}: {what}", r.id);
        if r.calls == 0 {
            return Err(ctx("calls must be at least 1"));
        }
        for (name, v) in [
            ("total_ms", r.total_ms),
            ("min_ms", r.min_ms),
            ("max_ms", r.max_ms),
            ("mean_ms", r.mean_ms),
            ("sum_sq_dev_ms2", r.sum_sq_dev_ms2),
            ("example_ms", r.example_ms),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(ctx(&format!(
                    "{name} must be a finite number >= 0, got {v}"
                )));
            }
        }
        if r.min_ms > r.max_ms {
            return Err(ctx(&format!(
                "min_ms ({}) exceeds max_ms ({})",
                r.min_ms, r.max_ms
            )));
        }
        if r.first_seen_ms > r.last_seen_ms {
            return Err(ctx("first_seen_ms is after last_seen_ms"));
        }
        let mut hist = new_histogram();
        let mut prev = None;
        for &(v, c) in &r.histogram_us {
            if v > MAX_DURATION_US {
                return Err(ctx(&format!(
                    "histogram value {v} us exceeds the maximum {MAX_DURATION_US} us"
                )));
            }
            if c == 0 || prev.is_some_and(|p| p >= v) {
                return Err(ctx(
                    "histogram_us must list non-empty buckets in increasing order",
                ));
            }
            prev = Some(v);
            hist_record(&mut hist, v, c);
        }
        Ok(QueryStats {
            id,
            normalized: bounded_normalized(r.normalized),
            kind,
            calls: r.calls,
            total_ms: r.total_ms,
            min_ms: r.min_ms,
            max_ms: r.max_ms,
            mean_ms: r.mean_ms,
            m2: r.sum_sq_dev_ms2,
            hist,
            rows_examined: r.rows_examined,
            rows_returned: r.rows_returned,
            cache_hits: r.cache_hits,
            cache_misses: r.cache_misses,
            first_seen_ms: r.first_seen_ms,
            last_seen_ms: r.last_seen_ms,
            example: bounded_example(&r.example),
            example_ms: r.example_ms,
            slow: false,
        })
    }
}
