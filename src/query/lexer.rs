//! A single-pass, byte-level SQL scanner that never fails: every byte of every input ends up in
//! exactly one token, so truncated or garbage statements still scan in linear time.
//!
//! It knows just enough SQL to find token boundaries across MySQL, PostgreSQL and SQLite: comments,
//! strings (with `''` and backslash escapes), dollar-quoted strings, quoted identifiers, numbers,
//! bind parameters and operators. It does not parse, and it does not allocate.

/// What a token is, as far as fingerprinting cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A keyword or unquoted identifier (ASCII letters, digits, `_`, `$`, any non-ASCII byte).
    Word,
    /// A `"double"`, `` `backtick` `` or `[bracket]`-free quoted identifier, kept as written.
    QuotedIdent,
    /// A number, string, hex/bit literal or dollar-quoted string.
    Literal,
    /// A bind parameter: `?`, `?1`, `$1`, `:name`, `:1`, `%s`, `%(name)s`.
    Param,
    /// `(`.
    Open,
    /// `)`.
    Close,
    /// `,`.
    Comma,
    /// `.` between qualified names.
    Dot,
    /// `;`.
    Semicolon,
    /// `::` (PostgreSQL cast).
    Cast,
    /// Any other operator or stray byte.
    Op,
}

/// One token: its kind and its byte range in the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The scanner. `Copy`, so peeking ahead is a copy of three words.
#[derive(Clone, Copy)]
pub(crate) struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
    /// The previous token, to tell a sign from a binary `-`/`+` (decided only when needed).
    prev: Option<Token>,
}

/// Return `true` for ASCII whitespace, the only whitespace SQL dialects agree on.
#[inline]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Return `true` for bytes that may continue an unquoted identifier.
#[inline]
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Return `true` for bytes that may start an unquoted identifier.
#[inline]
fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// Words after which a `-`/`+` before a number is a sign (the word is a keyword, not a value).
fn is_operator_word(w: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[
        b"select",
        b"where",
        b"and",
        b"or",
        b"not",
        b"by",
        b"when",
        b"then",
        b"else",
        b"in",
        b"values",
        b"value",
        b"between",
        b"limit",
        b"offset",
        b"return",
        b"like",
        b"is",
        b"case",
        b"having",
        b"on",
        b"set",
        b"interval",
        b"returning",
        b"distinct",
        b"all",
        b"any",
        b"some",
        b"exists",
        b"default",
        b"as",
    ];
    w.len() <= 9 && WORDS.iter().any(|k| k.eq_ignore_ascii_case(w))
}

impl<'a> Lexer<'a> {
    /// Scan `sql` from the start.
    pub(crate) fn new(sql: &'a str) -> Self {
        Lexer {
            s: sql.as_bytes(),
            pos: 0,
            prev: None,
        }
    }

    /// Return `true` if the previous token ends a value (so `-`/`+` after it is binary).
    fn prev_value(&self) -> bool {
        match self.prev {
            Some(t) => match t.kind {
                TokenKind::Literal
                | TokenKind::Param
                | TokenKind::QuotedIdent
                | TokenKind::Close => true,
                TokenKind::Word => !is_operator_word(&self.s[t.start..t.end]),
                _ => false,
            },
            None => false,
        }
    }

    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    /// Skip whitespace and comments; return `true` if anything was skipped.
    fn skip_trivia(&mut self) {
        let s = self.s;
        loop {
            let Some(&b) = s.get(self.pos) else { return };
            if is_space(b) {
                self.pos += 1;
            } else if b == b'-' && self.at(self.pos + 1) == b'-' {
                self.skip_line();
            } else if b == b'#' && !matches!(self.at(self.pos + 1), b'>' | b'-') {
                // MySQL `#` comment; PostgreSQL's `#>`, `#>>`, `#-` JSON operators are kept.
                self.skip_line();
            } else if b == b'/' && self.at(self.pos + 1) == b'*' {
                // Not nested (MySQL); an unterminated comment runs to the end.
                match find2(s, self.pos + 2, b'*', b'/') {
                    Some(i) => self.pos = i + 2,
                    None => self.pos = s.len(),
                }
            } else {
                return;
            }
        }
    }

    fn skip_line(&mut self) {
        match memchr_nl(self.s, self.pos) {
            Some(i) => self.pos = i + 1,
            None => self.pos = self.s.len(),
        }
    }

