//! Per-fingerprint statistics (counts, Welford mean/stddev, mergeable percentiles, rows, cache
//! hits) and the efficiency score.
//!
//! [`QueryStats`] is the running summary of one query shape: it takes single executions
//! ([`Sample`]), pre-aggregated figures ([`Aggregate`], e.g. a `pg_stat_statements` row) and other
//! summaries of the same shape ([`QueryStats::merge`]). [`efficiency`] is the issue #7 score.
//!
//! This file deliberately does not read the clock (times are Unix milliseconds passed in), does
//! not fingerprint SQL, does not lock (see [`QueryTracker`](super::tracker::QueryTracker) for the
//! thread-safe, bounded collection) and does not decide what is slow.

use std::fmt;

use hdrhistogram::Histogram;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Fingerprint, QueryKind};
use crate::Error;

/// Significant decimal digits kept by the latency histograms: 2, so a percentile is within 1 % of
/// the true value (HDR histogram guarantee). Three digits would cost ~5× the memory per
/// fingerprint (~40–190 KB instead of ~8–30 KB) for a precision nobody reads in a latency report.
pub const HISTOGRAM_SIGNIFICANT_DIGITS: u8 = 2;

/// The longest duration recorded: one day, in milliseconds. Longer finite durations are clamped to
/// it (the statement still counts); it also bounds the histogram's size.
pub const MAX_DURATION_MS: f64 = 86_400_000.0;

/// The longest example statement kept, in bytes; longer ones are cut at a character boundary.
pub const MAX_EXAMPLE_LEN: usize = 4096;

/// The longest normalised text kept per fingerprint, in bytes; longer ones are cut at a character
/// boundary. The fingerprint id is still computed over the whole normalised text (so two long
/// statements differing only past the cut stay apart); the cut bounds the tracker's memory at
/// about `max_fingerprints × (MAX_NORMALIZED_LEN + MAX_EXAMPLE_LEN + histogram)`.
pub const MAX_NORMALIZED_LEN: usize = 8192;

/// [`MAX_DURATION_MS`] in histogram units (microseconds).
const MAX_DURATION_US: u64 = 86_400_000_000;

/// The efficiency score of issue #7: `(rows_returned / rows_examined) × 1 / (1 + avg_ms / 100)`,
/// capped at 1.
///
/// The row ratio rewards queries that read only what they return; the time factor halves the
/// score at 100 ms. Edge cases, chosen so that the score is always in `[0, 1]` and never NaN:
/// - `rows_examined == 0` (nothing read, or the engine did not report it): the row ratio is
///   taken as 1, so the score is `1 / (1 + avg_ms / 100)`, decided by time alone;
/// - more rows returned than examined (possible with some engines' counters): the cap at 1 applies;
/// - `avg_ms` NaN or negative is taken as 0; `+∞` gives 0.
///
/// ```
/// use cognition_core::query::stats::efficiency;
///
/// let round3 = |x: f64| (x * 1000.0).round() / 1000.0;
/// assert_eq!(round3(efficiency(1000, 100, 50.0)), 0.067);
/// assert_eq!(round3(efficiency(100, 100, 10.0)), 0.909); // 0.91 to two places
/// assert_eq!(efficiency(0, 0, 0.0), 1.0);
/// ```
pub fn efficiency(rows_examined: u64, rows_returned: u64, avg_ms: f64) -> f64 {
    let ratio = if rows_examined == 0 {
        1.0
    } else {
        rows_returned as f64 / rows_examined as f64
    };
    let avg = if avg_ms.is_nan() || avg_ms < 0.0 {
        0.0
    } else {
        avg_ms
    };
    (ratio / (1.0 + avg / 100.0)).min(1.0)
}

/// Check a duration: NaN, infinite and negative durations are rejected (they come from clock bugs,
/// and no clamp would give a true figure); `-0.0` is 0; durations over [`MAX_DURATION_MS`] are
/// clamped to it.
pub(crate) fn checked_duration(duration_ms: f64, what: &str) -> Result<f64, Error> {
    if !duration_ms.is_finite() || duration_ms < 0.0 {
        return Err(Error::InvalidArgument(format!(
            "{what} must be a finite number of milliseconds >= 0, got {duration_ms}"
        )));
    }
    Ok(duration_ms.clamp(0.0, MAX_DURATION_MS))
}

