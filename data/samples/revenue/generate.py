#!/usr/bin/env python3
"""Generate a deterministic sample of subscriptions (CSV) for the revenue demo and benchmarks.

Standard library only. The generator is splitmix64-driven integer arithmetic, mirrored exactly by
``benches/revenue.rs`` (``generate``), so Rust and Python benchmarks see the same subscriptions::

    python3 data/samples/revenue/generate.py                      # the bundled 3,000-row sample
    python3 data/samples/revenue/generate.py --count 1000000 --out /tmp/subs.csv

Mix: two years of starts from 2023-01-01; tiers FREE/PRO/TEAM/ENTERPRISE; monthly, yearly
(some every 2 years), weekly and daily (every 30 days) billing; USD, EUR, GBP, JPY, KWD, CAD;
trials, past_due, canceled, unpaid, paused, cancel-at-period-end; percent and amount discounts.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import sys

MASK = (1 << 64) - 1
BASE = datetime.date(2023, 1, 1)
HEADER = [
    "id",
    "customer_id",
    "plan_id",
    "tier",
    "status",
    "unit_amount",
    "currency",
    "interval",
    "interval_count",
    "quantity",
    "discount_type",
    "discount_value",
    "discount_end",
    "created",
    "start",
    "trial_end",
    "canceled_at",
    "ended_at",
    "cancel_at_period_end",
]
# Monthly list price per seat, in USD cents, per tier.
TIER_CENTS = {"FREE": 0, "PRO": 2900, "TEAM": 9900, "ENTERPRISE": 49900}
# Price in minor units of each currency for 100 USD cents: (numerator, denominator).
CURRENCY_PER_100_CENTS = {
    "USD": (100, 1),
    "EUR": (92, 1),
    "GBP": (79, 1),
    "JPY": (150, 100),
    "KWD": (307, 1000),
    "CAD": (136, 1),
}


class SplitMix64:
    """Sebastiano Vigna's splitmix64: tiny, fast and identical in every language."""

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return self.next() % n


def pick(rng: SplitMix64, table: list[tuple[int, str]]) -> str:
    r = rng.below(100)
    for limit, value in table:
        if r < limit:
            return value
    return table[-1][1]


def rows(count: int, seed: int) -> list[list[str]]:
    rng = SplitMix64(seed)
    customers = count * 7 // 10 + 1
    out = []
    for i in range(count):
        customer = rng.below(customers)
        tier = pick(rng, [(10, "FREE"), (60, "PRO"), (85, "TEAM"), (100, "ENTERPRISE")])
        currency = pick(
            rng, [(55, "USD"), (75, "EUR"), (85, "GBP"), (92, "JPY"), (95, "KWD"), (100, "CAD")]
        )
        interval = pick(rng, [(70, "month"), (90, "year"), (97, "week"), (100, "day")])
        coin = rng.below(5)
        if interval == "month":
            count_, months = (3, 3) if coin == 0 else (1, 1)
        elif interval == "year":
            count_, months = (2, 24) if coin == 0 else (1, 12)
        elif interval == "week":
            count_, months = 1, 0
        else:
            count_, months = 30, 0
        cents = TIER_CENTS[tier]
        if interval == "week":
            period_cents = cents * 12 // 52
        elif interval == "day":
            period_cents = cents
        else:
            period_cents = cents * months
        num, den = CURRENCY_PER_100_CENTS[currency]
        unit_amount = period_cents * num // (100 * den)
        quantity = 1 + rng.below(20) if tier in ("TEAM", "ENTERPRISE") else 1
        start_offset = rng.below(730)
        start = BASE + datetime.timedelta(days=start_offset)
        trial_end = ""
        if rng.below(4) == 0:
            trial_end = (start + datetime.timedelta(days=14)).isoformat()
        status = pick(
            rng,
            [
                (70, "active"),
                (75, "past_due"),
                (79, "trialing"),
                (94, "canceled"),
                (97, "unpaid"),
                (100, "paused"),
            ],
        )
        if status == "trialing" and not trial_end:
            trial_end = (start + datetime.timedelta(days=30)).isoformat()
        length = 30 + rng.below(500)
        canceled_at = ended_at = ""
        cancel_at_period_end = "false"
        if status == "canceled":
            ended_at = (start + datetime.timedelta(days=length)).isoformat()
            canceled_at = ended_at
        elif status == "active" and rng.below(30) == 0:
            cancel_at_period_end = "true"
            canceled_at = (start + datetime.timedelta(days=length)).isoformat()
        discount_type = discount_value = discount_end = ""
        d = rng.below(40)
        if d < 4:
            discount_type, discount_value = "percent", ("10", "20", "25", "50")[d]
            if d % 2 == 0:
                discount_end = (start + datetime.timedelta(days=90 * (d + 1))).isoformat()
        elif d == 4:
            discount_type, discount_value = "amount", str(unit_amount // 10)
        out.append(
            [
                f"sub_{i}",
                f"cus_{customer}",
                f"{tier.lower()}_{interval}_{count_}",
                tier,
                status,
                str(unit_amount),
                currency,
                interval,
                str(count_),
                str(quantity),
                discount_type,
                discount_value,
                discount_end,
                start.isoformat(),
                start.isoformat(),
                trial_end,
                canceled_at,
                ended_at,
                cancel_at_period_end,
            ]
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default="-", help="output file (default: stdout)")
    args = parser.parse_args()
    handle = sys.stdout if args.out == "-" else open(args.out, "w", newline="")  # noqa: SIM115
    with handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows(args.count, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
