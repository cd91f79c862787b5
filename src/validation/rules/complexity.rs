//! Complexity and performance: C901, PLR1702, PLR0915, PLR0913, CG201, CG202.
//!
//! C901 counts like Ruff's mccabe port: 1 per function, +1 per `if`/`elif`, `for`, `while`,
//! `except` handler, `try … else`, `match` case (not an irrefutable last `case _`), and +1 plus
//! its own count for each nested `def`; boolean operators and comprehensions do not count.

use ruff_python_ast::{self as ast, Expr, Operator, Stmt};
use ruff_text_size::Ranged;

use crate::validation::checker::{Checker, Frame, Scope, ScopeKind};
use crate::validation::rule::Rule;

/// Check one statement before its children; called before a `def` pushes its own scope.
pub(crate) fn enter_stmt(ck: &mut Checker<'_>, stmt: &Stmt, frame: &mut Frame) {
    let decision = match stmt {
        Stmt::If(s) => {
            1 + s
                .elif_else_clauses
                .iter()
                .filter(|c| c.test.is_some())
                .count() as u32
        }
        Stmt::For(_) | Stmt::While(_) | Stmt::FunctionDef(_) => 1,
        Stmt::Try(s) => s.handlers.len() as u32 + u32::from(!s.orelse.is_empty()),
        Stmt::Match(s) => {
            let irrefutable_last = s.cases.last().is_some_and(|c| {
                c.guard.is_none()
                    && matches!(&c.pattern, ast::Pattern::MatchAs(p) if p.pattern.is_none() && p.name.is_none())
            });
            s.cases.len() as u32 - u32::from(irrefutable_last)
        }
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
    let counted = match stmt {
        Stmt::FunctionDef(_) | Stmt::ClassDef(_) => false,
        Stmt::ImportFrom(i) => i.module.as_deref() != Some("__future__"),
        _ => true,
    };
    if counted && let Some(f) = ck.function_scope_mut() {
        f.statements += 1;
    }
    if let Stmt::FunctionDef(def) = stmt {
        too_many_arguments(ck, def);
    }
    let nesting = matches!(
        stmt,
        Stmt::If(_) | Stmt::For(_) | Stmt::While(_) | Stmt::Try(_) | Stmt::With(_) | Stmt::Match(_)
    );
    if nesting && ck.scope().kind == ScopeKind::Function {
        let max = ck.config.max_nested_blocks_value();
        let scope = ck.scope_mut();
        scope.block_depth += 1;
        frame.block = true;
        if scope.block_depth == 1 {
            scope.nesting_root = stmt.range();
        }
        if scope.block_depth > max && !scope.nesting_reported {
            scope.nesting_reported = true;
            let depth = scope.block_depth;
            let root = scope.nesting_root;
            ck.report(
                Rule::TooManyNestedBlocks,
                format!("Too many nested blocks ({depth} > {max})"),
                root,
            );
        }
    }
    if matches!(stmt, Stmt::For(_) | Stmt::While(_)) {
        let scope = ck.scope_mut();
        scope.loop_depth += 1;
        frame.loop_stmt = true;
        if scope.loop_depth == 3 {
            ck.report(
                Rule::DeeplyNestedLoops,
                "Loops nested 3 deep: consider a lookup table, `itertools.product` or a better algorithm",
                stmt.range(),
            );
        }
    }
    if let Stmt::AugAssign(aug) = stmt
        && ck.scope().loop_depth > 0
    {
        string_concat(ck, aug);
    }
}

fn is_string(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::StringLiteral(_) | Expr::BytesLiteral(_) | Expr::FString(_) | Expr::TString(_)
    )
}

/// CG201: `s += "…"` (or `s += str(x)`, `s += f"…"`) inside a loop.
fn string_concat(ck: &mut Checker<'_>, aug: &ast::StmtAugAssign) {
    if aug.op != Operator::Add {
        return;
    }
    let stringy = match aug.value.as_ref() {
        Expr::Call(call) => matches!(
            call.func.as_ref(),
            Expr::Name(n) if matches!(n.id.as_str(), "str" | "repr" | "format")
        ),
        Expr::BinOp(b) => is_string(&b.left) || is_string(&b.right),
        other => is_string(other),
    };
    if stringy {
        ck.report(
            Rule::StringConcatInLoop,
            "String concatenation in a loop is quadratic: collect the parts and `\"\".join` them",
            aug.range,
        );
    }
}

/// PLR0913: more parameters than the maximum (`*args`/`**kwargs` and `_`-named ones excluded).
fn too_many_arguments(ck: &mut Checker<'_>, def: &ast::StmtFunctionDef) {
    let p = &def.parameters;
    let count = p
        .posonlyargs
        .iter()
        .chain(&p.args)
        .chain(&p.kwonlyargs)
        .filter(|a| !a.parameter.name.as_str().starts_with('_'))
        .count();
    let max = ck.config.max_arguments_value() as usize;
    if count > max {
        ck.report(
            Rule::TooManyArguments,
            format!("Too many arguments in function definition ({count} > {max})"),
            def.name.range,
        );
    }
}

/// Report C901 and PLR0915 once the function's body has been walked.
pub(crate) fn leave_function(ck: &mut Checker<'_>, scope: &Scope) {
    let threshold = ck.config.complexity_threshold_value();
    let range = scope.name_range;
    if scope.complexity > threshold {
        ck.report(
            Rule::ComplexStructure,
            format!(
                "`{}` is too complex ({} > {threshold})",
                scope.name, scope.complexity
            ),
            range,
        );
    }
    let max = ck.config.max_statements_value();
    if scope.statements > max {
        ck.report(
            Rule::TooManyStatements,
            format!("Too many statements ({} > {max})", scope.statements),
            range,
        );
    }
}
