//! The token scan, for statements that do not parse.

use crate::query::lexer::{Lexer, TokenKind};
use crate::query::QueryKind;

use super::model::{Analysis, TableRef};

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
pub(super) fn scan_tokens(sql: &str, kind: QueryKind) -> Analysis {
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
