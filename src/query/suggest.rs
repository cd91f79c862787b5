//! [`suggest`]: optimisation advice for one fingerprint from its [`Analysis`] and its measured
//! [`Evidence`] — index hints (with the `CREATE INDEX` statement), query rewrites, materialised
//! views, partition pruning, parallel execution and result caching, each with a reason that
//! quotes the numbers, and a documented confidence.
//!
//! What this deliberately does not do: it knows no schema, so it cannot see existing indexes,
//! primary keys or column types (an index hint may duplicate an index that exists but is not
//! used); it never runs `EXPLAIN`; and it gives no index advice for statements that did not
//! parse. Suggestions are heuristics for a human to review, not changes to apply blindly.

use std::fmt::Write as _;

use serde::{Serialize, Serializer};

use super::analyze::{Analysis, Comparison, Direction, Obstacle, SqlDialect};
use super::{Fingerprint, QueryKind};

/// What was measured for one fingerprint (totals over all calls, as the tracker keeps them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Number of executions.
    pub calls: u64,
    /// Mean execution time, milliseconds.
    pub mean_ms: f64,
    /// 95th-percentile execution time, milliseconds.
    pub p95_ms: f64,
    /// Rows examined, summed over all calls.
    pub rows_examined: u64,
    /// Rows returned, summed over all calls.
    pub rows_returned: u64,
    /// The efficiency score (0..1, see the stats module).
    pub efficiency: f64,
}

impl Evidence {
    /// Rows examined per call (the total when `calls` is 0).
    ///
    /// ```
    /// use cognition_core::query::suggest::Evidence;
    /// let e = Evidence { calls: 4, rows_examined: 1000, ..Evidence::default() };
    /// assert_eq!(e.rows_examined_per_call(), 250);
    /// ```
    pub fn rows_examined_per_call(&self) -> u64 {
        self.rows_examined / self.calls.max(1)
    }

    /// Rows returned per call (the total when `calls` is 0).
    ///
    /// ```
    /// use cognition_core::query::suggest::Evidence;
    /// let e = Evidence { calls: 4, rows_returned: 8, ..Evidence::default() };
    /// assert_eq!(e.rows_returned_per_call(), 2);
    /// ```
    pub fn rows_returned_per_call(&self) -> u64 {
        self.rows_returned / self.calls.max(1)
    }

    /// The numbers as they appear at the end of every reason.
    fn text(&self) -> String {
        format!(
            "{} calls, mean {:.1} ms, p95 {:.1} ms, {} rows examined / {} returned per call, efficiency {:.3}",
            self.calls,
            self.mean_ms,
            self.p95_ms,
            self.rows_examined_per_call(),
            self.rows_returned_per_call(),
            self.efficiency
        )
    }
}

/// The kind of advice, in the order suggestions are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Strategy {
    /// Create an index; [`Suggestion::statement`] holds the `CREATE INDEX`.
    IndexHint,
    /// Rewrite the statement (the reason says what and how).
    QueryRewrite,
    /// Precompute a frequent heavy aggregate.
    MaterializedView,
    /// Partition a very large table by a time column the query filters on by range.
    PartitionPruning,
    /// Let the database scan a very large aggregate in parallel.
    ParallelExecution,
    /// Cache the result in the application.
    CacheResult,
}

impl Strategy {
    /// The name used in reports and by the other faces (`"INDEX_HINT"`, …).
    ///
    /// ```
    /// use cognition_core::query::suggest::Strategy;
    /// assert_eq!(Strategy::QueryRewrite.as_str(), "QUERY_REWRITE");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::IndexHint => "INDEX_HINT",
            Strategy::QueryRewrite => "QUERY_REWRITE",
            Strategy::MaterializedView => "MATERIALIZED_VIEW",
            Strategy::PartitionPruning => "PARTITION_PRUNING",
            Strategy::ParallelExecution => "PARALLEL_EXECUTION",
            Strategy::CacheResult => "CACHE_RESULT",
        }
    }
}

fn hex_id<S: Serializer>(id: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{id:016x}"))
}

