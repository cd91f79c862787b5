//! `QueryTracker`: record every executed statement cheaply from many threads, bounded memory,
//! slow-query detection, snapshots that merge across processes.
//!
//! The tracker fingerprints each statement, keeps one [`QueryStats`] per fingerprint in sharded,
//! individually locked maps, evicts the least total time past its bound, and calls a callback
//! once when a fingerprint turns slow. [`TrackerSnapshot`]s export the statistics as versioned
//! JSON, and [`QueryTracker::merge`] folds a snapshot from another process in.
//!
//! [`QueryTracker::suggestions`] runs the `suggest` rules on every fingerprint's example with its
//! statistics as evidence, and [`QueryTracker::load_mysql_slow_log`] /
//! [`QueryTracker::load_pg_stat_statements`] feed it from the `import` module's readers.
//!
//! It deliberately does not read the clock (every call takes `now_ms`), does not run or time
//! statements and does not persist anything.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use hashbrown::HashMap;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use super::stats::{checked_duration, Aggregate, QueryStats, Sample, HISTOGRAM_SIGNIFICANT_DIGITS};
use super::suggest::SuggestConfig;
use super::{fingerprint, Fingerprint};
use crate::Error;

mod advice;
mod load;

/// The callback [`TrackerConfig::on_slow`] installs.
pub type SlowCallback = Arc<dyn Fn(&QueryStats) + Send + Sync>;

/// Configuration of a [`QueryTracker`]; `TrackerConfig::default()` holds the documented defaults
/// and each setter returns the changed configuration.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `max_fingerprints` | 5,000 (`pg_stat_statements.max`) | fingerprints kept; at least 1 |
/// | `slow_ms` | 1,000 ms | a fingerprint is slow when its mean exceeds this… |
/// | `slow_min_calls` | 10 | …over at least this many calls |
/// | `slow_p95_ms` | none | if set, a p95 above it (with `slow_min_calls`) also makes it slow |
/// | `mask_examples` | `false` | keep the normalised text instead of the slowest statement |
/// | `shards` | 16 | independently locked maps (1..=256, at most `max_fingerprints`) |
/// | `on_slow` | none | called once when a fingerprint becomes slow |
/// | `suggest_config` | [`SuggestConfig::default`] | thresholds for [`QueryTracker::suggestions`] |
///
/// ```
/// use cognition_core::query::tracker::TrackerConfig;
///
/// let config = TrackerConfig::default().max_fingerprints(1_000).slow_ms(250.0).slow_p95_ms(Some(800.0));
/// assert_eq!(config.get_max_fingerprints(), 1_000);
/// assert_eq!(TrackerConfig::default().get_slow_ms(), 1_000.0);
/// ```
#[derive(Clone)]
pub struct TrackerConfig {
    max_fingerprints: usize,
    slow_ms: f64,
    slow_min_calls: u64,
    slow_p95_ms: Option<f64>,
    mask_examples: bool,
    shards: usize,
    on_slow: Option<SlowCallback>,
    suggest: SuggestConfig,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        TrackerConfig {
            max_fingerprints: 5_000,
            slow_ms: 1_000.0,
            slow_min_calls: 10,
            slow_p95_ms: None,
            mask_examples: false,
            shards: 16,
            on_slow: None,
            suggest: SuggestConfig::default(),
        }
    }
}

impl std::fmt::Debug for TrackerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackerConfig")
            .field("max_fingerprints", &self.max_fingerprints)
            .field("slow_ms", &self.slow_ms)
            .field("slow_min_calls", &self.slow_min_calls)
            .field("slow_p95_ms", &self.slow_p95_ms)
            .field("mask_examples", &self.mask_examples)
            .field("shards", &self.shards)
            .field("on_slow", &self.on_slow.is_some())
            .field("suggest", &self.suggest)
            .finish()
    }
}

impl TrackerConfig {
    /// Keep at most `n` fingerprints (0 is taken as 1).
    #[must_use]
    pub fn max_fingerprints(mut self, n: usize) -> Self {
        self.max_fingerprints = n.max(1);
        self
    }

