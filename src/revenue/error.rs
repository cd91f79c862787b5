//! Revenue errors: what was wrong with an input, and where.

use std::fmt;

use crate::error::ErrorCode;

/// One bad row of a CSV load: where it is and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRowError {
    /// 1-based line of the row in the file (the header is line 1).
    pub line: u64,
    /// The column at fault (its header name), or `None` when the row as a whole is wrong.
    pub column: Option<String>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for CsvRowError {
    /// Writes `line N, column `c`: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column `{column}`: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// How many row errors a [`RevenueError::MalformedCsv`] message spells out.
const SHOWN_ROW_ERRORS: usize = 5;

fn list_rows(errors: &[CsvRowError]) -> String {
    let mut out = String::new();
    for (i, e) in errors.iter().take(SHOWN_ROW_ERRORS).enumerate() {
        out.push_str(if i == 0 { "" } else { "; " });
        out.push_str(&e.to_string());
    }
    if errors.len() > SHOWN_ROW_ERRORS {
        out.push_str(&format!("; and {} more", errors.len() - SHOWN_ROW_ERRORS));
    }
    out
}

/// Why revenue data was rejected or a metric could not be computed.
///
/// Every variant says where (subscription id, CSV line and column, JSON path, currency) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RevenueError {
    /// A subscription's fields contradict each other or are out of range.
    #[error("invalid subscription `{id}`: {reason}")]
    InvalidSubscription {
        /// The subscription's id (empty if the id itself was missing).
        id: String,
        /// What was wrong and what was expected.
        reason: String,
    },
    /// A currency code is not in the ISO 4217 table this library supports.
    #[error(
        "unknown currency `{code}`: expected a supported ISO 4217 code such as USD, EUR or JPY"
    )]
    UnknownCurrency {
        /// The code as given (at most 16 characters of it).
        code: String,
    },
    /// A reporting-currency figure needs a rate the FX table does not have.
    #[error("no FX rate from {currency} to {reporting}{}", on.map(|d| format!(" in effect on {d}")).unwrap_or_default())]
    MissingFxRate {
        /// The currency that has no rate.
        currency: String,
        /// The reporting currency.
        reporting: String,
        /// The date the rate was needed for, if the table is dated.
        on: Option<chrono::NaiveDate>,
    },
    /// An FX rate is not a positive decimal with at most 12 decimal places.
    #[error("invalid FX rate for {currency}: {reason}")]
    InvalidFxRate {
        /// The currency the rate is for.
        currency: String,
        /// What was wrong.
        reason: String,
    },
    /// Rows of a CSV file could not be read; nothing was loaded.
    #[error("{} bad row{} in the CSV, nothing loaded: {}", errors.len(), if errors.len() == 1 { "" } else { "s" }, list_rows(errors))]
    MalformedCsv {
        /// Every bad row found (up to [`super::MAX_CSV_ERRORS`]), in file order.
        errors: Vec<CsvRowError>,
    },
    /// A Stripe object (subscription, price, discount, event payload) is not in the expected shape.
    #[error("malformed Stripe object at `{path}`: {reason}")]
    MalformedStripeObject {
        /// Dotted JSON path, e.g. `items.data[0].price.recurring.interval`.
        path: String,
        /// What was expected there.
        reason: String,
    },
    /// An event is older than one already applied to the same subscription.
    #[error("event `{event_id}` for subscription `{subscription_id}` was created at {created}, before the last applied event ({last_applied}); apply events in order")]
    EventOutOfOrder {
        /// The event's id.
        event_id: String,
        /// The subscription it is about.
        subscription_id: String,
        /// The event's `created` (Unix seconds).
        created: i64,
        /// The `created` of the last event applied to that subscription.
        last_applied: i64,
    },
    /// A subscription id is already in the ledger (or twice in one load).
    #[error("duplicate subscription id `{id}`")]
    DuplicateId {
        /// The id.
        id: String,
    },
    /// An amount, or a sum of amounts, is beyond what the ledger computes exactly.
    #[error("amount out of range: {reason}")]
    AmountOutOfRange {
        /// Which amount and the limit.
        reason: String,
    },
    /// An option is outside its documented range (e.g. a forecast of 0 months).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl RevenueError {
    /// Return the stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            RevenueError::InvalidSubscription { .. } => ErrorCode::RevenueInvalidSubscription,
            RevenueError::UnknownCurrency { .. } => ErrorCode::RevenueUnknownCurrency,
            RevenueError::MissingFxRate { .. } => ErrorCode::RevenueMissingFxRate,
            RevenueError::InvalidFxRate { .. } => ErrorCode::RevenueInvalidFxRate,
            RevenueError::MalformedCsv { .. } => ErrorCode::RevenueMalformedCsv,
            RevenueError::MalformedStripeObject { .. } => ErrorCode::RevenueMalformedStripeObject,
            RevenueError::EventOutOfOrder { .. } => ErrorCode::RevenueEventOutOfOrder,
            RevenueError::DuplicateId { .. } => ErrorCode::RevenueDuplicateId,
            RevenueError::AmountOutOfRange { .. } => ErrorCode::RevenueAmountOutOfRange,
            RevenueError::InvalidArgument(_) => ErrorCode::InvalidArgument,
        }
    }

    pub(crate) fn invalid(id: &str, reason: impl Into<String>) -> Self {
        RevenueError::InvalidSubscription {
            id: id.to_owned(),
            reason: reason.into(),
        }
    }

    pub(crate) fn stripe(path: impl Into<String>, reason: impl Into<String>) -> Self {
        RevenueError::MalformedStripeObject {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn overflow(reason: impl Into<String>) -> Self {
        RevenueError::AmountOutOfRange {
            reason: reason.into(),
        }
    }
}