/// Milliseconds to whole microseconds, the histogram's unit.
fn to_us(ms: f64) -> u64 {
    ((ms * 1000.0).round() as u64).min(MAX_DURATION_US)
}

/// An empty latency histogram: microsecond unit, [`HISTOGRAM_SIGNIFICANT_DIGITS`], growing only as
/// far as the largest value recorded (at most [`MAX_DURATION_MS`]).
fn new_histogram() -> Histogram<u64> {
    // Only an out-of-range `sigfig` (> 5) makes this fail; ours is the constant 2.
    #[allow(clippy::expect_used)]
    Histogram::new(HISTOGRAM_SIGNIFICANT_DIGITS).expect("2 significant digits is within 0..=5")
}

/// Add `count` samples of `us` microseconds (`us` is already bounded by [`MAX_DURATION_US`]).
fn hist_record(h: &mut Histogram<u64>, us: u64, count: u64) {
    if count > 0 && h.record_n(us, count).is_err() {
        h.saturating_record_n(us, count);
    }
}

/// Cut `s` to at most [`MAX_EXAMPLE_LEN`] bytes at a character boundary.
fn bounded_example(s: &str) -> String {
    s[..cut_point(s, MAX_EXAMPLE_LEN)].to_owned()
}

/// The largest character boundary of `s` at or below `max` bytes.
fn cut_point(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Cut an owned normalised text to [`MAX_NORMALIZED_LEN`] bytes (no copy when it fits).
fn bounded_normalized(mut s: String) -> String {
    s.truncate(cut_point(&s, MAX_NORMALIZED_LEN));
    s
}

/// One execution of a statement, as [`QueryStats::record`] and
/// [`QueryTracker::record_fingerprint`](super::tracker::QueryTracker::record_fingerprint) take it.
///
/// ```
/// use cognition_core::query::stats::Sample;
///
/// let s = Sample::new("SELECT * FROM t WHERE id = 1", 12.5, 1_700_000_000_000)
///     .rows(1_000, 1)
///     .cache_hit(Some(false));
/// assert_eq!(s.rows_examined, 1_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Sample<'a> {
    /// The statement as executed; kept as the example when it is the slowest so far.
    pub sql: &'a str,
    /// Execution time in milliseconds (finite, `>= 0`).
    pub duration_ms: f64,
    /// Rows the engine read (MySQL `Rows_examined`); 0 when unknown.
    pub rows_examined: u64,
    /// Rows sent back (MySQL `Rows_sent`, PostgreSQL `rows`).
    pub rows_returned: u64,
    /// `Some(true)` for an answer from a cache, `Some(false)` for a miss, `None` when not cached.
    pub cache_hit: Option<bool>,
    /// When it ran, Unix milliseconds.
    pub now_ms: i64,
}

impl<'a> Sample<'a> {
    /// A sample with no row counts and no cache information.
    pub fn new(sql: &'a str, duration_ms: f64, now_ms: i64) -> Self {
        Sample {
            sql,
            duration_ms,
            rows_examined: 0,
            rows_returned: 0,
            cache_hit: None,
            now_ms,
        }
    }

    /// Set the rows examined and returned.
    #[must_use]
    pub fn rows(mut self, examined: u64, returned: u64) -> Self {
        self.rows_examined = examined;
        self.rows_returned = returned;
        self
    }

    /// Set the cache outcome.
    #[must_use]
    pub fn cache_hit(mut self, hit: Option<bool>) -> Self {
        self.cache_hit = hit;
        self
    }
}

