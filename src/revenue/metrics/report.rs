//! [`RevenueReport`]: every metric at once, as of one day.

use chrono::NaiveDate;
use serde::Serialize;

use super::cohorts::{cohorts, CohortPeriod, CohortTable};
use super::forecast::{forecast, Forecast, ForecastOptions};
use super::movements::{movements, Movements};
use super::retention::{churn, ltv, ChurnMetrics, Ltv, DEFAULT_LTV_WINDOW_MONTHS};
use super::snapshot::{breakdown, snapshot, Breakdown, BreakdownBy, MrrSnapshot};
use super::{last_complete_month, months_back};
use crate::revenue::{RevenueError, RevenueLedger};

/// Months of movements in a report: the month of `as_of` and the 11 before.
pub const REPORT_MOVEMENT_MONTHS: u32 = 12;

/// Everything, as of one day: the JSON the C ABI's `cog_revenue_report_json` returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevenueReport {
    /// The day.
    pub as_of: NaiveDate,
    /// MRR, ARR, customers, ARPU.
    pub snapshot: MrrSnapshot,
    /// Movements of the month of `as_of` (to date) and the 11 months before.
    pub movements: Movements,
    /// Churn and retention of the last complete month.
    pub churn: ChurnMetrics,
    /// LTV over the 3 complete months before `as_of`.
    pub ltv: Ltv,
    /// Monthly cohorts up to `as_of`.
    pub cohorts: CohortTable,
    /// The 12-month forecast from 6 months of history.
    pub forecast: Forecast,
    /// Per tier.
    pub by_tier: Breakdown,
    /// Per plan.
    pub by_plan: Breakdown,
    /// Per currency.
    pub by_currency: Breakdown,
}

impl RevenueLedger {
    /// Every metric as of `as_of`, with the defaults documented on each field.
    ///
    /// # Errors
    /// Any error of the individual metrics (typically [`RevenueError::MissingFxRate`]).
    pub fn report(&self, as_of: NaiveDate) -> Result<RevenueReport, RevenueError> {
        let index = self.index()?;
        Ok(RevenueReport {
            as_of,
            snapshot: snapshot(&index, as_of)?,
            movements: movements(
                &index,
                months_back(as_of, REPORT_MOVEMENT_MONTHS - 1),
                as_of,
                true,
            )?,
            churn: churn(&index, last_complete_month(as_of))?,
            ltv: ltv(&index, as_of, DEFAULT_LTV_WINDOW_MONTHS)?,
            cohorts: cohorts(&index, CohortPeriod::Month, as_of)?,
            forecast: forecast(&index, as_of, ForecastOptions::default())?,
            by_tier: breakdown(&index, as_of, BreakdownBy::Tier)?,
            by_plan: breakdown(&index, as_of, BreakdownBy::Plan)?,
            by_currency: breakdown(&index, as_of, BreakdownBy::Currency)?,
        })
    }
}
