//! Metrics over a [`super::RevenueLedger`]: snapshots, movements, churn and LTV, cohorts,
//! forecasts, breakdowns and the all-in-one report. Every result is a serde-serialisable struct.

pub(crate) mod cohorts;
pub(crate) mod forecast;
pub(crate) mod movements;
pub(crate) mod report;
pub(crate) mod retention;
pub(crate) mod snapshot;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

use super::fixed::{div_round_half_even, pow10, to_decimal_scaled};
use super::index::View;
use super::{Currency, Money, RevenueError};

/// Decimal places of every quotient (rates, ratios, percentages, ARPU is money and keeps the
/// internal precision): rounded half-even, exactly (from integers, not from a rounded division).
pub const QUOTIENT_DECIMALS: u32 = 12;

/// The longest range of months one call covers: 1200 (a century).
pub const MAX_MONTHS: usize = 1200;

/// A ratio that may have no finite value.
///
/// Serialised as a decimal string, `"unbounded"` (positive over zero) or `null` (zero over zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ratio {
    /// A finite value, rounded half-even to [`QUOTIENT_DECIMALS`] places.
    Value(Decimal),
    /// A positive amount over zero (e.g. a quick ratio with no losses).
    Unbounded,
    /// Zero over zero (e.g. a churn rate with no customers at the start).
    Undefined,
}

impl Ratio {
    /// Return the finite value, if any.
    pub fn value(&self) -> Option<Decimal> {
        match self {
            Ratio::Value(v) => Some(*v),
            _ => None,
        }
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Ratio::Value(v) => Serialize::serialize(v, serializer),
            Ratio::Unbounded => serializer.serialize_str("unbounded"),
            Ratio::Undefined => serializer.serialize_none(),
        }
    }
}

/// `num / den` rounded half-even to [`QUOTIENT_DECIMALS`] places, both in the same units.
pub(crate) fn quotient(num: i128, den: i128) -> Ratio {
    scaled_quotient(num, den, 1)
}

/// `num × factor / den` as a [`Ratio`].
pub(crate) fn scaled_quotient(num: i128, den: i128, factor: i128) -> Ratio {
    if den == 0 {
        return if num > 0 {
            Ratio::Unbounded
        } else {
            Ratio::Undefined
        };
    }
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let scale = pow10(QUOTIENT_DECIMALS).unwrap_or(1);
    match num.checked_mul(factor).and_then(|n| n.checked_mul(scale)) {
        Some(n) => Ratio::Value(to_decimal_scaled(
            div_round_half_even(n, den),
            QUOTIENT_DECIMALS,
        )),
        None => {
            let n = to_decimal_scaled(num, 0) * Decimal::from_i128_with_scale(factor, 0);
            let q = n
                .checked_div(to_decimal_scaled(den, 0))
                .unwrap_or(Decimal::MAX);
            Ratio::Value(
                q.round_dp_with_strategy(QUOTIENT_DECIMALS, RoundingStrategy::MidpointNearestEven)
                    .normalize(),
            )
        }
    }
}

/// A fixed-point figure of `view` as [`Money`].
pub(crate) fn money(view: &View, value: i128) -> Money {
    Money::new(to_decimal_scaled(value, view.scale), view.currency)
}

/// A fixed-point figure of `view` as a [`Decimal`] of minor units.
pub(crate) fn amount(view: &View, value: i128) -> Decimal {
    to_decimal_scaled(value, view.scale)
}

/// The first day of `d`'s month.
pub(crate) fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The first day of the month after `d`'s.
pub(crate) fn next_month(d: NaiveDate) -> NaiveDate {
    month_start(d)
        .checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

/// The last day of `d`'s month.
pub(crate) fn month_end(d: NaiveDate) -> NaiveDate {
    next_month(d).pred_opt().unwrap_or(d)
}

/// The last complete month on or before `as_of` (its first day).
pub(crate) fn last_complete_month(as_of: NaiveDate) -> NaiveDate {
    if month_end(as_of) == as_of {
        month_start(as_of)
    } else {
        month_start(month_start(as_of).pred_opt().unwrap_or(as_of))
    }
}

/// `months` months before the month of `d` (first day).
pub(crate) fn months_back(d: NaiveDate, months: u32) -> NaiveDate {
    month_start(d)
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// An FX rate a figure was converted with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FxRateUsed {
    /// The currency converted from.
    pub currency: Currency,
    /// `1 currency = rate reporting currency`.
    pub rate: Decimal,
}

pub(crate) fn rates_used(view: &View) -> Vec<FxRateUsed> {
    let mut rates: Vec<FxRateUsed> = view
        .rates
        .iter()
        .map(|(currency, rate)| FxRateUsed {
            currency: *currency,
            rate: *rate,
        })
        .collect();
    rates.sort_unstable_by_key(|r| r.currency);
    rates
}

pub(crate) fn check_months(n: usize) -> Result<(), RevenueError> {
    if n == 0 || n > MAX_MONTHS {
        return Err(RevenueError::InvalidArgument(format!(
            "a range of {n} months: expected 1..={MAX_MONTHS}"
        )));
    }
    Ok(())
}
