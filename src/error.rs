//! The crate-wide [`Error`] and its stable [`ErrorCode`], shared by every face.
//!
//! Each module has its own `thiserror` enum (for example [`WebhookError`]) that converts into
//! [`Error`]. Every variant maps to an [`ErrorCode`] whose number is part of the public contract: the
//! C ABI returns it as `cog_status`, Python exposes it as `.code`, Go as `Error.Code`. Numbers come in
//! blocks of 100 per error family and are never renumbered or reused once released.

use std::fmt;

use crate::context::ContextError;
use crate::idempotency::StoreError;
use crate::revenue::RevenueError;
use crate::validation::ValidationError;
use crate::webhook::{EventError, WebhookError};

/// A stable, numbered error code.
///
/// The numbers are the same in Rust, C (`cog_status`), Python (`cognition_core.ErrorCode`) and Go
/// (`cognition.ErrorCode`). Blocks: `1..=99` general, `100..=149` webhook signatures, `150..=199`
/// webhook event parsing, `200..=299` idempotency stores, `300..=399` revenue analytics,
/// `400..=499` context memory and packing, `500..=599` code validation; later capabilities take
/// the following blocks of 100.
///
/// # Example
/// ```
/// use cognition_core::ErrorCode;
///
/// assert_eq!(ErrorCode::SignatureMismatch as u32, 102);
/// assert_eq!(ErrorCode::SignatureMismatch.name(), "SIGNATURE_MISMATCH");
/// assert_eq!(ErrorCode::from_name("SIGNATURE_MISMATCH"), Some(ErrorCode::SignatureMismatch));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A required pointer argument was NULL (C ABI only).
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// A panic was caught at a face boundary; this is always a bug in cognition-core.
    Panic = 3,
    /// An argument was out of its documented range.
    InvalidArgument = 4,

    /// The signature header could not be parsed (no `t`, non-integer `t`, bad pair syntax).
    MalformedHeader = 100,
    /// The header carried no signature with the expected scheme (`v1`).
    NoSignatureForScheme = 101,
    /// No signature in the header matched the payload under any of the secrets.
    SignatureMismatch = 102,
    /// The signed timestamp was further from "now" than the tolerance allows.
    TimestampOutsideTolerance = 103,
    /// A secret was empty, or no secret was given.
    EmptySecret = 104,
    /// The signature header exceeded [`crate::webhook::MAX_HEADER_LEN`].
    HeaderTooLarge = 105,
    /// The payload exceeded [`crate::webhook::MAX_PAYLOAD_LEN`].
    PayloadTooLarge = 106,
    /// A secret was not in the expected form (Standard Webhooks: `whsec_` + base64).
    InvalidSecret = 107,
    /// A required webhook header was absent (Standard Webhooks: `webhook-id`, …).
    MissingHeader = 108,

    /// The event payload was not valid JSON.
    EventInvalidJson = 150,
    /// A required envelope field was absent.
    EventMissingField = 151,
    /// An envelope field had the wrong JSON type.
    EventWrongType = 152,

    /// An idempotency key was empty or over the length limit.
    InvalidKey = 200,
    /// A lease token was stale: another worker took the key over; nothing was changed.
    StaleToken = 201,
    /// No record has the key.
    RecordNotFound = 202,
    /// The operation does not apply to the record's status.
    InvalidState = 203,
    /// A result was not valid JSON.
    InvalidResult = 204,
    /// The key was already used with a different payload.
    FingerprintConflict = 205,
    /// The store's data is corrupt or from a newer schema.
    StoreCorrupt = 206,
    /// The store's backend failed (I/O, locks, a user store's exception).
    StoreBackend = 207,

    /// A subscription's fields contradict each other or are out of range.
    RevenueInvalidSubscription = 300,
    /// A currency code is not a supported ISO 4217 code.
    RevenueUnknownCurrency = 301,
    /// A reporting-currency figure needs an FX rate the table does not have.
    RevenueMissingFxRate = 302,
    /// An FX rate is not a positive decimal with at most 12 decimal places.
    RevenueInvalidFxRate = 303,
    /// Rows of a subscriptions CSV could not be read (each listed with line and column).
    RevenueMalformedCsv = 304,
    /// A Stripe subscription object or event payload is not in the expected shape.
    RevenueMalformedStripeObject = 305,
    /// A subscription event is older than one already applied to the same subscription.
    RevenueEventOutOfOrder = 306,
    /// A subscription id is already in the ledger.
    RevenueDuplicateId = 307,
    /// An amount or a sum is beyond what the ledger computes exactly.
    RevenueAmountOutOfRange = 308,

    /// The CRITICAL entries do not fit the token budget, even compressed.
    ContextBudgetTooSmall = 400,
    /// An encoding name was not one of the bundled encodings (`o200k_base`, `cl100k_base`).
    ContextUnknownEncoding = 401,
    /// Content held secrets or personal data and the masking mode is `reject`.
    ContextSensitiveContent = 402,
    /// No entry of the tenant has the id.
    ContextEntryNotFound = 403,
    /// A tenant was empty, too long or contained control characters.
    ContextInvalidTenant = 404,
    /// An entry's content or summary was over the size limit.
    ContextEntryTooLarge = 405,
    /// An entry's content was empty.
    ContextEmptyContent = 406,
    /// The tenant already has an entry with the id.
    ContextDuplicateId = 407,
    /// An importance name was not critical, high, medium, low or trivial.
    ContextInvalidImportance = 408,
    /// The long-term context store failed.
    ContextStoreBackend = 409,
    /// A context argument was over a documented limit (query, id, entry count).
    ContextLimitExceeded = 410,
    /// A user-supplied tokenizer failed: it raised, or returned something that is not a count.
    ContextTokenizerFailed = 411,
    /// The source to validate exceeded [`crate::validation::MAX_SOURCE_LEN`].
    ValidationInputTooLarge = 500,
    /// The source to validate was not valid UTF-8.
    ValidationInvalidUtf8 = 501,
    /// The validation level name was not basic, standard, strict or paranoid.
    ValidationUnknownLevel = 502,
    /// A path given to validate could not be read or listed.
    ValidationPathIo = 503,
    /// The test runner (PARANOID) could not run the tests at all.
    ValidationTestRunner = 504,
}

