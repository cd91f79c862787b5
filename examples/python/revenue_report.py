"""Print a revenue report for the bundled sample: MRR, ARR, ARPU, LTV, churn, the last six months
of MRR movements, a cohort table and the forecast.

Run: .venv/bin/python examples/python/revenue_report.py [AS_OF]   (default 2024-12-31)

The sample (data/samples/revenue/subscriptions.csv, 3,000 generated subscriptions over two years)
mixes intervals, currencies and tiers; figures are in US dollars at the rates of
data/samples/revenue/fx.csv. The library works in exact minor units (cents); this script only
formats them.
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import cognition_core

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples" / "revenue"


def dollars(cents: Decimal | None) -> str:
    """Cents as dollars, rounded half-even to the cent (the library's presentation rule)."""
    if cents is None:
        return "n/a"
    return f"${(cents / 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN):,}"


def percent(ratio: cognition_core.Ratio) -> str:
    if ratio is None or ratio == cognition_core.UNBOUNDED:
        return str(ratio)
    return f"{ratio * 100:.1f}%"


def report_lines(as_of: date) -> list[str]:
    """The report as text lines (the test reads them)."""
    ledger = cognition_core.RevenueLedger.from_csv(
        SAMPLES / "subscriptions.csv", reporting_currency="USD", fx_csv=SAMPLES / "fx.csv"
    )
    report = ledger.report(as_of)
    snapshot, ltv, churn = report["snapshot"], report["ltv"], report["churn"]
    lines = [
        f"Revenue as of {as_of} ({len(ledger):,} subscriptions, reporting in USD)",
        f"  MRR {dollars(snapshot.mrr)}   ARR {dollars(snapshot.arr)}   "
        f"ARPU {dollars(snapshot.arpu)}",
        f"  customers {snapshot.active_customers:,} active, {snapshot.paying_customers:,} paying",
        f"  LTV {dollars(ltv.value) if ltv.kind == 'finite' else ltv.kind} "
        f"(monthly churn {percent(ltv.monthly_churn_rate)} over {ltv.window_months} months)",
        f"  churn in {churn.month:%B %Y}: customers {percent(churn.customer_churn_rate)}, "
        f"NRR {percent(churn.nrr)}, GRR {percent(churn.grr)}, quick ratio {churn.quick_ratio:.2f}"
        if isinstance(churn.quick_ratio, Decimal)
        else f"  churn in {churn.month:%B %Y}: quick ratio {churn.quick_ratio}",
        "",
        "MRR movements (last six months)",
        f"  {'month':<9}{'new':>12}{'expansion':>12}{'contraction':>12}{'churn':>12}"
        f"{'reactivation':>14}{'MRR end':>14}",
    ]
    for m in report["movements"].months[-6:]:
        lines.append(
            f"  {m.month:%Y-%m}  {dollars(m.new):>12}{dollars(m.expansion):>12}"
            f"{dollars(m.contraction):>12}{dollars(m.churn):>12}{dollars(m.reactivation):>14}"
            f"{dollars(m.mrr_end):>14}"
        )
    lines += ["", "Quarterly cohorts: logo retention by quarter since the first paid day"]
    for cohort in ledger.cohorts("quarter", as_of=as_of).cohorts:
        cells = " ".join(f"{percent(p):>6}" for p in cohort.logo_retention_pct)
        lines.append(f"  {cohort.period_start:%Y-%m} ({cohort.customers:>4}) {cells}")
    forecast = report["forecast"]
    lines += ["", "Forecast of month-end MRR (compound / linear)"]
    for point in forecast.points[:6]:
        lines.append(
            f"  {point.month:%Y-%m}  {dollars(point.compound):>14} {dollars(point.linear):>14}"
        )
    return lines


def main() -> int:
    as_of = date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else date(2024, 12, 31)
    print("\n".join(report_lines(as_of)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
