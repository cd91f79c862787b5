//! What a [`QueryStats`](super::QueryStats) takes in: one execution ([`Sample`]) or pre-aggregated
//! figures ([`Aggregate`]).

/// One execution of a statement, as [`QueryStats::record`](super::QueryStats::record) and
/// [`QueryTracker::record_fingerprint`](crate::query::tracker::QueryTracker::record_fingerprint) take it.
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
