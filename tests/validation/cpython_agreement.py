"""Measure how often cognition-core's syntax verdict agrees with CPython's ``compile()``.

The corpus is the standard library of the interpreter running this script (valid files, and the
few deliberately broken ones it ships) plus deterministic mutations of each file: delete a token,
delete a character, duplicate a line, unbalance a bracket, swap two adjacent tokens. For every
variant, CPython's verdict is "``compile(source, path, 'exec')`` raised or not"; ours is "the
validator reported at least one E999 at level BASIC". The script prints the agreement and exits
non-zero when it is below the threshold (99.5 % by default).

The validator is driven through the example binary ``validate_syntax`` (build it with
``cargo build --example validate_syntax``); later the Python face can be used directly.

Usage::

    python tests/validation/cpython_agreement.py --binary target/debug/examples/validate_syntax \
        [--files 300] [--seed 8] [--threshold 99.5] [--disagreements out.jsonl]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import sysconfig
import tempfile
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path

BRACKETS = "()[]{}"


@dataclass
class Variant:
    """One source to judge: where it came from and how it was changed."""

    origin: str
    mutation: str
    source: str


def stdlib_files(root: Path, count: int, rng: random.Random) -> list[Path]:
    """Return ``count`` UTF-8 ``.py`` files of the standard library, chosen deterministically."""
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)
    rng.shuffle(files)
    chosen: list[Path] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if len(text) < 200_000:
            chosen.append(path)
        if len(chosen) == count:
            break
    return chosen


def tokens(source: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character offsets of the tokens (empty if it does not tokenize)."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.ENDMARKER, tokenize.DEDENT, tokenize.NL, tokenize.COMMENT):
                continue
            if tok.start[0] - 1 >= len(starts) or tok.end[0] - 1 >= len(starts):
                continue
            start = starts[tok.start[0] - 1] + tok.start[1]
            end = starts[tok.end[0] - 1] + tok.end[1]
            if end > start:
                spans.append((start, end))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    return spans


def mutate(source: str, kind: str, rng: random.Random) -> str | None:
    """Apply one mutation of ``kind``; ``None`` when it does not apply to this source."""
    if kind == "delete-token":
        spans = tokens(source)
        if not spans:
            return None
        start, end = rng.choice(spans)
        return source[:start] + source[end:]
    if kind == "swap-tokens":
        spans = tokens(source)
        if len(spans) < 2:
            return None
        i = rng.randrange(len(spans) - 1)
        (a0, a1), (b0, b1) = spans[i], spans[i + 1]
        return source[:a0] + source[b0:b1] + source[a1:b0] + source[a0:a1] + source[b1:]
    if kind == "delete-char":
        positions = [i for i, c in enumerate(source) if not c.isspace()]
        if not positions:
            return None
        i = rng.choice(positions)
        return source[:i] + source[i + 1 :]
    if kind == "duplicate-line":
        lines = source.splitlines(keepends=True)
        if not lines:
            return None
        i = rng.randrange(len(lines))
        return "".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
    if kind == "unbalance-bracket":
        positions = [i for i, c in enumerate(source) if c in BRACKETS]
        if not positions:
            return None
        i = rng.choice(positions)
        if rng.random() < 0.5:
            return source[:i] + source[i + 1 :]
        return source[:i] + source[i] + source[i:]
    raise ValueError(kind)


MUTATIONS = ["delete-token", "swap-tokens", "delete-char", "duplicate-line", "unbalance-bracket"]


def cpython_rejects(source: str, name: str) -> bool:
    """Return ``True`` if CPython's compiler rejects the source."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, name, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/debug/examples/validate_syntax")
    parser.add_argument("--stdlib", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--threshold", type=float, default=99.5)
    parser.add_argument("--disagreements", default=None, help="write disagreements (JSON lines)")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    variants: list[Variant] = []
    for path in stdlib_files(Path(args.stdlib), args.files, rng):
        source = path.read_text(encoding="utf-8")
        variants.append(Variant(str(path), "original", source))
        for kind in MUTATIONS:
            mutated = mutate(source, kind, rng)
            if mutated is not None and mutated != source:
                variants.append(Variant(str(path), kind, mutated))

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, variant in enumerate(variants):
            p = Path(tmp) / f"v{i:06d}.py"
            p.write_text(variant.source, encoding="utf-8")
            paths.append(str(p))
        out = subprocess.run(
            [args.binary], input="\n".join(paths), capture_output=True, text=True, check=True
        ).stdout
    ours = [not json.loads(line)["ok"] for line in out.splitlines()]
    details = [json.loads(line)["errors"] for line in out.splitlines()]
    if len(ours) != len(variants):
        print(f"binary answered {len(ours)} of {len(variants)} files", file=sys.stderr)
        return 2

    agree = {"original": [0, 0], "mutated": [0, 0]}
    disagreements = []
    for variant, our_reject, errors in zip(variants, ours, details):
        theirs = cpython_rejects(variant.source, variant.origin)
        bucket = agree["original" if variant.mutation == "original" else "mutated"]
        bucket[1] += 1
        if theirs == our_reject:
            bucket[0] += 1
        else:
            disagreements.append(
                {
                    "origin": variant.origin,
                    "mutation": variant.mutation,
                    "cpython_rejects": theirs,
                    "ours": errors[:3],
                    "source": variant.source if variant.mutation != "original" else "",
                }
            )
    total_ok = agree["original"][0] + agree["mutated"][0]
    total = agree["original"][1] + agree["mutated"][1]
    pct = 100.0 * total_ok / total if total else 0.0
    print(f"python {sys.version.split()[0]}, {len(variants)} variants, seed {args.seed}")
    for name, (ok, n) in agree.items():
        print(f"  {name}: {ok}/{n} agree ({100.0 * ok / n if n else 0:.2f} %)")
    print(f"agreement: {pct:.2f} % (threshold {args.threshold} %)")
    if args.disagreements:
        with open(args.disagreements, "w", encoding="utf-8") as f:
            for d in disagreements:
                f.write(json.dumps(d) + "\n")
    return 0 if pct >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
