"""Our SARIF output is valid against the official OASIS SARIF 2.1.0 JSON schema (vendored in
tests/schemas, see its README), and says what the report says."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from conftest import REPO_ROOT

import cognition_core

SCHEMA: dict[str, Any] = json.loads(
    (REPO_ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
VECTORS: list[dict[str, Any]] = json.loads(
    (REPO_ROOT / "tests" / "vectors" / "validation.json").read_text(encoding="utf-8")
)["cases"]

# Every rule family, a unicode column, a test failure at 1:1 and quotes in a message.
SNIPPET = (
    "import subprocess as sp\n"
    "def run(cmd, x):\n"
    "    é = eval(x)  \n"
    '    cursor.execute("SELECT * FROM t WHERE id = %s" % x)\n'
    "    sp.run(cmd, shell=True)\n"
    "\treturn é"
)


def errors(sarif: str) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in VALIDATOR.iter_errors(json.loads(sarif))
    ]


def test_the_vendored_schema_is_the_official_one() -> None:
    assert SCHEMA["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    jsonschema.Draft4Validator.check_schema(SCHEMA)


def test_the_schema_catches_an_invalid_log() -> None:
    report = cognition_core.validate("eval(x)\n", level="strict")
    log = json.loads(report.to_sarif())
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert errors(json.dumps(log))


def test_a_report_with_findings_of_every_family_is_valid_sarif() -> None:
    report = cognition_core.validate(SNIPPET, level="strict", filename="src/app.py")
    assert {i.severity for i in report.issues} >= {"CRITICAL", "HIGH", "MEDIUM", "LOW"}
    assert errors(report.to_sarif()) == []


def test_a_clean_report_is_valid_sarif_with_no_results() -> None:
    sarif = cognition_core.validate("x = 1\n").to_sarif()
    assert errors(sarif) == []
    assert json.loads(sarif)["runs"][0]["results"] == []


def test_a_test_failure_report_is_valid_sarif() -> None:
    report = cognition_core.validate(
        "def f() -> int:\n    return 1\n",
        level="paranoid",
        tests="from solution import f\n\ndef test_f():\n    assert f() == 2\n",
    )
    assert [i.rule for i in report.issues] == ["CG301"]
    assert errors(report.to_sarif()) == []


def test_several_reports_make_one_valid_log() -> None:
    reports = [
        cognition_core.validate(case["source"], level=case["level"], filename=f"{case['name']}.py")
        for case in VECTORS
    ]
    sarif = cognition_core.to_sarif(reports)
    assert errors(sarif) == []
    results = json.loads(sarif)["runs"][0]["results"]
    assert len(results) == sum(len(r.issues) for r in reports)


def test_the_filename_is_the_artifact_uri() -> None:
    report = cognition_core.validate("eval(x)\n", level="strict", filename="src/pkg/app.py")
    location = json.loads(report.to_sarif())["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "src/pkg/app.py"


def test_a_filename_with_spaces_and_colons_becomes_a_valid_uri_reference() -> None:
    report = cognition_core.validate("eval(x)\n", level="strict", filename="my dir/a:b #1.py")
    sarif = report.to_sarif()
    assert errors(sarif) == []
    location = json.loads(sarif)["runs"][0]["results"][0]["locations"][0]
    uri = location["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20dir/a%3Ab%20%231.py"
    assert urllib.parse.unquote(uri) == "my dir/a:b #1.py"


def test_results_carry_the_report_positions_and_rule_index() -> None:
    report = cognition_core.validate(SNIPPET, level="strict")
    run = json.loads(report.to_sarif())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for issue, result in zip(report.issues, run["results"]):
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (result["ruleId"], rules[result["ruleIndex"]]["id"]) == (issue.rule, issue.rule)
        assert (region["startLine"], region["startColumn"]) == (issue.line, issue.column)
        assert (region["endLine"], region["endColumn"]) == (issue.end_line, issue.end_column)
        assert result["message"]["text"] == issue.message
    assert len(run["results"]) == len(report.issues)
    assert run["columnKind"] == "unicodeCodePoints"
