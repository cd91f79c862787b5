//! Line-based style rules on the raw text: E501, W291, W293, W292, W191 (Ruff's pycodestyle set).
//!
//! Lines inside multi-line strings keep their findings for trailing whitespace (Ruff reports
//! them too) but are not fixable there, since removing the whitespace would change the string;
//! W191 skips them, as Ruff does. Line width counts characters, where Ruff counts terminal
//! columns (an East Asian wide character is one here, two in Ruff).

use crate::validation::config::ValidationConfig;
use crate::validation::issue::Issue;
use crate::validation::rule::Rule;
use crate::validation::source::{saturate, LineIndex};

/// Python's whitespace inside a line: space, tab, form feed.
pub(crate) fn is_py_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// Return whether 1-based `line` starts inside a multi-line string (not on its first line):
/// its indentation belongs to the string.
pub(crate) fn inside_string(ranges: &[(u32, u32)], line: u32) -> bool {
    // `ranges` come in source order; nested multi-line strings are rare enough for a scan
    // from the first range that could contain the line.
    let i = ranges.partition_point(|r| r.1 < line);
    ranges[i..]
        .iter()
        .take_while(|r| r.0 < line)
        .any(|r| line <= r.1)
}

/// Return whether the end of 1-based `line` is inside a multi-line string (any line but its
/// last): its trailing whitespace belongs to the string.
pub(crate) fn line_end_in_string(ranges: &[(u32, u32)], line: u32) -> bool {
    let i = ranges.partition_point(|r| r.1 <= line);
    ranges[i..]
        .iter()
        .take_while(|r| r.0 <= line)
        .any(|r| line < r.1)
}

/// Run the style rules over every line.
pub(crate) fn check(
    source: &str,
    _idx: &LineIndex<'_>,
    config: &ValidationConfig,
    multiline_strings: &[(u32, u32)],
) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut line_no = 0u32;
    let mut rest = source;
    while !rest.is_empty() {
        line_no += 1;
        let (line, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        check_line(line, line_no, config, multiline_strings, &mut issues);
        rest = next;
    }
    if !source.is_empty() && !source.ends_with('\n') && !source.ends_with('\r') {
        let last = source.rsplit('\n').next().unwrap_or("");
        let col = saturate(last.chars().count() + 1);
        issues.push(Issue::new(
            Rule::MissingNewlineAtEndOfFile,
            "No newline at end of file",
            (line_no, col),
            (line_no, col),
        ));
    }
    issues
}

fn check_line(
    line: &str,
    line_no: u32,
    config: &ValidationConfig,
    multiline_strings: &[(u32, u32)],
    issues: &mut Vec<Issue>,
) {
    let in_string = inside_string(multiline_strings, line_no);
    let end_in_string = line_end_in_string(multiline_strings, line_no);
    let content = line.trim_end_matches(is_py_whitespace);
    if content.len() < line.len() {
        let chars_before = saturate(content.chars().count());
        let end = saturate(line.chars().count()) + 1;
        let mut issue = if content.is_empty() {
            Issue::new(
                Rule::BlankLineWithWhitespace,
                "Blank line contains whitespace",
                (line_no, 1),
                (line_no, end),
            )
        } else {
            Issue::new(
                Rule::TrailingWhitespace,
                "Trailing whitespace",
                (line_no, chars_before + 1),
                (line_no, end),
            )
        };
        issue.fixable = !end_in_string;
        issues.push(issue);
    }
    if !in_string {
        let indent_len = line.len() - line.trim_start_matches(is_py_whitespace).len();
        let indent = &line[..indent_len];
        if indent.contains('\t') && indent_len < line.len() {
            issues.push(Issue::new(
                Rule::TabIndentation,
                "Indentation contains tabs",
                (line_no, 1),
                (line_no, saturate(indent.chars().count()) + 1),
            ));
        }
    }
    let limit = config.max_line_length_value();
    if line.len() > limit
        && let Some(width) = overlong_width(line, limit)
    {
        issues.push(Issue::new(
            Rule::LineTooLong,
            format!("Line too long ({width} > {limit})"),
            (line_no, saturate(limit + 1)),
            (line_no, saturate(line.chars().count() + 1)),
        ));
    }
}

/// Return the line's width if it is too long by Ruff's E501 rules, else `None`.
///
/// Like Ruff: a trailing pragma comment (`# noqa`, `# type:`, `# nosec`, …) does not count; a
/// line of one word cannot be wrapped and is not reported; nor is a line whose last word is a
/// URL starting within the limit.
fn overlong_width(line: &str, limit: usize) -> Option<usize> {
    let width = line.chars().count();
    if width <= limit {
        return None;
    }
    let measured = strip_pragma(line);
    let measured_width = measured.chars().count();
    if measured_width <= limit {
        return None;
    }
    let mut chunks = measured.split_whitespace();
    let _first = chunks.next()?;
    let second = chunks.next()?;
    let last = measured.split_whitespace().next_back().unwrap_or(second);
    if last.starts_with("http://") || last.starts_with("https://") {
        let start = measured.rfind(last).unwrap_or(0);
        if measured[..start].chars().count() < limit {
            return None;
        }
    }
    Some(width)
}

/// Cut a trailing pragma comment off a line (the part Ruff leaves out of the width).
fn strip_pragma(line: &str) -> &str {
    const PRAGMAS: [&str; 7] = [
        "noqa", "type:", "nosec", "pyright:", "pylint:", "isort:", "ruff:",
    ];
    let mut search = line;
    while let Some(hash) = search.rfind('#') {
        let after = search[hash + 1..].trim_start();
        let lower = after.to_ascii_lowercase();
        if PRAGMAS.iter().any(|p| lower.starts_with(p)) {
            search = search[..hash].trim_end_matches(is_py_whitespace);
        } else {
            break;
        }
    }
    search
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(src: &str) -> Vec<(&'static str, u32, u32)> {
        let idx = LineIndex::new(src);
        check(src, &idx, &ValidationConfig::default(), &[])
            .iter()
            .map(|i| (i.rule.code(), i.line, i.column))
            .collect()
    }

    #[test]
    fn trailing_whitespace_points_at_the_first_trailing_blank() {
        assert_eq!(codes("x = 1  \n"), [("W291", 1, 6)]);
    }

    #[test]
    fn whitespace_only_lines_are_w293() {
        assert_eq!(codes("x = 1\n   \ny = 2\n"), [("W293", 2, 1)]);
    }

    #[test]
    fn missing_final_newline_points_past_the_last_character() {
        assert_eq!(codes("x = 1"), [("W292", 1, 6)]);
        assert!(codes("").is_empty());
    }

    #[test]
    fn tab_indentation_is_w191() {
        assert_eq!(codes("if x:\n\ty = 1\n"), [("W191", 2, 1)]);
    }

    #[test]
    fn long_lines_are_e501_at_the_column_past_the_limit() {
        let line = format!("x = {}1\n", "a + ".repeat(30));
        assert_eq!(codes(&line)[0], ("E501", 1, 89));
    }

    #[test]
    fn a_single_long_word_and_trailing_urls_are_not_e501() {
        assert!(codes(&format!("{}\n", "a".repeat(200))).is_empty());
        let url = format!("# see https://example.com/{}\n", "p".repeat(100));
        assert!(codes(&url).is_empty());
    }

    #[test]
    fn a_noqa_pragma_does_not_count_towards_the_width() {
        let line = format!("x = {}  # noqa: F401\n", "1 + ".repeat(21));
        assert!(codes(&line).is_empty());
    }
}
