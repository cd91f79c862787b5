//! Webhook signatures: verify that a delivery really came from the provider, and parse the event.
//!
//! Two schemes are covered:
//! - **Stripe** (`Stripe-Signature: t=<unix>,v1=<hex>…`), compatible with the official Stripe
//!   libraries: [`sign`], [`verify`], [`construct_event`].
//! - **Standard Webhooks** (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`), the
//!   open specification many providers follow: [`sign_standard`], [`verify_standard`],
//!   [`verify_standard_headers`].
//!
//! Comparison is constant-time, several secrets may be given (rotation), and every input is bounded
//! ([`MAX_HEADER_LEN`], [`MAX_PAYLOAD_LEN`], [`MAX_SECRETS`]). "Now" is always a parameter so that
//! verification is deterministic in tests; the faces default it to the system clock.
//!
//! This module does not fetch anything, store anything or decide what to do with an event: exactly-once
//! handling belongs to the idempotency module.

mod error;
mod event;
mod mac;
mod standard;
mod stripe;

pub use error::{EventError, WebhookError};
pub use event::{construct_event, parse_event, Event, EventKind};
pub use standard::{sign_standard, verify_standard, verify_standard_headers, StandardHeaders};
pub use stripe::{sign, verify, SignatureHeader};

/// Stripe's default and recommended replay tolerance, in seconds.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// Longest signature header accepted, in bytes. 8 KiB is the header-size limit of common HTTP
/// servers, and room for over a hundred `v1` signatures.
pub const MAX_HEADER_LEN: usize = 8 * 1024;

/// Largest payload accepted, in bytes (16 MiB); real webhook bodies are a few KiB.
pub const MAX_PAYLOAD_LEN: usize = 16 * 1024 * 1024;

/// Most secrets accepted in one call; rotation needs two or three.
pub const MAX_SECRETS: usize = 32;

/// Check the bounds shared by both schemes before any hashing is done.
fn check_inputs<S: AsRef<[u8]>>(payload: &[u8], secrets: &[S]) -> Result<(), WebhookError> {
    if secrets.is_empty() {
        return Err(WebhookError::EmptySecret("no secrets"));
    }
    if secrets.len() > MAX_SECRETS {
        return Err(WebhookError::InvalidArgument(format!(
            "{} secrets given, at most {MAX_SECRETS} are accepted",
            secrets.len()
        )));
    }
    if secrets.iter().any(|s| s.as_ref().is_empty()) {
        return Err(WebhookError::EmptySecret("an empty secret"));
    }
    if payload.len() > MAX_PAYLOAD_LEN {
        return Err(WebhookError::PayloadTooLarge {
            len: payload.len(),
            limit: MAX_PAYLOAD_LEN,
        });
    }
    Ok(())
}

/// Reject a header over [`MAX_HEADER_LEN`].
fn check_header_len(header: &str) -> Result<(), WebhookError> {
    if header.len() > MAX_HEADER_LEN {
        return Err(WebhookError::HeaderTooLarge {
            len: header.len(),
            limit: MAX_HEADER_LEN,
        });
    }
    Ok(())
}

/// Check that `timestamp` lies within `tolerance` seconds of `now`, in either direction.
///
/// A tolerance of 0 disables the check, as in Stripe's libraries.
fn check_tolerance(timestamp: i64, tolerance: u64, now: i64) -> Result<(), WebhookError> {
    if tolerance == 0 {
        return Ok(());
    }
    let age = i128::from(now) - i128::from(timestamp);
    if age.unsigned_abs() > u128::from(tolerance) {
        let age_seconds = age.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        return Err(WebhookError::TimestampOutsideTolerance {
            age_seconds,
            tolerance,
        });
    }
    Ok(())
}

/// Parse a header timestamp: ASCII digits only (no sign, no spaces), fitting in an `i64`.
fn parse_timestamp(value: &str) -> Result<i64, WebhookError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebhookError::malformed(
            "timestamp must be a non-negative integer of Unix seconds",
        ));
    }
    value
        .parse::<i64>()
        .map_err(|_| WebhookError::malformed("timestamp is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_zero_accepts_any_age() {
        assert!(check_tolerance(0, 0, i64::MAX).is_ok());
        assert!(check_tolerance(i64::MAX, 0, i64::MIN).is_ok());
    }

    #[test]
    fn tolerance_bounds_are_inclusive() {
        assert!(check_tolerance(1000, 300, 1300).is_ok());
        assert!(check_tolerance(1000, 300, 700).is_ok());
        assert!(check_tolerance(1000, 300, 1301).is_err());
        assert!(check_tolerance(1000, 300, 699).is_err());
    }

    #[test]
    fn extreme_ages_do_not_overflow() {
        let err = check_tolerance(i64::MAX, 1, i64::MIN).unwrap_err();
        assert_eq!(
            err,
            WebhookError::TimestampOutsideTolerance {
                age_seconds: i64::MIN,
                tolerance: 1
            }
        );
    }

    #[test]
    fn timestamps_must_be_plain_digits() {
        for bad in [
            "",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1.5",
            "0x10",
            "99999999999999999999",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_timestamp("0012").unwrap(), 12);
    }
}
