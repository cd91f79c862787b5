//! Idempotency: handle each webhook event (or API request) exactly once, retry failures with
//! backoff, and keep a queryable record of every key.
//!
//! - [`IdempotencyStore`] is the storage trait; [`MemoryStore`] and (feature `sqlite`)
//!   `SqliteStore` implement it; [`BackendStore`] turns any storage with load / insert /
//!   compare-and-swap ([`RecordBackend`]) into a full store, for records kept in your own database.
//! - Every store runs the same state machine ([`machine`]): claims with expiring leases, fencing
//!   tokens so a worker whose lease was taken over cannot overwrite the new holder's work, retries
//!   scheduled by a [`RetryPolicy`], dead-lettering after the last attempt.
//! - [`WebhookProcessor`] ties it to webhook verification: verify, parse, claim, dispatch to the
//!   handler for the event type, complete or fail.
//!
//! Times are Unix milliseconds ([`UnixMillis`]) passed by the caller. This module never reads the
//! clock, never spawns threads and never schedules anything by itself: call
//! [`WebhookProcessor::retry_due`] from your own scheduler.

mod backend;
mod claim;
mod error;
pub mod machine;
mod memory;
mod processor;
mod record;
mod retry;
#[cfg(feature = "sqlite")]
mod sqlite;
mod stats;
mod store;

pub use backend::{BackendStore, RecordBackend};
pub use claim::{validate_key, Claim, ClaimRequest, LeaseToken};
pub use error::StoreError;
pub use memory::MemoryStore;
pub use processor::{
    Handler, HandlerError, ProcessOutcome, ProcessResult, ProcessorConfig, WebhookProcessor,
};
pub use record::{Fingerprint, Record, Status, UnixMillis};
pub use retry::{RetryDecision, RetryPolicy};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use stats::Stats;
pub use store::{encode_cursor, paginate, Filter, IdempotencyStore, Page, Window, MAX_PAGE_SIZE};

/// Longest key accepted, in bytes (Stripe's `Idempotency-Key` allows 255 characters).
pub const MAX_KEY_LEN: usize = 1024;

/// Largest payload kept for retries (the webhook module's limit).
pub const MAX_PAYLOAD_LEN: usize = crate::webhook::MAX_PAYLOAD_LEN;

/// How long a claim is exclusive by default (30 s): longer than a webhook handler should take,
/// short enough that a crashed worker's events are picked up quickly.
pub const DEFAULT_LEASE_MILLIS: i64 = 30_000;

/// How long finished records are kept by default before [`IdempotencyStore::purge`] (90 days).
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// Milliseconds in a day, for retention arithmetic.
pub const DAY_MILLIS: i64 = 86_400_000;
