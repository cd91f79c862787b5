//! [`FxTable`]: user-given exchange rates into one reporting currency, optionally dated.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Currency, RevenueError};

/// The most decimal places an FX rate may have.
pub const MAX_RATE_DECIMALS: u32 = 12;

/// Exchange rates into a reporting currency: `1 <currency> = rate <reporting>` (major units).
///
/// A rate is either undated (used on every day) or dated (used from its date until the next dated
/// rate of the same currency; before the first dated rate the undated one, if any). The reporting
/// currency's own rate is always 1. A missing rate is an error naming the currency, never a zero.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use cognition_core::revenue::{Currency, FxTable, RevenueError};
/// use rust_decimal::Decimal;
///
/// let jan = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let fx = FxTable::new(Currency::USD)
///     .with_rate(Currency::EUR, Decimal::new(108, 2))?
///     .with_rate_from(Currency::EUR, jan, Decimal::new(110, 2))?;
/// assert_eq!(fx.rate_on(Currency::EUR, jan)?, Decimal::new(110, 2));
/// assert_eq!(fx.rate_on(Currency::EUR, jan.pred_opt().unwrap())?, Decimal::new(108, 2));
/// assert_eq!(fx.rate_on(Currency::USD, jan)?, Decimal::ONE);
/// assert!(matches!(fx.rate_on(Currency::JPY, jan), Err(RevenueError::MissingFxRate { .. })));
/// # Ok::<(), RevenueError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FxTable {
    reporting: Currency,
    /// Per currency: the undated rate, then dated rates sorted by date.
    rates: BTreeMap<Currency, Rates>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Rates {
    undated: Option<Decimal>,
    dated: Vec<(NaiveDate, Decimal)>,
}

impl FxTable {
    /// An empty table reporting in `reporting`.
    pub fn new(reporting: Currency) -> FxTable {
        FxTable {
            reporting,
            rates: BTreeMap::new(),
        }
    }

    /// Return the reporting currency.
    pub fn reporting_currency(&self) -> Currency {
        self.reporting
    }

    /// Set the undated rate of `currency` (replacing an earlier undated one).
    ///
    /// # Errors
    /// [`RevenueError::InvalidFxRate`] unless the rate is positive with at most 12 decimals.
    pub fn with_rate(mut self, currency: Currency, rate: Decimal) -> Result<FxTable, RevenueError> {
        self.set(currency, None, rate)?;
        Ok(self)
    }

    /// Set a rate in place: undated with `from = None`.
    ///
    /// # Errors
    /// [`RevenueError::InvalidFxRate`] unless the rate is positive with at most 12 decimals.
    pub fn set(
        &mut self,
        currency: Currency,
        from: Option<NaiveDate>,
        rate: Decimal,
    ) -> Result<(), RevenueError> {
        let rate = check_rate(currency, rate)?;
        let rates = self.rates.entry(currency).or_default();
        match from {
            None => rates.undated = Some(rate),
            Some(from) => match rates.dated.binary_search_by_key(&from, |(d, _)| *d) {
                Ok(i) => rates.dated[i].1 = rate,
                Err(i) => rates.dated.insert(i, (from, rate)),
            },
        }
        Ok(())
    }

    /// Set the rate of `currency` from `from` on (replacing one on the same date).
    ///
    /// # Errors
    /// [`RevenueError::InvalidFxRate`] unless the rate is positive with at most 12 decimals.
    pub fn with_rate_from(
        mut self,
        currency: Currency,
        from: NaiveDate,
        rate: Decimal,
    ) -> Result<FxTable, RevenueError> {
        self.set(currency, Some(from), rate)?;
        Ok(self)
    }

    /// Return `true` if some rate is dated.
    pub fn is_dated(&self) -> bool {
        self.rates.values().any(|r| !r.dated.is_empty())
    }

    /// Return the rate in effect on `day`: `1 <currency> = rate <reporting>`.
    ///
    /// # Errors
    /// [`RevenueError::MissingFxRate`] naming the currency (and the day, for a dated table).
    pub fn rate_on(&self, currency: Currency, day: NaiveDate) -> Result<Decimal, RevenueError> {
        if currency == self.reporting {
            return Ok(Decimal::ONE);
        }
        let missing = || RevenueError::MissingFxRate {
            currency: currency.to_string(),
            reporting: self.reporting.to_string(),
            on: self.is_dated().then_some(day),
        };
        let rates = self.rates.get(&currency).ok_or_else(missing)?;
        let i = rates.dated.partition_point(|(d, _)| *d <= day);
        if i > 0 {
            return Ok(rates.dated[i - 1].1);
        }
        rates.undated.ok_or_else(missing)
    }

    /// Read a table from CSV with a header: `currency,rate` and optionally `from` (YYYY-MM-DD;
    /// empty = undated). Every bad row is reported, with its line and column.
    ///
    /// # Errors
    /// [`RevenueError::MalformedCsv`] listing every bad row; nothing is returned then.
    pub fn from_csv<R: std::io::Read>(
        reporting: Currency,
        reader: R,
    ) -> Result<FxTable, RevenueError> {
        super::csv::read_fx_csv(reporting, reader)
    }
}

fn check_rate(currency: Currency, rate: Decimal) -> Result<Decimal, RevenueError> {
    let invalid = |reason: &str| RevenueError::InvalidFxRate {
        currency: currency.to_string(),
        reason: reason.to_owned(),
    };
    if rate <= Decimal::ZERO {
        return Err(invalid("must be positive"));
    }
    let rate = rate.normalize();
    if rate.scale() > MAX_RATE_DECIMALS {
        return Err(invalid("has more than 12 decimal places"));
    }
    if rate > Decimal::from(1_000_000_000u64) {
        return Err(invalid("is over 10^9"));
    }
    Ok(rate)
}
