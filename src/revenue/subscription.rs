//! [`Subscription`]: one recurring price for one customer, as billing systems describe it.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Currency, RevenueError};

/// The largest `unit_amount × quantity` (one invoice, minor units) a subscription may have: 10^15.
///
/// Far above any real price (10 trillion USD), low enough that sums over a billion subscriptions
/// stay exact in 128-bit fixed point.
pub const MAX_INVOICE_AMOUNT: i64 = 1_000_000_000_000_000;

/// The largest `interval_count`: 1000 (Stripe itself allows at most three years).
pub const MAX_INTERVAL_COUNT: u32 = 1000;

/// The most decimal places of a minor unit in an amount (Stripe's `unit_amount_decimal` has 12).
pub const MAX_AMOUNT_DECIMALS: u32 = 12;

/// The most decimal places of a percent-off discount (Stripe's coupons have at most 2).
pub const MAX_PERCENT_DECIMALS: u32 = 4;

/// The longest id (subscription, customer, plan), in bytes.
pub const MAX_ID_LEN: usize = 255;

/// A subscription's lifecycle status, with Stripe's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// In a free trial: not counted.
    Trialing,
    /// Paid and current: counted.
    Active,
    /// The latest payment failed and is being retried: counted by default
    /// ([`super::LedgerConfig::count_past_due`]).
    PastDue,
    /// Retries exhausted, invoices left unpaid: not counted.
    Unpaid,
    /// Canceled: counted up to its end (`ended_at`, else `canceled_at`), not after.
    Canceled,
    /// The first payment has not succeeded yet: not counted.
    Incomplete,
    /// The first payment never succeeded: not counted.
    IncompleteExpired,
    /// Paused (trial ended without a payment method, or paused collection): not counted.
    Paused,
}

impl SubscriptionStatus {
    /// Return the wire name, e.g. `"past_due"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SubscriptionStatus::Trialing => "trialing",
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::PastDue => "past_due",
            SubscriptionStatus::Unpaid => "unpaid",
            SubscriptionStatus::Canceled => "canceled",
            SubscriptionStatus::Incomplete => "incomplete",
            SubscriptionStatus::IncompleteExpired => "incomplete_expired",
            SubscriptionStatus::Paused => "paused",
        }
    }
}

impl FromStr for SubscriptionStatus {
    type Err = String;
    /// Parse a wire name case-insensitively (`cancelled` is accepted for `canceled`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "trialing" => SubscriptionStatus::Trialing,
            "active" => SubscriptionStatus::Active,
            "past_due" => SubscriptionStatus::PastDue,
            "unpaid" => SubscriptionStatus::Unpaid,
            "canceled" | "cancelled" => SubscriptionStatus::Canceled,
            "incomplete" => SubscriptionStatus::Incomplete,
            "incomplete_expired" => SubscriptionStatus::IncompleteExpired,
            "paused" => SubscriptionStatus::Paused,
            _ => return Err(format!(
                "unknown status {:?}: expected trialing, active, past_due, unpaid, canceled, incomplete, incomplete_expired or paused",
                s.chars().take(40).collect::<String>()
            )),
        })
    }
}

/// How often a subscription is billed (with [`Subscription::interval_count`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingInterval {
    /// Every `interval_count` days; MRR = amount × 365/12 ÷ count.
    Day,
    /// Every `interval_count` weeks; MRR = amount × 52/12 ÷ count.
    Week,
    /// Every `interval_count` months; MRR = amount ÷ count.
    Month,
    /// Every `interval_count` years; MRR = amount ÷ (12 × count).
    Year,
}

impl BillingInterval {
    /// Return the wire name, e.g. `"month"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            BillingInterval::Day => "day",
            BillingInterval::Week => "week",
            BillingInterval::Month => "month",
            BillingInterval::Year => "year",
        }
    }

    /// The monthly factor as a fraction `(numerator, denominator)` for an interval count of 1.
    pub(crate) fn monthly_factor(&self) -> (i128, i128) {
        match self {
            BillingInterval::Day => (365, 12),
            BillingInterval::Week => (52, 12),
            BillingInterval::Month => (1, 1),
            BillingInterval::Year => (1, 12),
        }
    }
}

impl FromStr for BillingInterval {
    type Err = String;
    /// Parse `day`, `week`, `month` or `year` case-insensitively (a trailing `s` or `ly` too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "day" | "days" | "daily" => BillingInterval::Day,
            "week" | "weeks" | "weekly" => BillingInterval::Week,
            "month" | "months" | "monthly" => BillingInterval::Month,
            "year" | "years" | "yearly" | "annual" => BillingInterval::Year,
            _ => {
                return Err(format!(
                    "unknown interval {:?}: expected day, week, month or year",
                    s.chars().take(40).collect::<String>()
                ))
            }
        })
    }
}

