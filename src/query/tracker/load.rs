//! Feeding a tracker from what services already have: imported MySQL slow logs and
//! `pg_stat_statements` exports become aggregates recorded per fingerprint.

use std::io::{BufRead, Read};

use super::QueryTracker;
use crate::query::import::{
    read_mysql_slow_log, read_pg_stat_statements_csv, ImportError, ImportReport, ImportedQuery,
};
use crate::query::stats::Aggregate;
use crate::Error;

impl QueryTracker {
    /// Record every row of `report` as an aggregate of its fingerprint and return how many were
    /// recorded.
    ///
    /// A row the tracker rejects (for example a negative time in a hand-edited file) is moved
    /// from `report.queries` to `report.errors` with its line, so the report ends up describing
    /// exactly what the tracker holds. Rows without a timestamp are taken as seen at `now_ms`.
    ///
    /// ```
    /// use cognition_core::query::{import::parse_mysql_slow_log, tracker::QueryTracker};
    ///
    /// let log = [
    ///     "# Query_time: 1.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 5000",
    ///     "SELECT * FROM t WHERE a = 1;",
    ///     "# Query_time: 0.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 5000",
    ///     "SELECT * FROM t WHERE a = 2;",
    /// ];
    /// let mut report = parse_mysql_slow_log(&log.join("\n"));
    /// let tracker = QueryTracker::default();
    /// assert_eq!(tracker.import(&mut report, 0), 2);
    /// let stats = &tracker.stats()[0];
    /// assert_eq!((stats.calls(), stats.mean_ms()), (2, 1_000.0));
    /// ```
    pub fn import(&self, report: &mut ImportReport, now_ms: i64) -> usize {
        let mut kept = Vec::with_capacity(report.queries.len());
        let mut rejected = Vec::new();
        for query in report.queries.drain(..) {
            match self.record_aggregate(&query.fingerprint, &aggregate_of(&query, now_ms)) {
                Ok(()) => kept.push(query),
                Err(e) => rejected.push(ImportError {
                    line: query.line,
                    message: format!("not recorded: {e}"),
                }),
            }
        }
        report.queries = kept;
        if !rejected.is_empty() {
            report.errors.extend(rejected);
            report.errors.sort_by_key(|e| e.line);
        }
        report.queries.len()
    }

    /// Read a MySQL slow query log from `reader` and [`import`](Self::import) it.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if reading fails (nothing is recorded then); malformed entries
    /// are not errors but lines in the returned report.
    pub fn load_mysql_slow_log(
        &self,
        reader: impl BufRead,
        now_ms: i64,
    ) -> Result<ImportReport, Error> {
        let mut report = read_mysql_slow_log(reader)?;
        self.import(&mut report, now_ms);
        Ok(report)
    }

    /// Read a `pg_stat_statements` CSV export from `reader` and [`import`](Self::import) it.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if reading fails (nothing is recorded then). Malformed rows,
    /// and a header without a `query` column, are lines in the returned report.
    pub fn load_pg_stat_statements(
        &self,
        reader: impl Read,
        now_ms: i64,
    ) -> Result<ImportReport, Error> {
        let mut report = read_pg_stat_statements_csv(reader)?;
        self.import(&mut report, now_ms);
        Ok(report)
    }
}

