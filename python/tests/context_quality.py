"""Packing quality: ``cognition_core.pack`` against the usual greedy packing, on seeded random
instances. Used by ``test_context_pack_quality.py`` (a few instances, in CI) and by
``benches/python/context.py`` (1,000 instances, with the figures for BENCHMARKS.md).

The greedy baseline is the loop LLM apps usually write, given the same scores and the same cached
per-entry token counts as ``pack``: CRITICAL entries first, then the rest sorted by score (or by
score per token), each one taken in full if its tokens plus a separator still fit the budget,
skipped otherwise (the "skip and keep going" variant, stronger than stopping at the first misfit).
A greedy packing counts as feasible only if it takes every CRITICAL entry and its rendered text,
re-counted, fits the budget. Both variants are computed and ``pack`` is compared with the better.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import cognition_core
from cognition_core import ContextError, ContextWindow, ErrorCode

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
SEPARATOR = "\n\n"
# The packer compares scores rounded to millionths, so with at most 40 entries two packings less
# than 40 millionths apart can be equally good to it: totals closer than this count as equal.
TOLERANCE = 1e-4

WORDS = (
    "refund",
    "invoice",
    "plan",
    "upgrade",
    "billing",
    "card",
    "support",
    "latency",
    "outage",
    "deploy",
    "region",
    "contract",
    "renewal",
    "discount",
    "trial",
    "seat",
    "api",
    "webhook",
    "export",
    "password",
    "customer",
    "account",
    "order",
    "shipping",
    "warehouse",
    "delay",
    "priority",
    "escalation",
    "manager",
    "weekend",
    "holiday",
    "policy",
    "days",
    "thirty",
    "legal",
    "tax",
    "receipt",
    "currency",
    "euro",
    "dollar",
    "migration",
    "database",
    "backup",
    "restore",
    "incident",
    "monitor",
    "alert",
)
IMPORTANCE = ("critical", "high", "medium", "low", "trivial")
IMPORTANCE_WEIGHTS = (3, 20, 42, 25, 10)


@dataclass(frozen=True)
class Instance:
    """One packing problem: the entries (as ``pack`` takes them), a query and a budget."""

    entries: list[dict[str, Any]]
    query: str
    max_tokens: int


@dataclass(frozen=True)
class Candidate:
    """What the greedy loop sees of an entry: the same score and cached token count as pack."""

    id: str
    importance: str
    tokens: int
    score: float
    content: str


@dataclass(frozen=True)
class Comparison:
    """``pack``'s total score against each greedy variant (``None``: that greedy was infeasible)."""

    ours: float
    by_score: float | None
    by_density: float | None

    @property
    def greedy(self) -> float | None:
        """The better feasible greedy total, ``None`` if neither was feasible."""
        totals = [t for t in (self.by_score, self.by_density) if t is not None]
        return max(totals) if totals else None

    @property
    def worse(self) -> bool:
        """Whether ``pack`` scored below the better greedy (by more than ``TOLERANCE``)."""
        greedy = self.greedy
        return greedy is not None and self.ours < greedy - TOLERANCE

    @property
    def better(self) -> bool:
        """Whether ``pack`` scored above the better greedy (or greedy found nothing feasible)."""
        greedy = self.greedy
        return greedy is None or self.ours > greedy + TOLERANCE


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 14))]
    return " ".join(words).capitalize() + "."


def random_instance(rng: random.Random) -> Instance:
    """Draw 5 to 40 entries of 1 to 5 sentences (a fifth with a summary), importances weighted
    towards medium, ages up to 30 days, a 1-3 word query, a budget of 10-70 % of the total."""
    entries: list[dict[str, Any]] = []
    total = 0
    for _ in range(rng.randint(5, 40)):
        content = " ".join(_sentence(rng) for _ in range(rng.randint(1, 5)))
        entry: dict[str, Any] = {
            "content": content,
            "importance": rng.choices(IMPORTANCE, IMPORTANCE_WEIGHTS)[0],
            "created_at": NOW - timedelta(hours=rng.uniform(0, 30 * 24)),
        }
        if rng.random() < 0.2:
            entry["summary"] = " ".join(content.split()[:3])
        entries.append(entry)
        total += cognition_core.count_tokens(content)
    query = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    return Instance(entries, query, max(8, int(total * rng.uniform(0.1, 0.7))))


def _candidates(instance: Instance, window: ContextWindow) -> list[Candidate]:
    contents = {str(i): e["content"] for i, e in enumerate(instance.entries)}
    seen = [(e.id, e.importance, e.full_tokens, e.score.total) for e in window.entries]
    seen += [(o.id, o.importance, o.full_tokens, o.score.total) for o in window.omitted]
    return [Candidate(i, imp, tokens, score, contents[i]) for i, imp, tokens, score in seen]


def greedy(
    candidates: list[Candidate], budget: int, key: Callable[[Candidate], float]
) -> list[Candidate] | None:
    """The usual greedy packing (see the module docs); ``None`` if it is infeasible."""
    separator = cognition_core.count_tokens(SEPARATOR)
    critical = sorted((c for c in candidates if c.importance == "critical"), key=lambda c: c.id)
    rest = sorted(
        (c for c in candidates if c.importance != "critical"), key=lambda c: (-key(c), c.id)
    )
    chosen: list[Candidate] = []
    used = 0
    for candidate in critical + rest:
        cost = candidate.tokens + (separator if chosen else 0)
        if used + cost <= budget:
            chosen.append(candidate)
            used += cost
        elif candidate.importance == "critical":
            return None
    rendered = SEPARATOR.join(c.content for c in chosen)
    return chosen if cognition_core.count_tokens(rendered) <= budget else None


def by_score(candidate: Candidate) -> float:
    """Greedy key: the score."""
    return candidate.score


def by_density(candidate: Candidate) -> float:
    """Greedy key: the score per token."""
    return candidate.score / max(candidate.tokens, 1)


def compare(instance: Instance) -> Comparison | None:
    """Pack ``instance`` and compare with both greedy variants; ``None`` if even the CRITICAL
    entries do not fit (``pack`` reports that as an error, greedy cannot do better)."""
    try:
        window = cognition_core.pack(instance.entries, instance.query, instance.max_tokens, now=NOW)
    except ContextError as err:
        if err.code == ErrorCode.CONTEXT_BUDGET_TOO_SMALL:
            return None
        raise
    candidates = _candidates(instance, window)

    def total(key: Callable[[Candidate], float]) -> float | None:
        chosen = greedy(candidates, window.available_tokens, key)
        return None if chosen is None else sum(c.score for c in chosen)

    return Comparison(window.total_value, total(by_score), total(by_density))


def comparisons(count: int, seed: int) -> list[Comparison]:
    """Compare on ``count`` packable instances drawn from ``random.Random(seed)``."""
    rng = random.Random(seed)
    found: list[Comparison] = []
    while len(found) < count:
        result = compare(random_instance(rng))
        if result is not None:
            found.append(result)
    return found