    /// A mean above `ms` (over `slow_min_calls` calls) is slow. NaN or negative is taken as 0.
    #[must_use]
    pub fn slow_ms(mut self, ms: f64) -> Self {
        self.slow_ms = if ms.is_nan() { 0.0 } else { ms.max(0.0) };
        self
    }

    /// The number of calls a fingerprint needs before it can be slow (0 is taken as 1).
    #[must_use]
    pub fn slow_min_calls(mut self, calls: u64) -> Self {
        self.slow_min_calls = calls.max(1);
        self
    }

    /// Also call a fingerprint slow when its p95 exceeds `ms` (`None`: mean only). NaN is `None`.
    #[must_use]
    pub fn slow_p95_ms(mut self, ms: Option<f64>) -> Self {
        self.slow_p95_ms = ms.filter(|v| !v.is_nan()).map(|v| v.max(0.0));
        self
    }

    /// Keep the normalised text (literals masked) as the example instead of the real statement,
    /// so no user data is held.
    #[must_use]
    pub fn mask_examples(mut self, mask: bool) -> Self {
        self.mask_examples = mask;
        self
    }

    /// Use `n` independently locked shards (clamped to 1..=256, and to `max_fingerprints`).
    /// One shard makes eviction exact; more shards let more threads record at once.
    #[must_use]
    pub fn shards(mut self, n: usize) -> Self {
        self.shards = n.clamp(1, 256);
        self
    }

    /// Call `f` once per fingerprint, when it becomes slow, with its statistics at that moment.
    ///
    /// It runs on the recording thread after the shard lock is released, so it may call the
    /// tracker. A panic in `f` propagates to the caller of `record` (the tracker stays consistent).
    /// A fingerprint that is evicted or reset and comes back can fire again.
    #[must_use]
    pub fn on_slow(mut self, f: impl Fn(&QueryStats) + Send + Sync + 'static) -> Self {
        self.on_slow = Some(Arc::new(f));
        self
    }

    /// Use `config`'s thresholds when [`QueryTracker::suggestions`] gives advice.
    #[must_use]
    pub fn suggest_config(mut self, config: SuggestConfig) -> Self {
        self.suggest = config;
        self
    }

    /// Return the thresholds [`QueryTracker::suggestions`] uses.
    pub fn get_suggest_config(&self) -> &SuggestConfig {
        &self.suggest
    }

    /// Return the fingerprint bound.
    pub fn get_max_fingerprints(&self) -> usize {
        self.max_fingerprints
    }

    /// Return the slow mean threshold, milliseconds.
    pub fn get_slow_ms(&self) -> f64 {
        self.slow_ms
    }

    /// Return the minimum calls before a fingerprint can be slow.
    pub fn get_slow_min_calls(&self) -> u64 {
        self.slow_min_calls
    }

    /// Return the slow p95 threshold, milliseconds, if any.
    pub fn get_slow_p95_ms(&self) -> Option<f64> {
        self.slow_p95_ms
    }

    /// Return `true` if examples are masked.
    pub fn get_mask_examples(&self) -> bool {
        self.mask_examples
    }

    /// Return `true` if `stats` is slow under this configuration: at least `slow_min_calls` calls
    /// and a mean over `slow_ms` or (when set) a p95 over `slow_p95_ms`.
    pub fn is_slow(&self, stats: &QueryStats) -> bool {
        if stats.calls() < self.slow_min_calls {
            return false;
        }
        if stats.mean_ms() > self.slow_ms {
            return true;
        }
        // The p95 can only exceed the threshold if the max does; skip the histogram walk otherwise.
        self.slow_p95_ms
            .is_some_and(|t| stats.max_ms() > t && stats.p95_ms() > t)
    }
}

struct Entry {
    stats: QueryStats,
    /// The slow callback fired for this entry.
    notified: bool,
}

