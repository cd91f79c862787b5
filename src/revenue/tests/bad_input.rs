//! Bad input: each a typed error saying where and why, never a panic or a silent skip.

use rust_decimal::Decimal;

use super::{d, dec, ledger, monthly};
use crate::revenue::{
    BillingInterval, CohortPeriod, CsvRowError, Currency, EventOutcome, ForecastOptions, FxTable,
    LedgerConfig, RevenueError, RevenueLedger, Subscription, SubscriptionStatus,
};
use crate::ErrorCode;

fn reason(e: RevenueError) -> String {
    match e {
        RevenueError::InvalidSubscription { reason, .. } => reason,
        other => panic!("expected InvalidSubscription, got {other:?}"),
    }
}

#[test]
fn negative_amounts_are_refused() {
    let e = RevenueLedger::new()
        .add(monthly("s", "c", -1, d(2024, 1, 1)))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::RevenueInvalidSubscription);
    assert!(reason(e).contains("`unit_amount` is negative"));
}

#[test]
fn unknown_currency_names_the_code() {
    let e = Currency::parse("ABC").unwrap_err();
    assert_eq!(e.code(), ErrorCode::RevenueUnknownCurrency);
    assert!(e.to_string().contains("`ABC`"));
}

#[test]
fn interval_count_zero_is_refused() {
    let e = RevenueLedger::new()
        .add(monthly("s", "c", 1, d(2024, 1, 1)).with_interval_count(0))
        .unwrap_err();
    assert!(reason(e).contains("`interval_count` is 0"));
}

#[test]
fn ending_before_the_start_is_refused() {
    let e = RevenueLedger::new()
        .add(monthly("s", "c", 1, d(2024, 2, 1)).with_ended_at(d(2024, 1, 1)))
        .unwrap_err();
    assert!(reason(e).contains("ended_at (2024-01-01) is before start (2024-02-01)"));
}

#[test]
fn canceled_without_any_end_is_refused() {
    let e = RevenueLedger::new()
        .add(monthly("s", "c", 1, d(2024, 1, 1)).with_status(SubscriptionStatus::Canceled))
        .unwrap_err();
    assert!(reason(e).contains("neither ended_at nor canceled_at"));
}

#[test]
fn out_of_range_amounts_and_percentages_are_refused() {
    let huge = monthly("s", "c", 1_000_000_000_000, d(2024, 1, 1)).with_quantity(1_000_000);
    assert!(reason(RevenueLedger::new().add(huge).unwrap_err()).contains("over the limit"));
    let pct = monthly("s", "c", 1, d(2024, 1, 1))
        .with_discount(crate::revenue::Discount::percent(Decimal::from(101)));
    assert!(reason(RevenueLedger::new().add(pct).unwrap_err()).contains("percent off is 101"));
    let tiny = Subscription {
        unit_amount: dec("0.0000000000001"),
        ..monthly("s", "c", 1, d(2024, 1, 1))
    };
    assert!(
        reason(RevenueLedger::new().add(tiny).unwrap_err()).contains("more than 12 decimal places")
    );
}

#[test]
fn duplicate_ids_are_refused_and_extend_adds_nothing() {
    let mut l = ledger(vec![monthly("s", "c", 1, d(2024, 1, 1))]);
    assert_eq!(
        l.add(monthly("s", "x", 2, d(2024, 1, 1))),
        Err(RevenueError::DuplicateId { id: "s".into() })
    );
    let e = l
        .extend([
            monthly("t", "c", 1, d(2024, 1, 1)),
            monthly("t", "c", 1, d(2024, 1, 1)),
        ])
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::RevenueDuplicateId);
    assert_eq!(l.len(), 1);
}

fn event(id: &str, created: i64) -> crate::webhook::Event {
    let body = serde_json::json!({"id": id, "type": "customer.subscription.updated", "created": created,
        "livemode": false, "data": {"object": {"id": "sub_1", "customer": "cus_1", "status": "active",
        "created": 1704067200, "items": {"data": [{"quantity": 1, "price": {"id": "p", "currency": "usd",
        "unit_amount": 1000, "recurring": {"interval": "month"}}}]}}}});
    crate::webhook::parse_event(body.to_string().as_bytes()).unwrap()
}

#[test]
fn events_out_of_order_are_refused_naming_both_times() {
    let mut l = RevenueLedger::new();
    l.apply_event(&event("evt_2", 1_710_000_000)).unwrap();
    let e = l.apply_event(&event("evt_1", 1_700_000_000)).unwrap_err();
    assert_eq!(
        e,
        RevenueError::EventOutOfOrder {
            event_id: "evt_1".into(),
            subscription_id: "sub_1".into(),
            created: 1_700_000_000,
            last_applied: 1_710_000_000
        }
    );
    assert_eq!(
        l.apply_event(&event("evt_3", 1_710_000_000)),
        Ok(EventOutcome::Applied)
    );
}

