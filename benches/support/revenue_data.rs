//! The seeded subscription generator shared by `benches/revenue.rs` and `tests/revenue_sample.rs`.
//!
//! It mirrors `data/samples/revenue/generate.py` exactly (splitmix64, same draws in the same
//! order): `generate.py --count N --seed S` writes the subscriptions `generate(N, S)` returns, and
//! `tests/revenue_sample.rs` checks it against the bundled sample.

use chrono::{Days, NaiveDate};
use cognition_core::revenue::{
    BillingInterval, Currency, Discount, DiscountOff, Subscription, SubscriptionStatus, Tier,
};
use rust_decimal::Decimal;

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Copy>(&mut self, table: &[(u64, T)]) -> T {
        let r = self.below(100);
        table
            .iter()
            .find(|(limit, _)| r < *limit)
            .map_or(table[table.len() - 1].1, |(_, v)| *v)
    }
}

/// The subscriptions `generate.py --count count --seed seed` writes.
pub fn generate(count: u64, seed: u64) -> Vec<Subscription> {
    let mut rng = SplitMix64(seed);
    let customers = count * 7 / 10 + 1;
    let base = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let kwd = Currency::parse("KWD").unwrap();
    let cad = Currency::parse("CAD").unwrap();
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count {
        let customer = rng.below(customers);
        let (tier_index, cents) = rng.pick(&[
            (10, (0, 0)),
            (60, (1, 2900)),
            (85, (2, 9900)),
            (100, (3, 49900)),
        ]);
        let tier = [Tier::Free, Tier::Pro, Tier::Team, Tier::Enterprise][tier_index].clone();
        let (currency, num, den) = rng.pick(&[
            (55, (Currency::USD, 100, 1)),
            (75, (Currency::EUR, 92, 1)),
            (85, (Currency::GBP, 79, 1)),
            (92, (Currency::JPY, 150, 100)),
            (95, (kwd, 307, 1000)),
            (100, (cad, 136, 1)),
        ]);
        let interval = rng.pick(&[
            (70, BillingInterval::Month),
            (90, BillingInterval::Year),
            (97, BillingInterval::Week),
            (100, BillingInterval::Day),
        ]);
        let coin = rng.below(5);
        let (count_, months) = match interval {
            BillingInterval::Month => {
                if coin == 0 {
                    (3, 3)
                } else {
                    (1, 1)
                }
            }
            BillingInterval::Year => {
                if coin == 0 {
                    (2, 24)
                } else {
                    (1, 12)
                }
            }
            BillingInterval::Week => (1, 0),
            BillingInterval::Day => (30, 0),
        };
        let period_cents: i64 = match interval {
            BillingInterval::Week => cents * 12 / 52,
            BillingInterval::Day => cents,
            _ => cents * months,
        };
        let unit_amount = period_cents * num / (100 * den);
        let quantity = if matches!(tier, Tier::Team | Tier::Enterprise) {
            1 + rng.below(20)
        } else {
            1
        };
        let start = base + Days::new(rng.below(730));
        let mut trial_end = (rng.below(4) == 0).then(|| start + Days::new(14));
        let status = rng.pick(&[
            (70, SubscriptionStatus::Active),
            (75, SubscriptionStatus::PastDue),
            (79, SubscriptionStatus::Trialing),
            (94, SubscriptionStatus::Canceled),
            (97, SubscriptionStatus::Unpaid),
            (100, SubscriptionStatus::Paused),
        ]);
        if status == SubscriptionStatus::Trialing && trial_end.is_none() {
            trial_end = Some(start + Days::new(30));
        }
        let length = 30 + rng.below(500);
        let mut sub = Subscription::new(
            format!("sub_{i}"),
            format!("cus_{customer}"),
            format!(
                "{}_{}_{count_}",
                tier.name().to_ascii_lowercase(),
                interval.as_str()
            ),
            Decimal::from(unit_amount),
            currency,
            interval,
            start,
        )
        .with_tier(tier.clone())
        .with_status(status)
        .with_interval_count(count_)
        .with_quantity(quantity);
        sub.trial_end = trial_end;
        if status == SubscriptionStatus::Canceled {
            sub = sub
                .with_ended_at(start + Days::new(length))
                .with_canceled_at(start + Days::new(length));
        } else if status == SubscriptionStatus::Active && rng.below(30) == 0 {
            sub = sub
                .with_cancel_at_period_end(true)
                .with_canceled_at(start + Days::new(length));
        }
        let d = rng.below(40);
        if d < 4 {
            let percent = [10, 20, 25, 50][d as usize];
            let mut discount = Discount::percent(Decimal::from(percent));
            if d % 2 == 0 {
                discount.end = Some(start + Days::new(90 * (d + 1)));
            }
            sub = sub.with_discount(discount);
        } else if d == 4 {
            sub = sub.with_discount(Discount {
                off: DiscountOff::Amount(Decimal::from(unit_amount / 10)),
                start: None,
                end: None,
            });
        }
        out.push(sub);
    }
    out
}
