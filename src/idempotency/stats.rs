//! Statistics over a window of records.

use std::collections::BTreeMap;

use super::{Record, Status, UnixMillis, Window};

const HOUR_MILLIS: i64 = 3_600_000;

/// Counts, success rate, processing times and hourly volume over a window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stats {
    /// Records created in the window.
    pub total: u64,
    /// Records per status (every status present, zero included).
    pub by_status: BTreeMap<Status, u64>,
    /// Records per event type.
    pub by_event_type: BTreeMap<String, u64>,
    /// `processed / (processed + failed + dead)`; `None` when none of those exist yet.
    pub success_rate: Option<f64>,
    /// Median processing time of processed records, in ms (nearest-rank).
    pub processing_p50_millis: Option<i64>,
    /// 95th percentile processing time, in ms (nearest-rank).
    pub processing_p95_millis: Option<i64>,
    /// Longest processing time, in ms.
    pub processing_max_millis: Option<i64>,
    /// Records created per hour: `(hour start, count)`, ascending, empty hours left out.
    pub per_hour: Vec<(UnixMillis, u64)>,
}

impl Stats {
    /// Compute the statistics of the records created within `window`.
    ///
    /// # Example
    /// ```
    /// use cognition_core::idempotency::{Stats, Window};
    ///
    /// let stats = Stats::from_records(std::iter::empty(), Window::ALL);
    /// assert_eq!(stats.total, 0);
    /// assert_eq!(stats.success_rate, None);
    /// ```
    pub fn from_records<'a>(
        records: impl IntoIterator<Item = &'a Record>,
        window: Window,
    ) -> Stats {
        let mut stats = Stats {
            by_status: Status::ALL.into_iter().map(|s| (s, 0)).collect(),
            ..Stats::default()
        };
        let mut durations = Vec::new();
        let mut hours: BTreeMap<UnixMillis, u64> = BTreeMap::new();
        for record in records
            .into_iter()
            .filter(|r| window.contains(r.created_at))
        {
            stats.total += 1;
            *stats.by_status.entry(record.status).or_default() += 1;
            match stats.by_event_type.get_mut(&*record.event_type) {
                Some(count) => *count += 1,
                None => {
                    stats.by_event_type.insert(record.event_type.to_string(), 1);
                }
            }
            *hours
                .entry(record.created_at.div_euclid(HOUR_MILLIS) * HOUR_MILLIS)
                .or_default() += 1;
            durations.extend(record.processing_millis());
        }
        let count = |s| stats.by_status.get(&s).copied().unwrap_or(0);
        let settled = count(Status::Processed) + count(Status::Failed) + count(Status::Dead);
        stats.success_rate =
            (settled > 0).then(|| count(Status::Processed) as f64 / settled as f64);
        durations.sort_unstable();
        stats.processing_p50_millis = nearest_rank(&durations, 50);
        stats.processing_p95_millis = nearest_rank(&durations, 95);
        stats.processing_max_millis = durations.last().copied();
        stats.per_hour = hours.into_iter().collect();
        stats
    }

    /// The statistics as JSON (the schema the C and Go faces document).
    pub fn to_json(&self) -> serde_json::Value {
        let by_status: serde_json::Map<String, serde_json::Value> = self
            .by_status
            .iter()
            .map(|(s, n)| (s.as_str().to_owned(), (*n).into()))
            .collect();
        serde_json::json!({
            "total": self.total,
            "by_status": by_status,
            "by_event_type": self.by_event_type,
            "success_rate": self.success_rate,
            "processing_p50_millis": self.processing_p50_millis,
            "processing_p95_millis": self.processing_p95_millis,
            "processing_max_millis": self.processing_max_millis,
            "per_hour": self.per_hour.iter().map(|(h, n)| serde_json::json!({"hour_start": h, "count": n})).collect::<Vec<_>>(),
        })
    }
}

/// Nearest-rank percentile of sorted values.
fn nearest_rank(sorted: &[i64], percentile: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percentile * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_matches_the_textbook_definition() {
        let values: Vec<i64> = (1..=20).collect();
        assert_eq!(nearest_rank(&values, 50), Some(10));
        assert_eq!(nearest_rank(&values, 95), Some(19));
        assert_eq!(nearest_rank(&[7], 95), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
    }
}