/// A pricing tier. FREE-tier subscriptions count as customers but never as revenue.
///
/// Parsed case-insensitively; any other non-empty name is kept as [`Tier::Custom`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Free plan: a customer, never revenue (even if an amount is set).
    Free,
    /// `PRO`.
    Pro,
    /// `TEAM`.
    Team,
    /// `ENTERPRISE`.
    Enterprise,
    /// Any other tier name, kept as given (trimmed).
    Custom(String),
}

impl Tier {
    /// The tier given to subscriptions whose source does not say (Stripe objects without
    /// `metadata.tier`).
    pub const UNSPECIFIED: &'static str = "UNSPECIFIED";

    /// Parse a tier name; `None` for an empty name.
    pub fn parse(name: &str) -> Option<Tier> {
        let name = name.trim();
        Some(match name.to_ascii_uppercase().as_str() {
            "" => return None,
            "FREE" => Tier::Free,
            "PRO" => Tier::Pro,
            "TEAM" => Tier::Team,
            "ENTERPRISE" => Tier::Enterprise,
            _ => Tier::Custom(name.to_owned()),
        })
    }

    /// Return the tier's name: `FREE`, `PRO`, `TEAM`, `ENTERPRISE` or the custom name.
    pub fn name(&self) -> &str {
        match self {
            Tier::Free => "FREE",
            Tier::Pro => "PRO",
            Tier::Team => "TEAM",
            Tier::Enterprise => "ENTERPRISE",
            Tier::Custom(name) => name,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Tier {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Tier {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Tier::parse(&name).ok_or_else(|| serde::de::Error::custom("tier must not be empty"))
    }
}

/// What a discount takes off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum DiscountOff {
    /// A percentage of each invoice, `0 < p ≤ 100` (Stripe's `percent_off`).
    Percent(Decimal),
    /// A fixed amount off each invoice, in minor units of the subscription's currency
    /// (Stripe's `amount_off`); normalised to a month like the price, never below zero.
    Amount(Decimal),
}

/// A discount on a subscription, active from `start` (inclusive) until `end` (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Discount {
    /// What it takes off.
    pub off: DiscountOff,
    /// First day it applies; `None` = since the subscription started.
    #[serde(default)]
    pub start: Option<NaiveDate>,
    /// First day it no longer applies; `None` = forever.
    #[serde(default)]
    pub end: Option<NaiveDate>,
}

impl Discount {
    /// A percentage off, forever.
    pub fn percent(percent: Decimal) -> Discount {
        Discount {
            off: DiscountOff::Percent(percent),
            start: None,
            end: None,
        }
    }

    /// A fixed amount (minor units) off each invoice, forever.
    pub fn amount(amount: Decimal) -> Discount {
        Discount {
            off: DiscountOff::Amount(amount),
            start: None,
            end: None,
        }
    }

    /// The same discount, ending on `end` (exclusive).
    pub fn until(mut self, end: NaiveDate) -> Discount {
        self.end = Some(end);
        self
    }

    /// Return `true` if the discount applies on `day`.
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= day) && self.end.is_none_or(|e| day < e)
    }
}

