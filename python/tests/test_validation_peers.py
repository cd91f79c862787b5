"""Cross-check the rules with the tools users know, on the snippets of
tests/vectors/validation.json: the security rules with Bandit (in-process, one run over all
snippets), and the style, type, complexity and security rules with Ruff (one subprocess). For the
mapped rules we report exactly the (rule, line) pairs the peer reports; the mapping and the
documented, by-design differences are those of tests/validation/crosscheck_peers.py."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT

import cognition_core


def _crosscheck_module() -> Any:
    path = REPO_ROOT / "tests" / "validation" / "crosscheck_peers.py"
    spec = importlib.util.spec_from_file_location("crosscheck_peers", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_MAPPING = _crosscheck_module()
# Bandit test id -> our code, for the security rules Bandit has.
BANDIT: dict[str, str] = _MAPPING.BANDIT
# Every code Ruff shares with us: style, annotations, complexity, and its ports of Bandit's rules.
RUFF: set[str] = set(_MAPPING.RUFF_CODES)
KNOWN: dict[tuple[str, str], str] = _MAPPING.KNOWN

Finding = tuple[str, int]
CASES: list[dict[str, Any]] = [
    case
    for case in json.loads(
        (REPO_ROOT / "tests" / "vectors" / "validation.json").read_text(encoding="utf-8")
    )["cases"]
    # Peers do not report on code that does not compile.
    if case["level"] != "basic" and "E999" not in {e["rule"] for e in case["expected"]}
]
STRICT = [case for case in CASES if case["level"] == "strict"]


@pytest.fixture(scope="module")
def snippets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every snippet as `<case name>.py` in one directory."""
    root = tmp_path_factory.mktemp("snippets")
    for case in CASES:
        (root / f"{case['name']}.py").write_text(case["source"], encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def bandit_findings(snippets: Path) -> dict[str, set[Finding]]:
    """Bandit 1.9's findings per case, for the test ids we map, from one in-process run."""
    with warnings.catch_warnings():
        # Bandit 1.9.4 passes stevedore an argument stevedore has deprecated: not ours to fix.
        warnings.simplefilter("ignore", DeprecationWarning)
        from bandit.core import config as bandit_config  # type: ignore[import-untyped]
        from bandit.core import manager as bandit_manager
    manager = bandit_manager.BanditManager(bandit_config.BanditConfig(), "file", quiet=True)
    manager.discover_files([str(snippets)], recursive=True)
    manager.run_tests()
    found: dict[str, set[Finding]] = {case["name"]: set() for case in CASES}
    for issue in manager.get_issue_list():
        if issue.test_id in BANDIT:
            found[Path(issue.fname).stem].add((BANDIT[issue.test_id], issue.lineno))
    return found


@pytest.fixture(scope="module")
def ruff_findings(snippets: Path) -> dict[str, set[Finding]]:
    """Ruff's findings per case for the shared codes, from one `ruff check` over the directory."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--preview",
            "--no-cache",
            "--output-format",
            "json",
            "--select",
            ",".join(sorted(RUFF)),
            str(snippets),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    found: dict[str, set[Finding]] = {case["name"]: set() for case in CASES}
    for d in json.loads(out.stdout):
        found[Path(d["filename"]).stem].add((d["code"], d["location"]["row"]))
    return found


def ours(case: dict[str, Any], codes: set[str]) -> set[Finding]:
    report = cognition_core.validate(case["source"], level=case["level"])
    return {(i.rule, i.line) for i in report.issues if i.rule in codes}


def by_name(cases: list[dict[str, Any]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases, ids=[case["name"] for case in cases])


def agree(case: dict[str, Any], peer: str, mine: set[Finding], theirs: set[Finding]) -> None:
    why = KNOWN.get((case["name"], peer))
    if why is None:
        assert mine == theirs
    else:
        # A documented difference: it must still be real, or the note is stale.
        assert mine != theirs, f"{peer} now agrees; drop the KNOWN note: {why}"


def test_the_peers_are_the_pinned_versions() -> None:
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True, check=True
    )
    assert (importlib.metadata.version("bandit"), ruff.stdout.split()[1]) == ("1.9.4", "0.17.6")


def test_the_cross_check_covers_every_mapped_security_rule(
    bandit_findings: dict[str, set[Finding]],
) -> None:
    fired = {rule for found in bandit_findings.values() for rule, _ in found}
    assert fired == set(BANDIT.values())


def test_the_cross_check_covers_the_style_and_complexity_rules(
    ruff_findings: dict[str, set[Finding]],
) -> None:
    fired = {rule for found in ruff_findings.values() for rule, _ in found}
    assert fired >= {"E501", "W291", "W293", "W292", "W191", "C901"}


@by_name(STRICT)
def test_security_findings_match_bandit(
    case: dict[str, Any], bandit_findings: dict[str, set[Finding]]
) -> None:
    agree(case, "bandit", ours(case, set(BANDIT.values())), bandit_findings[case["name"]])


@by_name(CASES)
def test_findings_match_ruff(case: dict[str, Any], ruff_findings: dict[str, set[Finding]]) -> None:
    theirs = ruff_findings[case["name"]]
    if case["level"] == "standard":
        # Security and complexity rules are STRICT-only for us.
        theirs = {f for f in theirs if not f[0].startswith(("S", "C9", "PLR"))}
    agree(case, "ruff", ours(case, RUFF), theirs)
