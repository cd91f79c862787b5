//! Invariants on generated ledgers.

use chrono::Days;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::d;
use crate::revenue::{
    BillingInterval, Currency, Discount, FxTable, LedgerConfig, RevenueLedger, Subscription,
    SubscriptionStatus, Tier,
};

fn arb_subscription(i: usize) -> impl Strategy<Value = Subscription> {
    (
        0u32..8,
        0i64..100_000,
        prop::sample::select(vec![
            Currency::USD,
            Currency::EUR,
            Currency::JPY,
            Currency::KWD,
        ]),
        prop::sample::select(vec![
            BillingInterval::Day,
            BillingInterval::Week,
            BillingInterval::Month,
            BillingInterval::Year,
        ]),
        1u32..4,
        0u64..5,
        0u64..700,
        prop::option::of(1u64..400),
        prop::option::of(0u64..60),
        prop::sample::select(vec![
            SubscriptionStatus::Active,
            SubscriptionStatus::PastDue,
            SubscriptionStatus::Canceled,
            SubscriptionStatus::Trialing,
        ]),
        prop::option::of((1i64..60, prop::option::of(1u64..300))),
        any::<bool>(),
    )
        .prop_map(
            move |(
                customer,
                amount,
                currency,
                interval,
                count,
                quantity,
                start,
                length,
                trial,
                status,
                discount,
                free,
            )| {
                let start = d(2023, 1, 1) + Days::new(start);
                let mut sub = Subscription::new(
                    format!("s{i}"),
                    format!("c{customer}"),
                    "plan",
                    Decimal::from(amount),
                    currency,
                    interval,
                    start,
                )
                .with_interval_count(count)
                .with_quantity(quantity)
                .with_status(status)
                .with_tier(if free { Tier::Free } else { Tier::Pro });
                if let Some(trial) = trial {
                    sub = sub.with_trial_end(start + Days::new(trial));
                }
                if let Some(length) = length {
                    sub = sub.with_ended_at(start + Days::new(length));
                } else if status == SubscriptionStatus::Canceled {
                    sub = sub.with_canceled_at(start + Days::new(30));
                }
                if let Some((pct, end)) = discount {
                    let mut discount = Discount::percent(Decimal::from(pct));
                    discount.end = end.map(|e| start + Days::new(e));
                    sub = sub.with_discount(discount);
                }
                sub
            },
        )
}

fn arb_ledger() -> impl Strategy<Value = Vec<Subscription>> {
    (1usize..40).prop_flat_map(|n| (0..n).map(arb_subscription).collect::<Vec<_>>())
}

fn fx() -> FxTable {
    FxTable::new(Currency::USD)
        .with_rate(Currency::EUR, "1.0853".parse().unwrap())
        .unwrap()
        .with_rate(Currency::JPY, "0.006712".parse().unwrap())
        .unwrap()
        .with_rate(Currency::KWD, "3.2543".parse().unwrap())
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn movements_reconcile_exactly_every_month(subs in arb_ledger()) {
        let mut ledger = RevenueLedger::with_config(LedgerConfig { fx: Some(fx()), ..LedgerConfig::default() });
        ledger.extend(subs).unwrap();
        let movements = ledger.movements(d(2023, 1, 1), d(2025, 2, 14)).unwrap();
        for table in std::iter::once(&movements.reporting).chain(&movements.by_currency) {
            let mut previous_end = None;
            for m in &table.months {
                prop_assert_eq!(m.mrr_end, m.mrr_start + m.new + m.expansion + m.reactivation - m.contraction - m.churn);
                prop_assert_eq!(m.net_new_mrr, m.mrr_end - m.mrr_start);
                if let Some(end) = previous_end {
                    prop_assert_eq!(m.mrr_start, end);
                }
                previous_end = Some(m.mrr_end);
            }
        }
        for table in &movements.by_currency {
            for m in &table.months {
                let snapshot = ledger.mrr_in(table.currency, m.end_day).unwrap();
                prop_assert_eq!(m.mrr_end, snapshot.amount);
            }
        }
        // Undated rates: the constant-currency table agrees exactly with point-in-time snapshots.
        for m in &movements.reporting.months {
            prop_assert_eq!(m.mrr_end, ledger.mrr(m.end_day).unwrap().mrr.amount);
        }
    }

    #[test]
    fn reporting_movements_equal_the_reporting_table_of_movements(subs in arb_ledger()) {
        let mut ledger = RevenueLedger::with_config(LedgerConfig { fx: Some(fx()), ..LedgerConfig::default() });
        ledger.extend(subs).unwrap();
        let full = ledger.movements(d(2023, 1, 1), d(2025, 2, 14)).unwrap();
        let reporting = ledger.reporting_movements(d(2023, 1, 1), d(2025, 2, 14)).unwrap();
        prop_assert_eq!(&reporting.reporting, &full.reporting);
        prop_assert_eq!(&reporting.fx_rates, &full.fx_rates);
        prop_assert!(reporting.by_currency.is_empty());
    }

    #[test]
    fn reporting_mrr_is_the_exact_sum_of_converted_currencies(subs in arb_ledger(), offset in 0u64..800) {
        let mut ledger = RevenueLedger::with_config(LedgerConfig { fx: Some(fx()), ..LedgerConfig::default() });
        ledger.extend(subs).unwrap();
        let day = d(2023, 1, 1) + Days::new(offset);
        let snapshot = ledger.mrr(day).unwrap();
        let fx = fx();
        let expected: Decimal = snapshot.by_currency.iter().map(|m| {
            let rate = fx.rate_on(m.currency, day).unwrap();
            let shift = Decimal::from(10i64.pow(2)) / Decimal::from(10i64.pow(m.currency.minor_units()));
            m.amount * rate * shift
        }).sum();
        prop_assert_eq!(snapshot.mrr.amount, expected.normalize());
        let by_tier = ledger.breakdown(day, crate::revenue::BreakdownBy::Currency).unwrap();
        let total: Decimal = by_tier.rows.iter().map(|r| r.mrr.amount).sum();
        prop_assert_eq!(total, snapshot.mrr.amount);
        prop_assert!(snapshot.paying_customers <= snapshot.active_customers);
    }
}
