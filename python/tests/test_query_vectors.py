"""Run tests/vectors/query_fingerprint.json and query_suggestions.json, the cases the Rust, C and
Go suites run too, through the Python face."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import REPO_ROOT

import cognition_core


def load(name: str) -> dict[str, Any]:
    with (REPO_ROOT / "tests" / "vectors" / name).open(encoding="utf-8") as f:
        vectors: dict[str, Any] = json.load(f)
    return vectors


FINGERPRINTS = load("query_fingerprint.json")
SUGGESTIONS = load("query_suggestions.json")


def by_name(cases: list[dict[str, Any]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases, ids=[case["name"] for case in cases])


def test_fingerprint_corpus_is_the_full_one() -> None:
    assert len(FINGERPRINTS["cases"]) >= 300


def test_suggestion_vectors_are_the_full_set() -> None:
    assert len(SUGGESTIONS["cases"]) >= 20


@by_name(FINGERPRINTS["cases"])
def test_fingerprint_vector(case: dict[str, Any]) -> None:
    fp = cognition_core.fingerprint(case["sql"])
    assert (fp.normalized, fp.id, fp.kind) == (case["normalized"], case["id"], case["kind"])


@by_name(FINGERPRINTS["cases"])
def test_query_id_vector_matches_pt_query_digest(case: dict[str, Any]) -> None:
    assert cognition_core.fingerprint(case["sql"]).query_id == case["pt_query_id"]


def evidence(name: str) -> cognition_core.Evidence:
    e = SUGGESTIONS["evidence"][name]
    return cognition_core.Evidence(
        calls=e["calls"],
        mean_ms=e["mean_ms"],
        p95_ms=e["p95_ms"],
        rows_examined=e["rows_examined"],
        rows_returned=e["rows_returned"],
        efficiency=e["efficiency"],
    )


@by_name(SUGGESTIONS["cases"])
def test_suggestion_vector(case: dict[str, Any]) -> None:
    advice = cognition_core.suggest(case["sql"], evidence(case["evidence"]))
    assert [s.strategy for s in advice] == case["strategies"]
    assert [s.statement for s in advice if s.statement is not None] == case["statements"]
    reasons = " | ".join(s.reason for s in advice)
    for fragment in case["reason_contains"]:
        assert fragment in reasons


@by_name(SUGGESTIONS["cases"])
def test_suggestion_vector_is_about_the_statement_fingerprint(case: dict[str, Any]) -> None:
    advice = cognition_core.suggest(case["sql"], evidence(case["evidence"]))
    assert {s.fingerprint for s in advice} <= {cognition_core.fingerprint(case["sql"]).id}
