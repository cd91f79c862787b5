//! MRR forecasts: compound (trailing monthly growth rate) and linear (least squares).

use chrono::NaiveDate;
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};
use serde::Serialize;

use super::{
    amount, last_complete_month, month_end, months_back, next_month, rates_used, FxRateUsed,
    QUOTIENT_DECIMALS,
};
use crate::revenue::fixed::{div_round_half_even, to_decimal_scaled};
use crate::revenue::index::Index;
use crate::revenue::segments;
use crate::revenue::{Currency, RevenueError, RevenueLedger};

/// Options of [`RevenueLedger::forecast`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ForecastOptions {
    /// Months to project (default 12).
    pub months: u32,
    /// Months of growth in the history the models fit (default 6: seven month-end points).
    pub history_months: u32,
}

impl Default for ForecastOptions {
    fn default() -> Self {
        ForecastOptions {
            months: 12,
            history_months: 6,
        }
    }
}

/// One month-end MRR the models were fitted to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ForecastInput {
    /// The month's first day.
    pub month: NaiveDate,
    /// MRR at the month's end.
    pub mrr: Decimal,
}

/// One projected month-end MRR, rounded half-even to whole minor units (it is an estimate).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ForecastPoint {
    /// The month's first day.
    pub month: NaiveDate,
    /// `last × (1 + cmgr)^k`; `None` when the growth rate is undefined.
    pub compound: Option<Decimal>,
    /// `intercept + slope × x`, never below zero.
    pub linear: Decimal,
}

/// A forecast with the inputs that produced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Forecast {
    /// The day the history ends before (the last complete month on or before it is the last point).
    pub as_of: NaiveDate,
    /// The currency (reporting, rates on `as_of`).
    pub currency: Currency,
    /// The rates used.
    pub fx_rates: Vec<FxRateUsed>,
    /// The month-end MRR history, oldest first.
    pub history: Vec<ForecastInput>,
    /// Compound monthly growth rate `(last ÷ first)^(1 ÷ history_months) − 1`, to 12 places;
    /// `None` if the first point is 0.
    pub compound_monthly_growth_rate: Option<Decimal>,
    /// Least-squares slope, minor units per month (x = 0 for the oldest point).
    pub linear_slope: Decimal,
    /// Least-squares intercept at x = 0.
    pub linear_intercept: Decimal,
    /// The projections, month after month.
    pub points: Vec<ForecastPoint>,
}

fn round_units(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven)
        .normalize()
}

pub(crate) fn forecast(
    index: &Index,
    as_of: NaiveDate,
    options: ForecastOptions,
) -> Result<Forecast, RevenueError> {
    super::check_months(options.months as usize)?;
    super::check_months(options.history_months as usize)?;
    let view = index.reporting_view(as_of)?;
    let last = last_complete_month(as_of);
    let h = options.history_months;
    let months: Vec<NaiveDate> = (0..=h).rev().map(|k| months_back(last, k)).collect();
    let mut ys: Vec<i128> = Vec::with_capacity(months.len());
    for m in &months {
        let d = segments::day(month_end(*m));
        let mut total = 0i128;
        for (i, mult) in view.mult.iter().enumerate() {
            if let Some(mult) = mult {
                total += index
                    .mrr_of(i, d)
                    .checked_mul(*mult)
                    .ok_or_else(|| RevenueError::overflow("MRR"))?;
            }
        }
        ys.push(total);
    }
    let overflow = || RevenueError::overflow("forecast least squares");
    // Least squares on x = 0..=h, exact: slope = N / D.
    let n = i128::from(h) + 1;
    let (mut sx, mut sy, mut sxx, mut sxy) = (0i128, 0i128, 0i128, 0i128);
    for (x, y) in ys.iter().enumerate() {
        let x = x as i128;
        sx += x;
        sxx += x * x;
        sy = sy.checked_add(*y).ok_or_else(overflow)?;
        sxy = sxy
            .checked_add(y.checked_mul(x).ok_or_else(overflow)?)
            .ok_or_else(overflow)?;
    }
    let big_n = n
        .checked_mul(sxy)
        .and_then(|a| sx.checked_mul(sy).and_then(|b| a.checked_sub(b)))
        .ok_or_else(overflow)?;
    let big_d = n * sxx - sx * sx; // > 0 since h ≥ 1
    let intercept_num = sy
        .checked_mul(big_d)
        .and_then(|a| big_n.checked_mul(sx).and_then(|b| a.checked_sub(b)))
        .ok_or_else(overflow)?;
    let linear_at = |x: i128| -> Result<Decimal, RevenueError> {
        let num = intercept_num
            .checked_add(
                big_n
                    .checked_mul(n)
                    .and_then(|v| v.checked_mul(x))
                    .ok_or_else(overflow)?,
            )
            .ok_or_else(overflow)?;
        let fixed = div_round_half_even(num, n * big_d);
        Ok(round_units(to_decimal_scaled(fixed.max(0), view.scale)))
    };
    let first = to_decimal_scaled(ys[0], view.scale);
    let last_y = to_decimal_scaled(*ys.last().unwrap_or(&0), view.scale);
    let growth_root = if ys[0] > 0 {
        (last_y / first).checked_powd(Decimal::ONE / Decimal::from(h))
    } else {
        None
    };
    let mut points = Vec::with_capacity(options.months as usize);
    let mut month = next_month(last);
    for k in 1..=options.months {
        let compound = match growth_root {
            Some(root) => root
                .checked_powd(Decimal::from(k))
                .and_then(|g| last_y.checked_mul(g))
                .map(round_units),
            None => None,
        };
        points.push(ForecastPoint {
            month,
            compound,
            linear: linear_at(i128::from(h) + i128::from(k))?,
        });
        month = next_month(month);
    }
    Ok(Forecast {
        as_of,
        currency: view.currency,
        fx_rates: rates_used(&view),
        history: months
            .iter()
            .zip(&ys)
            .map(|(m, y)| ForecastInput {
                month: *m,
                mrr: amount(&view, *y),
            })
            .collect(),
        compound_monthly_growth_rate: growth_root.map(|r| {
            (r - Decimal::ONE)
                .round_dp_with_strategy(QUOTIENT_DECIMALS, RoundingStrategy::MidpointNearestEven)
                .normalize()
        }),
        linear_slope: to_decimal_scaled(div_round_half_even(big_n, big_d), view.scale),
        linear_intercept: to_decimal_scaled(
            div_round_half_even(intercept_num, n * big_d),
            view.scale,
        ),
        points,
    })
}

impl RevenueLedger {
    /// Project month-end MRR for `options.months` months after the last complete month on or
    /// before `as_of`, by compound growth and by a least-squares line over
    /// `options.history_months` months of history; the history is returned with the result.
    ///
    /// # Errors
    /// [`RevenueError::InvalidArgument`] for 0 or over [`super::MAX_MONTHS`] months;
    /// [`RevenueError::MissingFxRate`].
    pub fn forecast(
        &self,
        as_of: NaiveDate,
        options: ForecastOptions,
    ) -> Result<Forecast, RevenueError> {
        forecast(&*self.index()?, as_of, options)
    }
}
