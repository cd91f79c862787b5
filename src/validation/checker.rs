//! The single visitor: one walk over the tree feeds every tree-based rule family.
//!
//! The checker keeps explicit stacks (scopes, and one frame per entered node recording what to
//! undo on leaving), so the walk stays iterative. Rule families live in their own files
//! ([`super::syntax`], [`super::rules`]) and are called from [`Checker::enter`]; each family only
//! runs when the level switches it on.

use std::collections::HashMap;

use tree_sitter::Node;

use super::config::ValidationConfig;
use super::issue::Issue;
use super::layout::{self, Layout};
use super::parse::Visitor;
use super::rule::{Category, Rule};
use super::rules;
use super::source::LineIndex;
use super::suppress::Suppressions;
use super::syntax;

/// What kind of scope a function-like or class body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
}

/// One entry of the scope stack.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub(crate) kind: ScopeKind,
    pub(crate) is_async: bool,
    /// Whether the scope is visible from outside the module (ANN201).
    pub(crate) public: bool,
    pub(crate) name: String,
    /// Start and end byte offsets of the function's name, where function findings point.
    pub(crate) name_range: (usize, usize),
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
    /// Byte range of the outermost compound statement of the current nesting chain (PLR1702
    /// points there, like Ruff).
    pub(crate) nesting_root: (usize, usize),
}

impl Scope {
    pub(crate) fn new(kind: ScopeKind, name: String, public: bool) -> Self {
        Scope {
            kind,
            is_async: false,
            public,
            name,
            name_range: (0, 0),
            complexity: 1,
            statements: 0,
            loop_body_depth: 0,
            loop_depth: 0,
            block_depth: 0,
            nesting_reported: false,
            nesting_root: (0, 0),
        }
    }
}

/// What [`Checker::leave`] undoes for one node.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Frame {
    pub(crate) pop_scope: bool,
    pub(crate) loop_body: bool,
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
pub(crate) struct Checker<'s> {
    pub(crate) src: &'s str,
    pub(crate) idx: &'s LineIndex<'s>,
    pub(crate) config: &'s ValidationConfig,
    pub(crate) families: Families,
    pub(crate) issues: Vec<Issue>,
    pub(crate) suppressions: Suppressions,
    /// Local name → qualified name, from `import x as y` / `from x import y as z`.
    pub(crate) imports: HashMap<String, String>,
    pub(crate) scopes: Vec<Scope>,
    frames: Vec<Frame>,
    /// 1-based line ranges of strings spanning several lines (style rules leave them alone).
    pub(crate) multiline_strings: Vec<(u32, u32)>,
    /// Annotated and total annotation slots (parameters and returns), for the coverage figure.
    pub(crate) annotated: u32,
    pub(crate) annotation_slots: u32,
    /// Whether a module-level statement other than a docstring or `__future__` import was seen.
    pub(crate) past_future_imports: bool,
    pub(crate) layout: Layout,
    /// Kind and start byte of every node being walked, innermost last: tree-sitter's
    /// `Node::parent` costs O(depth), this costs nothing.
    ancestors: Vec<(&'static str, usize)>,
}