/// One piece of advice.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    /// What to do.
    pub strategy: Strategy,
    /// The fingerprint id it is about (serialised as 16 hex digits).
    #[serde(serialize_with = "hex_id")]
    pub fingerprint: u64,
    /// The table it concerns, when it concerns one.
    pub table: Option<String>,
    /// The columns it concerns (the index columns, in order, for an index hint).
    pub columns: Vec<String>,
    /// Why, in words, ending with the evidence numbers.
    pub reason: String,
    /// The measurements the advice was based on.
    pub evidence: Evidence,
    /// A statement to run, for [`Strategy::IndexHint`]: `CREATE INDEX … ON table (…)`.
    pub statement: Option<String>,
    /// How sure the rule is, 0..1 (see [`suggest`] for each rule's value).
    pub confidence: f64,
}

/// Thresholds for [`suggest`]. [`SuggestConfig::default`] holds the documented defaults; the
/// builder methods change one each.
///
/// ```
/// use cognition_core::query::suggest::SuggestConfig;
/// let config = SuggestConfig::default().large_offset(5_000).low_efficiency(0.1);
/// assert_eq!(config.get_large_offset(), 5_000);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SuggestConfig {
    index_min_calls: u64,
    low_efficiency: f64,
    rewrite_min_calls: u64,
    large_offset: u64,
    aggregate_min_calls: u64,
    aggregate_min_rows: u64,
    aggregate_min_mean_ms: f64,
    large_scan_rows: u64,
    cache_min_calls: u64,
    cache_max_rows: u64,
}

impl Default for SuggestConfig {
    fn default() -> Self {
        SuggestConfig {
            index_min_calls: 10,
            low_efficiency: 0.2,
            rewrite_min_calls: 1,
            large_offset: 1_000,
            aggregate_min_calls: 100,
            aggregate_min_rows: 100_000,
            aggregate_min_mean_ms: 100.0,
            large_scan_rows: 1_000_000,
            cache_min_calls: 1_000,
            cache_max_rows: 100,
        }
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident / $get:ident: $ty:ty;)*) => {
        impl SuggestConfig {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $name(mut self, value: $ty) -> Self {
                    self.$name = value;
                    self
                }

                #[doc = concat!("The current `", stringify!($name), "` threshold.")]
                pub fn $get(&self) -> $ty {
                    self.$name
                }
            )*
        }
    };
}

setters! {
    /// Index hints need at least this many calls ("frequently filtered"); default 10.
    index_min_calls / get_index_min_calls: u64;
    /// Index hints need an efficiency below this; default 0.2.
    low_efficiency / get_low_efficiency: f64;
    /// Query rewrites need at least this many calls; default 1 (every recorded statement).
    rewrite_min_calls / get_rewrite_min_calls: u64;
    /// An `OFFSET` at or above this is large pagination; default 1,000.
    large_offset / get_large_offset: u64;
    /// Materialised views need at least this many calls; default 100.
    aggregate_min_calls / get_aggregate_min_calls: u64;
    /// Materialised views need at least this many rows examined per call; default 100,000.
    aggregate_min_rows / get_aggregate_min_rows: u64;
    /// Materialised views need a mean time of at least this many ms; default 100.
    aggregate_min_mean_ms / get_aggregate_min_mean_ms: f64;
    /// A very large scan (partition pruning, parallel execution) examines at least this many
    /// rows per call; default 1,000,000.
    large_scan_rows / get_large_scan_rows: u64;
    /// Result caching needs at least this many calls; default 1,000.
    cache_min_calls / get_cache_min_calls: u64;
    /// Result caching needs at most this many rows returned per call; default 100.
    cache_max_rows / get_cache_max_rows: u64;
}

/// Confidence of each rewrite rule (fixed: the pattern is certain, its cost is not).
const CONF_SELECT_STAR: f64 = 0.5;
const CONF_LEADING_WILDCARD: f64 = 0.8;
const CONF_FUNCTION: f64 = 0.8;
const CONF_OR: f64 = 0.6;
const CONF_NOT_IN: f64 = 0.7;
const CONF_OFFSET: f64 = 0.7;
const CONF_CROSS_JOIN: f64 = 0.8;
const CONF_MATERIALIZED_VIEW: f64 = 0.6;
const CONF_PARTITION: f64 = 0.5;
const CONF_PARALLEL: f64 = 0.4;
const CONF_CACHE: f64 = 0.6;