struct Shard {
    map: HashMap<u64, Entry>,
    capacity: usize,
}

/// Per-fingerprint statistics of executed statements, shared by every thread of a service.
///
/// `Send + Sync`. Entries live in `shards` maps chosen by fingerprint id, each behind its own
/// `parking_lot` mutex, so threads recording different shapes rarely wait; each call is atomic
/// per fingerprint, and whole-tracker reads ([`stats`](Self::stats), [`snapshot`](Self::snapshot),
/// [`reset`](Self::reset)) visit shards one after the other, not at one instant.
///
/// **Bound.** `max_fingerprints` is split evenly across shards; a new fingerprint arriving in a
/// full shard evicts that shard's entry with the least total time (ties: lowest id), and
/// [`evictions`](Self::evictions) counts it. The tracker never holds more than
/// `max_fingerprints`; with several shards the victim is the least in its shard, which
/// approximates the global least (exact with `shards(1)`). Each entry costs its normalised text,
/// an example of at most [`MAX_EXAMPLE_LEN`](super::stats::MAX_EXAMPLE_LEN) bytes, and a latency
/// histogram of ~8 KB (10 ms max) to ~30 KB (one-day max).
///
/// ```
/// use cognition_core::query::tracker::{QueryTracker, TrackerConfig};
///
/// let tracker = QueryTracker::new(TrackerConfig::default().slow_ms(100.0).slow_min_calls(2));
/// tracker.record("SELECT * FROM orders WHERE id = 1", 250.0, 10_000, 1, None, 1_000)?;
/// tracker.record("select * from orders where id=2", 150.0, 10_000, 1, Some(false), 2_000)?;
/// tracker.record("SELECT 1", 0.2, 0, 1, None, 3_000)?;
///
/// let top = &tracker.stats()[0];
/// assert_eq!(top.normalized(), "select * from orders where id = ?");
/// assert_eq!((top.calls(), top.mean_ms(), top.rows_examined()), (2, 200.0, 20_000));
/// assert!(top.is_slow());
/// assert_eq!(tracker.slow_queries().len(), 1);
///
/// let json = tracker.snapshot().to_json();
/// let other = QueryTracker::new(TrackerConfig::default());
/// other.merge(&cognition_core::query::tracker::TrackerSnapshot::from_json(&json)?);
/// assert_eq!(other.stats().len(), 2);
/// # Ok::<(), cognition_core::Error>(())
/// ```
pub struct QueryTracker {
    config: TrackerConfig,
    shards: Box<[Mutex<Shard>]>,
    evictions: AtomicU64,
}

impl std::fmt::Debug for QueryTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryTracker")
            .field("config", &self.config)
            .field("fingerprints", &self.len())
            .field("evictions", &self.evictions())
            .finish()
    }
}

impl Default for QueryTracker {
    fn default() -> Self {
        QueryTracker::new(TrackerConfig::default())
    }
}

impl QueryTracker {
    /// An empty tracker.
    pub fn new(config: TrackerConfig) -> Self {
        let n = config
            .shards
            .clamp(1, 256)
            .min(config.max_fingerprints.max(1));
        let (base, extra) = (config.max_fingerprints / n, config.max_fingerprints % n);
        let shards = (0..n)
            .map(|i| {
                Mutex::new(Shard {
                    map: HashMap::new(),
                    capacity: base + usize::from(i < extra),
                })
            })
            .collect();
        QueryTracker {
            config,
            shards,
            evictions: AtomicU64::new(0),
        }
    }

    /// Return the configuration.
    pub fn config(&self) -> &TrackerConfig {
        &self.config
    }

    fn shard(&self, id: u64) -> &Mutex<Shard> {
        // Fingerprint ids are SHA-256 bits, uniformly spread: a multiply-shift picks the shard.
        let i = ((u128::from(id) * self.shards.len() as u128) >> 64) as usize;
        &self.shards[i.min(self.shards.len() - 1)]
    }

