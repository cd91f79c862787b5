//! Syntax errors: tree-sitter's `ERROR`/`MISSING` nodes, plus what the grammar tolerates but
//! CPython's compiler rejects.
//!
//! tree-sitter-python accepts Python 2 (`print x`, `exec code`, backtick repr, `<>`, `ur''`) and
//! parses a superset of Python 3: the compiler's own checks (`return` outside a function,
//! assignment to a literal, argument order, …) are redone here so that "no E999" means "CPython
//! 3's `compile()` accepts it". Messages follow CPython's wording.

use tree_sitter::Node;

use super::checker::{Checker, Frame, Scope, ScopeKind};
use super::rule::Rule;

/// The longest token text quoted in a message.
const MAX_QUOTED: usize = 40;

/// Report an `ERROR` node: the parser could not fit these tokens into the grammar.
pub(crate) fn error_node(ck: &mut Checker<'_>, node: Node<'_>) {
    let text = ck.text(node);
    let first = first_token(text);
    let message = if first.is_empty() {
        "invalid syntax".to_string()
    } else {
        format!("invalid syntax: unexpected `{first}`")
    };
    ck.report(Rule::SyntaxError, message, node);
}

/// Report a `MISSING` node: the parser assumed a token that is not there.
pub(crate) fn missing_node(ck: &mut Checker<'_>, node: Node<'_>) {
    let kind = node.kind();
    let message = if node.is_named() {
        format!("invalid syntax: expected {}", kind.replace('_', " "))
    } else {
        format!("invalid syntax: expected `{kind}`")
    };
    ck.report(Rule::SyntaxError, message, node);
}

/// Return the first whitespace-separated token of `text`, shortened for a message.
fn first_token(text: &str) -> String {
    let token = text.split_whitespace().next().unwrap_or("");
    token.chars().take(MAX_QUOTED).collect()
}

/// Check one node for constructs CPython rejects, and maintain scopes and loop depth.
pub(crate) fn enter(ck: &mut Checker<'_>, node: Node<'_>, field: Option<&str>, frame: &mut Frame) {
    match node.kind() {
        "print_statement" => ck.report(
            Rule::SyntaxError,
            "Missing parentheses in call to 'print'. Did you mean print(...)?",
            node,
        ),
        "exec_statement" => ck.report(
            Rule::SyntaxError,
            "Missing parentheses in call to 'exec'. Did you mean exec(...)?",
            node,
        ),
        "string" => string_prefix(ck, node),
        "concatenated_string" => mixed_bytes(ck, node),
        "interpolation" if node.child_by_field_name("expression").is_none() => {
            ck.report(
                Rule::SyntaxError,
                "f-string: empty expression not allowed",
                node,
            );
        }
        "comparison_operator" => {
            let mut cursor = node.walk();
            for child in node.children(&mut cursor) {
                if child.kind() == "<>" {
                    ck.report(
                        Rule::SyntaxError,
                        "invalid syntax: `<>` is Python 2; use `!=`",
                        child,
                    );
                }
            }
        }
        "return_statement" if ck.scope().kind != ScopeKind::Function => {
            ck.report(Rule::SyntaxError, "'return' outside function", node);
        }
        "yield" if !matches!(ck.scope().kind, ScopeKind::Function | ScopeKind::Lambda) => {
            ck.report(Rule::SyntaxError, "'yield' outside function", node);
        }
        "await" => check_async(ck, node, "'await' outside async function"),
        "for_statement" | "with_statement" => {
            if first_child_kind(node) == Some("async") {
                let what = if node.kind() == "for_statement" {
                    "'async for' outside async function"
                } else {
                    "'async with' outside async function"
                };
                check_async(ck, node, what);
            }
            if node.kind() == "for_statement" {
                if let Some(target) = node.child_by_field_name("left") {
                    check_target(ck, target, false);
                }
            }
        }
        "block" => {
            let loop_parent = matches!(ck.parent_kind(), Some("for_statement" | "while_statement"));
            if field == Some("body") && loop_parent {
                ck.scope_mut().loop_body_depth += 1;
                frame.loop_body = true;
            }
        }
        "break_statement" | "continue_statement" if ck.scope().loop_body_depth == 0 => {
            let word = if node.kind() == "break_statement" {
                "'break' outside loop"
            } else {
                "'continue' not properly in loop"
            };
            ck.report(Rule::SyntaxError, word, node);
        }
        "assignment" => {
            if let Some(left) = node.child_by_field_name("left") {
                check_target(ck, left, false);
            }
        }
        "augmented_assignment" => {
            if let Some(left) = node.child_by_field_name("left") {
                check_target(ck, left, true);
            }
        }
        "delete_statement" => {
            if let Some(target) = node.named_child(0) {
                check_target(ck, target, false);
            }
        }
        "parameters" | "lambda_parameters" => check_parameters(ck, node),
        "argument_list" => check_arguments(ck, node),
        "nonlocal_statement" if ck.scope().kind == ScopeKind::Module => {
            ck.report(
                Rule::SyntaxError,
                "nonlocal declaration not allowed at module level",
                node,
            );
        }
        "class_definition" => {
            let name = node
                .child_by_field_name("name")
                .map(|n| ck.text(n).to_string())
                .unwrap_or_default();
            let public = ck.scope().public
                && ck.scope().kind != ScopeKind::Function
                && !name.starts_with('_');
            ck.scopes.push(Scope::new(ScopeKind::Class, name, public));
            frame.pop_scope = true;
        }
        "lambda" => {
            ck.scopes
                .push(Scope::new(ScopeKind::Lambda, String::new(), false));
            frame.pop_scope = true;
        }
        "import_from_statement" | "future_import_statement" => check_import_from(ck, node),
        _ => {}
    }
    if ck.parent_kind() == Some("module") && node.is_named() {
        module_statement(ck, node);
    }
}

