"""The Python revenue face: Pythonic types (Decimal money, date days, dataclasses, to_pandas),
hand-computed conventions, loaders (records, CSV, Stripe objects, events) and typed errors for
bad input, each saying where and why."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT

import cognition_core
from cognition_core import (
    Discount,
    ErrorCode,
    FxRate,
    InvalidArgumentError,
    RevenueError,
    RevenueLedger,
    Subscription,
)

SAMPLE_CSV = REPO_ROOT / "data" / "samples" / "revenue" / "subscriptions.csv"
SAMPLE_FX = REPO_ROOT / "data" / "samples" / "revenue" / "fx.csv"
CSV_HEADER = "id,customer_id,plan_id,status,unit_amount,currency,interval,start,ended_at\n"


def sub(**fields: Any) -> dict[str, Any]:
    """A monthly 10.00 USD subscription starting 2024-01-01, with `fields` replaced."""
    record: dict[str, Any] = {
        "id": "s1",
        "customer_id": "c1",
        "plan_id": "pro",
        "unit_amount": Decimal(1000),
        "currency": "USD",
        "interval": "month",
        "start": date(2024, 1, 1),
    }
    record.update(fields)
    return record


def mrr_of(**fields: Any) -> Decimal:
    return RevenueLedger.from_records([sub(**fields)]).mrr(date(2024, 6, 15))


# ---------------------------------------------------------------- types and conventions


def test_mrr_is_an_exact_decimal_in_minor_units() -> None:
    value = mrr_of(unit_amount=Decimal(24000), interval="year", interval_count=2)
    assert isinstance(value, Decimal)
    assert value == Decimal(1000)  # 24000 ÷ (12 * 2)


def test_weekly_is_times_52_over_12_held_to_12_places() -> None:
    assert mrr_of(interval="week") == Decimal("4333.333333333333")


def test_daily_is_times_365_over_12_divided_by_the_count() -> None:
    assert mrr_of(unit_amount=100, interval="day", interval_count=10) == Decimal("304.166666666667")


def test_quantity_and_discounts_apply_in_order() -> None:
    discounts = [Discount("percent", Decimal(10)), Discount("amount", 100)]
    # (1000 * 3 * 0.9 - 100) = 2600
    assert mrr_of(quantity=3, discounts=discounts) == Decimal(2600)


def test_discount_ends_on_its_end_day() -> None:
    ledger = RevenueLedger.from_records(
        [sub(discounts=[Discount("percent", 20, end=date(2024, 3, 1))])]
    )
    assert ledger.mrr(date(2024, 2, 29)) == Decimal(800)
    assert ledger.mrr(date(2024, 3, 1)) == Decimal(1000)


def test_trial_days_do_not_count() -> None:
    ledger = RevenueLedger.from_records([sub(trial_end=date(2024, 1, 15))])
    assert ledger.mrr(date(2024, 1, 14)) == 0
    assert ledger.mrr(date(2024, 1, 15)) == Decimal(1000)


def test_cancel_at_period_end_counts_until_the_period_ends() -> None:
    ledger = RevenueLedger.from_records(
        [sub(cancel_at_period_end=True, canceled_at=date(2024, 2, 10))]
    )
    assert ledger.mrr(date(2024, 2, 29)) == Decimal(1000)
    assert ledger.mrr(date(2024, 3, 1)) == 0


def test_past_due_counts_unless_configured_not_to() -> None:
    records = [sub(status="past_due")]
    assert RevenueLedger.from_records(records).mrr(date(2024, 2, 1)) == Decimal(1000)
    cautious = RevenueLedger.from_records(records, count_past_due=False)
    assert cautious.mrr(date(2024, 2, 1)) == 0


def test_free_tier_is_a_customer_not_revenue() -> None:
    ledger = RevenueLedger.from_records([sub(tier="FREE"), sub(id="s2", customer_id="c2")])
    snapshot = ledger.snapshot(date(2024, 2, 1))
    assert snapshot.mrr == Decimal(1000)
    assert (snapshot.active_customers, snapshot.paying_customers) == (2, 1)
    assert snapshot.arpu == Decimal(1000)
    assert snapshot.arr == Decimal(12000)


def test_jpy_and_kwd_convert_into_the_reporting_currency_exactly() -> None:
    ledger = RevenueLedger.from_records(
        [
            sub(id="j", customer_id="cj", unit_amount=1500, currency="JPY"),
            sub(id="k", customer_id="ck", unit_amount=Decimal("1234.5"), currency="KWD"),
        ],
        reporting_currency="USD",
        fx_rates={"JPY": Decimal("0.0067"), "KWD": Decimal("3.25")},
    )
    snapshot = ledger.snapshot(date(2024, 2, 1))
    # 1500 yen * 0.0067 * 100 = 1005 cents; 1234.5 fils * 3.25 ÷ 1000 * 100 = 401.2125 cents.
    assert snapshot.mrr == Decimal("1406.2125")
    assert snapshot.by_currency == {"JPY": Decimal(1500), "KWD": Decimal("1234.5")}
    assert snapshot.fx_rates == {"JPY": Decimal("0.0067"), "KWD": Decimal("3.25")}
    assert ledger.mrr_in("kwd", date(2024, 2, 1)) == Decimal("1234.5")


def test_dated_fx_rates_apply_from_their_day() -> None:
    ledger = RevenueLedger.from_records(
        [sub(currency="EUR")],
        reporting_currency="USD",
        fx_rates=[FxRate("EUR", Decimal("1.1")), FxRate("EUR", Decimal("1.2"), date(2024, 3, 1))],
    )
    assert ledger.mrr(date(2024, 2, 29)) == Decimal(1100)
    assert ledger.mrr(date(2024, 3, 1)) == Decimal(1200)


def test_fx_table_from_a_csv_file() -> None:
    ledger = RevenueLedger.from_csv(SAMPLE_CSV, reporting_currency="USD", fx_csv=SAMPLE_FX)
    assert ledger.reporting_currency == "USD"
    assert ledger.mrr(date(2024, 12, 31)) > 0


def test_movements_keep_the_identity_and_reactivation_is_not_new() -> None:
    ledger = RevenueLedger.from_records(
        [
            sub(ended_at=date(2024, 2, 10)),
            sub(id="s1b", unit_amount=1500, start=date(2024, 4, 5)),
        ]
    )
    months = ledger.movements(date(2024, 1, 1), date(2024, 4, 30)).months
    assert [m.month for m in months] == [date(2024, m, 1) for m in (1, 2, 3, 4)]
    assert (months[0].new, months[1].churn, months[3].reactivation) == (
        Decimal(1000),
        Decimal(1000),
        Decimal(1500),
    )
    assert months[3].new == 0
    for m in months:
        assert m.mrr_end == (
            m.mrr_start + m.new + m.expansion + m.reactivation - m.contraction - m.churn
        )


def test_movements_without_by_currency_keep_only_the_reporting_table() -> None:
    ledger = RevenueLedger.from_csv(SAMPLE_CSV, reporting_currency="USD", fx_csv=SAMPLE_FX)
    full = ledger.movements(date(2024, 1, 1), date(2024, 12, 31))
    reporting = ledger.movements(date(2024, 1, 1), date(2024, 12, 31), by_currency=False)
    assert len(full.by_currency) > 1
    assert reporting.by_currency == {}
    assert (reporting.currency, reporting.months, reporting.fx_rates) == (
        full.currency,
        full.months,
        full.fx_rates,
    )


def test_movements_by_currency_must_be_a_bool() -> None:
    ledger = RevenueLedger.from_records([sub()])
    with pytest.raises(TypeError, match="by_currency must be a bool"):
        ledger.movements(date(2024, 1, 1), date(2024, 3, 31), by_currency=1)  # type: ignore[arg-type]


def test_churn_ratios_are_decimals_and_no_losses_is_unbounded() -> None:
    ledger = RevenueLedger.from_records(
        [
            sub(),
            sub(id="s2", customer_id="c2"),
            sub(id="s3", customer_id="c3", start=date(2024, 2, 5)),
        ]
    )
    churn = ledger.churn(date(2024, 2, 10))
    assert churn.month == date(2024, 2, 1)
    assert churn.customer_churn_rate == Decimal(0)
    assert churn.nrr == Decimal(1)
    assert churn.quick_ratio == cognition_core.UNBOUNDED  # new MRR, no losses


def test_ltv_without_churn_is_unbounded_not_infinite() -> None:
    ltv = RevenueLedger.from_records([sub()]).ltv(date(2024, 6, 30))
    assert (ltv.kind, ltv.value, ltv.average_lifetime_months) == ("unbounded", None, "unbounded")


def test_ltv_is_arpa_over_monthly_churn() -> None:
    ledger = RevenueLedger.from_records(
        [sub(), sub(id="s2", customer_id="c2", ended_at=date(2024, 5, 10))]
    )
    ltv = ledger.ltv(date(2024, 6, 30), window_months=3)
    # Window April-June: customer-months 2 + 2 + 1 = 5, one churned; ARPA 1000 → LTV 5000.
    assert (ltv.customer_months, ltv.churned_customers) == (5, 1)
    assert (ltv.kind, ltv.value) == ("finite", Decimal(5000))


def test_cohorts_by_month_with_retention_and_a_matrix() -> None:
    ledger = RevenueLedger.from_records(
        [sub(), sub(id="s2", customer_id="c2", ended_at=date(2024, 2, 15))]
    )
    table = ledger.cohorts("month", as_of=date(2024, 3, 31))
    assert [c.period_start for c in table.cohorts] == [date(2024, 1, 1)]
    cohort = table.cohorts[0]
    assert cohort.retained_customers == (2, 1, 1)
    assert cohort.logo_retention_pct == (Decimal(100), Decimal(50), Decimal(50))
    frame = table.to_pandas("retained_mrr")
    assert list(frame.columns) == [0, 1, 2]
    assert frame.loc[date(2024, 1, 1), 1] == Decimal(1000)


def test_forecast_shows_its_inputs_and_projects_the_requested_months() -> None:
    records = [sub(id=f"s{i}", customer_id=f"c{i}", start=date(2024, i, 1)) for i in range(1, 8)]
    forecast = RevenueLedger.from_records(records).forecast(3, as_of=date(2024, 7, 31))
    assert list(forecast.history.values()) == [Decimal(1000 * i) for i in range(1, 8)]
    assert forecast.linear_slope == Decimal(1000)
    assert [p.linear for p in forecast.points] == [Decimal(8000), Decimal(9000), Decimal(10000)]
    assert len(forecast.to_pandas()) == 3


def test_breakdown_rows_sum_to_the_total_and_have_a_frame() -> None:
    ledger = RevenueLedger.from_records(
        [sub(tier="PRO"), sub(id="s2", customer_id="c2", tier="TEAM", unit_amount=3000)]
    )
    breakdown = ledger.breakdown(date(2024, 2, 1), by="tier")
    assert [r.key for r in breakdown.rows] == ["TEAM", "PRO"]
    assert sum(r.mrr for r in breakdown.rows) == breakdown.total_mrr == Decimal(4000)
    assert breakdown.rows[0].share == Decimal("0.75")
    assert breakdown.to_pandas().loc["PRO", "mrr"] == Decimal(1000)


def test_report_holds_every_metric_typed() -> None:
    report = RevenueLedger.from_csv(SAMPLE_CSV, reporting_currency="USD", fx_csv=SAMPLE_FX).report(
        date(2024, 12, 31)
    )
    assert report["as_of"] == date(2024, 12, 31)
    assert isinstance(report["snapshot"], cognition_core.MrrSnapshot)
    assert len(report["movements"].months) == 12
    assert isinstance(report["cohorts"], cognition_core.CohortTable)
    assert report["by_tier"].total_mrr == report["snapshot"].mrr


def test_movements_to_pandas_has_one_row_per_month() -> None:
    ledger = RevenueLedger.from_records([sub()])
    frame = ledger.movements(date(2024, 1, 1), date(2024, 3, 31)).to_pandas()
    assert list(frame.index) == [date(2024, m, 1) for m in (1, 2, 3)]
    assert frame.loc[date(2024, 1, 1), "new"] == Decimal(1000)


def test_subscription_dataclasses_and_dicts_load_alike() -> None:
    as_dataclass = Subscription(
        id="s1",
        customer_id="c1",
        plan_id="pro",
        unit_amount=Decimal(1000),
        currency="usd",
        interval="month",
        start=date(2024, 1, 1),
        quantity=2,
    )
    a = RevenueLedger.from_records([as_dataclass]).snapshot(date(2024, 2, 1))
    b = RevenueLedger.from_records([sub(quantity=2)]).snapshot(date(2024, 2, 1))
    assert a == b
    assert as_dataclass.to_dict()["unit_amount"] == "1000"


def test_ledger_is_shared_between_threads() -> None:
    ledger = RevenueLedger.from_csv(SAMPLE_CSV, reporting_currency="USD", fx_csv=SAMPLE_FX)
    expected = ledger.mrr(date(2024, 6, 30))
    results: list[Decimal] = []

    def read() -> None:
        results.append(ledger.mrr(date(2024, 6, 30)))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


# ---------------------------------------------------------------- Stripe objects and events


def stripe_subscription(status: str = "active", quantity: int = 1) -> dict[str, Any]:
    """A Stripe Subscription object with the API's field names (one item, expanded price)."""
    jan_1_2024 = 1_704_067_200
    return {
        "id": "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw",
        "object": "subscription",
        "customer": "cus_QXg1o8vcGmoR32",
        "status": status,
        "created": jan_1_2024,
        "start_date": jan_1_2024,
        "trial_end": None,
        "canceled_at": None,
        "ended_at": None,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "currency": "usd",
        "discounts": [],
        "metadata": {"tier": "PRO"},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_QXhVnC2h0Jczwc",
                    "object": "subscription_item",
                    "quantity": quantity,
                    "discounts": [],
                    "price": {
                        "id": "price_1PgafmB7WZ01zgkW6dKueIc5",
                        "object": "price",
                        "currency": "usd",
                        "unit_amount": 2900,
                        "unit_amount_decimal": "2900",
                        "recurring": {"interval": "month", "interval_count": 1},
                        "type": "recurring",
                    },
                }
            ],
        },
    }