/// The aggregate a row stands for: unknown rows examined count as 0 (efficiency then follows the
/// documented rule for 0), unknown cache counters as 0.
fn aggregate_of(query: &ImportedQuery, now_ms: i64) -> Aggregate<'_> {
    let seen = query.timestamp_ms.unwrap_or(now_ms);
    let mut agg = Aggregate::new(&query.sql, query.calls, query.total_ms, seen)
        .rows(query.rows_examined.unwrap_or(0), query.rows_returned)
        .cache(
            query.cache_hits.unwrap_or(0),
            query.cache_misses.unwrap_or(0),
        );
    if let (Some(min), Some(max)) = (query.min_ms, query.max_ms) {
        agg = agg.min_max(min, max);
    }
    if let Some(sd) = query.stddev_ms {
        agg = agg.stddev(sd);
    }
    agg
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOW_LOG: &str = "\
# Time: 2024-03-01T10:00:00.000000Z
# Query_time: 2.000000  Lock_time: 0.000100 Rows_sent: 10  Rows_examined: 200000
SET timestamp=1709287200;
SELECT * FROM orders WHERE customer_id = 7;
# Query_time: nonsense  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 1
SELECT 1;
# Query_time: 4.000000  Lock_time: 0.000100 Rows_sent: 10  Rows_examined: 200000
SET timestamp=1709287260;
SELECT * FROM orders WHERE customer_id = 8;
";

    #[test]
    fn slow_log_entries_are_grouped_by_fingerprint() {
        let tracker = QueryTracker::default();
        let report = tracker.load_mysql_slow_log(SLOW_LOG.as_bytes(), 0).unwrap();
        assert_eq!(report.queries.len(), 2);
        let stats = tracker.stats();
        assert_eq!(stats.len(), 1);
        assert_eq!(stats[0].calls(), 2);
        assert_eq!(stats[0].mean_ms(), 3_000.0);
        assert_eq!(stats[0].rows_examined(), 400_000);
        assert_eq!(stats[0].max_ms(), 4_000.0);
    }

    #[test]
    fn malformed_slow_log_entries_are_reported_with_their_line() {
        let report = QueryTracker::default()
            .load_mysql_slow_log(SLOW_LOG.as_bytes(), 0)
            .unwrap();
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].line, 5);
    }

    #[test]
    fn log_timestamps_become_first_and_last_seen() {
        let tracker = QueryTracker::default();
        tracker
            .load_mysql_slow_log(SLOW_LOG.as_bytes(), 42)
            .unwrap();
        let stats = &tracker.stats()[0];
        assert_eq!(stats.first_seen_ms(), 1_709_287_200_000);
        assert_eq!(stats.last_seen_ms(), 1_709_287_260_000);
    }

    #[test]
    fn pg_stat_statements_rows_keep_their_moments() {
        let csv = "query,calls,total_exec_time,min_exec_time,max_exec_time,mean_exec_time,stddev_exec_time,rows\n\
                   \"SELECT * FROM t WHERE id = $1\",200,5000,1,400,25,30,200\n\
                   \"SELECT * FROM t WHERE id = $1 AND x = $2\",oops,1,1,1,1,0,1\n";
        let tracker = QueryTracker::default();
        let report = tracker.load_pg_stat_statements(csv.as_bytes(), 7).unwrap();
        assert_eq!(report.queries.len(), 1);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].line, 3);
        let stats = &tracker.stats()[0];
        assert_eq!((stats.calls(), stats.total_ms()), (200, 5_000.0));
        assert_eq!((stats.min_ms(), stats.max_ms()), (1.0, 400.0));
        assert_eq!(stats.first_seen_ms(), 7);
    }

    #[test]
    fn a_row_the_tracker_rejects_moves_to_the_errors() {
        let mut report = crate::query::import::parse_mysql_slow_log(
            "# Query_time: 1.0  Lock_time: 0 Rows_sent: 1  Rows_examined: 1\nSELECT 1;\n",
        );
        report.queries[0].total_ms = -5.0;
        let tracker = QueryTracker::default();
        assert_eq!(tracker.import(&mut report, 0), 0);
        assert!(report.queries.is_empty());
        assert_eq!(report.errors.len(), 1);
        assert!(report.errors[0].message.starts_with("not recorded"));
        assert!(tracker.is_empty());
    }

    #[test]
    fn a_failing_reader_is_an_error_and_records_nothing() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let tracker = QueryTracker::default();
        assert!(tracker
            .load_mysql_slow_log(std::io::BufReader::new(Broken), 0)
            .is_err());
        assert!(tracker.load_pg_stat_statements(Broken, 0).is_err());
        assert!(tracker.is_empty());
    }
}
