//! Claims and leases: how one worker at a time gets to handle a key.

use std::sync::Arc;

use super::{Fingerprint, StoreError, UnixMillis, MAX_KEY_LEN, MAX_PAYLOAD_LEN};

/// A request to claim `key` for processing.
#[derive(Debug, Clone, Copy)]
pub struct ClaimRequest<'a> {
    /// The event id or `Idempotency-Key` (1 to [`MAX_KEY_LEN`] bytes).
    pub key: &'a str,
    /// The event type, kept for filtering and stats.
    pub event_type: &'a str,
    /// SHA-256 of the body.
    pub fingerprint: Fingerprint,
    /// The body to keep for retries, if any.
    pub payload: Option<&'a [u8]>,
    /// The caller's clock.
    pub now: UnixMillis,
    /// How long the claim stays exclusive without being completed or failed.
    pub lease_millis: i64,
}

impl<'a> ClaimRequest<'a> {
    /// A request for `key` with the body's fingerprint, no kept payload and a 30 s lease.
    pub fn new(key: &'a str, event_type: &'a str, body: &[u8], now: UnixMillis) -> Self {
        ClaimRequest {
            key,
            event_type,
            fingerprint: Fingerprint::of(body),
            payload: None,
            now,
            lease_millis: super::DEFAULT_LEASE_MILLIS,
        }
    }

    /// Check the request's bounds; every store calls this first.
    ///
    /// # Errors
    /// [`StoreError::InvalidKey`] for an empty key or one over [`MAX_KEY_LEN`] bytes,
    /// [`StoreError::InvalidArgument`] for a non-positive lease or a payload over
    /// [`MAX_PAYLOAD_LEN`].
    pub fn validate(&self) -> Result<(), StoreError> {
        validate_key(self.key)?;
        if self.event_type.len() > MAX_KEY_LEN {
            return Err(StoreError::InvalidArgument(format!(
                "event type is {} bytes, over the limit of {MAX_KEY_LEN}",
                self.event_type.len()
            )));
        }
        if self.lease_millis <= 0 {
            return Err(StoreError::InvalidArgument("lease must be positive".into()));
        }
        if self.payload.is_some_and(|p| p.len() > MAX_PAYLOAD_LEN) {
            return Err(StoreError::InvalidArgument(format!(
                "payload is over the limit of {MAX_PAYLOAD_LEN} bytes"
            )));
        }
        Ok(())
    }
}

/// Check a key: non-empty, at most [`MAX_KEY_LEN`] bytes.
///
/// # Errors
/// [`StoreError::InvalidKey`].
pub fn validate_key(key: &str) -> Result<(), StoreError> {
    if key.is_empty() {
        return Err(StoreError::InvalidKey("the key is empty".into()));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(StoreError::InvalidKey(format!(
            "the key is {} bytes, over the limit of {MAX_KEY_LEN}",
            key.len()
        )));
    }
    Ok(())
}

/// Proof of holding a key's lease. Each claim bumps the record's generation, so a worker whose
/// lease was taken over holds a stale token and can no longer complete or fail the record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LeaseToken {
    /// The claimed key (shared with the record: handing out a token copies no text).
    pub key: Arc<str>,
    /// The record's lease generation at claim time.
    pub generation: u64,
}

/// The answer to a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// The caller holds the lease: do the work, then complete or fail.
    Acquired {
        /// Present it to complete or fail.
        token: LeaseToken,
        /// 1 for the first attempt.
        attempt: u32,
    },
    /// Already handled (processed or ignored): return the stored outcome, do not work again.
    AlreadyDone {
        /// `processed` or `ignored`.
        status: super::Status,
        /// The stored result.
        result: Option<serde_json::Value>,
    },
    /// Another worker holds an unexpired lease (an HTTP 409 for API requests).
    InProgress {
        /// When that lease expires and the key can be taken over.
        lease_expires_at: UnixMillis,
    },
    /// The key was first claimed with a different body.
    FingerprintConflict {
        /// The fingerprint stored under the key.
        stored: Fingerprint,
    },
    /// Dead-lettered or failed permanently: only a manual re-queue brings it back.
    DeadLettered {
        /// `dead` or `failed`.
        status: super::Status,
        /// The last failure's message.
        last_error: Option<String>,
    },
}