def subscription_event(event_id: str, created: int, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": created,
        "type": "customer.subscription.updated",
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }


def test_stripe_objects_load_with_their_item_prices() -> None:
    ledger = RevenueLedger.from_stripe([stripe_subscription(quantity=2)])
    assert len(ledger) == 1
    assert ledger.mrr(date(2024, 2, 1)) == Decimal(5800)


def test_events_apply_from_their_day_and_keep_history() -> None:
    ledger = RevenueLedger.from_stripe([stripe_subscription()])
    march_1 = 1_709_251_200
    applied = ledger.apply_event(
        json.dumps(subscription_event("evt_1", march_1, stripe_subscription(quantity=3)))
    )
    assert applied is True
    assert ledger.mrr(date(2024, 2, 29)) == Decimal(2900)
    assert ledger.mrr(date(2024, 3, 1)) == Decimal(8700)


def test_events_out_of_order_are_refused() -> None:
    ledger = RevenueLedger()
    ledger.apply_event(subscription_event("evt_2", 1_709_251_200, stripe_subscription()))
    ledger.apply_event(subscription_event("evt_3", 1_709_251_300, stripe_subscription()))
    with pytest.raises(RevenueError) as caught:
        ledger.apply_event(subscription_event("evt_1", 1_709_000_000, stripe_subscription()))
    assert caught.value.code == ErrorCode.REVENUE_EVENT_OUT_OF_ORDER
    assert "evt_1" in str(caught.value)


