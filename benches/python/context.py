"""Time cognition_core.count_tokens against tiktoken, and compare pack's quality with greedy.

Run: .venv/bin/python benches/python/context.py (or `make bench`). Exits non-zero if pack is ever
worse than greedy or a count disagrees with tiktoken.

(a) Token counting: the same 1 MB of mixed text (the varied corpus of tests/vectors/context.json:
    prose, code, CJK, emoji, whitespace runs, long words, RTL scripts, shuffled with a fixed seed
    and repeated) counted by ``cognition_core.count_tokens`` and by tiktoken's
    ``len(encode(text, disallowed_special=()))`` (the same counting rule), for both encodings.
    The table reports the median of interleaved repeats, MB/s and the ratio (tiktoken's time
    divided by ours: above 1 means we are faster). tiktoken loads the BPE files the tiktoken-rs
    crate ships (python/tests/tiktoken_cache.py), so no network is needed.
(b) Packing quality: 1,000 seeded random instances (python/tests/context_quality.py); ``pack``'s
    total score against the better of two greedy packings (by score, by score per token) given
    the same scores and token counts. Reports how often ours is better, equal, worse (must be
    never) and by how much.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python" / "tests"))

import cognition_core  # noqa: E402
from context_quality import comparisons  # noqa: E402
from tiktoken_cache import ENCODINGS, tiktoken_cache  # noqa: E402

REPEATS = 7
TEXT_BYTES = 1_000_000
INSTANCES = 1_000
SEED = 6


def mixed_text() -> str:
    """About 1 MB of the shared corpus, shuffled with a fixed seed, cut at a character."""
    vectors = json.loads((ROOT / "tests" / "vectors" / "context.json").read_text("utf-8"))
    texts = [case["text"] for case in vectors["tokens"] if case["text"]]
    rng = random.Random(SEED)
    parts: list[str] = []
    size = 0
    while size < TEXT_BYTES:
        text = rng.choice(texts)
        parts.append(text)
        size += len(text.encode()) + 1
    return "\n".join(parts).encode()[:TEXT_BYTES].decode("utf-8", errors="ignore")


def median_seconds(fns: dict[str, Callable[[], int]]) -> dict[str, float]:
    """Median wall time of each function over interleaved repeats (after one warm-up each)."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()
    for _ in range(REPEATS):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def counting(text: str) -> bool:
    """Part (a); return whether every count agreed with tiktoken."""
    megabytes = len(text.encode()) / 1e6
    with tempfile.TemporaryDirectory(prefix="tiktoken-") as cache, tiktoken_cache(Path(cache)):
        import tiktoken

        encoders = {name: tiktoken.get_encoding(name) for name in ENCODINGS}
    print(f"(a) token counting, {megabytes:.2f} MB of mixed text, median of {REPEATS}")
    print(
        f"  {'encoding':<12} {'tokens':>9} {'ours ms':>9} {'MB/s':>7} {'tiktoken ms':>12} "
        f"{'MB/s':>7} {'ratio':>6}"
    )
    agreed = True
    for name, encoder in encoders.items():
        ours = cognition_core.count_tokens(text, name)
        theirs = len(encoder.encode(text, disallowed_special=()))
        agreed &= ours == theirs
        t = median_seconds(
            {
                "ours": lambda name=name: cognition_core.count_tokens(text, name),
                "tiktoken": lambda e=encoder: len(e.encode(text, disallowed_special=())),
            }
        )
        mismatch = "" if ours == theirs else f"  MISMATCH: tiktoken says {theirs}"
        print(
            f"  {name:<12} {ours:>9} {t['ours'] * 1e3:>9.1f} {megabytes / t['ours']:>7.2f} "
            f"{t['tiktoken'] * 1e3:>12.1f} {megabytes / t['tiktoken']:>7.2f} "
            f"{t['tiktoken'] / t['ours']:>6.2f}{mismatch}"
        )
    return agreed


def quality() -> bool:
    """Part (b); return whether pack was never worse than greedy."""
    start = time.perf_counter()
    results = comparisons(INSTANCES, seed=SEED)
    elapsed = time.perf_counter() - start
    better = [r for r in results if r.better]
    worse = [r for r in results if r.worse]
    no_greedy = [r for r in results if r.greedy is None]
    gains = sorted(
        r.ours / greedy - 1 for r in better if (greedy := r.greedy) is not None and greedy > 0
    )
    print(f"\n(b) packing quality, {len(results)} random instances (seed {SEED}), {elapsed:.1f} s")
    print(f"  pack better than the better greedy: {len(better)} ({len(better) / len(results):.1%})")
    print(
        f"    of which greedy had no feasible packing (a CRITICAL entry did not fit): "
        f"{len(no_greedy)}"
    )
    print(f"  equal: {len(results) - len(better) - len(worse)}   worse: {len(worse)}")
    if gains:
        q = statistics.quantiles(gains, n=10) if len(gains) > 1 else [gains[0]] * 9
        print(
            f"  total score gain when better: median {statistics.median(gains):.1%}, "
            f"p90 {q[8]:.1%}, max {gains[-1]:.1%}, mean {statistics.fmean(gains):.1%}"
        )
    overall = [r.ours / g - 1 for r in results if (g := r.greedy) is not None and g > 0]
    print(f"  mean gain over all instances with a feasible greedy: {statistics.fmean(overall):.2%}")
    return not worse


def main() -> int:
    print(
        f"cognition_core {cognition_core.__version__} vs tiktoken; {platform.platform()}, "
        f"Python {platform.python_version()}, {platform.processor() or platform.machine()}\n"
    )
    agreed = counting(mixed_text())
    never_worse = quality()
    if not agreed:
        print("FAIL: a count disagreed with tiktoken")
    if not never_worse:
        print("FAIL: pack was worse than greedy on some instance")
    return 0 if agreed and never_worse else 1


if __name__ == "__main__":
    sys.exit(main())
