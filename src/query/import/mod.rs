//! Importers for what services already have: MySQL slow query logs and PostgreSQL
//! `pg_stat_statements` CSV exports, turned into [`ImportedQuery`] rows ready to be recorded.
//!
//! - [`read_mysql_slow_log`] / [`parse_mysql_slow_log`]: the `# Query_time: … Rows_sent: …
//!   Rows_examined: …` blocks that MySQL, Percona Server and MariaDB write with
//!   `slow_query_log = ON` (`log_output = FILE`); one [`ImportedQuery`] per entry, `calls` 1.
//! - [`read_pg_stat_statements_csv`]: the file that
//!   `\copy (select * from pg_stat_statements) to 'stats.csv' csv header` writes; one
//!   [`ImportedQuery`] per row, with PostgreSQL 13+ column names (`total_exec_time`, …) or the
//!   older ones (`total_time`, …).
//!
//! Nothing is dropped quietly: an entry that cannot be read becomes an [`ImportError`] with its
//! 1-based line number in [`ImportReport::errors`], and the rest of the file is still imported.
//!
//! ## Limits
//! Every input is bounded, with an error past the bound: [`MAX_STATEMENT_BYTES`] per statement,
//! [`MAX_LINE_BYTES`] per line (memory stays bounded even for a file without newlines),
//! [`MAX_QUERIES`] imported rows and [`MAX_ERRORS`] errors per import; past the last two the
//! import stops with one more error that says so.
//!
//! ## What this module does not do
//! It does not aggregate (one row per log entry; grouping by fingerprint is the tracker's job),
//! does not open files or connections (pass any reader), does not decompress (`gunzip` first),
//! and does not read MySQL's general log, `log_output = TABLE`, PostgreSQL's server log
//! (`log_min_duration_statement`, `auto_explain`) or `pg_stat_statements` exports in other
//! formats (`COPY … (FORMAT text)`, JSON).

mod lines;
mod mysql;
mod pg;
mod time;

use std::fmt;

pub use mysql::{parse_mysql_slow_log, read_mysql_slow_log};
pub use pg::read_pg_stat_statements_csv;

use super::Fingerprint;

/// The longest statement imported, in bytes (1 MiB); a longer entry becomes an [`ImportError`].
pub const MAX_STATEMENT_BYTES: usize = 1 << 20;

/// The longest line read, in bytes (1 MiB); the rest of a longer line is not kept in memory and
/// the entry it belongs to becomes an [`ImportError`].
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The most rows one import returns; past it the import stops with an [`ImportError`].
pub const MAX_QUERIES: usize = 1_000_000;

/// The most errors one import collects; the import then stops with one more error saying so.
pub const MAX_ERRORS: usize = 1_000;

/// One imported statement: a slow-log entry (`calls` 1) or a `pg_stat_statements` row.
///
/// Times are milliseconds. Which fields each source fills:
///
/// | field | MySQL slow log | `pg_stat_statements` |
/// |---|---|---|
/// | `calls` | 1 | `calls` (may be 0 for a statement planned but not executed) |
/// | `total_ms`, `mean_ms` | `Query_time` × 1000 | `total_exec_time`, `mean_exec_time` (≤ 12: `total_time`, `mean_time`); planning time is not included |
/// | `min_ms`, `max_ms`, `stddev_ms` | `Some(Query_time)`, `Some(Query_time)`, `Some(0.0)` | `min_exec_time`, `max_exec_time`, `stddev_exec_time` if the column exists |
/// | `rows_examined` | `Rows_examined` | `None` (PostgreSQL does not count them) |
/// | `rows_returned` | `Rows_sent` | `rows` (retrieved or affected) |
/// | `cache_hits`, `cache_misses` | `None` | `shared_blks_hit`, `shared_blks_read` (buffer blocks, not calls) |
/// | `timestamp_ms` | `SET timestamp=…;`, else an ISO 8601 `# Time:` | `None` |
/// | `database` | `# Schema:` or the last `use db;` | `None` (the export has only `dbid`) |
/// | `line` | the entry's first `#` header line | the row's first line |
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedQuery {
    /// The statement text as logged (the slow log's terminating `;` removed).
    pub sql: String,
    /// The fingerprint of [`sql`](Self::sql).
    pub fingerprint: Fingerprint,
    /// How many executions the row stands for.
    pub calls: u64,
    /// Total execution time, milliseconds.
    pub total_ms: f64,
    /// Fastest execution, milliseconds, if the source has it.
    pub min_ms: Option<f64>,
    /// Slowest execution, milliseconds, if the source has it.
    pub max_ms: Option<f64>,
    /// Mean execution time, milliseconds (`total_ms / calls` when the source has no mean; 0 for 0 calls).
    pub mean_ms: f64,
    /// Population standard deviation of the execution time, milliseconds, if the source has it.
    pub stddev_ms: Option<f64>,
    /// Rows the server read to answer, if the source counts them.
    pub rows_examined: Option<u64>,
    /// Rows sent to the client (or affected).
    pub rows_returned: u64,
    /// Cache hits (PostgreSQL: shared buffer blocks found in cache).
    pub cache_hits: Option<u64>,
    /// Cache misses (PostgreSQL: shared buffer blocks read).
    pub cache_misses: Option<u64>,
    /// When the statement ran, Unix milliseconds, if the source says.
    pub timestamp_ms: Option<i64>,
    /// The default database the statement ran in, if the source says.
    pub database: Option<String>,
    /// The 1-based line where the entry starts in the input.
    pub line: usize,
}

