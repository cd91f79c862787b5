//! Churn, retention and LTV, derived from the month's movements.

use chrono::NaiveDate;
use serde::Serialize;

use super::movements::{month_grid, movement_totals, MonthFixed};
use super::{
    last_complete_month, money, month_end, months_back, quotient, rates_used, FxRateUsed, Ratio,
};
use crate::revenue::index::Index;
use crate::revenue::{Money, RevenueError, RevenueLedger};

/// Churn and retention for one month, in the reporting currency (rates on the month's end).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChurnMetrics {
    /// The month's first day.
    pub month: NaiveDate,
    /// Paying customers at the start.
    pub customers_start: u64,
    /// Of those, how many had no MRR at the end.
    pub churned_customers: u64,
    /// `churned_customers ÷ customers_start`.
    pub customer_churn_rate: Ratio,
    /// MRR at the start.
    pub mrr_start: Money,
    /// Churned MRR.
    pub churned_mrr: Money,
    /// Contraction MRR.
    pub contraction_mrr: Money,
    /// Expansion MRR.
    pub expansion_mrr: Money,
    /// New MRR.
    pub new_mrr: Money,
    /// Reactivation MRR.
    pub reactivation_mrr: Money,
    /// `(churn + contraction) ÷ mrr_start`.
    pub gross_mrr_churn_rate: Ratio,
    /// `(churn + contraction − expansion) ÷ mrr_start` (negative when expansion wins).
    pub net_mrr_churn_rate: Ratio,
    /// Net revenue retention: `(mrr_start + expansion − contraction − churn) ÷ mrr_start`.
    pub nrr: Ratio,
    /// Gross revenue retention: `(mrr_start − contraction − churn) ÷ mrr_start`.
    pub grr: Ratio,
    /// `(new + expansion + reactivation) ÷ (contraction + churn)`; `unbounded` with no losses.
    pub quick_ratio: Ratio,
    /// The rates used.
    pub fx_rates: Vec<FxRateUsed>,
}

pub(crate) fn churn(index: &Index, month: NaiveDate) -> Result<ChurnMetrics, RevenueError> {
    let end = month_end(month);
    let view = index.reporting_view(end)?;
    let (months, days) = month_grid(month, end)?;
    let t: MonthFixed = movement_totals(index, &view, &days)?[0];
    let losses = t.churn + t.contraction;
    Ok(ChurnMetrics {
        month: months[0],
        customers_start: t.customers_start,
        churned_customers: t.churned_customers,
        customer_churn_rate: quotient(
            i128::from(t.churned_customers),
            i128::from(t.customers_start),
        ),
        mrr_start: money(&view, t.start),
        churned_mrr: money(&view, t.churn),
        contraction_mrr: money(&view, t.contraction),
        expansion_mrr: money(&view, t.expansion),
        new_mrr: money(&view, t.new),
        reactivation_mrr: money(&view, t.reactivation),
        gross_mrr_churn_rate: quotient(losses, t.start),
        net_mrr_churn_rate: if t.start == 0 {
            Ratio::Undefined
        } else {
            quotient(losses - t.expansion, t.start)
        },
        nrr: quotient(t.start + t.expansion - losses, t.start),
        grr: quotient(t.start - losses, t.start),
        quick_ratio: quotient(t.new + t.expansion + t.reactivation, losses),
        fx_rates: rates_used(&view),
    })
}

/// Customer lifetime value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum LtvValue {
    /// ARPA ÷ monthly customer churn rate.
    Finite(Money),
    /// No customer churned in the window: lifetime and LTV are unbounded.
    Unbounded,
    /// No paying customer (no ARPA) or no customer at the start of any window month.
    Undefined,
}

