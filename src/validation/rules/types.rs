//! Missing annotations: ANN001 on parameters, ANN201 on public functions' returns, and the
//! coverage figure.
//!
//! Like Ruff: ANN001 applies to every `def` (not lambdas); the first parameter of a method
//! (`self`, `cls`) is exempt, and `*args`/`**kwargs` are left to ANN002/ANN003 (not checked).
//! ANN201 applies to public functions: neither they nor an enclosing class start with `_`, and
//! they are not nested in another function. Dunder methods (`__init__`) are Ruff's ANN204, not
//! checked. Coverage counts every parameter slot (other than `self`/`cls`) and every return.

use tree_sitter::Node;

use crate::validation::checker::{Checker, ScopeKind};
use crate::validation::rule::Rule;

/// Check one `def`; called before its scope is pushed, so the current scope encloses it.
pub(crate) fn function(ck: &mut Checker<'_>, node: Node<'_>) {
    let name = node
        .child_by_field_name("name")
        .map(|n| ck.text(n))
        .unwrap_or("");
    let enclosing = ck.scope();
    let in_class = enclosing.kind == ScopeKind::Class;
    let is_static = in_class && has_decorator(ck, node, "staticmethod");
    let public =
        enclosing.public && enclosing.kind != ScopeKind::Function && !name.starts_with('_');
    if let Some(params) = node.child_by_field_name("parameters") {
        let mut cursor = params.walk();
        let list: Vec<Node<'_>> = params
            .named_children(&mut cursor)
            .filter(|c| !c.is_extra())
            .collect();
        for (i, param) in list.into_iter().enumerate() {
            if i == 0 && in_class && !is_static {
                continue;
            }
            let (annotated, name_node) = match param.kind() {
                "identifier" => (false, Some(param)),
                "default_parameter" => (false, param.child_by_field_name("name")),
                "typed_parameter" | "typed_default_parameter" => (true, None),
                _ => continue,
            };
            ck.annotation_slots += 1;
            if annotated {
                ck.annotated += 1;
            } else if let Some(n) = name_node {
                let text = ck.text(n);
                ck.report(
                    Rule::MissingTypeFunctionArgument,
                    format!("Missing type annotation for function argument `{text}`"),
                    n,
                );
            }
        }
    }
    ck.annotation_slots += 1;
    if node.child_by_field_name("return_type").is_some() {
        ck.annotated += 1;
    } else if public {
        let at = node.child_by_field_name("name").unwrap_or(node);
        ck.report(
            Rule::MissingReturnTypePublicFunction,
            format!("Missing return type annotation for public function `{name}`"),
            at,
        );
    }
}

fn has_decorator(ck: &Checker<'_>, node: Node<'_>, name: &str) -> bool {
    let Some(parent) = node.parent().filter(|p| p.kind() == "decorated_definition") else {
        return false;
    };
    let mut cursor = parent.walk();
    parent
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "decorator")
        .any(|d| ck.text(d).trim_start_matches('@').trim() == name)
}