    /// Scan a quoted run that starts at `self.pos` with `quote`; doubled quotes and (when
    /// `backslash`) backslash escapes stay inside. Unterminated runs end at the input's end.
    fn skip_quoted(&mut self, quote: u8, backslash: bool) {
        let s = self.s;
        let mut i = self.pos + 1;
        while i < s.len() {
            let b = s[i];
            if backslash && b == b'\\' {
                i += 2;
            } else if b == quote {
                if s.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    self.pos = i + 1;
                    return;
                }
            } else {
                i += 1;
            }
        }
        self.pos = s.len();
    }

    fn skip_word(&mut self) {
        let s = self.s;
        let mut i = self.pos;
        while i < s.len() && is_word_byte(s[i]) {
            i += 1;
        }
        self.pos = i;
    }

    fn skip_digits(&mut self) {
        while self.at(self.pos).is_ascii_digit() || self.at(self.pos) == b'_' {
            self.pos += 1;
        }
    }

    /// Scan a number starting at `self.pos` (a digit or `.digit`); a run of word bytes glued to
    /// the end turns it into an identifier (MySQL allows `1st_table`).
    fn number(&mut self) -> TokenKind {
        let s = self.s;
        let start = self.pos;
        let b0 = self.at(self.pos);
        let b1 = self.at(self.pos + 1) | 0x20;
        if b0 == b'0' && (b1 == b'x' || b1 == b'b') && self.at(self.pos + 2).is_ascii_hexdigit() {
            self.pos += 2;
            self.skip_word();
            return TokenKind::Literal;
        }
        self.skip_digits();
        if self.at(self.pos) == b'.' {
            self.pos += 1;
            self.skip_digits();
        }
        if self.at(self.pos) | 0x20 == b'e' {
            let mut j = self.pos + 1;
            if matches!(self.at(j), b'+' | b'-') {
                j += 1;
            }
            if self.at(j).is_ascii_digit() {
                self.pos = j;
                self.skip_digits();
            }
        }
        let all_digits = s[start..self.pos].iter().all(u8::is_ascii_digit);
        if all_digits && self.pos < s.len() && is_word_byte(s[self.pos]) && s[self.pos] != b'$' {
            self.skip_word();
            return TokenKind::Word;
        }
        TokenKind::Literal
    }

    /// Scan the token at `self.pos` (not trivia) and return its kind.
    fn scan(&mut self) -> TokenKind {
        let s = self.s;
        let start = self.pos;
        let b = s[start];
        let next = self.at(start + 1);
        match b {
            b'\'' => {
                self.skip_quoted(b'\'', true);
                TokenKind::Literal
            }
            b'"' => {
                self.skip_quoted(b'"', false);
                TokenKind::QuotedIdent
            }
            b'`' => {
                self.skip_quoted(b'`', false);
                TokenKind::QuotedIdent
            }
            b'0'..=b'9' => self.number(),
            b'.' if next.is_ascii_digit() && !self.prev_value() => self.number(),
            b'-' | b'+'
                if !self.prev_value()
                    && (next.is_ascii_digit()
                        || (next == b'.' && self.at(start + 2).is_ascii_digit())) =>
            {
                self.pos += 1;
                self.number()
            }
            // `?+` inside `(?+)`: our own collapsed-list marker, so normalised text re-normalises
            // to itself.
            b'?' if next == b'+' && self.at(start + 2) == b')' => {
                self.pos += 2;
                TokenKind::Param
            }
            b'?' => {
                self.pos += 1;
                while self.at(self.pos).is_ascii_digit() {
                    self.pos += 1;
                }
                TokenKind::Param
            }
            b'$' if next.is_ascii_digit() => {
                self.pos += 1;
                while self.at(self.pos).is_ascii_digit() {
                    self.pos += 1;
                }
                TokenKind::Param
            }
            b'$' => self.dollar(),
            b':' if next == b':' => {
                self.pos += 2;
                TokenKind::Cast
            }
            b':' if is_word_start(next) || next.is_ascii_digit() => {
                self.pos += 1;
                self.skip_word();
                TokenKind::Param
            }
            b'%' if next == b's' && !is_word_byte(self.at(start + 2)) => {
                self.pos += 2;
                TokenKind::Param
            }
            b'%' if next == b'(' => {
                // `%(name)s`, psycopg's named style.
                let mut j = start + 2;
                while j < s.len() && is_word_byte(s[j]) {
                    j += 1;
                }
                if self.at(j) == b')' && self.at(j + 1) == b's' {
                    self.pos = j + 2;
                    TokenKind::Param
                } else {
                    self.pos += 1;
                    TokenKind::Op
                }
            }
            b'(' => {
                self.pos += 1;
                TokenKind::Open
            }
            b')' => {
                self.pos += 1;
                TokenKind::Close
            }
            b',' => {
                self.pos += 1;
                TokenKind::Comma
            }
            b';' => {
                self.pos += 1;
                TokenKind::Semicolon
            }
            b'.' => {
                self.pos += 1;
                TokenKind::Dot
            }
            _ if is_word_start(b) => {
                // X'..', B'..', N'..', E'..': prefixed string literals.
                if next == b'\'' && matches!(b | 0x20, b'x' | b'b' | b'n' | b'e') {
                    self.pos += 1;
                    self.skip_quoted(b'\'', true);
                    return TokenKind::Literal;
                }
                self.skip_word();
                TokenKind::Word
            }
            _ => {
                self.pos += operator_len(&s[start..]);
                TokenKind::Op
            }
        }
    }

    /// `$tag$ … $tag$` (PostgreSQL dollar quoting) or a `$name` parameter (SQLite).
    fn dollar(&mut self) -> TokenKind {
        let s = self.s;
        let start = self.pos;
        let mut j = start + 1;
        while j < s.len() && is_word_byte(s[j]) && s[j] != b'$' {
            j += 1;
        }
        if self.at(j) == b'$' {
            let tag = &s[start..=j];
            let mut k = j + 1;
            while let Some(i) = find_byte(s, k, b'$') {
                if s[i..].starts_with(tag) {
                    self.pos = i + tag.len();
                    return TokenKind::Literal;
                }
                k = i + 1;
            }
            self.pos = s.len();
            return TokenKind::Literal;
        }
        if j > start + 1 {
            self.pos = j;
            return TokenKind::Param;
        }
        self.pos += 1;
        TokenKind::Op
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    #[inline]
    fn next(&mut self) -> Option<Token> {
        self.skip_trivia();
        if self.pos >= self.s.len() {
            return None;
        }
        let start = self.pos;
        let kind = self.scan();
        // Every arm advances; keep the scan total even if one did not.
        if self.pos <= start {
            self.pos = start + 1;
        }
        self.pos = self.pos.min(self.s.len());
        let token = Token {
            kind,
            start,
            end: self.pos,
        };
        self.prev = Some(token);
        Some(token)
    }
}

