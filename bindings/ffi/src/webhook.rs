//! Webhook signing and verification: Stripe and Standard Webhooks.

use cognition_core::webhook;

use crate::panic::cog_panic_boundary;
use crate::status::cog_status;
use crate::strings::{bytes_array_in, bytes_in, check_out, cog_str, cog_string, str_in, write_out};

/// Sign `payload` as Stripe does at `timestamp` (Unix seconds) and write the `Stripe-Signature`
/// header value (`t=…,v1=…`) to `*out_header`; free it with `cog_string_free`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8` (secret), `COG_STATUS_EMPTY_SECRET`,
/// `COG_STATUS_PAYLOAD_TOO_LARGE`, `COG_STATUS_INVALID_ARGUMENT` (negative timestamp).
/// Thread-safe.
///
/// # Safety
/// Each `(ptr, len)` pair is readable for `len` bytes (NULL allowed when `len` is 0);
/// `out_header` is writable.
#[no_mangle]
pub unsafe extern "C" fn cog_webhook_sign(
    payload: *const u8,
    payload_len: usize,
    secret: *const u8,
    secret_len: usize,
    timestamp: i64,
    out_header: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_header, "out_header")?;
        let payload = unsafe { bytes_in(payload, payload_len, "payload") }?;
        let secret = unsafe { str_in(secret, secret_len, "secret") }?;
        let header = webhook::sign(payload, secret, timestamp)?;
        unsafe { write_out(out_header, cog_string::from_string(header)) };
        Ok(())
    }
}

/// Verify a `Stripe-Signature` header against `payload` and write the signed timestamp to
/// `*out_timestamp`.
///
/// Any `v1` signature matching under any of the `secrets_len` secrets passes (rotation); comparison
/// is constant-time. The timestamp must be within `tolerance` seconds of `now` (Unix seconds) in
/// either direction; `tolerance` 0 disables the check. Pass `cog_unix_now()` for the system clock.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8` (header), `COG_STATUS_EMPTY_SECRET`,
/// `COG_STATUS_PAYLOAD_TOO_LARGE`, `COG_STATUS_HEADER_TOO_LARGE`, `COG_STATUS_MALFORMED_HEADER`,
/// `COG_STATUS_NO_SIGNATURE_FOR_SCHEME`, `COG_STATUS_SIGNATURE_MISMATCH`,
/// `COG_STATUS_TIMESTAMP_OUTSIDE_TOLERANCE`, `COG_STATUS_INVALID_ARGUMENT` (over 32 secrets).
/// Thread-safe.
///
/// # Safety
/// Each `(ptr, len)` pair is readable for `len` bytes; `secrets` is readable for `secrets_len`
/// elements; `out_timestamp` is writable.
#[no_mangle]
pub unsafe extern "C" fn cog_webhook_verify(
    payload: *const u8,
    payload_len: usize,
    header: *const u8,
    header_len: usize,
    secrets: *const cog_str,
    secrets_len: usize,
    tolerance: u64,
    now: i64,
    out_timestamp: *mut i64,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_timestamp, "out_timestamp")?;
        let payload = unsafe { bytes_in(payload, payload_len, "payload") }?;
        let header = unsafe { str_in(header, header_len, "header") }?;
        let secrets = unsafe { bytes_array_in(secrets, secrets_len, "secrets") }?;
        let timestamp = webhook::verify(payload, header, &secrets, tolerance, now)?;
        unsafe { write_out(out_timestamp, timestamp) };
        Ok(())
    }
}

/// Sign a Standard Webhooks message and write the `webhook-signature` header value (`v1,<base64>`)
/// to `*out_signature`; free it with `cog_string_free`. `secret` is `whsec_<base64>`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_EMPTY_SECRET`,
/// `COG_STATUS_INVALID_SECRET`, `COG_STATUS_MISSING_HEADER` (empty id),
/// `COG_STATUS_PAYLOAD_TOO_LARGE`, `COG_STATUS_INVALID_ARGUMENT` (negative timestamp). Thread-safe.
///
/// # Safety
/// As `cog_webhook_sign`.
#[no_mangle]
pub unsafe extern "C" fn cog_standard_webhook_sign(
    msg_id: *const u8,
    msg_id_len: usize,
    timestamp: i64,
    payload: *const u8,
    payload_len: usize,
    secret: *const u8,
    secret_len: usize,
    out_signature: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_signature, "out_signature")?;
        let msg_id = unsafe { str_in(msg_id, msg_id_len, "msg_id") }?;
        let payload = unsafe { bytes_in(payload, payload_len, "payload") }?;
        let secret = unsafe { str_in(secret, secret_len, "secret") }?;
        let signature = webhook::sign_standard(msg_id, timestamp, payload, secret)?;
        unsafe { write_out(out_signature, cog_string::from_string(signature)) };
        Ok(())
    }
}

/// Verify a Standard Webhooks delivery from its three header values (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`) and write its timestamp to `*out_timestamp`.
///
/// The timestamp is checked first (within `tolerance` seconds of `now`, either direction; 0
/// disables), then any `v1` signature must match under any secret. An empty header value is
/// `COG_STATUS_MISSING_HEADER`. Other errors as `cog_webhook_verify`, plus
/// `COG_STATUS_INVALID_SECRET`. Thread-safe.
///
/// # Safety
/// As `cog_webhook_verify`.
#[no_mangle]
pub unsafe extern "C" fn cog_standard_webhook_verify(
    payload: *const u8,
    payload_len: usize,
    msg_id: *const u8,
    msg_id_len: usize,
    timestamp_header: *const u8,
    timestamp_header_len: usize,
    signature_header: *const u8,
    signature_header_len: usize,
    secrets: *const cog_str,
    secrets_len: usize,
    tolerance: u64,
    now: i64,
    out_timestamp: *mut i64,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_timestamp, "out_timestamp")?;
        let payload = unsafe { bytes_in(payload, payload_len, "payload") }?;
        let pairs = [
            ("webhook-id", unsafe { str_in(msg_id, msg_id_len, "msg_id") }?),
            ("webhook-timestamp", unsafe { str_in(timestamp_header, timestamp_header_len, "timestamp_header") }?),
            ("webhook-signature", unsafe { str_in(signature_header, signature_header_len, "signature_header") }?),
        ];
        let secrets = unsafe { bytes_array_in(secrets, secrets_len, "secrets") }?;
        let timestamp = webhook::verify_standard_headers(payload, pairs, &secrets, tolerance, now)?;
        unsafe { write_out(out_timestamp, timestamp) };
        Ok(())
    }
}

/// The system clock in Unix seconds, for the `now` arguments. Thread-safe.
#[no_mangle]
pub extern "C" fn cog_unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
