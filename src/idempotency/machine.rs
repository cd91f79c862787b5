//! The record state machine every store shares: stores only load and save around these functions,
//! so the rules (leases, fencing, retries, dead-lettering) cannot drift between stores.

use std::sync::Arc;

use super::{
    Claim, ClaimRequest, LeaseToken, Record, RetryDecision, RetryPolicy, Status, StoreError,
    UnixMillis,
};

/// What a claim decided, and what the store must write.
#[derive(Debug)]
pub struct ClaimDecision {
    /// The answer to return.
    pub claim: Claim,
    /// A new key's record, to insert.
    pub created: Option<Record>,
    /// `true` when the existing record was changed in place and must be saved.
    pub updated: bool,
}

impl ClaimDecision {
    fn unchanged(claim: Claim) -> Self {
        ClaimDecision {
            claim,
            created: None,
            updated: false,
        }
    }
}

/// The first claim of a key no record exists for: the new record (to insert) and its answer,
/// [`Claim::Acquired`] for attempt 1. `event_type` is `request.event_type`, passed separately so
/// that a store can hand in a copy it shares between records instead of allocating one per record;
/// the token shares the record's key.
pub fn acquire_new(request: &ClaimRequest<'_>, event_type: Arc<str>) -> (Record, Claim) {
    debug_assert_eq!(&*event_type, request.event_type);
    let now = request.now;
    let record = Record {
        key: request.key.into(),
        event_type,
        status: Status::Processing,
        fingerprint: request.fingerprint,
        payload: request.payload.map(<[u8]>::to_vec),
        result: None,
        last_error: None,
        created_at: now,
        started_at: Some(now),
        processed_at: None,
        failed_at: None,
        last_retry_at: None,
        next_retry_at: None,
        attempts: 1,
        lease_generation: 1,
        lease_expires_at: Some(now.saturating_add(request.lease_millis)),
    };
    let token = LeaseToken {
        key: Arc::clone(&record.key),
        generation: 1,
    };
    (record, Claim::Acquired { token, attempt: 1 })
}

/// Decide a claim against the existing record (if any).
///
/// A lease that expired means the worker holding it died mid-attempt: that attempt counts as a
/// failure, so a delivery that crashes every worker is dead-lettered after the policy's last
/// attempt instead of being taken over forever.
pub fn decide_claim(
    existing: Option<&mut Record>,
    request: &ClaimRequest<'_>,
    policy: &RetryPolicy,
) -> ClaimDecision {
    use Status::*;
    let now = request.now;
    let Some(record) = existing else {
        let (record, claim) = acquire_new(request, request.event_type.into());
        return ClaimDecision {
            claim,
            created: Some(record),
            updated: false,
        };
    };
    if record.fingerprint != request.fingerprint {
        return ClaimDecision::unchanged(Claim::FingerprintConflict {
            stored: record.fingerprint,
        });
    }
    match record.status {
        Processed | Ignored => ClaimDecision::unchanged(Claim::AlreadyDone {
            status: record.status,
            result: record.result.clone(),
        }),
        Dead | Failed => ClaimDecision::unchanged(Claim::DeadLettered {
            status: record.status,
            last_error: record.last_error.clone(),
        }),
        Processing if record.lease_expires_at.is_some_and(|e| e > now) => {
            ClaimDecision::unchanged(Claim::InProgress {
                lease_expires_at: record.lease_expires_at.unwrap_or(now),
            })
        }
        Processing if record.attempts >= policy.attempts() => {
            let error = format!(
                "attempt {} never finished: its lease expired (the worker died?)",
                record.attempts
            );
            record.status = Dead;
            record.lease_expires_at = None;
            record.failed_at = Some(now);
            record.last_error = Some(error.clone());
            ClaimDecision {
                claim: Claim::DeadLettered {
                    status: Dead,
                    last_error: Some(error),
                },
                created: None,
                updated: true,
            }
        }
        // A free key (pending, retrying) or an expired lease (the worker died): take it.
        Pending | Retrying | Processing => {
            record.attempts = record.attempts.saturating_add(1);
            record.lease_generation += 1;
            record.lease_expires_at = Some(now.saturating_add(request.lease_millis));
            if record.status == Processing {
                record.last_error = Some(format!(
                    "attempt {} never finished: its lease expired (the worker died?)",
                    record.attempts - 1
                ));
            }
            record.status = Processing;
            record.started_at = Some(now);
            if record.attempts > 1 {
                record.last_retry_at = Some(now);
            }
            record.next_retry_at = None;
            if record.payload.is_none() {
                record.payload = request.payload.map(<[u8]>::to_vec);
            }
            let token = LeaseToken {
                key: Arc::clone(&record.key),
                generation: record.lease_generation,
            };
            ClaimDecision {
                claim: Claim::Acquired {
                    token,
                    attempt: record.attempts,
                },
                created: None,
                updated: true,
            }
        }
    }
}