/// Push the scope of a `def` (called after the families ran, so the enclosing scope is current).
pub(crate) fn push_function_scope(ck: &mut Checker<'_>, node: Node<'_>) {
    let name_node = node.child_by_field_name("name");
    let name = name_node
        .map(|n| ck.text(n).to_string())
        .unwrap_or_default();
    let enclosing = ck.scope();
    let public =
        enclosing.public && enclosing.kind != ScopeKind::Function && !name.starts_with('_');
    let mut scope = Scope::new(ScopeKind::Function, name, public);
    scope.is_async = first_child_kind(node) == Some("async");
    scope.name_range = name_node.map_or((node.start_byte(), node.start_byte()), |n| {
        (n.start_byte(), n.end_byte())
    });
    ck.scopes.push(scope);
}

fn first_child_kind(node: Node<'_>) -> Option<&'static str> {
    node.child(0).map(|c| c.kind())
}

fn check_async(ck: &mut Checker<'_>, node: Node<'_>, message: &str) {
    let ok = ck.scope().kind == ScopeKind::Function && ck.scope().is_async;
    if !ok {
        ck.report(Rule::SyntaxError, message, node);
    }
}

/// String prefixes: `ur''` and `bu''` are Python 2; backticks are Python 2's `repr`.
fn string_prefix(ck: &mut Checker<'_>, node: Node<'_>) {
    let Some(start) = node.child(0) else { return };
    let text = ck.text(start);
    if text.starts_with('`') {
        ck.report(
            Rule::SyntaxError,
            "invalid syntax: backticks are Python 2; use repr()",
            node,
        );
        return;
    }
    let prefix: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let has = |c: char| prefix.contains(c);
    let bad = (has('u') && prefix.len() > 1) || (has('b') && has('f'));
    if bad {
        ck.report(
            Rule::SyntaxError,
            format!("invalid string prefix `{prefix}`"),
            start,
        );
    }
}

/// Adjacent literals must all be bytes or all be text: `b'a' 'b'` does not compile.
fn mixed_bytes(ck: &mut Checker<'_>, node: Node<'_>) {
    let mut cursor = node.walk();
    let mut kinds = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "string")
        .filter_map(|s| s.child(0))
        .map(|start| {
            ck.text(start)
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .any(|c| c == 'b' || c == 'B')
        });
    let Some(first) = kinds.next() else { return };
    if kinds.any(|k| k != first) {
        ck.report(
            Rule::SyntaxError,
            "cannot mix bytes and nonbytes literals",
            node,
        );
    }
}

