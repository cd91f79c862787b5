//! [`analyze`]: the structure of one statement, as index and rewrite advice needs it — tables,
//! columns compared in `WHERE`/`JOIN … ON` (equality, range or not sargable), join keys,
//! `ORDER BY`/`GROUP BY` columns, `SELECT *`, literal `LIMIT`/`OFFSET`, aggregates, `NOT IN`
//! subqueries and implicit cross joins.
//!
//! The statement is parsed with `sqlparser` (dialects tried in order: PostgreSQL, MySQL, SQLite,
//! generic; the first that parses wins). When none parses, or the statement is longer than
//! [`MAX_PARSE_BYTES`], a token scan recovers what it can (tables, `SELECT *`, `LIMIT`/`OFFSET`)
//! and [`Analysis::parsed`] is `false`.
//!
//! What this deliberately does not do: it knows no schema (an unqualified column is attributed
//! to the only table in scope, or to no table when several are), it does not look inside views
//! or CTE bodies for index advice on the CTE name, it reads only the first statement of a
//! multi-statement string, and it gives no advice itself (see [`super::suggest()`]).

use serde::Serialize;
use sqlparser::ast::{
    BinaryOperator, Expr, FromTable, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr,
    InTarget, Join, JoinConstraint, JoinOperator, LimitClause, ObjectName, ObjectNamePart,
    OrderByExpr, OrderByKind, OrderBySort, Query, Select, SelectItem, SetExpr, Statement,
    TableFactor, TableObject, TableWithJoins, UnaryOperator, UpdateTableFromKind, Value,
};
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use super::lexer::{Lexer, TokenKind};
use super::QueryKind;

/// Statements longer than this (100 KB) skip the parser and get the token scan only: parsing
/// is the expensive part, and generated statements of that size (huge `IN` lists, bulk
/// `VALUES`) gain nothing from a syntax tree.
pub const MAX_PARSE_BYTES: usize = 100 * 1024;

/// The parser's nesting limit (sqlparser's default, set explicitly): deeper input is a parse
/// error, never a stack overflow.
pub const PARSER_RECURSION_LIMIT: usize = 50;

/// How deep the analysis walks expressions it did not get from the parser's own nesting
/// (long `a + b + c …` chains); deeper parts are not examined.
const MAX_WALK_DEPTH: u32 = 200;

/// The `sqlparser` dialect that parsed the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SqlDialect {
    /// PostgreSQL (tried first).
    Postgresql,
    /// MySQL / MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
    /// sqlparser's permissive generic dialect (tried last).
    Generic,
}

impl SqlDialect {
    /// The lower-case name used in reports (`"postgresql"`, `"mysql"`, `"sqlite"`, `"generic"`).
    ///
    /// ```
    /// use cognition_core::query::analyze::{analyze, SqlDialect};
    /// assert_eq!(analyze("SELECT 1").dialect, Some(SqlDialect::Postgresql));
    /// assert_eq!(SqlDialect::Mysql.as_str(), "mysql");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            SqlDialect::Postgresql => "postgresql",
            SqlDialect::Mysql => "mysql",
            SqlDialect::Sqlite => "sqlite",
            SqlDialect::Generic => "generic",
        }
    }
}

/// A table the statement reads or writes, with its alias when it has one.
///
/// Names are as written, with unquoted parts lower-cased and schema parts joined by `.`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TableRef {
    /// The table name (`users`, `public.users`).
    pub name: String,
    /// The alias (`u` in `FROM users u`).
    pub alias: Option<String>,
}

/// A column, attributed to a table where that is known.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ColumnRef {
    /// The table (aliases resolved), or `None` when the column cannot be attributed (several
    /// tables in scope and no qualifier, or a derived table).
    pub table: Option<String>,
    /// The column name, unquoted parts lower-cased.
    pub column: String,
}

/// Why a filtered column cannot use a plain B-tree index.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Obstacle {
    /// A function or operator is applied to the column (`lower(email) = ?`, `a + 1 = ?`); the
    /// name is the function's (`lower`), `CAST`, or the operator (`+`).
    Function(String),
    /// `LIKE` with a pattern that starts with `%` or `_`.
    LeadingWildcard,
    /// A negated comparison: `<>`, `!=`, `NOT IN`, `NOT BETWEEN`, `NOT LIKE`, `IS NOT NULL`, `NOT (…)`.
    Negation,
    /// The column is only reachable through an `OR` across different columns.
    Or,
}

/// How a column is compared, in B-tree terms.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Comparison {
    /// `= const`, `= param`, `<=>`, `IS NULL`, `IN (…)`, `IN (subquery)`, a bare boolean column,
    /// or an `OR` of equalities on this one column.
    Equality,
    /// `<`, `>`, `<=`, `>=`, `BETWEEN`, `LIKE 'x%'` (also a `LIKE` with a parameter pattern,
    /// assumed to be a prefix).
    Range,
    /// The comparison cannot use an index on the column.
    NotSargable(Obstacle),
}

/// One column compared in `WHERE` or `JOIN … ON` against a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Filter {
    /// The table (aliases resolved), when known.
    pub table: Option<String>,
    /// The column.
    pub column: String,
    /// How it is compared.
    pub comparison: Comparison,
}

/// Sort direction of an `ORDER BY` key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// `ASC` (also the default when none is written).
    Asc,
    /// `DESC`.
    Desc,
}

/// One `ORDER BY` key that is a plain column.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct OrderColumn {
    /// The column.
    pub column: ColumnRef,
    /// The direction.
    pub direction: Direction,
}

