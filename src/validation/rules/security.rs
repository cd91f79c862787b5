//! Security rules: Ruff's `S` codes (flake8-bandit), with Bandit's `B` ids as metadata.
//!
//! Calls are matched on their qualified name after following import aliases
//! ([`Checker::qualified_name`]), so `import subprocess as sp; sp.run(c, shell=True)` and
//! `from os import system as s; s(c)` are found. Matching is syntactic, like Ruff's and
//! Bandit's: no data flow.

use std::sync::LazyLock;

use regex::Regex;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Operator, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::validation::checker::Checker;
use crate::validation::rule::Rule;

/// Ruff's S608 pattern: SQL statements built from strings.
static SQL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)\b(select\s+.*\s+from\s|delete\s+from\s|(insert|replace)\s+.*\s+values\s|update\s+.*\s+set\s)",
    )
    .unwrap_or_else(|_| unreachable!("the pattern is a constant"))
});

/// Ruff's S105/S106 pattern for password-like names.
static PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(^|_)(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)($|_)")
        .unwrap_or_else(|_| unreachable!("the pattern is a constant"))
});

const SUBPROCESS: [&str; 7] = [
    "subprocess.Popen",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.run",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
];

const SHELL_CALLS: [&str; 13] = [
    "os.system",
    "os.popen",
    "os.popen2",
    "os.popen3",
    "os.popen4",
    "popen2.popen2",
    "popen2.popen3",
    "popen2.popen4",
    "popen2.Popen3",
    "popen2.Popen4",
    "commands.getoutput",
    "commands.getstatusoutput",
    "os.startfile",
];

const PICKLE_CALLS: [&str; 14] = [
    "pickle.loads",
    "pickle.load",
    "pickle.Unpickler",
    "cPickle.loads",
    "cPickle.load",
    "cPickle.Unpickler",
    "dill.loads",
    "dill.load",
    "dill.Unpickler",
    "shelve.open",
    "shelve.DbfilenameShelf",
    "jsonpickle.decode",
    "jsonpickle.unpickler.decode",
    "pandas.read_pickle",
];

const HTTP_METHODS: [&str; 8] = [
    "get", "post", "put", "delete", "patch", "head", "options", "request",
];

/// Check one statement for the security rules.
pub(crate) fn stmt<'a>(ck: &mut Checker<'a>, stmt: &'a Stmt) {
    match stmt {
        Stmt::Assert(a) => ck.report(
            Rule::Assert,
            "Use of `assert` detected: it is removed under `python -O`",
            a.range,
        ),
        Stmt::Assign(a) => {
            if let Some(target) = a.targets.last() {
                assignment(ck, target, &a.value);
            }
        }
        Stmt::AnnAssign(a) => {
            if let Some(value) = &a.value {
                assignment(ck, &a.target, value);
            }
        }
        Stmt::Import(i) => {
            for alias in &i.names {
                let dotted = alias.name.as_str();
                match &alias.asname {
                    Some(local) => ck.imports.insert(local.as_str(), dotted.to_string()),
                    None => {
                        let head = dotted.split('.').next().unwrap_or(dotted);
                        ck.imports.insert(head, head.to_string())
                    }
                };
            }
        }
        Stmt::ImportFrom(i) => {
            let mut module = ".".repeat(i.level as usize);
            module.push_str(i.module.as_deref().unwrap_or(""));
            for alias in &i.names {
                let name = alias.name.as_str();
                if name == "*" {
                    continue;
                }
                let local = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                ck.imports.insert(local, format!("{module}.{name}"));
            }
        }
        _ => {}
    }
}

/// Check one expression for the security rules.
pub(crate) fn expr(ck: &mut Checker<'_>, expr: &Expr) {
    match expr {
        Expr::Call(call) => self::call(ck, call),
        Expr::Compare(c) => comparison(ck, c),
        Expr::BinOp(_) if !ck.parent_is_binop => sql_from(ck, expr),
        Expr::FString(f) if !f.value.is_implicit_concatenated() && !ck.parent_is_binop => {
            sql_from(ck, expr);
        }
        _ => {}
    }
}