/// Assignment, `for`, `del` and augmented-assignment targets must be names, attributes,
/// subscripts or (except for augmented assignment) unpacking patterns of those.
fn check_target(ck: &mut Checker<'_>, target: Node<'_>, augmented: bool) {
    let mut stack = vec![target];
    while let Some(node) = stack.pop() {
        let kind = node.kind();
        match kind {
            "identifier" | "attribute" | "subscript" => {
                if kind == "identifier" && ck.text(node) == "__debug__" {
                    ck.report(Rule::SyntaxError, "cannot assign to __debug__", node);
                }
            }
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "expression_list"
            | "tuple"
            | "list"
            | "list_splat_pattern"
            | "list_splat"
            | "parenthesized_expression" => {
                if augmented && kind != "parenthesized_expression" {
                    ck.report(
                        Rule::SyntaxError,
                        "'tuple' is an illegal expression for augmented assignment",
                        node,
                    );
                    return;
                }
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor).filter(|c| !c.is_extra()));
            }
            "ERROR" => {}
            _ => {
                let what = describe(kind);
                let message = if augmented {
                    format!("'{what}' is an illegal expression for augmented assignment")
                } else {
                    format!("cannot assign to {what}")
                };
                ck.report(Rule::SyntaxError, message, node);
                return;
            }
        }
    }
}

/// Name an expression the way CPython's messages do.
fn describe(kind: &str) -> &'static str {
    match kind {
        "integer" | "float" | "string" | "concatenated_string" => "literal",
        "true" | "false" => "True/False",
        "none" => "None",
        "ellipsis" => "ellipsis",
        "call" => "function call",
        "binary_operator" | "unary_operator" => "expression",
        "comparison_operator" => "comparison",
        "boolean_operator" | "not_operator" => "expression",
        "lambda" => "lambda",
        "conditional_expression" => "conditional expression",
        "await" => "await expression",
        "dictionary" => "dict literal",
        "set" => "set display",
        "list_comprehension" => "list comprehension",
        "dictionary_comprehension" => "dict comprehension",
        "set_comprehension" => "set comprehension",
        "generator_expression" => "generator expression",
        "named_expression" => "named expression",
        "yield" => "yield expression",
        _ => "expression",
    }
}

/// Parameter lists: no duplicates, no non-default after default, something after a bare `*`.
fn check_parameters(ck: &mut Checker<'_>, node: Node<'_>) {
    let mut names: Vec<&str> = Vec::new();
    let mut seen_default = false;
    let mut keyword_only = false;
    let mut bare_star: Option<Node<'_>> = None;
    let mut cursor = node.walk();
    let params: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|c| !c.is_extra())
        .collect();
    for param in params {
        let (name, has_default) = match param.kind() {
            "identifier" => (Some(param), false),
            "typed_parameter" => (param.named_child(0).and_then(splat_name), false),
            "default_parameter" | "typed_default_parameter" => {
                (param.child_by_field_name("name"), true)
            }
            "list_splat_pattern" | "dictionary_splat_pattern" => (splat_name(param), false),
            "keyword_separator" => {
                keyword_only = true;
                bare_star = Some(param);
                continue;
            }
            "tuple_pattern" => {
                ck.report(
                    Rule::SyntaxError,
                    "invalid syntax: tuple parameters are Python 2",
                    param,
                );
                continue;
            }
            _ => continue,
        };
        let is_splat = matches!(
            param.kind(),
            "list_splat_pattern" | "dictionary_splat_pattern"
        ) || param
            .named_child(0)
            .is_some_and(|c| matches!(c.kind(), "list_splat_pattern" | "dictionary_splat_pattern"));
        if is_splat {
            if param.kind() == "dictionary_splat_pattern"
                || param
                    .named_child(0)
                    .is_some_and(|c| c.kind() == "dictionary_splat_pattern")
            {
                if let Some(star) = bare_star.take() {
                    ck.report(
                        Rule::SyntaxError,
                        "named arguments must follow bare *",
                        star,
                    );
                }
            } else {
                keyword_only = true;
            }
        } else {
            bare_star = None;
            if has_default {
                seen_default = true;
            } else if seen_default && !keyword_only {
                ck.report(
                    Rule::SyntaxError,
                    "non-default argument follows default argument",
                    param,
                );
            }
        }
        if let Some(name) = name.filter(|n| n.kind() == "identifier") {
            let text = ck.text(name);
            if names.contains(&text) {
                ck.report(
                    Rule::SyntaxError,
                    format!("duplicate argument '{text}' in function definition"),
                    name,
                );
            }
            names.push(text);
        }
    }
    if let Some(star) = bare_star {
        ck.report(
            Rule::SyntaxError,
            "named arguments must follow bare *",
            star,
        );
    }
}