/// Every code, in numeric order; used by the faces to export the table and by tests to check it.
pub const ALL_ERROR_CODES: &[ErrorCode] = &[
    ErrorCode::NullArgument,
    ErrorCode::InvalidUtf8,
    ErrorCode::Panic,
    ErrorCode::InvalidArgument,
    ErrorCode::MalformedHeader,
    ErrorCode::NoSignatureForScheme,
    ErrorCode::SignatureMismatch,
    ErrorCode::TimestampOutsideTolerance,
    ErrorCode::EmptySecret,
    ErrorCode::HeaderTooLarge,
    ErrorCode::PayloadTooLarge,
    ErrorCode::InvalidSecret,
    ErrorCode::MissingHeader,
    ErrorCode::EventInvalidJson,
    ErrorCode::EventMissingField,
    ErrorCode::EventWrongType,
    ErrorCode::InvalidKey,
    ErrorCode::StaleToken,
    ErrorCode::RecordNotFound,
    ErrorCode::InvalidState,
    ErrorCode::InvalidResult,
    ErrorCode::FingerprintConflict,
    ErrorCode::StoreCorrupt,
    ErrorCode::StoreBackend,
    ErrorCode::RevenueInvalidSubscription,
    ErrorCode::RevenueUnknownCurrency,
    ErrorCode::RevenueMissingFxRate,
    ErrorCode::RevenueInvalidFxRate,
    ErrorCode::RevenueMalformedCsv,
    ErrorCode::RevenueMalformedStripeObject,
    ErrorCode::RevenueEventOutOfOrder,
    ErrorCode::RevenueDuplicateId,
    ErrorCode::RevenueAmountOutOfRange,
    ErrorCode::ContextBudgetTooSmall,
    ErrorCode::ContextUnknownEncoding,
    ErrorCode::ContextSensitiveContent,
    ErrorCode::ContextEntryNotFound,
    ErrorCode::ContextInvalidTenant,
    ErrorCode::ContextEntryTooLarge,
    ErrorCode::ContextEmptyContent,
    ErrorCode::ContextDuplicateId,
    ErrorCode::ContextInvalidImportance,
    ErrorCode::ContextStoreBackend,
    ErrorCode::ContextLimitExceeded,
    ErrorCode::ContextTokenizerFailed,
    ErrorCode::ValidationInputTooLarge,
    ErrorCode::ValidationInvalidUtf8,
    ErrorCode::ValidationUnknownLevel,
    ErrorCode::ValidationPathIo,
    ErrorCode::ValidationTestRunner,
];