    /// Record one execution of `sql`: fingerprint it and update its statistics.
    ///
    /// `rows_examined` is 0 when unknown; `cache_hit` is `None` when no cache is involved; `now_ms`
    /// is the Unix time in milliseconds. Row totals saturate at `u64::MAX`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `duration_ms` is NaN, infinite or negative (nothing is
    /// recorded). Finite durations over
    /// [`MAX_DURATION_MS`](super::stats::MAX_DURATION_MS) are clamped to it.
    pub fn record(
        &self,
        sql: &str,
        duration_ms: f64,
        rows_examined: u64,
        rows_returned: u64,
        cache_hit: Option<bool>,
        now_ms: i64,
    ) -> Result<(), Error> {
        checked_duration(duration_ms, "duration_ms")?;
        let fp = fingerprint(sql);
        let sample = Sample::new(sql, duration_ms, now_ms)
            .rows(rows_examined, rows_returned)
            .cache_hit(cache_hit);
        self.record_fingerprint(&fp, &sample)
    }

    /// Record one execution whose fingerprint the caller computed (`sample.sql` is the example).
    ///
    /// # Errors
    /// As [`record`](Self::record).
    ///
    /// ```
    /// use cognition_core::query::{fingerprint, stats::Sample, tracker::QueryTracker};
    ///
    /// let tracker = QueryTracker::default();
    /// let sql = "DELETE FROM carts WHERE id = 9";
    /// tracker.record_fingerprint(&fingerprint(sql), &Sample::new(sql, 3.0, 0).rows(1, 0))?;
    /// assert_eq!(tracker.get(fingerprint(sql).id).map(|s| s.calls()), Some(1));
    /// # Ok::<(), cognition_core::Error>(())
    /// ```
    pub fn record_fingerprint(&self, fp: &Fingerprint, sample: &Sample<'_>) -> Result<(), Error> {
        checked_duration(sample.duration_ms, "duration_ms")?;
        let mask = self.config.mask_examples;
        self.update(fp.id, || QueryStats::new(fp), |s| s.record(sample, mask))
    }

    /// Add pre-aggregated figures for the shape `fp` (importers of `pg_stat_statements` or slow
    /// logs). Counts, sums, min, max, mean and variance are exact; percentiles are approximated as
    /// [`Aggregate`] documents.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for non-finite or negative times or `min_ms > max_ms`.
    ///
    /// ```
    /// use cognition_core::query::{fingerprint, stats::Aggregate, tracker::QueryTracker};
    ///
    /// let tracker = QueryTracker::default();
    /// let fp = fingerprint("SELECT * FROM t WHERE a = $1");
    /// tracker.record_aggregate(&fp, &Aggregate::new("SELECT * FROM t WHERE a = $1", 40, 800.0, 0).rows(0, 40))?;
    /// assert_eq!(tracker.get(fp.id).map(|s| s.mean_ms()), Some(20.0));
    /// # Ok::<(), cognition_core::Error>(())
    /// ```
    pub fn record_aggregate(&self, fp: &Fingerprint, agg: &Aggregate<'_>) -> Result<(), Error> {
        let mask = self.config.mask_examples;
        let Some(other) =
            QueryStats::from_aggregate(fp.id, fp.normalized.clone(), fp.kind, agg, mask)?
        else {
            return Ok(());
        };
        self.update(
            fp.id,
            || QueryStats::new(fp),
            |s| {
                s.merge_unchecked(&other);
                Ok(())
            },
        )
    }

