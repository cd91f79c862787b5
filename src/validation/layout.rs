//! Logical lines and indentation: what CPython's tokenizer enforces and tree-sitter does not.
//!
//! tree-sitter-python's scanner emits a NEWLINE only where the grammar can take one, so
//! `x = \n1` and `f() g()` parse. CPython rejects both. This pass, fed every leaf by the single
//! walk, checks that a token starting a new physical line outside brackets and without a `\`
//! continuation begins a statement; that statements sharing a line are separated by `;` (or
//! follow a compound header's `:`); that blocks are not empty and their statements share one
//! indentation deeper than their header's.

use tree_sitter::Node;

use super::checker::Checker;
use super::rule::Rule;

/// Per-walk state of the layout checks.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    bracket_depth: u32,
    string_depth: u32,
    prev_leaf_end_row: Option<usize>,
    prev_leaf_kind: &'static str,
    /// Start byte of the innermost statement-like node entered last; a new line may start here.
    statement_start: Option<usize>,
}

/// Return `true` for nodes that begin a logical line: statements and clauses.
fn is_statement_like(kind: &str) -> bool {
    kind.ends_with("_statement")
        || is_clause(kind)
        || matches!(
            kind,
            "function_definition" | "class_definition" | "decorated_definition" | "decorator"
        )
}

/// Return `true` for the clauses of compound statements (not comprehension or `with` clauses).
fn is_clause(kind: &str) -> bool {
    matches!(
        kind,
        "else_clause"
            | "elif_clause"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
            | "case_clause"
    )
}

fn is_compound(kind: &str) -> bool {
    matches!(
        kind,
        "if_statement"
            | "for_statement"
            | "while_statement"
            | "try_statement"
            | "with_statement"
            | "match_statement"
            | "function_definition"
            | "class_definition"
            | "decorated_definition"
    )
}

/// Called for every named node before the rule families.
pub(crate) fn enter_named(ck: &mut Checker<'_>, node: Node<'_>) {
    let kind = node.kind();
    if is_statement_like(kind) && ck.layout.string_depth == 0 {
        same_line_statement(ck, node);
        ck.layout.statement_start = Some(node.start_byte());
    }
    if kind == "block" || kind == "module" {
        block(ck, node);
    }
}

/// Two statements on one line need a `;`; a compound statement needs a line of its own.
fn same_line_statement(ck: &mut Checker<'_>, node: Node<'_>) {
    let Some(prev_row) = ck.layout.prev_leaf_end_row else {
        return;
    };
    if prev_row != node.start_position().row || ck.layout.bracket_depth > 0 {
        return;
    }
    let prev = ck.layout.prev_leaf_kind;
    let ok = match prev {
        ";" => !is_compound(node.kind()) && !is_clause(node.kind()),
        ":" => !is_compound(node.kind()) && !is_clause(node.kind()),
        _ => false,
    };
    // A decorator's own statement, or a clause keyword's body, starts right after: only the
    // first token of a statement is checked here, and it must be preceded by `;` or `:`.
    if !ok && node.kind() != "decorator" {
        ck.report(
            Rule::SyntaxError,
            "invalid syntax: statements on one line must be separated by `;`",
            node,
        );
    }
}

/// Called for every leaf (token) the walk reaches, named or not.
pub(crate) fn leaf(ck: &mut Checker<'_>, node: Node<'_>) {
    if node.is_extra() || node.is_missing() {
        return;
    }
    let kind = node.kind();
    let row = node.start_position().row;
    if ck.layout.string_depth == 0 && ck.layout.bracket_depth == 0 {
        if let Some(prev) = ck.layout.prev_leaf_end_row {
            let continued = ck.idx.line_text(prev).ends_with('\\');
            if row > prev && !continued && ck.layout.statement_start != Some(node.start_byte()) {
                ck.report(
                    Rule::SyntaxError,
                    "invalid syntax: the statement continues on a new line outside brackets",
                    node,
                );
            }
        }
    }
    match kind {
        "string_start" => ck.layout.string_depth += 1,
        "string_end" => ck.layout.string_depth = ck.layout.string_depth.saturating_sub(1),
        "(" | "[" | "{" if ck.layout.string_depth == 0 => ck.layout.bracket_depth += 1,
        ")" | "]" | "}" if ck.layout.string_depth == 0 => {
            ck.layout.bracket_depth = ck.layout.bracket_depth.saturating_sub(1);
        }
        _ => {}
    }
    ck.layout.prev_leaf_end_row = Some(node.end_position().row);
    ck.layout.prev_leaf_kind = kind;
}

/// Called for a subtree the walk skips (an `ERROR` node): its tokens count as seen.
pub(crate) fn skipped(ck: &mut Checker<'_>, node: Node<'_>) {
    ck.layout.prev_leaf_end_row = Some(node.end_position().row);
    ck.layout.prev_leaf_kind = "ERROR";
}

/// Blocks hold at least one statement; statements that start their line share one indentation,
/// deeper than the header's (module level: column 0).
fn block(ck: &mut Checker<'_>, node: Node<'_>) {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|c| !c.is_extra())
        .collect();
    if children.is_empty() {
        if node.kind() == "block" {
            let at = ck.parent_start().unwrap_or(node.start_byte());
            ck.report_range(Rule::SyntaxError, "expected an indented block", at, at);
        }
        return;
    }
    let header_indent = match ck.parent_start() {
        Some(parent) if node.kind() == "block" => Some(line_indent(ck, parent)),
        _ => None,
    };
    let mut expected: Option<usize> = None;
    let first_inline = !starts_line(ck, children[0].start_byte());
    for child in children {
        if child.is_error() || child.is_missing() {
            continue;
        }
        if !starts_line(ck, child.start_byte()) {
            continue;
        }
        let col = child.start_position().column;
        let bad = if first_inline || (header_indent.is_none() && col != 0) {
            Some("unexpected indent")
        } else if header_indent.is_some_and(|h| col <= h) {
            Some("expected an indented block")
        } else {
            match expected {
                None => {
                    expected = Some(col);
                    None
                }
                Some(e) if e == col => None,
                Some(e) if col > e => Some("unexpected indent"),
                Some(_) => Some("unindent does not match any outer indentation level"),
            }
        };
        if let Some(message) = bad {
            ck.report(Rule::SyntaxError, message, child);
            return;
        }
    }
}

/// Return `true` if only whitespace precedes byte `offset` on its line.
fn starts_line(ck: &Checker<'_>, offset: usize) -> bool {
    let bytes = ck.src.as_bytes();
    let mut i = offset.min(bytes.len());
    while i > 0 {
        match bytes[i - 1] {
            b'\n' | b'\r' => return true,
            b' ' | b'\t' | b'\x0c' => i -= 1,
            _ => return false,
        }
    }
    true
}

/// Return the byte width of the indentation of the line holding `offset`.
fn line_indent(ck: &Checker<'_>, offset: usize) -> usize {
    let bytes = ck.src.as_bytes();
    let mut start = offset.min(bytes.len());
    while start > 0 && bytes[start - 1] != b'\n' {
        start -= 1;
    }
    bytes[start..]
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\x0c'))
        .count()
}
