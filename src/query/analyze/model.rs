//! The analysis result: tables, filters, join keys, ordering and the other facts advice reads.

use serde::Serialize;

use crate::query::QueryKind;

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

/// What [`analyze`](super::analyze) found in a statement.
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
    /// The statement type, by the same rules as [`Fingerprint::kind`](crate::query::Fingerprint::kind).
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
    pub(super) fn empty(kind: QueryKind) -> Self {
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
