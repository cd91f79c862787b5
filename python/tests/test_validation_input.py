"""Bad, empty, huge and hostile input to the validation face: a clear result or a typed error,
never a crash or a hang. Also validate_paths on a real tree and PARANOID's sandboxed test run."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

import cognition_core
from cognition_core import ErrorCode, InvalidArgumentError, ValidationInputError


def test_an_empty_source_has_no_findings_and_passes() -> None:
    report = cognition_core.validate("", level="strict")
    assert (report.issues, report.score, report.passed, report.lines) == ([], 100, True, 0)


def test_bytes_that_are_not_utf8_are_a_typed_error() -> None:
    with pytest.raises(ValidationInputError) as err:
        cognition_core.validate(b"x = 1\n\xff\xfe = 2\n")
    assert err.value.code == ErrorCode.VALIDATION_INVALID_UTF8
    assert "offset 6" in str(err.value)


def test_a_str_with_a_lone_surrogate_is_a_typed_error() -> None:
    garbled = b"x = '\xff'\n".decode("utf-8", errors="surrogateescape")
    with pytest.raises(ValidationInputError) as err:
        cognition_core.validate(garbled)
    assert err.value.code == ErrorCode.VALIDATION_INVALID_UTF8


def test_binary_garbage_that_decodes_is_a_syntax_error_not_a_crash() -> None:
    garbage = bytes(range(1, 128)).decode("ascii") * 50
    report = cognition_core.validate(garbage, level="strict")
    assert report.issues
    assert report.issues[0].rule == "E999"
    assert report.passed is False


def test_nul_bytes_are_a_syntax_error() -> None:
    report = cognition_core.validate(b"x = 1\x00\n")
    assert [i.rule for i in report.issues] == ["E999"]


def test_a_10_mb_single_line_is_one_long_line() -> None:
    source = "x = '" + "a" * (10 * 1024 * 1024) + "'\n"
    report = cognition_core.validate(source, level="strict")
    assert [(i.rule, i.line) for i in report.issues] == [("E501", 1)]


def test_source_over_the_limit_is_refused_before_parsing() -> None:
    source = "#" * (cognition_core.MAX_SOURCE_LEN + 1)
    with pytest.raises(ValidationInputError) as err:
        cognition_core.validate(source)
    assert err.value.code == ErrorCode.VALIDATION_INPUT_TOO_LARGE


def test_10000_nested_parentheses_are_one_syntax_error_without_overflowing_the_stack() -> None:
    # Like CPython's tokenizer, the 201st nested bracket is "too many nested parentheses".
    source = "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n"
    report = cognition_core.validate(source, level="strict")
    assert report.lines == 1
    syntax = [i for i in report.issues if i.rule == "E999"]
    assert [(i.line, i.column) for i in syntax] == [(1, 205)]
    assert "E501" in {i.rule for i in report.issues}


def test_200_nested_parentheses_compile() -> None:
    source = "x = " + "(" * 200 + "1" + ")" * 200 + "\n"
    assert "E999" not in {i.rule for i in cognition_core.validate(source, level="strict").issues}


def test_unbalanced_nesting_is_a_syntax_error() -> None:
    report = cognition_core.validate("(" * 10_000 + "\n", level="strict")
    assert report.issues[0].rule == "E999"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source": 42}, "source must be a str or bytes, not int"),
        ({"source": None}, "source must be a str or bytes, not NoneType"),
        ({"source": "", "level": 3}, "level must be a str, not int"),
        ({"source": "", "filename": b"a.py"}, "filename must be a str, not bytes"),
        ({"source": "", "max_line_length": "88"}, "max_line_length must be an int, not str"),
        ({"source": "", "level": "paranoid", "tests": 1}, "tests must be a str, not int"),
    ],
)
def test_wrong_types_raise_type_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        cognition_core.validate(**kwargs)


def test_an_unknown_level_is_a_typed_error_naming_the_levels() -> None:
    with pytest.raises(ValidationInputError, match="basic, standard, strict or paranoid") as err:
        cognition_core.validate("", level="extreme")
    assert err.value.code == ErrorCode.VALIDATION_UNKNOWN_LEVEL


@pytest.mark.parametrize("length", [0, -1])
def test_a_line_length_below_one_is_refused(length: int) -> None:
    with pytest.raises(InvalidArgumentError):
        cognition_core.validate("", max_line_length=length)


def test_source_is_keyword_free_and_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        cognition_core.validate("", "strict")  # type: ignore[call-arg]


def test_fix_refuses_bytes_that_are_not_utf8() -> None:
    with pytest.raises(ValidationInputError) as err:
        cognition_core.fix(b"\xc3\x28")
    assert err.value.code == ErrorCode.VALIDATION_INVALID_UTF8


# --------------------------------------------------------------------------------- validate_paths


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project: Python files at two depths, a hidden directory, a text file, a file that is not
    UTF-8 and a named pipe that looks like a Python file (reading it would block forever, so a
    directory walk skips it)."""
    (tmp_path / "app.py").write_text("eval(x)\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "util.py").write_text("def f(a: int) -> int:\n    return a\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "ignored.py").write_text("eval(x)\n")
    (tmp_path / "notes.txt").write_text("eval(x)\n")
    (tmp_path / "latin1.py").write_bytes(b"name = '\xe9'\n")
    os.mkfifo(tmp_path / "pipe.py")
    return tmp_path


def names(reports: list[cognition_core.PathReport], root: Path) -> list[str]:
    return [Path(r.path).relative_to(root).as_posix() for r in reports]


