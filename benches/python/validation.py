"""Time cognition_core.validate_paths (STRICT, all cores) against Bandit and Ruff on every ``.py``
file of the standard library that ships with this interpreter.

Run: .venv/bin/python benches/python/validation.py [--limit N] (or `make bench`). The three tools
get the same explicit list of files (the stdlib without site-packages); each is timed as wall
clock and CPU time (user + system, all threads and child processes) over the whole list, after
one untimed pass that reads every file into the page cache.

- ours: ``cognition_core.validate_paths(files, level="strict")`` in this process: syntax, style,
  annotations, security and complexity, parallel over every core with the GIL released.
- ``bandit -q -f json`` with every plugin (its default), a subprocess (single-threaded).
- ``ruff check --isolated --preview --no-cache`` with the rules equivalent to our STRICT level
  (style, annotations, the S rules we share, C901 and the PLR limits), a subprocess (all cores).

Targets (issue #8): at least 20x faster than Bandit, within 1.5x of Ruff's time. Ratios are the
peer's time divided by ours: above 1 means we are faster.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cognition_core

RUFF_RULES = (
    "E501,W291,W293,W292,W191,ANN001,ANN201,C901,PLR0913,PLR0915,PLR1702,"
    "S101,S102,S105,S106,S301,S302,S307,S324,S501,S506,S602,S603,S605,S608"
)


def stdlib_files() -> list[Path]:
    """Every ``*.py`` under the stdlib directory, skipping site-packages and hidden directories
    (as ``validate_paths`` does), in sorted order."""
    root = Path(sysconfig.get_paths()["stdlib"])
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".") and d not in ("site-packages", "dist-packages")
        ]
        files.extend(Path(dirpath) / f for f in filenames if f.endswith(".py"))
    return sorted(files)


def cpu_seconds() -> float:
    """User + system CPU time of this process (all its threads) and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call. CPU time is the fair figure on a busy machine,
    where the wall clock also measures the other processes."""
    cpu, start = cpu_seconds(), time.perf_counter()
    fn()
    return time.perf_counter() - start, cpu_seconds() - cpu


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def run(cmd: list[str], ok: tuple[int, ...]) -> None:
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode not in ok:
        raise SystemExit(f"{cmd[:3]} failed ({done.returncode}): {done.stderr[-500:]!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="only the first N files")
    parser.add_argument("--repeats", type=int, default=3, help="runs of ours and Ruff (median)")
    args = parser.parse_args()
    files = stdlib_files()
    if args.limit:
        files = files[: args.limit]
    names = [str(f) for f in files]
    lines = sum(f.read_bytes().count(b"\n") for f in files)  # also warms the page cache
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        reports: list[cognition_core.PathReport] = []

        def ours() -> None:
            reports[:] = cognition_core.validate_paths(names, level="strict")

        def ruff() -> None:
            run(
                [
                    str(bindir / "ruff"),
                    "check",
                    "--isolated",
                    "--preview",
                    "--no-cache",
                    "--output-format",
                    "json",
                    "--select",
                    RUFF_RULES,
                    "--exit-zero",
                    *names,
                ],
                ok=(0,),
            )

        def bandit() -> None:
            run(
                [
                    str(bindir / "bandit"),
                    "-q",
                    "-f",
                    "json",
                    "-o",
                    str(Path(tmp) / "b.json"),
                    *names,
                ],
                ok=(0, 1),
            )

        ours_s = median([timed(ours) for _ in range(args.repeats)])
        ruff_s = median([timed(ruff) for _ in range(args.repeats)])
        bandit_s = timed(bandit)
        serial_s = timed(lambda: [_validate_one(f) for f in files])
    errors = sum(r.error is not None for r in reports)
    findings = sum(len(r.report.issues) for r in reports if r.report is not None)
    print(
        f"cognition_core {cognition_core.__version__}: {len(files)} stdlib files "
        f"({lines:,} lines) of Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"{platform.machine()}; {findings:,} findings, {errors} files refused (not UTF-8)"
    )
    print()
    print(f"{'tool':<52}{'wall s':>8}{'ratio':>8}{'CPU s':>8}{'ratio':>8}{'lines/CPU s':>13}")
    print("-" * 97)
    rows = [
        ("cognition_core.validate_paths STRICT (all cores)", ours_s, None),
        ("cognition_core.validate per file, one thread", serial_s, None),
        ("ruff check, equivalent rules (all cores)", ruff_s, ours_s),
        ("bandit, all plugins (one process)", bandit_s, ours_s),
    ]
    for name, (secs, cpu), base in rows:
        if base is None:
            ratios = f"{'':>8}{cpu:>8.2f}{'':>8}"
        else:
            ratios = f"{secs / base[0]:>7.2f}x{cpu:>8.2f}{cpu / base[1]:>7.2f}x"
        print(f"{name:<52}{secs:>8.2f}{ratios}{lines / cpu:>13,.0f}")
    print()
    print(
        "ratio: the peer's time divided by validate_paths' (wall, then CPU); above 1: we are faster"
    )
    print("targets: Bandit >= 20x, Ruff >= 0.67x (within 1.5x of its time)")


def _validate_one(path: Path) -> cognition_core.ValidationReport | None:
    try:
        return cognition_core.validate(path.read_bytes(), level="strict", filename=str(path))
    except cognition_core.ValidationInputError:
        return None


if __name__ == "__main__":
    main()
