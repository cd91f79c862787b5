//! MRR movements per month: new, expansion, contraction, churn, reactivation.

use chrono::NaiveDate;
use serde::Serialize;

use super::{amount, check_months, month_end, month_start, next_month, rates_used, FxRateUsed};
use crate::revenue::index::{Index, View};
use crate::revenue::segments::{self, Day};
use crate::revenue::{Currency, RevenueError, RevenueLedger};

/// One month's movements, in minor units of the table's currency.
///
/// Per customer, MRR at the start (end of the day before the month) is compared with MRR at the
/// end (end of the month's last day, or of the range's end day): 0 → positive is *new* if the
/// customer never had a positive MRR before, else *reactivation*; positive → 0 is *churn*; a rise
/// is *expansion*, a fall *contraction*. So `mrr_end = mrr_start + new + expansion + reactivation
/// − contraction − churn` holds exactly. Changes that start and end within the month are not seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthMovements {
    /// The month's first day.
    pub month: NaiveDate,
    /// The day MRR at the start is measured at (end of the previous month's last day).
    pub start_day: NaiveDate,
    /// The day MRR at the end is measured at (the month's last day, or the range end).
    pub end_day: NaiveDate,
    /// MRR at the start.
    pub mrr_start: rust_decimal::Decimal,
    /// MRR of customers whose first paid subscription started.
    pub new: rust_decimal::Decimal,
    /// MRR increases of existing paying customers.
    pub expansion: rust_decimal::Decimal,
    /// MRR decreases of customers still paying at the end (positive figure).
    pub contraction: rust_decimal::Decimal,
    /// MRR lost from customers paying at the start and not at the end (positive figure).
    pub churn: rust_decimal::Decimal,
    /// MRR of returning customers who had paid before.
    pub reactivation: rust_decimal::Decimal,
    /// MRR at the end.
    pub mrr_end: rust_decimal::Decimal,
    /// `new + expansion + reactivation − contraction − churn`.
    pub net_new_mrr: rust_decimal::Decimal,
    /// Paying customers at the start.
    pub customers_start: u64,
    /// Customers counted as new.
    pub new_customers: u64,
    /// Customers who expanded.
    pub expansion_customers: u64,
    /// Customers who contracted.
    pub contraction_customers: u64,
    /// Customers who churned.
    pub churned_customers: u64,
    /// Customers who reactivated.
    pub reactivated_customers: u64,
    /// Paying customers at the end.
    pub customers_end: u64,
}

/// Movements of one currency (or the reporting currency) over a range of months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MovementTable {
    /// The currency of every figure.
    pub currency: Currency,
    /// One row per month, oldest first.
    pub months: Vec<MonthMovements>,
}

/// Movements in the reporting currency and in each currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Movements {
    /// In the reporting currency, converted at constant rates (those in effect on the range end)
    /// so exchange-rate swings do not show up as expansion or churn.
    pub reporting: MovementTable,
    /// The rates used for `reporting`.
    pub fx_rates: Vec<FxRateUsed>,
    /// Per currency, unconverted, sorted by code.
    pub by_currency: Vec<MovementTable>,
}

/// Month totals in fixed point.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct MonthFixed {
    pub start: i128,
    pub new: i128,
    pub expansion: i128,
    pub contraction: i128,
    pub churn: i128,
    pub reactivation: i128,
    pub end: i128,
    pub customers_start: u64,
    pub new_customers: u64,
    pub expansion_customers: u64,
    pub contraction_customers: u64,
    pub churned_customers: u64,
    pub reactivated_customers: u64,
    pub customers_end: u64,
}

/// The months from `start`'s to `end`'s, and the measurement days: `days[0]` is the day before the
/// first month, `days[k + 1]` the end of month `k` (capped at `end`).
pub(crate) fn month_grid(
    start: NaiveDate,
    end: NaiveDate,
) -> Result<(Vec<NaiveDate>, Vec<NaiveDate>), RevenueError> {
    if end < start {
        return Err(RevenueError::InvalidArgument(format!(
            "range end {end} is before its start {start}"
        )));
    }
    let mut months = vec![month_start(start)];
    while let Some(&last) = months.last() {
        let next = next_month(last);
        if next > end {
            break;
        }
        months.push(next);
        check_months(months.len())?;
    }
    let mut days = Vec::with_capacity(months.len() + 1);
    days.push(months[0].pred_opt().unwrap_or(months[0]));
    for m in &months {
        days.push(month_end(*m).min(end));
    }
    Ok((months, days))
}