/// LTV = ARPA ÷ monthly customer churn over a trailing window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ltv {
    /// The day ARPA is taken on.
    pub as_of: NaiveDate,
    /// First month of the window.
    pub window_start: NaiveDate,
    /// Last month of the window (the last complete month on or before `as_of`).
    pub window_end: NaiveDate,
    /// Months in the window.
    pub window_months: u32,
    /// ARPA (MRR ÷ paying customers) on `as_of`.
    pub arpa: Option<Money>,
    /// Customers who churned in the window's months.
    pub churned_customers: u64,
    /// Paying customers at the start of each window month, summed.
    pub customer_months: u64,
    /// `churned_customers ÷ customer_months`: the pooled monthly churn rate.
    pub monthly_churn_rate: Ratio,
    /// `1 ÷ monthly_churn_rate`, in months.
    pub average_lifetime_months: Ratio,
    /// The lifetime value.
    pub ltv: LtvValue,
}

/// The default trailing window of [`RevenueLedger::ltv`]: 3 months.
pub const DEFAULT_LTV_WINDOW_MONTHS: u32 = 3;

pub(crate) fn ltv(
    index: &Index,
    as_of: NaiveDate,
    window_months: u32,
) -> Result<Ltv, RevenueError> {
    super::check_months(window_months as usize)?;
    let view = index.reporting_view(as_of)?;
    let last = last_complete_month(as_of);
    let first = months_back(last, window_months - 1);
    let (_, days) = month_grid(first, month_end(last))?;
    let totals = movement_totals(index, &view, &days)?;
    let churned: u64 = totals.iter().map(|t| t.churned_customers).sum();
    let customer_months: u64 = totals.iter().map(|t| t.customers_start).sum();
    let snapshot = super::snapshot::snapshot(index, as_of)?;
    let mrr_fixed = {
        let d = crate::revenue::segments::day(as_of);
        let mut total = 0i128;
        for (i, m) in view.mult.iter().enumerate() {
            if let Some(m) = m {
                total += index
                    .mrr_of(i, d)
                    .checked_mul(*m)
                    .ok_or_else(|| RevenueError::overflow("MRR"))?;
            }
        }
        total
    };
    let paying = i128::from(snapshot.paying_customers);
    let value = if paying == 0 || customer_months == 0 {
        LtvValue::Undefined
    } else if churned == 0 {
        LtvValue::Unbounded
    } else {
        // ARPA ÷ (churned ÷ customer_months), one rounding.
        let num = mrr_fixed
            .checked_mul(i128::from(customer_months))
            .ok_or_else(|| RevenueError::overflow("LTV"))?;
        let den = paying * i128::from(churned);
        LtvValue::Finite(money(
            &view,
            crate::revenue::fixed::div_round_half_even(num, den),
        ))
    };
    Ok(Ltv {
        as_of,
        window_start: first,
        window_end: last,
        window_months,
        arpa: snapshot.arpu,
        churned_customers: churned,
        customer_months,
        monthly_churn_rate: quotient(i128::from(churned), i128::from(customer_months)),
        average_lifetime_months: quotient(i128::from(customer_months), i128::from(churned)),
        ltv: value,
    })
}

impl RevenueLedger {
    /// Churn, NRR, GRR and quick ratio for the month containing `month` (any day of it).
    ///
    /// # Errors
    /// [`RevenueError::MissingFxRate`] for a currency without a rate on the month's last day.
    pub fn churn(&self, month: NaiveDate) -> Result<ChurnMetrics, RevenueError> {
        churn(&*self.index()?, month)
    }

    /// LTV on `as_of` over the `window_months` complete months before it
    /// ([`DEFAULT_LTV_WINDOW_MONTHS`] is the usual choice). Zero churn gives
    /// [`LtvValue::Unbounded`], never an infinity or a crash.
    ///
    /// # Errors
    /// [`RevenueError::InvalidArgument`] for a window of 0 or over [`super::MAX_MONTHS`];
    /// [`RevenueError::MissingFxRate`].
    pub fn ltv(&self, as_of: NaiveDate, window_months: u32) -> Result<Ltv, RevenueError> {
        ltv(&*self.index()?, as_of, window_months)
    }
}
