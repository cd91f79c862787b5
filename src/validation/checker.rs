//! The single visitor: one walk over Ruff's tree feeds every tree-based rule family.
//!
//! The checker keeps a scope stack (module, classes, functions, lambdas, comprehensions) that
//! the rule families and Ruff's [`SemanticSyntaxChecker`] both read. Rule families live in their
//! own files ([`super::syntax`], [`super::rules`]) and are called from the `visit_*` methods;
//! each family only runs when the level switches it on. The walk recurses like the tree does:
//! [`super::parse::with_stack_for`] gives it the stack a deep tree needs.

use std::cell::RefCell;
use std::collections::HashMap;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_python_parser::semantic_errors::{SemanticSyntaxChecker, SemanticSyntaxError};
use ruff_text_size::{Ranged, TextRange};

use super::config::ValidationConfig;
use super::issue::Issue;
use super::rule::{Category, Rule};
use super::rules;
use super::source::LineIndex;
use super::suppress::Suppressions;

/// What kind of scope a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    /// A list, set or dict comprehension.
    Comprehension,
    /// A generator expression.
    Generator,
}

/// One entry of the scope stack.
#[derive(Debug, Clone)]
pub(crate) struct Scope<'a> {
    pub(crate) kind: ScopeKind,
    /// An `async def`, or a comprehension with an `async for`.
    pub(crate) is_async: bool,
    /// Whether the scope is visible from outside the module (ANN201).
    pub(crate) public: bool,
    pub(crate) name: &'a str,
    /// Where function findings point: the function's name.
    pub(crate) name_range: TextRange,
    /// The function's or lambda's parameters.
    pub(crate) parameters: Option<&'a ast::Parameters>,
    /// Ruff's C901 count, starting at 1 for functions.
    pub(crate) complexity: u32,
    pub(crate) statements: u32,
    /// Depth inside `for`/`while` bodies (not their `else`): `break`/`continue` are legal here.
    pub(crate) loop_body_depth: u32,
    /// Depth of enclosing loop statements (CG202).
    pub(crate) loop_depth: u32,
    /// Depth of enclosing compound statements (PLR1702).
    pub(crate) block_depth: u32,
    pub(crate) nesting_reported: bool,
    /// Range of the outermost compound statement of the current nesting chain (PLR1702 points
    /// there, like Ruff).
    pub(crate) nesting_root: TextRange,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(kind: ScopeKind, name: &'a str, public: bool) -> Self {
        Scope {
            kind,
            is_async: false,
            public,
            name,
            name_range: TextRange::default(),
            parameters: None,
            complexity: 1,
            statements: 0,
            loop_body_depth: 0,
            loop_depth: 0,
            block_depth: 0,
            nesting_reported: false,
            nesting_root: TextRange::default(),
        }
    }
}

/// What leaving a statement undoes (set by the complexity family).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Frame {
    pub(crate) loop_stmt: bool,
    pub(crate) block: bool,
}

/// Which families the level switched on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Families {
    pub(crate) types: bool,
    pub(crate) security: bool,
    pub(crate) complexity: bool,
}

