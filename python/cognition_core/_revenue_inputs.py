"""Revenue inputs: argument checks and the subscription, discount and FX-rate types, turned into
the core's JSON form (decimal strings, ``YYYY-MM-DD`` days) for ``cognition_core._native``.

Wrong Python types are ``TypeError`` (money is ``Decimal``, ``int`` or a decimal ``str``, never a
``float``); values the core would refuse are left to it, so every face reports them alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Literal, Union

from ._errors import ErrorCode, _new_error

Money = Union[Decimal, int, str]
Day = Union[date, str]


# ---------------------------------------------------------------- argument checks


def _type_error(what: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{what} must be {expected}, not {type(value).__name__}")


def _money(value: object, what: str) -> str:
    """A money or percent value as the core's decimal string; floats are refused."""
    if isinstance(value, (bool, float)):
        raise _type_error(what, "a Decimal, int or decimal str (never a float)", value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _new_error(ErrorCode.INVALID_ARGUMENT, f"{what} must be finite, got {value}")
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise _type_error(what, "a Decimal, int or decimal str", value)


def _day(value: object, what: str) -> str:
    """A day as ``YYYY-MM-DD``: a ``date``, an aware ``datetime`` (its UTC day) or a str."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise _new_error(
                ErrorCode.INVALID_ARGUMENT,
                f"{what} must be a date or a timezone-aware datetime (naive datetime given)",
            )
        return value.astimezone(timezone.utc).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise _type_error(what, "a date or an ISO 'YYYY-MM-DD' str", value)


def _opt_day(value: object, what: str) -> str | None:
    return None if value is None else _day(value, what)


def _record_day(value: object, what: str) -> str | None:
    """A subscription's day: like :func:`_day`, and a str must be a real ``YYYY-MM-DD`` date (the
    error names the field, which the core's JSON reader cannot)."""
    if value is None:
        return None
    text = _day(value, what)
    try:
        date.fromisoformat(text)
    except ValueError:
        raise _new_error(
            ErrorCode.REVENUE_INVALID_SUBSCRIPTION,
            f"{what}: {text[:40]!r} is not a date (YYYY-MM-DD)",
        ) from None
    return text


def _as_of(value: object, what: str = "as_of") -> str:
    if value is None:
        return datetime.now(timezone.utc).date().isoformat()
    return _day(value, what)


def _int(value: object, what: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(what, "an int", value)
    if value < low:
        raise _new_error(ErrorCode.INVALID_ARGUMENT, f"{what} must be >= {low}, got {value}")
    if value >= 2**63:
        raise _new_error(ErrorCode.INVALID_ARGUMENT, f"{what} must be below 2**63")
    return value


def _months(value: object, what: str) -> int:
    months = _int(value, what, low=1)
    if months > 2**32 - 1:
        raise _new_error(ErrorCode.INVALID_ARGUMENT, f"{what} must be below 2**32, got {months}")
    return months


def _str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _type_error(what, "a str", value)
    return value


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Discount:
    """A discount on each invoice: ``kind`` ``"percent"`` (``value`` in percent, ``0 < v <= 100``)
    or ``"amount"`` (``value`` in minor units of the subscription's currency), applying from
    ``start`` (inclusive, ``None`` = from the subscription's start) until ``end`` (exclusive,
    ``None`` = forever)."""

    kind: Literal["percent", "amount"]
    value: Decimal | int | str
    start: date | None = None
    end: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the core's JSON form of the discount."""
        return _discount_json(self, "discount")


@dataclass(frozen=True)
class Subscription:
    """One subscription: a recurring price for one customer.

    ``unit_amount`` is in minor units of ``currency`` (cents, yen, fils; decimals allowed);
    ``interval`` is ``day``, ``week``, ``month`` or ``year``; ``tier`` is FREE, PRO, TEAM,
    ENTERPRISE or a custom name (FREE counts as a customer, never as revenue). ``created``
    defaults to ``start``; the first paid day is ``trial_end`` if set. Validated when added to a
    ledger (a negative amount, ``interval_count`` 0, ``ended_at`` before ``start``… are a
    :class:`~cognition_core.RevenueError` naming the subscription)."""

    id: str
    customer_id: str
    plan_id: str
    unit_amount: Decimal | int | str
    currency: str
    interval: str
    start: date
    status: str = "active"
    tier: str = "UNSPECIFIED"
    interval_count: int = 1
    quantity: int = 1
    discounts: tuple[Discount, ...] = ()
    created: date | None = None
    trial_end: date | None = None
    canceled_at: date | None = None
    ended_at: date | None = None
    cancel_at_period_end: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the core's JSON form (decimal strings, ``YYYY-MM-DD`` days)."""
        return _subscription_json(
            {f.name: getattr(self, f.name) for f in fields(self)}, "subscription"
        )


_SUBSCRIPTION_FIELDS = frozenset(f.name for f in fields(Subscription))
_REQUIRED = ("id", "customer_id", "plan_id", "unit_amount", "currency", "interval", "start")


def _discount_json(value: object, where: str) -> dict[str, Any]:
    kind: object
    amount: object
    if isinstance(value, Discount):
        kind, amount, start, end = value.kind, value.value, value.start, value.end
    elif isinstance(value, Mapping):
        if "off" in value:  # the core's JSON form
            off = value["off"]
            if not isinstance(off, Mapping):
                raise _type_error(f"{where}.off", "a dict", off)
            kind, amount = off.get("type"), off.get("value")
        else:
            kind, amount = value.get("kind", value.get("type")), value.get("value")
        start, end = value.get("start"), value.get("end")
    else:
        raise _type_error(where, "a Discount or a dict", value)
    if kind not in ("percent", "amount"):
        raise _new_error(
            ErrorCode.REVENUE_INVALID_SUBSCRIPTION,
            f"{where}: kind must be 'percent' or 'amount', got {kind!r}",
        )
    return {
        "off": {"type": kind, "value": _money(amount, f"{where}.value")},
        "start": _record_day(start, f"{where}.start"),
        "end": _record_day(end, f"{where}.end"),
    }


def _subscription_json(record: Mapping[str, Any], where: str) -> dict[str, Any]:
    unknown = set(record) - _SUBSCRIPTION_FIELDS
    if unknown:
        raise _new_error(
            ErrorCode.REVENUE_INVALID_SUBSCRIPTION,
            f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}",
        )
    missing = [name for name in _REQUIRED if record.get(name) is None]
    if missing:
        raise _new_error(
            ErrorCode.REVENUE_INVALID_SUBSCRIPTION,
            f"{where}: missing field(s) {', '.join(missing)}",
        )
    out: dict[str, Any] = {}
    for name in ("id", "customer_id", "plan_id", "currency", "interval"):
        out[name] = _str(record[name], f"{where}.{name}")
    status = _str(record.get("status", "active"), f"{where}.status").strip().lower()
    out["status"] = "canceled" if status == "cancelled" else status
    out["tier"] = _str(record.get("tier", "UNSPECIFIED"), f"{where}.tier")
    out["interval"] = out["interval"].strip().lower()
    out["unit_amount"] = _money(record["unit_amount"], f"{where}.unit_amount")
    for name in ("interval_count", "quantity"):
        if record.get(name) is not None:
            out[name] = _int(record[name], f"{where}.{name}")
    cancel = record.get("cancel_at_period_end", False)
    if not isinstance(cancel, bool):
        raise _type_error(f"{where}.cancel_at_period_end", "a bool", cancel)
    out["cancel_at_period_end"] = cancel
    out["start"] = _record_day(record["start"], f"{where}.start")
    for name in ("created", "trial_end", "canceled_at", "ended_at"):
        out[name] = _record_day(record.get(name), f"{where}.{name}")
    if out["created"] is None:
        out["created"] = out["start"]
    discounts = record.get("discounts") or ()
    if isinstance(discounts, (str, bytes, Mapping)) or not isinstance(discounts, Iterable):
        raise _type_error(f"{where}.discounts", "a sequence of Discount", discounts)
    out["discounts"] = [
        _discount_json(d, f"{where}.discounts[{i}]") for i, d in enumerate(discounts)
    ]
    return out


def _record_json(record: object, where: str) -> dict[str, Any]:
    if isinstance(record, Subscription):
        return record.to_dict()
    if isinstance(record, Mapping):
        return _subscription_json(record, where)
    raise _type_error(where, "a Subscription or a dict", record)


def _json_bytes(value: object, what: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", errors="surrogatepass")
    if isinstance(value, Mapping):
        return json.dumps(value, default=_json_default).encode("utf-8")
    raise _type_error(what, "a dict, bytes or a JSON str", value)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@dataclass(frozen=True)
class FxRate:
    """``1 currency = rate`` reporting-currency units (major units), from ``since`` on (``None`` =
    on every day not covered by a dated rate)."""

    currency: str
    rate: Decimal | int | str
    since: date | None = None


def _fx_json(reporting_currency: object, fx_rates: object) -> dict[str, Any] | None:
    if reporting_currency is None:
        if fx_rates is not None:
            raise _new_error(
                ErrorCode.INVALID_ARGUMENT, "fx_rates need a reporting_currency to convert into"
            )
        return None
    reporting = _str(reporting_currency, "reporting_currency")
    rates: list[dict[str, Any]] = []
    if isinstance(fx_rates, Mapping):
        for currency, rate in fx_rates.items():
            rates.append({"currency": _str(currency, "fx_rates key"), "rate": _money(rate, "rate")})
    elif fx_rates is not None:
        if isinstance(fx_rates, (str, bytes)) or not isinstance(fx_rates, Iterable):
            raise _type_error("fx_rates", "a dict of rates or a sequence of FxRate", fx_rates)
        for i, r in enumerate(fx_rates):
            if not isinstance(r, FxRate):
                raise _type_error(f"fx_rates[{i}]", "an FxRate", r)
            rates.append(
                {
                    "currency": _str(r.currency, f"fx_rates[{i}].currency"),
                    "rate": _money(r.rate, f"fx_rates[{i}].rate"),
                    "from": _opt_day(r.since, f"fx_rates[{i}].since"),
                }
            )
    return {"reporting": reporting, "rates": rates}
