//! MySQL / Percona Server / MariaDB slow query log reader: a line-at-a-time state machine.

use std::io::BufRead;

use super::lines::read_line;

use super::time::parse_iso8601_ms;
use super::{snippet, Collector, ImportReport, ImportedQuery, MAX_LINE_BYTES, MAX_STATEMENT_BYTES};
use crate::query::fingerprint;
use crate::Error;

/// Read a MySQL slow query log (MySQL, Percona Server or MariaDB, `log_output = FILE`).
///
/// Each entry is a block of `#` header lines holding a
/// `# Query_time: 1.5  Lock_time: 0.0 Rows_sent: 10  Rows_examined: 1000` line, then the
/// statement, the way `mysqld` writes it (pt-query-digest reads the same blocks):
///
/// - the entry starts at its first header line (`# Time:`, `# User@Host:`, `# Thread_id:`,
///   `# Schema:` or `# Query_time:`); that line is [`ImportedQuery::line`];
/// - `Query_time` (seconds, becomes milliseconds), `Rows_sent` and `Rows_examined` are
///   required; `Lock_time`, if present, must be a number; other fields (`log_slow_extra`,
///   Percona's and MariaDB's extra header lines) are ignored;
/// - the statement is every following line up to the next entry's first header line or a
///   server start-up banner (`/usr/sbin/mysqld, Version: … started with:` and its two lines),
///   so multi-line statements and `# comment` lines inside them are kept; the terminating `;`
///   `mysqld` adds is removed;
/// - `use db;` and `SET timestamp=N;` lines before the statement are context, not the query:
///   `use` sets [`ImportedQuery::database`] for this and later entries (MySQL writes it only
///   when the database changes; a Percona/MariaDB `Schema:` header wins), `SET timestamp`
///   gives [`ImportedQuery::timestamp_ms`] (else an ISO 8601 `# Time:` line does);
/// - `# administrator command: Ping;` entries (also `Quit`, `Prepare`, `Close stmt`, …) are
///   imported, with `sql` = `administrator command: Ping`, as pt-query-digest reports them:
///   they took server time too.
///
/// Malformed entries are not imported; each becomes an [`ImportError`](super::ImportError)
/// with its line: a `Query_time` line with a missing or non-numeric field (reported at that
/// line), an entry without a `# Query_time:` line or without a statement, a bad
/// `SET timestamp`, a statement over [`MAX_STATEMENT_BYTES`] or a line over
/// [`MAX_LINE_BYTES`], text outside any entry (a file cut at the front), and a last statement
/// without its terminating `;` (a file cut at the end). Lines are decoded as UTF-8 lossily
/// (invalid bytes become U+FFFD): MySQL logs statements in the client's character set, and
/// keeping the entry beats dropping it. A `\r\n` line end and a leading byte-order mark are
/// accepted. Empty input gives an empty report.
///
/// # Errors
/// [`Error::InvalidArgument`] only if reading fails (the message says after which line);
/// problems in the log itself are reported in the [`ImportReport`].
///
/// # Example
/// ```
/// use cognition_core::query::import::read_mysql_slow_log;
///
/// let log = b"# Time: 2024-03-05T10:15:42.123456Z
/// ## User@Host: app[app] @ web-1 [10.0.0.12]  Id:    42
/// ## Query_time: 1.500000  Lock_time: 0.000120 Rows_sent: 10  Rows_examined: 1000
/// use shop;
/// SET timestamp=1709633742;
/// SELECT id FROM orders
///  WHERE customer_id = 17;
/// ";
/// // Any `BufRead`: a `BufReader<File>` in real use.
/// let report = read_mysql_slow_log(&log[..])?;
/// let q = &report.queries[0];
/// assert_eq!(q.sql, "SELECT id FROM orders\n WHERE customer_id = 17");
/// assert_eq!(q.fingerprint.normalized, "select id from orders where customer_id = ?");
/// assert_eq!((q.total_ms, q.rows_returned, q.rows_examined), (1500.0, 10, Some(1000)));
/// assert_eq!(q.timestamp_ms, Some(1_709_633_742_000));
/// assert_eq!(q.database.as_deref(), Some("shop"));
/// assert_eq!(q.line, 1);
/// assert!(report.is_clean());
/// # Ok::<(), cognition_core::Error>(())
/// ```
pub fn read_mysql_slow_log(mut reader: impl BufRead) -> Result<ImportReport, Error> {
    let mut parser = Parser::default();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        let overlong = match read_line(&mut reader, &mut buf, MAX_LINE_BYTES) {
            Ok(Some(overlong)) => overlong,
            Ok(None) => break,
            Err(e) => {
                return Err(Error::InvalidArgument(format!(
                    "reading the MySQL slow query log failed after line {line_no}: {e}"
                )))
            }
        };
        line_no += 1;
        let decoded = String::from_utf8_lossy(&buf);
        let mut text: &str = &decoded;
        text = text.strip_suffix('\r').unwrap_or(text);
        if line_no == 1 {
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        if !parser.line(line_no, text, overlong) {
            return Ok(parser.out.report);
        }
    }
    Ok(parser.finish())
}

