//! PostgreSQL `pg_stat_statements` CSV export reader.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

use super::{snippet, Collector, ImportReport, ImportedQuery, MAX_STATEMENT_BYTES};
use crate::query::fingerprint;
use crate::Error;

/// Longest CSV record read, in bytes: a [`MAX_STATEMENT_BYTES`] query plus room for the other
/// columns. Past it the import stops (the CSV reader cannot resynchronise inside a record).
const MAX_RECORD_BYTES: u64 = MAX_STATEMENT_BYTES as u64 + 64 * 1024;

/// The query text `pg_stat_statements` shows for other users' statements to a role without
/// `pg_read_all_stats`.
const HIDDEN_QUERY: &str = "<insufficient privilege>";

/// Read a `pg_stat_statements` CSV export, one [`ImportedQuery`] per row.
///
/// The input is what `psql` writes for
/// `\copy (select * from pg_stat_statements) to 'stats.csv' csv header`: a header row, then
/// one row per statement, the query quoted (and spanning lines) where needed. Columns are
/// found by name (any order, case-insensitive; extra columns ignored):
///
/// - required: `query`, `calls`, `rows`, and `total_exec_time` (PostgreSQL 13+) or
///   `total_time` (PostgreSQL ≤ 12); a missing one gives a single error naming it, at line 1,
///   and no rows;
/// - optional: `min_exec_time`/`min_time`, `max_exec_time`/`max_time`,
///   `mean_exec_time`/`mean_time` (else `total / calls`), `stddev_exec_time`/`stddev_time`,
///   `shared_blks_hit`, `shared_blks_read`; an empty cell (SQL `NULL`) is `None`.
///
/// Planning time (`total_plan_time`, PostgreSQL 13+ with `track_planning`) is not added:
/// `total_ms` is execution time in every version, so old and new exports compare. Rows with
/// `toplevel = f` (PostgreSQL 14+, statements run inside functions) are imported like any other;
/// their time is also inside the calling statement's.
///
/// A row is not imported, and becomes an [`ImportError`](super::ImportError) with its first
/// line, when a number is not a number (counts: non-negative integers; times: finite,
/// non-negative milliseconds), a required cell is empty, the query is empty or over
/// [`MAX_STATEMENT_BYTES`], or the row has a different number of fields than the header (a
/// file cut at the end). Rows whose query reads `<insufficient privilege>` are not imported
/// either; one error gives their count and first line. Text is decoded as UTF-8 lossily.
/// Empty input gives an empty report.
///
/// # Errors
/// [`Error::InvalidArgument`] only if reading fails; problems in the file are reported in the
/// [`ImportReport`].
///
/// # Example
/// ```
/// use cognition_core::query::import::read_pg_stat_statements_csv;
///
/// let csv = "\
/// userid,dbid,toplevel,queryid,query,calls,total_exec_time,min_exec_time,max_exec_time,mean_exec_time,stddev_exec_time,rows,shared_blks_hit,shared_blks_read
/// 10,16384,t,-6418573519785733153,\"SELECT * FROM orders WHERE customer_id = $1\",1200,5400.5,0.8,210.2,4.500416666666667,12.1,36000,98000,1500
/// ";
/// let report = read_pg_stat_statements_csv(csv.as_bytes())?;
/// let q = &report.queries[0];
/// assert_eq!(q.fingerprint.normalized, "select * from orders where customer_id = ?");
/// assert_eq!((q.calls, q.total_ms, q.rows_returned), (1200, 5400.5, 36000));
/// assert_eq!((q.cache_hits, q.cache_misses), (Some(98000), Some(1500)));
/// assert_eq!(q.rows_examined, None);
/// assert_eq!(q.line, 2);
/// # Ok::<(), cognition_core::Error>(())
/// ```
pub fn read_pg_stat_statements_csv(reader: impl Read) -> Result<ImportReport, Error> {
    let mark = Rc::new(Cell::new(0u64));
    let bounded = Bounded {
        inner: reader,
        delivered: 0,
        mark: Rc::clone(&mark),
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bounded);
    let mut out = Collector::default();
    let mut record = csv::ByteRecord::new();

    let columns = match next(&mut csv, &mut record, &mark, &mut out)? {
        Some(line) => match Columns::find(&record) {
            Ok(columns) => columns,
            Err(message) => {
                out.error(line, message);
                return Ok(out.report);
            }
        },
        None => return Ok(out.report),
    };
    let width = record.len();
    let mut hidden: Option<(usize, usize)> = None;

    while let Some(line) = next(&mut csv, &mut record, &mark, &mut out)? {
        if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
            continue; // a blank line
        }
        if record.len() != width {
            let ok = out.error(
                line,
                format!(
                    "row has {} fields, the header has {width} (is the file cut here?)",
                    record.len()
                ),
            );
            if !ok {
                break;
            }
            continue;
        }
        let ok = match columns.row(&record, line) {
            Ok(query) => out.query(query),
            Err(RowError::Hidden) => {
                hidden.get_or_insert((line, 0)).1 += 1;
                true
            }
            Err(RowError::Bad(message)) => out.error(line, message),
        };
        if !ok {
            break;
        }
    }
    if let Some((first, count)) = hidden {
        out.error(
            first,
            format!(
                "{count} row(s) have the query text `{HIDDEN_QUERY}` (first at line {first}), \
                 not imported: export as a superuser or a member of `pg_read_all_stats`"
            ),
        );
    }
    Ok(out.report)
}