/// The walk's state and its findings.
pub(crate) struct Checker<'a> {
    pub(crate) src: &'a str,
    pub(crate) idx: &'a LineIndex<'a>,
    pub(crate) config: &'a ValidationConfig,
    pub(crate) families: Families,
    pub(crate) issues: Vec<Issue>,
    pub(crate) suppressions: Suppressions,
    /// Local name → qualified name, from `import x as y` / `from x import y as z`.
    pub(crate) imports: HashMap<&'a str, String>,
    pub(crate) scopes: Vec<Scope<'a>>,
    /// 1-based line ranges of strings spanning several lines (style rules leave them alone).
    pub(crate) multiline_strings: Vec<(u32, u32)>,
    /// Annotated and total annotation slots (parameters and returns), for the coverage figure.
    pub(crate) annotated: u32,
    pub(crate) annotation_slots: u32,
    /// Whether the expression being visited is an operand of a binary operator (S608).
    pub(crate) parent_is_binop: bool,
    /// Ruff's checks for what its parser accepts but CPython's compiler rejects.
    semantic: SemanticSyntaxChecker,
    /// What [`SemanticSyntaxChecker`] reported (it reports through `&self`).
    pub(crate) semantic_errors: RefCell<Vec<SemanticSyntaxError>>,
    /// Whether `from __future__ import annotations` was seen.
    pub(crate) future_annotations: bool,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(
        src: &'a str,
        idx: &'a LineIndex<'a>,
        config: &'a ValidationConfig,
        families: Families,
    ) -> Self {
        Checker {
            src,
            idx,
            config,
            families,
            issues: Vec::new(),
            suppressions: Suppressions::default(),
            imports: HashMap::new(),
            scopes: vec![Scope::new(
                ScopeKind::Module,
                "",
                !is_private_module(config.filename_value()),
            )],
            multiline_strings: Vec::new(),
            annotated: 0,
            annotation_slots: 0,
            parent_is_binop: false,
            semantic: SemanticSyntaxChecker::new(),
            semantic_errors: RefCell::new(Vec::new()),
            future_annotations: false,
        }
    }

    /// Read the comments (`# noqa`, `# nosec`) and the multi-line strings off the tokens.
    pub(crate) fn read_tokens(&mut self, tokens: &Tokens) {
        let mut open_strings: Vec<u32> = Vec::new();
        for token in tokens.iter() {
            match token.kind() {
                TokenKind::Comment => {
                    let line = self.idx.position(token.start().to_usize()).0;
                    let text = self.text(token.range());
                    self.suppressions.add_comment(line, text);
                }
                TokenKind::String => {
                    let start = self.idx.position(token.start().to_usize()).0;
                    let end = self.idx.position(token.end().to_usize()).0;
                    if end > start {
                        self.multiline_strings.push((start, end));
                    }
                }
                TokenKind::FStringStart | TokenKind::TStringStart => {
                    open_strings.push(self.idx.position(token.start().to_usize()).0);
                }
                TokenKind::FStringEnd | TokenKind::TStringEnd => {
                    if let Some(start) = open_strings.pop() {
                        let end = self.idx.position(token.end().to_usize()).0;
                        if end > start {
                            self.multiline_strings.push((start, end));
                        }
                    }
                }
                _ => {}
            }
        }
        // Nested f-strings close before their container: keep the ranges in source order.
        self.multiline_strings.sort_unstable();
    }

    /// Return the source text of `range`.
    pub(crate) fn text(&self, range: TextRange) -> &'a str {
        self.src
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
    }

    /// Record a finding spanning `range`.
    pub(crate) fn report(&mut self, rule: Rule, message: impl Into<String>, range: TextRange) {
        self.report_range(
            rule,
            message,
            range.start().to_usize(),
            range.end().to_usize(),
        );
    }

    /// Record a finding spanning the byte range `start..end`.
    pub(crate) fn report_range(
        &mut self,
        rule: Rule,
        message: impl Into<String>,
        start: usize,
        end: usize,
    ) {
        let start = self.idx.position(start);
        let end = self.idx.position(end);
        self.issues.push(Issue::new(rule, message, start, end));
    }

    /// Return the innermost scope.
    pub(crate) fn scope(&self) -> &Scope<'a> {
        // The module scope is pushed first and never popped.
        self.scopes.last().unwrap_or_else(|| unreachable!())
    }

    /// Return the innermost scope, mutably.
    pub(crate) fn scope_mut(&mut self) -> &mut Scope<'a> {
        self.scopes.last_mut().unwrap_or_else(|| unreachable!())
    }

    /// Return the innermost function scope (not lambda, not class), if any.
    pub(crate) fn function_scope_mut(&mut self) -> Option<&mut Scope<'a>> {
        self.scopes
            .iter_mut()
            .rev()
            .find(|s| s.kind == ScopeKind::Function)
    }

    /// Resolve a call target or attribute chain to a dotted name through the import aliases.
    ///
    /// `sp.run` after `import subprocess as sp` is `subprocess.run`; `s` after
    /// `from os import system as s` is `os.system`; names never imported stand for themselves
    /// (builtins such as `eval`, or modules imported in a way the walk did not see).
    pub(crate) fn qualified_name(&self, expr: &Expr) -> Option<String> {
        let mut parts: Vec<&str> = Vec::new();
        let mut current = expr;
        loop {
            match current {
                Expr::Name(name) => {
                    let head = name.id.as_str();
                    let resolved = self.imports.get(head).map_or(head, String::as_str);
                    let mut qualified = resolved.to_string();
                    for part in parts.iter().rev() {
                        qualified.push('.');
                        qualified.push_str(part);
                    }
                    return Some(qualified);
                }
                Expr::Attribute(attr) => {
                    parts.push(attr.attr.as_str());
                    current = &attr.value;
                }
                _ => return None,
            }
        }
    }

    /// Walk the module.
    pub(crate) fn walk(&mut self, module: &'a ast::ModModule) {
        self.visit_body(&module.body);
    }

    /// Drop findings that a `# noqa`/`# nosec` comment suppresses.
    pub(crate) fn finish(mut self) -> CheckOutcome {
        let errors = std::mem::take(self.semantic_errors.get_mut());
        for error in errors {
            self.report(Rule::SyntaxError, error.to_string(), error.range);
        }
        let suppressions = std::mem::take(&mut self.suppressions);
        self.issues
            .retain(|i| !suppressions.is_suppressed(i.rule, i.line));
        CheckOutcome {
            issues: self.issues,
            suppressions,
            multiline_strings: self.multiline_strings,
            annotated: self.annotated,
            annotation_slots: self.annotation_slots,
        }
    }

    fn with_scope(&mut self, scope: Scope<'a>, f: impl FnOnce(&mut Self)) {
        self.scopes.push(scope);
        f(self);
        if let Some(scope) = self.scopes.pop()
            && self.families.complexity
            && scope.kind == ScopeKind::Function
        {
            rules::complexity::leave_function(self, &scope);
        }
    }

    fn function(&mut self, def: &'a ast::StmtFunctionDef) {
        for decorator in &def.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(type_params) = &def.type_params {
            self.visit_type_params(type_params);
        }
        self.visit_parameters(&def.parameters);
        if let Some(returns) = &def.returns {
            self.visit_annotation(returns);
        }
        let enclosing = self.scope();
        let name = def.name.as_str();
        let public =
            enclosing.public && enclosing.kind != ScopeKind::Function && !name.starts_with('_');
        let mut scope = Scope::new(ScopeKind::Function, name, public);
        scope.is_async = def.is_async;
        scope.name_range = def.name.range;
        scope.parameters = Some(&def.parameters);
        self.with_scope(scope, |ck| ck.visit_body(&def.body));
    }

    fn class(&mut self, class: &'a ast::StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(type_params) = &class.type_params {
            self.visit_type_params(type_params);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        let enclosing = self.scope();
        let name = class.name.as_str();
        let public =
            enclosing.public && enclosing.kind != ScopeKind::Function && !name.starts_with('_');
        let scope = Scope::new(ScopeKind::Class, name, public);
        self.with_scope(scope, |ck| ck.visit_body(&class.body));
    }

    fn loop_body(&mut self, body: &'a [Stmt]) {
        self.scope_mut().loop_body_depth += 1;
        self.visit_body(body);
        self.scope_mut().loop_body_depth -= 1;
    }

    /// A comprehension: its first iterable belongs to the enclosing scope, the rest to its own.
    fn comprehension(
        &mut self,
        kind: ScopeKind,
        generators: &'a [ast::Comprehension],
        elements: &[&'a Expr],
    ) {
        let Some(first) = generators.first() else {
            return;
        };
        self.visit_expr(&first.iter);
        let mut scope = Scope::new(kind, "", false);
        scope.is_async = generators.iter().any(|g| g.is_async);
        self.with_scope(scope, |ck| {
            for (i, generator) in generators.iter().enumerate() {
                if i > 0 {
                    ck.visit_expr(&generator.iter);
                }
                ck.visit_expr(&generator.target);
                for condition in &generator.ifs {
                    ck.visit_expr(condition);
                }
            }
            for element in elements {
                ck.visit_expr(element);
            }
        });
    }

    fn semantic_stmt(&mut self, stmt: &Stmt) {
        let mut semantic = std::mem::take(&mut self.semantic);
        semantic.visit_stmt(stmt, self);
        self.semantic = semantic;
    }

    fn semantic_expr(&mut self, expr: &Expr) {
        let mut semantic = std::mem::take(&mut self.semantic);
        semantic.visit_expr(expr, self);
        self.semantic = semantic;
    }
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.semantic_stmt(stmt);
        if let Stmt::ImportFrom(import) = stmt
            && import.module.as_deref() == Some("__future__")
            && import
                .names
                .iter()
                .any(|n| n.name.as_str() == "annotations")
        {
            self.future_annotations = true;
        }
        let mut frame = Frame::default();
        if self.families.complexity {
            rules::complexity::enter_stmt(self, stmt, &mut frame);
        }
        if self.families.security {
            rules::security::stmt(self, stmt);
        }
        match stmt {
            Stmt::FunctionDef(def) => {
                if self.families.types {
                    rules::types::function(self, def);
                }
                self.function(def);
            }
            Stmt::ClassDef(class) => self.class(class),
            Stmt::For(f) => {
                self.visit_expr(&f.iter);
                self.visit_expr(&f.target);
                self.loop_body(&f.body);
                self.visit_body(&f.orelse);
            }
            Stmt::While(w) => {
                self.visit_expr(&w.test);
                self.loop_body(&w.body);
                self.visit_body(&w.orelse);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
        let scope = self.scope_mut();
        if frame.loop_stmt {
            scope.loop_depth -= 1;
        }
        if frame.block {
            scope.block_depth -= 1;
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.semantic_expr(expr);
        if self.families.security {
            rules::security::expr(self, expr);
        }
        let parent_is_binop = self.parent_is_binop;
        self.parent_is_binop = matches!(expr, Expr::BinOp(_));
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameters(parameters);
                }
                let mut scope = Scope::new(ScopeKind::Lambda, "", false);
                scope.parameters = lambda.parameters.as_deref();
                self.with_scope(scope, |ck| ck.visit_expr(&lambda.body));
            }
            Expr::ListComp(c) => {
                self.comprehension(ScopeKind::Comprehension, &c.generators, &[&c.elt]);
            }
            Expr::SetComp(c) => {
                self.comprehension(ScopeKind::Comprehension, &c.generators, &[&c.elt]);
            }
            Expr::DictComp(c) => {
                let mut elements: Vec<&Expr> = c.key.as_deref().into_iter().collect();
                elements.push(&c.value);
                self.comprehension(ScopeKind::Comprehension, &c.generators, &elements);
            }
            Expr::Generator(g) => {
                self.comprehension(ScopeKind::Generator, &g.generators, &[&g.elt]);
            }
            _ => visitor::walk_expr(self, expr),
        }
        self.parent_is_binop = parent_is_binop;
    }
}

