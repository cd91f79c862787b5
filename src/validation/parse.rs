//! Parsing with Ruff's Python parser, and the stack the walk over its tree runs on.
//!
//! Ruff's parser recovers from errors and always returns a module, with its syntax errors (and,
//! for the target version, the syntax that version does not support) on the side. Its tree is
//! recursive, and so are every walk over it and the code that frees it: a tree half a million
//! levels deep (`a+a+…+a`) would overflow any thread's stack. So the caller runs the walk and
//! the drop through [`with_stack_for`], which grows the stack (on the heap, with `stacker`) when
//! the source could be deeper than what is left of the current one. Bracket nesting past
//! CPython's own limit is refused before parsing ([`too_deep_brackets`]), like CPython does, and
//! so is a statement too long to walk at all ([`too_complex`]).

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::{ModModule, PySourceType, PythonVersion};
use ruff_python_parser::{ParseOptions, Parsed};

/// The Python version whose grammar the validation follows: what CPython 3.11 compiles.
pub(crate) const TARGET_VERSION: PythonVersion = PythonVersion::PY311;

/// CPython's tokenizer refuses more than 200 nested brackets ("too many nested parentheses").
pub(crate) const MAX_BRACKET_DEPTH: usize = 200;

/// Stack one tree level may need across the walk, the rule checks and the drop, with margin
/// (measured: ~2.9 KiB unoptimised, a few hundred bytes optimised).
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) { 4096 } else { 1024 };

/// The largest depth bound walked (a 2 MiB statement of single-token levels): past it the
/// source is refused as too complex, as CPython refuses far shallower trees.
pub(crate) const MAX_DEPTH_BOUND: usize = 2 * 1024 * 1024;

/// Stack kept for everything that is not proportional to the depth.
const STACK_BASE: usize = 256 * 1024;

/// Parse Python source as a module, recovering from errors.
pub(crate) fn parse(source: &str) -> Parsed<ModModule> {
    let options = ParseOptions::from(PySourceType::Python).with_target_version(TARGET_VERSION);
    ruff_python_parser::parse_unchecked(source, options)
        .try_into_module()
        .unwrap_or_else(|| unreachable!("a Python source type parses as a module"))
}

/// Return the byte offset of the first bracket opened past [`MAX_BRACKET_DEPTH`], if any.
///
/// A byte scan that skips comments and string literals (prefixes need no care: a prefix is a
/// name, and the quote after it opens the string). Brackets inside f-string replacement fields
/// are not counted, so the scan can only under-count, never refuse what CPython accepts.
pub(crate) fn too_deep_brackets(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'\'' | b'"') => {
                let triple = bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote);
                i = skip_string(bytes, i, quote, triple);
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Return the offset just past the string literal opening at `start`.
fn skip_string(bytes: &[u8], start: usize, quote: u8, triple: bool) -> usize {
    let mut i = start + if triple { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'\n' if !triple => return i,
            b if b == quote => {
                if !triple {
                    return i + 1;
                }
                if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                    return i + 3;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// An upper bound on the depth of the tree parsed from tokens of these kinds.
///
/// Every level of an expression owns at least one token of its logical line (an operator, a
/// bracket, a dot, a keyword), and every level of statement nesting an indent; so the longest
/// logical line plus the deepest indentation bound the depth without walking the tree.
pub(crate) fn depth_bound(kinds: impl IntoIterator<Item = TokenKind>) -> usize {
    let mut longest = 0usize;
    let mut line = 0usize;
    let mut indent = 0usize;
    let mut deepest_indent = 0usize;
    for kind in kinds {
        match kind {
            TokenKind::Newline => {
                longest = longest.max(line);
                line = 0;
            }
            TokenKind::Indent => {
                indent += 1;
                deepest_indent = deepest_indent.max(indent);
            }
            TokenKind::Dedent => indent = indent.saturating_sub(1),
            TokenKind::Comment | TokenKind::NonLogicalNewline => {}
            _ => line += 1,
        }
    }
    longest.max(line) + 2 * deepest_indent + 8
}

/// The depth bound of parsed tokens.
pub(crate) fn tree_depth_bound(tokens: &Tokens) -> usize {
    depth_bound(tokens.iter().map(|t| t.kind()))
}

/// Return the depth bound of `source` if it is past [`MAX_DEPTH_BOUND`], lexing it first.
///
/// A source shorter than the limit cannot pass it (every token takes a byte), so only big
/// sources pay for the extra lexing; the parser then never builds a tree too deep to walk.
pub(crate) fn too_complex(source: &str) -> Option<usize> {
    if source.len() <= MAX_DEPTH_BOUND {
        return None;
    }
    let mut lexer = ruff_python_parser::lexer::lex(source, ruff_python_parser::Mode::Module);
    let kinds = std::iter::from_fn(|| match lexer.next_token() {
        TokenKind::EndOfFile => None,
        kind => Some(kind),
    });
    let bound = depth_bound(kinds);
    (bound > MAX_DEPTH_BOUND).then_some(bound)
}

/// Run `f` with at least enough stack for a tree `depth` levels deep.
///
/// Ordinary files run on the current stack; deep ones on a fresh stack of the size they need,
/// which the system commits only as it is touched.
pub(crate) fn with_stack_for<R>(depth: usize, f: impl FnOnce() -> R) -> R {
    let needed = depth
        .saturating_mul(STACK_PER_LEVEL)
        .saturating_add(STACK_BASE);
    stacker::maybe_grow(needed, needed, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let deep = "(".repeat(MAX_BRACKET_DEPTH + 1);
        assert_eq!(
            too_deep_brackets(&format!("x = '{deep}'\n# {deep}\n")),
            None
        );
        assert_eq!(
            too_deep_brackets(&format!("x = \"\"\"\n{deep}\n\"\"\"\n")),
            None
        );
        assert_eq!(too_deep_brackets(&format!("x = '\\'{deep}'\n")), None);
    }

    #[test]
    fn brackets_past_cpythons_limit_are_found_where_they_open() {
        let ok = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
        assert_eq!(too_deep_brackets(&ok), None);
        let deep = format!("x = {}1{}\n", "[".repeat(201), "]".repeat(201));
        assert_eq!(too_deep_brackets(&deep), Some(4 + 200));
    }

    #[test]
    fn the_depth_bound_grows_with_the_longest_logical_line_and_the_indentation() {
        let flat = parse("x = 1\ny = 2\n");
        let chain = parse(&format!("x = {}1\n", "a+".repeat(1000)));
        let nested = parse("if a:\n    if b:\n        if c:\n            pass\n");
        assert!(tree_depth_bound(flat.tokens()) < 20);
        assert!(tree_depth_bound(chain.tokens()) > 2000);
        assert!(tree_depth_bound(nested.tokens()) >= 3 * 2);
    }

    #[test]
    fn only_statements_past_the_bound_are_too_complex() {
        let long_flat_file = "x = 1\n".repeat(MAX_DEPTH_BOUND / 4);
        assert_eq!(too_complex(&long_flat_file), None);
        let long_statement = format!("x = {}1\n", "-".repeat(MAX_DEPTH_BOUND + 1));
        assert!(too_complex(&long_statement).is_some());
    }
}