/// [`read_mysql_slow_log`] over text already in memory; the same rules, and it cannot fail.
///
/// ```
/// use cognition_core::query::import::parse_mysql_slow_log;
///
/// let report = parse_mysql_slow_log(
///     "# Query_time: 0.000015  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0\n\
///      SET timestamp=1709633744;\n\
///      ## administrator command: Ping;\n\
///      ## Query_time: 2.0  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0\n",
/// );
/// assert_eq!(report.queries[0].sql, "administrator command: Ping");
/// assert_eq!(report.errors[0].line, 4);
/// assert!(report.errors[0].message.contains("no statement"));
/// ```
pub fn parse_mysql_slow_log(text: &str) -> ImportReport {
    match read_mysql_slow_log(text.as_bytes()) {
        Ok(report) => report,
        // Reading a byte slice cannot fail; keep the promise of no panics regardless.
        Err(e) => ImportReport {
            queries: Vec::new(),
            errors: vec![super::ImportError {
                line: 0,
                message: e.to_string(),
            }],
        },
    }
}

/// The numbers of a `# Query_time:` line.
#[derive(Clone, Copy)]
struct Metrics {
    query_ms: f64,
    rows_sent: u64,
    rows_examined: u64,
}

/// A block of `#` header lines.
struct Block {
    start: usize,
    metrics: Option<Metrics>,
    /// The first problem found in the block (the entry is then not imported).
    error: Option<(usize, String)>,
    time_ms: Option<i64>,
    schema: Option<String>,
}

/// An entry whose headers were good, collecting its statement.
struct Entry {
    start: usize,
    metrics: Metrics,
    time_ms: Option<i64>,
    schema: Option<String>,
    timestamp_ms: Option<i64>,
    sql: String,
}

#[derive(Default)]
enum State {
    /// Between entries (start of file, after a start-up banner or an administrator command).
    #[default]
    Outside,
    /// Inside text that belongs to no entry; already reported.
    Stray,
    Header(Block),
    Statement(Entry),
    /// The rest of an entry that was already reported.
    Skip,
}

#[derive(Default)]
struct Parser {
    out: Collector,
    state: State,
    /// The last `use db;`, which MySQL writes only when it changes.
    database: Option<String>,
}

impl Parser {
    /// Feed one line; return `false` once the import must stop.
    fn line(&mut self, no: usize, text: &str, overlong: bool) -> bool {
        if is_banner(text) {
            self.flush(false);
            self.state = State::Outside;
            return !self.out.stopped;
        }
        if text.starts_with('#') {
            let header = match &self.state {
                State::Statement(entry) => {
                    if entry.sql.is_empty() && admin_command(text).is_some() {
                        self.admin(text);
                        return !self.out.stopped;
                    }
                    starts_entry(text)
                }
                State::Skip => starts_entry(text),
                State::Header(block) => {
                    if admin_command(text).is_some() {
                        self.admin(text);
                        return !self.out.stopped;
                    }
                    // A second entry's headers after a complete (or broken) header block: the
                    // first had no statement.
                    if (block.metrics.is_some() || block.error.is_some()) && starts_entry(text) {
                        self.flush(false);
                        self.state = State::Header(Block::new(no));
                    }
                    true
                }
                State::Outside | State::Stray => true,
            };
            if header {
                if !matches!(self.state, State::Header(_)) {
                    self.flush(false);
                    self.state = State::Header(Block::new(no));
                }
                if let State::Header(block) = &mut self.state {
                    block.header_line(no, text, overlong);
                }
                return !self.out.stopped;
            }
        }
        self.text_line(no, text, overlong);
        !self.out.stopped
    }

