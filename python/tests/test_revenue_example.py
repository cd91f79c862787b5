"""examples/python/revenue_report.py: the report of the bundled sample agrees with the library."""

from __future__ import annotations

import importlib.util
from datetime import date
from types import ModuleType

from conftest import REPO_ROOT

import cognition_core

EXAMPLE = REPO_ROOT / "examples" / "python" / "revenue_report.py"
SAMPLES = REPO_ROOT / "data" / "samples" / "revenue"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("revenue_report", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_prints_the_sample_mrr_in_dollars_and_six_months_of_movements() -> None:
    as_of = date(2024, 12, 31)
    lines = load_example().report_lines(as_of)
    ledger = cognition_core.RevenueLedger.from_csv(
        SAMPLES / "subscriptions.csv", reporting_currency="USD", fx_csv=SAMPLES / "fx.csv"
    )
    mrr = load_example().dollars(ledger.mrr(as_of))
    assert lines[0].startswith("Revenue as of 2024-12-31 (3,000 subscriptions")
    assert f"MRR {mrr}" in lines[1]
    months = [line for line in lines if line.startswith("  2024-")]
    assert [m.split()[0] for m in months[:6]] == [f"2024-{m:02}" for m in range(7, 13)]
