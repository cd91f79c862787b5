//! Hand-computed churn, LTV, cohorts, forecasts and breakdowns.

use rust_decimal::Decimal;

use super::{d, dec, ledger, monthly};
use crate::revenue::{BreakdownBy, CohortPeriod, ForecastOptions, LtvValue, Ratio, Tier};

/// Four customers of 1000 ¢ from Jan 1; in March c4 churns, c3 halves, c2 doubles, c5 is new.
fn march_ledger() -> crate::revenue::RevenueLedger {
    ledger(vec![
        monthly("s1", "c1", 1000, d(2024, 1, 1)),
        monthly("s2", "c2", 1000, d(2024, 1, 1)).with_ended_at(d(2024, 3, 10)),
        monthly("s2b", "c2", 2000, d(2024, 3, 10)),
        monthly("s3", "c3", 1000, d(2024, 1, 1)).with_ended_at(d(2024, 3, 10)),
        monthly("s3b", "c3", 500, d(2024, 3, 10)),
        monthly("s4", "c4", 1000, d(2024, 1, 1)).with_ended_at(d(2024, 3, 20)),
        monthly("s5", "c5", 3000, d(2024, 3, 15)),
    ])
}

#[test]
fn churn_nrr_grr_and_quick_ratio_for_one_month() {
    // Start 4000; churn 1000 (c4), contraction 500 (c3), expansion 1000 (c2), new 3000 (c5).
    let m = march_ledger().churn(d(2024, 3, 15)).unwrap();
    assert_eq!((m.customers_start, m.churned_customers), (4, 1));
    assert_eq!(m.customer_churn_rate, Ratio::Value(dec("0.25")));
    assert_eq!(m.gross_mrr_churn_rate, Ratio::Value(dec("0.375"))); // 1500 / 4000
    assert_eq!(m.net_mrr_churn_rate, Ratio::Value(dec("0.125"))); // (1500 − 1000) / 4000
    assert_eq!(m.nrr, Ratio::Value(dec("0.875"))); // (4000 + 1000 − 1500) / 4000
    assert_eq!(m.grr, Ratio::Value(dec("0.625"))); // (4000 − 1500) / 4000
    assert_eq!(m.quick_ratio, Ratio::Value(dec("2.666666666667"))); // 4000 / 1500
}

#[test]
fn quick_ratio_without_losses_is_unbounded_and_churn_without_customers_undefined() {
    let l = ledger(vec![monthly("s", "c", 1000, d(2024, 1, 5))]);
    let jan = l.churn(d(2024, 1, 1)).unwrap();
    assert_eq!(jan.quick_ratio, Ratio::Unbounded);
    assert_eq!(jan.customer_churn_rate, Ratio::Undefined);
    assert_eq!(
        serde_json::to_value(jan.quick_ratio).unwrap(),
        serde_json::json!("unbounded")
    );
    assert_eq!(
        serde_json::to_value(jan.nrr).unwrap(),
        serde_json::Value::Null
    );
}

#[test]
fn ltv_is_arpa_over_pooled_monthly_churn() {
    // Window Jan–Mar 2024 (as of Apr 10): customer-months 0 + 4 + 4 = 8, churned 1 → rate 1/8.
    // ARPA on Apr 10: (1000 + 2000 + 500 + 3000) / 4 = 1625 ¢; LTV = 1625 × 8 = 13000 ¢.
    let ltv = march_ledger().ltv(d(2024, 4, 10), 3).unwrap();
    assert_eq!(
        (ltv.window_start, ltv.window_end),
        (d(2024, 1, 1), d(2024, 3, 1))
    );
    assert_eq!((ltv.churned_customers, ltv.customer_months), (1, 8));
    assert_eq!(ltv.monthly_churn_rate, Ratio::Value(dec("0.125")));
    assert_eq!(ltv.average_lifetime_months, Ratio::Value(Decimal::from(8)));
    assert_eq!(ltv.arpa.unwrap().amount, Decimal::from(1625));
    match ltv.ltv {
        LtvValue::Finite(m) => assert_eq!(m.amount, Decimal::from(13_000)),
        other => panic!("expected a finite LTV, got {other:?}"),
    }
}

#[test]
fn ltv_with_zero_churn_is_unbounded_not_infinite() {
    let l = ledger(vec![monthly("s", "c", 1000, d(2024, 1, 1))]);
    let ltv = l.ltv(d(2024, 6, 30), 3).unwrap();
    assert_eq!(ltv.ltv, LtvValue::Unbounded);
    assert_eq!(ltv.average_lifetime_months, Ratio::Unbounded);
    assert_eq!(
        serde_json::to_value(&ltv).unwrap()["ltv"],
        serde_json::json!({"kind": "unbounded"})
    );
}

