"""Revenue results: frozen dataclasses of ``Decimal`` money (minor units) and ``date`` days built
from the core's serde output, with ``to_pandas()`` where a table is the natural shape (pandas is
imported only then)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Union

from ._errors import ErrorCode, _new_error

if TYPE_CHECKING:
    import pandas as _pandas  # type: ignore[import-untyped]

#: The value of a :data:`Ratio` with a positive numerator over zero (e.g. a quick ratio with no
#: losses, an average lifetime with no churn): explicit, never ``inf``.
UNBOUNDED: Literal["unbounded"] = "unbounded"

#: A quotient rounded half-even to 12 places, :data:`UNBOUNDED` for x/0, ``None`` for 0/0.
Ratio = Union[Decimal, Literal["unbounded"], None]


# ---------------------------------------------------------------- results


def _dec(value: Any) -> Decimal:
    return Decimal(value)


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _ratio(value: Any) -> Ratio:
    if value is None or value == UNBOUNDED:
        return value  # type: ignore[no-any-return]
    return Decimal(value)


def _date(value: Any) -> date:
    return date.fromisoformat(value)


def _money_amount(value: Any) -> Decimal:
    return Decimal(value["amount"])


def _opt_money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value["amount"])


def _rates(values: Any) -> dict[str, Decimal]:
    return {r["currency"]: Decimal(r["rate"]) for r in values}


def _import_pandas() -> Any:
    try:
        import pandas
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_pandas() needs pandas, which cognition_core does not install: pip install pandas"
        ) from err
    return pandas


@dataclass(frozen=True)
class MrrSnapshot:
    """Revenue as of the end of one day, in minor units of ``currency`` (the reporting
    currency): subscriptions starting that day count, ones ending that day do not."""

    as_of: date
    currency: str
    mrr: Decimal
    arr: Decimal
    active_customers: int
    paying_customers: int
    arpu: Decimal | None
    by_currency: dict[str, Decimal]
    fx_rates: dict[str, Decimal]

    @classmethod
    def _from_native(cls, raw: Mapping[str, Any]) -> MrrSnapshot:
        return cls(
            as_of=_date(raw["as_of"]),
            currency=raw["mrr"]["currency"],
            mrr=_money_amount(raw["mrr"]),
            arr=_money_amount(raw["arr"]),
            active_customers=raw["active_customers"],
            paying_customers=raw["paying_customers"],
            arpu=_opt_money(raw["arpu"]),
            by_currency={m["currency"]: Decimal(m["amount"]) for m in raw["by_currency"]},
            fx_rates=_rates(raw["fx_rates"]),
        )


@dataclass(frozen=True)
class MonthMovements:
    """One month's MRR movements (minor units): ``mrr_end = mrr_start + new + expansion +
    reactivation - contraction - churn`` holds exactly. Per customer, MRR at ``start_day`` (end
    of the previous month) is compared with MRR at ``end_day``."""

    month: date
    start_day: date
    end_day: date
    mrr_start: Decimal
    new: Decimal
    expansion: Decimal
    contraction: Decimal
    churn: Decimal
    reactivation: Decimal
    mrr_end: Decimal
    net_new_mrr: Decimal
    customers_start: int
    new_customers: int
    expansion_customers: int
    contraction_customers: int
    churned_customers: int
    reactivated_customers: int
    customers_end: int

    @classmethod
    def _from_native(cls, raw: Mapping[str, Any]) -> MonthMovements:
        values: dict[str, Any] = {}
        for f in fields(cls):
            v = raw[f.name]
            if f.name in ("month", "start_day", "end_day"):
                values[f.name] = _date(v)
            elif isinstance(v, str):
                values[f.name] = Decimal(v)
            else:
                values[f.name] = v
        return cls(**values)


def _months_frame(months: Sequence[MonthMovements]) -> _pandas.DataFrame:
    pd = _import_pandas()
    frame = pd.DataFrame([asdict(m) for m in months])
    if frame.empty:
        return frame
    return frame.set_index("month")


@dataclass(frozen=True)
class Movements:
    """MRR movements per month in the reporting ``currency`` (converted at the rates in effect on
    the range's end, so currency swings never show as expansion or churn), and per currency."""

    currency: str
    months: tuple[MonthMovements, ...]
    fx_rates: dict[str, Decimal]
    by_currency: dict[str, tuple[MonthMovements, ...]]

    @classmethod
    def _from_native(cls, raw: Mapping[str, Any]) -> Movements:
        def table(t: Mapping[str, Any]) -> tuple[MonthMovements, ...]:
            return tuple(MonthMovements._from_native(m) for m in t["months"])

        return cls(
            currency=raw["reporting"]["currency"],
            months=table(raw["reporting"]),
            fx_rates=_rates(raw["fx_rates"]),
            by_currency={t["currency"]: table(t) for t in raw["by_currency"]},
        )

    def to_pandas(self, currency: str | None = None) -> _pandas.DataFrame:
        """One row per month (index ``month``), in the reporting currency or ``currency``'s own."""
        if currency is None:
            return _months_frame(self.months)
        return _months_frame(self.by_currency[currency.upper()])


@dataclass(frozen=True)
class ChurnMetrics:
    """Churn and retention of one month in the reporting ``currency`` (rates on its last day)."""

    month: date
    currency: str
    customers_start: int
    churned_customers: int
    customer_churn_rate: Ratio
    mrr_start: Decimal
    churned_mrr: Decimal
    contraction_mrr: Decimal
    expansion_mrr: Decimal
    new_mrr: Decimal
    reactivation_mrr: Decimal
    gross_mrr_churn_rate: Ratio
    net_mrr_churn_rate: Ratio
    nrr: Ratio
    grr: Ratio
    quick_ratio: Ratio
    fx_rates: dict[str, Decimal]

    @classmethod
    def _from_native(cls, raw: Mapping[str, Any]) -> ChurnMetrics:
        return cls(
            month=_date(raw["month"]),
            currency=raw["mrr_start"]["currency"],
            customers_start=raw["customers_start"],
            churned_customers=raw["churned_customers"],
            customer_churn_rate=_ratio(raw["customer_churn_rate"]),
            mrr_start=_money_amount(raw["mrr_start"]),
            churned_mrr=_money_amount(raw["churned_mrr"]),
            contraction_mrr=_money_amount(raw["contraction_mrr"]),
            expansion_mrr=_money_amount(raw["expansion_mrr"]),
            new_mrr=_money_amount(raw["new_mrr"]),
            reactivation_mrr=_money_amount(raw["reactivation_mrr"]),
            gross_mrr_churn_rate=_ratio(raw["gross_mrr_churn_rate"]),
            net_mrr_churn_rate=_ratio(raw["net_mrr_churn_rate"]),
            nrr=_ratio(raw["nrr"]),
            grr=_ratio(raw["grr"]),
            quick_ratio=_ratio(raw["quick_ratio"]),
            fx_rates=_rates(raw["fx_rates"]),
        )


@dataclass(frozen=True)
class Ltv:
    """LTV = ARPA ÷ pooled monthly customer churn over the complete months ``window_start`` ..
    ``window_end``. ``kind`` is ``"finite"`` (``value`` set), ``"unbounded"`` (nobody churned)
    or ``"undefined"`` (no paying customer)."""

    as_of: date
    window_start: date
    window_end: date
    window_months: int
    arpa: Decimal | None
    churned_customers: int
    customer_months: int
    monthly_churn_rate: Ratio
    average_lifetime_months: Ratio
    kind: Literal["finite", "unbounded", "undefined"]
    value: Decimal | None

    @classmethod
    def _from_native(cls, raw: Mapping[str, Any]) -> Ltv:
        ltv = raw["ltv"]
        return cls(
            as_of=_date(raw["as_of"]),
            window_start=_date(raw["window_start"]),
            window_end=_date(raw["window_end"]),
            window_months=raw["window_months"],
            arpa=_opt_money(raw["arpa"]),
            churned_customers=raw["churned_customers"],
            customer_months=raw["customer_months"],
            monthly_churn_rate=_ratio(raw["monthly_churn_rate"]),
            average_lifetime_months=_ratio(raw["average_lifetime_months"]),
            kind=ltv["kind"],
            value=_money_amount(ltv["value"]) if ltv["kind"] == "finite" else None,
        )


@dataclass(frozen=True)
class Cohort:
    """Customers whose first paid day falls in one period, followed period by period: ``[k]`` is
    the end of the k-th period after the cohort's own (the current one measured on ``as_of``)."""

    period_start: date
    customers: int
    initial_mrr: Decimal
    retained_customers: tuple[int, ...]
    retained_mrr: tuple[Decimal, ...]
    logo_retention_pct: tuple[Ratio, ...]
    revenue_retention_pct: tuple[Ratio, ...]

    @classmethod
    def _from_native(cls, raw: Mapping[str, Any]) -> Cohort:
        return cls(
            period_start=_date(raw["period_start"]),
            customers=raw["customers"],
            initial_mrr=_dec(raw["initial_mrr"]),
            retained_customers=tuple(raw["retained_customers"]),
            retained_mrr=tuple(_dec(v) for v in raw["retained_mrr"]),
            logo_retention_pct=tuple(_ratio(v) for v in raw["logo_retention_pct"]),
            revenue_retention_pct=tuple(_ratio(v) for v in raw["revenue_retention_pct"]),
        )


_COHORT_VALUES = (
    "retained_customers",
    "retained_mrr",
    "logo_retention_pct",
    "revenue_retention_pct",
)


@dataclass(frozen=True)
class CohortTable:
    """Cohorts of one period length (``day``, ``week``, ``month``, ``quarter``), oldest first;
    MRR in the reporting ``currency`` at the rates of ``as_of``."""

    period: str
    as_of: date
    currency: str
    fx_rates: dict[str, Decimal]
    cohorts: tuple[Cohort, ...]

    @classmethod
    def _from_native(cls, raw: Mapping[str, Any]) -> CohortTable:
        return cls(
            period=raw["period"],
            as_of=_date(raw["as_of"]),
            currency=raw["currency"],
            fx_rates=_rates(raw["fx_rates"]),
            cohorts=tuple(Cohort._from_native(c) for c in raw["cohorts"]),
        )

    def to_pandas(self, values: str = "logo_retention_pct") -> _pandas.DataFrame:
        """The cohort matrix: one row per cohort (index ``period_start``), one column per period
        offset, cells from ``values`` (``retained_customers``, ``retained_mrr``,
        ``logo_retention_pct`` or ``revenue_retention_pct``)."""
        if values not in _COHORT_VALUES:
            raise _new_error(
                ErrorCode.INVALID_ARGUMENT,
                f"values must be one of {', '.join(_COHORT_VALUES)}, got {values!r}",
            )
        pd = _import_pandas()
        rows = {c.period_start: list(getattr(c, values)) for c in self.cohorts}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "period_start"
        return frame


@dataclass(frozen=True)
class ForecastPoint:
    """One projected month-end MRR, rounded half-even to whole minor units."""

    month: date
    compound: Decimal | None
    linear: Decimal


@dataclass(frozen=True)
class Forecast:
    """Month-end MRR projected by compound growth and by least squares, with the ``history``
    (month → MRR) the models were fitted to."""

    as_of: date
    currency: str
    fx_rates: dict[str, Decimal]
    history: dict[date, Decimal]
    compound_monthly_growth_rate: Decimal | None
    linear_slope: Decimal
    linear_intercept: Decimal
    points: tuple[ForecastPoint, ...]

    @classmethod
    def _from_native(cls, raw: Mapping[str, Any]) -> Forecast:
        return cls(
            as_of=_date(raw["as_of"]),
            currency=raw["currency"],
            fx_rates=_rates(raw["fx_rates"]),
            history={_date(h["month"]): _dec(h["mrr"]) for h in raw["history"]},
            compound_monthly_growth_rate=_opt_dec(raw["compound_monthly_growth_rate"]),
            linear_slope=_dec(raw["linear_slope"]),
            linear_intercept=_dec(raw["linear_intercept"]),
            points=tuple(
                ForecastPoint(_date(p["month"]), _opt_dec(p["compound"]), _dec(p["linear"]))
                for p in raw["points"]
            ),
        )

    def to_pandas(self) -> _pandas.DataFrame:
        """One row per projected month (index ``month``): ``compound`` and ``linear``."""
        pd = _import_pandas()
        frame = pd.DataFrame(
            [asdict(p) for p in self.points], columns=["month", "compound", "linear"]
        )
        return frame.set_index("month")


@dataclass(frozen=True)
class BreakdownRow:
    """One group: counted subscriptions, customers, MRR (reporting currency; ``native_mrr`` in
    the group's own currency when grouping by currency), ARPU and share of the total (0..1)."""

    key: str
    subscriptions: int
    customers: int
    paying_customers: int
    mrr: Decimal
    native_mrr: Decimal | None
    arpu: Decimal | None
    share: Ratio


@dataclass(frozen=True)
class Breakdown:
    """MRR per tier, plan or currency as of a day, largest first; rows sum to ``total_mrr``."""

    as_of: date
    by: str
    currency: str
    total_mrr: Decimal
    rows: tuple[BreakdownRow, ...]

    @classmethod
    def _from_native(cls, raw: Mapping[str, Any]) -> Breakdown:
        return cls(
            as_of=_date(raw["as_of"]),
            by=raw["by"],
            currency=raw["total_mrr"]["currency"],
            total_mrr=_money_amount(raw["total_mrr"]),
            rows=tuple(
                BreakdownRow(
                    key=r["key"],
                    subscriptions=r["subscriptions"],
                    customers=r["customers"],
                    paying_customers=r["paying_customers"],
                    mrr=_money_amount(r["mrr"]),
                    native_mrr=_opt_money(r["native_mrr"]),
                    arpu=_opt_money(r["arpu"]),
                    share=_ratio(r["share"]),
                )
                for r in raw["rows"]
            ),
        )

    def to_pandas(self) -> _pandas.DataFrame:
        """One row per group (index ``key``)."""
        pd = _import_pandas()
        columns = [f.name for f in fields(BreakdownRow)]
        frame = pd.DataFrame([asdict(r) for r in self.rows], columns=columns)
        return frame.set_index("key")
