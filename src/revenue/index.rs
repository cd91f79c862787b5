//! The ledger's index: pieces of constant MRR sorted by customer, and step functions of MRR and
//! customer counts, so "as of a date" is a binary search and a range of months is one pass.

use hashbrown::HashMap;

use chrono::NaiveDate;

use super::fixed::{pow10, SCALE_DIGITS};
use super::ledger::RevenueLedger;
use super::segments::{self, Day, Piece, OPEN};
use super::subscription::Tier;
use super::{Currency, RevenueError};

/// A piece of one subscription item's life with a constant monthly amount.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segment {
    pub from: Day,
    pub to: Day,
    /// Fixed point, 10⁻¹² minor units of `currency`.
    pub value: i128,
    pub customer: u32,
    pub currency: u16,
    pub tier: u32,
    pub plan: u32,
}

/// A right-continuous step function: `at(d)` is the sum of the deltas at days `≤ d`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Steps<T> {
    days: Vec<Day>,
    values: Vec<T>,
}

impl<T: Copy + Default + std::ops::Add<Output = T>> Steps<T> {
    fn from_deltas(mut deltas: Vec<(Day, T)>) -> Steps<T> {
        deltas.sort_unstable_by_key(|(d, _)| *d);
        let mut steps = Steps {
            days: Vec::with_capacity(deltas.len()),
            values: Vec::with_capacity(deltas.len()),
        };
        let mut acc = T::default();
        for (d, delta) in deltas {
            acc = acc + delta;
            if steps.days.last() == Some(&d) {
                if let Some(v) = steps.values.last_mut() {
                    *v = acc;
                }
            } else {
                steps.days.push(d);
                steps.values.push(acc);
            }
        }
        steps
    }

    pub(crate) fn at(&self, d: Day) -> T {
        match self.days.partition_point(|&x| x <= d) {
            0 => T::default(),
            i => self.values[i - 1],
        }
    }
}

/// How segment values are read: which currencies, converted how.
#[derive(Clone, Debug)]
pub(crate) struct View {
    /// The currency the figures are in.
    pub currency: Currency,
    /// Decimal places of a minor unit in the figures (12, more after FX conversion).
    pub scale: u32,
    /// Per index currency: `None` = left out, else the exact integer multiplier.
    pub mult: Vec<Option<i128>>,
    /// The rates used (currency, rate), for the record; empty for a single-currency view.
    pub rates: Vec<(Currency, rust_decimal::Decimal)>,
}

impl View {
    #[inline]
    pub(crate) fn value(&self, seg: &Segment) -> Result<Option<i128>, RevenueError> {
        match self.mult[usize::from(seg.currency)] {
            None => Ok(None),
            Some(1) => Ok(Some(seg.value)),
            Some(m) => seg.value.checked_mul(m).map(Some).ok_or_else(|| {
                RevenueError::overflow("an FX-converted amount exceeds 128-bit fixed point")
            }),
        }
    }
}

/// See the module docs.
#[derive(Debug)]
pub(crate) struct Index {
    pub currencies: Vec<Currency>,
    pub tiers: Vec<Tier>,
    pub plans: Vec<String>,
    /// Sorted by (customer, from).
    pub segments: Vec<Segment>,
    /// `segments[offsets[c]..offsets[c + 1]]` are customer `c`'s.
    pub offsets: Vec<usize>,
    /// Per customer: first day with a positive MRR (`OPEN` if never).
    pub first_paid: Vec<Day>,
    /// Per index currency: MRR (fixed point) as of a day.
    pub mrr: Vec<Steps<i128>>,
    /// Customers with at least one counted subscription (FREE included).
    pub active: Steps<i64>,
    /// Customers with a positive MRR.
    pub paying: Steps<i64>,
    pub reporting: Option<Currency>,
    pub fx: Option<super::FxTable>,
}