/// What [`analyze`] found in a statement.
///
/// Lists keep the order of appearance in the statement (`JOIN … ON` conditions before `WHERE`),
/// which index advice relies on for a stable column order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    /// `true` when `sqlparser` parsed the statement; `false` when only the token scan ran.
    pub parsed: bool,
    /// The dialect that parsed it.
    pub dialect: Option<SqlDialect>,
    /// Why parsing failed or was skipped (the last dialect's error, or the size limit).
    pub parse_error: Option<String>,
    /// The statement type, by the same rules as [`Fingerprint::kind`](super::Fingerprint::kind).
    #[serde(serialize_with = "serialize_kind")]
    pub kind: QueryKind,
    /// Tables read or written, in order of appearance (CTE names and derived tables excluded).
    pub tables: Vec<TableRef>,
    /// Columns compared against values in `WHERE` and `JOIN … ON`, subqueries included.
    pub filters: Vec<Filter>,
    /// Join columns on the joined table: for `a JOIN b ON a.id = b.a_id` (or
    /// `FROM a, b WHERE a.id = b.a_id`) that is `b.a_id` — the later table in the statement.
    pub join_keys: Vec<ColumnRef>,
    /// The outer query's `ORDER BY` keys that are plain columns.
    pub order_by: Vec<OrderColumn>,
    /// `true` when some outer `ORDER BY` key is an expression, position or alias.
    pub order_by_other: bool,
    /// The outer query's `GROUP BY` keys that are plain columns.
    pub group_by: Vec<ColumnRef>,
    /// `true` when some outer `GROUP BY` key is an expression, position or alias.
    pub group_by_other: bool,
    /// `SELECT *` or `SELECT t.*` in the outer query.
    pub select_star: bool,
    /// The outer `LIMIT`, when it is a literal number.
    pub limit: Option<u64>,
    /// The outer `OFFSET` (or MySQL `LIMIT offset, n`), when it is a literal number.
    pub offset: Option<u64>,
    /// The outer query computes aggregates (`COUNT`, `SUM`, `AVG`, `MIN`, `MAX`, … or `GROUP BY`).
    pub aggregates: bool,
    /// Number of subqueries (scalar, `IN`, `EXISTS`, derived tables, CTEs).
    pub subqueries: usize,
    /// Columns tested with `NOT IN (subquery)`.
    pub not_in_subqueries: Vec<ColumnRef>,
    /// Tables joined by a comma with no join predicate to the tables before them.
    pub cross_joins: Vec<String>,
}

/// Serialise a [`QueryKind`] as its report name (`"SELECT"`, …).
pub(crate) fn serialize_kind<S: serde::Serializer>(
    kind: &QueryKind,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.as_str())
}

impl Analysis {
    fn empty(kind: QueryKind) -> Self {
        Analysis {
            parsed: false,
            dialect: None,
            parse_error: None,
            kind,
            tables: Vec::new(),
            filters: Vec::new(),
            join_keys: Vec::new(),
            order_by: Vec::new(),
            order_by_other: false,
            group_by: Vec::new(),
            group_by_other: false,
            select_star: false,
            limit: None,
            offset: None,
            aggregates: false,
            subqueries: 0,
            not_in_subqueries: Vec::new(),
            cross_joins: Vec::new(),
        }
    }

    /// The filters on `table`, in order of appearance.
    ///
    /// ```
    /// use cognition_core::query::analyze::{analyze, Comparison};
    /// let a = analyze("SELECT * FROM users u WHERE u.status = 'active' AND u.age > 30");
    /// let cmp: Vec<_> = a.filters_on("users").map(|f| (f.column.as_str(), &f.comparison)).collect();
    /// assert_eq!(cmp, [("status", &Comparison::Equality), ("age", &Comparison::Range)]);
    /// ```
    pub fn filters_on<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a Filter> + 'a {
        self.filters
            .iter()
            .filter(move |f| f.table.as_deref() == Some(table))
    }
}

/// Analyse one SQL statement. Never fails and never panics: input that does not parse (or is
/// over [`MAX_PARSE_BYTES`]) gets the token scan, with [`Analysis::parsed`] `false`.
///
/// ```
/// use cognition_core::query::analyze::{analyze, Comparison, Direction, SqlDialect};
/// use cognition_core::query::QueryKind;
///
/// let a = analyze(
///     "SELECT o.id FROM users u JOIN orders o ON o.user_id = u.id \
///      WHERE u.email = $1 AND o.created_at >= $2 ORDER BY o.created_at DESC LIMIT 20",
/// );
/// assert!(a.parsed);
/// assert_eq!(a.dialect, Some(SqlDialect::Postgresql));
/// assert_eq!(a.kind, QueryKind::Join);
/// assert_eq!(a.join_keys[0].table.as_deref(), Some("orders"));
/// assert_eq!(a.join_keys[0].column, "user_id");
/// assert_eq!(a.filters[0].comparison, Comparison::Equality);
/// assert_eq!(a.filters[1].comparison, Comparison::Range);
/// assert_eq!(a.order_by[0].direction, Direction::Desc);
/// assert_eq!(a.limit, Some(20));
///
/// let b = analyze("SELECT * FROM users WHERE LIMIT 5");
/// assert!(!b.parsed);
/// assert_eq!(b.tables[0].name, "users");
/// assert!(b.select_star);
/// assert_eq!(b.limit, Some(5));
/// ```
pub fn analyze(sql: &str) -> Analysis {
    let kind = super::fingerprint(sql).kind;
    if sql.len() > MAX_PARSE_BYTES {
        let mut a = scan_tokens(sql, kind);
        a.parse_error = Some(format!(
            "statement is {} bytes, over the {MAX_PARSE_BYTES}-byte parse limit; token scan only",
            sql.len()
        ));
        return a;
    }
    let dialects: [(SqlDialect, &dyn Dialect); 4] = [
        (SqlDialect::Postgresql, &PostgreSqlDialect {}),
        (SqlDialect::Mysql, &MySqlDialect {}),
        (SqlDialect::Sqlite, &SQLiteDialect {}),
        (SqlDialect::Generic, &GenericDialect {}),
    ];
    let mut error = None;
    for (name, dialect) in dialects {
        let parsed = Parser::new(dialect)
            .with_recursion_limit(PARSER_RECURSION_LIMIT)
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_statements());
        match parsed {
            Ok(statements) => match statements.first() {
                Some(statement) => {
                    let mut a = Analysis::empty(kind);
                    a.parsed = true;
                    a.dialect = Some(name);
                    let mut w = Walker::new(&mut a);
                    w.statement(statement, 0);
                    w.finish();
                    return a;
                }
                None => {
                    error = Some("no statement".to_owned());
                    break;
                }
            },
            Err(e) => error = Some(e.to_string()),
        }
    }
    let mut a = scan_tokens(sql, kind);
    a.parse_error = error;
    a
}