/// Pre-aggregated figures for one query shape, as `pg_stat_statements` or a log summary gives them.
///
/// Counts and sums are taken exactly, and so are mean and variance (from `stddev_ms`, a
/// *population* standard deviation as `pg_stat_statements` reports it; unknown means 0).
/// Percentiles can only be approximated: the histogram receives one sample at `min_ms`, one at
/// `max_ms` and the other `calls − 2` at the mean (all `calls` at the mean when min and max are
/// unknown), so p50 of an aggregate-only fingerprint is its mean and p99 tends towards its max
/// only for small call counts.
///
/// ```
/// use cognition_core::query::stats::Aggregate;
///
/// // pg_stat_statements: calls 200, total_exec_time 5000, min 1, max 400, stddev 30, rows 200
/// let a = Aggregate::new("SELECT * FROM t WHERE id = $1", 200, 5_000.0, 1_700_000_000_000)
///     .min_max(1.0, 400.0)
///     .stddev(30.0)
///     .rows(0, 200);
/// assert_eq!(a.calls, 200);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Aggregate<'a> {
    /// An example statement (kept when this aggregate holds the slowest execution so far).
    pub example_sql: &'a str,
    /// Number of executions; an aggregate of 0 calls changes nothing.
    pub calls: u64,
    /// Sum of execution times, milliseconds.
    pub total_ms: f64,
    /// Fastest execution, when known.
    pub min_ms: Option<f64>,
    /// Slowest execution, when known.
    pub max_ms: Option<f64>,
    /// Population standard deviation of the execution times, when known.
    pub stddev_ms: Option<f64>,
    /// Total rows examined.
    pub rows_examined: u64,
    /// Total rows returned.
    pub rows_returned: u64,
    /// Total cache hits.
    pub cache_hits: u64,
    /// Total cache misses.
    pub cache_misses: u64,
    /// First execution, Unix milliseconds.
    pub first_seen_ms: i64,
    /// Last execution, Unix milliseconds.
    pub last_seen_ms: i64,
}

impl<'a> Aggregate<'a> {
    /// `calls` executions taking `total_ms` in all, seen at `now_ms` (first and last seen).
    pub fn new(example_sql: &'a str, calls: u64, total_ms: f64, now_ms: i64) -> Self {
        Aggregate {
            example_sql,
            calls,
            total_ms,
            min_ms: None,
            max_ms: None,
            stddev_ms: None,
            rows_examined: 0,
            rows_returned: 0,
            cache_hits: 0,
            cache_misses: 0,
            first_seen_ms: now_ms,
            last_seen_ms: now_ms,
        }
    }

    /// Set the fastest and slowest execution times.
    #[must_use]
    pub fn min_max(mut self, min_ms: f64, max_ms: f64) -> Self {
        self.min_ms = Some(min_ms);
        self.max_ms = Some(max_ms);
        self
    }

    /// Set the population standard deviation of execution times.
    #[must_use]
    pub fn stddev(mut self, stddev_ms: f64) -> Self {
        self.stddev_ms = Some(stddev_ms);
        self
    }

    /// Set the total rows examined and returned.
    #[must_use]
    pub fn rows(mut self, examined: u64, returned: u64) -> Self {
        self.rows_examined = examined;
        self.rows_returned = returned;
        self
    }

    /// Set the total cache hits and misses.
    #[must_use]
    pub fn cache(mut self, hits: u64, misses: u64) -> Self {
        self.cache_hits = hits;
        self.cache_misses = misses;
        self
    }

    /// Set the first and last time seen, Unix milliseconds.
    #[must_use]
    pub fn seen(mut self, first_ms: i64, last_ms: i64) -> Self {
        self.first_seen_ms = first_ms.min(last_ms);
        self.last_seen_ms = first_ms.max(last_ms);
        self
    }
}