def test_unrelated_events_are_ignored() -> None:
    event = subscription_event("evt_1", 1_709_251_200, {"id": "in_1", "object": "invoice"})
    event["type"] = "invoice.paid"
    assert RevenueLedger().apply_event(event) is False


def test_malformed_stripe_object_names_the_json_path() -> None:
    bad = stripe_subscription()
    bad["items"]["data"][0]["price"]["recurring"]["interval"] = "fortnight"
    with pytest.raises(RevenueError) as caught:
        RevenueLedger.from_stripe([stripe_subscription(), bad])
    assert caught.value.code == ErrorCode.REVENUE_MALFORMED_STRIPE_OBJECT
    assert "subscriptions[1]" in str(caught.value)
    assert "recurring.interval" in str(caught.value)


def test_malformed_event_json_is_an_event_parse_error() -> None:
    with pytest.raises(cognition_core.EventParseError):
        RevenueLedger().apply_event(b'{"id": "evt_1", "type": ')


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("fields", "code", "fragment"),
    [
        ({"unit_amount": Decimal(-1)}, ErrorCode.REVENUE_INVALID_SUBSCRIPTION, "negative"),
        ({"currency": "XYZ"}, ErrorCode.REVENUE_UNKNOWN_CURRENCY, "XYZ"),
        ({"interval_count": 0}, ErrorCode.REVENUE_INVALID_SUBSCRIPTION, "interval_count"),
        (
            {"ended_at": date(2023, 12, 1)},
            ErrorCode.REVENUE_INVALID_SUBSCRIPTION,
            "before start",
        ),
        (
            {"unit_amount": Decimal(10) ** 16},
            ErrorCode.REVENUE_INVALID_SUBSCRIPTION,
            "over the limit",
        ),
        ({"quantity": 2**63 - 1}, ErrorCode.REVENUE_INVALID_SUBSCRIPTION, "over the limit"),
        ({"interval": "fortnight"}, ErrorCode.REVENUE_INVALID_SUBSCRIPTION, "fortnight"),
        ({"status": "zombie"}, ErrorCode.REVENUE_INVALID_SUBSCRIPTION, "zombie"),
        ({"start": "2024-13-01"}, ErrorCode.REVENUE_INVALID_SUBSCRIPTION, "2024-13-01"),
    ],
    ids=[
        "negative_amount",
        "unknown_currency",
        "interval_count_zero",
        "ended_before_start",
        "huge_amount",
        "huge_quantity",
        "unknown_interval",
        "unknown_status",
        "impossible_date",
    ],
)
def test_bad_subscription_is_a_typed_error_naming_the_record(
    fields: dict[str, Any], code: ErrorCode, fragment: str
) -> None:
    with pytest.raises(RevenueError) as caught:
        RevenueLedger.from_records([sub(id="good", customer_id="c0"), sub(id="bad", **fields)])
    assert caught.value.code == code
    assert fragment in str(caught.value)
    if code != ErrorCode.REVENUE_UNKNOWN_CURRENCY:
        assert "records[1]" in str(caught.value)