// ---------------------------------------------------------------------------------------------
// The syntax-tree walk.

/// A name in scope: an alias or table name, and the table it stands for (`None` for derived
/// tables and CTEs).
struct Scoped {
    name: String,
    table: Option<usize>,
}

struct Walker<'a> {
    out: &'a mut Analysis,
    /// Every table seen, in order; the index is its sequence number.
    seq: Vec<String>,
    scopes: Vec<Vec<Scoped>>,
    ctes: Vec<String>,
    /// Equality links between two tables found in predicates (by sequence number).
    links: Vec<(usize, usize)>,
    /// Aliases of the outer query's select list (an `ORDER BY` on one is not a column).
    projection_aliases: Vec<String>,
}

/// The text of an identifier: as written when quoted, lower-cased otherwise.
fn ident_text(ident: &sqlparser::ast::Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_ascii_lowercase()
    }
}

fn object_name(name: &ObjectName) -> String {
    let mut s = String::new();
    for (i, part) in name.0.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        match part {
            ObjectNamePart::Identifier(ident) => s.push_str(&ident_text(ident)),
            other => s.push_str(&other.to_string()),
        }
    }
    s
}

/// The column named by `e` when it is a plain (possibly qualified, possibly parenthesised)
/// column reference: `(qualifier, column)`.
fn bare_column(e: &Expr) -> Option<(Option<String>, String)> {
    let mut e = e;
    while let Expr::Nested(inner) = e {
        e = inner;
    }
    match e {
        // `$1` reads as an identifier in dialects without numbered parameters.
        Expr::Identifier(ident) if ident.quote_style.is_none() && ident.value.starts_with('$') => {
            None
        }
        Expr::Identifier(ident) => Some((None, ident_text(ident))),
        Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
            let column = ident_text(&parts[parts.len() - 1]);
            let qualifier = parts[..parts.len() - 1]
                .iter()
                .map(ident_text)
                .collect::<Vec<_>>()
                .join(".");
            Some((Some(qualifier), column))
        }
        _ => None,
    }
}

/// The function or operator name applied at the top of `e`, for [`Obstacle::Function`].
fn applied_name(e: &Expr) -> String {
    let mut e = e;
    while let Expr::Nested(inner) = e {
        e = inner;
    }
    match e {
        Expr::Function(f) => object_name(&f.name),
        Expr::Cast { .. } => "CAST".to_owned(),
        Expr::BinaryOp { op, .. } => op.to_string(),
        Expr::UnaryOp { op, .. } => op.to_string(),
        Expr::Extract { .. } => "EXTRACT".to_owned(),
        Expr::Substring { .. } => "SUBSTRING".to_owned(),
        Expr::Trim { .. } => "TRIM".to_owned(),
        Expr::Collate { .. } => "COLLATE".to_owned(),
        Expr::AtTimeZone { .. } => "AT TIME ZONE".to_owned(),
        Expr::Case { .. } => "CASE".to_owned(),
        _ => "expression".to_owned(),
    }
}

/// Names that parse as identifiers but are values (`CURRENT_DATE` in some dialects).
fn is_value_word(name: &str) -> bool {
    matches!(
        name,
        "current_date"
            | "current_time"
            | "current_timestamp"
            | "localtime"
            | "localtimestamp"
            | "sysdate"
            | "true"
            | "false"
            | "null"
    )
}

fn is_aggregate(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    matches!(
        last.to_ascii_lowercase().as_str(),
        "count"
            | "sum"
            | "avg"
            | "min"
            | "max"
            | "array_agg"
            | "string_agg"
            | "group_concat"
            | "json_agg"
            | "jsonb_agg"
            | "json_arrayagg"
            | "json_objectagg"
            | "stddev"
            | "stddev_pop"
            | "stddev_samp"
            | "variance"
            | "var_pop"
            | "var_samp"
            | "bool_and"
            | "bool_or"
            | "every"
            | "total"
    )
}

/// `true` when a `LIKE` pattern starts with a wildcard (`'%x'`, `'_x'`, `'%' || ?`,
/// `CONCAT('%', ?)`).
fn leading_wildcard(pattern: &Expr) -> bool {
    match pattern {
        Expr::Nested(inner) => leading_wildcard(inner),
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s)
            | Value::DoubleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::NationalStringLiteral(s) => s.starts_with('%') || s.starts_with('_'),
            _ => false,
        },
        Expr::BinaryOp {
            left,
            op: BinaryOperator::StringConcat,
            ..
        } => leading_wildcard(left),
        Expr::Function(f) if object_name(&f.name).eq_ignore_ascii_case("concat") => match &f.args {
            FunctionArguments::List(list) => match list.args.first() {
                Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) => leading_wildcard(e),
                _ => false,
            },
            _ => false,
        },
        _ => false,
    }
}

fn literal_u64(e: &Expr) -> Option<u64> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        Expr::Nested(inner) => literal_u64(inner),
        _ => None,
    }
}

impl<'a> Walker<'a> {
    fn new(out: &'a mut Analysis) -> Self {
        Walker {
            out,
            seq: Vec::new(),
            scopes: Vec::new(),
            ctes: Vec::new(),
            links: Vec::new(),
            projection_aliases: Vec::new(),
        }
    }

    fn finish(&mut self) {
        self.out.aggregates |= !self.out.group_by.is_empty() || self.out.group_by_other;
    }

    // -- scopes and tables --