/// PostgreSQL's identifier length limit; index names are cut to it.
const MAX_INDEX_NAME: usize = 63;

/// Advice for one fingerprint, in a deterministic order: by [`Strategy`], then table, columns
/// and reason.
///
/// The rules (thresholds from `config`):
/// - **INDEX_HINT** (parsed statements only), per table with at least one usable filter or join
///   key, when `calls ≥ index_min_calls` and `efficiency < low_efficiency`: the index columns
///   are the table's join keys and equality filters (order of appearance), then the first range
///   filter, and stop. Only when there is no range filter are the `GROUP BY` columns appended
///   (or else the `ORDER BY` columns, when all of them are plain columns of this table and all
///   go the same direction). Columns under `OR` across columns or under a function are never
///   used. Confidence `0.5 + 0.4 × (1 − efficiency / low_efficiency)`, rounded to 2 decimals.
/// - **QUERY_REWRITE** when `calls ≥ rewrite_min_calls`: `SELECT *` (0.5), leading-wildcard
///   `LIKE` (0.8), a function on a filtered column (0.8), `OR` across different columns (0.6),
///   `NOT IN (subquery)` (0.7), `OFFSET ≥ large_offset` (0.7), an implicit cross join (0.8).
/// - **MATERIALIZED_VIEW** for aggregates with `calls ≥ aggregate_min_calls`, rows examined
///   per call `≥ aggregate_min_rows` and `mean_ms ≥ aggregate_min_mean_ms` (0.6).
/// - **PARTITION_PRUNING** for a range filter on a time-like column (`created_at`, `*_at`,
///   `*_date`, `*_time`, `date`, `time`, `timestamp`, `datetime`) when rows examined per call
///   `≥ large_scan_rows` (0.5).
/// - **PARALLEL_EXECUTION** for aggregates with rows examined per call `≥ large_scan_rows` (0.4).
/// - **CACHE_RESULT** for reads (`SELECT`, `JOIN`, `AGGREGATE`) with `calls ≥ cache_min_calls`
///   and rows returned per call `≤ cache_max_rows` (0.6).
///
/// ```
/// use cognition_core::query::analyze::analyze;
/// use cognition_core::query::fingerprint;
/// use cognition_core::query::suggest::{suggest, Evidence, Strategy, SuggestConfig};
///
/// let sql = "SELECT id, total FROM orders WHERE customer_id = 42 AND created_at > '2024-01-01'";
/// let evidence = Evidence {
///     calls: 500, mean_ms: 80.0, p95_ms: 150.0,
///     rows_examined: 50_000_000, rows_returned: 5_000, efficiency: 0.0001,
/// };
/// let advice = suggest(&analyze(sql), &fingerprint(sql), &evidence, &SuggestConfig::default());
/// assert_eq!(advice[0].strategy, Strategy::IndexHint);
/// assert_eq!(
///     advice[0].statement.as_deref(),
///     Some("CREATE INDEX idx_orders_customer_id_created_at ON orders (customer_id, created_at)")
/// );
/// ```
pub fn suggest(
    analysis: &Analysis,
    fingerprint: &Fingerprint,
    evidence: &Evidence,
    config: &SuggestConfig,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let ctx = Ctx {
        fingerprint: fingerprint.id,
        evidence: *evidence,
        numbers: evidence.text(),
    };
    if analysis.parsed
        && evidence.calls >= config.index_min_calls
        && evidence.efficiency < config.low_efficiency
    {
        index_hints(analysis, &ctx, config, &mut out);
    }
    if evidence.calls >= config.rewrite_min_calls {
        rewrites(analysis, &ctx, config, &mut out);
    }
    let per_call = evidence.rows_examined_per_call();
    let aggregates = analysis.aggregates || fingerprint.kind == QueryKind::Aggregate;
    let first_table = analysis.tables.first().map(|t| t.name.clone());
    if aggregates
        && evidence.calls >= config.aggregate_min_calls
        && per_call >= config.aggregate_min_rows
        && evidence.mean_ms >= config.aggregate_min_mean_ms
    {
        out.push(ctx.make(
            Strategy::MaterializedView,
            first_table.clone(),
            Vec::new(),
            format!(
                "a heavy aggregate{} runs often: precompute it in a materialized view (or a summary \
                 table kept up to date) and read that instead",
                on_table(first_table.as_deref())
            ),
            CONF_MATERIALIZED_VIEW,
        ));
    }
    if per_call >= config.large_scan_rows {
        let mut seen: Vec<(String, String)> = Vec::new();
        for f in &analysis.filters {
            let (Some(table), Comparison::Range) = (&f.table, &f.comparison) else {
                continue;
            };
            let key = (table.clone(), f.column.clone());
            if !is_time_like(&f.column) || seen.contains(&key) {
                continue;
            }
            seen.push(key);
            out.push(ctx.make(
                Strategy::PartitionPruning,
                Some(table.clone()),
                vec![f.column.clone()],
                format!(
                    "{table} is scanned at {per_call} rows per call with a range filter on the time \
                     column {}: partition {table} by range of {} so only the matching partitions \
                     are read",
                    f.column, f.column
                ),
                CONF_PARTITION,
            ));
        }
        if aggregates {
            out.push(ctx.make(
                Strategy::ParallelExecution,
                first_table.clone(),
                Vec::new(),
                format!(
                    "an aggregate{} scans {per_call} rows per call: allow a parallel plan (e.g. \
                     PostgreSQL max_parallel_workers_per_gather) or precompute it",
                    on_table(first_table.as_deref())
                ),
                CONF_PARALLEL,
            ));
        }
    }
    let read = matches!(
        fingerprint.kind,
        QueryKind::Select | QueryKind::Join | QueryKind::Aggregate
    );
    if read
        && evidence.calls >= config.cache_min_calls
        && evidence.rows_returned_per_call() <= config.cache_max_rows
    {
        out.push(ctx.make(
            Strategy::CacheResult,
            first_table.clone(),
            Vec::new(),
            format!(
                "the same read runs very often and returns at most {} rows per call: cache its \
                 result in the application (keyed by the parameters), invalidated on writes{}",
                config.cache_max_rows,
                match first_table.as_deref() {
                    Some(t) => format!(" to {t}"),
                    None => String::new(),
                }
            ),
            CONF_CACHE,
        ));
    }
    out.sort_by(|a, b| {
        (a.strategy, &a.table, &a.columns, &a.reason)
            .cmp(&(b.strategy, &b.table, &b.columns, &b.reason))
    });
    out
}

