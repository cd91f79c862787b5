//! Syntax errors: what Ruff's parser reports, the syntax CPython 3.11 does not support yet, and
//! (through [`super::checker`]) Ruff's semantic checks of what the grammar accepts but the
//! compiler rejects (`return` outside a function, `break` outside a loop, duplicate
//! parameters, late `__future__` imports, …).
//!
//! Ruff's parser follows CPython's grammar and tokenizer (indentation, one statement per
//! logical line, no Python 2 forms such as `print x`, backticks or `<>`), so the checks left
//! here are CPython's own reporting choices: the unclosed bracket, the bracket nesting limit.
//! Messages are Ruff's.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::checker::Checker;
use super::parse::{MAX_BRACKET_DEPTH, MAX_DEPTH_BOUND};
use super::rule::Rule;

/// Report the parser's errors and the syntax the target version does not support.
///
/// Like CPython, a bracket still open at the end of the file is the error when the parser
/// only stumbled on a later line: `x = [1, 2` then `y = 3` is "'[' was never closed" on the
/// first line, not an unexpected name on the second (the parser's errors past the bracket
/// are its consequences and are dropped).
pub(crate) fn parse_errors(ck: &mut Checker<'_>, parsed: &Parsed<ModModule>) {
    let errors = parsed.errors();
    let first_error = errors.iter().map(|e| e.location.start()).min();
    let unclosed = first_error.and_then(|first| {
        let (kind, at) = innermost_unclosed_bracket(parsed.tokens())?;
        let bracket_line = ck.idx.position(at.to_usize()).0;
        (ck.idx.position(first.to_usize()).0 > bracket_line).then_some((kind, at))
    });
    for error in errors {
        if unclosed.is_some_and(|(_, at)| error.location.start() >= at) {
            continue;
        }
        match python2_statement(ck.src, error.location.start().to_usize()) {
            Some((word, at)) => ck.report_range(
                Rule::SyntaxError,
                format!("Missing parentheses in call to '{word}'. Did you mean {word}(...)?"),
                at,
                at + word.len(),
            ),
            None => ck.report(Rule::SyntaxError, error.error.to_string(), error.location),
        }
    }
    if let Some((bracket, at)) = unclosed {
        ck.report(
            Rule::SyntaxError,
            format!("'{bracket}' was never closed"),
            TextRange::at(at, TextSize::from(1)),
        );
    }
    for error in parsed.unsupported_syntax_errors() {
        ck.report(Rule::SyntaxError, error.to_string(), error.range);
    }
}

/// Return `print` or `exec` and where it starts if the error at `offset` follows one of them
/// alone at the start of its line: Python 2's statement, which CPython names.
fn python2_statement(src: &str, offset: usize) -> Option<(&'static str, usize)> {
    let before = src.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let head = before[line_start..].trim_end();
    let word = head.trim_start();
    let word = ["print", "exec"].into_iter().find(|w| *w == word)?;
    Some((word, line_start + (head.len() - word.len())))
}

/// Return the innermost bracket left open at the end of the tokens, and where it opens.
fn innermost_unclosed_bracket(tokens: &Tokens) -> Option<(char, TextSize)> {
    let mut open: Vec<(char, TextSize)> = Vec::new();
    for token in tokens.iter() {
        match token.kind() {
            TokenKind::Lpar => open.push(('(', token.start())),
            TokenKind::Lsqb => open.push(('[', token.start())),
            TokenKind::Lbrace => open.push(('{', token.start())),
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

/// Report brackets nested past CPython's limit, at the first bracket past it.
pub(crate) fn too_deep(ck: &mut Checker<'_>, offset: usize) {
    ck.report_range(
        Rule::SyntaxError,
        format!("too many nested parentheses (more than {MAX_BRACKET_DEPTH})"),
        offset,
        offset + 1,
    );
}

/// Report a source whose tree could be too deep to walk (see [`super::parse::too_complex`]).
pub(crate) fn too_complex(ck: &mut Checker<'_>, bound: usize) {
    ck.report_range(
        Rule::SyntaxError,
        format!(
            "too complex to check: a statement of about {bound} tokens (at most {MAX_DEPTH_BOUND})"
        ),
        0,
        0,
    );
}