def test_validate_paths_finds_python_files_in_sorted_order(tree: Path) -> None:
    reports = cognition_core.validate_paths(tree, level="strict")
    assert names(reports, tree) == ["app.py", "latin1.py", "pkg/util.py"]


def test_validate_paths_reports_each_file_under_its_path(tree: Path) -> None:
    by_name = {Path(r.path).name: r for r in cognition_core.validate_paths([tree], level="strict")}
    app = by_name["app.py"].report
    assert app is not None
    assert [i.rule for i in app.issues] == ["S307"]
    assert app.filename == by_name["app.py"].path
    util = by_name["util.py"].report
    assert util is not None
    assert (util.issues, util.passed) == ([], True)


def test_validate_paths_gives_unreadable_files_an_error_not_a_report(tree: Path) -> None:
    by_name = {Path(r.path).name: r for r in cognition_core.validate_paths(str(tree))}
    latin1 = by_name["latin1.py"]
    assert latin1.report is None
    assert isinstance(latin1.error, ValidationInputError)
    assert latin1.error.code == ErrorCode.VALIDATION_INVALID_UTF8
    assert by_name["app.py"].error is None


def test_validate_paths_gives_a_named_pipe_given_explicitly_an_error_instead_of_blocking(
    tree: Path,
) -> None:
    [pipe] = cognition_core.validate_paths([tree / "pipe.py"])
    assert pipe.report is None
    assert isinstance(pipe.error, ValidationInputError)
    assert pipe.error.code == ErrorCode.VALIDATION_PATH_IO


def test_validate_paths_takes_files_given_explicitly_whatever_their_suffix(tree: Path) -> None:
    [report] = cognition_core.validate_paths([tree / "notes.txt"], level="strict")
    assert report.report is not None
    assert [i.rule for i in report.report.issues] == ["S307"]


def test_validate_paths_fails_on_a_path_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ValidationInputError) as err:
        cognition_core.validate_paths([tmp_path / "missing"])
    assert err.value.code == ErrorCode.VALIDATION_PATH_IO


def test_validate_paths_of_nothing_is_nothing() -> None:
    assert cognition_core.validate_paths([]) == []


@pytest.mark.parametrize("paths", [42, [b"a.py"], [None]])
def test_validate_paths_refuses_what_is_not_a_path(paths: Any) -> None:
    with pytest.raises(TypeError, match=r"paths must be str or os\.PathLike"):
        cognition_core.validate_paths(paths)


def test_validate_paths_agrees_with_validate(tree: Path) -> None:
    [r] = cognition_core.validate_paths([tree / "app.py"], level="strict")
    direct = cognition_core.validate((tree / "app.py").read_text(), level="strict", filename=r.path)
    assert r.report == direct


def test_to_sarif_holds_every_file(tree: Path) -> None:
    reports = [r.report for r in cognition_core.validate_paths(tree, level="strict") if r.report]
    sarif = cognition_core.to_sarif(reports)
    uris = {
        res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for res in __import__("json").loads(sarif)["runs"][0]["results"]
    }
    # Absolute paths become file:// URIs, percent-encoded as pathlib does.
    assert uris == {(tree / "app.py").as_uri()}


def test_to_sarif_refuses_what_is_not_a_report() -> None:
    with pytest.raises(TypeError, match="ValidationReport"):
        cognition_core.to_sarif(["eval(x)"])  # type: ignore[list-item]


# ------------------------------------------------------------------------------------ paranoid

SOLUTION = "def add(a: int, b: int) -> int:\n    return a + b\n"


def test_paranoid_runs_passing_tests_with_this_interpreter_and_passes() -> None:
    tests = (
        "import sys\n\nfrom solution import add\n\n"
        "def test_add():\n    assert add(1, 2) == 3\n\n"
        f"def test_interpreter():\n    assert sys.executable == {sys.executable!r}\n"
    )
    report = cognition_core.validate(SOLUTION, level="paranoid", tests=tests)
    assert (report.issues, report.passed) == ([], True)


def test_paranoid_reports_a_failing_test_by_name() -> None:
    tests = (
        "from solution import add\n\n"
        "def test_add():\n    assert add(1, 2) == 4\n\n"
        "def test_ok():\n    assert add(0, 0) == 0\n"
    )
    report = cognition_core.validate(SOLUTION, level="paranoid", tests=tests)
    [issue] = report.issues
    assert (issue.rule, issue.severity) == ("CG301", "HIGH")
    assert "test_add" in issue.message
    assert report.passed is False


def test_paranoid_stops_a_test_that_never_ends() -> None:
    tests = "def test_forever():\n    while True:\n        pass\n"
    report = cognition_core.validate(SOLUTION, level="paranoid", tests=tests, timeout=2)
    assert "CG303" in {i.rule for i in report.issues}


def test_paranoid_without_an_interpreter_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationInputError) as err:
        cognition_core.validate(SOLUTION, level="paranoid", tests="", python=tmp_path / "no-python")
    assert err.value.code == ErrorCode.VALIDATION_TEST_RUNNER


def test_tests_below_paranoid_are_refused_not_ignored() -> None:
    with pytest.raises(InvalidArgumentError, match="paranoid"):
        cognition_core.validate(SOLUTION, level="strict", tests="def test_a(): pass\n")


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf")])
def test_a_timeout_that_is_not_positive_seconds_is_refused(timeout: float) -> None:
    with pytest.raises(InvalidArgumentError, match="timeout"):
        cognition_core.validate(SOLUTION, level="paranoid", tests="", timeout=timeout)