struct Ctx {
    fingerprint: u64,
    evidence: Evidence,
    numbers: String,
}

impl Ctx {
    fn make(
        &self,
        strategy: Strategy,
        table: Option<String>,
        columns: Vec<String>,
        reason: String,
        confidence: f64,
    ) -> Suggestion {
        Suggestion {
            strategy,
            fingerprint: self.fingerprint,
            table,
            columns,
            reason: format!("{reason} ({})", self.numbers),
            evidence: self.evidence,
            statement: None,
            confidence,
        }
    }
}

fn on_table(table: Option<&str>) -> String {
    table.map(|t| format!(" on {t}")).unwrap_or_default()
}

/// Return `true` for column names that usually hold times: `date`, `time`, `timestamp`,
/// `datetime`, and names ending in `_at`, `_date`, `_time` or `_timestamp`.
fn is_time_like(column: &str) -> bool {
    let c = column.to_ascii_lowercase();
    matches!(c.as_str(), "date" | "time" | "timestamp" | "datetime")
        || ["_at", "_date", "_time", "_timestamp"]
            .iter()
            .any(|s| c.ends_with(s) && c.len() > s.len())
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_owned());
    }
}

/// Quote an identifier part when it is not a plain lower-case name.
fn quote(part: &str, dialect: Option<SqlDialect>) -> String {
    let plain = part
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && part
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if plain {
        part.to_owned()
    } else if dialect == Some(SqlDialect::Mysql) {
        format!("`{}`", part.replace('`', "``"))
    } else {
        format!("\"{}\"", part.replace('"', "\"\""))
    }
}

fn index_name(table: &str, columns: &[String]) -> String {
    let base = table.rsplit('.').next().unwrap_or(table);
    let mut name = format!("idx_{base}");
    for c in columns {
        name.push('_');
        name.push_str(c);
    }
    let mut clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    clean.truncate(MAX_INDEX_NAME);
    clean
}