    /// Find or create the entry `id` (evicting if needed), apply `f`, then fire the slow callback
    /// outside the lock if this update made the entry slow.
    fn update(
        &self,
        id: u64,
        make: impl FnOnce() -> QueryStats,
        f: impl FnOnce(&mut QueryStats) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let fired = {
            let mut shard = self.shard(id).lock();
            let shard = &mut *shard;
            if !shard.map.contains_key(&id) && shard.map.len() >= shard.capacity {
                if let Some(victim) = least_total(&shard.map) {
                    shard.map.remove(&victim);
                    self.evictions.fetch_add(1, Ordering::Relaxed);
                }
            }
            let entry = shard.map.entry(id).or_insert_with(|| Entry {
                stats: make(),
                notified: false,
            });
            let result = f(&mut entry.stats);
            if entry.stats.calls() == 0 {
                shard.map.remove(&id);
                return result;
            }
            result?;
            if !entry.notified && self.config.on_slow.is_some() && self.config.is_slow(&entry.stats)
            {
                entry.notified = true;
                let mut copy = entry.stats.clone();
                copy.set_slow(true);
                Some(copy)
            } else {
                None
            }
        };
        if let (Some(stats), Some(cb)) = (fired, &self.config.on_slow) {
            cb(&stats);
        }
        Ok(())
    }

    /// Return a copy of every fingerprint's statistics, by total time descending (ties: id
    /// ascending), each with [`is_slow`](QueryStats::is_slow) set from the configuration.
    pub fn stats(&self) -> Vec<QueryStats> {
        let mut all = Vec::new();
        for shard in self.shards.iter() {
            let shard = shard.lock();
            all.extend(shard.map.values().map(|e| self.copy(&e.stats)));
        }
        sort_by_total(&mut all);
        all
    }

    /// Return the slow fingerprints, in [`stats`](Self::stats) order.
    pub fn slow_queries(&self) -> Vec<QueryStats> {
        let mut slow = Vec::new();
        for shard in self.shards.iter() {
            let shard = shard.lock();
            slow.extend(
                shard
                    .map
                    .values()
                    .filter(|e| self.config.is_slow(&e.stats))
                    .map(|e| self.copy(&e.stats)),
            );
        }
        sort_by_total(&mut slow);
        slow
    }

    /// Return the statistics of fingerprint `id`, if tracked.
    pub fn get(&self, id: u64) -> Option<QueryStats> {
        let shard = self.shard(id).lock();
        shard.map.get(&id).map(|e| self.copy(&e.stats))
    }

    fn copy(&self, stats: &QueryStats) -> QueryStats {
        let mut c = stats.clone();
        c.set_slow(self.config.is_slow(stats));
        c
    }

    /// Return the number of fingerprints tracked.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().map.len()).sum()
    }

    /// Return `true` if no fingerprint is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Return how many fingerprints were evicted to stay within `max_fingerprints` (plus the
    /// evictions of merged snapshots).
    pub fn evictions(&self) -> u64 {
        self.evictions.load(Ordering::Relaxed)
    }

    /// Forget every fingerprint and zero the eviction count; slow callbacks can fire again.
    pub fn reset(&self) {
        for shard in self.shards.iter() {
            shard.lock().map.clear();
        }
        self.evictions.store(0, Ordering::Relaxed);
    }

    /// Return a copy of the statistics for export ([`TrackerSnapshot::to_json`]) or merging.
    pub fn snapshot(&self) -> TrackerSnapshot {
        TrackerSnapshot {
            version: TrackerSnapshot::VERSION,
            histogram_significant_digits: HISTOGRAM_SIGNIFICANT_DIGITS,
            evictions: self.evictions(),
            queries: self.stats(),
        }
    }

    /// Fold `snapshot` (from another tracker or process) into this tracker, as if its executions
    /// had been recorded here: exact for counts, sums, min, max, rows, cache counters and
    /// first/last seen, exact up to floating-point rounding for mean and variance (parallel
    /// variance formula), and bucket-exact for the histograms, so merged percentiles equal those of
    /// the concatenated stream at histogram resolution (1 %). The snapshot's eviction count is
    /// added to ours; the bound and eviction rule apply to new fingerprints; the slow callback
    /// fires for fingerprints the merge makes slow.
    pub fn merge(&self, snapshot: &TrackerSnapshot) {
        for q in &snapshot.queries {
            let _ = self.update(
                q.id(),
                || QueryStats::with_shape(q.id(), q.normalized().to_owned(), q.kind()),
                |s| {
                    s.merge_unchecked(q);
                    s.set_slow(false);
                    Ok(())
                },
            );
        }
        self.evictions
            .fetch_add(snapshot.evictions, Ordering::Relaxed);
    }
}