/// Length of the operator at the start of `s` (at least 1).
fn operator_len(s: &[u8]) -> usize {
    const OPS: &[&[u8]] = &[
        b"<=>", b"->>", b"#>>", b"!~*", b"<=", b">=", b"<>", b"!=", b"==", b"||", b"&&", b":=",
        b"->", b"#>", b"#-", b"@>", b"<@", b"<<", b">>", b"~*", b"!~", b"=>", b"?|", b"?&",
    ];
    for op in OPS {
        if s.starts_with(op) {
            return op.len();
        }
    }
    // One whole character, so slices stay on UTF-8 boundaries.
    match s.first() {
        Some(&b) if b >= 0xf0 => 4,
        Some(&b) if b >= 0xe0 => 3,
        Some(&b) if b >= 0xc0 => 2,
        _ => 1,
    }
    .min(s.len().max(1))
}

fn find_byte(s: &[u8], from: usize, b: u8) -> Option<usize> {
    s.get(from..)?
        .iter()
        .position(|&c| c == b)
        .map(|i| i + from)
}

fn memchr_nl(s: &[u8], from: usize) -> Option<usize> {
    s.get(from..)?
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map(|i| i + from)
}

/// Position of the first `a` immediately followed by `b`, at or after `from`.
fn find2(s: &[u8], from: usize, a: u8, b: u8) -> Option<usize> {
    let mut i = from;
    while let Some(j) = find_byte(s, i, a) {
        if s.get(j + 1) == Some(&b) {
            return Some(j);
        }
        i = j + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(TokenKind, &str)> {
        Lexer::new(sql)
            .map(|t| (t.kind, &sql[t.start..t.end]))
            .collect()
    }

    #[test]
    fn signs_are_part_of_numbers_only_after_operators() {
        use TokenKind::*;
        assert_eq!(
            kinds("a-1 = -2"),
            vec![
                (Word, "a"),
                (Op, "-"),
                (Literal, "1"),
                (Op, "="),
                (Literal, "-2")
            ]
        );
    }

    #[test]
    fn strings_comments_and_params() {
        use TokenKind::*;
        assert_eq!(
            kinds("'it''s' /* c */ $1 :n %s %(k)s x::int $$a$$ -- end"),
            vec![
                (Literal, "'it''s'"),
                (Param, "$1"),
                (Param, ":n"),
                (Param, "%s"),
                (Param, "%(k)s"),
                (Word, "x"),
                (Cast, "::"),
                (Word, "int"),
                (Literal, "$$a$$"),
            ]
        );
    }

    #[test]
    fn unterminated_runs_end_at_the_end() {
        assert_eq!(kinds("'abc").len(), 1);
        assert_eq!(kinds("\"abc").len(), 1);
        assert!(kinds("/* abc").is_empty());
        assert_eq!(kinds("é€𝄞").len(), 1);
    }
}