/// Check that `token` still holds `record`'s lease.
///
/// # Errors
/// [`StoreError::StaleToken`] when another claim took the key over or the record is no longer
/// being processed.
pub fn check_token(record: &Record, token: &LeaseToken) -> Result<(), StoreError> {
    if record.status != Status::Processing || record.lease_generation != token.generation {
        return Err(StoreError::StaleToken {
            key: token.key.to_string(),
            generation: token.generation,
            current: record.lease_generation,
        });
    }
    Ok(())
}

/// Mark the record processed with `result`.
///
/// # Errors
/// [`StoreError::StaleToken`].
pub fn complete(
    record: &mut Record,
    token: &LeaseToken,
    result: Option<serde_json::Value>,
    now: UnixMillis,
) -> Result<(), StoreError> {
    finish(record, token, Status::Processed, now)?;
    record.result = result;
    Ok(())
}

/// Mark the record ignored (no handler for its type).
///
/// # Errors
/// [`StoreError::StaleToken`].
pub fn ignore(record: &mut Record, token: &LeaseToken, now: UnixMillis) -> Result<(), StoreError> {
    finish(record, token, Status::Ignored, now)
}

fn finish(
    record: &mut Record,
    token: &LeaseToken,
    status: Status,
    now: UnixMillis,
) -> Result<(), StoreError> {
    check_token(record, token)?;
    record.status = status;
    record.processed_at = Some(now);
    record.lease_expires_at = None;
    record.next_retry_at = None;
    Ok(())
}

/// Record a failed attempt and schedule what follows under `policy`: a retry, or the dead-letter
/// after the last attempt, or `failed` when `retryable` is false.
///
/// # Errors
/// [`StoreError::StaleToken`].
pub fn fail(
    record: &mut Record,
    token: &LeaseToken,
    error: &str,
    retryable: bool,
    now: UnixMillis,
    policy: &RetryPolicy,
) -> Result<RetryDecision, StoreError> {
    check_token(record, token)?;
    let decision = if retryable {
        policy.decide(&record.key, record.attempts, now)
    } else {
        RetryDecision::Failed
    };
    record.last_error = Some(truncate_message(error));
    record.failed_at = Some(now);
    record.lease_expires_at = None;
    match decision {
        RetryDecision::RetryAt(at) => {
            record.status = Status::Retrying;
            record.next_retry_at = Some(at);
        }
        RetryDecision::DeadLettered => {
            record.status = Status::Dead;
            record.next_retry_at = None;
        }
        RetryDecision::Failed => {
            record.status = Status::Failed;
            record.next_retry_at = None;
        }
    }
    Ok(decision)
}

/// Put a dead or failed record back in the queue by hand: `pending`, due now, attempts reset.
///
/// # Errors
/// [`StoreError::InvalidState`] unless the record is `dead` or `failed`.
pub fn requeue(record: &mut Record, now: UnixMillis) -> Result<(), StoreError> {
    if !matches!(record.status, Status::Dead | Status::Failed) {
        return Err(StoreError::InvalidState(format!(
            "only dead or failed records can be re-queued; `{}` is {}",
            record.key, record.status
        )));
    }
    record.status = Status::Pending;
    record.attempts = 0;
    record.next_retry_at = Some(now);
    Ok(())
}

/// Return `true` if the record is waiting for a retry that is due at `now`.
pub fn is_due(record: &Record, now: UnixMillis) -> bool {
    matches!(record.status, Status::Retrying | Status::Pending)
        && record.next_retry_at.is_none_or(|at| at <= now)
}

/// Error messages are kept, bounded: a handler can fail with anything.
fn truncate_message(message: &str) -> String {
    const LIMIT: usize = 4096;
    if message.len() <= LIMIT {
        return message.to_owned();
    }
    let mut end = LIMIT;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &message[..end], message.len())
}
