//! Runs the shared revenue vectors (`tests/vectors/revenue.json`), which every face also runs.

use chrono::NaiveDate;
use cognition_core::revenue::{
    Currency, FxTable, LedgerConfig, LtvValue, MonthMovements, Ratio, RevenueError, RevenueLedger,
    Subscription,
};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

const VECTORS: &str = include_str!("vectors/revenue.json");

fn date(v: &Value) -> NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

fn decimal(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a decimal string, got {v}"))
        .parse()
        .unwrap()
}

fn subscription(
    defaults: &Map<String, Value>,
    value: &Value,
) -> Result<Subscription, RevenueError> {
    let mut merged = defaults.clone();
    merged.extend(value.as_object().unwrap().clone());
    if !merged.contains_key("created") {
        let start = merged["start"].clone();
        merged.insert("created".into(), start);
    }
    Currency::parse(merged["currency"].as_str().unwrap())?;
    Ok(serde_json::from_value(Value::Object(merged)).unwrap())
}

fn config(case: &Value) -> LedgerConfig {
    let mut config = LedgerConfig::default();
    let Some(c) = case.get("config") else {
        return config;
    };
    if let Some(v) = c.get("count_past_due") {
        config.count_past_due = v.as_bool().unwrap();
    }
    if let Some(fx) = c.get("fx") {
        let mut table = FxTable::new(Currency::parse(fx["reporting"].as_str().unwrap()).unwrap());
        for r in fx["rates"].as_array().unwrap() {
            let currency = Currency::parse(r["currency"].as_str().unwrap()).unwrap();
            let from = r.get("from").filter(|v| !v.is_null()).map(date);
            table.set(currency, from, decimal(&r["rate"])).unwrap();
        }
        config.fx = Some(table);
    }
    config
}

fn load(defaults: &Map<String, Value>, case: &Value) -> Result<RevenueLedger, RevenueError> {
    let mut ledger = RevenueLedger::with_config(config(case));
    let subs: Result<Vec<Subscription>, RevenueError> = case["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| subscription(defaults, s))
        .collect();
    ledger.extend(subs?)?;
    Ok(ledger)
}

fn ratio(expected: &Value, actual: Ratio, what: &str) {
    match (expected, actual) {
        (Value::Null, Ratio::Undefined) => {}
        (Value::String(s), Ratio::Unbounded) if s == "unbounded" => {}
        (Value::String(s), Ratio::Value(v)) => {
            assert_eq!(v, s.parse::<Decimal>().unwrap(), "{what}")
        }
        (e, a) => panic!("{what}: expected {e}, got {a:?}"),
    }
}

fn month_field(m: &MonthMovements, field: &str) -> Value {
    serde_json::to_value(m).unwrap()[field].clone()
}

fn check(name: &str, ledger: &RevenueLedger, expect: &Value) {
    for e in expect
        .get("mrr")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let as_of = date(&e["as_of"]);
        let result = ledger.mrr(as_of);
        if let Some(code) = e.get("error") {
            assert_eq!(
                result.unwrap_err().code().name(),
                code.as_str().unwrap(),
                "{name}"
            );
            continue;
        }
        let s = result.unwrap();
        let what = format!("{name} mrr {as_of}");
        assert_eq!(
            s.mrr.currency.code(),
            e["currency"].as_str().unwrap(),
            "{what}"
        );
        assert_eq!(s.mrr.amount, decimal(&e["mrr"]), "{what}");
        assert_eq!(s.arr.amount, decimal(&e["arr"]), "{what}");
        assert_eq!(
            s.active_customers,
            e["active_customers"].as_u64().unwrap(),
            "{what}"
        );
        assert_eq!(
            s.paying_customers,
            e["paying_customers"].as_u64().unwrap(),
            "{what}"
        );
        assert_eq!(
            s.arpu.map(|m| m.amount),
            e["arpu"].as_str().map(|a| a.parse().unwrap()),
            "{what}"
        );
    }
    for e in expect
        .get("movements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let table = ledger
            .movements(date(&e["start"]), date(&e["end"]))
            .unwrap()
            .reporting;
        let months = e["months"].as_array().unwrap();
        assert_eq!(table.months.len(), months.len(), "{name}");
        for (actual, expected) in table.months.iter().zip(months) {
            for (field, value) in expected.as_object().unwrap() {
                let got = month_field(actual, field);
                let what = format!("{name} {} {field}", actual.month);
                match value {
                    Value::String(s) if field != "month" => {
                        assert_eq!(decimal(&got), s.parse::<Decimal>().unwrap(), "{what}")
                    }
                    _ => assert_eq!(&got, value, "{what}"),
                }
            }
        }
    }
    for e in expect
        .get("churn")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let c = ledger.churn(date(&e["month"])).unwrap();
        assert_eq!(
            c.customers_start,
            e["customers_start"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            c.churned_customers,
            e["churned_customers"].as_u64().unwrap(),
            "{name}"
        );
        ratio(&e["customer_churn_rate"], c.customer_churn_rate, name);
        ratio(&e["gross_mrr_churn_rate"], c.gross_mrr_churn_rate, name);
        ratio(&e["net_mrr_churn_rate"], c.net_mrr_churn_rate, name);
        ratio(&e["nrr"], c.nrr, name);
        ratio(&e["grr"], c.grr, name);
        ratio(&e["quick_ratio"], c.quick_ratio, name);
    }
    for e in expect
        .get("ltv")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let window = e.get("window_months").and_then(Value::as_u64).unwrap_or(3) as u32;
        let l = ledger.ltv(date(&e["as_of"]), window).unwrap();
        assert_eq!(
            l.churned_customers,
            e["churned_customers"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            l.customer_months,
            e["customer_months"].as_u64().unwrap(),
            "{name}"
        );
        ratio(&e["monthly_churn_rate"], l.monthly_churn_rate, name);
        assert_eq!(
            l.arpa.map(|m| m.amount),
            e["arpa"].as_str().map(|a| a.parse().unwrap()),
            "{name}"
        );
        match (e["ltv"]["kind"].as_str().unwrap(), &l.ltv) {
            ("finite", LtvValue::Finite(m)) => {
                assert_eq!(m.amount, decimal(&e["ltv"]["value"]), "{name}")
            }
            ("unbounded", LtvValue::Unbounded) | ("undefined", LtvValue::Undefined) => {}
            (kind, got) => panic!("{name}: expected {kind}, got {got:?}"),
        }
    }
}

#[test]
fn shared_revenue_vectors() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let defaults = vectors["defaults"].as_object().unwrap().clone();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        match (load(&defaults, case), case.get("error")) {
            (Err(e), Some(code)) => {
                assert_eq!(e.code().name(), code.as_str().unwrap(), "{name}: {e}")
            }
            (Ok(_), Some(code)) => panic!("{name}: expected {code}, loaded fine"),
            (Err(e), None) => panic!("{name}: {e}"),
            (Ok(ledger), None) => check(name, &ledger, &case["expect"]),
        }
    }
}