/// Classify every customer's MRR change over each step of `days`.
pub(crate) fn movement_totals(
    index: &Index,
    view: &View,
    days: &[NaiveDate],
) -> Result<Vec<MonthFixed>, RevenueError> {
    Ok(movement_totals_in(index, std::slice::from_ref(view), days)?.remove(0))
}

/// [`movement_totals`] for several views in one pass over the customers.
pub(crate) fn movement_totals_in(
    index: &Index,
    views: &[View],
    days: &[NaiveDate],
) -> Result<Vec<Vec<MonthFixed>>, RevenueError> {
    let day_numbers: Vec<Day> = days.iter().map(|d| segments::day(*d)).collect();
    let n = day_numbers.len();
    let mut totals = vec![vec![MonthFixed::default(); n.saturating_sub(1)]; views.len()];
    index.for_each_customer_in(views, &day_numbers, |customer, all_values, touched| {
        let first_paid = index.first_paid[customer];
        for &(v, lo, hi) in touched {
            // Values outside lo..hi are zero: only months k with k or k + 1 in lo..hi change.
            let months = lo.saturating_sub(1)..hi.min(n - 1);
            classify(
                &all_values[v * n..(v + 1) * n],
                first_paid,
                &day_numbers,
                &mut totals[v],
                months,
            );
        }
    })?;
    Ok(totals)
}

/// Add one customer's changes (`values[k]` → `values[k + 1]`) to each month's totals.
fn classify(
    values: &[i128],
    first_paid: Day,
    day_numbers: &[Day],
    totals: &mut [MonthFixed],
    months: std::ops::Range<usize>,
) {
    for k in months {
        let t = &mut totals[k];
        let (a, b) = (values[k], values[k + 1]);
        t.start += a;
        t.end += b;
        if a > 0 {
            t.customers_start += 1;
        }
        if b > 0 {
            t.customers_end += 1;
        }
        if a == 0 && b > 0 {
            if first_paid <= day_numbers[k] {
                t.reactivation += b;
                t.reactivated_customers += 1;
            } else {
                t.new += b;
                t.new_customers += 1;
            }
        } else if a > 0 && b == 0 {
            t.churn += a;
            t.churned_customers += 1;
        } else if b > a {
            t.expansion += b - a;
            t.expansion_customers += 1;
        } else if b < a {
            t.contraction += a - b;
            t.contraction_customers += 1;
        }
    }
}

pub(crate) fn table(
    index: &Index,
    view: &View,
    months: &[NaiveDate],
    days: &[NaiveDate],
) -> Result<MovementTable, RevenueError> {
    Ok(to_table(
        view,
        &movement_totals(index, view, days)?,
        months,
        days,
    ))
}

fn to_table(
    view: &View,
    totals: &[MonthFixed],
    months: &[NaiveDate],
    days: &[NaiveDate],
) -> MovementTable {
    MovementTable {
        currency: view.currency,
        months: totals
            .iter()
            .enumerate()
            .map(|(k, t)| MonthMovements {
                month: months[k],
                start_day: days[k],
                end_day: days[k + 1],
                mrr_start: amount(view, t.start),
                new: amount(view, t.new),
                expansion: amount(view, t.expansion),
                contraction: amount(view, t.contraction),
                churn: amount(view, t.churn),
                reactivation: amount(view, t.reactivation),
                mrr_end: amount(view, t.end),
                net_new_mrr: amount(
                    view,
                    t.new + t.expansion + t.reactivation - t.contraction - t.churn,
                ),
                customers_start: t.customers_start,
                new_customers: t.new_customers,
                expansion_customers: t.expansion_customers,
                contraction_customers: t.contraction_customers,
                churned_customers: t.churned_customers,
                reactivated_customers: t.reactivated_customers,
                customers_end: t.customers_end,
            })
            .collect(),
    }
}

