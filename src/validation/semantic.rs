//! What Ruff's [`SemanticSyntaxChecker`] asks of the walk: which scope it is in (function,
//! async, loop, comprehension, class body), answered from the checker's scope stack.
//!
//! Two questions need bindings the walk does not track (`global` declared later in a scope,
//! bindings of enclosing scopes for `nonlocal`): they answer so that nothing is reported, which
//! can only miss an error CPython would raise, never invent one.
//!
//! [`SemanticSyntaxChecker`]: ruff_python_parser::semantic_errors::SemanticSyntaxChecker

use ruff_python_ast as ast;
use ruff_python_parser::semantic_errors::{
    LazyImportContext, SemanticSyntaxContext, SemanticSyntaxError,
};
use ruff_text_size::TextRange;

use super::checker::{Checker, ScopeKind};

impl SemanticSyntaxContext for Checker<'_> {
    fn future_annotations_or_stub(&self) -> bool {
        self.future_annotations
    }

    fn lazy_import_context(&self) -> Option<LazyImportContext> {
        None
    }

    fn python_version(&self) -> ast::PythonVersion {
        super::parse::TARGET_VERSION
    }

    fn source(&self) -> &str {
        self.src
    }

    fn global(&self, _name: &str) -> Option<TextRange> {
        // Needs every `global` of a scope before its body is walked; not tracked.
        None
    }

    fn has_nonlocal_binding(&self, _name: &str) -> bool {
        // Needs the bindings of enclosing scopes; not tracked, so never reported.
        true
    }

    fn in_async_context(&self) -> bool {
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Function => return scope.is_async,
                ScopeKind::Comprehension | ScopeKind::Generator => {}
                ScopeKind::Lambda | ScopeKind::Class | ScopeKind::Module => return false,
            }
        }
        false
    }

    fn in_await_allowed_context(&self) -> bool {
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Function | ScopeKind::Lambda => return true,
                ScopeKind::Comprehension | ScopeKind::Generator => {}
                ScopeKind::Class | ScopeKind::Module => return false,
            }
        }
        false
    }

    fn in_yield_allowed_context(&self) -> bool {
        matches!(self.scope().kind, ScopeKind::Function | ScopeKind::Lambda)
    }

    fn in_sync_comprehension(&self) -> bool {
        self.scopes.iter().any(|s| {
            matches!(s.kind, ScopeKind::Comprehension | ScopeKind::Generator) && !s.is_async
        })
    }

    fn in_class_body_comprehension(&self) -> bool {
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Comprehension | ScopeKind::Generator => {}
                ScopeKind::Class => return true,
                _ => return false,
            }
        }
        false
    }

    fn in_module_scope(&self) -> bool {
        self.scope().kind == ScopeKind::Module
    }

    fn in_function_scope(&self) -> bool {
        self.scope().kind == ScopeKind::Function
    }

    fn in_generator_context(&self) -> bool {
        self.scope().kind == ScopeKind::Generator
    }

    fn in_notebook(&self) -> bool {
        false
    }

    fn report_semantic_error(&self, error: SemanticSyntaxError) {
        self.semantic_errors.borrow_mut().push(error);
    }

    fn in_loop_context(&self) -> bool {
        self.scope().loop_body_depth > 0
    }

    fn is_bound_parameter(&self, name: &str) -> bool {
        self.scope()
            .parameters
            .is_some_and(|p| p.iter().any(|param| param.name().as_str() == name))
    }
}
