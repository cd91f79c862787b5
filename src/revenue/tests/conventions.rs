//! One test per convention of the module docs, each computed by hand in its comment.

use rust_decimal::Decimal;

use super::{d, dec, ledger, monthly, mrr};
use crate::revenue::{
    BillingInterval, Currency, Discount, FxTable, LedgerConfig, Money, RevenueLedger, Subscription,
    SubscriptionStatus, Tier,
};

#[test]
fn yearly_with_interval_count_two_is_divided_by_twenty_four() {
    // 24000 ¢ every 2 years = 24000 / 24 = 1000 ¢ a month.
    let sub = monthly("s", "c", 24_000, d(2024, 1, 1)).with_interval_count(2);
    let sub = Subscription {
        interval: BillingInterval::Year,
        ..sub
    };
    assert_eq!(mrr(&ledger(vec![sub]), d(2024, 6, 1)), Decimal::from(1000));
}

#[test]
fn weekly_is_multiplied_by_fifty_two_twelfths_to_twelve_places() {
    // 1000 ¢ a week × 52 / 12 = 4333.333… ¢, held to 10⁻¹² ¢ (half-even).
    let sub = Subscription {
        interval: BillingInterval::Week,
        ..monthly("s", "c", 1000, d(2024, 1, 1))
    };
    let l = ledger(vec![sub]);
    assert_eq!(mrr(&l, d(2024, 2, 1)), dec("4333.333333333333"));
    assert_eq!(l.mrr(d(2024, 2, 1)).unwrap().mrr.to_string(), "43.33 USD");
}

#[test]
fn daily_every_ten_days_is_multiplied_by_365_over_120() {
    // 100 ¢ every 10 days × 365 / 12 / 10 = 304.1666… ¢.
    let sub = Subscription {
        interval: BillingInterval::Day,
        ..monthly("s", "c", 100, d(2024, 1, 1))
    }
    .with_interval_count(10);
    assert_eq!(
        mrr(&ledger(vec![sub]), d(2024, 1, 5)),
        dec("304.166666666667")
    );
}

#[test]
fn jpy_has_no_minor_unit() {
    // 1200 ¥ a month is 1200 minor units, presented as "1200 JPY".
    let sub = Subscription {
        currency: Currency::JPY,
        ..monthly("s", "c", 1200, d(2024, 1, 1))
    };
    let snapshot = ledger(vec![sub]).mrr(d(2024, 1, 2)).unwrap();
    assert_eq!(snapshot.mrr, Money::new(Decimal::from(1200), Currency::JPY));
    assert_eq!(snapshot.mrr.to_string(), "1200 JPY");
}

#[test]
fn kwd_has_three_decimals_and_rounds_half_even_when_presented() {
    // 12.345 KWD a year = 12345 fils / 12 = 1028.75 fils a month, presented as 1.029 KWD.
    let sub = Subscription {
        currency: Currency::KWD,
        interval: BillingInterval::Year,
        ..monthly("s", "c", 12_345, d(2024, 1, 1))
    };
    let snapshot = ledger(vec![sub]).mrr(d(2024, 3, 1)).unwrap();
    assert_eq!(snapshot.mrr.amount, dec("1028.75"));
    assert_eq!(snapshot.mrr.to_string(), "1.029 KWD");
}

#[test]
fn quantity_multiplies_the_unit_amount() {
    // 5 seats × 1000 ¢.
    let l = ledger(vec![monthly("s", "c", 1000, d(2024, 1, 1)).with_quantity(5)]);
    assert_eq!(mrr(&l, d(2024, 1, 1)), Decimal::from(5000));
}

#[test]
fn percent_discount_applies_until_its_end_date() {
    // 20% off 1000 ¢ until 2024-03-01 (exclusive): 800 ¢ in February, 1000 ¢ from March 1st.
    let sub = monthly("s", "c", 1000, d(2024, 1, 1))
        .with_discount(Discount::percent(Decimal::from(20)).until(d(2024, 3, 1)));
    let l = ledger(vec![sub]);
    assert_eq!(mrr(&l, d(2024, 2, 29)), Decimal::from(800));
    assert_eq!(mrr(&l, d(2024, 3, 1)), Decimal::from(1000));
    let march = l
        .movements(d(2024, 3, 1), d(2024, 3, 31))
        .unwrap()
        .reporting
        .months[0]
        .clone();
    assert_eq!(march.expansion, Decimal::from(200));
}

#[test]
fn amount_discount_is_per_invoice_and_never_below_zero() {
    // Yearly 12000 ¢ with 1200 ¢ off each invoice: (12000 − 1200) / 12 = 900 ¢.
    let yearly = Subscription {
        interval: BillingInterval::Year,
        ..monthly("y", "c1", 12_000, d(2024, 1, 1))
    }
    .with_discount(Discount::amount(Decimal::from(1200)));
    // 500 ¢ off a 300 ¢ price: 0, a customer but not paying.
    let over =
        monthly("o", "c2", 300, d(2024, 1, 1)).with_discount(Discount::amount(Decimal::from(500)));
    let snapshot = ledger(vec![yearly, over]).mrr(d(2024, 2, 1)).unwrap();
    assert_eq!(snapshot.mrr.amount, Decimal::from(900));
    assert_eq!(
        (snapshot.active_customers, snapshot.paying_customers),
        (2, 1)
    );
}