/// Read the next record; `Some(line)` of its first line, `None` at the end (or when stopped).
fn next<R: Read>(
    csv: &mut csv::Reader<Bounded<R>>,
    record: &mut csv::ByteRecord,
    mark: &Cell<u64>,
    out: &mut Collector,
) -> Result<Option<usize>, Error> {
    loop {
        mark.set(csv.position().byte());
        let line = usize::try_from(csv.position().line()).unwrap_or(usize::MAX);
        match csv.read_byte_record(record) {
            Ok(false) => return Ok(None),
            Ok(true) => {
                let line = record
                    .position()
                    .and_then(|p| usize::try_from(p.line()).ok())
                    .unwrap_or(line);
                return Ok(Some(line));
            }
            Err(e) => {
                let position_line = e
                    .position()
                    .and_then(|p| usize::try_from(p.line()).ok())
                    .unwrap_or(line);
                match e.into_kind() {
                    csv::ErrorKind::Io(io) if is_too_long(&io) => {
                        out.error(
                            line,
                            format!(
                                "the row starting here is longer than {MAX_RECORD_BYTES} bytes \
                                 (MAX_STATEMENT_BYTES plus 64 KiB): import stopped"
                            ),
                        );
                        return Ok(None);
                    }
                    csv::ErrorKind::Io(io) => {
                        return Err(Error::InvalidArgument(format!(
                            "reading the pg_stat_statements CSV failed near line {line}: {io}"
                        )))
                    }
                    other => {
                        if !out.error(position_line, format!("malformed CSV: {other:?}")) {
                            return Ok(None);
                        }
                    }
                }
            }
        }
    }
}

/// Where each column is.
struct Columns {
    query: usize,
    calls: usize,
    rows: usize,
    total: usize,
    min: Option<usize>,
    max: Option<usize>,
    mean: Option<usize>,
    stddev: Option<usize>,
    hits: Option<usize>,
    reads: Option<usize>,
    /// The header's names, lower-cased, for messages.
    names: Vec<String>,
}

enum RowError {
    Hidden,
    Bad(String),
}

