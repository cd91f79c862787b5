//! Security rules: Ruff's `S` codes (flake8-bandit), with Bandit's `B` ids as metadata.
//!
//! Calls are matched on their qualified name after following import aliases
//! ([`Checker::qualified_name`]), so `import subprocess as sp; sp.run(c, shell=True)` and
//! `from os import system as s; s(c)` are found. Matching is syntactic, like Ruff's and
//! Bandit's: no data flow.

use std::sync::LazyLock;

use regex::Regex;
use tree_sitter::Node;

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

/// Check one node for the security rules.
pub(crate) fn enter(ck: &mut Checker<'_>, node: Node<'_>) {
    match node.kind() {
        "call" => call(ck, node),
        "assert_statement" => ck.report(
            Rule::Assert,
            "Use of `assert` detected: it is removed under `python -O`",
            node,
        ),
        "assignment" => assignment(ck, node),
        "comparison_operator" => comparison(ck, node),
        "binary_operator" => {
            let nested = ck.parent_kind() == Some("binary_operator");
            if !nested {
                sql_from(ck, node);
            }
        }
        "string" if is_fstring(ck, node) && !inside_sql_candidate(ck) => sql_from(ck, node),
        "import_statement" | "import_from_statement" => record_imports(ck, node),
        _ => {}
    }
}

/// Record `import a.b as c` / `from a import b as c` so calls through aliases resolve.
fn record_imports(ck: &mut Checker<'_>, node: Node<'_>) {
    let module = node
        .child_by_field_name("module_name")
        .map(|m| ck.text(m).to_string());
    let mut cursor = node.walk();
    let names: Vec<Node<'_>> = node.children_by_field_name("name", &mut cursor).collect();
    for name in names {
        let (dotted, alias) = match name.kind() {
            "aliased_import" => (
                name.child_by_field_name("name").map(|n| ck.text(n)),
                name.child_by_field_name("alias").map(|n| ck.text(n)),
            ),
            _ => (Some(ck.text(name)), None),
        };
        let Some(dotted) = dotted else { continue };
        let (local, qualified) = match (&module, alias) {
            (Some(m), Some(a)) => (a.to_string(), format!("{m}.{dotted}")),
            (Some(m), None) => (dotted.to_string(), format!("{m}.{dotted}")),
            (None, Some(a)) => (a.to_string(), dotted.to_string()),
            (None, None) => {
                let head = dotted.split('.').next().unwrap_or(dotted);
                (head.to_string(), head.to_string())
            }
        };
        ck.imports.insert(local, qualified);
    }
}

fn call(ck: &mut Checker<'_>, node: Node<'_>) {
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let args = node.child_by_field_name("arguments");
    password_keywords(ck, args);
    if let Some(attr) = function.child_by_field_name("attribute") {
        if ck.text(attr) == "format"
            && function
                .child_by_field_name("object")
                .is_some_and(is_string)
        {
            sql_from(ck, node);
        }
    }
    let Some(name) = ck.qualified_name(function) else {
        return;
    };
    let name = name.strip_prefix("builtins.").unwrap_or(&name);
    match name {
        "eval" => ck.report(Rule::Eval, "Use of possibly insecure function `eval`; consider `ast.literal_eval`", node),
        "exec" => ck.report(Rule::Exec, "Use of `exec` detected", node),
        "compile" | "__import__" | "importlib.import_module" => {
            let first = args.and_then(|a| first_positional(a));
            if first.is_some_and(|a| !is_literal(a)) {
                ck.report(
                    Rule::DynamicCodeOrImport,
                    format!("`{name}` of a value that is not a literal: code or module chosen at run time"),
                    node,
                );
            }
        }
        "marshal.load" | "marshal.loads" => ck.report(
            Rule::MarshalLoad,
            "Deserialization with the `marshal` module is possibly dangerous",
            node,
        ),
        "yaml.load" => {
            if !safe_yaml_loader(ck, args) {
                ck.report(
                    Rule::UnsafeYamlLoad,
                    "Probable use of unsafe loader with `yaml.load`. Allows instantiation of arbitrary objects. Consider `yaml.safe_load`.",
                    node,
                );
            }
        }
        "hashlib.md5" | "hashlib.sha1" => {
            if !keyword_is(ck, args, "usedforsecurity", "False") {
                let algo = name.trim_start_matches("hashlib.");
                ck.report(Rule::WeakHash, format!("Probable use of insecure hash functions in `hashlib`: `{algo}`"), node);
            }
        }
        "hashlib.new" => {
            let first = args.and_then(|a| first_positional(a));
            let algo = first
                .map(|a| ck.text(a).trim_matches(|c| c == '"' || c == '\'').to_ascii_lowercase());
            if algo.as_deref().is_some_and(|a| matches!(a, "md5" | "sha1" | "md4" | "sha" | "md5-sha1"))
                && !keyword_is(ck, args, "usedforsecurity", "False")
            {
                let at = first.unwrap_or(node);
                ck.report(Rule::WeakHash, "Probable use of insecure hash functions in `hashlib`", at);
            }
        }
        _ if PICKLE_CALLS.contains(&name) => ck.report(
            Rule::PickleLoad,
            "`pickle` and modules that wrap it can be unsafe when used to deserialize untrusted data",
            node,
        ),
        _ if SHELL_CALLS.contains(&name) => ck.report(
            Rule::StartProcessWithShell,
            "Starting a process with a shell: check the command for injection",
            node,
        ),
        _ if SUBPROCESS.contains(&name) => subprocess(ck, node, args),
        _ => {
            let http = name
                .strip_prefix("requests.")
                .or_else(|| name.strip_prefix("httpx."));
            let verify = args.and_then(|a| keyword_value(ck, a, "verify"));
            if let Some(value) = verify.filter(|v| ck.text(*v) == "False") {
                if http.is_some_and(|m| HTTP_METHODS.contains(&m)) {
                    let at = value.parent().unwrap_or(value);
                    ck.report(
                        Rule::RequestWithoutCertValidation,
                        "Call with `verify=False` disables SSL certificate checks",
                        at,
                    );
                }
            }
        }
    }
}