def test_duplicate_ids_name_the_second_record_and_load_nothing() -> None:
    ledger = RevenueLedger()
    with pytest.raises(RevenueError) as caught:
        ledger.add([sub(id="a"), sub(id="b"), sub(id="a")])
    assert caught.value.code == ErrorCode.REVENUE_DUPLICATE_ID
    assert "records[2]" in str(caught.value)
    assert len(ledger) == 0


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"unit_amount": 10.5}, "never a float"),
        ({"start": 20240101}, "start must be a date"),
        ({"quantity": "3"}, "quantity must be an int"),
        ({"interval_count": True}, "interval_count must be an int"),
        ({"cancel_at_period_end": "yes"}, "cancel_at_period_end must be a bool"),
        ({"discounts": "10%"}, "discounts must be a sequence"),
        ({"id": 7}, "id must be a str"),
    ],
    ids=[
        "float_money",
        "int_date",
        "str_quantity",
        "bool_count",
        "str_flag",
        "str_discounts",
        "int_id",
    ],
)
def test_wrong_python_types_are_type_errors(fields: dict[str, Any], fragment: str) -> None:
    with pytest.raises(TypeError, match=fragment):
        RevenueLedger.from_records([sub(**fields)])


def test_records_must_be_an_iterable_of_dicts() -> None:
    with pytest.raises(TypeError, match="records"):
        RevenueLedger.from_records(sub())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"records\[0\]"):
        RevenueLedger.from_records([42])  # type: ignore[list-item]


