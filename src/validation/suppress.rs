//! `# noqa`, `# noqa: CODE[, CODE]` and `# nosec [B602]` suppression comments.
//!
//! Like Ruff, a comment suppresses findings that start on its line; `# noqa` without codes
//! suppresses every rule, `# noqa: E501,W291` only those (matched by code or Bandit id). Like
//! Bandit, `# nosec` suppresses every security rule on the line and `# nosec B602 S105` only
//! those. Syntax errors cannot be suppressed.

use std::collections::HashMap;

use super::rule::{Category, Rule};

/// What one comment suppresses.
#[derive(Debug, Default, Clone)]
struct LineSuppression {
    /// `# noqa` without codes.
    all: bool,
    /// `# nosec` without ids.
    all_security: bool,
    /// Codes named by `# noqa:` or `# nosec`.
    codes: Vec<String>,
}

/// The suppressions of one file, by 1-based line.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    lines: HashMap<u32, LineSuppression>,
}

impl Suppressions {
    /// Read a comment's text (starting with `#`) found on `line`.
    pub(crate) fn add_comment(&mut self, line: u32, comment: &str) {
        let lower = comment.to_ascii_lowercase();
        if let Some(at) = lower.find("noqa") {
            let entry = self.lines.entry(line).or_default();
            let rest = comment[at + 4..].trim_start();
            match rest.strip_prefix(':') {
                Some(list) => {
                    let codes = codes_in(list);
                    if codes.is_empty() {
                        entry.all = true;
                    }
                    entry.codes.extend(codes);
                }
                None => entry.all = true,
            }
        }
        if let Some(at) = lower.find("nosec") {
            let entry = self.lines.entry(line).or_default();
            let codes = codes_in(&comment[at + 5..]);
            if codes.is_empty() {
                entry.all_security = true;
            }
            entry.codes.extend(codes);
        }
    }

    /// Return `true` if a finding of `rule` starting on `line` is suppressed.
    pub(crate) fn is_suppressed(&self, rule: Rule, line: u32) -> bool {
        if rule.category() == Category::Syntax {
            return false;
        }
        let Some(s) = self.lines.get(&line) else {
            return false;
        };
        if s.all || (s.all_security && rule.category() == Category::Security) {
            return true;
        }
        s.codes
            .iter()
            .any(|c| c == rule.code() || rule.bandit_id() == Some(c.as_str()))
    }
}

/// Return the leading `CODE` tokens (letters then digits) of a comma/space separated list.
fn codes_in(list: &str) -> Vec<String> {
    let mut codes = Vec::new();
    for token in list.split(|c: char| c == ',' || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        let letters = token.chars().take_while(|c| c.is_ascii_uppercase()).count();
        let digits = token[letters..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if letters == 0 || digits == 0 || letters + digits != token.len() {
            break;
        }
        codes.push(token.to_string());
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_line_1(comment: &str) -> Suppressions {
        let mut s = Suppressions::default();
        s.add_comment(1, comment);
        s
    }

    #[test]
    fn bare_noqa_suppresses_every_rule_but_syntax_errors() {
        let s = on_line_1("# noqa");
        assert!(s.is_suppressed(Rule::LineTooLong, 1));
        assert!(s.is_suppressed(Rule::Eval, 1));
        assert!(!s.is_suppressed(Rule::SyntaxError, 1));
        assert!(!s.is_suppressed(Rule::LineTooLong, 2));
    }

    #[test]
    fn noqa_with_codes_suppresses_only_those() {
        let s = on_line_1("# noqa: E501, S307 trailing words");
        assert!(s.is_suppressed(Rule::LineTooLong, 1));
        assert!(s.is_suppressed(Rule::Eval, 1));
        assert!(!s.is_suppressed(Rule::Exec, 1));
    }

    #[test]
    fn nosec_suppresses_security_rules_only() {
        let s = on_line_1("# nosec");
        assert!(s.is_suppressed(Rule::SubprocessWithShell, 1));
        assert!(!s.is_suppressed(Rule::LineTooLong, 1));
    }

    #[test]
    fn nosec_with_bandit_ids_suppresses_only_those() {
        let s = on_line_1("# nosec B602");
        assert!(s.is_suppressed(Rule::SubprocessWithShell, 1));
        assert!(!s.is_suppressed(Rule::Eval, 1));
    }
}
