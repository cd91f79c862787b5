"""Run tests/vectors/validation.json, the cases the Rust, C and Go suites run too, through the
Python face: each snippet gives exactly its expected findings, in order, at its level."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import REPO_ROOT

import cognition_core

VECTORS: dict[str, Any] = json.loads(
    (REPO_ROOT / "tests" / "vectors" / "validation.json").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = VECTORS["cases"]


def by_name(cases: list[dict[str, Any]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases, ids=[case["name"] for case in cases])


def expected(case: dict[str, Any]) -> list[tuple[str, int]]:
    return [(e["rule"], e["line"]) for e in case["expected"]]


def test_the_vectors_are_the_full_set() -> None:
    assert len(CASES) >= 80


@by_name(CASES)
def test_vector_gives_exactly_its_expected_findings(case: dict[str, Any]) -> None:
    report = cognition_core.validate(case["source"], level=case["level"])
    assert [(i.rule, i.line) for i in report.issues] == expected(case)


@by_name(CASES)
def test_vector_gives_the_same_findings_from_utf8_bytes(case: dict[str, Any]) -> None:
    report = cognition_core.validate(case["source"].encode(), level=case["level"])
    assert [(i.rule, i.line) for i in report.issues] == expected(case)


@by_name(CASES)
def test_fixing_a_vector_is_idempotent(case: dict[str, Any]) -> None:
    once = cognition_core.fix(case["source"], level=case["level"])
    twice = cognition_core.fix(once.source, level=case["level"])
    assert (twice.source, twice.applied) == (once.source, [])
    assert not any(i.fixable for i in once.report.issues)
