//! Metric queries by JSON: each answers as its method does, and bad queries name what is wrong.

use serde_json::{json, Value};

use super::{d, ledger, monthly};
use crate::error::ErrorCode;
use crate::revenue::{
    BreakdownBy, CohortPeriod, ForecastOptions, MetricQuery, MetricResult, RevenueLedger,
};

fn sample() -> RevenueLedger {
    ledger(vec![
        monthly("s1", "c1", 1000, d(2024, 1, 5)).with_ended_at(d(2024, 3, 10)),
        monthly("s2", "c2", 2500, d(2024, 2, 1)),
        monthly("s3", "c3", 500, d(2024, 4, 20)),
    ])
}

fn run(ledger: &RevenueLedger, query: Value) -> Value {
    let q = MetricQuery::from_json(&query).unwrap();
    serde_json::to_value(ledger.query(&q).unwrap()).unwrap()
}

fn json_of<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn error_of(query: Value) -> String {
    let e = MetricQuery::from_json(&query).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument, "{e}");
    e.to_string()
}

#[test]
fn every_metric_answers_as_its_method_does() {
    let l = sample();
    let (as_of, start) = (d(2024, 6, 30), d(2024, 1, 1));
    assert_eq!(
        run(&l, json!({"metric": "snapshot", "as_of": "2024-06-30"})),
        json_of(l.mrr(as_of).unwrap())
    );
    assert_eq!(
        run(&l, json!({"metric": "mrr", "as_of": "2024-06-30"})),
        json_of(l.mrr(as_of).unwrap())
    );
    assert_eq!(
        run(
            &l,
            json!({"metric": "movements", "start": "2024-01-01", "end": "2024-06-30"})
        ),
        json_of(l.movements(start, as_of).unwrap())
    );
    assert_eq!(
        run(
            &l,
            json!({"metric": "movements", "start": "2024-01-01", "end": "2024-06-30", "by_currency": false})
        ),
        json_of(l.reporting_movements(start, as_of).unwrap())
    );
    assert_eq!(
        run(&l, json!({"metric": "churn", "month": "2024-03-15"})),
        json_of(l.churn(d(2024, 3, 15)).unwrap())
    );
    assert_eq!(
        run(&l, json!({"metric": "ltv", "as_of": "2024-06-30"})),
        json_of(l.ltv(as_of, 3).unwrap())
    );
    assert_eq!(
        run(
            &l,
            json!({"metric": "ltv", "as_of": "2024-06-30", "window_months": 5})
        ),
        json_of(l.ltv(as_of, 5).unwrap())
    );
    assert_eq!(
        run(
            &l,
            json!({"metric": "cohorts", "as_of": "2024-06-30", "period": "week"})
        ),
        json_of(l.cohorts(CohortPeriod::Week, as_of).unwrap())
    );
    assert_eq!(
        run(
            &l,
            json!({"metric": "forecast", "as_of": "2024-06-30", "months": 3, "history_months": 2})
        ),
        json_of(
            l.forecast(
                as_of,
                ForecastOptions {
                    months: 3,
                    history_months: 2
                }
            )
            .unwrap()
        )
    );
    assert_eq!(
        run(
            &l,
            json!({"metric": "breakdown", "as_of": "2024-06-30", "by": "plan"})
        ),
        json_of(l.breakdown(as_of, BreakdownBy::Plan).unwrap())
    );
    assert_eq!(
        run(&l, json!({"metric": "report", "as_of": "2024-06-30"})),
        json_of(l.report(as_of).unwrap())
    );
}

#[test]
fn options_left_out_or_null_take_the_documented_defaults() {
    let q = MetricQuery::from_json(
        &json!({"metric": "forecast", "as_of": "2024-06-30", "months": null}),
    )
    .unwrap();
    assert_eq!(
        q,
        MetricQuery::Forecast {
            as_of: d(2024, 6, 30),
            options: ForecastOptions::default()
        }
    );
    let q = MetricQuery::from_json(&json!({"metric": "cohorts", "as_of": "2024-06-30"})).unwrap();
    assert_eq!(
        q,
        MetricQuery::Cohorts {
            period: CohortPeriod::Month,
            as_of: d(2024, 6, 30)
        }
    );
    let q = MetricQuery::from_json(&json!({"metric": "breakdown", "as_of": "2024-06-30"})).unwrap();
    assert_eq!(
        q,
        MetricQuery::Breakdown {
            as_of: d(2024, 6, 30),
            by: BreakdownBy::Tier
        }
    );
}

#[test]
fn a_query_that_is_not_an_object_or_names_no_metric_is_refused() {
    assert!(error_of(json!("movements")).contains("object"));
    assert!(error_of(json!({})).contains("`metric`"));
    assert!(error_of(json!({"metric": 3})).contains("`metric`"));
    assert!(
        error_of(json!({"metric": "arpu_by_moon", "as_of": "2024-01-01"}))
            .contains("unknown metric")
    );
}

#[test]
fn a_misspelt_key_is_refused_instead_of_defaulted() {
    let e = error_of(
        json!({"metric": "movements", "start": "2024-01-01", "end": "2024-02-01", "by_curency": false}),
    );
    assert!(e.contains("`by_curency`"), "{e}");
}

#[test]
fn missing_or_malformed_dates_name_their_key() {
    assert!(error_of(json!({"metric": "churn"})).contains("`month`"));
    assert!(error_of(json!({"metric": "snapshot", "as_of": "2024-13-01"})).contains("`as_of`"));
    assert!(error_of(json!({"metric": "snapshot", "as_of": 20240101})).contains("`as_of`"));
}

#[test]
fn mistyped_options_name_their_key() {
    assert!(
        error_of(json!({"metric": "ltv", "as_of": "2024-01-01", "window_months": -1}))
            .contains("`window_months`")
    );
    assert!(error_of(
        json!({"metric": "ltv", "as_of": "2024-01-01", "window_months": 5_000_000_000u64})
    )
    .contains("`window_months`"));
    assert!(error_of(json!({"metric": "movements", "start": "2024-01-01", "end": "2024-02-01", "by_currency": "no"})).contains("`by_currency`"));
    assert!(
        error_of(json!({"metric": "cohorts", "as_of": "2024-01-01", "period": 7}))
            .contains("`period`")
    );
    let e = MetricQuery::from_json(
        &json!({"metric": "cohorts", "as_of": "2024-01-01", "period": "fortnight"}),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
}

#[test]
fn range_errors_come_from_the_metric_itself() {
    let l = sample();
    let q = MetricQuery::from_json(
        &json!({"metric": "movements", "start": "2024-05-01", "end": "2024-01-01"}),
    )
    .unwrap();
    assert_eq!(l.query(&q).unwrap_err().code(), ErrorCode::InvalidArgument);
    let q = MetricQuery::from_json(
        &json!({"metric": "ltv", "as_of": "2024-05-01", "window_months": 0}),
    )
    .unwrap();
    assert_eq!(l.query(&q).unwrap_err().code(), ErrorCode::InvalidArgument);
}

#[test]
fn results_serialise_as_the_wrapped_struct_alone() {
    let l = sample();
    let q = MetricQuery::Snapshot {
        as_of: d(2024, 6, 30),
    };
    let result = l.query(&q).unwrap();
    assert!(matches!(result, MetricResult::Snapshot(_)));
    assert_eq!(
        json_of(&result)["mrr"],
        json_of(l.mrr(d(2024, 6, 30)).unwrap())["mrr"]
    );
}
