"""Cross-check cognition_core.fingerprint's grouping against pglast.fingerprint (libpg_query,
PostgreSQL's own parser) on the statements of tests/vectors/query_fingerprint.json it parses."""

from __future__ import annotations

import itertools
import json

import pglast
from conftest import REPO_ROOT

import cognition_core


def parsed_corpus() -> list[tuple[str, str, str]]:
    """``(sql, our id, pglast's fingerprint)`` for every corpus statement pglast parses."""
    path = REPO_ROOT / "tests" / "vectors" / "query_fingerprint.json"
    rows = []
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
        sql: str = case["sql"]
        try:
            theirs = pglast.fingerprint(sql)
        except pglast.parser.ParseError:
            continue
        rows.append((sql, cognition_core.fingerprint(sql).id, theirs))
    return rows


CORPUS = parsed_corpus()


def same_shape(a: str, b: str) -> tuple[bool, bool]:
    """Whether we, and pglast, put ``a`` and ``b`` in one group."""
    ours = cognition_core.fingerprint(a).id == cognition_core.fingerprint(b).id
    return ours, pglast.fingerprint(a) == pglast.fingerprint(b)


def test_most_of_the_corpus_is_postgresql() -> None:
    assert len(CORPUS) >= 250


def test_pairs_are_grouped_as_pglast_groups_them() -> None:
    pairs = list(itertools.combinations(CORPUS, 2))
    agree = sum((a[1] == b[1]) == (a[2] == b[2]) for a, b in pairs)
    assert agree / len(pairs) >= 0.999


def test_literals_and_parameters_group_as_in_pglast() -> None:
    assert same_shape(
        "SELECT * FROM orders WHERE customer_id = 12 AND total > 9.5",
        "SELECT * FROM orders WHERE customer_id = $1 AND total > $2",
    ) == (True, True)


def test_in_lists_of_any_length_group_as_in_pglast() -> None:
    assert same_shape(
        "SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (4)"
    ) == (True, True)


def test_known_difference_explicit_asc_is_one_shape_for_us_not_for_pglast() -> None:
    # pt-fingerprint drops ASC after ORDER BY too; pglast keeps the explicit direction.
    assert same_shape(
        "SELECT * FROM posts ORDER BY title", "SELECT * FROM posts ORDER BY title ASC"
    ) == (True, False)


def test_known_difference_outer_keyword_splits_our_shapes_not_pglasts() -> None:
    # Token normalisation keeps the optional OUTER keyword, as pt-fingerprint does.
    assert same_shape(
        "SELECT * FROM a LEFT JOIN b ON b.a_id = a.id",
        "SELECT * FROM a LEFT OUTER JOIN b ON b.a_id = a.id",
    ) == (False, True)