/// Running statistics of one query shape (fingerprint).
///
/// Mean and standard deviation follow Welford's online algorithm; two summaries merge with Chan et
/// al.'s parallel formula, so merging is exact for counts, sums, min, max and (up to floating-point
/// rounding) mean and variance. The standard deviation is the *population* one, as
/// `pg_stat_statements` reports. Percentiles come from an HDR histogram (microseconds,
/// [`HISTOGRAM_SIGNIFICANT_DIGITS`]); histograms merge bucket by bucket, so merged percentiles
/// equal the percentiles of the concatenated stream at histogram resolution. Reported percentiles
/// are clamped to `[min_ms, max_ms]`. Row and cache counters saturate at `u64::MAX`.
///
/// Serialised (serde) as an object with the exact state (`sum_sq_dev_ms2`, `histogram_us` as
/// `[value_us, count]` pairs of non-empty buckets) and, for readers, the derived figures
/// (`stddev_ms`, `p50_ms`, `p95_ms`, `p99_ms`, `efficiency`, `is_slow`), which are ignored on input.
///
/// ```
/// use cognition_core::query::fingerprint;
/// use cognition_core::query::stats::{QueryStats, Sample};
///
/// let fp = fingerprint("SELECT * FROM users WHERE id = 1");
/// let mut stats = QueryStats::new(&fp);
/// stats.record(&Sample::new("SELECT * FROM users WHERE id = 1", 10.0, 1_000).rows(100, 100), false)?;
/// stats.record(&Sample::new("SELECT * FROM users WHERE id = 2", 30.0, 2_000).rows(100, 100), false)?;
/// assert_eq!(stats.calls(), 2);
/// assert_eq!(stats.mean_ms(), 20.0);
/// assert_eq!(stats.stddev_ms(), 10.0);
/// assert_eq!(stats.example(), "SELECT * FROM users WHERE id = 2"); // the slowest
/// assert!((stats.p99_ms() - 30.0).abs() <= 0.3);
/// assert!((stats.efficiency() - 1.0 / 1.2).abs() < 1e-12);
/// # Ok::<(), cognition_core::Error>(())
/// ```
#[derive(Clone)]
pub struct QueryStats {
    id: u64,
    normalized: String,
    kind: QueryKind,
    calls: u64,
    total_ms: f64,
    min_ms: f64,
    max_ms: f64,
    mean_ms: f64,
    /// Sum of squared deviations from the mean (Welford's M2), ms².
    m2: f64,
    hist: Histogram<u64>,
    rows_examined: u64,
    rows_returned: u64,
    cache_hits: u64,
    cache_misses: u64,
    first_seen_ms: i64,
    last_seen_ms: i64,
    example: String,
    example_ms: f64,
    slow: bool,
}

impl QueryStats {
    /// Empty statistics (0 calls) for the shape `fp`.
    pub fn new(fp: &Fingerprint) -> Self {
        QueryStats::with_shape(fp.id, fp.normalized.clone(), fp.kind)
    }

    pub(crate) fn with_shape(id: u64, normalized: String, kind: QueryKind) -> Self {
        QueryStats {
            id,
            normalized: bounded_normalized(normalized),
            kind,
            calls: 0,
            total_ms: 0.0,
            min_ms: 0.0,
            max_ms: 0.0,
            mean_ms: 0.0,
            m2: 0.0,
            hist: new_histogram(),
            rows_examined: 0,
            rows_returned: 0,
            cache_hits: 0,
            cache_misses: 0,
            first_seen_ms: 0,
            last_seen_ms: 0,
            example: String::new(),
            example_ms: 0.0,
            slow: false,
        }
    }

    /// Add one execution. With `mask_example`, the example kept is the normalised text (literals
    /// masked) instead of `sample.sql`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `sample.duration_ms` is NaN, infinite or negative; nothing is
    /// changed then. Durations over [`MAX_DURATION_MS`] are clamped to it.
    pub fn record(&mut self, sample: &Sample<'_>, mask_example: bool) -> Result<(), Error> {
        let d = checked_duration(sample.duration_ms, "duration_ms")?;
        let first = self.calls == 0;
        if first || d > self.example_ms {
            self.set_example(sample.sql, d, mask_example);
        }
        if first {
            self.min_ms = d;
            self.max_ms = d;
            self.first_seen_ms = sample.now_ms;
            self.last_seen_ms = sample.now_ms;
        } else {
            self.min_ms = self.min_ms.min(d);
            self.max_ms = self.max_ms.max(d);
            self.first_seen_ms = self.first_seen_ms.min(sample.now_ms);
            self.last_seen_ms = self.last_seen_ms.max(sample.now_ms);
        }
        if self.calls < u64::MAX {
            self.calls += 1;
            let delta = d - self.mean_ms;
            self.mean_ms += delta / self.calls as f64;
            self.m2 += delta * (d - self.mean_ms);
        }
        self.total_ms += d;
        hist_record(&mut self.hist, to_us(d), 1);
        self.rows_examined = self.rows_examined.saturating_add(sample.rows_examined);
        self.rows_returned = self.rows_returned.saturating_add(sample.rows_returned);
        match sample.cache_hit {
            Some(true) => self.cache_hits = self.cache_hits.saturating_add(1),
            Some(false) => self.cache_misses = self.cache_misses.saturating_add(1),
            None => {}
        }
        Ok(())
    }

