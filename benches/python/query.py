"""Time cognition_core.fingerprint against pglast.fingerprint and sqlglot normalisation.

Run: .venv/bin/python benches/python/query.py (or `make bench`). All three run in this process on
the same statements: the PostgreSQL-parseable statements of tests/vectors/query_fingerprint.json
(the real-world corpus every face tests). The table reports the median time per statement over
several interleaved repeats and the ratio (the peer's time divided by ours: above 1 means we are
faster).

- ``pglast.fingerprint``: libpg_query's fingerprint (PostgreSQL's own parser, a C extension).
- sqlglot: the idiomatic normalisation, ``parse_one`` then ``transform`` every literal into a
  placeholder, then ``sql()`` (pure Python).
- ``QueryTracker.record``: the full per-statement cost in an application (fingerprint, stats
  update, GIL released), for reference.
"""

from __future__ import annotations

import json
import logging
import platform
import statistics
import timeit
from collections.abc import Callable
from pathlib import Path

import cognition_core
import pglast
import sqlglot
from sqlglot import exp

REPEATS = 7
CORPUS = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "query_fingerprint.json"


def statements() -> list[str]:
    """The corpus statements that both peers parse (so every side does the same work): a
    statement pglast refuses, or sqlglot only keeps as an opaque ``Command``, is left out."""
    cases = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    usable = []
    for case in cases:
        sql: str = case["sql"]
        try:
            pglast.fingerprint(sql)
            if isinstance(sqlglot.parse_one(sql, read="postgres"), exp.Command):
                continue
        except Exception:  # a statement a peer cannot parse is left out
            continue
        usable.append(sql)
    return usable


def sqlglot_normalize(sql: str) -> str:
    """sqlglot's way to a fingerprint-like text: literals become placeholders."""
    tree = sqlglot.parse_one(sql, read="postgres")
    return tree.transform(
        lambda node: exp.Placeholder() if isinstance(node, exp.Literal) else node
    ).sql(dialect="postgres")


def over(corpus: list[str], fn: Callable[[str], object]) -> Callable[[], None]:
    def run() -> None:
        for sql in corpus:
            fn(sql)

    return run


def median_us(calls: list[Callable[[], None]], per: int) -> list[float]:
    """Median microseconds per statement of each call, over REPEATS interleaved runs."""
    timers = [timeit.Timer(call) for call in calls]
    numbers = [max(1, timer.autorange()[0] // 2) for timer in timers]
    runs: list[list[float]] = [[] for _ in calls]
    # Interleaved, so a drift in machine load hits every side alike.
    for _ in range(REPEATS):
        for timer, number, times in zip(timers, numbers, runs):
            times.append(timer.timeit(number) / number / per * 1e6)
    return [statistics.median(times) for times in runs]


def main() -> None:
    # sqlglot logs a warning per statement it cannot fully parse; logging is not what we time.
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    corpus = statements()
    tracker = cognition_core.QueryTracker()
    ours, pg, glot, record = median_us(
        [
            over(corpus, cognition_core.fingerprint),
            over(corpus, pglast.fingerprint),
            over(corpus, sqlglot_normalize),
            over(corpus, lambda sql: tracker.record(sql, 1.5, 100, 10, now_ms=0)),
        ],
        per=len(corpus),
    )
    mean_len = sum(len(sql) for sql in corpus) / len(corpus)
    print(
        f"cognition_core {cognition_core.__version__} vs pglast {pglast.__version__} and "
        f"sqlglot {sqlglot.__version__}: {len(corpus)} statements (mean {mean_len:.0f} chars), "
        f"median of {REPEATS} repeats"
    )
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print()
    print(f"{'operation':<44}{'µs/stmt':>10}{'stmts/s':>12}{'ratio':>9}")
    print("-" * 75)
    rows = [
        ("cognition_core.fingerprint", ours, None),
        ("pglast.fingerprint", pg, pg / ours),
        ("sqlglot parse + literals→? + sql()", glot, glot / ours),
        ("cognition_core QueryTracker.record", record, None),
    ]
    for name, us, ratio in rows:
        shown = f"{ratio:>8.1f}x" if ratio is not None else f"{'':>9}"
        print(f"{name:<44}{us:>10.2f}{1e6 / us:>12,.0f}{shown}")
    print()
    print("ratio: the peer's time per statement divided by cognition_core.fingerprint's")


if __name__ == "__main__":
    main()
