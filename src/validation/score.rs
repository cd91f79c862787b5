//! The 0–100 score and the pass/fail verdict per level.
//!
//! Weights per finding: CRITICAL 25, HIGH 10, MEDIUM 3, LOW 1, INFO 0. The score is
//! `100 - sum(weights)`, floored at 0, so one syntax error costs a quarter and a hundred style
//! slips cost everything. A report passes its level when it has no CRITICAL or HIGH finding and
//! its score is at least [`Level::pass_score`] (60 STANDARD, 75 STRICT and PARANOID, 0 BASIC).

use super::config::Level;
use super::issue::Issue;
use super::rule::Severity;

/// Return how many points a finding of `severity` costs.
pub const fn weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 25,
        Severity::High => 10,
        Severity::Medium => 3,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// Return the 0–100 score of a set of findings.
///
/// # Example
/// ```
/// use cognition_core::validation::{score, validate, Level, ValidationConfig};
///
/// let report = validate("x = 1 \n", &ValidationConfig::new(Level::Standard))?;
/// assert_eq!(score(&report.issues), 99); // one W291, weight 1
/// # Ok::<(), cognition_core::validation::ValidationError>(())
/// ```
pub fn score(issues: &[Issue]) -> u32 {
    let lost: u32 = issues
        .iter()
        .map(|i| weight(i.severity))
        .fold(0u32, u32::saturating_add);
    100u32.saturating_sub(lost)
}

/// Return `true` if findings with this score pass `level`.
pub fn passes(level: Level, issues: &[Issue], score: u32) -> bool {
    let blocking = issues.iter().any(|i| i.severity >= Severity::High);
    !blocking && score >= level.pass_score()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::rule::Rule;

    fn issue(rule: Rule) -> Issue {
        Issue::new(rule, "m", (1, 1), (1, 2))
    }

    #[test]
    fn score_subtracts_weights_and_floors_at_zero() {
        assert_eq!(score(&[]), 100);
        assert_eq!(score(&[issue(Rule::SyntaxError), issue(Rule::Eval)]), 65);
        let many = vec![issue(Rule::SyntaxError); 10];
        assert_eq!(score(&many), 0);
    }

    #[test]
    fn high_findings_fail_every_level() {
        let issues = [issue(Rule::Eval)];
        assert!(!passes(Level::Strict, &issues, 90));
        assert!(passes(Level::Strict, &[issue(Rule::Assert)], 100));
    }

    #[test]
    fn a_low_score_fails_even_without_blocking_findings() {
        let issues = vec![issue(Rule::LineTooLong); 41];
        assert!(!passes(Level::Standard, &issues, score(&issues)));
    }
}
