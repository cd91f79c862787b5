"""cognition_core.validate and fix: what each attribute of the report and its issues means, the
options, and the shape of the JSON and text forms."""

from __future__ import annotations

import json
import threading

import pytest

import cognition_core

EVAL_LINE = "eval(x)\n"


def strict(source: str | bytes) -> cognition_core.ValidationReport:
    return cognition_core.validate(source, level="strict")


def test_an_issue_has_rule_severity_and_a_half_open_range() -> None:
    [issue] = strict(EVAL_LINE).issues
    assert (issue.rule, issue.severity, issue.bandit_id) == ("S307", "HIGH", "B307")
    assert (issue.line, issue.column, issue.end_line) == (1, 1, 1)
    assert issue.end_column == len("eval(x)") + 1
    assert "eval" in issue.message
    assert issue.fixable is False


def test_columns_count_characters_not_bytes() -> None:
    [issue] = strict("é = 1; eval(x)\n").issues
    assert issue.column == "é = 1; eval(x)".index("eval") + 1


def test_an_issue_on_a_later_line_reports_that_line() -> None:
    [issue] = strict("import os\n\n\nos.system(cmd)\n").issues
    assert (issue.rule, issue.line, issue.column) == ("S605", 4, 1)


def test_style_slips_are_fixable_and_low() -> None:
    [issue] = cognition_core.validate("x = 1   \n").issues
    assert (issue.rule, issue.severity, issue.fixable) == ("W291", "LOW", True)
    assert (issue.column, issue.end_column) == (6, 9)


def test_score_subtracts_the_documented_weight_per_finding() -> None:
    # One HIGH (10) and one LOW (1).
    report = strict("eval(x)   \n")
    assert sorted(i.severity for i in report.issues) == ["HIGH", "LOW"]
    assert report.score == 100 - 10 - 1


def test_a_high_finding_fails_the_level() -> None:
    assert strict(EVAL_LINE).passed is False


def test_clean_code_passes_with_full_marks() -> None:
    report = strict("def add(a: int, b: int) -> int:\n    return a + b\n")
    assert (report.issues, report.score, report.passed) == ([], 100, True)
    assert report.annotation_coverage == 100.0


def test_annotation_coverage_counts_annotated_slots() -> None:
    # Three slots (a, b, return); one annotated.
    report = cognition_core.validate("def add(a: int, b):\n    return a + b\n")
    assert report.annotation_coverage == pytest.approx(33.3)
    assert {i.rule for i in report.issues} == {"ANN001", "ANN201"}


def test_levels_switch_rule_families_on() -> None:
    source = "def f(x):\n    return eval(x)\n"
    rules = {
        level: {i.rule for i in cognition_core.validate(source, level=level).issues}
        for level in ("basic", "standard", "strict")
    }
    assert rules == {
        "basic": set(),
        "standard": {"ANN001", "ANN201"},
        "strict": {"ANN001", "ANN201", "S307"},
    }


def test_level_names_are_case_insensitive() -> None:
    assert strict(EVAL_LINE) == cognition_core.validate(EVAL_LINE, level="STRICT")


def test_the_report_says_its_level_filename_and_line_count() -> None:
    report = cognition_core.validate("a = 1\nb = 2\n", level="Basic", filename="app.py")
    assert (report.level, report.filename, report.lines) == ("basic", "app.py", 2)


def test_the_default_filename_is_string() -> None:
    assert cognition_core.validate("").filename == "<string>"


def test_paranoid_without_tests_checks_what_strict_checks() -> None:
    paranoid = cognition_core.validate(EVAL_LINE, level="paranoid")
    assert paranoid.issues == strict(EVAL_LINE).issues
    assert paranoid.level == "paranoid"


def test_max_line_length_sets_the_e501_limit() -> None:
    line = "x = '" + "a" * 90 + "'\n"
    assert [i.rule for i in cognition_core.validate(line).issues] == ["E501"]
    assert cognition_core.validate(line, max_line_length=100).issues == []


def test_counts_group_findings_by_severity() -> None:
    report = strict("eval(x)  \nassert y\n")
    assert report.counts == {"CRITICAL": 0, "HIGH": 1, "MEDIUM": 0, "LOW": 1, "INFO": 1}


def test_to_json_and_to_dict_describe_the_same_report() -> None:
    report = strict("eval(x)  \n")
    doc = json.loads(report.to_json())
    assert doc == report.to_dict()
    assert doc["issues"][0] == report.issues[0].to_dict()
    assert (doc["score"], doc["passed"], doc["level"]) == (report.score, False, "strict")


def test_to_text_prints_path_line_col_code_lines() -> None:
    report = cognition_core.validate(EVAL_LINE, level="strict", filename="app.py")
    assert report.to_text().splitlines() == [f"app.py:1:1: S307 [HIGH] {report.issues[0].message}"]


def test_issues_compare_by_value_and_hash_alike() -> None:
    a, b = strict(EVAL_LINE).issues[0], strict(EVAL_LINE).issues[0]
    assert a == b
    assert hash(a) == hash(b)
    assert a != cognition_core.validate("x = 1 \n").issues[0]


def test_reprs_name_the_essentials() -> None:
    report = strict(EVAL_LINE)
    assert repr(report).startswith("ValidationReport(filename='<string>', level='strict'")
    assert repr(report.issues[0]).startswith("ValidationIssue(rule='S307', severity='HIGH'")


def test_threads_validating_at_once_get_the_serial_results() -> None:
    sources = [f"x{n} = {n}\neval(y)  \n" * (n + 1) for n in range(8)]
    serial = [strict(s) for s in sources]
    results: list[cognition_core.ValidationReport | None] = [None] * len(sources)

    def work(n: int) -> None:
        results[n] = strict(sources[n])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(sources))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == serial


# -------------------------------------------------------------------------------------------- fix


def test_fix_removes_whitespace_slips_and_reports_what_it_applied() -> None:
    fixed = cognition_core.fix("if x:\n\ty = 1   \n\n  \nz = 2")
    assert fixed.source == "if x:\n        y = 1\n\n\nz = 2\n"
    assert sorted(i.rule for i in fixed.applied) == ["W191", "W291", "W292", "W293"]
    assert fixed.report.issues == []


def test_fix_revalidates_at_the_given_level() -> None:
    fixed = cognition_core.fix("eval(x)   ", level="strict", filename="m.py")
    assert [i.rule for i in fixed.report.issues] == ["S307"]
    assert (fixed.report.level, fixed.report.filename) == ("strict", "m.py")


def test_fix_keeps_whitespace_inside_multiline_strings() -> None:
    source = 'x = """a   \n\tb  \n"""  \n'
    assert cognition_core.fix(source).source == 'x = """a   \n\tb  \n"""\n'


def test_fix_is_idempotent() -> None:
    once = cognition_core.fix("def f():\n\treturn 1  \n \n")
    twice = cognition_core.fix(once.source)
    assert (twice.source, twice.applied) == (once.source, [])


def test_fix_accepts_utf8_bytes() -> None:
    assert cognition_core.fix(b"x = 1  \n").source == "x = 1\n"
