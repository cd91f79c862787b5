"""Cross-check every revenue metric against an independent pandas implementation.

The peer below is written from the documented conventions only (it never calls cognition_core):
vectorised pandas over 10,000 seeded subscriptions from data/samples/revenue/generate.py
(monthly, quarterly, yearly, two-yearly, weekly and 30-daily billing; USD, EUR, GBP, JPY, KWD and
CAD with the dated FX table of data/samples/revenue/fx.csv; seats, percent and amount discounts
with and without an end, trials, past_due, unpaid, paused, cancellations, cancel at period end,
and customers who leave and come back). Money is exact: integers of 10⁻¹² minor units (Python
ints in object columns, since 10¹⁵ * 10¹² overflows int64), converted with exact Decimals, so
money matches to the last digit and every presented figure to the minor unit.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from functools import cache

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pytest
from conftest import REPO_ROOT

import cognition_core
from cognition_core import RevenueLedger

SAMPLES = REPO_ROOT / "data" / "samples" / "revenue"
COUNT = 10_000
SEED = 20261126
AS_OF = date(2024, 12, 20)
FIRST_MONTH = date(2023, 1, 1)
LAST_MONTH = date(2024, 12, 1)
SCALE = 10**12  # fixed point: 10⁻¹² of a minor unit, as documented
OPEN = 10**9  # day number of "never ends"
MINOR_UNITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "KWD": 3, "CAD": 2}
MONTHLY_FACTOR = {"day": (365, 12), "week": (52, 12), "month": (1, 1), "year": (1, 12)}
EPOCH = date(1970, 1, 1)


def day_number(d: date) -> int:
    return (d - EPOCH).days


def q12(value: Decimal) -> Decimal:
    """A quotient as documented: half-even to 12 places."""
    return value.quantize(Decimal(1).scaleb(-12), rounding=ROUND_HALF_EVEN)


def presented(value: Decimal) -> Decimal:
    """A money figure as presented: half-even to whole minor units."""
    return value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)


def div_half_even(n: pd.Series, d: pd.Series | int) -> pd.Series:
    """Integer division rounding half to even, element-wise on exact (object) integers."""
    q, r = n // d, n % d
    twice = r * 2
    up = (twice > d) | ((twice == d) & (q % 2 == 1))
    return q + up.astype(int)


# ---------------------------------------------------------------- the data


def generated_rows() -> list[list[str]]:
    spec = importlib.util.spec_from_file_location("revenue_sample", SAMPLES / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    header: list[str] = module.HEADER
    rows: list[list[str]] = module.rows(COUNT, SEED)
    return [header, *rows]


@cache
def csv_text() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(generated_rows())
    return out.getvalue()


@cache
def ledger() -> RevenueLedger:
    ledger = RevenueLedger(reporting_currency="USD", fx_csv=SAMPLES / "fx.csv")
    ledger.load_csv_text(csv_text())
    return ledger


@cache
def fx_table() -> pd.DataFrame:
    fx = pd.read_csv(SAMPLES / "fx.csv", dtype=str, keep_default_na=False)
    fx["rate"] = fx["rate"].map(Decimal)
    fx["from_day"] = fx["from"].map(lambda s: day_number(date.fromisoformat(s)) if s else -OPEN)
    return fx


def rate_on(currency: str, d: date) -> Decimal:
    """USD per unit of `currency` on `d`: the latest dated rate from on or before `d`, else the
    undated one."""
    if currency == "USD":
        return Decimal(1)
    fx = fx_table()
    rows = fx[(fx["currency"] == currency) & (fx["from_day"] <= day_number(d))]
    return rows.sort_values("from_day")["rate"].iloc[-1]  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the pandas peer


def add_months(day: pd.Series, months: pd.Series) -> pd.Series:
    """`day` plus `months` calendar months, clamped to the month's last day."""
    dates = pd.to_datetime(day, unit="D")
    total = dates.dt.year * 12 + dates.dt.month - 1 + months
    first = pd.to_datetime(pd.DataFrame({"year": total // 12, "month": total % 12 + 1, "day": 1}))
    clamped = np.minimum(dates.dt.day, first.dt.days_in_month)
    return (first - pd.Timestamp(EPOCH)).dt.days + clamped - 1


def period_end_after(
    anchor: pd.Series, interval: pd.Series, count: pd.Series, day: pd.Series
) -> pd.Series:
    """The first billing-period boundary after `day` (periods from `anchor` in steps of the
    interval; months added to the anchor, clamped like Stripe); `anchor` if `day` is before it."""
    step_days = np.where(interval == "day", count, count * 7)
    by_days = anchor + ((day - anchor) // step_days + 1) * step_days
    step_months = np.where(interval == "year", 12 * count, count)
    a, d = pd.to_datetime(anchor, unit="D"), pd.to_datetime(day, unit="D")
    between = (d.dt.year - a.dt.year) * 12 + d.dt.month - a.dt.month
    k = np.maximum(between // step_months, 0)
    for _ in range(3):
        k = k + (add_months(anchor, k * step_months) <= day)
    k = k - ((k > 1) & (add_months(anchor, (k - 1) * step_months) > day))
    by_months = add_months(anchor, k * step_months)
    end = np.where(interval.isin(["day", "week"]), by_days, by_months)
    return pd.Series(np.where(day < anchor, anchor, end), index=day.index)


def days(column: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(column.replace("", None))
    return (parsed - pd.Timestamp(EPOCH)).dt.days


@cache
def segments() -> pd.DataFrame:
    """Pieces of constant monthly amount: customer, currency, tier, plan, [start, end), value
    (exact integer of 10⁻¹² minor units)."""
    df = pd.read_csv(io.StringIO(csv_text()), dtype=str, keep_default_na=False)
    for name in ("start", "trial_end", "canceled_at", "ended_at", "discount_end"):
        df[name] = days(df[name])
    count = df["interval_count"].astype(int)
    paid_start = df["start"].where(df["trial_end"].isna(), np.maximum(df["trial_end"], df["start"]))
    cancels = (df["cancel_at_period_end"] == "true") & df["canceled_at"].notna()
    period_end = period_end_after(
        paid_start.astype("int64"),
        df["interval"],
        count,
        df["canceled_at"].fillna(0).astype("int64"),
    )
    natural_end = df["ended_at"].fillna(period_end.where(cancels)).fillna(OPEN)
    canceled_end = df["ended_at"].fillna(df["canceled_at"]).fillna(OPEN)
    counted = df["status"].isin(["active", "past_due", "canceled"])
    end = natural_end.where(df["status"] != "canceled", canceled_end)
    df = df.assign(paid_start=paid_start.astype("int64"), end=end.astype("int64"))[counted]
    df = df[df["paid_start"] < df["end"]]

    # Monthly amounts: unit * quantity, minus the discount, normalised; 0 for FREE.
    invoice = df["unit_amount"].map(int).astype(object) * df["quantity"].map(int) * SCALE
    value = df["discount_value"].replace("", "0")
    percent = value.where(df["discount_type"] == "percent", "0").map(int)
    discounted = div_half_even(invoice * (100 - percent), 100)
    amount_off = value.where(df["discount_type"] == "amount", "0").map(int) * SCALE
    discounted = discounted - amount_off
    discounted = discounted.where(discounted > 0, 0).astype(object)
    num = df["interval"].map(lambda i: MONTHLY_FACTOR[i][0])
    den = df["interval"].map(lambda i: MONTHLY_FACTOR[i][1]) * df["interval_count"].map(int)
    free = df["tier"] == "FREE"
    with_discount = div_half_even(discounted * num, den).where(~free, 0)
    without = div_half_even(invoice * num, den).where(~free, 0)

    # The discount applies until its end (if any): split there.
    split = df["discount_end"].fillna(OPEN).astype("int64").clip(df["paid_start"], df["end"])
    has = df["discount_type"] != ""
    base = df[["customer_id", "currency", "tier", "plan_id"]]
    first = base.assign(start=df["paid_start"], end=split.where(has, df["end"]))
    first = first.assign(value=with_discount.where(has, without))
    second = base.assign(start=split, end=df["end"], value=without)[has]
    pieces = pd.concat([first, second], ignore_index=True)
    return pieces[pieces["start"] < pieces["end"]]


def converted(pieces: pd.DataFrame, on: date) -> pd.Series:
    """Each piece's value in USD minor units (exact Decimal) at the rates of `on`."""
    factor = {c: rate_on(c, on) * Decimal(10) ** (2 - MINOR_UNITS[c]) for c in MINOR_UNITS}
    with localcontext() as ctx:
        ctx.prec = 80
        return pieces["value"].map(Decimal) * pieces["currency"].map(factor) / SCALE


def covering(d: date) -> pd.DataFrame:
    pieces = segments()
    n = day_number(d)
    return pieces[(pieces["start"] <= n) & (n < pieces["end"])]


def exact_sum(values: pd.Series) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return sum(values, Decimal(0))


def customer_values(days_: list[date], rates_on: date) -> pd.DataFrame:
    """Customer * measurement-day matrix of MRR (USD minor units, rates of `rates_on`)."""
    pieces = segments()
    pieces = pieces.assign(usd=converted(pieces, rates_on))
    columns = {}
    for k, d in enumerate(days_):
        n = day_number(d)
        live = pieces[(pieces["start"] <= n) & (n < pieces["end"])]
        with localcontext() as ctx:
            ctx.prec = 80
            columns[k] = live.groupby("customer_id")["usd"].sum()
    customers = pd.Index(pieces["customer_id"].unique())
    return pd.DataFrame(columns).reindex(customers).fillna(Decimal(0))


@cache
def first_paid() -> pd.Series:
    pieces = segments()
    return pieces[pieces["value"] > 0].groupby("customer_id")["start"].min()


def month_days(first: date, last: date, end: date) -> tuple[list[date], list[date]]:
    months = list(pd.date_range(first, last, freq="MS").date)
    measure = [months[0] - timedelta(days=1)]
    measure += [min((pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date(), end) for m in months]
    return months, measure


@cache
def movements(first: date, last: date, end: date, rates_on: date) -> pd.DataFrame:
    months, measure = month_days(first, last, end)
    values = customer_values(measure, rates_on)
    fp = first_paid().reindex(values.index).fillna(OPEN)
    rows = []
    for k in range(len(months)):
        a, b = values[k], values[k + 1]
        returning = fp <= day_number(measure[k])
        zero = Decimal(0)
        new = (a == zero) & (b > zero) & ~returning
        react = (a == zero) & (b > zero) & returning
        churn = (a > zero) & (b == zero)
        expansion = (a > zero) & (b > a)
        contraction = (b > zero) & (b < a)
        rows.append(
            {
                "month": months[k],
                "mrr_start": exact_sum(a),
                "new": exact_sum(b[new]),
                "expansion": exact_sum((b - a)[expansion]),
                "contraction": exact_sum((a - b)[contraction]),
                "churn": exact_sum(a[churn]),
                "reactivation": exact_sum(b[react]),
                "mrr_end": exact_sum(b),
                "customers_start": int((a > zero).sum()),
                "new_customers": int(new.sum()),
                "expansion_customers": int(expansion.sum()),
                "contraction_customers": int(contraction.sum()),
                "churned_customers": int(churn.sum()),
                "reactivated_customers": int(react.sum()),
                "customers_end": int((b > zero).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("month")


def ratio(num: Decimal, den: Decimal) -> cognition_core.Ratio:
    if den == 0:
        return cognition_core.UNBOUNDED if num > 0 else None
    with localcontext() as ctx:
        ctx.prec = 80
        return q12(num / den)


# ---------------------------------------------------------------- the cross-checks


def test_dataset_has_every_kind_of_subscription() -> None:
    df = pd.read_csv(io.StringIO(csv_text()), dtype=str, keep_default_na=False)
    assert len(df) == COUNT == len(ledger())
    assert set(df["currency"]) >= {"USD", "JPY", "KWD", "EUR"}
    assert set(df["interval"]) == {"day", "week", "month", "year"}
    assert set(df["status"]) >= {"active", "past_due", "trialing", "canceled", "unpaid", "paused"}
    assert (df["cancel_at_period_end"] == "true").any()
    assert (df["trial_end"] != "").any()
    assert set(df["discount_type"]) == {"", "percent", "amount"}
    assert movements(FIRST_MONTH, LAST_MONTH, AS_OF, AS_OF)["reactivated_customers"].sum() > 0


@pytest.mark.parametrize("as_of", [date(2023, 6, 30), date(2024, 2, 29), AS_OF], ids=str)
def test_mrr_snapshot_matches_pandas(as_of: date) -> None:
    live = covering(as_of)
    usd = converted(live, as_of)
    mrr = exact_sum(usd)
    paying = live[live["value"] > 0]["customer_id"].nunique()
    snapshot = ledger().snapshot(as_of)
    assert snapshot.mrr == mrr
    assert snapshot.arr == mrr * 12
    assert snapshot.active_customers == live["customer_id"].nunique()
    assert snapshot.paying_customers == paying
    assert snapshot.arpu is not None
    with localcontext() as ctx:
        ctx.prec = 80
        assert presented(snapshot.arpu) == presented(mrr / paying)
    native = live.groupby("currency")["value"].sum()
    nonzero = {c: v for c, v in snapshot.by_currency.items() if v != 0}
    assert nonzero == {c: Decimal(int(v)) / SCALE for c, v in native.items() if v != 0}


def test_movements_over_24_months_match_pandas() -> None:
    peer = movements(FIRST_MONTH, LAST_MONTH, AS_OF, AS_OF)
    table = ledger().movements(FIRST_MONTH, AS_OF)
    assert [m.month for m in table.months] == list(peer.index)
    for m in table.months:
        want = peer.loc[m.month]
        for name in peer.columns:
            assert getattr(m, name) == want[name], f"{m.month} {name}"


@pytest.mark.parametrize("month", [date(2023, 9, 1), date(2024, 7, 1)], ids=str)
def test_churn_metrics_match_pandas(month: date) -> None:
    end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    t = movements(month, month, end, end).iloc[0]
    losses = t["churn"] + t["contraction"]
    churn = ledger().churn(month)
    assert (churn.customers_start, churn.churned_customers) == (
        t["customers_start"],
        t["churned_customers"],
    )
    assert churn.customer_churn_rate == ratio(
        Decimal(int(t["churned_customers"])), Decimal(int(t["customers_start"]))
    )
    assert (churn.mrr_start, churn.churned_mrr, churn.contraction_mrr) == (
        t["mrr_start"],
        t["churn"],
        t["contraction"],
    )
    assert churn.gross_mrr_churn_rate == ratio(losses, t["mrr_start"])
    assert churn.net_mrr_churn_rate == ratio(losses - t["expansion"], t["mrr_start"])
    assert churn.nrr == ratio(t["mrr_start"] + t["expansion"] - losses, t["mrr_start"])
    assert churn.grr == ratio(t["mrr_start"] - losses, t["mrr_start"])
    gains = t["new"] + t["expansion"] + t["reactivation"]
    assert churn.quick_ratio == ratio(gains, losses)


def test_ltv_matches_pandas() -> None:
    # The 3 complete months before 2024-12-20: September to November.
    window = movements(date(2024, 9, 1), date(2024, 11, 1), date(2024, 11, 30), AS_OF)
    churned = int(window["churned_customers"].sum())
    customer_months = int(window["customers_start"].sum())
    live = covering(AS_OF)
    mrr = exact_sum(converted(live, AS_OF))
    paying = live[live["value"] > 0]["customer_id"].nunique()
    ltv = ledger().ltv(AS_OF)
    assert (ltv.window_start, ltv.window_end) == (date(2024, 9, 1), date(2024, 11, 1))
    assert (ltv.churned_customers, ltv.customer_months) == (churned, customer_months)
    assert ltv.monthly_churn_rate == ratio(Decimal(churned), Decimal(customer_months))
    assert ltv.kind == "finite"
    assert ltv.value is not None
    with localcontext() as ctx:
        ctx.prec = 80
        assert presented(ltv.value) == presented(mrr * customer_months / (paying * churned))


def test_monthly_cohorts_match_pandas() -> None:
    months, measure = month_days(FIRST_MONTH, LAST_MONTH, AS_OF)
    values = customer_values(measure[1:], AS_OF)
    fp = first_paid().reindex(values.index)
    fp = fp[fp <= day_number(AS_OF)]
    cohort_of = pd.to_datetime(fp, unit="D").dt.to_period("M").dt.start_time.dt.date
    pieces = segments().assign(usd=converted(segments(), AS_OF))
    pieces = pieces.join(fp.rename("first_paid"), on="customer_id", how="inner")
    at_first = pieces[
        (pieces["start"] <= pieces["first_paid"]) & (pieces["first_paid"] < pieces["end"])
    ]
    with localcontext() as ctx:
        ctx.prec = 80
        initial = at_first.groupby("customer_id")["usd"].sum()
    table = ledger().cohorts("month", as_of=AS_OF)
    assert [c.period_start for c in table.cohorts] == sorted(set(cohort_of))
    for cohort in table.cohorts:
        members = cohort_of[cohort_of == cohort.period_start].index
        j0 = months.index(cohort.period_start)
        block = values.loc[members, list(range(j0, len(months)))]
        assert cohort.customers == len(members)
        assert cohort.initial_mrr == exact_sum(initial.reindex(members).fillna(Decimal(0)))
        assert list(cohort.retained_customers) == [int((block[k] > 0).sum()) for k in block]
        assert list(cohort.retained_mrr) == [exact_sum(block[k]) for k in block]
        assert list(cohort.logo_retention_pct) == [
            ratio(Decimal(100 * n), Decimal(len(members))) for n in cohort.retained_customers
        ]
        assert list(cohort.revenue_retention_pct) == [
            ratio(100 * m, cohort.initial_mrr) for m in cohort.retained_mrr
        ]


@pytest.mark.parametrize("by", ["tier", "plan", "currency"])
def test_breakdowns_match_pandas(by: str) -> None:
    live = covering(AS_OF)
    live = live.assign(usd=converted(live, AS_OF), paying=live["value"] > 0)
    key = {"tier": "tier", "plan": "plan_id", "currency": "currency"}[by]
    with localcontext() as ctx:
        ctx.prec = 80
        groups = live.groupby(key).agg(
            subscriptions=("usd", "size"),
            customers=("customer_id", "nunique"),
            mrr=("usd", "sum"),
        )
    groups["paying_customers"] = live[live["paying"]].groupby(key)["customer_id"].nunique()
    groups["paying_customers"] = groups["paying_customers"].fillna(0).astype(int)
    total = exact_sum(groups["mrr"])
    breakdown = ledger().breakdown(AS_OF, by=by)
    assert breakdown.total_mrr == total
    assert [r.key for r in breakdown.rows] == sorted(
        groups.index, key=lambda k: (-groups.loc[k, "mrr"], k)
    )
    for row in breakdown.rows:
        want = groups.loc[row.key]
        assert (row.subscriptions, row.customers, row.paying_customers) == (
            want["subscriptions"],
            want["customers"],
            want["paying_customers"],
        )
        assert row.mrr == want["mrr"]
        assert row.share == ratio(want["mrr"], total)


def test_forecast_matches_pandas_least_squares() -> None:
    # Six months of growth before the last complete month (November 2024): May..November.
    months = list(pd.date_range(date(2024, 5, 1), date(2024, 11, 1), freq="MS").date)
    ends = [(pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date() for m in months]
    history = [exact_sum(converted(covering(d), AS_OF)) for d in ends]
    x = pd.Series(range(len(history)), dtype=object)
    y = pd.Series(history, dtype=object)
    with localcontext() as ctx:
        ctx.prec = 80
        n = len(history)
        slope = (n * (x * y).sum() - x.sum() * y.sum()) / (n * (x * x).sum() - x.sum() ** 2)
        intercept = (y.sum() - slope * x.sum()) / n
        linear = [presented(max(intercept + slope * (n - 1 + k), Decimal(0))) for k in (1, 2, 3)]
        cmgr = (history[-1] / history[0]) ** (Decimal(1) / (n - 1)) - 1
    forecast = ledger().forecast(3, as_of=AS_OF)
    assert list(forecast.history) == months
    assert list(forecast.history.values()) == history
    assert [p.linear for p in forecast.points] == linear
    assert forecast.compound_monthly_growth_rate is not None
    assert abs(forecast.compound_monthly_growth_rate - cmgr) < Decimal("1e-9")
    for k, point in enumerate(forecast.points, start=1):
        assert point.compound is not None
        expected = history[-1] * (1 + cmgr) ** k
        assert abs(point.compound - expected) <= 1 + expected * Decimal("1e-9")
