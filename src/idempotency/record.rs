//! What a store keeps per key: status, fingerprint, outcome, times, attempts and lease.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::StoreError;

/// Unix time in milliseconds: the idempotency module's clock unit (processing times need < 1 s).
pub type UnixMillis = i64;

/// Where a record is in its life.
///
/// `pending → processing → processed | ignored`, or `processing → retrying → processing …`, ending
/// in `dead` after the retry policy's last attempt, or `failed` when a handler reports a permanent
/// failure. `dead` and `failed` records are re-queued (back to `pending`) only by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Known but not yet attempted (e.g. re-queued by hand); due immediately.
    Pending,
    /// Claimed by a worker whose lease has not been released.
    Processing,
    /// Handled successfully; the result is stored.
    Processed,
    /// Failed permanently (the handler said retrying cannot help).
    Failed,
    /// Failed; another attempt is scheduled at `next_retry_at`.
    Retrying,
    /// Failed on the retry policy's last attempt: dead-lettered.
    Dead,
    /// No handler was registered for the event type; acknowledged without work.
    Ignored,
}

impl Status {
    /// Every status, in declaration order.
    pub const ALL: [Status; 7] = [
        Status::Pending,
        Status::Processing,
        Status::Processed,
        Status::Failed,
        Status::Retrying,
        Status::Dead,
        Status::Ignored,
    ];

    /// Return the lowercase name used in JSON, SQL and the faces.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Processing => "processing",
            Status::Processed => "processed",
            Status::Failed => "failed",
            Status::Retrying => "retrying",
            Status::Dead => "dead",
            Status::Ignored => "ignored",
        }
    }

    /// Return `true` for statuses no automatic step will change (`processed`, `ignored`, `failed`,
    /// `dead`): the ones [`super::IdempotencyStore::purge`] may delete.
    pub const fn is_finished(self) -> bool {
        matches!(
            self,
            Status::Processed | Status::Ignored | Status::Failed | Status::Dead
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = StoreError;

    /// Parse a status name, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| StoreError::InvalidArgument(format!("unknown status `{s}`")))
    }
}

/// SHA-256 of a request or event body: tells a redelivery (same body) from a key reused for
/// different content (a bug the caller must see).
///
/// # Example
/// ```
/// use cognition_core::idempotency::Fingerprint;
///
/// let fp = Fingerprint::of(b"abc");
/// assert_eq!(fp.to_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// assert_eq!(Fingerprint::from_hex(&fp.to_hex()), Some(fp));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// Fingerprint a body.
    pub fn of(body: &[u8]) -> Self {
        Fingerprint(Sha256::digest(body).into())
    }

    /// Return the 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parse 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Fingerprint(bytes))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", &self.to_hex()[..12])
    }
}

/// One key's record.
///
/// The key and event type are shared strings (`Arc<str>`): a claim's [`super::LeaseToken`]
/// shares the record's key, stores may share one event type between all its records, and copies
/// handed out by `get` and `list` copy no text.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The event id or `Idempotency-Key`.
    pub key: Arc<str>,
    /// The event type (`invoice.paid`), or what the caller chose for API requests.
    pub event_type: Arc<str>,
    /// Where the record is in its life.
    pub status: Status,
    /// SHA-256 of the body first claimed under this key.
    pub fingerprint: Fingerprint,
    /// The body, kept so that retries can re-run the handler (bounded by [`super::MAX_PAYLOAD_LEN`]).
    pub payload: Option<Vec<u8>>,
    /// The handler's result (JSON) once processed.
    pub result: Option<serde_json::Value>,
    /// The last failure's message.
    pub last_error: Option<String>,
    /// First claim.
    pub created_at: UnixMillis,
    /// Start of the current or last attempt.
    pub started_at: Option<UnixMillis>,
    /// Completion (processed or ignored).
    pub processed_at: Option<UnixMillis>,
    /// Last failure.
    pub failed_at: Option<UnixMillis>,
    /// Start of the last retry attempt (attempt ≥ 2).
    pub last_retry_at: Option<UnixMillis>,
    /// When the next retry is due (status `retrying` or `pending`).
    pub next_retry_at: Option<UnixMillis>,
    /// Attempts started so far.
    pub attempts: u32,
    /// Fencing generation of the current lease holder; bumps on every claim.
    pub lease_generation: u64,
    /// When the current lease expires (status `processing`).
    pub lease_expires_at: Option<UnixMillis>,
}

impl Record {
    /// Return the processing time of the successful attempt, in milliseconds (never negative,
    /// even if the clock went backwards).
    pub fn processing_millis(&self) -> Option<i64> {
        match (self.status, self.started_at, self.processed_at) {
            (Status::Processed, Some(start), Some(end)) => Some((end - start).max(0)),
            _ => None,
        }
    }

    /// The record as JSON (the schema the C and Go faces document); the payload is left out.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "key": &*self.key,
            "event_type": &*self.event_type,
            "status": self.status.as_str(),
            "fingerprint": self.fingerprint.to_hex(),
            "result": self.result,
            "last_error": self.last_error,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "processed_at": self.processed_at,
            "failed_at": self.failed_at,
            "last_retry_at": self.last_retry_at,
            "next_retry_at": self.next_retry_at,
            "attempts": self.attempts,
            "lease_generation": self.lease_generation,
            "lease_expires_at": self.lease_expires_at,
        })
    }
}