fn call(ck: &mut Checker<'_>, node: &ast::ExprCall) {
    let args = &node.arguments;
    let range = node.range();
    password_keywords(ck, args);
    if let Expr::Attribute(attr) = node.func.as_ref()
        && attr.attr.as_str() == "format"
        && is_string(&attr.value)
    {
        sql_from_call(ck, node);
    }
    let Some(name) = ck.qualified_name(&node.func) else {
        return;
    };
    let name = name.strip_prefix("builtins.").unwrap_or(&name);
    match name {
        "eval" => ck.report(Rule::Eval, "Use of possibly insecure function `eval`; consider `ast.literal_eval`", range),
        "exec" => ck.report(Rule::Exec, "Use of `exec` detected", range),
        "compile" | "__import__" | "importlib.import_module" => {
            if first_positional(args).is_some_and(|a| !is_literal(a)) {
                ck.report(
                    Rule::DynamicCodeOrImport,
                    format!("`{name}` of a value that is not a literal: code or module chosen at run time"),
                    range,
                );
            }
        }
        "marshal.load" | "marshal.loads" => ck.report(
            Rule::MarshalLoad,
            "Deserialization with the `marshal` module is possibly dangerous",
            range,
        ),
        "yaml.load" => {
            if !safe_yaml_loader(ck, args) {
                ck.report(
                    Rule::UnsafeYamlLoad,
                    "Probable use of unsafe loader with `yaml.load`. Allows instantiation of arbitrary objects. Consider `yaml.safe_load`.",
                    range,
                );
            }
        }
        "hashlib.md5" | "hashlib.sha1" => {
            if !keyword_is(ck, args, "usedforsecurity", "False") {
                let algo = name.trim_start_matches("hashlib.");
                ck.report(Rule::WeakHash, format!("Probable use of insecure hash functions in `hashlib`: `{algo}`"), range);
            }
        }
        "hashlib.new" => {
            let first = first_positional(args);
            let algo = first
                .map(|a| ck.text(a.range()).trim_matches(|c| c == '"' || c == '\'').to_ascii_lowercase());
            if algo.as_deref().is_some_and(|a| matches!(a, "md5" | "sha1" | "md4" | "sha" | "md5-sha1"))
                && !keyword_is(ck, args, "usedforsecurity", "False")
            {
                let at = first.map_or(range, Ranged::range);
                ck.report(Rule::WeakHash, "Probable use of insecure hash functions in `hashlib`", at);
            }
        }
        _ if PICKLE_CALLS.contains(&name) => ck.report(
            Rule::PickleLoad,
            "`pickle` and modules that wrap it can be unsafe when used to deserialize untrusted data",
            range,
        ),
        _ if SHELL_CALLS.contains(&name) => ck.report(
            Rule::StartProcessWithShell,
            "Starting a process with a shell: check the command for injection",
            range,
        ),
        _ if SUBPROCESS.contains(&name) => subprocess(ck, range, args),
        _ => {
            let http = name
                .strip_prefix("requests.")
                .or_else(|| name.strip_prefix("httpx."));
            let verify = keyword(args, "verify");
            if let Some(kw) = verify.filter(|k| ck.text(k.value.range()) == "False")
                && http.is_some_and(|m| HTTP_METHODS.contains(&m)) {
                    ck.report(
                        Rule::RequestWithoutCertValidation,
                        "Call with `verify=False` disables SSL certificate checks",
                        kw.range,
                    );
                }
        }
    }
}

fn subprocess(ck: &mut Checker<'_>, range: TextRange, args: &ast::Arguments) {
    let shell = keyword(args, "shell");
    let falsy = shell.is_none_or(|kw| {
        matches!(
            ck.text(kw.value.range()),
            "False" | "None" | "0" | "\"\"" | "''" | "[]" | "{}" | "()"
        )
    });
    let literal_command = first_positional(args).is_some_and(|a| match a {
        Expr::List(l) => l.elts.iter().all(is_literal),
        Expr::Tuple(t) => t.elts.iter().all(is_literal),
        _ => false,
    });
    if falsy && !literal_command {
        ck.report(
            Rule::SubprocessWithoutShell,
            "`subprocess` call: check for execution of untrusted input",
            range,
        );
    } else if !falsy {
        ck.report(
            Rule::SubprocessWithShell,
            "`subprocess` call with `shell=True` identified, security issue",
            range,
        );
    }
}

/// S106: `connect(password="hunter2")`.
fn password_keywords(ck: &mut Checker<'_>, args: &ast::Arguments) {
    for kw in &args.keywords {
        let Some(name) = &kw.arg else { continue };
        let key = name.as_str();
        if PASSWORD.is_match(key) && is_nonempty_plain_string(&kw.value) {
            ck.report(
                Rule::HardcodedPasswordFuncArg,
                format!("Possible hardcoded password assigned to argument: \"{key}\""),
                kw.range,
            );
        }
    }
}

/// S105: `password = "hunter2"`, `self.token = "…"`, `config["secret"] = "…"`.
fn assignment(ck: &mut Checker<'_>, target: &Expr, value: &Expr) {
    if !is_nonempty_plain_string(value) {
        return;
    }
    if let Some(name) = target_name(target)
        && PASSWORD.is_match(name)
    {
        ck.report(
            Rule::HardcodedPasswordString,
            format!("Possible hardcoded password assigned to: \"{name}\""),
            value.range(),
        );
    }
}

/// S105 in comparisons: `if password == "hunter2"`.
fn comparison(ck: &mut Checker<'_>, node: &ast::ExprCompare) {
    let [right] = &*node.comparators else { return };
    let left = node.left.as_ref();
    for (a, b) in [(left, right), (right, left)] {
        if let Some(name) = target_name(a)
            && PASSWORD.is_match(name)
            && is_nonempty_plain_string(b)
        {
            ck.report(
                Rule::HardcodedPasswordString,
                format!("Possible hardcoded password assigned to: \"{name}\""),
                b.range(),
            );
        }
    }
}