/// One subscription: a recurring price for one customer.
///
/// Amounts are in **minor units** of `currency` (cents, yen, fils) and may carry up to 12 decimal
/// places (Stripe's `unit_amount_decimal`). Dates are UTC calendar days. How each field affects the
/// metrics is documented on the [module](super).
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use cognition_core::revenue::{BillingInterval, Currency, Subscription, Tier};
/// use rust_decimal::Decimal;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let sub = Subscription::new("sub_1", "cus_1", "price_pro_yearly", Decimal::from(120_000),
///         Currency::USD, BillingInterval::Year, day(1, 15))
///     .with_tier(Tier::Pro)
///     .with_quantity(3);
/// assert!(sub.validate().is_ok());
/// assert_eq!(sub.monthly_amount_on(day(2, 1))?, Decimal::from(30_000)); // 120000 × 3 ÷ 12
/// # Ok::<(), cognition_core::revenue::RevenueError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// Unique id, e.g. `sub_1Pgc6rB7WZ01zgkWNy0Cn5nw`.
    pub id: String,
    /// The customer it bills; movements, churn and cohorts are per customer.
    pub customer_id: String,
    /// The plan or price id (breakdowns group by it).
    pub plan_id: String,
    /// The pricing tier.
    pub tier: Tier,
    /// Lifecycle status.
    pub status: SubscriptionStatus,
    /// Price per unit per billing interval, minor units, `≥ 0`.
    pub unit_amount: Decimal,
    /// Currency of `unit_amount` and amount-off discounts.
    pub currency: Currency,
    /// Billing interval.
    pub interval: BillingInterval,
    /// Billed every `interval_count` intervals, `1..=1000`.
    #[serde(default = "one_u32")]
    pub interval_count: u32,
    /// Number of units (seats); `0` is allowed and earns nothing.
    #[serde(default = "one_u64")]
    pub quantity: u64,
    /// Discounts, applied in order to each invoice.
    #[serde(default)]
    pub discounts: Vec<Discount>,
    /// When it was created (informational; counting uses `start`).
    pub created: NaiveDate,
    /// When it started (the trial's start, if it has one).
    pub start: NaiveDate,
    /// When its trial ends (first paid day); `None` without a trial.
    #[serde(default)]
    pub trial_end: Option<NaiveDate>,
    /// When cancellation was requested (or happened).
    #[serde(default)]
    pub canceled_at: Option<NaiveDate>,
    /// When it ended: first day it no longer counts.
    #[serde(default)]
    pub ended_at: Option<NaiveDate>,
    /// Canceled, effective at the end of the billing period in which `canceled_at` falls.
    #[serde(default)]
    pub cancel_at_period_end: bool,
}

fn one_u32() -> u32 {
    1
}

fn one_u64() -> u64 {
    1
}

impl Subscription {
    /// An active subscription with quantity 1, interval count 1, no discount, created on `start`,
    /// tier [`Tier::UNSPECIFIED`].
    pub fn new(
        id: impl Into<String>,
        customer_id: impl Into<String>,
        plan_id: impl Into<String>,
        unit_amount: Decimal,
        currency: Currency,
        interval: BillingInterval,
        start: NaiveDate,
    ) -> Subscription {
        Subscription {
            id: id.into(),
            customer_id: customer_id.into(),
            plan_id: plan_id.into(),
            tier: Tier::Custom(Tier::UNSPECIFIED.to_owned()),
            status: SubscriptionStatus::Active,
            unit_amount,
            currency,
            interval,
            interval_count: 1,
            quantity: 1,
            discounts: Vec::new(),
            created: start,
            start,
            trial_end: None,
            canceled_at: None,
            ended_at: None,
            cancel_at_period_end: false,
        }
    }

    /// Set the tier.
    pub fn with_tier(mut self, tier: Tier) -> Self {
        self.tier = tier;
        self
    }

    /// Set the status.
    pub fn with_status(mut self, status: SubscriptionStatus) -> Self {
        self.status = status;
        self
    }

    /// Set the interval count.
    pub fn with_interval_count(mut self, count: u32) -> Self {
        self.interval_count = count;
        self
    }

    /// Set the quantity.
    pub fn with_quantity(mut self, quantity: u64) -> Self {
        self.quantity = quantity;
        self
    }

    /// Add a discount (applied after the ones already there).
    pub fn with_discount(mut self, discount: Discount) -> Self {
        self.discounts.push(discount);
        self
    }

    /// Set the trial end (first paid day).
    pub fn with_trial_end(mut self, day: NaiveDate) -> Self {
        self.trial_end = Some(day);
        self
    }

    /// Set when cancellation was requested.
    pub fn with_canceled_at(mut self, day: NaiveDate) -> Self {
        self.canceled_at = Some(day);
        self
    }

    /// Set the end (first day not counted).
    pub fn with_ended_at(mut self, day: NaiveDate) -> Self {
        self.ended_at = Some(day);
        self
    }

    /// Set `cancel_at_period_end`.
    pub fn with_cancel_at_period_end(mut self, cancel: bool) -> Self {
        self.cancel_at_period_end = cancel;
        self
    }

    /// Set the creation day.
    pub fn with_created(mut self, day: NaiveDate) -> Self {
        self.created = day;
        self
    }

    /// Return the first day it is paid for: the trial's end if it has one, else its start.
    pub fn paid_start(&self) -> NaiveDate {
        self.trial_end.map_or(self.start, |t| t.max(self.start))
    }