impl Index {
    pub(crate) fn build(ledger: &RevenueLedger) -> Result<Index, RevenueError> {
        let count_past_due = ledger.config.count_past_due;
        let mut customers: HashMap<&str, u32> = HashMap::new();
        let mut currencies: Vec<Currency> = Vec::new();
        let mut tiers: HashMap<&Tier, u32> = HashMap::new();
        let mut plans: HashMap<&str, u32> = HashMap::new();
        let mut segments: Vec<Segment> = Vec::with_capacity(ledger.records.len());
        let mut pieces: Vec<Piece> = Vec::new();
        for record in &ledger.records {
            for (i, rev) in record.revisions.iter().enumerate() {
                let from = rev.from.map_or(Day::MIN, segments::day);
                let to = record
                    .revisions
                    .get(i + 1)
                    .and_then(|r| r.from)
                    .map_or(OPEN, segments::day);
                for part in &rev.parts {
                    pieces.clear();
                    segments::pieces(part, count_past_due, (from, to), &mut pieces)?;
                    if pieces.is_empty() {
                        continue;
                    }
                    let n = customers.len() as u32;
                    let customer = *customers.entry(part.customer_id.as_str()).or_insert(n);
                    let currency = match currencies.iter().position(|c| *c == part.currency) {
                        Some(i) => i,
                        None => {
                            currencies.push(part.currency);
                            currencies.len() - 1
                        }
                    } as u16;
                    let n = tiers.len() as u32;
                    let tier = *tiers.entry(&part.tier).or_insert(n);
                    let n = plans.len() as u32;
                    let plan = *plans.entry(part.plan_id.as_str()).or_insert(n);
                    segments.extend(pieces.iter().map(|p| Segment {
                        from: p.from,
                        to: p.to,
                        value: p.value,
                        customer,
                        currency,
                        tier,
                        plan,
                    }));
                }
            }
        }
        segments.sort_unstable_by_key(|s| (s.customer, s.from));
        let n_customers = customers.len();
        let mut offsets = Vec::with_capacity(n_customers + 1);
        let mut first_paid = vec![OPEN; n_customers];
        let mut mrr_deltas: Vec<Vec<(Day, i128)>> = vec![Vec::new(); currencies.len()];
        let mut active_deltas = Vec::new();
        let mut paying_deltas = Vec::new();
        let mut start = 0;
        offsets.push(0);
        while start < segments.len() {
            let customer = segments[start].customer;
            let end = start + segments[start..].partition_point(|s| s.customer == customer);
            let group = &segments[start..end];
            for s in group {
                let deltas = &mut mrr_deltas[usize::from(s.currency)];
                if s.value != 0 {
                    deltas.push((s.from, s.value));
                    if s.to != OPEN {
                        deltas.push((s.to, -s.value));
                    }
                }
            }
            union_deltas(group.iter(), &mut active_deltas);
            union_deltas(group.iter().filter(|s| s.value > 0), &mut paying_deltas);
            if let Some(s) = group.iter().find(|s| s.value > 0) {
                first_paid[customer as usize] = s.from;
            }
            offsets.push(end);
            start = end;
        }
        let mut tier_names: Vec<(u32, Tier)> =
            tiers.into_iter().map(|(t, i)| (i, t.clone())).collect();
        tier_names.sort_unstable_by_key(|(i, _)| *i);
        let mut plan_names: Vec<(u32, String)> =
            plans.into_iter().map(|(p, i)| (i, p.to_owned())).collect();
        plan_names.sort_unstable_by_key(|(i, _)| *i);
        let fx = ledger.config.fx.clone();
        let reporting = match &fx {
            Some(fx) => Some(fx.reporting_currency()),
            None => currencies.iter().min().copied(),
        };
        Ok(Index {
            tiers: tier_names.into_iter().map(|(_, t)| t).collect(),
            plans: plan_names.into_iter().map(|(_, p)| p).collect(),
            mrr: mrr_deltas.into_iter().map(Steps::from_deltas).collect(),
            active: Steps::from_deltas(active_deltas),
            paying: Steps::from_deltas(paying_deltas),
            currencies,
            segments,
            offsets,
            first_paid,
            reporting,
            fx,
        })
    }

    pub(crate) fn customers(&self) -> usize {
        self.offsets.len() - 1
    }

    /// MRR of one index currency as of `d` (fixed point).
    pub(crate) fn mrr_of(&self, currency: usize, d: Day) -> i128 {
        self.mrr[currency].at(d)
    }

    /// The view of one currency, unconverted.
    pub(crate) fn currency_view(&self, currency: Currency) -> View {
        View {
            currency,
            scale: SCALE_DIGITS,
            mult: self
                .currencies
                .iter()
                .map(|c| (*c == currency).then_some(1))
                .collect(),
            rates: Vec::new(),
        }
    }

    /// The reporting currency.
    ///
    /// # Errors
    /// [`RevenueError::MissingFxRate`] if there is no FX table and several currencies.
    pub(crate) fn reporting_currency(&self) -> Result<Currency, RevenueError> {
        if self.fx.is_none() && self.currencies.len() > 1 {
            let mut sorted = self.currencies.clone();
            sorted.sort_unstable();
            return Err(RevenueError::MissingFxRate {
                currency: sorted[1].to_string(),
                reporting: sorted[0].to_string(),
                on: None,
            });
        }
        Ok(self.reporting.unwrap_or(Currency::USD))
    }