#[test]
fn discounts_apply_in_order_percent_then_amount() {
    // (1000 × 0.9) − 100 = 800 ¢; the other order would give 810.
    let sub = monthly("s", "c", 1000, d(2024, 1, 1))
        .with_discount(Discount::percent(Decimal::from(10)))
        .with_discount(Discount::amount(Decimal::from(100)));
    assert_eq!(mrr(&ledger(vec![sub]), d(2024, 1, 1)), Decimal::from(800));
}

#[test]
fn trial_converting_counts_from_the_trial_end() {
    // Trial Jan 1 – Jan 15, then 1000 ¢: nothing on Jan 14, 1000 on Jan 15; new MRR in January.
    let sub = monthly("s", "c", 1000, d(2024, 1, 1)).with_trial_end(d(2024, 1, 15));
    let l = ledger(vec![sub]);
    assert_eq!(mrr(&l, d(2024, 1, 14)), Decimal::ZERO);
    assert_eq!(mrr(&l, d(2024, 1, 15)), Decimal::from(1000));
    assert_eq!(
        l.movements(d(2024, 1, 1), d(2024, 1, 31))
            .unwrap()
            .reporting
            .months[0]
            .new,
        Decimal::from(1000)
    );
}

#[test]
fn trialing_incomplete_unpaid_and_paused_never_count() {
    use SubscriptionStatus as S;
    for status in [
        S::Trialing,
        S::Incomplete,
        S::IncompleteExpired,
        S::Unpaid,
        S::Paused,
    ] {
        let l = ledger(vec![
            monthly("s", "c", 1000, d(2024, 1, 1)).with_status(status)
        ]);
        let snapshot = l.mrr(d(2024, 6, 1)).unwrap();
        assert_eq!(
            (snapshot.mrr.amount, snapshot.active_customers),
            (Decimal::ZERO, 0),
            "{status:?}"
        );
    }
}

#[test]
fn past_due_counts_unless_configured_not_to() {
    let sub = monthly("s", "c", 1000, d(2024, 1, 1)).with_status(SubscriptionStatus::PastDue);
    assert_eq!(
        mrr(&ledger(vec![sub.clone()]), d(2024, 2, 1)),
        Decimal::from(1000)
    );
    let mut strict = RevenueLedger::with_config(LedgerConfig {
        count_past_due: false,
        fx: None,
    });
    strict.add(sub).unwrap();
    assert_eq!(mrr(&strict, d(2024, 2, 1)), Decimal::ZERO);
}

#[test]
fn cancel_at_period_end_counts_until_the_period_ends() {
    // Monthly from Jan 10, cancellation requested Mar 5, inside the period Feb 10 – Mar 10:
    // counted through Mar 9, churned on Mar 10.
    let sub = monthly("s", "c", 1000, d(2024, 1, 10))
        .with_canceled_at(d(2024, 3, 5))
        .with_cancel_at_period_end(true);
    let l = ledger(vec![sub]);
    assert_eq!(mrr(&l, d(2024, 3, 9)), Decimal::from(1000));
    assert_eq!(mrr(&l, d(2024, 3, 10)), Decimal::ZERO);
    let march = l
        .movements(d(2024, 3, 1), d(2024, 3, 31))
        .unwrap()
        .reporting
        .months[0]
        .clone();
    assert_eq!(
        (march.churn, march.churned_customers),
        (Decimal::from(1000), 1)
    );
}

#[test]
fn canceled_counts_until_ended_at_and_not_on_that_day() {
    let sub = monthly("s", "c", 1000, d(2024, 1, 1))
        .with_status(SubscriptionStatus::Canceled)
        .with_ended_at(d(2024, 2, 1));
    let l = ledger(vec![sub]);
    assert_eq!(mrr(&l, d(2024, 1, 31)), Decimal::from(1000));
    assert_eq!(mrr(&l, d(2024, 2, 1)), Decimal::ZERO);
}

#[test]
fn a_returning_customer_is_reactivation_not_new() {
    // c1 pays Jan 1 – Feb 15, returns Apr 1: February churn 1000, April reactivation 2000.
    let first = monthly("s1", "c1", 1000, d(2024, 1, 1)).with_ended_at(d(2024, 2, 15));
    let second = monthly("s2", "c1", 2000, d(2024, 4, 1));
    let months = ledger(vec![first, second])
        .movements(d(2024, 1, 1), d(2024, 4, 30))
        .unwrap()
        .reporting
        .months;
    assert_eq!(months[0].new, Decimal::from(1000));
    assert_eq!(months[1].churn, Decimal::from(1000));
    assert_eq!(
        (
            months[3].reactivation,
            months[3].new,
            months[3].reactivated_customers
        ),
        (Decimal::from(2000), Decimal::ZERO, 1)
    );
}