    /// A line that is not a header: statement text, context, or stray text.
    fn text_line(&mut self, no: usize, text: &str, overlong: bool) {
        match std::mem::take(&mut self.state) {
            State::Outside => {
                if text.trim().is_empty() {
                    return;
                }
                self.out.error(
                    no,
                    "text outside any entry (no `# Query_time:` header before it): \
                     is the file cut at the front?",
                );
                self.state = State::Stray;
            }
            State::Stray => self.state = State::Stray,
            State::Skip => self.state = State::Skip,
            State::Header(block) => {
                if let Some(entry) = self.begin(block) {
                    self.state = State::Statement(entry);
                    self.text_line(no, text, overlong);
                } else {
                    self.state = State::Skip;
                }
            }
            State::Statement(mut entry) => {
                if entry.sql.is_empty() {
                    let t = text.trim();
                    if t.is_empty() {
                        self.state = State::Statement(entry);
                        return;
                    }
                    if let Some(db) = use_database(t) {
                        self.database = Some(db.to_owned());
                        self.state = State::Statement(entry);
                        return;
                    }
                    if let Some(value) = set_timestamp(t) {
                        match parse_unix_seconds_ms(value) {
                            Some(ms) => {
                                entry.timestamp_ms = Some(ms);
                                self.state = State::Statement(entry);
                            }
                            None => {
                                self.out.error(
                                    no,
                                    format!(
                                        "`SET timestamp=` value `{}` is not a Unix time in seconds",
                                        snippet(value)
                                    ),
                                );
                                self.state = State::Skip;
                            }
                        }
                        return;
                    }
                }
                let extra = text.len() + usize::from(!entry.sql.is_empty());
                if overlong || entry.sql.len() + extra > MAX_STATEMENT_BYTES {
                    self.out.error(
                        entry.start,
                        format!(
                            "statement is longer than {MAX_STATEMENT_BYTES} bytes \
                             (MAX_STATEMENT_BYTES); entry not imported"
                        ),
                    );
                    self.state = State::Skip;
                    return;
                }
                if !entry.sql.is_empty() {
                    entry.sql.push('\n');
                }
                entry.sql.push_str(text);
                self.state = State::Statement(entry);
            }
        }
    }

    /// Turn a complete header block into an entry, or report why it cannot be one.
    fn begin(&mut self, block: Block) -> Option<Entry> {
        if let Some((line, message)) = block.error {
            self.out.error(line, message);
            return None;
        }
        let Some(metrics) = block.metrics else {
            self.out.error(
                block.start,
                "entry has no `# Query_time:` line (expected `# Query_time: <seconds>  \
                 Lock_time: <seconds> Rows_sent: <n>  Rows_examined: <n>`)",
            );
            return None;
        };
        Some(Entry {
            start: block.start,
            metrics,
            time_ms: block.time_ms,
            schema: block.schema,
            timestamp_ms: None,
            sql: String::new(),
        })
    }

    /// `# administrator command: X;` as the statement of the current entry.
    fn admin(&mut self, text: &str) {
        let entry = match std::mem::take(&mut self.state) {
            State::Header(block) => self.begin(block),
            State::Statement(entry) => Some(entry),
            _ => None,
        };
        if let Some(mut entry) = entry {
            entry.sql = admin_command(text).unwrap_or_default().to_owned();
            self.state = State::Statement(entry);
            self.flush(false);
        }
        self.state = State::Outside;
    }

