//! When a subscription counts, and for how much: its state turned into constant-MRR pieces.

use chrono::{Datelike, Months, NaiveDate};

use super::fixed::monthly_fixed;
use super::subscription::{BillingInterval, Subscription, SubscriptionStatus};
use super::RevenueError;

/// Day number (days since 0001-01-01, chrono's `num_days_from_ce`): cheap to compare and sort.
pub(crate) type Day = i32;

/// "Never ends".
pub(crate) const OPEN: Day = Day::MAX;

pub(crate) fn day(d: NaiveDate) -> Day {
    d.num_days_from_ce()
}

pub(crate) fn date(d: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(d).unwrap_or(NaiveDate::MAX)
}

/// A piece of a subscription's life with a constant monthly amount: counted on `from..to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub from: Day,
    pub to: Day,
    /// Monthly amount, fixed point (10⁻¹² minor units); 0 for FREE or fully discounted.
    pub value: i128,
}

/// The first billing-period boundary after `day` for a subscription billed from `anchor`.
///
/// Boundaries are `anchor + k × interval_count intervals` (months added to the anchor, so a
/// 31st-anchored monthly plan renews on the last day of shorter months, as Stripe does).
pub(crate) fn period_end_after(
    anchor: NaiveDate,
    interval: BillingInterval,
    count: u32,
    day: NaiveDate,
) -> Option<NaiveDate> {
    if day < anchor {
        return Some(anchor);
    }
    let count = i64::from(count.max(1));
    let months_step = match interval {
        BillingInterval::Day | BillingInterval::Week => {
            let step = count
                * if interval == BillingInterval::Day {
                    1
                } else {
                    7
                };
            let k = (day - anchor).num_days() / step + 1;
            return anchor.checked_add_signed(chrono::TimeDelta::try_days(k * step)?);
        }
        BillingInterval::Month => count,
        BillingInterval::Year => 12 * count,
    };
    let months_between = i64::from(day.year() - anchor.year()) * 12 + i64::from(day.month0())
        - i64::from(anchor.month0());
    let mut k = (months_between / months_step).max(0);
    let at = |k: i64| -> Option<NaiveDate> {
        anchor.checked_add_months(Months::new(u32::try_from(k * months_step).ok()?))
    };
    while at(k)? <= day {
        k += 1;
    }
    while k > 1 && at(k - 1)? > day {
        k -= 1;
    }
    at(k)
}

/// The days a subscription state counts on: `[paid start, end)`, or `None` if never.
///
/// See the module docs for the rules; `count_past_due` is [`super::LedgerConfig::count_past_due`].
pub(crate) fn counted_range(sub: &Subscription, count_past_due: bool) -> Option<(Day, Day)> {
    use SubscriptionStatus as S;
    let end = match sub.status {
        S::Active => natural_end(sub),
        S::PastDue if count_past_due => natural_end(sub),
        S::Canceled => Some(sub.ended_at.or(sub.canceled_at)?),
        _ => return None,
    };
    let from = day(sub.paid_start());
    let to = end.map_or(OPEN, day);
    (from < to).then_some((from, to))
}

/// The end of an active subscription: `ended_at`, else the end of the period in which a
/// cancel-at-period-end was requested, else none.
fn natural_end(sub: &Subscription) -> Option<NaiveDate> {
    if let Some(end) = sub.ended_at {
        return Some(end);
    }
    if sub.cancel_at_period_end {
        let requested = sub.canceled_at?;
        return period_end_after(
            sub.paid_start(),
            sub.interval,
            sub.interval_count,
            requested,
        );
    }
    None
}

/// Split the counted days of `sub` within `window` into pieces of constant monthly amount
/// (discounts starting or ending make new pieces), appending them to `out`.
pub(crate) fn pieces(
    sub: &Subscription,
    count_past_due: bool,
    window: (Day, Day),
    out: &mut Vec<Piece>,
) -> Result<(), RevenueError> {
    let Some((from, to)) = counted_range(sub, count_past_due) else {
        return Ok(());
    };
    let (from, to) = (from.max(window.0), to.min(window.1));
    if from >= to {
        return Ok(());
    }
    if sub.discounts.is_empty() {
        out.push(Piece {
            from,
            to,
            value: monthly_fixed(sub, |_| false)?,
        });
        return Ok(());
    }
    let mut cuts: Vec<Day> = vec![from, to];
    for d in &sub.discounts {
        for edge in [d.start, d.end].into_iter().flatten().map(day) {
            if from < edge && edge < to {
                cuts.push(edge);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    for pair in cuts.windows(2) {
        let on = date(pair[0]);
        let value = monthly_fixed(sub, |d| d.is_active_on(on))?;
        match out.last_mut() {
            Some(last) if last.to == pair[0] && last.value == value => last.to = pair[1],
            _ => out.push(Piece {
                from: pair[0],
                to: pair[1],
                value,
            }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn monthly_period_end_follows_the_anchor_day_clamped_to_short_months() {
        let anchor = d(2024, 1, 31);
        assert_eq!(
            period_end_after(anchor, BillingInterval::Month, 1, d(2024, 2, 10)),
            Some(d(2024, 2, 29))
        );
        assert_eq!(
            period_end_after(anchor, BillingInterval::Month, 1, d(2024, 2, 29)),
            Some(d(2024, 3, 31))
        );
        assert_eq!(
            period_end_after(anchor, BillingInterval::Month, 1, d(2024, 1, 31)),
            Some(d(2024, 2, 29))
        );
    }

    #[test]
    fn yearly_weekly_and_daily_period_ends() {
        assert_eq!(
            period_end_after(d(2023, 3, 1), BillingInterval::Year, 2, d(2024, 7, 1)),
            Some(d(2025, 3, 1))
        );
        assert_eq!(
            period_end_after(d(2024, 1, 1), BillingInterval::Week, 2, d(2024, 1, 20)),
            Some(d(2024, 1, 29))
        );
        assert_eq!(
            period_end_after(d(2024, 1, 1), BillingInterval::Day, 10, d(2024, 1, 10)),
            Some(d(2024, 1, 11))
        );
    }

    #[test]
    fn cancel_requested_before_the_paid_start_ends_at_the_paid_start() {
        assert_eq!(
            period_end_after(d(2024, 2, 1), BillingInterval::Month, 1, d(2024, 1, 20)),
            Some(d(2024, 2, 1))
        );
    }
}