/// An entry that was not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The 1-based line of the entry (or of the offending line inside it).
    pub line: usize,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ImportError {
    /// Writes `line N: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What an import produced: the rows read, and one error per entry that was not.
///
/// ```
/// use cognition_core::query::import::parse_mysql_slow_log;
///
/// let report = parse_mysql_slow_log(
///     "# Query_time: 0.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 10\nSELECT 1;\n\
///      ## Query_time: oops  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 10\nSELECT 2;\n",
/// );
/// assert_eq!(report.queries.len(), 1);
/// assert_eq!(report.errors[0].line, 3);
/// assert!(!report.is_clean());
/// assert!(report.summary().starts_with("1 query imported (1 call, 500.000 ms), 1 error"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportReport {
    /// The imported rows, in input order.
    pub queries: Vec<ImportedQuery>,
    /// The entries not imported, in input order (a `pg_stat_statements` note about rows with
    /// hidden query text comes last).
    pub errors: Vec<ImportError>,
}

/// How many errors [`ImportReport::summary`] spells out.
const SUMMARY_ERRORS: usize = 5;

impl ImportReport {
    /// Return `true` if every entry was imported (no errors).
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Total number of executions across [`queries`](Self::queries).
    pub fn total_calls(&self) -> u64 {
        self.queries
            .iter()
            .fold(0u64, |sum, q| sum.saturating_add(q.calls))
    }

    /// One line for a log or a CLI: counts, total time, and the first few errors.
    ///
    /// For example `3 queries imported (3 calls, 4500.015 ms), 2 errors: line 21: …; line 27: …`.
    pub fn summary(&self) -> String {
        let total_ms: f64 = self.queries.iter().map(|q| q.total_ms).sum();
        let calls = self.total_calls();
        let mut out = format!(
            "{} quer{} imported ({} call{}, {:.3} ms), {} error{}",
            self.queries.len(),
            if self.queries.len() == 1 { "y" } else { "ies" },
            calls,
            if calls == 1 { "" } else { "s" },
            total_ms,
            self.errors.len(),
            if self.errors.len() == 1 { "" } else { "s" },
        );
        for (i, e) in self.errors.iter().take(SUMMARY_ERRORS).enumerate() {
            out.push_str(if i == 0 { ": " } else { "; " });
            out.push_str(&e.to_string());
        }
        if self.errors.len() > SUMMARY_ERRORS {
            out.push_str(&format!(
                "; and {} more",
                self.errors.len() - SUMMARY_ERRORS
            ));
        }
        out
    }
}

/// Builds a report and enforces [`MAX_QUERIES`] and [`MAX_ERRORS`].
#[derive(Default)]
struct Collector {
    report: ImportReport,
    stopped: bool,
}

impl Collector {
    /// Add a row; return `false` once the import must stop.
    fn query(&mut self, query: ImportedQuery) -> bool {
        if self.stopped {
            return false;
        }
        if self.report.queries.len() >= MAX_QUERIES {
            self.stop(
                query.line,
                format!("more than {MAX_QUERIES} entries: import stopped here; split the input"),
            );
            return false;
        }
        self.report.queries.push(query);
        true
    }

    /// Add an error; return `false` once the import must stop.
    fn error(&mut self, line: usize, message: impl Into<String>) -> bool {
        if self.stopped {
            return false;
        }
        self.report.errors.push(ImportError {
            line,
            message: message.into(),
        });
        if self.report.errors.len() >= MAX_ERRORS {
            self.stop(
                line,
                format!("{MAX_ERRORS} errors: import stopped here; is this the right format?"),
            );
            return false;
        }
        true
    }

    fn stop(&mut self, line: usize, message: String) {
        self.report.errors.push(ImportError { line, message });
        self.stopped = true;
    }
}

/// At most 40 characters of a value, for messages (no echo of a megabyte of garbage).
fn snippet(value: &str) -> String {
    const MAX: usize = 40;
    match value.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}
