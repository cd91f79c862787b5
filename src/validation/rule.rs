//! The rule catalogue: every finding has a stable code users of Ruff and Bandit recognise.
//!
//! Codes are Ruff's where Ruff has the rule (`S307`, `E501`, `C901`, …), with Bandit's test id
//! (`B307`) as metadata so `# nosec B307` works too. Rules Ruff does not have take a `CG` code
//! (cognition); codes are never renumbered or reused.

use std::fmt;

use serde::{Serialize, Serializer};

/// How bad a finding is; ordered from [`Severity::Info`] to [`Severity::Critical`].
///
/// The levels follow the mission statement: syntax errors and SQL injection are
/// critical, other security findings and failing tests high, missing type hints and performance
/// smells medium, style low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing, not worth failing for (`assert`, `subprocess` without a shell).
    Info,
    /// Style: line length, whitespace.
    Low,
    /// Types, complexity and performance.
    Medium,
    /// Security findings and failing tests.
    High,
    /// The code does not compile, or builds SQL from strings.
    Critical,
}

impl Severity {
    /// Return the upper-case name used in JSON, text and the faces (`"CRITICAL"`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Which family a rule belongs to; a [`crate::validation::Level`] switches families on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// The source does not compile (always checked).
    Syntax,
    /// Line-based layout rules (STANDARD and up).
    Style,
    /// Missing annotations (STANDARD and up).
    Types,
    /// Dangerous calls and secrets (STRICT and up).
    Security,
    /// Complexity and performance smells (STRICT and up).
    Complexity,
    /// The code's own tests (PARANOID).
    Tests,
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident => ($code:literal, $bandit:expr, $name:literal, $sev:ident, $cat:ident) ),* $(,)?) => {
        /// A rule with a stable code; see the module docs for the naming scheme.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        /// Every rule, in catalogue order.
        pub const ALL_RULES: &[Rule] = &[ $( Rule::$variant, )* ];

        impl Rule {
            /// Return the stable code (`"S307"`, `"E501"`, `"CG201"`).
            pub const fn code(self) -> &'static str {
                match self { $( Rule::$variant => $code, )* }
            }
            /// Return Bandit's test id for security rules Bandit also has (`"B307"`).
            pub const fn bandit_id(self) -> Option<&'static str> {
                match self { $( Rule::$variant => $bandit, )* }
            }
            /// Return the kebab-case rule name (Ruff's name where Ruff has the rule).
            pub const fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* }
            }
            /// Return the rule's severity.
            pub const fn severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }
            /// Return the family the rule belongs to.
            pub const fn category(self) -> Category {
                match self { $( Rule::$variant => Category::$cat, )* }
            }
        }
    };
}

