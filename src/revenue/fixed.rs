//! Exact fixed-point arithmetic for money: minor units × 10¹² in an `i128`.
//!
//! `rust_decimal` is exact but slow in hot loops, and its 28 digits can round when sums get long.
//! Internally every monthly amount is an integer count of 10⁻¹² minor units, so sums, differences
//! and the movement identity are exact integer arithmetic; values become [`Decimal`] only at the
//! edges. A normalised amount is rounded (half-even) to 10⁻¹² of a minor unit at most twice per
//! subscription: after a percent discount and after dividing by the interval (1/3 of a cent from
//! weekly billing has no finite decimal form). Nothing else rounds until presentation.

use rust_decimal::Decimal;

use super::subscription::{Discount, DiscountOff, Subscription, Tier};
use super::RevenueError;

/// Decimal places of a minor unit kept internally.
pub(crate) const SCALE_DIGITS: u32 = 12;
/// 10^[`SCALE_DIGITS`].
#[cfg(test)]
pub(crate) const SCALE: i128 = 1_000_000_000_000;

/// `10^n` for small `n`, `None` past `i128`.
pub(crate) fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// Divide rounding half to even; `d > 0`.
pub(crate) fn div_round_half_even(n: i128, d: i128) -> i128 {
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d);
    let twice = r * 2;
    if twice > d || (twice == d && q % 2 != 0) {
        q + 1
    } else {
        q
    }
}

/// A non-negative decimal with at most [`SCALE_DIGITS`] places as fixed point, exactly.
pub(crate) fn decimal_to_fixed(value: Decimal) -> Option<i128> {
    let value = value.normalize();
    let scale = value.scale();
    if scale > SCALE_DIGITS {
        return None;
    }
    value.mantissa().checked_mul(pow10(SCALE_DIGITS - scale)?)
}

/// Fixed point (10⁻¹²) to a normalised [`Decimal`].
pub(crate) fn to_decimal(value: i128) -> Decimal {
    to_decimal_scaled(value, SCALE_DIGITS)
}

/// `value × 10^-scale` as a normalised [`Decimal`]; past Decimal's 96-bit mantissa the lowest
/// digits are rounded half-even (only for sums beyond 10¹⁶ minor units).
pub(crate) fn to_decimal_scaled(mut value: i128, mut scale: u32) -> Decimal {
    loop {
        if let Ok(d) = Decimal::try_from_i128_with_scale(value, scale.min(28)) {
            if scale <= 28 {
                return d.normalize();
            }
        }
        if scale == 0 {
            return if value < 0 {
                Decimal::MIN
            } else {
                Decimal::MAX
            };
        }
        value = div_round_half_even(value, 10);
        scale -= 1;
    }
}

/// The monthly amount of `sub` in fixed point, with the discounts `active` selects; 0 for FREE.
///
/// # Errors
/// [`RevenueError::AmountOutOfRange`] if an amount has more than 12 decimals or overflows
/// (`validate` rules both out).
pub(crate) fn monthly_fixed(
    sub: &Subscription,
    active: impl Fn(&Discount) -> bool,
) -> Result<i128, RevenueError> {
    if sub.tier == Tier::Free {
        return Ok(0);
    }
    let overflow = || RevenueError::overflow(format!("subscription `{}`'s amount", sub.id));
    let unit = decimal_to_fixed(sub.unit_amount).ok_or_else(overflow)?;
    let mut invoice = unit
        .checked_mul(i128::from(sub.quantity))
        .ok_or_else(overflow)?;
    for discount in sub.discounts.iter().filter(|d| active(d)) {
        match discount.off {
            DiscountOff::Percent(p) => {
                let p = p.normalize();
                let den = 100 * pow10(p.scale()).ok_or_else(overflow)?;
                let keep = den - p.mantissa();
                if keep <= 0 {
                    invoice = 0;
                } else {
                    let n = invoice.checked_mul(keep).ok_or_else(overflow)?;
                    invoice = div_round_half_even(n, den);
                }
            }
            DiscountOff::Amount(a) => {
                let off = decimal_to_fixed(a).ok_or_else(overflow)?;
                invoice = (invoice - off).max(0);
            }
        }
    }
    let (num, den) = sub.interval.monthly_factor();
    let den = den * i128::from(sub.interval_count.max(1));
    let n = invoice.checked_mul(num).ok_or_else(overflow)?;
    Ok(div_round_half_even(n, den))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_even_division_rounds_ties_to_even() {
        assert_eq!(div_round_half_even(5, 2), 2);
        assert_eq!(div_round_half_even(7, 2), 4);
        assert_eq!(div_round_half_even(-5, 2), -2);
        assert_eq!(div_round_half_even(10, 3), 3);
        assert_eq!(div_round_half_even(20, 3), 7);
    }

    #[test]
    fn decimals_convert_exactly_or_not_at_all() {
        assert_eq!(decimal_to_fixed(Decimal::new(2000, 0)), Some(2000 * SCALE));
        assert_eq!(decimal_to_fixed(Decimal::new(15, 1)), Some(15 * SCALE / 10));
        assert_eq!(decimal_to_fixed(Decimal::new(1, 13)), None);
        assert_eq!(
            to_decimal(2000 * SCALE + 1),
            Decimal::new(2_000_000_000_000_001, 12)
        );
    }

    #[test]
    fn huge_sums_lose_only_their_lowest_digits() {
        let big = 10i128.pow(35) + 5;
        let d = to_decimal(big);
        assert_eq!(d, Decimal::from_i128_with_scale(10i128.pow(28), 5));
    }
}
