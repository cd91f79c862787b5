//! Query fingerprints: group SQL statements by shape, the way pt-fingerprint and
//! pg_stat_statements do, so per-shape statistics can be kept.
//!
//! [`fingerprint`] turns any statement into a [`Fingerprint`]: normalised text, a stable 64-bit id
//! (first 8 bytes of SHA-256 of the text, see [`fingerprint_id`]) and a [`QueryKind`].
//! [`query_id`] gives pt-query-digest's Query ID for the same statement, computed from a port of
//! pt-fingerprint ([`pt_fingerprint`]), so our reports line up with the tool DBAs already run.
//!
//! ## Normalisation
//! One linear pass over a byte-level tokenizer (no regular expressions, no per-token allocation):
//! - comments are removed: `-- …`, MySQL `# …`, `/* … */` (also unterminated, also `/*! … */`);
//! - keywords and unquoted identifiers are lower-cased (ASCII only); quoted identifiers
//!   (`"Col"`, `` `col` ``) are kept exactly as written;
//! - whitespace is canonical: one space between tokens, none inside `a.b`, `x::int`, `f(x)`,
//!   before `,` or `)`, or after `(`;
//! - literals become `?`: numbers (with sign, decimals, exponent), `'strings'` (with `''` and
//!   `\'` escapes), `0x…`/`0b…`, `X'…'`/`B'…'`/`N'…'`/`E'…'`, `$$…$$` dollar quotes, `TRUE`,
//!   `FALSE`, `NULL` (except after `IS` / `IS NOT`); dates are strings, so `DATE '2024-01-01'`
//!   becomes `date ?`;
//! - bind parameters become `?`: `?`, `?1`, `$1`, `:name`, `:1`, `$name`, `%s`, `%(name)s`;
//! - `IN (…)` of only literals/parameters becomes `in(?+)`; a `VALUES` row of only
//!   literals/parameters becomes `values(?+)`, and rows after the first are dropped, so 1 row and
//!   500 rows are one shape (pt-fingerprint's forms);
//! - `LIMIT ?, ?` and `LIMIT ? OFFSET ?` become `limit ?`, and `ASC` after `ORDER BY` is dropped
//!   (pt-fingerprint's rules); a trailing `;` is dropped.
//!
//! ## Where this deliberately differs from pt-fingerprint
//! Each difference appears, with a note, in `tests/vectors/query_fingerprint.json`:
//! - digits inside identifiers stay (`users_2009`, `col1`): pt turns every digit run into `?`,
//!   merging different tables and columns;
//! - spacing around operators is canonical: `id=1` and `id = 1` are one shape (pt keeps the
//!   original spacing);
//! - `x IS NULL` keeps `null`; pt writes `x is ?`;
//! - all parameter styles are one: `$1`, `:id`, `%s` and `?` group together (pt writes `$?`,
//!   `:id`, `%s`);
//! - quoted identifiers are kept: pt turns `"Col"` into `?` (it reads double quotes as strings,
//!   merging different PostgreSQL tables) and lower-cases backticks;
//! - `TRUE`/`FALSE` are literals; pt keeps them;
//! - `CALL p(…)` keeps its arguments' shape (pt keeps only `call p`), `USE db` keeps the
//!   database (pt writes `use ?`), repeated `UNION` branches are not folded into
//!   `/*repeat union*/`, and a trailing `;` is dropped.
//!
//! ## What this module does not do
//! Fingerprinting does not parse SQL (a statement that does not parse still gets a fingerprint),
//! does not nest `/* */` comments (PostgreSQL does, MySQL does not) and treats only ASCII
//! whitespace as whitespace. Structure comes from [`analyze()`] (sqlparser, with a token fallback);
//! statistics, the efficiency score and slow-query detection from [`QueryTracker`]; advice from
//! [`suggest()`]; MySQL slow logs and `pg_stat_statements` exports from [`import`]. The module never
//! connects to a database: it scores what the application reports.

pub mod analyze;
mod fingerprint;
pub mod import;
mod kind;
mod lexer;
mod pt;
pub mod stats;
pub mod suggest;
pub mod tracker;

pub use analyze::{analyze, Analysis};
pub use fingerprint::{fingerprint, fingerprint_id, Fingerprint};
pub use import::{
    parse_mysql_slow_log, read_mysql_slow_log, read_pg_stat_statements_csv, ImportReport,
};
pub use kind::QueryKind;
pub use pt::{pt_fingerprint, query_id};
pub use stats::{efficiency, QueryStats};
pub use suggest::{suggest, Evidence, Strategy, SuggestConfig, Suggestion};
pub use tracker::{QueryTracker, TrackerConfig, TrackerSnapshot};