/// The id of the entry with the least total time (ties: lowest id).
fn least_total(map: &HashMap<u64, Entry>) -> Option<u64> {
    map.iter()
        .min_by(|(ia, a), (ib, b)| {
            a.stats
                .total_ms()
                .total_cmp(&b.stats.total_ms())
                .then(ia.cmp(ib))
        })
        .map(|(id, _)| *id)
}

fn sort_by_total(v: &mut [QueryStats]) {
    v.sort_by(|a, b| {
        b.total_ms()
            .total_cmp(&a.total_ms())
            .then(a.id().cmp(&b.id()))
    });
}

/// A point-in-time copy of a tracker's statistics, for JSON export and cross-process merging.
///
/// JSON form (`version` 1):
/// `{"version":1,"histogram_significant_digits":2,"evictions":0,"queries":[…]}`, each query as
/// [`QueryStats`] serialises (16-hex-digit `id`, figures in milliseconds, `histogram_us` buckets).
///
/// ```
/// use cognition_core::query::tracker::{QueryTracker, TrackerSnapshot};
///
/// let tracker = QueryTracker::default();
/// tracker.record("SELECT 1", 1.5, 0, 1, None, 0)?;
/// let json = tracker.snapshot().to_json();
/// assert!(json.starts_with(r#"{"version":1,"#));
/// assert_eq!(TrackerSnapshot::from_json(&json)?.queries.len(), 1);
/// assert!(TrackerSnapshot::from_json(r#"{"version":1}"#).is_err());
/// # Ok::<(), cognition_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TrackerSnapshot {
    /// Format version, [`TrackerSnapshot::VERSION`].
    pub version: u32,
    /// The histograms' precision ([`HISTOGRAM_SIGNIFICANT_DIGITS`]); snapshots merge only at equal
    /// precision.
    pub histogram_significant_digits: u8,
    /// Evictions of the tracker the snapshot came from.
    pub evictions: u64,
    /// Statistics per fingerprint, by total time descending.
    pub queries: Vec<QueryStats>,
}

impl TrackerSnapshot {
    /// The format version written and read.
    pub const VERSION: u32 = 1;

    /// Serialise as JSON (compact, fields in the documented order).
    pub fn to_json(&self) -> String {
        // Every number in a snapshot is finite and every map key a string, so this cannot fail;
        // the fallback only keeps the function total.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parse a snapshot written by [`to_json`](Self::to_json) (any process, same format version).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming what is wrong: not JSON, a missing or wrong-typed field,
    /// an unsupported `version` or histogram precision, or inconsistent figures (0 calls, negative
    /// or non-finite times, `min_ms > max_ms`, an unknown `kind`, a bad id or histogram bucket).
    pub fn from_json(json: &str) -> Result<TrackerSnapshot, Error> {
        #[derive(Deserialize)]
        struct Probe {
            version: Option<serde_json::Value>,
        }
        let bad = |e: String| Error::InvalidArgument(format!("malformed tracker snapshot: {e}"));
        let probe: Probe = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
        match probe.version {
            None => return Err(bad("missing field `version`".into())),
            Some(v) if v.as_u64() != Some(u64::from(Self::VERSION)) => {
                return Err(bad(format!(
                    "unsupported version {v} (this library reads version {})",
                    Self::VERSION
                )))
            }
            Some(_) => {}
        }
        let snap: TrackerSnapshot = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
        if snap.histogram_significant_digits != HISTOGRAM_SIGNIFICANT_DIGITS {
            return Err(bad(format!(
                "histogram_significant_digits is {}, this library uses {}",
                snap.histogram_significant_digits, HISTOGRAM_SIGNIFICANT_DIGITS
            )));
        }
        Ok(snap)
    }
}
