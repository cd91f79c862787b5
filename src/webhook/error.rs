//! Webhook errors: why a delivery was rejected, never echoing a secret.

use crate::error::ErrorCode;

/// Why a webhook signature could not be verified (or produced).
///
/// Messages say what was wrong and what was expected. They never contain a secret, and never the
/// computed signature (which would let an attacker learn a valid signature for a forged body).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The header did not follow `t=<unix>,v1=<hex>…` (or the Standard Webhooks forms).
    #[error("malformed signature header: {reason}")]
    MalformedHeader {
        /// What was wrong, e.g. "no `t=` timestamp".
        reason: String,
    },
    /// No signature with the expected scheme was present.
    #[error("no `{scheme}` signature found in the header")]
    NoSignatureForScheme {
        /// The scheme that was looked for (`v1`).
        scheme: &'static str,
    },
    /// Signatures were present but none matched the payload under any secret.
    #[error("no signature matches the payload under any of the {secrets} secret(s) given")]
    SignatureMismatch {
        /// How many secrets were tried.
        secrets: usize,
    },
    /// The signed timestamp was too old, or too far in the future.
    #[error(
        "timestamp is {} s {} (tolerance {tolerance} s)",
        age_seconds.unsigned_abs(),
        if *age_seconds >= 0 { "old" } else { "in the future" }
    )]
    TimestampOutsideTolerance {
        /// `now - timestamp`: positive when the timestamp is in the past, negative in the future.
        age_seconds: i64,
        /// The tolerance that was exceeded, in seconds.
        tolerance: u64,
    },
    /// A secret was empty, or the list of secrets was.
    #[error("a non-empty secret is required (got {0})")]
    EmptySecret(&'static str),
    /// The header was longer than [`super::MAX_HEADER_LEN`].
    #[error("signature header is {len} bytes, over the limit of {limit} bytes")]
    HeaderTooLarge {
        /// The header's length in bytes.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The payload was longer than [`super::MAX_PAYLOAD_LEN`].
    #[error("payload is {len} bytes, over the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The payload's length in bytes.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A secret was not in the expected form.
    #[error("invalid secret: {reason}")]
    InvalidSecret {
        /// What was wrong with it (never its value).
        reason: &'static str,
    },
    /// A required header was missing.
    #[error("missing required header `{name}`")]
    MissingHeader {
        /// The header's name.
        name: &'static str,
    },
    /// An argument was outside its documented range (negative timestamp, too many secrets…).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl WebhookError {
    /// Return the stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            WebhookError::MalformedHeader { .. } => ErrorCode::MalformedHeader,
            WebhookError::NoSignatureForScheme { .. } => ErrorCode::NoSignatureForScheme,
            WebhookError::SignatureMismatch { .. } => ErrorCode::SignatureMismatch,
            WebhookError::TimestampOutsideTolerance { .. } => ErrorCode::TimestampOutsideTolerance,
            WebhookError::EmptySecret(_) => ErrorCode::EmptySecret,
            WebhookError::HeaderTooLarge { .. } => ErrorCode::HeaderTooLarge,
            WebhookError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            WebhookError::InvalidSecret { .. } => ErrorCode::InvalidSecret,
            WebhookError::MissingHeader { .. } => ErrorCode::MissingHeader,
            WebhookError::InvalidArgument(_) => ErrorCode::InvalidArgument,
        }
    }

    pub(crate) fn malformed(reason: impl Into<String>) -> Self {
        WebhookError::MalformedHeader {
            reason: reason.into(),
        }
    }
}

/// Why a verified payload is not a usable event envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The payload was not JSON.
    #[error("event payload is not valid JSON at line {line}, column {column}: {message}")]
    InvalidJson {
        /// 1-based line of the first error.
        line: usize,
        /// 1-based column of the first error.
        column: usize,
        /// The parser's description.
        message: String,
    },
    /// A required field was absent (or `null`).
    #[error("event is missing the required field `{field}`")]
    MissingField {
        /// Dotted path of the field, e.g. `data.object`.
        field: &'static str,
    },
    /// A field had the wrong JSON type.
    #[error("event field `{field}` must be {expected}")]
    WrongType {
        /// Dotted path of the field.
        field: &'static str,
        /// The expected JSON type, e.g. "a string".
        expected: &'static str,
    },
}

impl EventError {
    /// Return the stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            EventError::InvalidJson { .. } => ErrorCode::EventInvalidJson,
            EventError::MissingField { .. } => ErrorCode::EventMissingField,
            EventError::WrongType { .. } => ErrorCode::EventWrongType,
        }
    }
}