/// The name a target or operand stands for: identifier, attribute's last name, string subscript.
fn target_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(n) => Some(n.id.as_str()),
        Expr::Attribute(a) => Some(a.attr.as_str()),
        Expr::Subscript(s) => match s.slice.as_ref() {
            Expr::StringLiteral(key) => Some(key.value.to_str()),
            _ => None,
        },
        _ => None,
    }
}

/// S608: a string operation building SQL; `expr` is the outermost `+`/`%` or f-string.
fn sql_from(ck: &mut Checker<'_>, expr: &Expr) {
    let mut sql = SqlText::default();
    sql.visit_expr(expr);
    let mut dynamic = sql.dynamic;
    if let Expr::BinOp(b) = expr {
        if !matches!(b.op, Operator::Add | Operator::Mod) || !has_string_operand(b) {
            return;
        }
        dynamic = true;
    }
    if dynamic && SQL.is_match(&sql.literal) {
        ck.report(
            Rule::SqlInjection,
            "Possible SQL injection vector through string-based query construction",
            expr.range(),
        );
    }
}

/// S608 for `"…".format(…)`: always dynamic.
fn sql_from_call(ck: &mut Checker<'_>, call: &ast::ExprCall) {
    let mut sql = SqlText::default();
    sql.visit_expr(&call.func);
    sql.visit_arguments(&call.arguments);
    if SQL.is_match(&sql.literal) {
        ck.report(
            Rule::SqlInjection,
            "Possible SQL injection vector through string-based query construction",
            call.range(),
        );
    }
}

/// The literal text of an expression's strings (interpolations as spaces), not looking into
/// nested calls; `dynamic` once a name, call, attribute or subscript is a `+`/`%` operand or an
/// f-string interpolates.
#[derive(Default)]
struct SqlText {
    literal: String,
    dynamic: bool,
    parent_is_binop: bool,
}

impl<'a> Visitor<'a> for SqlText {
    fn visit_expr(&mut self, expr: &'a Expr) {
        let operand = self.parent_is_binop;
        match expr {
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) if operand => {
                self.dynamic = true;
            }
            Expr::Call(_) => {
                self.dynamic |= operand;
                return;
            }
            Expr::StringLiteral(s) => self.literal.push_str(s.value.to_str()),
            Expr::BytesLiteral(b) => {
                for part in &b.value {
                    self.literal.push_str(&String::from_utf8_lossy(&part.value));
                }
            }
            _ => {}
        }
        self.parent_is_binop = matches!(expr, Expr::BinOp(_));
        visitor::walk_expr(self, expr);
        self.parent_is_binop = operand;
    }

    fn visit_interpolated_string_element(&mut self, element: &'a ast::InterpolatedStringElement) {
        match element {
            ast::InterpolatedStringElement::Literal(l) => self.literal.push_str(&l.value),
            ast::InterpolatedStringElement::Interpolation(_) => {
                self.dynamic = true;
                self.literal.push(' ');
                let operand = self.parent_is_binop;
                self.parent_is_binop = false;
                visitor::walk_interpolated_string_element(self, element);
                self.parent_is_binop = operand;
            }
        }
    }
}

fn has_string_operand(node: &ast::ExprBinOp) -> bool {
    let mut current = node;
    loop {
        if is_string(&current.right) || is_string(&current.left) {
            return true;
        }
        let Expr::BinOp(left) = current.left.as_ref() else {
            return false;
        };
        current = left;
    }
}

fn is_string(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::StringLiteral(_) | Expr::BytesLiteral(_) | Expr::FString(_) | Expr::TString(_)
    )
}

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_) => true,
        Expr::FString(f) => f.value.elements().all(|e| e.is_literal()),
        _ => false,
    }
}

/// A string literal with content, not implicitly concatenated (what S105/S106 flag).
fn is_nonempty_plain_string(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(s) => !s.value.is_implicit_concatenated() && !s.value.is_empty(),
        Expr::BytesLiteral(b) => !b.value.is_implicit_concatenated() && !b.value.is_empty(),
        _ => false,
    }
}

fn first_positional(args: &ast::Arguments) -> Option<&Expr> {
    args.args.iter().find(|a| !a.is_starred_expr())
}

fn keyword<'a>(args: &'a ast::Arguments, name: &str) -> Option<&'a ast::Keyword> {
    args.keywords
        .iter()
        .find(|kw| kw.arg.as_ref().is_some_and(|a| a.as_str() == name))
}

fn keyword_is(ck: &Checker<'_>, args: &ast::Arguments, name: &str, value: &str) -> bool {
    keyword(args, name).is_some_and(|kw| ck.text(kw.value.range()) == value)
}

/// `yaml.load(s, Loader=yaml.SafeLoader)` (or `CSafeLoader`, `BaseLoader`, as second argument).
fn safe_yaml_loader(ck: &Checker<'_>, args: &ast::Arguments) -> bool {
    let loader = keyword(args, "Loader")
        .map(|kw| &kw.value)
        .or_else(|| args.args.get(1));
    loader.is_some_and(|l| {
        let text = ck.text(l.range());
        let last = text.rsplit('.').next().unwrap_or(text);
        matches!(
            last,
            "SafeLoader" | "CSafeLoader" | "BaseLoader" | "CBaseLoader"
        )
    })
}