fn subprocess(ck: &mut Checker<'_>, node: Node<'_>, args: Option<Node<'_>>) {
    let shell = args.and_then(|a| keyword_value(ck, a, "shell"));
    let falsy = shell.is_none_or(|v| {
        matches!(
            ck.text(v),
            "False" | "None" | "0" | "\"\"" | "''" | "[]" | "{}" | "()"
        )
    });
    let literal_command = args.and_then(first_positional).is_some_and(|a| {
        matches!(a.kind(), "list" | "tuple") && {
            let mut cursor = a.walk();
            a.named_children(&mut cursor).all(|c| is_literal(c))
        }
    });
    if falsy && !literal_command {
        ck.report(
            Rule::SubprocessWithoutShell,
            "`subprocess` call: check for execution of untrusted input",
            node,
        );
    } else if !falsy {
        ck.report(
            Rule::SubprocessWithShell,
            "`subprocess` call with `shell=True` identified, security issue",
            node,
        );
    }
}

/// S106: `connect(password="hunter2")`.
fn password_keywords(ck: &mut Checker<'_>, args: Option<Node<'_>>) {
    let Some(args) = args else { return };
    let mut cursor = args.walk();
    let keywords: Vec<Node<'_>> = args
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "keyword_argument")
        .collect();
    for kw in keywords {
        let (Some(name), Some(value)) = (
            kw.child_by_field_name("name"),
            kw.child_by_field_name("value"),
        ) else {
            continue;
        };
        let key = ck.text(name);
        if PASSWORD.is_match(key) && is_nonempty_plain_string(ck, value) {
            ck.report(
                Rule::HardcodedPasswordFuncArg,
                format!("Possible hardcoded password assigned to argument: \"{key}\""),
                kw,
            );
        }
    }
}

/// S105: `password = "hunter2"`, `self.token = "…"`, `config["secret"] = "…"`.
fn assignment(ck: &mut Checker<'_>, node: Node<'_>) {
    let (Some(left), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    if !is_nonempty_plain_string(ck, right) {
        return;
    }
    if let Some(name) = target_name(ck, left) {
        if PASSWORD.is_match(name) {
            ck.report(
                Rule::HardcodedPasswordString,
                format!("Possible hardcoded password assigned to: \"{name}\""),
                right,
            );
        }
    }
}

/// S105 in comparisons: `if password == "hunter2"`.
fn comparison(ck: &mut Checker<'_>, node: Node<'_>) {
    let mut cursor = node.walk();
    let operands: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|c| !c.is_extra())
        .collect();
    if operands.len() != 2 {
        return;
    }
    for (a, b) in [(operands[0], operands[1]), (operands[1], operands[0])] {
        if let Some(name) = target_name(ck, a) {
            if PASSWORD.is_match(name) && is_nonempty_plain_string(ck, b) {
                ck.report(
                    Rule::HardcodedPasswordString,
                    format!("Possible hardcoded password assigned to: \"{name}\""),
                    b,
                );
            }
        }
    }
}

/// The name a target or operand stands for: identifier, attribute's last name, string subscript.
fn target_name<'s>(ck: &Checker<'s>, node: Node<'_>) -> Option<&'s str> {
    match node.kind() {
        "identifier" => Some(ck.text(node)),
        "attribute" => node.child_by_field_name("attribute").map(|a| ck.text(a)),
        "subscript" => {
            let key = node.child_by_field_name("subscript")?;
            is_string(key).then(|| ck.text(key).trim_matches(|c| c == '"' || c == '\''))
        }
        _ => None,
    }
}

