//! Hand-computed cases for every convention, and bad input.

mod bad_input;
mod conventions;
mod metrics;
mod properties;
mod query;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BillingInterval, Currency, RevenueLedger, Subscription};

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A monthly USD subscription of `cents` from `start`.
pub(super) fn monthly(id: &str, customer: &str, cents: i64, start: NaiveDate) -> Subscription {
    Subscription::new(
        id,
        customer,
        "plan",
        Decimal::from(cents),
        Currency::USD,
        BillingInterval::Month,
        start,
    )
}

pub(super) fn ledger(subs: Vec<Subscription>) -> RevenueLedger {
    let mut ledger = RevenueLedger::new();
    ledger.extend(subs).unwrap();
    ledger
}

pub(super) fn mrr(ledger: &RevenueLedger, day: NaiveDate) -> Decimal {
    ledger.mrr(day).unwrap().mrr.amount
}
