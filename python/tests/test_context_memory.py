"""ContextMemory, mask, count_tokens and pack through the Python face: behaviour and bad input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import cognition_core
from cognition_core import ContextError, ContextMemory, ErrorCode, InvalidArgumentError

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_count_tokens_defaults_to_o200k_base() -> None:
    text = "今日は良い天気ですね。"
    assert cognition_core.count_tokens(text) == cognition_core.count_tokens(text, "o200k_base")
    assert cognition_core.count_tokens(text) != cognition_core.count_tokens(text, "cl100k_base")


def test_count_tokens_rejects_an_unknown_encoding() -> None:
    with pytest.raises(ContextError) as err:
        cognition_core.count_tokens("hi", "p50k_base")
    assert err.value.code == ErrorCode.CONTEXT_UNKNOWN_ENCODING


@pytest.mark.parametrize("bad", [b"bytes", 3, None])
def test_count_tokens_rejects_a_non_str(bad: Any) -> None:
    with pytest.raises(TypeError):
        cognition_core.count_tokens(bad)


def test_mask_reports_spans_in_the_input() -> None:
    text = "mail ada@example.com now"
    result = cognition_core.mask(text)
    assert result.text == "mail [EMAIL] now"
    (finding,) = result.findings
    assert finding.kind == "EMAIL"
    assert text[finding.char_start : finding.char_end] == "ada@example.com"


def test_mask_rejects_a_non_str() -> None:
    with pytest.raises(TypeError):
        cognition_core.mask(b"ada@example.com")  # type: ignore[arg-type]


def test_add_masks_content_and_get_returns_it() -> None:
    memory = ContextMemory()
    entry_id = memory.add("acme", "Call +44 20 7946 0958 please", importance="high", tags=["ops"])
    entry = memory.get("acme", entry_id)
    assert entry.content == "Call [PHONE] please"
    assert entry.importance == "high"
    assert entry.tags == ("ops",)
    assert entry.tokens == cognition_core.count_tokens(entry.content)


def test_add_keeps_created_at() -> None:
    memory = ContextMemory()
    created = NOW - timedelta(days=2)
    entry_id = memory.add("acme", "old note", created_at=created)
    assert memory.get("acme", entry_id, now=NOW).created_at == created


def test_tenants_do_not_see_each_other() -> None:
    memory = ContextMemory()
    entry_id = memory.add("acme", "secret plan")
    with pytest.raises(ContextError) as err:
        memory.get("globex", entry_id)
    assert err.value.code == ErrorCode.CONTEXT_ENTRY_NOT_FOUND
    assert memory.search("globex", "plan") == []
    assert memory.build_window("globex", "plan", 100).entries == ()


def test_search_finds_the_relevant_entry_first() -> None:
    memory = ContextMemory()
    memory.add("acme", "The office dog is called Biscuit.")
    refund = memory.add("acme", "Refunds are possible within thirty days.")
    hits = memory.search("acme", "refunds", limit=5)
    assert [h.id for h in hits] == [refund]
    assert hits[0].score.relevance > 0


def test_build_window_is_exact_and_within_budget() -> None:
    memory = ContextMemory()
    memory.add("acme", "Never email the customer.", importance="critical")
    for i in range(30):
        memory.add("acme", f"Note {i}: refunds go back to the card within {i} days.")
    window = memory.build_window("acme", "refunds", 60, reserve_output_tokens=10)
    assert window.tokens == cognition_core.count_tokens(window.text)
    assert window.tokens <= 50
    assert window.entries[0].importance == "critical"
    assert window.omitted
    kept = {e.id for e in window.entries}
    assert kept.isdisjoint(o.id for o in window.omitted)


def test_build_window_reports_a_budget_too_small_for_critical_entries() -> None:
    memory = ContextMemory()
    memory.add("acme", "Never share the customer's account number with anyone.", "critical")
    with pytest.raises(ContextError) as err:
        memory.build_window("acme", "", 3)
    assert err.value.code == ErrorCode.CONTEXT_BUDGET_TOO_SMALL


def test_prune_drops_old_low_entries_only() -> None:
    memory = ContextMemory()
    old = NOW - timedelta(days=30)
    low = memory.add("acme", "stale chatter", importance="low", created_at=old)
    keep = memory.add("acme", "contract terms", importance="critical", created_at=old)
    pruned = memory.prune(now=NOW)
    assert [e.id for e in pruned] == [low]
    assert memory.get("acme", keep, now=NOW).id == keep


def test_working_size_limits_the_working_tier() -> None:
    memory = ContextMemory(working_size=2, short_term_size=5)
    for i in range(4):
        memory.add("acme", f"note {i}")
    tiers = sorted(hit.entry.tier for hit in memory.search("acme", "note"))
    assert tiers == ["short_term", "short_term", "working", "working"]


@pytest.mark.parametrize("tenant", ["", "a\x00b"])
def test_add_rejects_an_invalid_tenant(tenant: str) -> None:
    with pytest.raises(ContextError) as err:
        ContextMemory().add(tenant, "content")
    assert err.value.code == ErrorCode.CONTEXT_INVALID_TENANT


def test_add_rejects_empty_content() -> None:
    with pytest.raises(ContextError) as err:
        ContextMemory().add("acme", "   ")
    assert err.value.code == ErrorCode.CONTEXT_EMPTY_CONTENT


def test_add_rejects_an_unknown_importance() -> None:
    with pytest.raises(ContextError) as err:
        ContextMemory().add("acme", "x", importance="urgent")
    assert err.value.code == ErrorCode.CONTEXT_INVALID_IMPORTANCE


def test_add_rejects_huge_content() -> None:
    with pytest.raises(ContextError) as err:
        ContextMemory().add("acme", "a" * (2 << 20))
    assert err.value.code == ErrorCode.CONTEXT_ENTRY_TOO_LARGE


@pytest.mark.parametrize("bad", [b"acme", 7, None])
def test_add_rejects_a_non_str_tenant(bad: Any) -> None:
    with pytest.raises(TypeError):
        ContextMemory().add(bad, "content")


def test_add_rejects_a_naive_datetime() -> None:
    with pytest.raises(InvalidArgumentError):
        ContextMemory().add("acme", "x", created_at=datetime(2026, 1, 1))


@pytest.mark.parametrize("field", ["max_tokens", "reserve_output_tokens"])
def test_build_window_rejects_a_negative_budget(field: str) -> None:
    args = {"max_tokens": 100, "reserve_output_tokens": 0, field: -1}
    with pytest.raises(InvalidArgumentError) as err:
        ContextMemory().build_window("acme", "q", args["max_tokens"], args["reserve_output_tokens"])
    assert err.value.code == ErrorCode.INVALID_ARGUMENT


def test_pack_rejects_a_negative_budget() -> None:
    with pytest.raises(InvalidArgumentError):
        cognition_core.pack(["a"], "", -5)


def test_pack_rejects_a_non_str_entry() -> None:
    with pytest.raises(TypeError):
        cognition_core.pack([b"bytes"], "", 10)  # type: ignore[list-item]


def test_pack_accepts_plain_strings_with_positions_as_ids() -> None:
    window = cognition_core.pack(["alpha", "beta"], "", 100)
    assert [e.id for e in window.entries] == ["0", "1"]
    assert window.text == "alpha\n\nbeta"


def test_pack_keeps_given_ids_and_rejects_duplicates() -> None:
    window = cognition_core.pack([{"content": "alpha", "id": "a"}], "", 100)
    assert window.entries[0].id == "a"
    with pytest.raises(ContextError) as err:
        cognition_core.pack([{"content": "x", "id": "a"}, {"content": "y", "id": "a"}], "", 100)
    assert err.value.code == ErrorCode.CONTEXT_DUPLICATE_ID
