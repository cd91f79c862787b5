//! MRR, ARR, customers and ARPU as of a day; breakdowns per tier, plan and currency.

use chrono::NaiveDate;
use serde::Serialize;

use super::{money, quotient, rates_used, FxRateUsed, Ratio};
use crate::revenue::fixed::div_round_half_even;
use crate::revenue::index::Index;
use crate::revenue::segments::{self, Day};
use crate::revenue::{Currency, Money, RevenueError, RevenueLedger};

/// Revenue as of the end of one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MrrSnapshot {
    /// The day (its end: subscriptions starting that day count, ones ending that day do not).
    pub as_of: NaiveDate,
    /// Monthly recurring revenue in the reporting currency.
    pub mrr: Money,
    /// Annual run rate, MRR × 12.
    pub arr: Money,
    /// Customers with at least one counted subscription, FREE tier included.
    pub active_customers: u64,
    /// Customers with a positive MRR.
    pub paying_customers: u64,
    /// MRR ÷ paying customers (ARPA; customers, not seats), `None` with no paying customer.
    pub arpu: Option<Money>,
    /// MRR per currency, unconverted, sorted by currency code.
    pub by_currency: Vec<Money>,
    /// The rates used for `mrr` (those in effect on `as_of`).
    pub fx_rates: Vec<FxRateUsed>,
}

pub(crate) fn snapshot(index: &Index, as_of: NaiveDate) -> Result<MrrSnapshot, RevenueError> {
    let view = index.reporting_view(as_of)?;
    let d = segments::day(as_of);
    let mut total: i128 = 0;
    let mut by_currency = Vec::with_capacity(index.currencies.len());
    for (i, currency) in index.currencies.iter().enumerate() {
        let native = index.mrr_of(i, d);
        by_currency.push(Money::new(
            crate::revenue::fixed::to_decimal(native),
            *currency,
        ));
        if let Some(m) = view.mult[i] {
            total = native
                .checked_mul(m)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| RevenueError::overflow("total MRR"))?;
        }
    }
    by_currency.sort_unstable_by_key(|m| m.currency);
    let paying = index.paying.at(d).max(0) as u64;
    let arpu = (paying > 0).then(|| money(&view, div_round_half_even(total, i128::from(paying))));
    Ok(MrrSnapshot {
        as_of,
        mrr: money(&view, total),
        arr: money(
            &view,
            total
                .checked_mul(12)
                .ok_or_else(|| RevenueError::overflow("ARR"))?,
        ),
        active_customers: index.active.at(d).max(0) as u64,
        paying_customers: paying,
        arpu,
        by_currency,
        fx_rates: rates_used(&view),
    })
}

/// What a [`Breakdown`] groups by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakdownBy {
    /// Pricing tier (FREE, PRO, TEAM, ENTERPRISE, custom names).
    Tier,
    /// Plan or price id.
    Plan,
    /// Currency.
    Currency,
}

impl std::str::FromStr for BreakdownBy {
    type Err = RevenueError;
    /// Parse `tier`, `plan` or `currency`, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tier" => Ok(BreakdownBy::Tier),
            "plan" | "price" => Ok(BreakdownBy::Plan),
            "currency" => Ok(BreakdownBy::Currency),
            _ => Err(RevenueError::InvalidArgument(format!(
                "breakdown by {s:?}: expected tier, plan or currency"
            ))),
        }
    }
}

/// One group of a [`Breakdown`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BreakdownRow {
    /// The tier name, plan id or currency code.
    pub key: String,
    /// Counted subscriptions (items) in the group.
    pub subscriptions: u64,
    /// Customers with a counted subscription in the group.
    pub customers: u64,
    /// Customers with a positive MRR in the group.
    pub paying_customers: u64,
    /// The group's MRR in the reporting currency.
    pub mrr: Money,
    /// The group's MRR in its own currency (`by = currency` only).
    pub native_mrr: Option<Money>,
    /// MRR ÷ paying customers of the group.
    pub arpu: Option<Money>,
    /// The group's fraction of the total MRR (0..1).
    pub share: Ratio,
}

/// MRR and customers per tier, plan or currency, as of a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    /// The day.
    pub as_of: NaiveDate,
    /// The grouping.
    pub by: BreakdownBy,
    /// Total MRR (reporting currency): the rows' `mrr` sum to it exactly.
    pub total_mrr: Money,
    /// One row per group with a counted subscription, largest MRR first (ties by key).
    pub rows: Vec<BreakdownRow>,
}

#[derive(Clone, Copy, Default)]
struct Group {
    subscriptions: u64,
    customers: u64,
    paying: u64,
    mrr: i128,
    native: i128,
    last_customer: Option<usize>,
    last_paying: Option<usize>,
}