def test_missing_and_unknown_fields_are_named() -> None:
    record = sub()
    del record["currency"]
    with pytest.raises(RevenueError, match="currency"):
        RevenueLedger.from_records([record])
    with pytest.raises(RevenueError, match="colour"):
        RevenueLedger.from_records([sub(colour="red")])


def test_malformed_csv_reports_every_bad_row_with_line_and_column() -> None:
    text = (
        CSV_HEADER
        + "s1,c1,pro,active,1000,USD,month,2024-01-01,\n"
        + "s2,c2,pro,active,-5,USD,month,2024-01-01,\n"
        + "s3,c3,pro,active,1000,USD,month,2024-02-30,\n"
        + "s1,c4,pro,active,1000,USD,month,2024-01-01,\n"
    )
    ledger = RevenueLedger()
    with pytest.raises(RevenueError) as caught:
        ledger.load_csv_text(text)
    message = str(caught.value)
    assert caught.value.code == ErrorCode.REVENUE_MALFORMED_CSV
    assert "line 3" in message
    assert "unit_amount" in message
    assert "line 4, column `start`" in message
    assert "line 5" in message
    assert len(ledger) == 0


def test_csv_file_errors_are_os_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        RevenueLedger.from_csv(tmp_path / "missing.csv")


def test_ragged_csv_is_malformed() -> None:
    with pytest.raises(RevenueError) as caught:
        RevenueLedger().load_csv_text(CSV_HEADER + "s1,c1\n")
    assert caught.value.code == ErrorCode.REVENUE_MALFORMED_CSV


