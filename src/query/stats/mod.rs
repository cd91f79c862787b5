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

mod input;
mod serial;
#[cfg(test)]
mod tests;

pub use input::{Aggregate, Sample};

use std::fmt;

use hdrhistogram::Histogram;

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
