"""Time cognition_core's revenue metrics against idiomatic pandas and polars.

Run: .venv/bin/python benches/python/revenue.py [--count 1000000] (or `make bench`, which installs
benches/python/requirements-bench.txt). All three run in this process on the same generated
subscriptions (data/samples/revenue/generate.py, default 1,000,000, seed 42; USD reporting with
the rates of data/samples/revenue/fx.csv) and compute the same three things:

- MRR as of a day (2024-06-30);
- 24 months of MRR movements (new, expansion, contraction, churn, reactivation per month) in
  USD, as the peers compute them (``by_currency=False``: no per-currency tables);
- monthly cohorts (customers and MRR retained at each month end, per first-paid month).

Each peer first turns the subscriptions into pieces of constant monthly amount (start, end,
customer, USD value; the documented conventions: trials, statuses, cancel at period end,
discounts with an end, interval normalisation), the work ``RevenueLedger`` does once when it
indexes; that preparation is timed separately, like our load + index. The queries are then
idiomatic: boolean masks and ``groupby`` for pandas, expressions and ``group_by`` for polars (the
peers use float64 money, as idiomatic code does; we are exact). The table reports the median of
several interleaved repeats and the ratio (the peer's time divided by ours: above 1 means we are
faster).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import cognition_core
import numpy as np
import pandas as pd
import polars as pl

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples" / "revenue"
REPEATS = 5
AS_OF = date(2024, 6, 30)
FIRST_MONTH = date(2023, 1, 1)
END = date(2024, 12, 31)
EPOCH = date(1970, 1, 1)
OPEN = 10**9
MINOR_UNITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "KWD": 3, "CAD": 2}
MONTHLY = {"day": 365 / 12, "week": 52 / 12, "month": 1.0, "year": 1 / 12}


def day_number(d: date) -> int:
    return (d - EPOCH).days


def write_sample(count: int, path: Path) -> None:
    spec = importlib.util.spec_from_file_location("revenue_sample", SAMPLES / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with path.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(module.HEADER)
        writer.writerows(module.rows(count, 42))


def month_ends() -> tuple[list[date], list[int]]:
    months = list(pd.date_range(FIRST_MONTH, END, freq="MS").date)
    measure = [months[0] - timedelta(days=1)]
    measure += [(pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date() for m in months]
    return months, [day_number(d) for d in measure]


# ---------------------------------------------------------------- pandas


def usd_per_minor_unit(on: date) -> dict[str, float]:
    fx = pd.read_csv(SAMPLES / "fx.csv", dtype=str, keep_default_na=False)
    rates = {"USD": 1.0}
    for row in fx.sort_values("from").itertuples():
        if not row[3] or date.fromisoformat(row[3]) <= on:
            rates[row[1]] = float(row[2])
    return {c: rates[c] * 10 ** (2 - MINOR_UNITS[c]) for c in MINOR_UNITS}


def pandas_pieces(path: Path) -> pd.DataFrame:
    """Subscriptions → pieces of constant USD monthly amount (the peers' index)."""
    df = pd.read_csv(path, dtype={"discount_type": str}, keep_default_na=False)

    def days(column: str) -> pd.Series:
        parsed = pd.to_datetime(df[column].replace("", None))
        return (parsed - pd.Timestamp(EPOCH)).dt.days

    start, trial, canceled, ended = (
        days("start"),
        days("trial_end"),
        days("canceled_at"),
        days("ended_at"),
    )
    paid = np.maximum(start, trial.fillna(start))
    step = (
        df["interval"].map({"day": 1, "week": 7, "month": 30.4375, "year": 365.25})
        * df["interval_count"]
    )
    cancels = (df["cancel_at_period_end"].astype(str).str.lower() == "true") & canceled.notna()
    period_end = paid + ((canceled - paid) // step + 1) * step
    end = ended.fillna(period_end.where(cancels)).fillna(OPEN)
    end = end.where(df["status"] != "canceled", ended.fillna(canceled))
    counted = df["status"].isin(["active", "past_due", "canceled"]) & (paid < end)
    factor = (
        df["interval"].map(MONTHLY)
        / df["interval_count"]
        * df["currency"].map(usd_per_minor_unit(END))
    )
    invoice = df["unit_amount"] * df["quantity"]
    value = pd.to_numeric(df["discount_value"], errors="coerce").fillna(0)
    discounted = np.where(
        df["discount_type"] == "percent",
        invoice * (100 - value) / 100,
        np.maximum(invoice - value.where(df["discount_type"] == "amount", 0), 0),
    )
    free = df["tier"] == "FREE"
    with_discount = np.where(free, 0.0, discounted * factor)
    without = np.where(free, 0.0, invoice * factor)
    split = days("discount_end").fillna(OPEN).clip(paid, end)
    base = pd.DataFrame({"customer": df["customer_id"].str[4:].astype(np.int64), "start": paid})
    first = base.assign(end=split, value=with_discount)
    second = base.assign(start=split, end=end, value=without)
    second = second[counted & (df["discount_type"] != "")]
    pieces = pd.concat([first[counted], second], ignore_index=True)
    pieces = pieces[pieces["start"] < pieces["end"]].astype({"start": np.int64, "end": np.int64})
    return pieces.reset_index(drop=True)


def pandas_mrr(p: pd.DataFrame, d: int) -> float:
    return float(p.loc[(p["start"] <= d) & (d < p["end"]), "value"].sum())


def pandas_customer_matrix(p: pd.DataFrame, days: list[int]) -> pd.DataFrame:
    columns = {
        k: p.loc[(p["start"] <= d) & (d < p["end"])].groupby("customer")["value"].sum()
        for k, d in enumerate(days)
    }
    return pd.DataFrame(columns).fillna(0.0)


def pandas_movements(p: pd.DataFrame, days: list[int]) -> pd.DataFrame:
    matrix = pandas_customer_matrix(p, days)
    first_paid = p[p["value"] > 0].groupby("customer")["start"].min()
    values = matrix.to_numpy()
    a, b = values[:, :-1], values[:, 1:]
    fp = first_paid.reindex(matrix.index).to_numpy()[:, None]
    returning = fp <= np.array(days[:-1])[None, :]
    up = (a == 0) & (b > 0)
    return pd.DataFrame(
        {
            "new": np.where(up & ~returning, b, 0).sum(axis=0),
            "reactivation": np.where(up & returning, b, 0).sum(axis=0),
            "churn": np.where((a > 0) & (b == 0), a, 0).sum(axis=0),
            "expansion": np.where((a > 0) & (b > a), b - a, 0).sum(axis=0),
            "contraction": np.where((b > 0) & (b < a), a - b, 0).sum(axis=0),
        }
    )


def pandas_cohorts(p: pd.DataFrame, days: list[int]) -> pd.DataFrame:
    first_paid = p[p["value"] > 0].groupby("customer")["start"].min()
    cohort = pd.to_datetime(first_paid, unit="D").dt.to_period("M")
    values = pandas_customer_matrix(p, days[1:]).reindex(first_paid.index).fillna(0.0)
    retained = (values > 0).groupby(cohort).sum()
    mrr = values.groupby(cohort).sum()
    return pd.concat({"customers": retained, "mrr": mrr}, axis=1)


# ---------------------------------------------------------------- polars


def polars_mrr(p: pl.DataFrame, d: int) -> float:
    return float(p.filter((pl.col("start") <= d) & (pl.col("end") > d))["value"].sum())


def polars_matrix(p: pl.DataFrame, days: list[int]) -> pl.DataFrame:
    return (
        p.lazy()
        .select(
            "customer",
            *[
                pl.when((pl.col("start") <= d) & (pl.col("end") > d))
                .then(pl.col("value"))
                .otherwise(0.0)
                .alias(str(k))
                for k, d in enumerate(days)
            ],
        )
        .group_by("customer")
        .agg(pl.all().sum())
        .collect()
    )


def polars_movements(p: pl.DataFrame, days: list[int]) -> pl.DataFrame:
    first = (
        p.filter(pl.col("value") > 0).group_by("customer").agg(pl.col("start").min().alias("fp"))
    )
    m = polars_matrix(p, days).join(first, on="customer", how="left")
    out = []
    for k in range(len(days) - 1):
        a, b = pl.col(str(k)), pl.col(str(k + 1))
        up = (a == 0) & (b > 0)
        returning = pl.col("fp") <= days[k]
        out.append(
            m.select(
                pl.when(up & returning.not_()).then(b).otherwise(0).sum().alias("new"),
                pl.when(up & returning).then(b).otherwise(0).sum().alias("reactivation"),
                pl.when((a > 0) & (b == 0)).then(a).otherwise(0).sum().alias("churn"),
                pl.when((a > 0) & (b > a)).then(b - a).otherwise(0).sum().alias("expansion"),
                pl.when((b > 0) & (b < a)).then(a - b).otherwise(0).sum().alias("contraction"),
            )
        )
    return pl.concat(out)


def polars_cohorts(p: pl.DataFrame, days: list[int]) -> pl.DataFrame:
    first = (
        p.filter(pl.col("value") > 0).group_by("customer").agg(pl.col("start").min().alias("fp"))
    )
    m = polars_matrix(p, days[1:]).join(first, on="customer", how="inner")
    cohort = (pl.lit(EPOCH) + pl.duration(days=pl.col("fp"))).dt.truncate("1mo").alias("cohort")
    columns = [str(k) for k in range(len(days) - 1)]
    return m.group_by(cohort).agg(
        *[(pl.col(c) > 0).sum().alias(f"customers_{c}") for c in columns],
        *[pl.col(c).sum().alias(f"mrr_{c}") for c in columns],
    )


# ---------------------------------------------------------------- timing


def median_ms(calls: list[Callable[[], Any]]) -> list[float]:
    runs: list[list[float]] = [[] for _ in calls]
    for _ in range(REPEATS):
        for i, call in enumerate(calls):
            t0 = time.perf_counter()
            call()
            runs[i].append((time.perf_counter() - t0) * 1000)
    return [statistics.median(r) for r in runs]


def once_ms(call: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = call()
    return (time.perf_counter() - t0) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "subscriptions.csv"
        write_sample(args.count, path)
        options = {"reporting_currency": "USD", "fx_csv": SAMPLES / "fx.csv"}
        load_ms, ledger = once_ms(lambda: cognition_core.RevenueLedger.from_csv(path, **options))
        index_ms, _ = once_ms(lambda: ledger.mrr(AS_OF))
        pandas_prep_ms, pieces = once_ms(lambda: pandas_pieces(path))
    polars_prep_ms, frame = once_ms(lambda: pl.from_pandas(pieces))
    months, days = month_ends()
    d = day_number(AS_OF)
    ours = [
        lambda: ledger.mrr(AS_OF),
        lambda: ledger.movements(FIRST_MONTH, END, by_currency=False),
        lambda: ledger.cohorts("month", as_of=END),
    ]
    panda = [
        lambda: pandas_mrr(pieces, d),
        lambda: pandas_movements(pieces, days),
        lambda: pandas_cohorts(pieces, days),
    ]
    polar = [
        lambda: polars_mrr(frame, d),
        lambda: polars_movements(frame, days),
        lambda: polars_cohorts(frame, days),
    ]
    times = median_ms([*ours, *panda, *polar])
    names = ["MRR as of a day", f"movements, {len(months)} months", "monthly cohorts"]
    print(
        f"revenue metrics on {args.count:,} subscriptions ({len(pieces):,} counted pieces); "
        f"Python {platform.python_version()}, pandas {pd.__version__}, polars {pl.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; "
        f"median of {REPEATS} interleaved repeats"
    )
    print(
        f"{'operation':<26}{'ours ms':>11}{'pandas ms':>11}{'polars ms':>11}"
        f"{'vs pandas':>11}{'vs polars':>11}"
    )
    for i, name in enumerate(names):
        o, pa, po = times[i], times[3 + i], times[6 + i]
        print(f"{name:<26}{o:>11.3f}{pa:>11.3f}{po:>11.3f}{pa / o:>10.1f}x{po / o:>10.1f}x")
    print(
        f"one-off: ours load CSV {load_ms:.0f} ms + index {index_ms:.0f} ms; "
        f"pandas read + prepare {pandas_prep_ms:.0f} ms; polars from pandas {polars_prep_ms:.0f} ms"
    )
    print("ratio: the peer's median time divided by cognition_core's (above 1: we are faster)")


if __name__ == "__main__":
    main()
