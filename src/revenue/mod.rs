//! Revenue analytics: MRR, ARR, ARPU, LTV, churn, MRR movements, cohorts and forecasts —
//! exact (decimal money, no floats) and fast (an index built once per ledger state).
//!
//! Build a [`RevenueLedger`] from [`Subscription`]s, a CSV file ([`RevenueLedger::load_csv`]),
//! Stripe Subscription objects ([`RevenueLedger::add_stripe`]) or `customer.subscription.*`
//! events ([`RevenueLedger::apply_event`]), then ask it for metrics; each returns a
//! serde-serialisable struct, and [`RevenueLedger::report`] returns them all.
//!
//! ```
//! use chrono::NaiveDate;
//! use cognition_core::revenue::{BillingInterval, Currency, Discount, RevenueLedger, Subscription, Tier};
//! use rust_decimal::Decimal;
//!
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! let mut ledger = RevenueLedger::new();
//! // 240 USD every 2 years, 3 seats, 25% off: 24000 × 3 × 0.75 ÷ 24 = 2250 cents a month.
//! ledger.add(Subscription::new("sub_1", "cus_1", "team_2y", Decimal::from(24_000), Currency::USD,
//!         BillingInterval::Year, day(2024, 1, 1))
//!     .with_interval_count(2).with_quantity(3).with_tier(Tier::Team)
//!     .with_discount(Discount::percent(Decimal::from(25))))?;
//! let snapshot = ledger.mrr(day(2024, 6, 30))?;
//! assert_eq!(snapshot.mrr.amount, Decimal::from(2250));
//! assert_eq!(snapshot.arr.to_string(), "270.00 USD");
//! # Ok::<(), cognition_core::revenue::RevenueError>(())
//! ```
//!
//! # Conventions
//!
//! **Money.** Amounts are `rust_decimal` values in the currency's *minor units* per ISO 4217
//! ([`Currency`]: JPY 0 decimals, USD 2, KWD 3; an unknown code is an error). Internally each
//! monthly amount is held in 128-bit fixed point at 10⁻¹² of a minor unit; a subscription's
//! normalised amount is rounded half-even at that precision (at most twice: after a percent
//! discount and after the division by the interval), and every sum after that is exact integer
//! arithmetic. Figures are returned at that precision; rounding to whole minor units happens only
//! when presented ([`Money::rounded`], `Display`), half-even. Quotients (rates, ratios,
//! percentages) are rounded half-even to [`QUOTIENT_DECIMALS`] places; forecasts to whole minor
//! units.
//!
//! **MRR normalisation** of `unit_amount × quantity`, minus the discounts active that day
//! (applied in order; percent of the running amount, amount-off per invoice in minor units, never
//! below zero), taxes and one-off charges excluded (they are not subscription prices):
//! month ÷ interval_count; year ÷ (12 × interval_count); week × 52/12 ÷ interval_count;
//! day × 365/12 ÷ interval_count.
//!
//! **Counting.** A subscription counts on the days `[paid start, end)`, "as of" a day meaning at
//! the end of that day (a subscription starting that day counts, one ending that day does not):
//! - paid start = `trial_end` if it has a trial, else `start` (trial days never count);
//! - `active`, and `past_due` unless [`LedgerConfig::count_past_due`] is `false`: until
//!   `ended_at`; with `cancel_at_period_end`, until the end of the billing period in which
//!   `canceled_at` falls (periods run from the paid start in steps of the interval);
//! - `canceled`: until `ended_at` (else `canceled_at`) — it was revenue before it ended;
//! - `trialing`, `incomplete`, `incomplete_expired`, `unpaid`, `paused`: never.
//!
//! A snapshot's status describes its whole life (a subscription loaded as `unpaid` never counts);
//! to keep history exact, apply events: each event's state applies from its UTC day on.
//! FREE-tier subscriptions count as customers, never as revenue. *Active customers* have a counted
//! subscription; *paying customers* a positive MRR.
//!
//! **Multi-currency.** Every figure exists per currency; reporting-currency figures use a
//! user-given [`FxTable`] (optionally dated). A missing rate is an error naming the currency,
//! never a silent zero. Conversion is exact (the result keeps the rate's decimals). Snapshots use
//! the rates of their day; month ranges (movements, churn, cohorts, forecasts) use constant rates,
//! those of the range's end, so currency swings never show up as expansion or churn.
//!
//! **Movements** are per customer, month by month: see [`MonthMovements`]; `mrr_end = mrr_start +
//! new + expansion + reactivation − contraction − churn` holds exactly. **Churn** (customer churn
//! rate, gross and net MRR churn, NRR, GRR, quick ratio) derives from one month's movements:
//! [`ChurnMetrics`]. **LTV** = ARPA ÷ pooled monthly customer churn over a trailing window of
//! complete months (default 3); zero churn is [`LtvValue::Unbounded`]. **Cohorts** group customers
//! by the period of their first paid day: [`CohortTable`]. **Forecasts** fit month-end MRR:
//! [`Forecast`].
//!
//! # What this module does not do
//! It does not fetch from Stripe (pass objects or events), read the clock ("as of" is always a
//! parameter), handle metered or tiered prices, or deduplicate event deliveries (use
//! [`crate::idempotency`]).

pub mod csv;
mod currency;
mod error;
mod fixed;
mod fx;
mod index;
mod json;
mod ledger;
mod metrics;
mod query;
mod segments;
pub mod stripe;
mod subscription;

pub use self::csv::MAX_CSV_ERRORS;
pub use currency::{Currency, Money};
pub use error::{CsvRowError, RevenueError};
pub use fx::{FxTable, MAX_RATE_DECIMALS};
pub use ledger::{EventOutcome, LedgerConfig, RevenueLedger};
pub use metrics::cohorts::{Cohort, CohortPeriod, CohortTable, MAX_COHORT_PERIODS};
pub use metrics::forecast::{Forecast, ForecastInput, ForecastOptions, ForecastPoint};
pub use metrics::movements::{MonthMovements, MovementTable, Movements};
pub use metrics::report::{RevenueReport, REPORT_MOVEMENT_MONTHS};
pub use metrics::retention::{ChurnMetrics, Ltv, LtvValue, DEFAULT_LTV_WINDOW_MONTHS};
pub use metrics::snapshot::{Breakdown, BreakdownBy, BreakdownRow, MrrSnapshot};
pub use metrics::{FxRateUsed, Ratio, MAX_MONTHS, QUOTIENT_DECIMALS};
pub use query::{MetricQuery, MetricResult};
pub use subscription::{
    BillingInterval, Discount, DiscountOff, Subscription, SubscriptionStatus, Tier,
    MAX_AMOUNT_DECIMALS, MAX_ID_LEN, MAX_INTERVAL_COUNT, MAX_INVOICE_AMOUNT, MAX_PERCENT_DECIMALS,
};

#[cfg(test)]
mod tests;