    /// Check the fields against each other and the documented limits.
    ///
    /// # Errors
    /// [`RevenueError::InvalidSubscription`] naming the subscription and the field: empty or
    /// over-long ids, a negative amount or one with more than 12 decimals, `unit_amount ×
    /// quantity` over [`MAX_INVOICE_AMOUNT`], `interval_count` 0 or over
    /// [`MAX_INTERVAL_COUNT`], a percent discount outside `(0, 100]`, a negative amount off,
    /// a discount ending before it starts, a trial ending before the start, an end before the
    /// start, a `canceled` status with neither `ended_at` nor `canceled_at`.
    pub fn validate(&self) -> Result<(), RevenueError> {
        let id = self.id.as_str();
        let bad = |reason: String| Err(RevenueError::invalid(id, reason));
        for (name, value) in [
            ("id", id),
            ("customer_id", &self.customer_id),
            ("plan_id", &self.plan_id),
        ] {
            if value.trim().is_empty() {
                return bad(format!("`{name}` is empty"));
            }
            if value.len() > MAX_ID_LEN {
                return bad(format!(
                    "`{name}` is {} bytes, over the limit of {MAX_ID_LEN}",
                    value.len()
                ));
            }
        }
        check_amount(id, "unit_amount", self.unit_amount)?;
        let invoice = self.unit_amount.checked_mul(Decimal::from(self.quantity));
        if invoice.is_none_or(|v| v > Decimal::from(MAX_INVOICE_AMOUNT)) {
            return bad(format!(
                "unit_amount × quantity ({} × {}) is over the limit of {MAX_INVOICE_AMOUNT} minor units",
                self.unit_amount, self.quantity
            ));
        }
        if self.interval_count == 0 || self.interval_count > MAX_INTERVAL_COUNT {
            return bad(format!(
                "`interval_count` is {}, expected 1..={MAX_INTERVAL_COUNT}",
                self.interval_count
            ));
        }
        for (i, d) in self.discounts.iter().enumerate() {
            match d.off {
                DiscountOff::Percent(p) => {
                    if p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED {
                        return bad(format!("discounts[{i}]: percent off is {p}, expected more than 0 and at most 100"));
                    }
                    if p.normalize().scale() > MAX_PERCENT_DECIMALS {
                        return bad(format!("discounts[{i}]: percent off {p} has more than {MAX_PERCENT_DECIMALS} decimals"));
                    }
                }
                DiscountOff::Amount(a) => check_amount(id, &format!("discounts[{i}].amount"), a)?,
            }
            if let (Some(s), Some(e)) = (d.start, d.end) {
                if e < s {
                    return bad(format!("discounts[{i}] ends ({e}) before it starts ({s})"));
                }
            }
        }
        if let Some(t) = self.trial_end {
            if t < self.start {
                return bad(format!("trial_end ({t}) is before start ({})", self.start));
            }
        }
        if let Some(e) = self.ended_at {
            if e < self.start {
                return bad(format!("ended_at ({e}) is before start ({})", self.start));
            }
        }
        if self.status == SubscriptionStatus::Canceled
            && self.ended_at.is_none()
            && self.canceled_at.is_none()
        {
            return bad("status is canceled but neither ended_at nor canceled_at is set".into());
        }
        Ok(())
    }

    /// Return the monthly recurring amount this subscription's price earns on `day`, in minor
    /// units, *ignoring status and dates* (they decide whether it counts; see the module docs):
    /// `unit_amount × quantity`, minus the discounts active on `day` (in order, never below 0),
    /// normalised to a month; always 0 for [`Tier::Free`].
    ///
    /// Exact to 10⁻¹² of a minor unit (see the module docs).
    ///
    /// # Errors
    /// [`RevenueError::InvalidSubscription`] if [`validate`](Self::validate) fails.
    pub fn monthly_amount_on(&self, day: NaiveDate) -> Result<Decimal, RevenueError> {
        self.validate()?;
        super::fixed::monthly_fixed(self, |d| d.is_active_on(day)).map(super::fixed::to_decimal)
    }
}

fn check_amount(id: &str, field: &str, amount: Decimal) -> Result<(), RevenueError> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(RevenueError::invalid(
            id,
            format!("`{field}` is negative ({amount})"),
        ));
    }
    if amount.normalize().scale() > MAX_AMOUNT_DECIMALS {
        return Err(RevenueError::invalid(
            id,
            format!("`{field}` ({amount}) has more than {MAX_AMOUNT_DECIMALS} decimal places of a minor unit"),
        ));
    }
    if amount > Decimal::from(MAX_INVOICE_AMOUNT) {
        return Err(RevenueError::invalid(
            id,
            format!("`{field}` ({amount}) is over the limit of {MAX_INVOICE_AMOUNT} minor units"),
        ));
    }
    Ok(())
}