/// What the walk leaves for the line-based rules and the report.
pub(crate) struct CheckOutcome {
    pub(crate) issues: Vec<Issue>,
    pub(crate) suppressions: Suppressions,
    pub(crate) multiline_strings: Vec<(u32, u32)>,
    pub(crate) annotated: u32,
    pub(crate) annotation_slots: u32,
}

/// Return `true` if the file is a private module (`_impl.py`, not `__init__.py`): like Ruff, its
/// functions are not public (no ANN201).
fn is_private_module(filename: &str) -> bool {
    let name = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let stem = name.strip_suffix(".py").unwrap_or(name);
    stem.starts_with('_') && !(stem.starts_with("__") && stem.ends_with("__"))
}

/// Return `true` if the issue's rule belongs to a family the caller keeps.
pub(crate) fn keeps(category: Category, families: Families) -> bool {
    match category {
        Category::Syntax | Category::Tests => true,
        Category::Style | Category::Types => families.types,
        Category::Security => families.security,
        Category::Complexity => families.complexity,
    }
}

#[cfg(test)]
mod tests {
    use super::is_private_module;

    #[test]
    fn underscore_modules_are_private_but_dunder_modules_are_not() {
        assert!(is_private_module("pkg/_impl.py"));
        assert!(!is_private_module("pkg/__init__.py"));
        assert!(!is_private_module("app.py"));
        assert!(!is_private_module("<string>"));
    }
}
