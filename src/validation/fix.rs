//! Safe automatic fixes: trailing whitespace (W291), whitespace on blank lines (W293), the final
//! newline (W292) and tabs in indentation (W191); then the source is validated again.
//!
//! Fixes touch whitespace only, and never inside a multi-line string (where whitespace is part of
//! the value). Tabs expand to the next multiple of 8 columns, the tab stops CPython's tokenizer
//! uses, so every line keeps its indentation level. Applying the fixes twice changes nothing the
//! second time.

use super::config::ValidationConfig;
use super::error::ValidationError;
use super::issue::Issue;
use super::report::ValidationReport;
use super::rule::Rule;
use super::rules::style::{inside_string, is_py_whitespace, line_end_in_string};

/// The outcome of [`fix`].
#[derive(Debug, Clone, PartialEq)]
pub struct FixResult {
    /// The fixed source.
    pub source: String,
    /// The findings the fixes removed (as reported on the original source).
    pub applied: Vec<Issue>,
    /// The fixed source, validated again at the same level.
    pub report: ValidationReport,
}

/// Apply the safe fixes and validate the result.
///
/// # Errors
/// Those of [`super::validate`].
///
/// # Example
/// ```
/// use cognition_core::validation::{fix, Level, Rule, ValidationConfig};
///
/// let fixed = fix("if x:\n\ty = 1   \n\n  \nz = 2", &ValidationConfig::new(Level::Standard))?;
/// assert_eq!(fixed.source, "if x:\n        y = 1\n\n\nz = 2\n");
/// assert_eq!(fixed.applied.len(), 4); // W191, W291, W293, W292
/// assert!(fixed.report.issues.iter().all(|i| !i.fixable));
/// # Ok::<(), cognition_core::validation::ValidationError>(())
/// ```
pub fn fix(source: &str, config: &ValidationConfig) -> Result<FixResult, ValidationError> {
    // Fixes are whitespace rules: find them even when the caller's level is BASIC.
    let style_config = if config.level() < super::Level::Standard {
        config.clone_with_level(super::Level::Standard)
    } else {
        config.clone()
    };
    let (before, strings) = super::analyze(source, &style_config)?;
    let fixed = fix_text(source, &strings);
    let applied: Vec<Issue> = before.issues.into_iter().filter(|i| i.fixable).collect();
    let report = super::validate(&fixed, config)?;
    Ok(FixResult {
        source: fixed,
        applied,
        report,
    })
}

/// Rewrite the whitespace of `source`; `strings` are the 1-based line ranges of multi-line
/// strings.
fn fix_text(source: &str, strings: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(source.len() + 1);
    let mut line_no = 0u32;
    let mut rest = source;
    while !rest.is_empty() {
        line_no += 1;
        let (line, ending, next) = match rest.find('\n') {
            Some(i) => {
                let raw = &rest[..i];
                match raw.strip_suffix('\r') {
                    Some(l) => (l, "\r\n", &rest[i + 1..]),
                    None => (raw, "\n", &rest[i + 1..]),
                }
            }
            None => (rest, "", ""),
        };
        let mut text = line;
        if !line_end_in_string(strings, line_no) {
            text = text.trim_end_matches(is_py_whitespace);
        }
        if !inside_string(strings, line_no) {
            expand_indent_tabs(text, &mut out);
        } else {
            out.push_str(text);
        }
        out.push_str(ending);
        rest = next;
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Push `line` with the tabs of its indentation expanded to 8-column tab stops.
fn expand_indent_tabs(line: &str, out: &mut String) {
    let indent_len = line.len() - line.trim_start_matches(is_py_whitespace).len();
    let (indent, body) = line.split_at(indent_len);
    if !indent.contains('\t') {
        out.push_str(line);
        return;
    }
    let mut col = 0usize;
    for c in indent.chars() {
        match c {
            '\t' => {
                let next = (col / 8 + 1) * 8;
                out.extend(std::iter::repeat_n(' ', next - col));
                col = next;
            }
            // A form feed resets the column, as in CPython's tokenizer.
            '\x0c' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    out.push_str(body);
}

impl ValidationConfig {
    fn clone_with_level(&self, level: super::Level) -> ValidationConfig {
        ValidationConfig::new(level)
            .max_line_length(self.max_line_length_value())
            .complexity_threshold(self.complexity_threshold_value())
            .filename(self.filename_value())
    }
}

/// Return `true` if the rule has a safe fix.
pub(crate) fn has_fix(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::TrailingWhitespace
            | Rule::BlankLineWithWhitespace
            | Rule::MissingNewlineAtEndOfFile
            | Rule::TabIndentation
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::parse::parse;
    use crate::validation::Level;
    use proptest::prelude::*;
    use ruff_python_ast::comparable::ComparableModModule;

    /// Return `true` if both sources parse to the same tree, positions aside (Ruff's
    /// comparable AST ignores ranges, so only whitespace may differ).
    fn same_tree(a: &str, b: &str) -> bool {
        let (a, b) = (parse(a), parse(b));
        ComparableModModule::from(a.syntax()) == ComparableModModule::from(b.syntax())
    }

    fn config() -> ValidationConfig {
        ValidationConfig::new(Level::Standard)
    }

    #[test]
    fn whitespace_inside_a_multiline_string_is_kept() {
        let src = "x = \"\"\"a   \n\tb  \n\"\"\"  \n";
        let fixed = fix(src, &config()).unwrap();
        assert_eq!(fixed.source, "x = \"\"\"a   \n\tb  \n\"\"\"\n");
    }

    #[test]
    fn crlf_line_endings_are_kept() {
        let fixed = fix("x = 1  \r\ny = 2\r\n", &config()).unwrap();
        assert_eq!(fixed.source, "x = 1\r\ny = 2\r\n");
    }

    #[test]
    fn tabs_expand_to_cpython_tab_stops() {
        let fixed = fix("if x:\n  \ty = 1\n", &config()).unwrap();
        assert_eq!(fixed.source, "if x:\n        y = 1\n");
    }

    #[test]
    fn an_empty_source_stays_empty() {
        assert_eq!(fix("", &config()).unwrap().source, "");
    }

    fn line() -> impl Strategy<Value = String> {
        let code = prop::sample::select(vec![
            "x = 1",
            "if x:",
            "pass",
            "def f(a):",
            "return a",
            "y = \"\"\"doc",
            "end\"\"\"",
            "",
            "# comment",
            "z = [1,",
            "2]",
            "for i in x:",
            "print(i)",
        ]);
        let indent = prop::sample::select(vec!["", "    ", "\t", " \t", "\t\t", "        "]);
        let trail = prop::sample::select(vec!["", " ", "\t", "  \t "]);
        (indent, code, trail).prop_map(|(i, c, t)| format!("{i}{c}{t}"))
    }

    proptest! {
        #[test]
        fn fixing_is_idempotent_and_keeps_the_parse_tree(
            lines in prop::collection::vec(line(), 0..12),
            final_newline in any::<bool>(),
        ) {
            let mut src = lines.join("\n");
            if final_newline && !src.is_empty() {
                src.push('\n');
            }
            let once = fix(&src, &config()).unwrap();
            let twice = fix(&once.source, &config()).unwrap();
            prop_assert_eq!(&twice.source, &once.source);
            prop_assert!(twice.applied.is_empty());
            // Error recovery on broken code is not stable under any edit; the promise is for
            // code that compiles.
            let basic = ValidationConfig::new(Level::Basic);
            if !crate::validation::validate(&src, &basic).unwrap().has_syntax_errors() {
                prop_assert!(same_tree(&once.source, &src));
            }
        }
    }
}