    /// Add pre-aggregated figures (see [`Aggregate`] for what is exact and what is approximated).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `total_ms`, `min_ms`, `max_ms` or `stddev_ms` is NaN,
    /// infinite or negative, or `min_ms > max_ms`; nothing is changed then. `min_ms`/`max_ms` are
    /// widened to include the mean `total_ms / calls` when the source rounded them.
    pub fn record_aggregate(
        &mut self,
        agg: &Aggregate<'_>,
        mask_example: bool,
    ) -> Result<(), Error> {
        let other = QueryStats::from_aggregate(
            self.id,
            self.normalized.clone(),
            self.kind,
            agg,
            mask_example,
        )?;
        if let Some(other) = other {
            self.merge_unchecked(&other);
        }
        Ok(())
    }

    pub(crate) fn from_aggregate(
        id: u64,
        normalized: String,
        kind: QueryKind,
        agg: &Aggregate<'_>,
        mask_example: bool,
    ) -> Result<Option<QueryStats>, Error> {
        let total = checked_finite(agg.total_ms, "total_ms")?;
        let min = agg
            .min_ms
            .map(|v| checked_finite(v, "min_ms"))
            .transpose()?;
        let max = agg
            .max_ms
            .map(|v| checked_finite(v, "max_ms"))
            .transpose()?;
        let stddev = agg
            .stddev_ms
            .map(|v| checked_finite(v, "stddev_ms"))
            .transpose()?;
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                return Err(Error::InvalidArgument(format!(
                    "min_ms ({lo}) must not exceed max_ms ({hi})"
                )));
            }
        }
        if agg.calls == 0 {
            return Ok(None);
        }
        let n = agg.calls as f64;
        let mean = total / n;
        let mean_c = mean.min(MAX_DURATION_MS);
        let lo = min.map_or(mean_c, |v| v.min(MAX_DURATION_MS).min(mean_c));
        let hi = max.map_or(mean_c, |v| v.min(MAX_DURATION_MS).max(mean_c));
        let mut s = QueryStats::with_shape(id, normalized, kind);
        s.calls = agg.calls;
        s.total_ms = total;
        s.mean_ms = mean;
        s.min_ms = lo;
        s.max_ms = hi;
        s.m2 = stddev.map_or(0.0, |sd| sd * sd * n);
        if agg.calls >= 2 && (min.is_some() || max.is_some()) {
            hist_record(&mut s.hist, to_us(lo), 1);
            hist_record(&mut s.hist, to_us(hi), 1);
            hist_record(&mut s.hist, to_us(mean_c), agg.calls - 2);
        } else {
            hist_record(&mut s.hist, to_us(mean_c), agg.calls);
        }
        s.rows_examined = agg.rows_examined;
        s.rows_returned = agg.rows_returned;
        s.cache_hits = agg.cache_hits;
        s.cache_misses = agg.cache_misses;
        s.first_seen_ms = agg.first_seen_ms.min(agg.last_seen_ms);
        s.last_seen_ms = agg.first_seen_ms.max(agg.last_seen_ms);
        s.set_example(agg.example_sql, hi, mask_example);
        Ok(Some(s))
    }

    fn set_example(&mut self, sql: &str, ms: f64, mask: bool) {
        self.example_ms = ms;
        if mask {
            if self.example != self.normalized {
                self.example = bounded_example(&self.normalized);
            }
        } else {
            self.example = bounded_example(sql);
        }
    }

    /// Merge `other`, a summary of the same shape (from another thread, process or snapshot), as
    /// if its executions had been recorded here.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `other` has a different fingerprint id.
    ///
    /// ```
    /// use cognition_core::query::fingerprint;
    /// use cognition_core::query::stats::{QueryStats, Sample};
    ///
    /// let fp = fingerprint("SELECT 1");
    /// let (mut a, mut b) = (QueryStats::new(&fp), QueryStats::new(&fp));
    /// a.record(&Sample::new("SELECT 1", 1.0, 10), false)?;
    /// b.record(&Sample::new("SELECT 1", 3.0, 20), false)?;
    /// a.merge(&b)?;
    /// assert_eq!((a.calls(), a.mean_ms(), a.stddev_ms()), (2, 2.0, 1.0));
    /// assert_eq!((a.first_seen_ms(), a.last_seen_ms()), (10, 20));
    /// # Ok::<(), cognition_core::Error>(())
    /// ```
    pub fn merge(&mut self, other: &QueryStats) -> Result<(), Error> {
        if other.id != self.id {
            return Err(Error::InvalidArgument(format!(
                "cannot merge statistics of fingerprint {:016x} into {:016x}",
                other.id, self.id
            )));
        }
        self.merge_unchecked(other);
        Ok(())
    }

    pub(crate) fn merge_unchecked(&mut self, other: &QueryStats) {
        if other.calls == 0 {
            return;
        }
        if self.calls == 0 {
            let slow = self.slow;
            *self = QueryStats {
                id: self.id,
                normalized: std::mem::take(&mut self.normalized),
                kind: self.kind,
                slow,
                ..other.clone()
            };
            return;
        }
        let (na, nb) = (self.calls as f64, other.calls as f64);
        let n = na + nb;
        let delta = other.mean_ms - self.mean_ms;
        self.mean_ms += delta * (nb / n);
        self.m2 += other.m2 + delta * delta * (na * nb / n);
        self.calls = self.calls.saturating_add(other.calls);
        self.total_ms += other.total_ms;
        self.min_ms = self.min_ms.min(other.min_ms);
        self.max_ms = self.max_ms.max(other.max_ms);
        if self.hist.add(&other.hist).is_err() {
            for (v, c) in other.histogram_buckets() {
                hist_record(&mut self.hist, v, c);
            }
        }
        self.rows_examined = self.rows_examined.saturating_add(other.rows_examined);
        self.rows_returned = self.rows_returned.saturating_add(other.rows_returned);
        self.cache_hits = self.cache_hits.saturating_add(other.cache_hits);
        self.cache_misses = self.cache_misses.saturating_add(other.cache_misses);
        self.first_seen_ms = self.first_seen_ms.min(other.first_seen_ms);
        self.last_seen_ms = self.last_seen_ms.max(other.last_seen_ms);
        if other.example_ms > self.example_ms {
            self.example_ms = other.example_ms;
            self.example.clone_from(&other.example);
        }
    }

    /// Return the fingerprint id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Return the fingerprint id as 16 lower-case hex digits.
    pub fn hex_id(&self) -> String {
        format!("{:016x}", self.id)
    }

    /// Return the normalised statement text, at most [`MAX_NORMALIZED_LEN`] bytes.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// Return the statement type.
    pub fn kind(&self) -> QueryKind {
        self.kind
    }

    /// Return the number of executions.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// Return the total execution time, milliseconds.
    pub fn total_ms(&self) -> f64 {
        self.total_ms
    }

    /// Return the fastest execution, milliseconds (0 with no calls).
    pub fn min_ms(&self) -> f64 {
        self.min_ms
    }

    /// Return the slowest execution, milliseconds (0 with no calls).
    pub fn max_ms(&self) -> f64 {
        self.max_ms
    }

    /// Return the mean execution time, milliseconds (Welford; 0 with no calls).
    pub fn mean_ms(&self) -> f64 {
        self.mean_ms
    }

    /// Return the population standard deviation of execution times, milliseconds.
    pub fn stddev_ms(&self) -> f64 {
        if self.calls == 0 {
            return 0.0;
        }
        (self.m2.max(0.0) / self.calls as f64).sqrt()
    }

    /// Return the execution time at quantile `q` (`0.0..=1.0`, clamped; NaN means 0), in
    /// milliseconds, from the histogram (within 1 %), clamped to `[min_ms, max_ms]`.
    pub fn percentile_ms(&self, q: f64) -> f64 {
        if self.calls == 0 || self.hist.is_empty() {
            return 0.0;
        }
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
        let v = self.hist.value_at_quantile(q) as f64 / 1000.0;
        v.clamp(self.min_ms, self.max_ms.max(self.min_ms))
    }

    /// Return the median execution time, milliseconds (see [`percentile_ms`](Self::percentile_ms)).
    pub fn p50_ms(&self) -> f64 {
        self.percentile_ms(0.50)
    }

    /// Return the 95th percentile execution time, milliseconds.
    pub fn p95_ms(&self) -> f64 {
        self.percentile_ms(0.95)
    }

    /// Return the 99th percentile execution time, milliseconds.
    pub fn p99_ms(&self) -> f64 {
        self.percentile_ms(0.99)
    }

    /// Return the non-empty histogram buckets as `(value_us, count)`, ascending; `value_us` is the
    /// highest value (microseconds) the bucket stands for.
    pub fn histogram_buckets(&self) -> Vec<(u64, u64)> {
        self.hist
            .iter_recorded()
            .map(|v| (v.value_iterated_to(), v.count_at_value()))
            .collect()
    }

    /// Return the total rows examined.
    pub fn rows_examined(&self) -> u64 {
        self.rows_examined
    }

    /// Return the total rows returned.
    pub fn rows_returned(&self) -> u64 {
        self.rows_returned
    }

    /// Return the number of executions answered from a cache.
    pub fn cache_hits(&self) -> u64 {
        self.cache_hits
    }

    /// Return the number of executions that missed a cache.
    pub fn cache_misses(&self) -> u64 {
        self.cache_misses
    }

    /// Return the first time seen, Unix milliseconds.
    pub fn first_seen_ms(&self) -> i64 {
        self.first_seen_ms
    }

    /// Return the last time seen, Unix milliseconds.
    pub fn last_seen_ms(&self) -> i64 {
        self.last_seen_ms
    }

    /// Return the example statement: the slowest execution seen (or the normalised text when
    /// examples are masked), at most [`MAX_EXAMPLE_LEN`] bytes.
    pub fn example(&self) -> &str {
        &self.example
    }

    /// Return the duration of the example statement, milliseconds.
    pub fn example_ms(&self) -> f64 {
        self.example_ms
    }

    /// Return the [`efficiency`] score from the row totals and the mean time.
    pub fn efficiency(&self) -> f64 {
        efficiency(self.rows_examined, self.rows_returned, self.mean_ms)
    }

    /// Return `true` if the tracker that produced this copy judged the shape slow under its
    /// configuration when the copy was made (always `false` for stats built by hand).
    pub fn is_slow(&self) -> bool {
        self.slow
    }

    pub(crate) fn set_slow(&mut self, slow: bool) {
        self.slow = slow;
    }
}

