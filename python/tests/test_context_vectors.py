"""The shared context vectors (tests/vectors/context.json) every face runs, and a cross-check of
``count_tokens`` against OpenAI's own ``tiktoken`` package."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from tiktoken_cache import ENCODINGS, tiktoken_cache

import cognition_core
from cognition_core import ContextError, ErrorCode

REPO_ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((REPO_ROOT / "tests" / "vectors" / "context.json").read_text("utf-8"))
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def cases(group: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = VECTORS[group]
    assert found, f"the vectors lost their {group} cases"
    return found


@pytest.fixture(scope="module")
def tiktoken_encodings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """tiktoken's encodings, loaded from a temporary cache holding the crate's BPE files."""
    with tiktoken_cache(tmp_path_factory.mktemp("tiktoken-cache")):
        import tiktoken

        yield {name: tiktoken.get_encoding(name) for name in ENCODINGS}


@pytest.mark.parametrize("case", cases("tokens"), ids=lambda c: str(c["name"]))
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_count_tokens_matches_the_vectors(case: dict[str, Any], encoding: str) -> None:
    assert cognition_core.count_tokens(case["text"], encoding) == case[encoding]


@pytest.mark.parametrize("case", cases("tokens"), ids=lambda c: str(c["name"]))
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_count_tokens_agrees_with_tiktoken(
    case: dict[str, Any], encoding: str, tiktoken_encodings: dict[str, Any]
) -> None:
    expected = len(tiktoken_encodings[encoding].encode(case["text"], disallowed_special=()))
    assert cognition_core.count_tokens(case["text"], encoding) == expected


def test_count_tokens_agrees_with_tiktoken_on_all_vector_texts_joined(
    tiktoken_encodings: dict[str, Any],
) -> None:
    text = "\n".join(case["text"] for case in cases("tokens")) * 20
    for encoding in ENCODINGS:
        expected = len(tiktoken_encodings[encoding].encode(text, disallowed_special=()))
        assert cognition_core.count_tokens(text, encoding) == expected


@pytest.mark.parametrize("case", cases("masking"), ids=lambda c: str(c["name"]))
def test_mask_matches_the_vectors(case: dict[str, Any]) -> None:
    result = cognition_core.mask(case["input"])
    assert result.text == case["text"]
    assert [f.kind for f in result.findings] == case["kinds"]


@pytest.mark.parametrize("case", cases("packing"), ids=lambda c: str(c["name"]))
def test_pack_matches_the_vectors(case: dict[str, Any]) -> None:
    def run() -> cognition_core.ContextWindow:
        return cognition_core.pack(
            case["entries"],
            case["query"],
            case["max_tokens"],
            case.get("reserve_output_tokens", 0),
            now=EPOCH,
        )

    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(ContextError) as err:
            run()
        assert err.value.code == ErrorCode[expect["error"]]
        assert str(expect["required"]) in str(err.value)
        return
    window = run()
    assert [e.id for e in window.entries] == expect["ids"]
    assert window.text == expect["text"]
    assert window.tokens == expect["tokens"]
    if "forms" in expect:
        assert [e.form for e in window.entries] == expect["forms"]