impl Columns {
    fn find(header: &csv::ByteRecord) -> Result<Self, String> {
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let name = String::from_utf8_lossy(raw);
                let name = if i == 0 {
                    name.trim_start_matches('\u{feff}').to_owned()
                } else {
                    name.into_owned()
                };
                name.trim().to_ascii_lowercase()
            })
            .collect();
        let at = |candidates: &[&str]| {
            candidates
                .iter()
                .find_map(|c| names.iter().position(|n| n == c))
        };
        let required = [
            ("`query`", at(&["query"])),
            ("`calls`", at(&["calls"])),
            ("`rows`", at(&["rows"])),
            (
                "`total_exec_time` (or, before PostgreSQL 13, `total_time`)",
                at(&["total_exec_time", "total_time"]),
            ),
        ];
        let missing: Vec<&str> = required
            .iter()
            .filter(|(_, at)| at.is_none())
            .map(|(name, _)| *name)
            .collect();
        if let [(_, Some(query)), (_, Some(calls)), (_, Some(rows)), (_, Some(total))] = required {
            return Ok(Columns {
                query,
                calls,
                rows,
                total,
                min: at(&["min_exec_time", "min_time"]),
                max: at(&["max_exec_time", "max_time"]),
                mean: at(&["mean_exec_time", "mean_time"]),
                stddev: at(&["stddev_exec_time", "stddev_time"]),
                hits: at(&["shared_blks_hit"]),
                reads: at(&["shared_blks_read"]),
                names,
            });
        }
        let found = names.join(", ");
        Err(format!(
            "missing column{} {} in the header row; expected a pg_stat_statements export \
             (`\\copy (select * from pg_stat_statements) to 'file' csv header`), found: {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            snippet_list(&found),
        ))
    }

    /// The header name of column `i`.
    fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("?", String::as_str)
    }

    fn row(&self, record: &csv::ByteRecord, line: usize) -> Result<ImportedQuery, RowError> {
        let text = |i: usize| String::from_utf8_lossy(record.get(i).unwrap_or_default());
        let query = record.get(self.query).unwrap_or_default();
        if query.len() > MAX_STATEMENT_BYTES {
            return Err(RowError::Bad(format!(
                "query is longer than {MAX_STATEMENT_BYTES} bytes (MAX_STATEMENT_BYTES)"
            )));
        }
        let sql = String::from_utf8_lossy(query).into_owned();
        if sql.trim() == HIDDEN_QUERY {
            return Err(RowError::Hidden);
        }
        if sql.trim().is_empty() {
            return Err(RowError::Bad("column `query` is empty".to_owned()));
        }
        let count = |i: usize, name: &str| -> Result<Option<u64>, RowError> {
            let v = text(i);
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            v.parse().map(Some).map_err(|_| {
                RowError::Bad(format!(
                    "column `{name}` is `{}`: expected a non-negative integer",
                    snippet(v)
                ))
            })
        };
        let millis = |i: usize| -> Result<Option<f64>, RowError> {
            let v = text(i);
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            match v.parse::<f64>() {
                Ok(ms) if ms.is_finite() && ms >= 0.0 => Ok(Some(ms)),
                _ => Err(RowError::Bad(format!(
                    "column `{}` is `{}`: expected milliseconds as a non-negative number",
                    self.name(i),
                    snippet(v)
                ))),
            }
        };
        let required = |value: Option<u64>, name: &str| {
            value.ok_or_else(|| RowError::Bad(format!("column `{name}` is empty")))
        };
        let calls = required(count(self.calls, "calls")?, "calls")?;
        let rows = required(count(self.rows, "rows")?, "rows")?;
        let total_ms = millis(self.total)?
            .ok_or_else(|| RowError::Bad(format!("column `{}` is empty", self.name(self.total))))?;
        let optional_ms = |i: Option<usize>| i.map_or(Ok(None), millis);
        let min_ms = optional_ms(self.min)?;
        let max_ms = optional_ms(self.max)?;
        let stddev_ms = optional_ms(self.stddev)?;
        let mean_ms = match optional_ms(self.mean)? {
            Some(mean) => mean,
            None if calls > 0 => total_ms / calls as f64,
            None => 0.0,
        };
        let cache_hits = self
            .hits
            .map_or(Ok(None), |i| count(i, "shared_blks_hit"))?;
        let cache_misses = self
            .reads
            .map_or(Ok(None), |i| count(i, "shared_blks_read"))?;
        Ok(ImportedQuery {
            fingerprint: fingerprint(&sql),
            sql,
            calls,
            total_ms,
            min_ms,
            max_ms,
            mean_ms,
            stddev_ms,
            rows_examined: None,
            rows_returned: rows,
            cache_hits,
            cache_misses,
            timestamp_ms: None,
            database: None,
            line,
        })
    }
}

fn snippet_list(found: &str) -> String {
    const MAX: usize = 200;
    match found.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &found[..end]),
        None => found.to_owned(),
    }
}

/// Marks the I/O error [`Bounded`] returns when a record grows past [`MAX_RECORD_BYTES`].
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CSV record longer than {MAX_RECORD_BYTES} bytes")
    }
}

impl std::error::Error for RecordTooLong {}

fn is_too_long(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<RecordTooLong>())
}

/// A reader that fails once more than [`MAX_RECORD_BYTES`] (plus the CSV reader's buffer) were
/// read past the start of the current record, so one endless quoted field cannot exhaust memory.
struct Bounded<R> {
    inner: R,
    delivered: u64,
    mark: Rc<Cell<u64>>,
}

/// Slack for what the CSV reader buffers ahead of the record it parses.
const READ_AHEAD: u64 = 64 * 1024;

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.delivered.saturating_sub(self.mark.get()) > MAX_RECORD_BYTES + READ_AHEAD {
            return Err(io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        self.delivered = self.delivered.saturating_add(n as u64);
        Ok(n)
    }
}