    /// The view in the reporting currency with the rates in effect on `on`.
    ///
    /// Conversion is exact: `amount × rate × 10^(minor units difference)` needs no rounding when
    /// the view keeps enough decimal places, so `scale` grows by the rates' decimals.
    pub(crate) fn reporting_view(&self, on: NaiveDate) -> Result<View, RevenueError> {
        let reporting = self.reporting_currency()?;
        let Some(fx) = &self.fx else {
            return Ok(self.currency_view(reporting));
        };
        let e_rep = i64::from(reporting.minor_units());
        let mut rates = Vec::with_capacity(self.currencies.len());
        let mut extra = 0i64;
        for c in &self.currencies {
            let rate = fx.rate_on(*c, on)?;
            extra = extra.max(i64::from(rate.scale()) + i64::from(c.minor_units()) - e_rep);
            rates.push((*c, rate));
        }
        let overflow = || RevenueError::overflow("FX rate scale");
        let mut mult = Vec::with_capacity(rates.len());
        for (c, rate) in &rates {
            let k = extra - i64::from(rate.scale()) + e_rep - i64::from(c.minor_units());
            let k = u32::try_from(k).map_err(|_| overflow())?;
            mult.push(Some(
                rate.mantissa()
                    .checked_mul(pow10(k).ok_or_else(overflow)?)
                    .ok_or_else(overflow)?,
            ));
        }
        Ok(View {
            currency: reporting,
            scale: SCALE_DIGITS + u32::try_from(extra).map_err(|_| overflow())?,
            mult,
            rates: rates.into_iter().filter(|(c, _)| *c != reporting).collect(),
        })
    }

    /// For each customer (in index order), their MRR in `view` at each of `days` (sorted).
    pub(crate) fn for_each_customer(
        &self,
        view: &View,
        days: &[Day],
        mut f: impl FnMut(usize, &[i128]),
    ) -> Result<(), RevenueError> {
        let n = days.len();
        let zeros = vec![0i128; n];
        self.for_each_customer_in(std::slice::from_ref(view), days, |c, values, touched| {
            f(
                c,
                if touched.is_empty() {
                    &zeros
                } else {
                    &values[..n]
                },
            )
        })
    }

    /// For each customer, their MRR in each of `views` at each of `days` (sorted), in one pass:
    /// `values[v * days.len() + k]` is view `v` on day `k`, and `touched` lists `(v, lo, hi)` for
    /// the views with a non-zero value, which lie in `lo..hi` (every other value is zero). Only
    /// touched rows are reset, so many views cost little more than one.
    pub(crate) fn for_each_customer_in(
        &self,
        views: &[View],
        days: &[Day],
        mut f: impl FnMut(usize, &[i128], &[(usize, usize, usize)]),
    ) -> Result<(), RevenueError> {
        let n = days.len();
        let overflow = || RevenueError::overflow("a customer's MRR exceeds 128-bit fixed point");
        let mut buf = vec![0i128; n * views.len()];
        // Per view: index in `touched`, if touched.
        let mut slot: Vec<Option<usize>> = vec![None; views.len()];
        let mut touched: Vec<(usize, usize, usize)> = Vec::with_capacity(views.len());
        for c in 0..self.customers() {
            for seg in &self.segments[self.offsets[c]..self.offsets[c + 1]] {
                if seg.value == 0 {
                    continue;
                }
                let lo = days.partition_point(|&d| d < seg.from);
                let hi = lo + days[lo..].partition_point(|&d| d < seg.to);
                if lo == hi {
                    continue;
                }
                for (v, view) in views.iter().enumerate() {
                    let Some(value) = view.value(seg)? else {
                        continue;
                    };
                    match slot[v] {
                        Some(i) => {
                            let t = &mut touched[i];
                            t.1 = t.1.min(lo);
                            t.2 = t.2.max(hi);
                        }
                        None => {
                            slot[v] = Some(touched.len());
                            touched.push((v, lo, hi));
                        }
                    }
                    for x in &mut buf[v * n + lo..v * n + hi] {
                        *x = x.checked_add(value).ok_or_else(overflow)?;
                    }
                }
            }
            f(c, &buf, &touched);
            for &(v, lo, hi) in &touched {
                buf[v * n + lo..v * n + hi].fill(0);
                slot[v] = None;
            }
            touched.clear();
        }
        Ok(())
    }
}

/// Push `+1`/`-1` deltas for the union of the (from-sorted) segments' day ranges.
fn union_deltas<'a>(segments: impl Iterator<Item = &'a Segment>, out: &mut Vec<(Day, i64)>) {
    let mut current: Option<(Day, Day)> = None;
    for s in segments {
        current = match current {
            Some((from, to)) if s.from <= to => Some((from, to.max(s.to))),
            Some((from, to)) => {
                push_interval(from, to, out);
                Some((s.from, s.to))
            }
            None => Some((s.from, s.to)),
        };
    }
    if let Some((from, to)) = current {
        push_interval(from, to, out);
    }
}

fn push_interval(from: Day, to: Day, out: &mut Vec<(Day, i64)>) {
    out.push((from, 1));
    if to != OPEN {
        out.push((to, -1));
    }
}
