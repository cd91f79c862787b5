"""Run tests/vectors/revenue.json, the cases the Rust, C and Go suites run too, through the Python
face: every `mrr`, `movements`, `churn` and `ltv` expectation of every case."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from conftest import REPO_ROOT

import cognition_core
from cognition_core import ErrorCode, FxRate, RevenueError, RevenueLedger


def load(name: str) -> dict[str, Any]:
    with (REPO_ROOT / "tests" / "vectors" / name).open(encoding="utf-8") as f:
        vectors: dict[str, Any] = json.load(f)
    return vectors


VECTORS = load("revenue.json")
CASES: list[dict[str, Any]] = VECTORS["cases"]


def by_name(cases: list[dict[str, Any]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases, ids=[case["name"] for case in cases])


def day(text: str) -> date:
    return date.fromisoformat(text)


def ledger_options(config: dict[str, Any] | None) -> dict[str, Any]:
    """The vector's `config` as RevenueLedger keyword options."""
    if not config:
        return {}
    options: dict[str, Any] = {}
    if "count_past_due" in config:
        options["count_past_due"] = config["count_past_due"]
    if config.get("fx") is not None:
        fx = config["fx"]
        options["reporting_currency"] = fx["reporting"]
        options["fx_rates"] = [
            FxRate(r["currency"], Decimal(r["rate"]), day(r["from"]) if r.get("from") else None)
            for r in fx["rates"]
        ]
    return options


def records(case: dict[str, Any]) -> list[dict[str, Any]]:
    """Each subscription merged over the file's defaults, days as `date`s."""
    out = []
    for sub in case["subscriptions"]:
        merged = {**VECTORS["defaults"], **sub}
        for name in ("start", "created", "trial_end", "canceled_at", "ended_at"):
            if merged.get(name) is not None:
                merged[name] = day(merged[name])
        out.append(merged)
    return out


def assert_decimal(what: str, want: Any, got: Any) -> None:
    """Decimal strings compare as decimals ("1000" == "1000.00"); null and "unbounded" exactly."""
    if want is None or want == cognition_core.UNBOUNDED:
        assert got == want, what
    else:
        assert isinstance(got, Decimal), what
        assert got == Decimal(want), f"{what}: got {got}, want {want}"


def test_every_face_runs_the_full_revenue_vector_file() -> None:
    assert len(CASES) >= 25


@by_name([c for c in CASES if "error" in c])
def test_loading_a_bad_case_raises_its_code(case: dict[str, Any]) -> None:
    with pytest.raises(RevenueError) as caught:
        RevenueLedger.from_records(records(case), **ledger_options(case.get("config")))
    assert caught.value.code == ErrorCode[case["error"]]


@by_name([c for c in CASES if "error" not in c])
def test_vector_expectations_hold(case: dict[str, Any]) -> None:
    ledger = RevenueLedger.from_records(records(case), **ledger_options(case.get("config")))
    expect = case["expect"]
    for e in expect.get("mrr", []):
        check_mrr(ledger, e)
    for e in expect.get("movements", []):
        check_movements(ledger, e)
    for e in expect.get("churn", []):
        check_churn(ledger, e)
    for e in expect.get("ltv", []):
        check_ltv(ledger, e)


def check_mrr(ledger: RevenueLedger, e: dict[str, Any]) -> None:
    if "error" in e:
        with pytest.raises(RevenueError) as caught:
            ledger.snapshot(day(e["as_of"]))
        assert caught.value.code == ErrorCode[e["error"]]
        return
    s = ledger.snapshot(day(e["as_of"]))
    where = f"mrr as of {e['as_of']}"
    assert s.currency == e["currency"], where
    assert_decimal(f"{where}: mrr", e["mrr"], s.mrr)
    assert_decimal(f"{where}: arr", e["arr"], s.arr)
    assert_decimal(f"{where}: arpu", e["arpu"], s.arpu)
    assert s.active_customers == e["active_customers"], where
    assert s.paying_customers == e["paying_customers"], where
    assert ledger.mrr(day(e["as_of"])) == s.mrr


def check_movements(ledger: RevenueLedger, e: dict[str, Any]) -> None:
    table = ledger.movements(day(e["start"]), day(e["end"]))
    assert [m.month for m in table.months] == [day(m["month"]) for m in e["months"]]
    for want, got in zip(e["months"], table.months):
        for name, value in want.items():
            if name == "month":
                continue
            what = f"movements {want['month']}: {name}"
            if isinstance(value, int):
                assert getattr(got, name) == value, what
            else:
                assert_decimal(what, value, getattr(got, name))


def check_churn(ledger: RevenueLedger, e: dict[str, Any]) -> None:
    churn = ledger.churn(day(e["month"]))
    assert churn.month == day(e["month"])
    for name, value in e.items():
        if name == "month":
            continue
        what = f"churn {e['month']}: {name}"
        if isinstance(value, int):
            assert getattr(churn, name) == value, what
        else:
            assert_decimal(what, value, getattr(churn, name))


def check_ltv(ledger: RevenueLedger, e: dict[str, Any]) -> None:
    ltv = ledger.ltv(day(e["as_of"]), window_months=e["window_months"])
    where = f"ltv as of {e['as_of']}"
    assert ltv.window_months == e["window_months"], where
    assert ltv.churned_customers == e["churned_customers"], where
    assert ltv.customer_months == e["customer_months"], where
    assert_decimal(f"{where}: monthly_churn_rate", e["monthly_churn_rate"], ltv.monthly_churn_rate)
    assert_decimal(f"{where}: arpa", e["arpa"], ltv.arpa)
    assert ltv.kind == e["ltv"]["kind"], where
    if ltv.kind == "finite":
        assert_decimal(f"{where}: ltv", e["ltv"]["value"], ltv.value)
    else:
        assert ltv.value is None, where