#[test]
fn non_subscription_events_are_ignored() {
    let body = br#"{"id":"evt_1","type":"invoice.paid","created":1,"livemode":false,"data":{"object":{"id":"in_1"}}}"#;
    let event = crate::webhook::parse_event(body).unwrap();
    assert_eq!(
        RevenueLedger::new().apply_event(&event),
        Ok(EventOutcome::Ignored)
    );
}

#[test]
fn malformed_stripe_objects_name_the_json_path() {
    let mut l = RevenueLedger::new();
    let e = l
        .add_stripe(
            &serde_json::json!({"id": "sub_1", "customer": "c", "status": "active", "created": 1}),
        )
        .unwrap_err();
    assert_eq!(
        e,
        RevenueError::MalformedStripeObject {
            path: "items.data".into(),
            reason: "expected a list of subscription items".into()
        }
    );
    let e = l.add_stripe(&serde_json::json!([1, 2])).unwrap_err();
    assert_eq!(e.code(), ErrorCode::RevenueMalformedStripeObject);
    let e = l.add_stripe(&serde_json::json!({"id": "sub_1", "customer": "c", "status": "sleeping", "created": 1})).unwrap_err();
    assert!(e.to_string().contains("`status`"), "{e}");
}

const HEADER: &str = "id,customer_id,plan_id,tier,status,unit_amount,currency,interval,interval_count,quantity,start,ended_at\n";

#[test]
fn every_bad_csv_row_is_reported_with_line_and_column_and_nothing_is_loaded() {
    let csv = format!(
        "{HEADER}s1,c1,p,PRO,active,1000,USD,month,1,1,2024-01-01,\n\
         s2,c2,p,PRO,active,-5,USD,month,1,1,2024-01-01,\n\
         s3,c3,p,PRO,active,1000,XXX,month,1,1,2024-01-01,\n\
         s4,c4,p,PRO,active,1000,USD,fortnight,0,1,2024-13-01,\n\
         s1,c5,p,PRO,active,1000,USD,month,1,1,2024-01-01,\n\
         s6,c6,p,PRO,active,1000,USD,month,1,1,2024-02-01,2024-01-01\n"
    );
    let mut l = RevenueLedger::new();
    let RevenueError::MalformedCsv { errors } = l.load_csv(csv.as_bytes()).unwrap_err() else {
        panic!("expected MalformedCsv")
    };
    let at = |line: u64, column: Option<&str>| {
        errors
            .iter()
            .any(|e| e.line == line && e.column.as_deref() == column)
    };
    assert!(at(3, None), "{errors:?}"); // negative amount, found by validate
    assert!(at(4, Some("currency")));
    assert!(at(5, Some("interval")) && at(5, Some("start")));
    assert!(at(6, Some("id")));
    assert!(at(7, None));
    assert!(l.is_empty());
}

#[test]
fn csv_with_a_missing_required_column_or_ragged_row_is_malformed() {
    let e = RevenueLedger::new()
        .load_csv("id,customer_id\ns1,c1\n".as_bytes())
        .unwrap_err();
    let RevenueError::MalformedCsv { errors } = e else {
        panic!()
    };
    assert!(errors.contains(&CsvRowError {
        line: 1,
        column: Some("plan_id".into()),
        message: "required column missing from the header".into()
    }));
    let ragged = format!("{HEADER}s1,c1,p\n");
    assert_eq!(
        RevenueLedger::new()
            .load_csv(ragged.as_bytes())
            .unwrap_err()
            .code(),
        ErrorCode::RevenueMalformedCsv
    );
    assert_eq!(
        RevenueLedger::new()
            .load_csv("".as_bytes())
            .unwrap_err()
            .code(),
        ErrorCode::RevenueMalformedCsv
    );
}

#[test]
fn a_clean_csv_loads_every_row() {
    let csv = format!("{HEADER}s1,c1,p,PRO,active,1000,usd,month,1,2,2024-01-01,\ns2,c2,p,,trialing,10,JPY,year,2,1,2024-01-01,\n");
    let mut l = RevenueLedger::new();
    assert_eq!(l.load_csv(csv.as_bytes()), Ok(2));
    assert_eq!(
        l.mrr_in(Currency::USD, d(2024, 1, 1)).unwrap().amount,
        Decimal::from(2000)
    );
}

#[test]
fn several_currencies_without_fx_or_with_a_missing_rate_name_the_currency() {
    let eur = Subscription {
        currency: Currency::EUR,
        ..monthly("e", "c", 1, d(2024, 1, 1))
    };
    let mut l = ledger(vec![monthly("u", "c", 1, d(2024, 1, 1)), eur]);
    assert_eq!(
        l.mrr(d(2024, 1, 1)).unwrap_err().code(),
        ErrorCode::RevenueMissingFxRate
    );
    l.set_fx(Some(FxTable::new(Currency::USD)));
    let e = l.mrr(d(2024, 1, 1)).unwrap_err();
    assert_eq!(
        e,
        RevenueError::MissingFxRate {
            currency: "EUR".into(),
            reporting: "USD".into(),
            on: None
        }
    );
    assert_eq!(
        l.mrr_in(Currency::EUR, d(2024, 1, 1)).unwrap().amount,
        Decimal::ONE
    );
}