fn index_hints(analysis: &Analysis, ctx: &Ctx, config: &SuggestConfig, out: &mut Vec<Suggestion>) {
    let mut done: Vec<&str> = Vec::new();
    for t in &analysis.tables {
        let table = t.name.as_str();
        if done.contains(&table) {
            continue;
        }
        done.push(table);
        let mut eq: Vec<String> = Vec::new();
        let mut joins: Vec<String> = Vec::new();
        for k in &analysis.join_keys {
            if k.table.as_deref() == Some(table) {
                push_unique(&mut eq, &k.column);
                push_unique(&mut joins, &k.column);
            }
        }
        let mut filters: Vec<String> = Vec::new();
        for f in analysis.filters_on(table) {
            if f.comparison == Comparison::Equality {
                push_unique(&mut eq, &f.column);
                push_unique(&mut filters, &f.column);
            }
        }
        let range = analysis
            .filters_on(table)
            .find(|f| f.comparison == Comparison::Range && !eq.contains(&f.column))
            .map(|f| f.column.clone());
        if eq.is_empty() && range.is_none() {
            continue;
        }
        let mut cols = eq.clone();
        let mut why = Vec::new();
        if !filters.is_empty() {
            why.push(format!("equality filters on {}", filters.join(", ")));
        }
        if !joins.is_empty() {
            why.push(format!("join keys {}", joins.join(", ")));
        }
        match &range {
            Some(r) => {
                cols.push(r.clone());
                why.push(format!(
                    "a range filter on {r} (last: columns after a range cannot be used)"
                ));
            }
            None => {
                let on_table = |c: &super::analyze::ColumnRef| c.table.as_deref() == Some(table);
                if !analysis.group_by.is_empty()
                    && !analysis.group_by_other
                    && analysis.group_by.iter().all(on_table)
                {
                    let before = cols.len();
                    for g in &analysis.group_by {
                        push_unique(&mut cols, &g.column);
                    }
                    if cols.len() > before {
                        why.push(format!(
                            "then the GROUP BY columns {} (all filters are equalities, so the \
                             index returns rows already grouped)",
                            cols[before..].join(", ")
                        ));
                    }
                } else if !analysis.order_by.is_empty()
                    && !analysis.order_by_other
                    && analysis.order_by.iter().all(|o| on_table(&o.column))
                {
                    let first = analysis.order_by[0].direction;
                    if analysis.order_by.iter().all(|o| o.direction == first) {
                        let before = cols.len();
                        for o in &analysis.order_by {
                            push_unique(&mut cols, &o.column.column);
                        }
                        if cols.len() > before {
                            why.push(format!(
                                "then the ORDER BY columns {} (all filters are equalities, so \
                                 the index returns rows already sorted{})",
                                cols[before..].join(", "),
                                if first == Direction::Desc {
                                    ", read backwards"
                                } else {
                                    ""
                                }
                            ));
                        }
                    }
                }
            }
        }
        let name = index_name(table, &cols);
        let quoted_table = table
            .split('.')
            .map(|p| quote(p, analysis.dialect))
            .collect::<Vec<_>>()
            .join(".");
        let quoted_cols = cols
            .iter()
            .map(|c| quote(c, analysis.dialect))
            .collect::<Vec<_>>()
            .join(", ");
        let statement = format!("CREATE INDEX {name} ON {quoted_table} ({quoted_cols})");
        let ratio = (ctx.evidence.efficiency / config.low_efficiency).clamp(0.0, 1.0);
        let confidence = if ratio.is_finite() {
            ((0.5 + 0.4 * (1.0 - ratio)) * 100.0).round() / 100.0
        } else {
            0.5
        };
        let mut reason = String::new();
        let _ = write!(
            reason,
            "{table} is read with low efficiency; an index on ({}) serves {}",
            cols.join(", "),
            why.join(", ")
        );
        let mut s = ctx.make(
            Strategy::IndexHint,
            Some(table.to_owned()),
            cols,
            reason,
            confidence,
        );
        s.statement = Some(statement);
        out.push(s);
    }
}

fn qualified(table: Option<&str>, column: &str) -> String {
    match table {
        Some(t) => format!("{t}.{column}"),
        None => column.to_owned(),
    }
}