impl<'s> Checker<'s> {
    pub(crate) fn new(
        src: &'s str,
        idx: &'s LineIndex<'s>,
        config: &'s ValidationConfig,
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
                String::new(),
                !is_private_module(config.filename_value()),
            )],
            frames: Vec::new(),
            multiline_strings: Vec::new(),
            annotated: 0,
            annotation_slots: 0,
            past_future_imports: false,
            layout: Layout::default(),
            ancestors: Vec::new(),
        }
    }

    /// Return the source text of `node`.
    pub(crate) fn text(&self, node: Node<'_>) -> &'s str {
        self.src.get(node.byte_range()).unwrap_or("")
    }

    /// Record a finding spanning `node`.
    pub(crate) fn report(&mut self, rule: Rule, message: impl Into<String>, node: Node<'_>) {
        self.report_range(rule, message, node.start_byte(), node.end_byte());
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

    /// Return the kind of the parent of the node being entered.
    pub(crate) fn parent_kind(&self) -> Option<&'static str> {
        self.ancestors.last().map(|a| a.0)
    }

    /// Return the start byte of the parent of the node being entered.
    pub(crate) fn parent_start(&self) -> Option<usize> {
        self.ancestors.last().map(|a| a.1)
    }

    /// Return the innermost scope.
    pub(crate) fn scope(&self) -> &Scope {
        // The module scope is pushed first and never popped.
        self.scopes.last().unwrap_or_else(|| unreachable!())
    }

    /// Return the innermost scope, mutably.
    pub(crate) fn scope_mut(&mut self) -> &mut Scope {
        self.scopes.last_mut().unwrap_or_else(|| unreachable!())
    }

    /// Return the innermost function scope (not lambda, not class), if any.
    pub(crate) fn function_scope_mut(&mut self) -> Option<&mut Scope> {
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
    pub(crate) fn qualified_name(&self, node: Node<'_>) -> Option<String> {
        let mut parts: Vec<&str> = Vec::new();
        let mut current = node;
        loop {
            match current.kind() {
                "identifier" => {
                    let head = self.text(current);
                    let resolved = self.imports.get(head).map(String::as_str).unwrap_or(head);
                    let mut name = resolved.to_string();
                    for part in parts.iter().rev() {
                        name.push('.');
                        name.push_str(part);
                    }
                    return Some(name);
                }
                "attribute" => {
                    let attr = current.child_by_field_name("attribute")?;
                    parts.push(self.text(attr));
                    current = current.child_by_field_name("object")?;
                }
                _ => return None,
            }
        }
    }

    /// Drop findings that a `# noqa`/`# nosec` comment suppresses, and sort by position.
    pub(crate) fn finish(mut self) -> CheckOutcome {
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
}

/// What the walk leaves for the line-based rules and the report.
pub(crate) struct CheckOutcome {
    pub(crate) issues: Vec<Issue>,
    pub(crate) suppressions: Suppressions,
    pub(crate) multiline_strings: Vec<(u32, u32)>,
    pub(crate) annotated: u32,
    pub(crate) annotation_slots: u32,
}

impl<'t> Visitor<'t> for Checker<'_> {
    fn enter(&mut self, node: Node<'t>, field: Option<&'static str>) -> bool {
        let mut frame = Frame::default();
        if node.is_error() {
            syntax::error_node(self, node);
            layout::skipped(self, node);
            self.frames.push(frame);
            self.ancestors.push((node.kind(), node.start_byte()));
            return false;
        }
        if node.is_missing() {
            syntax::missing_node(self, node);
            self.frames.push(frame);
            self.ancestors.push((node.kind(), node.start_byte()));
            return false;
        }
        if node.is_named() {
            layout::enter_named(self, node);
        }
        if node.child_count() == 0 {
            layout::leaf(self, node);
        }
        if !node.is_named() {
            // Keywords and punctuation: their parents' checks look at them.
            self.frames.push(frame);
            self.ancestors.push((node.kind(), node.start_byte()));
            return true;
        }
        match node.kind() {
            "comment" => {
                let line = self.idx.position(node.start_byte()).0;
                let text = self.text(node);
                self.suppressions.add_comment(line, text);
            }
            "string" => {
                let (start, end) = (node.start_position().row, node.end_position().row);
                if end > start {
                    self.multiline_strings
                        .push((start as u32 + 1, end as u32 + 1));
                }
            }
            _ => {}
        }
        syntax::enter(self, node, field, &mut frame);
        if self.families.complexity {
            rules::complexity::enter(self, node, &mut frame);
        }
        if self.families.security {
            rules::security::enter(self, node);
        }
        if self.families.types && node.kind() == "function_definition" {
            rules::types::function(self, node);
        }
        if node.kind() == "function_definition" {
            syntax::push_function_scope(self, node);
            frame.pop_scope = true;
        }
        self.frames.push(frame);
        self.ancestors.push((node.kind(), node.start_byte()));
        true
    }

    fn leave(&mut self, node: Node<'t>) {
        let frame = self.frames.pop().unwrap_or_default();
        self.ancestors.pop();
        if frame.pop_scope {
            if let Some(scope) = self.scopes.pop() {
                if self.families.complexity && scope.kind == ScopeKind::Function {
                    rules::complexity::leave_function(self, &scope);
                }
            }
        }
        let scope = self.scope_mut();
        if frame.loop_body {
            scope.loop_body_depth -= 1;
        }
        if frame.loop_stmt {
            scope.loop_depth -= 1;
        }
        if frame.block {
            scope.block_depth -= 1;
        }
        let _ = node;
    }
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