#[test]
fn invalid_fx_rates_and_options_are_refused() {
    assert_eq!(
        FxTable::new(Currency::USD)
            .with_rate(Currency::EUR, Decimal::ZERO)
            .unwrap_err()
            .code(),
        ErrorCode::RevenueInvalidFxRate
    );
    assert!(FxTable::new(Currency::USD)
        .with_rate(Currency::EUR, dec("0.0000000000001"))
        .is_err());
    let l = ledger(vec![monthly("s", "c", 1, d(2024, 1, 1))]);
    assert_eq!(
        l.movements(d(2024, 5, 1), d(2024, 1, 1))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
    assert!(l.ltv(d(2024, 5, 1), 0).is_err());
    assert!(l
        .forecast(
            d(2024, 5, 1),
            ForecastOptions {
                months: 0,
                history_months: 6
            }
        )
        .is_err());
    assert!(l.cohorts(CohortPeriod::Day, d(2099, 1, 1)).is_err()); // over 5000 periods
    let _ = (BillingInterval::Day, LedgerConfig::default());
}

#[test]
fn an_empty_ledger_gives_zeros_not_errors() {
    let l = RevenueLedger::new();
    let s = l.mrr(d(2024, 1, 1)).unwrap();
    assert_eq!(
        (s.mrr.amount, s.paying_customers, s.arpu),
        (Decimal::ZERO, 0, None)
    );
    assert!(l.report(d(2024, 1, 1)).is_ok());
}

#[test]
fn ledger_config_json_is_checked_key_by_key() {
    use serde_json::json;
    let config = LedgerConfig::from_json(&json!({"count_past_due": false, "fx": {"reporting": "usd",
        "rates": [{"currency": "EUR", "rate": "1.1"}, {"currency": "EUR", "rate": 1.2, "from": "2024-03-01"}]}}))
    .unwrap();
    assert!(!config.count_past_due);
    assert_eq!(
        config.fx.unwrap().rate_on(Currency::EUR, d(2024, 3, 1)),
        Ok(dec("1.2"))
    );
    assert_eq!(
        LedgerConfig::from_json(&serde_json::Value::Null),
        Ok(LedgerConfig::default())
    );
    for bad in [
        json!([]),
        json!({"count_past_due": 1}),
        json!({"fx": {}}),
        json!({"fx": {"reporting": "USD", "rates": [{"currency": "EUR"}]}}),
    ] {
        assert_eq!(
            LedgerConfig::from_json(&bad).unwrap_err().code(),
            ErrorCode::InvalidArgument,
            "{bad}"
        );
    }
    let unknown = json!({"fx": {"reporting": "USD", "rates": [{"currency": "ABC", "rate": "1"}]}});
    assert_eq!(
        LedgerConfig::from_json(&unknown).unwrap_err().code(),
        ErrorCode::RevenueUnknownCurrency
    );
}

#[test]
fn subscription_json_reports_unknown_currency_and_bad_fields_by_code() {
    use serde_json::json;
    let base = json!({"id": "s", "customer_id": "c", "plan_id": "p", "status": "active", "unit_amount": "1",
        "currency": "USD", "interval": "month", "start": "2024-01-01"});
    assert!(Subscription::from_json(&base).is_ok());
    let mut unknown = base.clone();
    unknown["currency"] = json!("XYZ");
    assert_eq!(
        Subscription::from_json(&unknown).unwrap_err().code(),
        ErrorCode::RevenueUnknownCurrency
    );
    let mut bad_date = base.clone();
    bad_date["start"] = json!("yesterday");
    let e = Subscription::from_json(&bad_date).unwrap_err();
    assert_eq!(e.code(), ErrorCode::RevenueInvalidSubscription);
    assert!(e.to_string().contains("`s`"), "{e}");
    assert!(Subscription::from_json(&json!("s")).is_err());
}

#[test]
fn subscription_json_errors_name_the_offending_field() {
    use serde_json::json;
    let base = json!({"id": "s", "customer_id": "c", "plan_id": "p", "status": "active", "unit_amount": "1",
        "currency": "USD", "interval": "month", "start": "2024-01-01"});
    for (field, bad) in [
        ("start", json!("yesterday")),
        ("quantity", json!("two")),
        ("interval", json!(7)),
    ] {
        let mut record = base.clone();
        record[field] = bad;
        let e = Subscription::from_json(&record).unwrap_err();
        assert_eq!(e.code(), ErrorCode::RevenueInvalidSubscription);
        assert!(
            e.to_string().contains(&format!("`{field}`")),
            "{field}: {e}"
        );
    }
}