/// The identifier inside `*args` / `**kwargs` (or the node itself if it is a name).
fn splat_name(node: Node<'_>) -> Option<Node<'_>> {
    match node.kind() {
        "identifier" => Some(node),
        "list_splat_pattern" | "dictionary_splat_pattern" => node.named_child(0),
        _ => None,
    }
}

/// Call arguments: positional after keyword, anything after `**`, repeated keywords.
fn check_arguments(ck: &mut Checker<'_>, node: Node<'_>) {
    if ck.parent_kind() != Some("call") {
        return;
    }
    let mut keywords: Vec<&str> = Vec::new();
    let mut seen_keyword = false;
    let mut seen_double_star = false;
    let mut cursor = node.walk();
    let args: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|c| !c.is_extra())
        .collect();
    let count = args.len();
    for arg in args {
        match arg.kind() {
            "keyword_argument" => {
                seen_keyword = true;
                if let Some(name) = arg.child_by_field_name("name") {
                    let text = ck.text(name);
                    if keywords.contains(&text) {
                        ck.report(
                            Rule::SyntaxError,
                            format!("keyword argument repeated: {text}"),
                            arg,
                        );
                    }
                    keywords.push(text);
                }
            }
            "dictionary_splat" => seen_double_star = true,
            "list_splat" => {
                if seen_double_star {
                    ck.report(
                        Rule::SyntaxError,
                        "iterable argument unpacking follows keyword argument unpacking",
                        arg,
                    );
                }
            }
            "generator_expression" if count > 1 && !ck.text(arg).starts_with('(') => {
                ck.report(
                    Rule::SyntaxError,
                    "Generator expression must be parenthesized",
                    arg,
                );
            }
            _ => {
                if seen_double_star {
                    ck.report(
                        Rule::SyntaxError,
                        "positional argument follows keyword argument unpacking",
                        arg,
                    );
                } else if seen_keyword {
                    ck.report(
                        Rule::SyntaxError,
                        "positional argument follows keyword argument",
                        arg,
                    );
                }
            }
        }
    }
}

/// `from __future__ import` must come first; `import *` only at module level.
fn check_import_from(ck: &mut Checker<'_>, node: Node<'_>) {
    if node.kind() == "future_import_statement" && ck.past_future_imports {
        ck.report(
            Rule::SyntaxError,
            "from __future__ imports must occur at the beginning of the file",
            node,
        );
    }
    let mut cursor = node.walk();
    let wildcard = node
        .children(&mut cursor)
        .any(|c| c.kind() == "wildcard_import");
    if wildcard && ck.scope().kind != ScopeKind::Module {
        ck.report(
            Rule::SyntaxError,
            "import * only allowed at module level",
            node,
        );
    }
}

/// Track whether the module is past its docstring and `__future__` imports.
fn module_statement(ck: &mut Checker<'_>, node: Node<'_>) {
    if ck.past_future_imports || node.is_extra() {
        return;
    }
    let is_future = node.kind() == "future_import_statement";
    let is_docstring = node.kind() == "expression_statement"
        && node.named_child_count() == 1
        && node
            .named_child(0)
            .is_some_and(|c| matches!(c.kind(), "string" | "concatenated_string"))
        && node
            .prev_named_sibling()
            .is_none_or(|p| p.kind() == "comment");
    if !is_future && !is_docstring {
        ck.past_future_imports = true;
    }
}
