//! Cohorts by first paid day: logo and revenue retention by period offset.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::{amount, rates_used, scaled_quotient, FxRateUsed, Ratio};
use crate::revenue::index::Index;
use crate::revenue::segments::{self, Day};
use crate::revenue::{Currency, RevenueError, RevenueLedger};

/// The most periods a cohort table spans: 5000.
pub const MAX_COHORT_PERIODS: usize = 5000;

/// The length of a cohort period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortPeriod {
    /// Calendar days.
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
    /// Calendar quarters (January, April, July, October).
    Quarter,
}

impl std::str::FromStr for CohortPeriod {
    type Err = RevenueError;
    /// Parse `day`, `week`, `month` or `quarter`, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" => Ok(CohortPeriod::Day),
            "week" => Ok(CohortPeriod::Week),
            "month" => Ok(CohortPeriod::Month),
            "quarter" => Ok(CohortPeriod::Quarter),
            _ => Err(RevenueError::InvalidArgument(format!(
                "cohort period {s:?}: expected day, week, month or quarter"
            ))),
        }
    }
}

impl CohortPeriod {
    /// The first day of the period containing `d`.
    pub fn start_of(&self, d: NaiveDate) -> NaiveDate {
        match self {
            CohortPeriod::Day => d,
            CohortPeriod::Week => {
                d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday()))
            }
            CohortPeriod::Month => d.with_day(1).unwrap_or(d),
            CohortPeriod::Quarter => {
                NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1).unwrap_or(d)
            }
        }
    }

    /// The first day of the next period.
    fn next(&self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            CohortPeriod::Day => start.succ_opt(),
            CohortPeriod::Week => start.checked_add_days(chrono::Days::new(7)),
            CohortPeriod::Month => start.checked_add_months(Months::new(1)),
            CohortPeriod::Quarter => start.checked_add_months(Months::new(3)),
        }
    }
}

/// The customers whose first paid day falls in one period, followed period by period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cohort {
    /// The period's first day.
    pub period_start: NaiveDate,
    /// Customers in the cohort.
    pub customers: u64,
    /// Their MRR on their first paid day, summed.
    pub initial_mrr: rust_decimal::Decimal,
    /// `[k]`: cohort customers with a positive MRR at the end of the k-th period after (0 = the
    /// cohort's own period; the current period is measured on `as_of`).
    pub retained_customers: Vec<u64>,
    /// `[k]`: the cohort's MRR at the end of period k.
    pub retained_mrr: Vec<rust_decimal::Decimal>,
    /// `[k]`: `retained_customers[k] ÷ customers × 100`.
    pub logo_retention_pct: Vec<Ratio>,
    /// `[k]`: `retained_mrr[k] ÷ initial_mrr × 100` (above 100 with net expansion).
    pub revenue_retention_pct: Vec<Ratio>,
}

/// Cohorts of one period length, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CohortTable {
    /// The period length.
    pub period: CohortPeriod,
    /// The last day measured.
    pub as_of: NaiveDate,
    /// The currency of the MRR figures (reporting currency, rates on `as_of`).
    pub currency: Currency,
    /// The rates used.
    pub fx_rates: Vec<FxRateUsed>,
    /// One per period with at least one new customer, oldest first.
    pub cohorts: Vec<Cohort>,
}

#[derive(Clone, Default)]
struct Acc {
    customers: u64,
    initial: i128,
    retained: Vec<u64>,
    mrr: Vec<i128>,
}

pub(crate) fn cohorts(
    index: &Index,
    period: CohortPeriod,
    as_of: NaiveDate,
) -> Result<CohortTable, RevenueError> {
    let view = index.reporting_view(as_of)?;
    let as_of_day = segments::day(as_of);
    let first = index
        .first_paid
        .iter()
        .copied()
        .filter(|d| *d <= as_of_day)
        .min();
    let mut starts: Vec<NaiveDate> = Vec::new();
    if let Some(first) = first {
        let mut p = period.start_of(segments::date(first));
        while p <= as_of {
            starts.push(p);
            if starts.len() > MAX_COHORT_PERIODS {
                return Err(RevenueError::InvalidArgument(format!(
                    "cohorts span more than {MAX_COHORT_PERIODS} {period:?} periods; use a longer period"
                )));
            }
            match period.next(p) {
                Some(n) => p = n,
                None => break,
            }
        }
    }
    let start_days: Vec<Day> = starts.iter().map(|d| segments::day(*d)).collect();
    // Measured at each period's last day, the current one at as_of.
    let measure: Vec<Day> = start_days
        .iter()
        .skip(1)
        .map(|d| d - 1)
        .chain(std::iter::once(as_of_day))
        .take(starts.len())
        .collect();
    let n = starts.len();
    let mut acc: Vec<Acc> = vec![Acc::default(); n];
    index.for_each_customer(&view, &measure, |c, values| {
        let fp = index.first_paid[c];
        if fp > as_of_day {
            return;
        }
        let j0 = start_days.partition_point(|&d| d <= fp) - 1;
        let a = &mut acc[j0];
        if a.retained.is_empty() {
            a.retained = vec![0; n - j0];
            a.mrr = vec![0; n - j0];
        }
        a.customers += 1;
        for seg in &index.segments[index.offsets[c]..index.offsets[c + 1]] {
            if seg.from <= fp && fp < seg.to {
                a.initial += view.value(seg).ok().flatten().unwrap_or(0);
            }
        }
        for (k, v) in values[j0..].iter().enumerate() {
            a.mrr[k] += v;
            if *v > 0 {
                a.retained[k] += 1;
            }
        }
    })?;
    let cohorts = acc
        .into_iter()
        .enumerate()
        .filter(|(_, a)| a.customers > 0)
        .map(|(j, a)| Cohort {
            period_start: starts[j],
            customers: a.customers,
            initial_mrr: amount(&view, a.initial),
            logo_retention_pct: a
                .retained
                .iter()
                .map(|r| scaled_quotient(i128::from(*r), i128::from(a.customers), 100))
                .collect(),
            revenue_retention_pct: a
                .mrr
                .iter()
                .map(|m| scaled_quotient(*m, a.initial, 100))
                .collect(),
            retained_mrr: a.mrr.iter().map(|m| amount(&view, *m)).collect(),
            retained_customers: a.retained,
        })
        .collect();
    Ok(CohortTable {
        period,
        as_of,
        currency: view.currency,
        fx_rates: rates_used(&view),
        cohorts,
    })
}

impl RevenueLedger {
    /// Cohorts of customers by the period of their first paid day, with logo and revenue retention
    /// at the end of each later period up to `as_of`.
    ///
    /// # Errors
    /// [`RevenueError::InvalidArgument`] past [`MAX_COHORT_PERIODS`] periods;
    /// [`RevenueError::MissingFxRate`].
    pub fn cohorts(
        &self,
        period: CohortPeriod,
        as_of: NaiveDate,
    ) -> Result<CohortTable, RevenueError> {
        cohorts(&*self.index()?, period, as_of)
    }
}