fn checked_finite(v: f64, what: &str) -> Result<f64, Error> {
    if !v.is_finite() || v < 0.0 {
        return Err(Error::InvalidArgument(format!(
            "{what} must be a finite number >= 0, got {v}"
        )));
    }
    Ok(v.max(0.0))
}

impl PartialEq for QueryStats {
    /// Compare every recorded figure, the histogram bucket by bucket, and the slow flag.
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.normalized == other.normalized
            && self.kind == other.kind
            && self.calls == other.calls
            && self.total_ms == other.total_ms
            && self.min_ms == other.min_ms
            && self.max_ms == other.max_ms
            && self.mean_ms == other.mean_ms
            && self.m2 == other.m2
            && self.rows_examined == other.rows_examined
            && self.rows_returned == other.rows_returned
            && self.cache_hits == other.cache_hits
            && self.cache_misses == other.cache_misses
            && self.first_seen_ms == other.first_seen_ms
            && self.last_seen_ms == other.last_seen_ms
            && self.example == other.example
            && self.example_ms == other.example_ms
            && self.slow == other.slow
            && self.histogram_buckets() == other.histogram_buckets()
    }
}

impl fmt::Debug for QueryStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryStats")
            .field("id", &format_args!("{:016x}", self.id))
            .field("normalized", &self.normalized)
            .field("kind", &self.kind)
            .field("calls", &self.calls)
            .field("total_ms", &self.total_ms)
            .field("mean_ms", &self.mean_ms)
            .field("stddev_ms", &self.stddev_ms())
            .field("min_ms", &self.min_ms)
            .field("max_ms", &self.max_ms)
            .field("p95_ms", &self.p95_ms())
            .field("rows_examined", &self.rows_examined)
            .field("rows_returned", &self.rows_returned)
            .field("cache_hits", &self.cache_hits)
            .field("cache_misses", &self.cache_misses)
            .field("first_seen_ms", &self.first_seen_ms)
            .field("last_seen_ms", &self.last_seen_ms)
            .field("example", &self.example)
            .field("is_slow", &self.slow)
            .finish()
    }
}

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

#[cfg(test)]
mod tests {
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
}