impl ErrorCode {
    /// Return the code's stable `SCREAMING_SNAKE_CASE` name, as used in `tests/vectors/*.json`.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::NullArgument => "NULL_ARGUMENT",
            ErrorCode::InvalidUtf8 => "INVALID_UTF8",
            ErrorCode::Panic => "PANIC",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::MalformedHeader => "MALFORMED_HEADER",
            ErrorCode::NoSignatureForScheme => "NO_SIGNATURE_FOR_SCHEME",
            ErrorCode::SignatureMismatch => "SIGNATURE_MISMATCH",
            ErrorCode::TimestampOutsideTolerance => "TIMESTAMP_OUTSIDE_TOLERANCE",
            ErrorCode::EmptySecret => "EMPTY_SECRET",
            ErrorCode::HeaderTooLarge => "HEADER_TOO_LARGE",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::InvalidSecret => "INVALID_SECRET",
            ErrorCode::MissingHeader => "MISSING_HEADER",
            ErrorCode::EventInvalidJson => "EVENT_INVALID_JSON",
            ErrorCode::EventMissingField => "EVENT_MISSING_FIELD",
            ErrorCode::EventWrongType => "EVENT_WRONG_TYPE",
            ErrorCode::InvalidKey => "INVALID_KEY",
            ErrorCode::StaleToken => "STALE_TOKEN",
            ErrorCode::RecordNotFound => "RECORD_NOT_FOUND",
            ErrorCode::InvalidState => "INVALID_STATE",
            ErrorCode::InvalidResult => "INVALID_RESULT",
            ErrorCode::FingerprintConflict => "FINGERPRINT_CONFLICT",
            ErrorCode::StoreCorrupt => "STORE_CORRUPT",
            ErrorCode::StoreBackend => "STORE_BACKEND",
            ErrorCode::RevenueInvalidSubscription => "REVENUE_INVALID_SUBSCRIPTION",
            ErrorCode::RevenueUnknownCurrency => "REVENUE_UNKNOWN_CURRENCY",
            ErrorCode::RevenueMissingFxRate => "REVENUE_MISSING_FX_RATE",
            ErrorCode::RevenueInvalidFxRate => "REVENUE_INVALID_FX_RATE",
            ErrorCode::RevenueMalformedCsv => "REVENUE_MALFORMED_CSV",
            ErrorCode::RevenueMalformedStripeObject => "REVENUE_MALFORMED_STRIPE_OBJECT",
            ErrorCode::RevenueEventOutOfOrder => "REVENUE_EVENT_OUT_OF_ORDER",
            ErrorCode::RevenueDuplicateId => "REVENUE_DUPLICATE_ID",
            ErrorCode::RevenueAmountOutOfRange => "REVENUE_AMOUNT_OUT_OF_RANGE",
            ErrorCode::ContextBudgetTooSmall => "CONTEXT_BUDGET_TOO_SMALL",
            ErrorCode::ContextUnknownEncoding => "CONTEXT_UNKNOWN_ENCODING",
            ErrorCode::ContextSensitiveContent => "CONTEXT_SENSITIVE_CONTENT",
            ErrorCode::ContextEntryNotFound => "CONTEXT_ENTRY_NOT_FOUND",
            ErrorCode::ContextInvalidTenant => "CONTEXT_INVALID_TENANT",
            ErrorCode::ContextEntryTooLarge => "CONTEXT_ENTRY_TOO_LARGE",
            ErrorCode::ContextEmptyContent => "CONTEXT_EMPTY_CONTENT",
            ErrorCode::ContextDuplicateId => "CONTEXT_DUPLICATE_ID",
            ErrorCode::ContextInvalidImportance => "CONTEXT_INVALID_IMPORTANCE",
            ErrorCode::ContextStoreBackend => "CONTEXT_STORE_BACKEND",
            ErrorCode::ContextLimitExceeded => "CONTEXT_LIMIT_EXCEEDED",
            ErrorCode::ContextTokenizerFailed => "CONTEXT_TOKENIZER_FAILED",
            ErrorCode::ValidationInputTooLarge => "VALIDATION_INPUT_TOO_LARGE",
            ErrorCode::ValidationInvalidUtf8 => "VALIDATION_INVALID_UTF8",
            ErrorCode::ValidationUnknownLevel => "VALIDATION_UNKNOWN_LEVEL",
            ErrorCode::ValidationPathIo => "VALIDATION_PATH_IO",
            ErrorCode::ValidationTestRunner => "VALIDATION_TEST_RUNNER",
        }
    }

    /// Return the error family the code belongs to; each face maps a family to one exception type.
    pub const fn family(self) -> ErrorFamily {
        match self as u32 {
            100..=199 => ErrorFamily::Webhook,
            200..=299 => ErrorFamily::Store,
            400..=499 => ErrorFamily::Context,
            300..=399 => ErrorFamily::Revenue,
            500..=599 => ErrorFamily::Validation,
            _ => ErrorFamily::General,
        }
    }

    /// Look a code up by its number.
    pub fn from_u32(value: u32) -> Option<ErrorCode> {
        ALL_ERROR_CODES.iter().copied().find(|c| *c as u32 == value)
    }

    /// Look a code up by its stable name.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ALL_ERROR_CODES.iter().copied().find(|c| c.name() == name)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A group of codes that a face reports through one exception type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorFamily {
    /// Argument and boundary errors (`TypeError`/`ValueError` territory).
    General,
    /// Webhook signature verification and event parsing.
    Webhook,
    /// Idempotency stores and the webhook processor.
    Store,
    /// Context memory, token budgets and masking.
    Context,
    /// Revenue analytics: subscriptions, currencies, FX, loaders.
    Revenue,
    /// Code validation input and test-runner errors.
    Validation,
}