#[test]
fn monthly_cohorts_count_logos_and_revenue_at_each_period_end() {
    // January cohort: c1 (1000) stays, c2 (1000) leaves Feb 10 and c3 joins in February.
    let l = ledger(vec![
        monthly("s1", "c1", 1000, d(2024, 1, 3)),
        monthly("s2", "c2", 1000, d(2024, 1, 20)).with_ended_at(d(2024, 2, 10)),
        monthly("s3", "c3", 500, d(2024, 2, 5)),
    ]);
    let table = l.cohorts(CohortPeriod::Month, d(2024, 3, 15)).unwrap();
    assert_eq!(table.cohorts.len(), 2);
    let jan = &table.cohorts[0];
    assert_eq!(
        (jan.period_start, jan.customers, jan.initial_mrr),
        (d(2024, 1, 1), 2, Decimal::from(2000))
    );
    assert_eq!(jan.retained_customers, vec![2, 1, 1]);
    assert_eq!(
        jan.retained_mrr,
        vec![
            Decimal::from(2000),
            Decimal::from(1000),
            Decimal::from(1000)
        ]
    );
    assert_eq!(jan.logo_retention_pct[1], Ratio::Value(Decimal::from(50)));
    assert_eq!(
        jan.revenue_retention_pct[2],
        Ratio::Value(Decimal::from(50))
    );
    assert_eq!(table.cohorts[1].retained_customers, vec![1, 1]);
}

#[test]
fn weekly_and_quarterly_cohorts_start_on_monday_and_quarter_start() {
    let l = ledger(vec![monthly("s1", "c1", 1000, d(2024, 5, 16))]); // a Thursday
    assert_eq!(
        l.cohorts(CohortPeriod::Week, d(2024, 5, 31))
            .unwrap()
            .cohorts[0]
            .period_start,
        d(2024, 5, 13)
    );
    assert_eq!(
        l.cohorts(CohortPeriod::Quarter, d(2024, 5, 31))
            .unwrap()
            .cohorts[0]
            .period_start,
        d(2024, 4, 1)
    );
    assert_eq!(
        l.cohorts(CohortPeriod::Day, d(2024, 5, 20))
            .unwrap()
            .cohorts[0]
            .retained_customers
            .len(),
        5
    );
}

#[test]
fn linear_forecast_extends_a_straight_line_and_shows_its_inputs() {
    // One new 1000 ¢ customer each month from Jan 2024: month-end MRR 1000, 2000, … 7000 (Jan–Jul).
    let subs = (1..=7)
        .map(|m| monthly(&format!("s{m}"), &format!("c{m}"), 1000, d(2024, m, 1)))
        .collect();
    let f = ledger(subs)
        .forecast(
            d(2024, 7, 31),
            ForecastOptions {
                months: 2,
                history_months: 6,
            },
        )
        .unwrap();
    assert_eq!(f.history.len(), 7);
    assert_eq!(f.history[0].mrr, Decimal::from(1000));
    assert_eq!(f.linear_slope, Decimal::from(1000));
    assert_eq!(f.linear_intercept, Decimal::from(1000));
    assert_eq!(f.points[0].month, d(2024, 8, 1));
    assert_eq!(f.points[0].linear, Decimal::from(8000));
    assert_eq!(f.points[1].linear, Decimal::from(9000));
}

#[test]
fn compound_forecast_applies_the_trailing_monthly_growth_rate() {
    // MRR doubles each month (1000, 2000, 4000): CMGR 100%; next months 8000, 16000.
    let l = ledger(vec![
        monthly("a", "c1", 1000, d(2024, 1, 1)),
        monthly("b", "c2", 1000, d(2024, 2, 1)),
        monthly("c", "c3", 2000, d(2024, 3, 1)),
    ]);
    let f = l
        .forecast(
            d(2024, 3, 31),
            ForecastOptions {
                months: 2,
                history_months: 2,
            },
        )
        .unwrap();
    assert_eq!(f.compound_monthly_growth_rate, Some(Decimal::ONE));
    assert_eq!(f.points[0].compound, Some(Decimal::from(8000)));
    assert_eq!(f.points[1].compound, Some(Decimal::from(16_000)));
}

#[test]
fn compound_growth_from_zero_is_undefined() {
    let l = ledger(vec![monthly("a", "c1", 1000, d(2024, 3, 1))]);
    let f = l
        .forecast(
            d(2024, 3, 31),
            ForecastOptions {
                months: 1,
                history_months: 2,
            },
        )
        .unwrap();
    assert_eq!(f.compound_monthly_growth_rate, None);
    assert_eq!(f.points[0].compound, None);
}

#[test]
fn breakdown_by_tier_sums_to_the_total_with_shares() {
    let l = ledger(vec![
        monthly("a", "c1", 3000, d(2024, 1, 1)).with_tier(Tier::Pro),
        monthly("b", "c2", 1000, d(2024, 1, 1)).with_tier(Tier::Team),
        monthly("c", "c3", 1000, d(2024, 1, 1)).with_tier(Tier::Free),
    ]);
    let b = l.breakdown(d(2024, 2, 1), BreakdownBy::Tier).unwrap();
    assert_eq!(b.total_mrr.amount, Decimal::from(4000));
    let keys: Vec<&str> = b.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["PRO", "TEAM", "FREE"]);
    assert_eq!(b.rows[0].share, Ratio::Value(dec("0.75")));
    assert_eq!(
        (
            b.rows[2].customers,
            b.rows[2].paying_customers,
            b.rows[2].arpu
        ),
        (1, 0, None)
    );
}

#[test]
fn report_bundles_every_metric_and_serialises_money_as_strings() {
    let report = march_ledger().report(d(2024, 4, 10)).unwrap();
    assert_eq!(report.movements.reporting.months.len(), 12);
    assert_eq!(report.churn.month, d(2024, 3, 1));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["snapshot"]["mrr"]["amount"], "6500");
    assert_eq!(json["snapshot"]["mrr"]["currency"], "USD");
    assert_eq!(json["ltv"]["ltv"]["kind"], "finite");
}
