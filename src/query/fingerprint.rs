//! [`fingerprint`]: one pass over the tokens that writes the normalised text, then hashes it.

use std::fmt;

use sha2::{Digest, Sha256};

use super::kind::{Classifier, QueryKind};
use super::lexer::{Lexer, Token, TokenKind};

/// The shape of a statement: its normalised text, a stable 64-bit id of that text, and its kind.
///
/// Two statements that differ only in literals, parameters, comments, whitespace, keyword case or
/// the number of items in an `IN (…)` list or rows in a `VALUES` list get the same fingerprint.
///
/// ```
/// use cognition_core::query::fingerprint;
///
/// let a = fingerprint("SELECT * FROM users WHERE id = 42");
/// let b = fingerprint("select *\n  from USERS where id=7 -- from the API");
/// assert_eq!(a, b);
/// assert_eq!(a.normalized, "select * from users where id = ?");
/// assert_eq!(a.hex_id().len(), 16);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// The first 8 bytes, big-endian, of SHA-256 over the UTF-8 bytes of [`normalized`](Self::normalized).
    pub id: u64,
    /// The normalised statement text.
    pub normalized: String,
    /// The statement type.
    pub kind: QueryKind,
}

impl Fingerprint {
    /// The id as 16 lower-case hex digits, the form reports and the other faces show.
    ///
    /// ```
    /// use cognition_core::query::fingerprint;
    /// let fp = fingerprint("SELECT 1");
    /// assert_eq!(fp.hex_id(), format!("{:016x}", fp.id));
    /// assert_eq!(fp.hex_id(), fp.to_string());
    /// ```
    pub fn hex_id(&self) -> String {
        format!("{:016x}", self.id)
    }
}

impl fmt::Display for Fingerprint {
    /// Writes [`hex_id`](Fingerprint::hex_id).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.id)
    }
}

/// Compute the 64-bit fingerprint id of a normalised text: the first 8 bytes of its SHA-256,
/// read big-endian. Documented and platform-independent so every face and version agrees.
///
/// ```
/// use cognition_core::query::{fingerprint, fingerprint_id};
/// let fp = fingerprint("select 1");
/// assert_eq!(fingerprint_id(&fp.normalized), fp.id);
/// ```
pub fn fingerprint_id(normalized: &str) -> u64 {
    let digest = Sha256::digest(normalized.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// Fingerprint a SQL statement (any dialect, any input: this never fails and never panics).
///
/// See the [module documentation](super) for the normalisation rules and where they differ from
/// pt-fingerprint. Runs in time linear in `sql.len()` with one output allocation.
///
/// ```
/// use cognition_core::query::{fingerprint, QueryKind};
///
/// let fp = fingerprint("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')");
/// assert_eq!(fp.normalized, "insert into t(a, b) values(?+)");
/// assert_eq!(fp.kind, QueryKind::Insert);
///
/// let fp = fingerprint("SELECT name FROM users WHERE id IN ($1, $2, $3) LIMIT 10 OFFSET 20");
/// assert_eq!(fp.normalized, "select name from users where id in(?+) limit ?");
/// ```
pub fn fingerprint(sql: &str) -> Fingerprint {
    let (normalized, kind) = normalize(sql);
    Fingerprint {
        id: fingerprint_id(&normalized),
        normalized,
        kind,
    }
}

/// What the previous emitted token was, for spacing and for the few two-token rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Start,
    Open,
    Dot,
    Cast,
    /// A word; `glue` when a following `(` attaches to it (`count(`, `in(`, `t(a, b)`).
    Word {
        kw: Kw,
        glue: bool,
    },
    Other,
}

/// The handful of keywords the normaliser acts on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kw {
    In,
    Values,
    Limit,
    Offset,
    Null,
    Is,
    Not,
    Bool,
    Order,
    By,
    Asc,
    Other,
}

/// Classify a lower-cased word: which keyword it is, and whether a `(` after it is glued on.
fn keyword(w: &[u8]) -> (Kw, bool) {
    let kw = match w {
        b"in" => Kw::In,
        b"values" | b"value" => Kw::Values,
        b"limit" => Kw::Limit,
        b"offset" => Kw::Offset,
        b"null" => Kw::Null,
        b"is" => Kw::Is,
        b"not" => Kw::Not,
        b"true" | b"false" => Kw::Bool,
        b"order" => Kw::Order,
        b"by" => Kw::By,
        b"asc" => Kw::Asc,
        _ => Kw::Other,
    };
    let spaced = matches!(
        w,
        b"and"
            | b"or"
            | b"not"
            | b"on"
            | b"from"
            | b"join"
            | b"where"
            | b"as"
            | b"select"
            | b"when"
            | b"then"
            | b"else"
            | b"exists"
            | b"any"
            | b"all"
            | b"some"
            | b"union"
            | b"with"
            | b"by"
            | b"having"
            | b"case"
            | b"is"
            | b"like"
            | b"set"
            | b"between"
            | b"using"
            | b"returning"
            | b"lateral"
            | b"distinct"
            | b"intersect"
            | b"except"
    );
    (kw, !spaced)
}