def test_several_currencies_need_a_reporting_currency() -> None:
    ledger = RevenueLedger.from_records([sub(), sub(id="s2", customer_id="c2", currency="EUR")])
    with pytest.raises(RevenueError) as caught:
        ledger.mrr(date(2024, 2, 1))
    assert caught.value.code == ErrorCode.REVENUE_MISSING_FX_RATE


def test_missing_rate_names_the_currency() -> None:
    ledger = RevenueLedger.from_records(
        [sub(currency="JPY", unit_amount=1500)], reporting_currency="USD", fx_rates={}
    )
    with pytest.raises(RevenueError, match="JPY"):
        ledger.mrr(date(2024, 2, 1))


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"reporting_currency": "USD", "fx_rates": {"EUR": Decimal(0)}}, RevenueError),
        ({"reporting_currency": "USD", "fx_rates": {"EUR": 1.08}}, TypeError),
        ({"reporting_currency": "ABC"}, RevenueError),
        ({"fx_rates": {"EUR": Decimal(1)}}, InvalidArgumentError),
        ({"count_past_due": "no"}, TypeError),
    ],
    ids=["zero_rate", "float_rate", "unknown_reporting", "rates_without_reporting", "str_flag"],
)
def test_bad_ledger_options_are_refused(options: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        RevenueLedger(**options)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda ledger: ledger.mrr("yesterday"), InvalidArgumentError),
        (lambda ledger: ledger.mrr(datetime(2024, 1, 1)), InvalidArgumentError),
        (lambda ledger: ledger.mrr(20240101), TypeError),
        (lambda ledger: ledger.movements(date(2024, 5, 1), date(2024, 1, 1)), InvalidArgumentError),
        (lambda ledger: ledger.movements(date(1900, 1, 1), date(2024, 1, 1)), InvalidArgumentError),
        (lambda ledger: ledger.forecast(0), InvalidArgumentError),
        (lambda ledger: ledger.forecast(2**40), InvalidArgumentError),
        (lambda ledger: ledger.ltv(date(2024, 1, 1), window_months=0), InvalidArgumentError),
        (lambda ledger: ledger.cohorts("fortnight"), InvalidArgumentError),
        (lambda ledger: ledger.breakdown(date(2024, 1, 1), by="colour"), InvalidArgumentError),
        (lambda ledger: ledger.apply_event(42), TypeError),
    ],
    ids=[
        "not_a_date",
        "naive_datetime",
        "int_date",
        "range_backwards",
        "range_too_long",
        "zero_month_forecast",
        "huge_forecast",
        "zero_ltv_window",
        "unknown_period",
        "unknown_grouping",
        "event_of_wrong_type",
    ],
)
def test_bad_metric_arguments_are_typed_errors(call: Any, error: type[Exception]) -> None:
    ledger = RevenueLedger.from_records([sub()])
    with pytest.raises(error):
        call(ledger)


def test_aware_datetimes_are_taken_as_their_utc_day() -> None:
    ledger = RevenueLedger.from_records([sub(start=date(2024, 1, 2))])
    late_new_year_utc = datetime(2024, 1, 2, 0, 30, tzinfo=timezone.utc)
    assert ledger.mrr(late_new_year_utc) == Decimal(1000)


def test_errors_are_revenue_errors_with_codes() -> None:
    with pytest.raises(RevenueError) as caught:
        RevenueLedger.from_records([sub(currency="XYZ")])
    assert isinstance(caught.value, cognition_core.CognitionError)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == ErrorCode.REVENUE_UNKNOWN_CURRENCY