pub(crate) fn movements(
    index: &Index,
    start: NaiveDate,
    end: NaiveDate,
    by_currency: bool,
) -> Result<Movements, RevenueError> {
    let (months, days) = month_grid(start, end)?;
    let reporting = index.reporting_view(end)?;
    let mut currencies = index.currencies.clone();
    currencies.sort_unstable();
    // One pass over the customers: the reporting view, then one view per currency (none when the
    // only currency is the reporting one, or when the caller wants the reporting table only:
    // each extra view is another classification per customer).
    let single = currencies.len() == 1 && currencies[0] == reporting.currency;
    let mut views = vec![reporting.clone()];
    if by_currency && !single {
        views.extend(currencies.iter().map(|c| index.currency_view(*c)));
    }
    let totals = movement_totals_in(index, &views, &days)?;
    let mut tables: Vec<MovementTable> = views
        .iter()
        .zip(&totals)
        .map(|(view, t)| to_table(view, t, &months, &days))
        .collect();
    let reporting_table = tables.remove(0);
    let by_currency = if !by_currency {
        Vec::new()
    } else if single {
        vec![reporting_table.clone()]
    } else {
        tables
    };
    Ok(Movements {
        reporting: reporting_table,
        fx_rates: rates_used(&reporting),
        by_currency,
    })
}

impl RevenueLedger {
    /// MRR movements for each month from `start`'s month to `end`'s, the last month measured up to
    /// `end`. See [`MonthMovements`] for the rules.
    ///
    /// # Errors
    /// [`RevenueError::InvalidArgument`] if `end < start` or the range is over
    /// [`super::MAX_MONTHS`] months; [`RevenueError::MissingFxRate`] for a currency without a rate
    /// on `end`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use cognition_core::revenue::{BillingInterval, Currency, RevenueLedger, Subscription};
    /// use rust_decimal::Decimal;
    ///
    /// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    /// let mut ledger = RevenueLedger::new();
    /// ledger.add(Subscription::new("s1", "c1", "pro", Decimal::from(1000), Currency::USD,
    ///     BillingInterval::Month, day(1, 5)).with_ended_at(day(3, 10)))?;
    /// let table = ledger.movements(day(1, 1), day(3, 31))?.reporting;
    /// assert_eq!(table.months[0].new, Decimal::from(1000));
    /// assert_eq!(table.months[2].churn, Decimal::from(1000));
    /// for m in &table.months {
    ///     assert_eq!(m.mrr_end, m.mrr_start + m.new + m.expansion + m.reactivation - m.contraction - m.churn);
    /// }
    /// # Ok::<(), cognition_core::revenue::RevenueError>(())
    /// ```
    pub fn movements(&self, start: NaiveDate, end: NaiveDate) -> Result<Movements, RevenueError> {
        movements(&*self.index()?, start, end, true)
    }

    /// [`movements`](Self::movements) in the reporting currency only: `by_currency` is left empty.
    /// Each per-currency table costs another classification of every customer of that currency,
    /// so a dashboard that shows one converted table should ask for just that.
    ///
    /// # Errors
    /// As [`movements`](Self::movements).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use cognition_core::revenue::{BillingInterval, Currency, RevenueLedger, Subscription};
    /// use rust_decimal::Decimal;
    ///
    /// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    /// let mut ledger = RevenueLedger::new();
    /// ledger.add(Subscription::new("s1", "c1", "pro", Decimal::from(1000), Currency::USD,
    ///     BillingInterval::Month, day(1, 5)))?;
    /// let full = ledger.movements(day(1, 1), day(3, 31))?;
    /// let reporting = ledger.reporting_movements(day(1, 1), day(3, 31))?;
    /// assert_eq!(reporting.reporting, full.reporting);
    /// assert!(reporting.by_currency.is_empty());
    /// # Ok::<(), cognition_core::revenue::RevenueError>(())
    /// ```
    pub fn reporting_movements(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<Movements, RevenueError> {
        movements(&*self.index()?, start, end, false)
    }

    /// Movements of one currency only, unconverted (cheaper than [`movements`](Self::movements)
    /// when only one currency matters).
    ///
    /// # Errors
    /// As [`movements`](Self::movements), without FX errors.
    pub fn movements_in(
        &self,
        currency: Currency,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<MovementTable, RevenueError> {
        let index = self.index()?;
        let (months, days) = month_grid(start, end)?;
        table(&index, &index.currency_view(currency), &months, &days)
    }
}