    /// Finish whatever is open; `at_end` when the input ended.
    fn flush(&mut self, at_end: bool) {
        match std::mem::take(&mut self.state) {
            State::Outside | State::Stray | State::Skip => {}
            State::Header(block) => {
                if let Some(entry) = self.begin(block) {
                    self.out.error(
                        entry.start,
                        if at_end {
                            "entry has no statement: the file ends after its header lines"
                        } else {
                            "entry has no statement (the next header line follows its header)"
                        },
                    );
                }
            }
            State::Statement(entry) => self.finish_entry(entry, at_end),
        }
    }

    fn finish_entry(&mut self, entry: Entry, at_end: bool) {
        let raw = entry.sql.trim_end();
        if raw.is_empty() {
            self.out.error(
                entry.start,
                "entry has no statement (only `use`/`SET timestamp` lines)",
            );
            return;
        }
        let admin = raw.starts_with("administrator command: ");
        if at_end && !admin && !raw.ends_with(';') {
            self.out.error(
                entry.start,
                "statement does not end with `;`: the file looks cut at the end",
            );
            return;
        }
        let sql = raw.strip_suffix(';').unwrap_or(raw).trim_end().to_owned();
        let ms = entry.metrics.query_ms;
        let query = ImportedQuery {
            fingerprint: fingerprint(&sql),
            sql,
            calls: 1,
            total_ms: ms,
            min_ms: Some(ms),
            max_ms: Some(ms),
            mean_ms: ms,
            stddev_ms: Some(0.0),
            rows_examined: Some(entry.metrics.rows_examined),
            rows_returned: entry.metrics.rows_sent,
            cache_hits: None,
            cache_misses: None,
            timestamp_ms: entry.timestamp_ms.or(entry.time_ms),
            database: entry.schema.or_else(|| self.database.clone()),
            line: entry.start,
        };
        self.out.query(query);
    }

    fn finish(mut self) -> ImportReport {
        self.flush(true);
        self.out.report
    }
}

impl Block {
    fn new(start: usize) -> Self {
        Block {
            start,
            metrics: None,
            error: None,
            time_ms: None,
            schema: None,
        }
    }

    fn header_line(&mut self, no: usize, text: &str, overlong: bool) {
        if self.error.is_some() {
            return;
        }
        if overlong {
            self.error = Some((
                no,
                format!("header line is longer than {MAX_LINE_BYTES} bytes (MAX_LINE_BYTES)"),
            ));
            return;
        }
        let body = text.trim_start_matches('#').trim();
        if let Some(time) = body.strip_prefix("Time:") {
            self.time_ms = parse_iso8601_ms(time.trim());
            return;
        }
        let query_time_line = body.starts_with("Query_time:");
        let mut query_ms = None;
        let mut rows_sent = None;
        let mut rows_examined = None;
        let mut tokens = body.split_whitespace();
        while let Some(token) = tokens.next() {
            let Some(key) = token.strip_suffix(':') else {
                continue;
            };
            let value = match key {
                "Query_time" | "Lock_time" | "Rows_sent" | "Rows_examined" | "Schema"
                    if query_time_line || key == "Schema" =>
                {
                    tokens.next()
                }
                _ => continue,
            };
            let Some(value) = value.filter(|v| !v.ends_with(':')) else {
                if key == "Schema" {
                    // No default database: `Schema:` is written with nothing after it.
                    continue;
                }
                self.error = Some((no, format!("`{key}:` has no value")));
                return;
            };
            let problem = match key {
                "Query_time" => seconds_ms(value).map(|ms| query_ms = Some(ms)),
                "Lock_time" => seconds_ms(value).map(|_| ()),
                "Rows_sent" => count(value).map(|n| rows_sent = Some(n)),
                "Rows_examined" => count(value).map(|n| rows_examined = Some(n)),
                _ => {
                    self.schema = Some(value.to_owned());
                    Some(())
                }
            };
            if problem.is_none() {
                let expected = if key.starts_with("Rows") {
                    "a non-negative integer"
                } else {
                    "seconds as a non-negative decimal number"
                };
                self.error = Some((
                    no,
                    format!("`{key}` is `{}`: expected {expected}", snippet(value)),
                ));
                return;
            }
        }
        if !query_time_line {
            return;
        }
        let missing = [
            ("Query_time", query_ms.is_none()),
            ("Rows_sent", rows_sent.is_none()),
            ("Rows_examined", rows_examined.is_none()),
        ];
        if let Some((key, _)) = missing.iter().find(|(_, m)| *m) {
            self.error = Some((
                no,
                format!("`# Query_time:` line has no `{key}` (is the line cut?)"),
            ));
            return;
        }
        if let (Some(query_ms), Some(rows_sent), Some(rows_examined)) =
            (query_ms, rows_sent, rows_examined)
        {
            self.metrics = Some(Metrics {
                query_ms,
                rows_sent,
                rows_examined,
            });
        }
    }
}