rules! {
    /// The source does not parse, or CPython's compiler would reject it.
    SyntaxError => ("E999", None, "syntax-error", Critical, Syntax),
    /// A line is longer than the configured maximum (characters, like Ruff).
    LineTooLong => ("E501", None, "line-too-long", Low, Style),
    /// A line ends in spaces or tabs.
    TrailingWhitespace => ("W291", None, "trailing-whitespace", Low, Style),
    /// A blank line holds spaces or tabs.
    BlankLineWithWhitespace => ("W293", None, "blank-line-with-whitespace", Low, Style),
    /// The file does not end in a newline.
    MissingNewlineAtEndOfFile => ("W292", None, "missing-newline-at-end-of-file", Low, Style),
    /// Indentation uses tabs.
    TabIndentation => ("W191", None, "tab-indentation", Low, Style),
    /// A public function parameter has no annotation.
    MissingTypeFunctionArgument => ("ANN001", None, "missing-type-function-argument", Medium, Types),
    /// A public function has no return annotation.
    MissingReturnTypePublicFunction => ("ANN201", None, "missing-return-type-undocumented-public-function", Medium, Types),
    /// `eval(...)`.
    Eval => ("S307", Some("B307"), "suspicious-eval-usage", High, Security),
    /// `exec(...)`.
    Exec => ("S102", Some("B102"), "exec-builtin", High, Security),
    /// `compile(...)` or `__import__(...)` of a value that is not a literal.
    DynamicCodeOrImport => ("CG101", None, "dynamic-compile-or-import", High, Security),
    /// `pickle`/`shelve`/`dill` deserialisation of untrusted data.
    PickleLoad => ("S301", Some("B301"), "suspicious-pickle-usage", High, Security),
    /// `marshal` deserialisation of untrusted data.
    MarshalLoad => ("S302", Some("B302"), "suspicious-marshal-usage", High, Security),
    /// `yaml.load` without a safe loader.
    UnsafeYamlLoad => ("S506", Some("B506"), "unsafe-yaml-load", High, Security),
    /// `os.system`, `os.popen` and friends start a shell.
    StartProcessWithShell => ("S605", Some("B605"), "start-process-with-a-shell", High, Security),
    /// `subprocess` call with `shell=True`.
    SubprocessWithShell => ("S602", Some("B602"), "subprocess-popen-with-shell-equals-true", High, Security),
    /// `subprocess` call without a shell: fine, but check the input.
    SubprocessWithoutShell => ("S603", Some("B603"), "subprocess-without-shell-equals-true", Info, Security),
    /// SQL built by string formatting or concatenation.
    SqlInjection => ("S608", Some("B608"), "hardcoded-sql-expression", Critical, Security),
    /// A password-like name assigned or compared to a string literal.
    HardcodedPasswordString => ("S105", Some("B105"), "hardcoded-password-string", High, Security),
    /// A password-like keyword argument given a string literal.
    HardcodedPasswordFuncArg => ("S106", Some("B106"), "hardcoded-password-func-arg", High, Security),
    /// `hashlib.md5`/`sha1` (or `hashlib.new("md5")`) without `usedforsecurity=False`.
    WeakHash => ("S324", Some("B324"), "hashlib-insecure-hash-function", High, Security),
    /// `requests`/`httpx` call with `verify=False`.
    RequestWithoutCertValidation => ("S501", Some("B501"), "request-with-no-cert-validation", High, Security),
    /// `assert` is removed under `python -O`: not a check.
    Assert => ("S101", Some("B101"), "assert", Info, Security),
    /// Cyclomatic complexity over the threshold (mccabe's count).
    ComplexStructure => ("C901", None, "complex-structure", Medium, Complexity),
    /// Blocks nested deeper than the maximum.
    TooManyNestedBlocks => ("PLR1702", None, "too-many-nested-blocks", Medium, Complexity),
    /// A function with more statements than the maximum.
    TooManyStatements => ("PLR0915", None, "too-many-statements", Medium, Complexity),
    /// A function with more arguments than the maximum.
    TooManyArguments => ("PLR0913", None, "too-many-arguments", Medium, Complexity),
    /// `s += "..."` on a string inside a loop: quadratic; collect and `"".join`.
    StringConcatInLoop => ("CG201", None, "string-concatenation-in-loop", Medium, Complexity),
    /// Loops nested three or more deep.
    DeeplyNestedLoops => ("CG202", None, "deeply-nested-loops", Medium, Complexity),
    /// A test of the code's own test suite failed.
    TestFailed => ("CG301", None, "test-failed", High, Tests),
    /// A test errored, or the test run could not complete.
    TestError => ("CG302", None, "test-error", High, Tests),
    /// The test run exceeded its wall-clock or CPU limit.
    TestTimeout => ("CG303", None, "test-timeout", High, Tests),
}

impl Rule {
    /// Look a rule up by its code (`"S307"`) or, for security rules, its Bandit id (`"B307"`).
    pub fn from_code(code: &str) -> Option<Rule> {
        ALL_RULES
            .iter()
            .copied()
            .find(|r| r.code() == code || r.bandit_id() == Some(code))
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = ALL_RULES.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }

    #[test]
    fn rules_are_found_by_code_and_by_bandit_id() {
        assert_eq!(Rule::from_code("S307"), Some(Rule::Eval));
        assert_eq!(Rule::from_code("B602"), Some(Rule::SubprocessWithShell));
        assert_eq!(Rule::from_code("X1"), None);
    }

    #[test]
    fn severities_follow_the_mission() {
        assert_eq!(Rule::SyntaxError.severity(), Severity::Critical);
        assert_eq!(Rule::SqlInjection.severity(), Severity::Critical);
        assert_eq!(Rule::Eval.severity(), Severity::High);
        assert_eq!(Rule::SubprocessWithoutShell.severity(), Severity::Info);
        assert_eq!(Rule::LineTooLong.severity(), Severity::Low);
        assert!(Severity::Critical > Severity::High);
    }
}
