"""Cross-check tests/vectors/validation.json against Ruff and Bandit on the same snippets.

For every vector, the findings Ruff reports for the codes we share (E501, W291, W293, W292,
W191, C901, ANN001, ANN201, PLR0913, PLR1702 and the S rules) must equal our expected findings
for those codes, and Bandit's findings for the mapped B ids must equal ours. Known, documented
differences are listed in KNOWN and printed, not counted.

Usage: python tests/validation/crosscheck_peers.py --ruff PATH --bandit PATH
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

RUFF_CODES = {
    "E501",
    "W291",
    "W293",
    "W292",
    "W191",
    "C901",
    "ANN001",
    "ANN201",
    "PLR0913",
    "PLR1702",
    "S307",
    "S102",
    "S301",
    "S302",
    "S506",
    "S605",
    "S602",
    "S603",
    "S608",
    "S105",
    "S106",
    "S324",
    "S501",
    "S101",
}
BANDIT = {
    "B307": "S307",
    "B102": "S102",
    "B301": "S301",
    "B302": "S302",
    "B506": "S506",
    "B605": "S605",
    "B602": "S602",
    "B603": "S603",
    "B608": "S608",
    "B105": "S105",
    "B106": "S106",
    "B324": "S324",
    "B501": "S501",
    "B101": "S101",
}
# Differences by design: (vector name, peer) -> why.
KNOWN = {
    ("s307_nosec", "ruff"): "Ruff ignores `# nosec`; we honour it like Bandit",
    ("s307_noqa", "bandit"): "Bandit ignores `# noqa`; we honour it like Ruff",
    ("s105_empty_password_is_fine", "bandit"): "Bandit flags an empty password; we follow Ruff",
}


def ruff_findings(ruff: str, path: Path) -> set[tuple[str, int]]:
    out = subprocess.run(
        [
            ruff,
            "check",
            "--isolated",
            "--preview",
            "--output-format",
            "json",
            "--select",
            ",".join(sorted(RUFF_CODES)),
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {(d["code"], d["location"]["row"]) for d in json.loads(out or "[]") if d["code"]}


def bandit_findings(bandit: str, path: Path) -> set[tuple[str, int]]:
    out = subprocess.run(
        [bandit, "-q", "-f", "json", str(path)], capture_output=True, text=True, check=False
    ).stdout
    results = json.loads(out or "{}").get("results", [])
    return {(BANDIT[r["test_id"]], r["line_number"]) for r in results if r["test_id"] in BANDIT}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ruff", default="ruff")
    parser.add_argument("--bandit", default="bandit")
    args = parser.parse_args()
    vectors = json.loads(Path(__file__).parents[1].joinpath("vectors/validation.json").read_text())
    mismatches = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in vectors["cases"]:
            if case["level"] == "basic" or "E999" in {e["rule"] for e in case["expected"]}:
                continue
            path = Path(tmp) / f"{case['name']}.py"
            path.write_text(case["source"], encoding="utf-8")
            ours = {(e["rule"], e["line"]) for e in case["expected"]}
            checks = [("ruff", ruff_findings(args.ruff, path), RUFF_CODES)]
            if case["level"] == "strict":
                checks.append(("bandit", bandit_findings(args.bandit, path), set(BANDIT.values())))
            for peer, theirs, codes in checks:
                mine = {f for f in ours if f[0] in codes}
                if case["level"] == "standard" and peer == "ruff":
                    theirs = {f for f in theirs if not f[0].startswith(("S", "C9", "PLR"))}
                if mine != theirs:
                    why = KNOWN.get((case["name"], peer))
                    print(
                        f"{case['name']} vs {peer}: ours {sorted(mine)} theirs {sorted(theirs)}"
                        + (f"  [known: {why}]" if why else "")
                    )
                    mismatches += why is None
    print(f"{mismatches} unexplained mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
