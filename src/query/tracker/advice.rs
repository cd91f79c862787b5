//! Advice for everything a tracker holds: each fingerprint's example statement is analysed and
//! judged against its measured statistics.

use super::QueryTracker;
use crate::query::analyze::analyze;
use crate::query::stats::QueryStats;
use crate::query::suggest::{suggest, Evidence, SuggestConfig, Suggestion};
use crate::query::Fingerprint;

impl From<&QueryStats> for Evidence {
    /// The measurements advice is based on, taken from a fingerprint's statistics.
    fn from(stats: &QueryStats) -> Self {
        Evidence {
            calls: stats.calls(),
            mean_ms: stats.mean_ms(),
            p95_ms: stats.p95_ms(),
            rows_examined: stats.rows_examined(),
            rows_returned: stats.rows_returned(),
            efficiency: stats.efficiency(),
        }
    }
}

impl QueryTracker {
    /// Advice for every tracked fingerprint, with the thresholds of
    /// [`TrackerConfig::suggest_config`](super::TrackerConfig::suggest_config).
    ///
    /// Each fingerprint's example (its slowest statement, or the normalised text when examples
    /// are masked) is analysed and passed to [`suggest`] with the fingerprint's statistics as the
    /// evidence. Fingerprints come in [`stats`](Self::stats) order (total time, descending), so
    /// the advice that saves the most time tends to come first; each fingerprint's suggestions
    /// keep [`suggest`]'s order.
    ///
    /// ```
    /// use cognition_core::query::{tracker::QueryTracker, Strategy};
    ///
    /// let tracker = QueryTracker::default();
    /// for i in 0..20 {
    ///     let sql = format!("SELECT id FROM orders WHERE customer_id = {i}");
    ///     tracker.record(&sql, 120.0, 100_000, 2, None, i)?;
    /// }
    /// let advice = tracker.suggestions();
    /// assert_eq!(advice[0].strategy, Strategy::IndexHint);
    /// assert_eq!(
    ///     advice[0].statement.as_deref(),
    ///     Some("CREATE INDEX idx_orders_customer_id ON orders (customer_id)")
    /// );
    /// # Ok::<(), cognition_core::Error>(())
    /// ```
    pub fn suggestions(&self) -> Vec<Suggestion> {
        self.suggestions_with(&self.config.suggest)
    }

    /// Like [`suggestions`](Self::suggestions), with other thresholds.
    pub fn suggestions_with(&self, config: &SuggestConfig) -> Vec<Suggestion> {
        let mut out = Vec::new();
        for stats in self.stats() {
            let fp = Fingerprint {
                id: stats.id(),
                normalized: stats.normalized().to_owned(),
                kind: stats.kind(),
            };
            let analysis = analyze(stats.example());
            out.extend(suggest(&analysis, &fp, &Evidence::from(&stats), config));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::suggest::Strategy;
    use crate::query::tracker::TrackerConfig;

    fn busy_tracker(config: TrackerConfig) -> QueryTracker {
        let tracker = QueryTracker::new(config);
        for i in 0..50 {
            let slow = format!("SELECT * FROM events WHERE account_id = {i} AND kind = 'x'");
            tracker
                .record(&slow, 300.0, 1_000_000, 10, None, i)
                .unwrap();
            tracker.record("SELECT 1", 0.1, 0, 1, None, i).unwrap();
        }
        tracker
    }

    #[test]
    fn an_inefficient_filtered_read_gets_an_index_hint_with_its_evidence() {
        let tracker = busy_tracker(TrackerConfig::default());
        let advice = tracker.suggestions();
        let hint = advice
            .iter()
            .find(|s| s.strategy == Strategy::IndexHint)
            .expect("an index hint");
        assert_eq!(hint.table.as_deref(), Some("events"));
        assert_eq!(hint.columns, ["account_id", "kind"]);
        assert_eq!(hint.evidence.calls, 50);
        assert_eq!(hint.evidence.rows_examined, 50_000_000);
        let top = &tracker.stats()[0];
        assert_eq!(hint.fingerprint, top.id());
    }

    #[test]
    fn select_star_is_flagged_as_a_rewrite() {
        let advice = busy_tracker(TrackerConfig::default()).suggestions();
        assert!(advice
            .iter()
            .any(|s| s.strategy == Strategy::QueryRewrite && s.reason.contains("SELECT *")));
    }

    #[test]
    fn masked_examples_still_get_structural_advice() {
        let tracker = busy_tracker(TrackerConfig::default().mask_examples(true));
        let advice = tracker.suggestions();
        assert!(advice.iter().any(|s| s.strategy == Strategy::IndexHint));
    }

    #[test]
    fn configured_thresholds_are_used() {
        let strict = SuggestConfig::default().index_min_calls(1_000);
        let tracker = busy_tracker(TrackerConfig::default().suggest_config(strict));
        assert!(!tracker
            .suggestions()
            .iter()
            .any(|s| s.strategy == Strategy::IndexHint));
    }

    #[test]
    fn an_empty_tracker_gives_no_advice() {
        assert!(QueryTracker::default().suggestions().is_empty());
    }
}
