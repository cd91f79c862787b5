//! [`QueryKind`]: what sort of statement a fingerprint stands for, decided from its tokens.

use std::fmt;

/// The type of a statement, decided by token heuristics (no parser is involved).
///
/// The statement's verb decides, after any leading `WITH …` common table expressions: `SELECT`
/// statements are [`Aggregate`](QueryKind::Aggregate) when they call `COUNT`, `SUM`, `AVG`, `MIN`
/// or `MAX` or have a `GROUP BY` anywhere (aggregates dominate the cost, so this wins over a join),
/// else [`Join`](QueryKind::Join) when they read several tables (`JOIN`, or a comma in a `FROM`
/// list), else [`Select`](QueryKind::Select).
///
/// ```
/// use cognition_core::query::{fingerprint, QueryKind};
///
/// assert_eq!(fingerprint("SELECT * FROM a JOIN b ON a.id = b.a_id").kind, QueryKind::Join);
/// assert_eq!(fingerprint("select count(*) from a").kind, QueryKind::Aggregate);
/// assert_eq!(fingerprint("CREATE INDEX i ON t (c)").kind, QueryKind::Ddl);
/// assert_eq!(fingerprint("SHOW TABLES").kind, QueryKind::Other);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum QueryKind {
    /// A single-table `SELECT`.
    Select,
    /// A `SELECT` over several tables.
    Join,
    /// A `SELECT` with aggregate functions or `GROUP BY`.
    Aggregate,
    /// `INSERT` or `REPLACE`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// Schema changes: `CREATE`, `ALTER`, `DROP`, `TRUNCATE`, `RENAME`.
    Ddl,
    /// Anything else (`SHOW`, `SET`, transactions, `EXPLAIN`, unrecognised input).
    Other,
}

impl QueryKind {
    /// The upper-case name used in reports and by the other faces (`"SELECT"`, `"JOIN"`, …).
    ///
    /// ```
    /// use cognition_core::query::QueryKind;
    /// assert_eq!(QueryKind::Aggregate.as_str(), "AGGREGATE");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            QueryKind::Select => "SELECT",
            QueryKind::Join => "JOIN",
            QueryKind::Aggregate => "AGGREGATE",
            QueryKind::Insert => "INSERT",
            QueryKind::Update => "UPDATE",
            QueryKind::Delete => "DELETE",
            QueryKind::Ddl => "DDL",
            QueryKind::Other => "OTHER",
        }
    }
}

impl fmt::Display for QueryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The statement verb, as far as classification needs it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    Select,
    Insert,
    Update,
    Delete,
    Ddl,
    Other,
}

/// Collects the few facts classification needs while the normaliser walks the tokens.
#[derive(Default)]
pub(crate) struct Classifier {
    verb: Option<Verb>,
    in_with: bool,
    in_from: bool,
    join: bool,
    aggregate: bool,
}

impl Classifier {
    /// Feed one lower-cased word seen at paren `depth`.
    pub(crate) fn word(&mut self, w: &[u8], depth: u32) {
        if self.verb.is_none() {
            let verb = match w {
                b"select" => Verb::Select,
                b"insert" | b"replace" => Verb::Insert,
                b"update" => Verb::Update,
                b"delete" => Verb::Delete,
                b"create" | b"alter" | b"drop" | b"truncate" | b"rename" => Verb::Ddl,
                b"with" if !self.in_with => {
                    self.in_with = true;
                    return;
                }
                _ if self.in_with => return,
                _ => Verb::Other,
            };
            if self.in_with && depth > 0 {
                return;
            }
            self.verb = Some(verb);
        }
        match w {
            b"join" => self.join = true,
            b"from" if depth == 0 => self.in_from = true,
            b"where" | b"group" | b"order" | b"limit" | b"having" | b"union" | b"window"
            | b"for" | b"on" | b"using" => {
                if depth == 0 {
                    self.in_from = false;
                }
                if w == b"group" {
                    self.aggregate = true;
                }
            }
            _ => {}
        }
    }

    /// Note a call: `name(` where `name` is the lower-cased word before the parenthesis.
    pub(crate) fn call(&mut self, w: &[u8]) {
        if matches!(w, b"count" | b"sum" | b"avg" | b"min" | b"max") {
            self.aggregate = true;
        }
    }

    /// Note a comma at paren `depth`.
    pub(crate) fn comma(&mut self, depth: u32) {
        if depth == 0 && self.in_from {
            self.join = true;
        }
    }

    /// The kind, once every token was seen.
    pub(crate) fn finish(&self) -> QueryKind {
        match self.verb {
            Some(Verb::Select) if self.aggregate => QueryKind::Aggregate,
            Some(Verb::Select) if self.join => QueryKind::Join,
            Some(Verb::Select) => QueryKind::Select,
            Some(Verb::Insert) => QueryKind::Insert,
            Some(Verb::Update) => QueryKind::Update,
            Some(Verb::Delete) => QueryKind::Delete,
            Some(Verb::Ddl) => QueryKind::Ddl,
            Some(Verb::Other) | None => QueryKind::Other,
        }
    }
}