    fn add_table(&mut self, name: &ObjectName, alias: Option<String>) {
        let text = object_name(name);
        let scope_name = alias.clone().unwrap_or_else(|| text.clone());
        let is_cte = name.0.len() == 1 && self.ctes.iter().any(|c| c == &text);
        let table = if is_cte {
            None
        } else {
            let r = TableRef {
                name: text.clone(),
                alias: alias.clone(),
            };
            if !self.out.tables.contains(&r) {
                self.out.tables.push(r);
            }
            self.seq.push(text.clone());
            Some(self.seq.len() - 1)
        };
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Scoped {
                name: scope_name,
                table,
            });
            // `FROM public.users` can be qualified as `users.x` too.
            if alias.is_none() && name.0.len() > 1 {
                if let Some(ObjectNamePart::Identifier(last)) = name.0.last() {
                    scope.push(Scoped {
                        name: ident_text(last),
                        table,
                    });
                }
            }
        }
    }

    fn add_derived(&mut self, alias: Option<String>) {
        if let (Some(name), Some(scope)) = (alias, self.scopes.last_mut()) {
            scope.push(Scoped { name, table: None });
        }
    }

    /// Resolve a column qualifier (or none) to a table sequence number.
    fn resolve(&self, qualifier: Option<&str>) -> Option<usize> {
        match qualifier {
            Some(q) => {
                for scope in self.scopes.iter().rev() {
                    if let Some(s) = scope.iter().find(|s| s.name == q) {
                        return s.table;
                    }
                }
                None
            }
            None => {
                let scope = self.scopes.last()?;
                let mut tables = scope.iter().map(|s| s.table);
                let first = tables.next()?;
                if tables.all(|t| t == first) {
                    first
                } else {
                    None
                }
            }
        }
    }

    fn column_ref(&self, col: &(Option<String>, String)) -> (Option<usize>, ColumnRef) {
        let seq = self.resolve(col.0.as_deref());
        let table = seq.and_then(|i| self.seq.get(i).cloned());
        (
            seq,
            ColumnRef {
                table,
                column: col.1.clone(),
            },
        )
    }

    fn push_filter(&mut self, col: &(Option<String>, String), comparison: Comparison) {
        let (_, c) = self.column_ref(col);
        self.out.filters.push(Filter {
            table: c.table,
            column: c.column,
            comparison,
        });
    }

    // -- statements and queries --

    fn statement(&mut self, statement: &Statement, depth: u32) {
        match statement {
            Statement::Query(q) => self.query(q, depth, true),
            Statement::Insert(insert) => {
                self.scopes.push(Vec::new());
                if let TableObject::TableName(name) = &insert.table {
                    self.add_table(name, None);
                }
                self.scopes.pop();
                if let Some(source) = &insert.source {
                    self.query(source, depth + 1, false);
                }
            }
            Statement::Update(update) => {
                self.scopes.push(Vec::new());
                self.table_with_joins(&update.table, depth);
                if let Some(
                    UpdateTableFromKind::BeforeSet(from) | UpdateTableFromKind::AfterSet(from),
                ) = &update.from
                {
                    for twj in from {
                        self.table_with_joins(twj, depth);
                    }
                }
                for assignment in &update.assignments {
                    let mut cols = Vec::new();
                    self.scan(&assignment.value, depth + 1, &mut cols);
                }
                if let Some(selection) = &update.selection {
                    self.predicate(selection, depth + 1);
                }
                self.order_keys(&update.order_by, true);
                if let Some(limit) = &update.limit {
                    self.out.limit = literal_u64(limit);
                }
                self.scopes.pop();
            }
            Statement::Delete(delete) => {
                self.scopes.push(Vec::new());
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) =
                    &delete.from;
                for twj in from {
                    self.table_with_joins(twj, depth);
                }
                for twj in delete.using.iter().flatten() {
                    self.table_with_joins(twj, depth);
                }
                if let Some(selection) = &delete.selection {
                    self.predicate(selection, depth + 1);
                }
                self.order_keys(&delete.order_by, true);
                if let Some(limit) = &delete.limit {
                    self.out.limit = literal_u64(limit);
                }
                self.scopes.pop();
            }
            _ => {}
        }
    }

    /// Walk a query; `top` for the statement's outer query (its ORDER BY, LIMIT, `SELECT *` and
    /// aggregates are the ones reported).
    fn query(&mut self, q: &Query, depth: u32, top: bool) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        let ctes_before = self.ctes.len();
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                self.out.subqueries += 1;
                self.query(&cte.query, depth + 1, false);
                self.ctes.push(ident_text(&cte.alias.name));
            }
        }
        self.scopes.push(Vec::new());
        self.set_expr(&q.body, depth, top);
        if top {
            if let Some(order_by) = &q.order_by {
                match &order_by.kind {
                    OrderByKind::Expressions(keys) => self.order_keys(keys, true),
                    OrderByKind::All(_) => self.out.order_by_other = true,
                }
            }
            match &q.limit_clause {
                Some(LimitClause::LimitOffset { limit, offset, .. }) => {
                    self.out.limit = limit.as_ref().and_then(literal_u64);
                    self.out.offset = offset.as_ref().and_then(|o| literal_u64(&o.value));
                }
                Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
                    self.out.limit = literal_u64(limit);
                    self.out.offset = literal_u64(offset);
                }
                None => {}
            }
        }
        self.scopes.pop();
        self.ctes.truncate(ctes_before);
    }

    fn set_expr(&mut self, body: &SetExpr, depth: u32, top: bool) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        match body {
            SetExpr::Select(select) => self.select(select, depth, top),
            SetExpr::Query(q) => {
                self.scopes.push(Vec::new());
                self.query(q, depth + 1, top);
                self.scopes.pop();
            }
            SetExpr::SetOperation { left, right, .. } => {
                // Each branch has its own FROM scope.
                self.scopes.push(Vec::new());
                self.set_expr(left, depth + 1, top);
                self.scopes.pop();
                self.scopes.push(Vec::new());
                self.set_expr(right, depth + 1, top);
                self.scopes.pop();
            }
            SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) => {
                self.statement(s, depth + 1)
            }
            _ => {}
        }
    }

    fn order_keys(&mut self, keys: &[OrderByExpr], top: bool) {
        if !top {
            return;
        }
        for key in keys {
            let direction = match key.options.sort {
                Some(OrderBySort::Desc) => Direction::Desc,
                _ => Direction::Asc,
            };
            match bare_column(&key.expr) {
                Some(col) if col.0.is_some() || !self.projection_aliases.contains(&col.1) => {
                    let (_, column) = self.column_ref(&col);
                    self.out.order_by.push(OrderColumn { column, direction });
                }
                _ => self.out.order_by_other = true,
            }
        }
    }

    fn select(&mut self, s: &Select, depth: u32, top: bool) {
        // FROM first: it brings the names the rest of the select refers to.
        let mut items: Vec<(usize, usize)> = Vec::new(); // (first seq, end seq) per FROM item
        for twj in &s.from {
            let start = self.seq.len();
            self.table_with_joins(twj, depth);
            items.push((start, self.seq.len()));
        }
        for item in &s.projection {
            match item {
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                    if top {
                        self.out.select_star = true;
                    }
                }
                SelectItem::UnnamedExpr(e) => self.projection_expr(e, depth, top),
                SelectItem::ExprWithAlias { expr, alias } => {
                    if top {
                        self.projection_aliases.push(ident_text(alias));
                    }
                    self.projection_expr(expr, depth, top);
                }
                SelectItem::ExprWithAliases { expr, .. } => self.projection_expr(expr, depth, top),
            }
        }
        if let Some(selection) = &s.selection {
            self.predicate(selection, depth + 1);
        }
        // A comma-joined item with no equality link to an earlier item is a cross join.
        for &(start, end) in items.iter().skip(1) {
            let (first, _) = items[0];
            if start == end {
                continue;
            }
            let linked = self.links.iter().any(|&(a, b)| {
                let (lo, hi) = (a.min(b), a.max(b));
                (start..end).contains(&hi) && (first..start).contains(&lo)
            });
            if !linked {
                let name = self.seq[start].clone();
                if !self.out.cross_joins.contains(&name) {
                    self.out.cross_joins.push(name);
                }
            }
        }
        if let GroupByExpr::Expressions(keys, _) = &s.group_by {
            for key in keys {
                if top {
                    match bare_column(key) {
                        Some(col)
                            if col.0.is_some() || !self.projection_aliases.contains(&col.1) =>
                        {
                            let (_, c) = self.column_ref(&col);
                            self.out.group_by.push(c);
                        }
                        _ => self.out.group_by_other = true,
                    }
                }
                let mut cols = Vec::new();
                self.scan(key, depth + 1, &mut cols);
            }
        } else if top {
            self.out.group_by_other = true;
        }
        if let Some(having) = &s.having {
            let mut cols = Vec::new();
            let agg = self.scan(having, depth + 1, &mut cols);
            if top && agg {
                self.out.aggregates = true;
            }
        }
    }

    fn projection_expr(&mut self, e: &Expr, depth: u32, top: bool) {
        let mut cols = Vec::new();
        let agg = self.scan(e, depth + 1, &mut cols);
        if top && agg {
            self.out.aggregates = true;
        }
    }

    fn table_with_joins(&mut self, twj: &TableWithJoins, depth: u32) {
        self.table_factor(&twj.relation, depth);
        for join in &twj.joins {
            self.join(join, depth);
        }
    }

    fn table_factor(&mut self, factor: &TableFactor, depth: u32) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                let alias = alias.as_ref().map(|a| ident_text(&a.name));
                if args.is_some() {
                    self.add_derived(alias);
                } else {
                    self.add_table(name, alias);
                }
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                self.out.subqueries += 1;
                self.query(subquery, depth + 1, false);
                self.add_derived(alias.as_ref().map(|a| ident_text(&a.name)));
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => self.table_with_joins(table_with_joins, depth + 1),
            _ => {}
        }
    }

    fn join(&mut self, join: &Join, depth: u32) {
        let before = self.seq.len();
        self.table_factor(&join.relation, depth);
        let constraint = match &join.join_operator {
            JoinOperator::Join(c)
            | JoinOperator::Inner(c)
            | JoinOperator::Left(c)
            | JoinOperator::LeftOuter(c)
            | JoinOperator::Right(c)
            | JoinOperator::RightOuter(c)
            | JoinOperator::FullOuter(c)
            | JoinOperator::Semi(c)
            | JoinOperator::LeftSemi(c)
            | JoinOperator::RightSemi(c)
            | JoinOperator::Anti(c)
            | JoinOperator::LeftAnti(c)
            | JoinOperator::RightAnti(c)
            | JoinOperator::StraightJoin(c) => Some(c),
            JoinOperator::AsOf { constraint, .. } => Some(constraint),
            _ => None,
        };
        match constraint {
            Some(JoinConstraint::On(e)) => self.predicate(e, depth + 1),
            Some(JoinConstraint::Using(cols) | JoinConstraint::UsingAlias(cols, _))
                if before < self.seq.len() =>
            {
                let table = self.seq[before].clone();
                for col in cols {
                    let column = object_name(col);
                    let r = ColumnRef {
                        table: Some(table.clone()),
                        column,
                    };
                    if !self.out.join_keys.contains(&r) {
                        self.out.join_keys.push(r);
                    }
                }
                if before > 0 {
                    self.links.push((before - 1, before));
                }
            }
            _ => {}
        }
    }

    // -- predicates --

    /// Walk a `WHERE`/`ON` condition: `AND` chains iteratively (they can be thousands long),
    /// each conjunct classified.
    fn predicate(&mut self, e: &Expr, depth: u32) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Nested(inner) => stack.push(inner),
                Expr::BinaryOp {
                    left,
                    op: BinaryOperator::And,
                    right,
                } => {
                    stack.push(right);
                    stack.push(left);
                }
                Expr::BinaryOp {
                    op: BinaryOperator::Or,
                    ..
                } => self.disjunction(e, depth),
                _ => self.atom(e, depth),
            }
        }
    }

    /// An `OR`: equalities on one column act like `IN`; across different columns no column is
    /// usable, so each becomes [`Obstacle::Or`].
    fn disjunction(&mut self, e: &Expr, depth: u32) {
        let mut branches = Vec::new();
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Nested(inner) => stack.push(inner),
                Expr::BinaryOp {
                    left,
                    op: BinaryOperator::Or,
                    right,
                } => {
                    stack.push(right);
                    stack.push(left);
                }
                _ => branches.push(e),
            }
        }
        let saved = std::mem::take(&mut self.out.filters);
        for branch in branches {
            self.predicate(branch, depth + 1);
        }
        let inner = std::mem::replace(&mut self.out.filters, saved);
        let Some(first) = inner.first() else { return };
        let one_column = inner
            .iter()
            .all(|f| f.table == first.table && f.column == first.column);
        if one_column && inner.iter().all(|f| f.comparison == Comparison::Equality) {
            self.out.filters.push(Filter {
                table: first.table.clone(),
                column: first.column.clone(),
                comparison: Comparison::Equality,
            });
            return;
        }
        let mut seen: Vec<(Option<String>, String)> = Vec::new();
        for f in inner {
            let key = (f.table.clone(), f.column.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let comparison = match f.comparison {
                Comparison::NotSargable(
                    o @ (Obstacle::Function(_) | Obstacle::LeadingWildcard),
                ) => Comparison::NotSargable(o),
                _ => Comparison::NotSargable(Obstacle::Or),
            };
            self.out.filters.push(Filter {
                table: f.table,
                column: f.column,
                comparison,
            });
        }
    }

    /// Mark every column inside `e` as not sargable for `obstacle`.
    fn mark_all(&mut self, e: &Expr, depth: u32, obstacle: Obstacle) {
        let mut cols = Vec::new();
        self.scan(e, depth + 1, &mut cols);
        for col in cols {
            self.push_filter(&col, Comparison::NotSargable(obstacle.clone()));
        }
    }

    /// Scan `e` for constants: `true` when it refers to no column (subqueries inside are walked).
    fn is_constant(&mut self, e: &Expr, depth: u32) -> bool {
        let mut cols = Vec::new();
        self.scan(e, depth + 1, &mut cols);
        cols.is_empty()
    }

    /// One side of a test on a single column: a bare column gets `comparison`; a column under a
    /// function gets [`Obstacle::Function`].
    fn column_test(&mut self, e: &Expr, depth: u32, comparison: Comparison) {
        match bare_column(e) {
            Some(col) if !(col.0.is_none() && is_value_word(&col.1)) => {
                self.push_filter(&col, comparison)
            }
            Some(_) => {}
            None => {
                let name = applied_name(e);
                self.mark_all(e, depth, Obstacle::Function(name));
            }
        }
    }

    fn atom(&mut self, e: &Expr, depth: u32) {
        match e {
            Expr::BinaryOp { left, op, right } => {
                let comparison = match op {
                    BinaryOperator::Eq | BinaryOperator::Spaceship => Comparison::Equality,
                    BinaryOperator::Lt
                    | BinaryOperator::LtEq
                    | BinaryOperator::Gt
                    | BinaryOperator::GtEq => Comparison::Range,
                    BinaryOperator::NotEq => Comparison::NotSargable(Obstacle::Negation),
                    _ => {
                        let mut cols = Vec::new();
                        self.scan(e, depth + 1, &mut cols);
                        return;
                    }
                };
                let (lc, rc) = (
                    bare_column(left).filter(|c| !(c.0.is_none() && is_value_word(&c.1))),
                    bare_column(right).filter(|c| !(c.0.is_none() && is_value_word(&c.1))),
                );
                match (lc, rc) {
                    (Some(l), Some(r)) => {
                        if comparison == Comparison::Equality {
                            self.join_link(&l, &r);
                        }
                    }
                    (Some(_), None) => {
                        if self.is_constant(right, depth) {
                            self.column_test(left, depth, comparison);
                        }
                    }
                    (None, Some(_)) => {
                        if self.is_constant(left, depth) {
                            self.column_test(right, depth, comparison);
                        }
                    }
                    (None, None) => {
                        for side in [left, right] {
                            if !self.is_constant(side, depth) {
                                let name = applied_name(side);
                                self.mark_all(side, depth, Obstacle::Function(name));
                            }
                        }
                    }
                }
            }
            Expr::IsNull(inner) => self.column_test(inner, depth, Comparison::Equality),
            Expr::IsTrue(inner) | Expr::IsFalse(inner) => {
                self.column_test(inner, depth, Comparison::Equality)
            }
            Expr::IsNotNull(inner) | Expr::IsNotTrue(inner) | Expr::IsNotFalse(inner) => {
                self.column_test(inner, depth, Comparison::NotSargable(Obstacle::Negation))
            }
            Expr::In {
                expr,
                target,
                negated,
                ..
            } => {
                let comparison = if *negated {
                    Comparison::NotSargable(Obstacle::Negation)
                } else {
                    Comparison::Equality
                };
                match target {
                    InTarget::List(list) => {
                        let mut constant = true;
                        for item in list {
                            constant &= self.is_constant(item, depth);
                        }
                        if constant {
                            self.column_test(expr, depth, comparison);
                        }
                    }
                    InTarget::Subquery(q) => {
                        self.out.subqueries += 1;
                        self.query(q, depth + 1, false);
                        if *negated {
                            if let Some(col) = bare_column(expr) {
                                let (_, c) = self.column_ref(&col);
                                self.out.not_in_subqueries.push(c);
                            }
                        }
                        self.column_test(expr, depth, comparison);
                    }
                    _ => {
                        let mut cols = Vec::new();
                        self.scan(e, depth + 1, &mut cols);
                    }
                }
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let constant = self.is_constant(low, depth) & self.is_constant(high, depth);
                if constant {
                    let comparison = if *negated {
                        Comparison::NotSargable(Obstacle::Negation)
                    } else {
                        Comparison::Range
                    };
                    self.column_test(expr, depth, comparison);
                }
            }
            Expr::Like {
                negated,
                expr,
                pattern,
                ..
            }
            | Expr::ILike {
                negated,
                expr,
                pattern,
                ..
            } => {
                if !self.is_constant(pattern, depth) {
                    return;
                }
                let comparison = if *negated {
                    Comparison::NotSargable(Obstacle::Negation)
                } else if leading_wildcard(pattern) {
                    Comparison::NotSargable(Obstacle::LeadingWildcard)
                } else {
                    Comparison::Range
                };
                self.column_test(expr, depth, comparison);
            }
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => {
                // `NOT EXISTS`/`NOT (… IN subquery)` still walk their subqueries.
                let saved = std::mem::take(&mut self.out.filters);
                self.predicate(expr, depth + 1);
                let inner = std::mem::replace(&mut self.out.filters, saved);
                for f in inner {
                    self.out.filters.push(Filter {
                        comparison: Comparison::NotSargable(Obstacle::Negation),
                        ..f
                    });
                }
            }
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                self.column_test(e, depth, Comparison::Equality)
            }
            Expr::Function(_) => {
                let name = applied_name(e);
                self.mark_all(e, depth, Obstacle::Function(name));
            }
            _ => {
                let mut cols = Vec::new();
                self.scan(e, depth + 1, &mut cols);
            }
        }
    }

    /// `l = r` between two columns: a join link, and a join key on the later table.
    fn join_link(&mut self, l: &(Option<String>, String), r: &(Option<String>, String)) {
        let (ls, lref) = self.column_ref(l);
        let (rs, rref) = self.column_ref(r);
        if let (Some(a), Some(b)) = (ls, rs) {
            if a == b {
                return;
            }
            self.links.push((a, b));
            let key = if b > a { rref } else { lref };
            if !self.out.join_keys.contains(&key) {
                self.out.join_keys.push(key);
            }
        }
    }

    /// Collect the columns `e` refers to (outside subqueries) into `cols`, walking subqueries
    /// as their own queries; return `true` when `e` calls an aggregate function.
    fn scan(&mut self, e: &Expr, depth: u32, cols: &mut Vec<(Option<String>, String)>) -> bool {
        if depth > MAX_WALK_DEPTH {
            return false;
        }
        let d = depth + 1;
        let mut agg = false;
        match e {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                if let Some(col) = bare_column(e) {
                    if !(col.0.is_none() && is_value_word(&col.1)) {
                        cols.push(col);
                    }
                }
            }
            Expr::Nested(x)
            | Expr::IsNull(x)
            | Expr::IsNotNull(x)
            | Expr::IsTrue(x)
            | Expr::IsFalse(x)
            | Expr::IsNotTrue(x)
            | Expr::IsNotFalse(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x)
            | Expr::UnaryOp { expr: x, .. }
            | Expr::Cast { expr: x, .. }
            | Expr::Convert { expr: x, .. }
            | Expr::Extract { expr: x, .. }
            | Expr::Ceil { expr: x, .. }
            | Expr::Floor { expr: x, .. }
            | Expr::Collate { expr: x, .. }
            | Expr::JsonAccess { value: x, .. } => agg |= self.scan(x, d, cols),
            Expr::CompoundFieldAccess { root, .. } => agg |= self.scan(root, d, cols),
            Expr::BinaryOp { left, right, .. }
            | Expr::IsDistinctFrom(left, right)
            | Expr::IsNotDistinctFrom(left, right)
            | Expr::AnyOp { left, right, .. }
            | Expr::AllOp { left, right, .. }
            | Expr::Like {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::ILike {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::SimilarTo {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::RLike {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::AtTimeZone {
                timestamp: left,
                time_zone: right,
            } => {
                // Long operator chains stop at MAX_WALK_DEPTH.
                agg |= self.scan(right, d, cols);
                agg |= self.scan(left, d, cols);
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                agg |= self.scan(expr, d, cols);
                agg |= self.scan(low, d, cols);
                agg |= self.scan(high, d, cols);
            }
            Expr::In { expr, target, .. } => {
                agg |= self.scan(expr, d, cols);
                match target {
                    InTarget::List(list) => {
                        for item in list {
                            agg |= self.scan(item, d, cols);
                        }
                    }
                    InTarget::Subquery(q) => {
                        self.out.subqueries += 1;
                        self.query(q, d, false);
                    }
                    InTarget::Unnest(x) => agg |= self.scan(x, d, cols),
                    _ => {}
                }
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                agg |= self.scan(expr, d, cols);
                for x in [substring_from, substring_for].into_iter().flatten() {
                    agg |= self.scan(x, d, cols);
                }
            }
            Expr::Trim {
                expr, trim_what, ..
            } => {
                agg |= self.scan(expr, d, cols);
                if let Some(x) = trim_what {
                    agg |= self.scan(x, d, cols);
                }
            }
            Expr::Position { expr, r#in } => {
                agg |= self.scan(expr, d, cols);
                agg |= self.scan(r#in, d, cols);
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                for x in operand.iter().chain(else_result.iter()) {
                    agg |= self.scan(x, d, cols);
                }
                for when in conditions {
                    agg |= self.scan(&when.condition, d, cols);
                    agg |= self.scan(&when.result, d, cols);
                }
            }
            Expr::Tuple(items) => {
                for x in items {
                    agg |= self.scan(x, d, cols);
                }
            }
            Expr::Function(f) => {
                agg |= is_aggregate(&object_name(&f.name));
                match &f.args {
                    FunctionArguments::List(list) => {
                        for arg in &list.args {
                            let x = match arg {
                                FunctionArg::Unnamed(a) => a,
                                FunctionArg::Named { arg, .. }
                                | FunctionArg::ExprNamed { arg, .. } => arg,
                            };
                            if let FunctionArgExpr::Expr(x) = x {
                                agg |= self.scan(x, d, cols);
                            }
                        }
                    }
                    FunctionArguments::Subquery(q) => {
                        self.out.subqueries += 1;
                        self.query(q, d, false);
                    }
                    FunctionArguments::None => {}
                }
            }
            Expr::Exists { subquery, .. } | Expr::Subquery(subquery) => {
                self.out.subqueries += 1;
                self.query(subquery, d, false);
            }
            _ => {}
        }
        agg
    }
}

// ---------------------------------------------------------------------------------------------
// The token scan, for statements that do not parse.

/// Words that end a table list or cannot be a table name or alias.
fn is_clause_word(w: &str) -> bool {
    matches!(
        w,
        "where"
            | "join"
            | "inner"
            | "left"
            | "right"
            | "full"
            | "outer"
            | "cross"
            | "natural"
            | "on"
            | "using"
            | "group"
            | "order"
            | "having"
            | "limit"
            | "offset"
            | "union"
            | "intersect"
            | "except"
            | "set"
            | "values"
            | "value"
            | "select"
            | "returning"
            | "window"
            | "for"
            | "as"
            | "lateral"
            | "straight_join"
            | "into"
            | "from"
            | "fetch"
            | "only"
    )
}

/// Recover tables (after `FROM`, `JOIN`, `UPDATE`, `INTO`, and comma lists after `FROM`),
/// `SELECT *` and literal `LIMIT`/`OFFSET` from the tokens. Linear in the input.
fn scan_tokens(sql: &str, kind: QueryKind) -> Analysis {
    let mut a = Analysis::empty(kind);
    a.aggregates = kind == QueryKind::Aggregate;
    #[derive(PartialEq)]
    enum State {
        Idle,
        /// The next word is a table name.
        Table,
        /// After a table name: `.part`, an alias, or `,` for another table (in a `FROM` list).
        AfterTable {
            from_list: bool,
            depth: u32,
        },
        /// After `AS` following a table.
        Alias {
            from_list: bool,
            depth: u32,
        },
        Limit,
        /// After `LIMIT n`: `, m` makes `n` the offset.
        AfterLimit(u64),
        LimitComma(u64),
        Offset,
    }
    let mut state = State::Idle;
    let mut prev = String::new();
    let mut from_list = false;
    let mut depth: u32 = 0;
    let mut pending_dot = false;
    for tok in Lexer::new(sql) {
        let text = sql.get(tok.start..tok.end).unwrap_or("");
        let word = match tok.kind {
            TokenKind::Word => text.to_ascii_lowercase(),
            TokenKind::QuotedIdent => text
                .get(1..text.len().saturating_sub(1).max(1))
                .unwrap_or("")
                .to_owned(),
            _ => String::new(),
        };
        let is_name = matches!(tok.kind, TokenKind::Word | TokenKind::QuotedIdent)
            && (tok.kind == TokenKind::QuotedIdent || !is_clause_word(&word));
        match tok.kind {
            TokenKind::Open => depth = depth.saturating_add(1),
            TokenKind::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
        state = match state {
            State::Table if is_name => {
                a.tables.push(TableRef {
                    name: word.clone(),
                    alias: None,
                });
                State::AfterTable { from_list, depth }
            }
            State::AfterTable {
                from_list,
                depth: d,
            } => match tok.kind {
                TokenKind::Dot => {
                    pending_dot = true;
                    State::AfterTable {
                        from_list,
                        depth: d,
                    }
                }
                TokenKind::Word | TokenKind::QuotedIdent if pending_dot => {
                    pending_dot = false;
                    if let Some(t) = a.tables.last_mut() {
                        t.name.push('.');
                        t.name.push_str(&word);
                    }
                    State::AfterTable {
                        from_list,
                        depth: d,
                    }
                }
                TokenKind::Word if word == "as" => State::Alias {
                    from_list,
                    depth: d,
                },
                _ if is_name => {
                    if let Some(t) = a.tables.last_mut() {
                        t.alias = Some(word.clone());
                    }
                    State::AfterTable {
                        from_list,
                        depth: d,
                    }
                }
                TokenKind::Comma if from_list && depth == d => State::Table,
                _ => State::Idle,
            },
            State::Alias {
                from_list,
                depth: d,
            } => {
                if is_name {
                    if let Some(t) = a.tables.last_mut() {
                        t.alias = Some(word.clone());
                    }
                }
                State::AfterTable {
                    from_list,
                    depth: d,
                }
            }
            State::Limit if tok.kind == TokenKind::Literal => match text.parse::<u64>() {
                Ok(n) => {
                    a.limit = Some(n);
                    State::AfterLimit(n)
                }
                Err(_) => State::Idle,
            },
            State::AfterLimit(n) if tok.kind == TokenKind::Comma => State::LimitComma(n),
            State::LimitComma(n) if tok.kind == TokenKind::Literal => {
                if let Ok(m) = text.parse::<u64>() {
                    a.offset = Some(n);
                    a.limit = Some(m);
                }
                State::Idle
            }
            State::Offset if tok.kind == TokenKind::Literal => {
                a.offset = text.parse().ok();
                State::Idle
            }
            _ => State::Idle,
        };
        if state == State::Idle {
            pending_dot = false;
            if tok.kind == TokenKind::Word {
                match word.as_str() {
                    "from" | "join" | "update" | "into" => {
                        from_list = word == "from";
                        state = State::Table;
                    }
                    "limit" => state = State::Limit,
                    "offset" => state = State::Offset,
                    _ => {}
                }
            }
            if tok.kind == TokenKind::Op
                && text == "*"
                && (prev == "select" || prev == "distinct" || prev == ".")
            {
                a.select_star = true;
            }
        }
        prev = match tok.kind {
            TokenKind::Word => word,
            TokenKind::Dot => ".".to_owned(),
            _ => String::new(),
        };
    }
    // `DELETE FROM t` and friends: keep each table once.
    let mut seen = Vec::new();
    a.tables.retain(|t| {
        if seen.contains(t) {
            false
        } else {
            seen.push(t.clone());
            true
        }
    });
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unqualified_columns_with_two_tables_have_no_table() {
        let a = analyze("SELECT * FROM a, b WHERE x = 1");
        assert_eq!(a.filters[0].table, None);
    }

    #[test]
    fn cte_names_are_not_tables() {
        let a = analyze("WITH t AS (SELECT * FROM users WHERE id = 1) SELECT * FROM t");
        assert_eq!(a.tables.len(), 1);
        assert_eq!(a.tables[0].name, "users");
    }
}