/// S608: a string operation building SQL; `node` is the outermost `+`/`%`, `.format` call or
/// f-string.
fn sql_from(ck: &mut Checker<'_>, node: Node<'_>) {
    let mut literal = String::new();
    let mut dynamic = node.kind() == "call";
    let mut stack = vec![(node, "")];
    while let Some((n, parent_kind)) = stack.pop() {
        match n.kind() {
            "string_content" => literal.push_str(ck.text(n)),
            "interpolation" => {
                dynamic = true;
                literal.push(' ');
            }
            "identifier" | "call" | "attribute" | "subscript" => {
                if parent_kind == "binary_operator" {
                    dynamic = true;
                }
                if n.kind() == "call" && n != node {
                    continue;
                }
            }
            _ => {}
        }
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev().map(|c| (c, n.kind())));
    }
    if node.kind() == "binary_operator" {
        let op = node.child_by_field_name("operator").map(|o| o.kind());
        if !matches!(op, Some("+" | "%")) || !has_string_operand(node) {
            return;
        }
        dynamic = true;
    }
    if dynamic && SQL.is_match(&literal) {
        ck.report(
            Rule::SqlInjection,
            "Possible SQL injection vector through string-based query construction",
            node,
        );
    }
}

fn has_string_operand(node: Node<'_>) -> bool {
    let mut current = node;
    loop {
        let (Some(left), Some(right)) = (
            current.child_by_field_name("left"),
            current.child_by_field_name("right"),
        ) else {
            return false;
        };
        if is_string(right) || is_string(left) {
            return true;
        }
        if left.kind() != "binary_operator" {
            return false;
        }
        current = left;
    }
}

/// An f-string inside `+`/`%`/`.format` is judged with that expression, not on its own.
fn inside_sql_candidate(ck: &Checker<'_>) -> bool {
    matches!(
        ck.parent_kind(),
        Some("binary_operator" | "concatenated_string")
    )
}

fn is_fstring(ck: &Checker<'_>, node: Node<'_>) -> bool {
    node.child(0).is_some_and(|s| {
        ck.text(s)
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .any(|c| c == 'f' || c == 'F')
    })
}

fn is_string(node: Node<'_>) -> bool {
    matches!(node.kind(), "string" | "concatenated_string")
}

fn is_literal(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "string" | "concatenated_string" | "integer" | "float" | "true" | "false" | "none"
    ) && !has_interpolation(node)
}

fn has_interpolation(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "interpolation" {
            return true;
        }
        stack.extend(n.children(&mut cursor));
    }
    false
}

/// A string literal with content and no interpolation (what S105/S106 flag).
fn is_nonempty_plain_string(ck: &Checker<'_>, node: Node<'_>) -> bool {
    if node.kind() != "string" || has_interpolation(node) {
        return false;
    }
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| c.kind() == "string_content" && !ck.text(c).is_empty())
}

fn first_positional(args: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = args.walk();
    args.named_children(&mut cursor).find(|c| {
        !c.is_extra()
            && !matches!(
                c.kind(),
                "keyword_argument" | "list_splat" | "dictionary_splat"
            )
    })
}

fn keyword_value<'t>(ck: &Checker<'_>, args: Node<'t>, name: &str) -> Option<Node<'t>> {
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .filter(|c| c.kind() == "keyword_argument")
        .find(|kw| {
            kw.child_by_field_name("name")
                .is_some_and(|n| ck.text(n) == name)
        })
        .and_then(|kw| kw.child_by_field_name("value"))
}

fn keyword_is(ck: &Checker<'_>, args: Option<Node<'_>>, name: &str, value: &str) -> bool {
    args.and_then(|a| keyword_value(ck, a, name))
        .is_some_and(|v| ck.text(v) == value)
}

/// `yaml.load(s, Loader=yaml.SafeLoader)` (or `CSafeLoader`, `BaseLoader`, as second argument).
fn safe_yaml_loader(ck: &Checker<'_>, args: Option<Node<'_>>) -> bool {
    let Some(args) = args else { return false };
    let loader = keyword_value(ck, args, "Loader").or_else(|| {
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .filter(|c| !c.is_extra() && c.kind() != "keyword_argument")
            .nth(1)
    });
    loader.is_some_and(|l| {
        let text = ck.text(l);
        let last = text.rsplit('.').next().unwrap_or(text);
        matches!(
            last,
            "SafeLoader" | "CSafeLoader" | "BaseLoader" | "CBaseLoader"
        )
    })
}