fn rewrites(analysis: &Analysis, ctx: &Ctx, config: &SuggestConfig, out: &mut Vec<Suggestion>) {
    if analysis.select_star {
        let tables: Vec<&str> = analysis.tables.iter().map(|t| t.name.as_str()).collect();
        out.push(ctx.make(
            Strategy::QueryRewrite,
            analysis.tables.first().map(|t| t.name.clone()),
            Vec::new(),
            format!(
                "SELECT * reads every column{}: list only the columns the caller uses, so less \
                 data is read and sent and covering indexes can apply",
                if tables.is_empty() {
                    String::new()
                } else {
                    format!(" of {}", tables.join(", "))
                }
            ),
            CONF_SELECT_STAR,
        ));
    }
    let mut seen: Vec<(Option<String>, String, u8)> = Vec::new();
    let mut or_columns: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for f in &analysis.filters {
        let Comparison::NotSargable(obstacle) = &f.comparison else {
            continue;
        };
        let col = qualified(f.table.as_deref(), &f.column);
        let tag = match obstacle {
            Obstacle::LeadingWildcard => 0,
            Obstacle::Function(_) => 1,
            Obstacle::Or => {
                match or_columns.iter_mut().find(|(t, _)| t == &f.table) {
                    Some((_, cols)) => push_unique(cols, &f.column),
                    None => or_columns.push((f.table.clone(), vec![f.column.clone()])),
                }
                continue;
            }
            _ => continue,
        };
        let key = (f.table.clone(), f.column.clone(), tag);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let (reason, confidence) = match obstacle {
            Obstacle::LeadingWildcard => (
                format!(
                    "{col} is matched with LIKE '%…' (leading wildcard), which no B-tree index can \
                     serve: anchor the pattern ('abc%'), or use full-text search or a trigram \
                     index (PostgreSQL pg_trgm)"
                ),
                CONF_LEADING_WILDCARD,
            ),
            Obstacle::Function(name) => (
                format!(
                    "{name} is applied to the filtered column {col}, which hides it from any index \
                     on {}: compare the bare column (store the value already normalised, or move \
                     the function to the constant side), or index the expression",
                    f.column
                ),
                CONF_FUNCTION,
            ),
            _ => continue,
        };
        out.push(ctx.make(
            Strategy::QueryRewrite,
            f.table.clone(),
            vec![f.column.clone()],
            reason,
            confidence,
        ));
    }
    for (table, cols) in or_columns {
        let names: Vec<String> = cols
            .iter()
            .map(|c| qualified(table.as_deref(), c))
            .collect();
        out.push(ctx.make(
            Strategy::QueryRewrite,
            table,
            cols,
            format!(
                "OR across different columns ({}) prevents one index range scan: rewrite as a \
                 UNION (ALL) of one query per column, each able to use its own index",
                names.join(", ")
            ),
            CONF_OR,
        ));
    }
    for c in &analysis.not_in_subqueries {
        out.push(ctx.make(
            Strategy::QueryRewrite,
            c.table.clone(),
            vec![c.column.clone()],
            format!(
                "{} NOT IN (subquery) is slow and matches nothing once the subquery returns a \
                 NULL: rewrite as NOT EXISTS (…) or a LEFT JOIN … WHERE … IS NULL anti-join",
                qualified(c.table.as_deref(), &c.column)
            ),
            CONF_NOT_IN,
        ));
    }
    if let Some(offset) = analysis.offset.filter(|&o| o >= config.large_offset) {
        out.push(ctx.make(
            Strategy::QueryRewrite,
            analysis.tables.first().map(|t| t.name.clone()),
            Vec::new(),
            format!(
                "OFFSET {offset} reads and throws away {offset} rows for every page: paginate by \
                 key instead (WHERE id > :last_seen ORDER BY id LIMIT n)"
            ),
            CONF_OFFSET,
        ));
    }
    for t in &analysis.cross_joins {
        out.push(ctx.make(
            Strategy::QueryRewrite,
            Some(t.clone()),
            Vec::new(),
            format!(
                "{t} is joined with a comma and no join condition, so every row pairs with every \
                 row of the tables before it (a cartesian product): add the join predicate, or \
                 write CROSS JOIN if the product is intended"
            ),
            CONF_CROSS_JOIN,
        ));
    }
}