/// An `IN (` or `VALUES (` list being watched: where its `(` was written and at which depth.
#[derive(Clone, Copy)]
struct List {
    mark: usize,
    depth: u32,
    all_literal: bool,
}

struct Writer<'a> {
    sql: &'a str,
    out: String,
    last: Last,
    /// The keyword of the word before `last`, for `IS NOT NULL`.
    before_last: Kw,
    depth: u32,
    order_by: bool,
    in_list: Option<List>,
    row: Option<List>,
    class: Classifier,
}

impl Writer<'_> {
    fn space_before(&self, kind: TokenKind, first: u8) -> bool {
        match self.last {
            // `a. 1x` must not become `a.1x`, which would scan as a number.
            Last::Dot => first.is_ascii_digit(),
            Last::Start | Last::Open | Last::Cast => false,
            last => match kind {
                TokenKind::Close
                | TokenKind::Comma
                | TokenKind::Dot
                | TokenKind::Cast
                | TokenKind::Semicolon => false,
                TokenKind::Open => !matches!(last, Last::Word { glue: true, .. }),
                _ => true,
            },
        }
    }

    fn push(&mut self, kind: TokenKind, text: &str) {
        if self.space_before(kind, text.as_bytes().first().copied().unwrap_or(0)) {
            self.out.push(' ');
        }
        self.out.push_str(text);
    }

    fn set_last(&mut self, last: Last) {
        self.before_last = match self.last {
            Last::Word { kw, .. } => kw,
            _ => Kw::Other,
        };
        self.last = last;
    }

    fn last_kw(&self) -> Kw {
        match self.last {
            Last::Word { kw, .. } => kw,
            _ => Kw::Other,
        }
    }

    /// A token that is neither a literal nor a comma ends any `IN` list being watched.
    fn not_literal(&mut self) {
        self.in_list = None;
        if let Some(row) = &mut self.row {
            row.all_literal = false;
        }
    }

    /// Write a literal or parameter as `?`.
    fn literal(&mut self, lexer: &mut Lexer<'_>) {
        let after_limit = self.last_kw() == Kw::Limit;
        self.push(TokenKind::Literal, "?");
        if let Some(row) = &mut self.row {
            if self.depth > row.depth {
                row.all_literal = false;
            }
        }
        if after_limit {
            // `LIMIT ?, ?` and `LIMIT ? OFFSET ?` become `LIMIT ?`, as pt-fingerprint does.
            let mut peek = *lexer;
            if let (Some(a), Some(b)) = (peek.next(), peek.next()) {
                let joins = a.kind == TokenKind::Comma
                    || (a.kind == TokenKind::Word
                        && self
                            .sql
                            .get(a.start..a.end)
                            .is_some_and(|w| w.eq_ignore_ascii_case("offset")));
                if joins && matches!(b.kind, TokenKind::Literal | TokenKind::Param) {
                    *lexer = peek;
                }
            }
        }
        self.set_last(Last::Other);
    }

    fn word(&mut self, tok: Token, lexer: &mut Lexer<'_>) {
        let text = self.sql.get(tok.start..tok.end).unwrap_or("");
        let space = self.space_before(
            TokenKind::Word,
            text.as_bytes().first().copied().unwrap_or(0),
        );
        let start = self.out.len() + usize::from(space);
        if space {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out[start..].make_ascii_lowercase();
        let (kw, glue) = keyword(&self.out.as_bytes()[start..]);
        match kw {
            Kw::Bool => {
                self.out.truncate(start - usize::from(space));
                return self.literal(lexer);
            }
            Kw::Null => {
                let is_null = self.last_kw() == Kw::Is
                    || (self.last_kw() == Kw::Not && self.before_last == Kw::Is);
                if !is_null {
                    self.out.truncate(start - usize::from(space));
                    return self.literal(lexer);
                }
            }
            Kw::Asc if self.order_by => {
                // `ASC` is the default direction: `ORDER BY a` and `ORDER BY a ASC` are one shape.
                self.out.truncate(start - usize::from(space));
                return;
            }
            Kw::By if self.last_kw() == Kw::Order => self.order_by = true,
            _ => {}
        }
        self.class.word(&self.out.as_bytes()[start..], self.depth);
        self.not_literal();
        self.set_last(Last::Word { kw, glue });
    }

    fn open(&mut self) {
        let kw = self.last_kw();
        if let Last::Word { .. } = self.last {
            let w = self.out.as_bytes();
            let start = w
                .iter()
                .rposition(|&b| b == b' ' || b == b'(' || b == b'.')
                .map_or(0, |i| i + 1);
            self.class.call(&w[start..]);
        }
        self.not_literal();
        let mark = self.out.len();
        self.push(TokenKind::Open, "(");
        self.depth = self.depth.saturating_add(1);
        let list = List {
            mark,
            depth: self.depth,
            all_literal: true,
        };
        match kw {
            Kw::In => self.in_list = Some(list),
            Kw::Values if self.row.is_none() => self.row = Some(list),
            _ => {}
        }
        self.set_last(Last::Open);
    }

    fn close(&mut self, lexer: &mut Lexer<'_>) {
        let depth = self.depth;
        self.push(TokenKind::Close, ")");
        self.depth = self.depth.saturating_sub(1);
        self.set_last(Last::Other);
        if let Some(list) = self.in_list.take() {
            if list.depth == depth {
                self.out.truncate(list.mark);
                self.out.push_str("(?+)");
            }
        }
        match self.row {
            Some(row) if row.depth == depth => {
                self.row = None;
                if row.all_literal {
                    self.out.truncate(row.mark);
                    self.out.push_str("(?+)");
                }
                skip_more_rows(lexer);
            }
            Some(ref mut row) if depth < row.depth => row.all_literal = false,
            _ => {}
        }
    }
}