#[test]
fn free_tier_counts_as_a_customer_not_as_revenue() {
    let free = monthly("f", "c1", 1000, d(2024, 1, 1)).with_tier(Tier::Free);
    let pro = monthly("p", "c2", 1000, d(2024, 1, 1)).with_tier(Tier::Pro);
    let snapshot = ledger(vec![free, pro]).mrr(d(2024, 1, 2)).unwrap();
    assert_eq!(snapshot.mrr.amount, Decimal::from(1000));
    assert_eq!(
        (snapshot.active_customers, snapshot.paying_customers),
        (2, 1)
    );
    assert_eq!(snapshot.arpu.unwrap().amount, Decimal::from(1000));
}

#[test]
fn reporting_currency_total_converts_each_currency_exactly() {
    // 1000 ¢ USD + 1000 c EUR × 1.1 + 1500 ¥ × 0.0067 USD/¥ × 100 ¢/$ = 1000 + 1100 + 1005 = 3105 ¢.
    let usd = monthly("u", "c1", 1000, d(2024, 1, 1));
    let eur = Subscription {
        currency: Currency::EUR,
        ..monthly("e", "c2", 1000, d(2024, 1, 1))
    };
    let jpy = Subscription {
        currency: Currency::JPY,
        ..monthly("j", "c3", 1500, d(2024, 1, 1))
    };
    let fx = FxTable::new(Currency::USD)
        .with_rate(Currency::EUR, dec("1.1"))
        .unwrap()
        .with_rate(Currency::JPY, dec("0.0067"))
        .unwrap();
    let mut l = RevenueLedger::with_config(LedgerConfig {
        fx: Some(fx),
        ..LedgerConfig::default()
    });
    l.extend([usd, eur, jpy]).unwrap();
    let snapshot = l.mrr(d(2024, 2, 1)).unwrap();
    assert_eq!(snapshot.mrr, Money::new(Decimal::from(3105), Currency::USD));
    assert_eq!(snapshot.by_currency.len(), 3);
    assert_eq!(snapshot.fx_rates.len(), 2);
}

#[test]
fn dated_rates_apply_from_their_day() {
    let eur = Subscription {
        currency: Currency::EUR,
        ..monthly("e", "c", 1000, d(2024, 1, 1))
    };
    let fx = FxTable::new(Currency::USD)
        .with_rate_from(Currency::EUR, d(2024, 1, 1), dec("1.1"))
        .unwrap()
        .with_rate_from(Currency::EUR, d(2024, 3, 1), dec("1.2"))
        .unwrap();
    let mut l = RevenueLedger::with_config(LedgerConfig {
        fx: Some(fx),
        ..LedgerConfig::default()
    });
    l.add(eur).unwrap();
    assert_eq!(mrr(&l, d(2024, 2, 1)), Decimal::from(1100));
    assert_eq!(mrr(&l, d(2024, 3, 1)), Decimal::from(1200));
    // Movements use the range end's rate throughout: no FX-driven expansion.
    let months = l
        .movements(d(2024, 2, 1), d(2024, 3, 31))
        .unwrap()
        .reporting
        .months;
    assert_eq!(months[1].expansion, Decimal::ZERO);
    assert_eq!(months[1].mrr_end, Decimal::from(1200));
}

#[test]
fn events_record_history_from_their_day() {
    use crate::webhook::parse_event;
    // Created Jan 1 at 1000 ¢; updated Mar 10 to 2 seats: March expansion 1000; deleted May 20.
    let event = |id: &str, kind: &str, created: i64, status: &str, qty: u64, ended: Option<i64>| {
        let body = serde_json::json!({"id": id, "type": kind, "created": created, "livemode": false,
            "data": {"object": {"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": status,
                "created": 1704067200, "start_date": 1704067200, "ended_at": ended,
                "items": {"data": [{"id": "si_1", "quantity": qty, "price": {"id": "price_1", "currency": "usd",
                    "unit_amount": 1000, "recurring": {"interval": "month", "interval_count": 1}}}]}}}});
        parse_event(body.to_string().as_bytes()).unwrap()
    };
    let mut l = RevenueLedger::new();
    l.apply_event(&event(
        "evt_1",
        "customer.subscription.created",
        1704067200,
        "active",
        1,
        None,
    ))
    .unwrap();
    l.apply_event(&event(
        "evt_2",
        "customer.subscription.updated",
        1710028800,
        "active",
        2,
        None,
    ))
    .unwrap();
    l.apply_event(&event(
        "evt_3",
        "customer.subscription.deleted",
        1716163200,
        "canceled",
        2,
        Some(1716163200),
    ))
    .unwrap();
    assert_eq!(mrr(&l, d(2024, 3, 9)), Decimal::from(1000));
    assert_eq!(mrr(&l, d(2024, 3, 10)), Decimal::from(2000));
    assert_eq!(mrr(&l, d(2024, 5, 19)), Decimal::from(2000));
    assert_eq!(mrr(&l, d(2024, 5, 20)), Decimal::ZERO);
    let months = l
        .movements(d(2024, 1, 1), d(2024, 5, 31))
        .unwrap()
        .reporting
        .months;
    assert_eq!(months[2].expansion, Decimal::from(1000));
    assert_eq!(months[4].churn, Decimal::from(2000));
}