/// The crate-wide error: one variant per module error, each with a stable [`ErrorCode`].
///
/// # Example
/// ```
/// use cognition_core::{webhook, Error, ErrorCode};
///
/// let err: Error = webhook::verify(b"{}", "t=1", &["whsec_test"], 300, 1).unwrap_err().into();
/// assert_eq!(err.code(), ErrorCode::NoSignatureForScheme);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Signature verification failed or could not start.
    #[error(transparent)]
    Webhook(#[from] WebhookError),
    /// The verified payload was not a well-formed event envelope.
    #[error(transparent)]
    Event(#[from] EventError),
    /// An idempotency store operation failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A context memory, budget or masking operation failed.
    #[error(transparent)]
    Context(#[from] ContextError),
    /// Revenue data was rejected or a metric could not be computed.
    #[error(transparent)]
    Revenue(#[from] RevenueError),
    /// Code validation could not run.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// An argument was outside its documented range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl Error {
    /// Return the stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Webhook(e) => e.code(),
            Error::Event(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::Context(e) => e.code(),
            Error::Revenue(e) => e.code(),
            Error::Validation(e) => e.code(),
            Error::InvalidArgument(_) => ErrorCode::InvalidArgument,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_in_increasing_order_without_duplicates() {
        let numbers: Vec<u32> = ALL_ERROR_CODES.iter().map(|c| *c as u32).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(numbers, sorted);
    }

    #[test]
    fn names_round_trip_through_from_name() {
        for code in ALL_ERROR_CODES {
            assert_eq!(ErrorCode::from_name(code.name()), Some(*code));
            assert_eq!(ErrorCode::from_u32(*code as u32), Some(*code));
        }
    }

    #[test]
    fn unknown_numbers_and_names_are_not_codes() {
        assert_eq!(ErrorCode::from_u32(0), None);
        assert_eq!(ErrorCode::from_u32(99_999), None);
        assert_eq!(ErrorCode::from_name("signature_mismatch"), None);
    }
}
