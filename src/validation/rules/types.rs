//! Missing annotations: ANN001 on parameters, ANN201 on public functions' returns, and the
//! coverage figure.
//!
//! Like Ruff: ANN001 applies to every `def` (not lambdas); the first parameter of a method
//! (`self`, `cls`) is exempt, and `*args`/`**kwargs` are left to ANN002/ANN003 (not checked).
//! ANN201 applies to public functions: neither they nor an enclosing class start with `_`, and
//! they are not nested in another function. Dunder methods (`__init__`) are Ruff's ANN204, not
//! checked. Coverage counts every parameter slot (other than `self`/`cls`) and every return.

use ruff_python_ast::{self as ast, Expr};

use crate::validation::checker::{Checker, ScopeKind};
use crate::validation::rule::Rule;

/// Check one `def`; called before its scope is pushed, so the current scope encloses it.
pub(crate) fn function(ck: &mut Checker<'_>, def: &ast::StmtFunctionDef) {
    let name = def.name.as_str();
    let enclosing = ck.scope();
    let in_class = enclosing.kind == ScopeKind::Class;
    let is_static = in_class && has_decorator(def, "staticmethod");
    let public =
        enclosing.public && enclosing.kind != ScopeKind::Function && !name.starts_with('_');
    let p = &def.parameters;
    // The first positional parameter of a method is `self` or `cls`.
    let skip_first = in_class && !is_static;
    let positional = p.posonlyargs.iter().chain(&p.args);
    let named = positional
        .skip(usize::from(skip_first))
        .chain(&p.kwonlyargs)
        .map(|a| &a.parameter);
    for param in named {
        ck.annotation_slots += 1;
        if param.annotation.is_some() {
            ck.annotated += 1;
        } else {
            ck.report(
                Rule::MissingTypeFunctionArgument,
                format!(
                    "Missing type annotation for function argument `{}`",
                    param.name.as_str()
                ),
                param.name.range,
            );
        }
    }
    // `*args`/`**kwargs` are ANN002/ANN003 (not checked) but count when annotated.
    for splat in [&p.vararg, &p.kwarg].into_iter().flatten() {
        if splat.annotation.is_some() {
            ck.annotation_slots += 1;
            ck.annotated += 1;
        }
    }
    ck.annotation_slots += 1;
    if def.returns.is_some() {
        ck.annotated += 1;
    } else if public {
        ck.report(
            Rule::MissingReturnTypePublicFunction,
            format!("Missing return type annotation for public function `{name}`"),
            def.name.range,
        );
    }
}

fn has_decorator(def: &ast::StmtFunctionDef, name: &str) -> bool {
    def.decorator_list
        .iter()
        .any(|d| matches!(&d.expression, Expr::Name(n) if n.id.as_str() == name))
}