/// Seconds as written by `mysqld` (`1.500000`) to milliseconds; `None` unless finite and ≥ 0.
///
/// A plain decimal is converted by moving its decimal point, so `0.000015` gives exactly the
/// `f64` nearest 0.015 (multiplying by 1000 would give 0.015000000000000001).
fn seconds_ms(value: &str) -> Option<f64> {
    let seconds: f64 = value.parse().ok()?;
    if !(seconds.is_finite() && seconds >= 0.0) {
        return None;
    }
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !int.is_empty() && plain(int) && plain(frac) {
        let (ms_frac, rest) = frac.split_at(frac.len().min(3));
        let shifted = format!("{int}{ms_frac:0<3}.{rest}0");
        if let Ok(ms) = shifted.parse::<f64>() {
            return Some(ms);
        }
    }
    Some(seconds * 1000.0)
}

fn count(value: &str) -> Option<u64> {
    value.parse().ok()
}

/// `SET timestamp=1709633742;` (any case, optional fraction) to Unix milliseconds.
fn parse_unix_seconds_ms(value: &str) -> Option<i64> {
    let seconds: f64 = value.parse().ok()?;
    // About ±292,000 years either way still fits i64 milliseconds; far beyond any log.
    (seconds.is_finite() && seconds.abs() < 9.0e15).then(|| (seconds * 1000.0).round() as i64)
}

/// The value of a `SET timestamp=…;` line, if it is one.
fn set_timestamp(t: &str) -> Option<&str> {
    let head = t.get(..14)?;
    if !head.eq_ignore_ascii_case("set timestamp=") {
        return None;
    }
    let rest = t[14..].trim();
    Some(rest.strip_suffix(';').unwrap_or(rest).trim())
}

/// The database of a `use db;` line, if it is one (backquotes removed).
fn use_database(t: &str) -> Option<&str> {
    let head = t.get(..4)?;
    if !head.eq_ignore_ascii_case("use ") {
        return None;
    }
    let name = t[4..].trim().strip_suffix(';')?.trim();
    let name = name
        .strip_prefix('`')
        .and_then(|n| n.strip_suffix('`'))
        .unwrap_or(name);
    (!name.is_empty() && !name.contains(char::is_whitespace)).then_some(name)
}

/// `administrator command: Ping` from `# administrator command: Ping;`.
fn admin_command(text: &str) -> Option<&str> {
    let body = text.strip_prefix('#')?.trim();
    body.starts_with("administrator command:")
        .then(|| body.strip_suffix(';').unwrap_or(body).trim_end())
}

/// Header lines that begin an entry in MySQL, Percona Server and MariaDB logs.
fn starts_entry(text: &str) -> bool {
    let body = text.trim_start_matches('#').trim_start();
    [
        "Time:",
        "User@Host:",
        "Query_time:",
        "Thread_id:",
        "Schema:",
    ]
    .iter()
    .any(|key| body.starts_with(key))
}

/// The three lines `mysqld` writes when it (re)opens the log.
fn is_banner(text: &str) -> bool {
    (text.contains(", Version: ") && text.trim_end().ends_with("started with:"))
        || text.starts_with("Tcp port: ")
        || (text.starts_with("Time ") && text.contains("Id Command") && text.contains("Argument"))
}
