//! Store errors.

use crate::error::ErrorCode;

/// Why a store operation failed. Nothing was changed when an error is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The key was empty or too long.
    #[error("invalid idempotency key: {0}")]
    InvalidKey(String),
    /// The token's lease was taken over (or the record already finished): the call changed nothing.
    #[error("stale lease token for `{key}`: generation {generation}, the record is at {current}")]
    StaleToken {
        /// The key.
        key: String,
        /// The token's generation.
        generation: u64,
        /// The record's current generation.
        current: u64,
    },
    /// No record has this key.
    #[error("no record with key `{key}`")]
    NotFound {
        /// The key.
        key: String,
    },
    /// The operation does not apply to the record's current status.
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// A result was not valid JSON.
    #[error("result is not valid JSON: {0}")]
    InvalidResult(String),
    /// The key was already used with a different body.
    #[error("key `{key}` was already used with a different payload (fingerprint {stored})")]
    FingerprintConflict {
        /// The key.
        key: String,
        /// The stored fingerprint, hex.
        stored: String,
    },
    /// The store's data is unreadable (corrupt file, schema from a newer version…).
    #[error("store is corrupt or unreadable: {0}")]
    Corrupt(String),
    /// The backing storage failed (I/O, locking, a user store's exception).
    #[error("store backend failed: {0}")]
    Backend(String),
    /// An argument was out of range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl StoreError {
    /// Return the stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::InvalidKey(_) => ErrorCode::InvalidKey,
            StoreError::StaleToken { .. } => ErrorCode::StaleToken,
            StoreError::NotFound { .. } => ErrorCode::RecordNotFound,
            StoreError::InvalidState(_) => ErrorCode::InvalidState,
            StoreError::InvalidResult(_) => ErrorCode::InvalidResult,
            StoreError::FingerprintConflict { .. } => ErrorCode::FingerprintConflict,
            StoreError::Corrupt(_) => ErrorCode::StoreCorrupt,
            StoreError::Backend(_) => ErrorCode::StoreBackend,
            StoreError::InvalidArgument(_) => ErrorCode::InvalidArgument,
        }
    }
}
