//! Complexity and performance: C901, PLR1702, PLR0915, PLR0913, CG201, CG202.
//!
//! C901 counts like Ruff's mccabe port: 1 per function, +1 per `if`/`elif`, `for`, `while`,
//! `except` handler, `try … else`, `match` case (not an irrefutable last `case _`), and +1 plus
//! its own count for each nested `def`; boolean operators and comprehensions do not count.

use tree_sitter::Node;

use crate::validation::checker::{Checker, Frame, Scope, ScopeKind};
use crate::validation::rule::Rule;

/// Compound statements that nest (PLR1702); `elif`/`else` are part of their `if`.
fn is_nesting(kind: &str) -> bool {
    matches!(
        kind,
        "if_statement"
            | "for_statement"
            | "while_statement"
            | "try_statement"
            | "with_statement"
            | "match_statement"
    )
}

/// Check one node; called before a `def` pushes its own scope.
pub(crate) fn enter(ck: &mut Checker<'_>, node: Node<'_>, frame: &mut Frame) {
    let kind = node.kind();
    let decision = match kind {
        "if_statement" | "elif_clause" | "for_statement" | "while_statement" => 1,
        "except_clause" | "except_group_clause" => 1,
        "function_definition" => 1,
        "case_clause" => {
            let irrefutable_last = node.next_named_sibling().is_none()
                && node.named_child(0).is_some_and(|p| {
                    ck.text(p) == "_" && node.child_by_field_name("guard").is_none()
                });
            u32::from(!irrefutable_last)
        }
        "else_clause" => u32::from(ck.parent_kind() == Some("try_statement")),
        _ => 0,
    };
    if decision > 0 {
        for scope in ck
            .scopes
            .iter_mut()
            .filter(|s| s.kind == ScopeKind::Function)
        {
            scope.complexity += decision;
        }
    }
    if kind.ends_with("_statement") && kind != "future_import_statement" {
        if let Some(f) = ck.function_scope_mut() {
            f.statements += 1;
        }
    }
    if kind == "function_definition" {
        too_many_arguments(ck, node);
    }
    if is_nesting(kind) && ck.scope().kind == ScopeKind::Function {
        let max = ck.config.max_nested_blocks_value();
        let scope = ck.scope_mut();
        scope.block_depth += 1;
        frame.block = true;
        if scope.block_depth == 1 {
            scope.nesting_root = (node.start_byte(), node.end_byte());
        }
        if scope.block_depth > max && !scope.nesting_reported {
            scope.nesting_reported = true;
            let depth = scope.block_depth;
            let (start, end) = scope.nesting_root;
            ck.report_range(
                Rule::TooManyNestedBlocks,
                format!("Too many nested blocks ({depth} > {max})"),
                start,
                end,
            );
        }
    }
    if matches!(kind, "for_statement" | "while_statement") {
        let scope = ck.scope_mut();
        scope.loop_depth += 1;
        frame.loop_stmt = true;
        if scope.loop_depth == 3 {
            ck.report(
                Rule::DeeplyNestedLoops,
                "Loops nested 3 deep: consider a lookup table, `itertools.product` or a better algorithm",
                node,
            );
        }
    }
    if kind == "augmented_assignment" && ck.scope().loop_depth > 0 {
        string_concat(ck, node);
    }
}

/// CG201: `s += "…"` (or `s += str(x)`, `s += f"…"`) inside a loop.
fn string_concat(ck: &mut Checker<'_>, node: Node<'_>) {
    let op = node.child_by_field_name("operator").map(|o| o.kind());
    let Some(right) = node.child_by_field_name("right") else {
        return;
    };
    if op != Some("+=") {
        return;
    }
    let stringy = match right.kind() {
        "string" | "concatenated_string" => true,
        "call" => right
            .child_by_field_name("function")
            .is_some_and(|f| matches!(ck.text(f), "str" | "repr" | "format")),
        "binary_operator" => {
            let mut cursor = right.walk();
            right
                .named_children(&mut cursor)
                .any(|c| matches!(c.kind(), "string" | "concatenated_string"))
        }
        _ => false,
    };
    if stringy {
        ck.report(
            Rule::StringConcatInLoop,
            "String concatenation in a loop is quadratic: collect the parts and `\"\".join` them",
            node,
        );
    }
}

/// PLR0913: more parameters than the maximum (`*args`/`**kwargs` and `_`-named ones excluded).
fn too_many_arguments(ck: &mut Checker<'_>, node: Node<'_>) {
    let Some(params) = node.child_by_field_name("parameters") else {
        return;
    };
    let mut cursor = params.walk();
    let count = params
        .named_children(&mut cursor)
        .filter(|p| match p.kind() {
            "identifier" => !ck.text(*p).starts_with('_'),
            "typed_parameter" => p
                .named_child(0)
                .is_some_and(|c| c.kind() == "identifier" && !ck.text(c).starts_with('_')),
            "default_parameter" | "typed_default_parameter" => p
                .child_by_field_name("name")
                .is_some_and(|n| !ck.text(n).starts_with('_')),
            _ => false,
        })
        .count();
    let max = ck.config.max_arguments_value() as usize;
    if count > max {
        let at = node.child_by_field_name("name").unwrap_or(node);
        ck.report(
            Rule::TooManyArguments,
            format!("Too many arguments in function definition ({count} > {max})"),
            at,
        );
    }
}

/// Report C901 and PLR0915 once the function's body has been walked.
pub(crate) fn leave_function(ck: &mut Checker<'_>, scope: &Scope) {
    let threshold = ck.config.complexity_threshold_value();
    let (start, end) = scope.name_range;
    if scope.complexity > threshold {
        ck.report_range(
            Rule::ComplexStructure,
            format!(
                "`{}` is too complex ({} > {threshold})",
                scope.name, scope.complexity
            ),
            start,
            end,
        );
    }
    let max = ck.config.max_statements_value();
    if scope.statements > max {
        ck.report_range(
            Rule::TooManyStatements,
            format!("Too many statements ({} > {max})", scope.statements),
            start,
            end,
        );
    }
}