pub(crate) fn breakdown(
    index: &Index,
    as_of: NaiveDate,
    by: BreakdownBy,
) -> Result<Breakdown, RevenueError> {
    let view = index.reporting_view(as_of)?;
    let d: Day = segments::day(as_of);
    let n_groups = match by {
        BreakdownBy::Tier => index.tiers.len(),
        BreakdownBy::Plan => index.plans.len(),
        BreakdownBy::Currency => index.currencies.len(),
    };
    let mut groups = vec![Group::default(); n_groups];
    for c in 0..index.customers() {
        for seg in &index.segments[index.offsets[c]..index.offsets[c + 1]] {
            if !(seg.from <= d && d < seg.to) {
                continue;
            }
            let g = &mut groups[match by {
                BreakdownBy::Tier => seg.tier as usize,
                BreakdownBy::Plan => seg.plan as usize,
                BreakdownBy::Currency => usize::from(seg.currency),
            }];
            let v = view.value(seg)?.unwrap_or(0);
            g.subscriptions += 1;
            g.mrr += v;
            g.native += seg.value;
            if g.last_customer != Some(c) {
                g.last_customer = Some(c);
                g.customers += 1;
            }
            if seg.value > 0 && g.last_paying != Some(c) {
                g.last_paying = Some(c);
                g.paying += 1;
            }
        }
    }
    let total: i128 = groups.iter().map(|g| g.mrr).sum();
    let mut rows: Vec<(i128, BreakdownRow)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.subscriptions > 0)
        .map(|(i, g)| {
            let (key, native_mrr) = match by {
                BreakdownBy::Tier => (index.tiers[i].name().to_owned(), None),
                BreakdownBy::Plan => (index.plans[i].clone(), None),
                BreakdownBy::Currency => {
                    let currency: Currency = index.currencies[i];
                    (
                        currency.to_string(),
                        Some(Money::new(
                            crate::revenue::fixed::to_decimal(g.native),
                            currency,
                        )),
                    )
                }
            };
            let row = BreakdownRow {
                key,
                subscriptions: g.subscriptions,
                customers: g.customers,
                paying_customers: g.paying,
                mrr: money(&view, g.mrr),
                native_mrr,
                arpu: (g.paying > 0)
                    .then(|| money(&view, div_round_half_even(g.mrr, i128::from(g.paying)))),
                share: quotient(g.mrr, total),
            };
            (g.mrr, row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.key.cmp(&b.1.key)));
    Ok(Breakdown {
        as_of,
        by,
        total_mrr: money(&view, total),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    })
}

impl RevenueLedger {
    /// MRR, ARR, active and paying customers and ARPU as of the end of `as_of`.
    ///
    /// # Errors
    /// [`RevenueError::MissingFxRate`] if a currency has no rate on `as_of` (or there is no FX
    /// table and several currencies); [`RevenueError::AmountOutOfRange`] on overflow.
    pub fn mrr(&self, as_of: NaiveDate) -> Result<MrrSnapshot, RevenueError> {
        snapshot(&*self.index()?, as_of)
    }

    /// ARR (MRR × 12) in the reporting currency as of `as_of`.
    ///
    /// # Errors
    /// As [`mrr`](Self::mrr).
    pub fn arr(&self, as_of: NaiveDate) -> Result<Money, RevenueError> {
        Ok(self.mrr(as_of)?.arr)
    }

    /// ARPU (ARPA: MRR ÷ paying customers) as of `as_of`; `None` with no paying customer.
    ///
    /// # Errors
    /// As [`mrr`](Self::mrr).
    pub fn arpu(&self, as_of: NaiveDate) -> Result<Option<Money>, RevenueError> {
        Ok(self.mrr(as_of)?.arpu)
    }

    /// MRR of one currency, unconverted, as of `as_of` (zero for a currency the ledger lacks).
    ///
    /// # Errors
    /// [`RevenueError::AmountOutOfRange`] only if the index cannot be built.
    pub fn mrr_in(&self, currency: Currency, as_of: NaiveDate) -> Result<Money, RevenueError> {
        let index = self.index()?;
        let d = segments::day(as_of);
        let native = index
            .currencies
            .iter()
            .position(|c| *c == currency)
            .map_or(0, |i| index.mrr_of(i, d));
        Ok(Money::new(
            crate::revenue::fixed::to_decimal(native),
            currency,
        ))
    }

    /// Subscriptions, customers, MRR, ARPU and share of the total per tier, plan or currency.
    ///
    /// # Errors
    /// As [`mrr`](Self::mrr).
    pub fn breakdown(&self, as_of: NaiveDate, by: BreakdownBy) -> Result<Breakdown, RevenueError> {
        breakdown(&*self.index()?, as_of, by)
    }
}
