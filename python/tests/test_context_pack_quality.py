"""``pack`` is never worse than the usual greedy packing (checked from Python on a few seeded
random instances; ``benches/python/context.py`` runs 1,000 and reports by how much it is better)."""

from __future__ import annotations

from context_quality import Candidate, by_density, by_score, comparisons, greedy


def test_pack_is_never_worse_than_the_better_greedy_on_random_instances() -> None:
    results = comparisons(50, seed=2026)
    worse = [r for r in results if r.worse]
    assert worse == []
    assert any(r.better for r in results)


def test_greedy_by_score_takes_the_best_entries_that_fit() -> None:
    cands = [Candidate("a", "medium", 6, 0.9, ""), Candidate("b", "medium", 5, 0.5, "")]
    cands.append(Candidate("c", "medium", 4, 0.4, ""))
    chosen = greedy(cands, 11, by_score)
    assert chosen is not None
    assert [c.id for c in chosen] == ["a", "c"]  # b (5 + 1 separator) no longer fits after a


def test_greedy_by_density_prefers_score_per_token() -> None:
    cands = [Candidate("a", "medium", 10, 0.9, ""), Candidate("b", "medium", 2, 0.5, "")]
    chosen = greedy(cands, 5, by_density)
    assert chosen is not None
    assert [c.id for c in chosen] == ["b"]


def test_greedy_is_infeasible_when_a_critical_entry_does_not_fit() -> None:
    cands = [Candidate("a", "critical", 10, 0.1, "x"), Candidate("b", "low", 1, 0.9, "y")]
    assert greedy(cands, 5, by_score) is None