/// After a `VALUES` row: drop any further `, ( … )` rows, so 1 row and 500 rows are one shape.
fn skip_more_rows(lexer: &mut Lexer<'_>) {
    loop {
        let mut peek = *lexer;
        match (peek.next(), peek.next()) {
            (Some(a), Some(b)) if a.kind == TokenKind::Comma && b.kind == TokenKind::Open => {
                let mut depth = 1u32;
                for t in peek.by_ref() {
                    match t.kind {
                        TokenKind::Open => depth += 1,
                        TokenKind::Close => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                *lexer = peek;
            }
            _ => return,
        }
    }
}

/// Normalise `sql` and classify it in the same pass.
pub(crate) fn normalize(sql: &str) -> (String, QueryKind) {
    let mut w = Writer {
        sql,
        out: String::with_capacity(sql.len().min(1 << 16) + 8),
        last: Last::Start,
        before_last: Kw::Other,
        depth: 0,
        order_by: false,
        in_list: None,
        row: None,
        class: Classifier::default(),
    };
    let mut lexer = Lexer::new(sql);
    while let Some(tok) = lexer.next() {
        let text = sql.get(tok.start..tok.end).unwrap_or("");
        match tok.kind {
            TokenKind::Word => w.word(tok, &mut lexer),
            TokenKind::Literal | TokenKind::Param => w.literal(&mut lexer),
            TokenKind::Open => w.open(),
            TokenKind::Close => w.close(&mut lexer),
            TokenKind::Comma => {
                w.class.comma(w.depth);
                if w.in_list.is_some_and(|l| l.depth != w.depth) {
                    w.in_list = None;
                }
                w.push(TokenKind::Comma, ",");
                w.set_last(Last::Other);
            }
            TokenKind::Semicolon => {
                // A trailing `;` is not part of the shape; `a; b` keeps its separator.
                let mut peek = lexer;
                if peek.next().is_some() {
                    w.not_literal();
                    w.push(TokenKind::Semicolon, ";");
                    w.set_last(Last::Other);
                }
            }
            TokenKind::QuotedIdent => {
                w.not_literal();
                w.push(tok.kind, text);
                w.set_last(Last::Word {
                    kw: Kw::Other,
                    glue: true,
                });
            }
            TokenKind::Dot | TokenKind::Cast => {
                w.not_literal();
                w.push(tok.kind, text);
                w.set_last(if tok.kind == TokenKind::Dot {
                    Last::Dot
                } else {
                    Last::Cast
                });
            }
            TokenKind::Op => {
                w.not_literal();
                w.push(tok.kind, text);
                w.set_last(Last::Other);
            }
        }
    }
    let kind = w.class.finish();
    (w.out, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(sql: &str) -> String {
        normalize(sql).0
    }

    #[test]
    fn operators_are_spaced_the_same_way() {
        assert_eq!(n("id=1"), n("id = 1"));
        assert_eq!(n("a>=-1.5e3"), "a >= ?");
        assert_eq!(n("x::int"), "x::int");
    }

    #[test]
    fn null_after_is_stays() {
        assert_eq!(n("where x IS NULL"), "where x is null");
        assert_eq!(n("where x is not null"), "where x is not null");
        assert_eq!(n("where x = NULL"), "where x = ?");
    }

    #[test]
    fn lists_collapse_only_when_all_literal() {
        assert_eq!(n("a in (1, 2, 'x')"), "a in(?+)");
        assert_eq!(
            n("a in (select b from c)"),
            "a in (select b from c)".replace("in (", "in(")
        );
        assert_eq!(n("values (1, now()), (2, now())"), "values(?, now())");
    }

    #[test]
    fn order_by_asc_is_dropped() {
        assert_eq!(n("order by a ASC, b desc"), "order by a, b desc");
    }

    #[test]
    fn id_is_sha256_prefix() {
        // SHA-256 of the empty string starts e3b0c44298fc1c14.
        assert_eq!(fingerprint_id(""), 0xe3b0_c442_98fc_1c14);
    }
}
