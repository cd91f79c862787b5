"""Revenue analytics: MRR, ARR, ARPU, LTV, churn, MRR movements, cohorts, forecasts, breakdowns.

Thin typed wrappers over ``cognition_core._native``: the native layer speaks the core's JSON form
(decimal strings, ``"YYYY-MM-DD"`` days); this module checks argument types (``TypeError`` for a
wrong type, never a silent coercion: money is ``Decimal``, ``int`` or a decimal ``str``, never a
``float``), turns ``date``s into days and results into frozen dataclasses of ``Decimal`` and
``date``. Every rule and every number comes from the Rust core; see its documentation for the
conventions (money in minor units, half-even rounding when presented, MRR normalisation, what
counts, multi-currency). ``as_of=None`` means today (UTC), read here and never in the core.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from . import _native
from ._errors import ErrorCode, _new_error
from ._revenue_inputs import (
    Day,
    Discount,
    FxRate,
    Subscription,
    _as_of,
    _day,
    _fx_json,
    _json_bytes,
    _months,
    _record_json,
    _str,
    _type_error,
)
from ._revenue_results import (
    UNBOUNDED,
    Breakdown,
    BreakdownRow,
    ChurnMetrics,
    Cohort,
    CohortTable,
    Forecast,
    ForecastPoint,
    Ltv,
    MonthMovements,
    Movements,
    MrrSnapshot,
    Ratio,
    _date,
)

__all__ = [
    "UNBOUNDED",
    "Breakdown",
    "BreakdownRow",
    "ChurnMetrics",
    "Cohort",
    "CohortTable",
    "Discount",
    "Forecast",
    "ForecastPoint",
    "FxRate",
    "Ltv",
    "MonthMovements",
    "Movements",
    "MrrSnapshot",
    "Ratio",
    "RevenueLedger",
    "Subscription",
]


# ---------------------------------------------------------------- the ledger


class RevenueLedger:
    """Subscriptions and their history, and every revenue metric over them, exact to the minor
    unit. Money is ``Decimal`` in minor units of the reporting currency.

    Options (keyword-only, also on every ``from_*`` constructor): ``reporting_currency`` (needed
    with several currencies), ``fx_rates`` (``{"EUR": Decimal("1.08")}`` or a sequence of
    :class:`FxRate`, dated with ``since``) or ``fx_csv`` (a ``currency,rate[,from]`` file), and
    ``count_past_due`` (default ``True``). A missing rate is a :class:`RevenueError` naming the
    currency, never a silent zero.

    A ledger is safe to share between threads: metrics release the interpreter and run in
    parallel; loads wait for them and are all or nothing.
    """

    def __init__(
        self,
        *,
        reporting_currency: str | None = None,
        fx_rates: Mapping[str, Decimal | int | str] | Sequence[FxRate] | None = None,
        fx_csv: str | os.PathLike[str] | None = None,
        count_past_due: bool = True,
    ) -> None:
        if not isinstance(count_past_due, bool):
            raise _type_error("count_past_due", "a bool", count_past_due)
        if fx_csv is not None and fx_rates is not None:
            raise _new_error(ErrorCode.INVALID_ARGUMENT, "give fx_rates or fx_csv, not both")
        config = {"count_past_due": count_past_due, "fx": _fx_json(reporting_currency, fx_rates)}
        if fx_csv is not None and reporting_currency is not None:
            config["fx"] = {
                "reporting": _str(reporting_currency, "reporting_currency"),
                "rates": [],
            }
        csv_bytes = None
        if fx_csv is not None:
            if not isinstance(fx_csv, (str, os.PathLike)):
                raise _type_error("fx_csv", "a path", fx_csv)
            with open(fx_csv, "rb") as f:
                csv_bytes = f.read()
        self._native = _native.NativeRevenueLedger(config, csv_bytes)

    # ------------------------------------------------------------ loading

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, Any] | Subscription], **options: Any
    ) -> RevenueLedger:
        """A ledger of ``records``: :class:`Subscription`s or dicts with its field names (money as
        ``Decimal``/``int``/decimal ``str``, days as ``date`` or ``YYYY-MM-DD``). All or nothing;
        errors name the record (``records[i]``) and its id."""
        ledger = cls(**options)
        ledger.add(records)
        return ledger

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], **options: Any) -> RevenueLedger:
        """A ledger loaded from a CSV file (columns: ``id, customer_id, plan_id, tier, status,
        unit_amount, currency, interval, interval_count, quantity, discount_type,
        discount_value, discount_start, discount_end, created, start, trial_end, canceled_at,
        ended_at, cancel_at_period_end``; see the core's ``csv`` module). Every bad row is
        reported with its line and column, and nothing is loaded then."""
        ledger = cls(**options)
        ledger.load_csv(path)
        return ledger

    @classmethod
    def from_stripe(
        cls, subscriptions: Iterable[Mapping[str, Any]], **options: Any
    ) -> RevenueLedger:
        """A ledger of Stripe Subscription objects as the API returns them (dicts; items with
        their prices expanded). Errors name the object (``subscriptions[i]``) and JSON path."""
        ledger = cls(**options)
        ledger.add_stripe(subscriptions)
        return ledger

    def add(self, records: Iterable[Mapping[str, Any] | Subscription]) -> int:
        """Add subscriptions, all or nothing; return how many were added."""
        if isinstance(records, (str, bytes, Mapping, Subscription)) or not isinstance(
            records, Iterable
        ):
            raise _type_error("records", "an iterable of Subscription or dict", records)
        items = [_record_json(r, f"records[{i}]") for i, r in enumerate(records)]
        return self._native.add_records(items)

    def load_csv(self, path: str | os.PathLike[str]) -> int:
        """Load subscriptions from a CSV file (see :meth:`from_csv`); return how many."""
        if not isinstance(path, (str, os.PathLike)):
            raise _type_error("path", "a str or os.PathLike", path)
        return self._native.load_csv_file(os.fspath(path))

    def load_csv_text(self, text: str | bytes) -> int:
        """Load subscriptions from CSV text (see :meth:`from_csv`); return how many."""
        if isinstance(text, str):
            text = text.encode("utf-8", errors="surrogatepass")
        if not isinstance(text, bytes):
            raise _type_error("text", "a str or bytes", text)
        return self._native.load_csv_bytes(text)

    def add_stripe(self, subscriptions: Iterable[Mapping[str, Any]]) -> int:
        """Add Stripe Subscription objects (see :meth:`from_stripe`), all or nothing."""
        if isinstance(subscriptions, (str, bytes, Mapping)) or not isinstance(
            subscriptions, Iterable
        ):
            raise _type_error("subscriptions", "an iterable of dicts", subscriptions)
        objects = list(subscriptions)
        for i, obj in enumerate(objects):
            if not isinstance(obj, Mapping):
                raise _type_error(f"subscriptions[{i}]", "a dict", obj)
        return self._native.add_stripe(objects)

    def apply_event(self, event: Mapping[str, Any] | bytes | str) -> bool:
        """Apply a ``customer.subscription.*`` event (the envelope Stripe delivers, as a dict or
        its JSON): the new state applies from the event's UTC day on. Return ``True`` if the
        ledger changed, ``False`` for an event that does not change revenue. Events must come in
        order per subscription (an older one is a ``REVENUE_EVENT_OUT_OF_ORDER`` error)."""
        return self._native.apply_event(_json_bytes(event, "event"))

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return (
            f"RevenueLedger(subscriptions={len(self)}, "
            f"reporting_currency={self.reporting_currency!r}, "
            f"count_past_due={self._native.count_past_due})"
        )

    @property
    def reporting_currency(self) -> str | None:
        """The reporting currency given, or ``None`` (the ledger's only currency is used)."""
        return self._native.reporting_currency

    # ------------------------------------------------------------ metrics

    def snapshot(self, as_of: Day | None = None) -> MrrSnapshot:
        """MRR, ARR, active and paying customers, ARPU and MRR per currency as of ``as_of``."""
        return MrrSnapshot._from_native(self._native.mrr(_as_of(as_of)))

    def mrr(self, as_of: Day | None = None) -> Decimal:
        """MRR as of the end of ``as_of``, exact, in minor units of the reporting currency."""
        return self.snapshot(as_of).mrr

    def mrr_in(self, currency: str, as_of: Day | None = None) -> Decimal:
        """MRR of one currency as of ``as_of``, unconverted, in its minor units."""
        return Decimal(self._native.mrr_in(_str(currency, "currency"), _as_of(as_of)))

    def arr(self, as_of: Day | None = None) -> Decimal:
        """ARR (MRR * 12) as of ``as_of``."""
        return self.snapshot(as_of).arr

    def arpu(self, as_of: Day | None = None) -> Decimal | None:
        """ARPU (ARPA: MRR ÷ paying customers) as of ``as_of``; ``None`` with no paying customer."""
        return self.snapshot(as_of).arpu

    def ltv(self, as_of: Day | None = None, *, window_months: int = 3) -> Ltv:
        """LTV as of ``as_of`` over the ``window_months`` complete months before it."""
        window = _months(window_months, "window_months")
        return Ltv._from_native(self._native.ltv(_as_of(as_of), window))

    def churn(self, month: Day) -> ChurnMetrics:
        """Churn, NRR, GRR and quick ratio of the month containing ``month`` (any day of it)."""
        return ChurnMetrics._from_native(self._native.churn(_day(month, "month")))

    def movements(
        self, start: Day, end: Day | None = None, *, by_currency: bool = True
    ) -> Movements:
        """MRR movements for each month from ``start``'s to ``end``'s (default today), the last
        month measured up to ``end``. With ``by_currency=False`` only the reporting-currency table
        is computed (``Movements.by_currency`` is empty), which is faster when that is all you
        show."""
        if not isinstance(by_currency, bool):
            raise _type_error("by_currency", "a bool", by_currency)
        return Movements._from_native(
            self._native.movements(_day(start, "start"), _as_of(end, "end"), by_currency)
        )

    def cohorts(self, period: str = "month", *, as_of: Day | None = None) -> CohortTable:
        """Cohorts by the ``period`` (day, week, month, quarter) of each customer's first paid
        day, with logo and revenue retention up to ``as_of``."""
        return CohortTable._from_native(self._native.cohorts(_str(period, "period"), _as_of(as_of)))

    def forecast(
        self, months: int = 12, *, as_of: Day | None = None, history_months: int = 6
    ) -> Forecast:
        """Project month-end MRR ``months`` months past the last complete month before
        ``as_of``, by compound growth and least squares over ``history_months`` of history."""
        return Forecast._from_native(
            self._native.forecast(
                _as_of(as_of),
                _months(months, "months"),
                _months(history_months, "history_months"),
            )
        )

    def breakdown(self, as_of: Day | None = None, by: str = "tier") -> Breakdown:
        """Subscriptions, customers, MRR, ARPU and share per ``by`` (tier, plan or currency)."""
        return Breakdown._from_native(self._native.breakdown(_as_of(as_of), _str(by, "by")))

    def report(self, as_of: Day | None = None) -> dict[str, Any]:
        """Every metric as of ``as_of``: ``snapshot``, ``movements`` (12 months), ``churn`` (last
        complete month), ``ltv`` (3 months), ``cohorts`` (monthly), ``forecast`` (12 months),
        ``by_tier``, ``by_plan``, ``by_currency``, as the typed results of the other methods."""
        raw = self._native.report(_as_of(as_of))
        return {
            "as_of": _date(raw["as_of"]),
            "snapshot": MrrSnapshot._from_native(raw["snapshot"]),
            "movements": Movements._from_native(raw["movements"]),
            "churn": ChurnMetrics._from_native(raw["churn"]),
            "ltv": Ltv._from_native(raw["ltv"]),
            "cohorts": CohortTable._from_native(raw["cohorts"]),
            "forecast": Forecast._from_native(raw["forecast"]),
            "by_tier": Breakdown._from_native(raw["by_tier"]),
            "by_plan": Breakdown._from_native(raw["by_plan"]),
            "by_currency": Breakdown._from_native(raw["by_currency"]),
        }
