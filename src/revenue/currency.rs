//! ISO 4217 currencies with their minor units, and [`Money`] in minor units.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::RevenueError;

/// The supported currencies and their ISO 4217 minor units (decimal places of the minor unit).
///
/// ISO 4217 as published by SIX (the maintenance agency): JPY, KRW, CLP… have 0 decimals, most
/// currencies 2, the dinars of Kuwait, Bahrain, Jordan, Oman, Tunisia, Libya and Iraq 3.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("LYD", 3),
    ("MAD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PEN", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("VND", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("ZAR", 2),
];

/// An ISO 4217 currency this library knows the minor units of.
///
/// Parsing is case-insensitive (Stripe writes `usd`); an unknown code is an error, never a guess.
///
/// # Example
/// ```
/// use cognition_core::revenue::Currency;
///
/// let jpy: Currency = "jpy".parse()?;
/// assert_eq!(jpy.code(), "JPY");
/// assert_eq!(jpy.minor_units(), 0);
/// assert_eq!(Currency::parse("KWD")?.minor_units(), 3);
/// assert!(Currency::parse("XYZ").is_err());
/// # Ok::<(), cognition_core::revenue::RevenueError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

impl Currency {
    /// US dollar (2 decimals).
    pub const USD: Currency = Currency {
        code: *b"USD",
        minor_units: 2,
    };
    /// Euro (2 decimals).
    pub const EUR: Currency = Currency {
        code: *b"EUR",
        minor_units: 2,
    };
    /// Pound sterling (2 decimals).
    pub const GBP: Currency = Currency {
        code: *b"GBP",
        minor_units: 2,
    };
    /// Japanese yen (0 decimals).
    pub const JPY: Currency = Currency {
        code: *b"JPY",
        minor_units: 0,
    };
    /// Kuwaiti dinar (3 decimals).
    pub const KWD: Currency = Currency {
        code: *b"KWD",
        minor_units: 3,
    };

    /// Look a code up, case-insensitively.
    ///
    /// # Errors
    /// [`RevenueError::UnknownCurrency`] for a code not in the table.
    pub fn parse(code: &str) -> Result<Currency, RevenueError> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .binary_search_by(|(c, _)| c.cmp(&upper.as_str()))
            .ok()
            .map(|i| {
                let (c, minor_units) = CURRENCIES[i];
                let b = c.as_bytes();
                Currency {
                    code: [b[0], b[1], b[2]],
                    minor_units,
                }
            })
            .ok_or_else(|| RevenueError::UnknownCurrency {
                code: code.chars().take(16).collect(),
            })
    }

    /// Return the upper-case ISO code, e.g. `"USD"`.
    pub fn code(&self) -> &str {
        // The table holds ASCII only.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Return the number of decimal places of the minor unit (JPY 0, USD 2, KWD 3).
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }

    /// Every supported currency, sorted by code.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES
            .iter()
            .map(|(c, _)| Currency::parse(c).unwrap_or(Currency::USD))
    }
}

impl FromStr for Currency {
    type Err = RevenueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// An amount of money in a currency's **minor units** (cents for USD, yen for JPY, fils for KWD).
///
/// The amount is exact: sums of MRR carry up to 12 decimal places of the minor unit (see the
/// module docs) and are only rounded when presented, half-even ("banker's rounding", so that
/// rounding a column of figures does not drift upwards), by [`Money::rounded`] and `Display`.
///
/// # Example
/// ```
/// use cognition_core::revenue::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let m = Money::new(Decimal::new(16_666_666_666_666_667, 12), Currency::USD); // 16666.666…¢
/// assert_eq!(m.rounded(), Decimal::from(16_667));
/// assert_eq!(m.to_string(), "166.67 USD");
/// assert_eq!(Money::new(Decimal::new(25, 1), Currency::JPY).rounded(), Decimal::from(2)); // half-even
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The exact amount in minor units.
    pub amount: Decimal,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// An amount in minor units of `currency`.
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Return the amount rounded half-even to whole minor units: the presented figure.
    pub fn rounded(&self) -> Decimal {
        self.amount
            .round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven)
    }

    /// Return the amount in major units (dollars, yen, dinars), rounded half-even to the minor unit.
    pub fn to_major(&self) -> Decimal {
        let mut major = self.rounded();
        major.set_scale(self.currency.minor_units()).unwrap_or(());
        major
    }
}

impl fmt::Display for Money {
    /// Writes the presented amount in major units and the code, e.g. `166.67 USD`, `1500 JPY`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_major(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_so_binary_search_finds_every_code() {
        let codes: Vec<&str> = CURRENCIES.iter().map(|(c, _)| *c).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for (code, units) in CURRENCIES {
            assert_eq!(
                Currency::parse(code).unwrap().minor_units(),
                u32::from(*units)
            );
        }
    }

    #[test]
    fn iso_minor_units_for_zero_two_and_three_decimal_currencies() {
        assert_eq!(Currency::parse("JPY").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("usd").unwrap().minor_units(), 2);
        assert_eq!(Currency::parse("Kwd").unwrap().minor_units(), 3);
        assert_eq!(Currency::parse("BHD").unwrap().minor_units(), 3);
        assert_eq!(Currency::parse("KRW").unwrap().minor_units(), 0);
    }

    #[test]
    fn unknown_or_malformed_codes_are_errors_naming_the_code() {
        for bad in ["XYZ", "", "US", "USDX", "€"] {
            let err = Currency::parse(bad).unwrap_err();
            assert_eq!(err, RevenueError::UnknownCurrency { code: bad.into() });
        }
    }

    #[test]
    fn display_in_major_units_per_currency() {
        let kwd = Money::new(Decimal::new(12_345, 1), Currency::KWD); // 1234.5 fils
        assert_eq!(kwd.to_string(), "1.234 KWD"); // half-even: 1234.5 -> 1234
        assert_eq!(
            Money::new(Decimal::from(1500), Currency::JPY).to_string(),
            "1500 JPY"
        );
        assert_eq!(
            Money::new(Decimal::from(5), Currency::USD).to_string(),
            "0.05 USD"
        );
    }

    #[test]
    fn serde_uses_the_code() {
        let json = serde_json::to_string(&Currency::EUR).unwrap();
        assert_eq!(json, "\"EUR\"");
        let back: Currency = serde_json::from_str("\"eur\"").unwrap();
        assert_eq!(back, Currency::EUR);
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    }
}
