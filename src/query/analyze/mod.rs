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

mod model;
mod names;
mod predicates;
mod scan;
#[cfg(test)]
mod tests;
mod walker;

pub use model::{
    Analysis, ColumnRef, Comparison, Direction, Filter, Obstacle, OrderColumn, SqlDialect, TableRef,
};

use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use scan::scan_tokens;
use walker::Walker;

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
