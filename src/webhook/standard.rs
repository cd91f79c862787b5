//! The Standard Webhooks scheme (<https://www.standardwebhooks.com>), followed by Svix and many
//! providers: headers `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64>` (several
//! space-separated), secret `whsec_<base64>`, signed content `"{id}.{timestamp}.{body}"`.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD as BASE64};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use super::mac::{hmac_sha256, matches_any, TAG_LEN};
use super::{check_header_len, check_inputs, check_tolerance, parse_timestamp, WebhookError};

const SECRET_PREFIX: &[u8] = b"whsec_";
const VERSION: &str = "v1";

/// The three headers a Standard Webhooks delivery carries, as borrowed header values.
///
/// # Example
/// ```
/// use cognition_core::webhook::StandardHeaders;
///
/// let pairs = [("Webhook-Id", "msg_1"), ("webhook-timestamp", "1700000000"), ("WEBHOOK-SIGNATURE", "v1,abc=")];
/// let headers = StandardHeaders::from_pairs(pairs)?;
/// assert_eq!(headers.id, "msg_1");
/// # Ok::<(), cognition_core::webhook::WebhookError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardHeaders<'a> {
    /// `webhook-id`: the message id, also the idempotency key.
    pub id: &'a str,
    /// `webhook-timestamp`: Unix seconds as decimal digits.
    pub timestamp: &'a str,
    /// `webhook-signature`: space-separated `version,base64` signatures.
    pub signature: &'a str,
}

impl<'a> StandardHeaders<'a> {
    /// Pick the three headers out of `(name, value)` pairs, matching names case-insensitively as
    /// HTTP does. Other headers are ignored.
    ///
    /// # Errors
    /// [`WebhookError::MissingHeader`] naming the first absent (or empty) header.
    pub fn from_pairs<I>(pairs: I) -> Result<Self, WebhookError>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let (mut id, mut timestamp, mut signature) = (None, None, None);
        for (name, value) in pairs {
            let slot = if name.eq_ignore_ascii_case("webhook-id") {
                &mut id
            } else if name.eq_ignore_ascii_case("webhook-timestamp") {
                &mut timestamp
            } else if name.eq_ignore_ascii_case("webhook-signature") {
                &mut signature
            } else {
                continue;
            };
            *slot = Some(value);
        }
        let present = |value: Option<&'a str>, name| {
            value
                .filter(|v| !v.is_empty())
                .ok_or(WebhookError::MissingHeader { name })
        };
        Ok(StandardHeaders {
            id: present(id, "webhook-id")?,
            timestamp: present(timestamp, "webhook-timestamp")?,
            signature: present(signature, "webhook-signature")?,
        })
    }
}

/// Standard base64 with or without `=` padding: the reference libraries pad secrets themselves
/// before decoding, so an unpadded secret is valid there and must be here.
const SECRET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decode a `whsec_<base64>` secret (the prefix is optional) into the HMAC key.
fn decode_secret(secret: &[u8]) -> Result<Vec<u8>, WebhookError> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = SECRET_BASE64
        .decode(encoded)
        .map_err(|_| WebhookError::InvalidSecret {
            reason: "expected `whsec_` followed by standard base64",
        })?;
    if key.is_empty() {
        return Err(WebhookError::EmptySecret(
            "a secret that decodes to no bytes",
        ));
    }
    Ok(key)
}

fn standard_tag(key: &[u8], id: &str, timestamp: i64, payload: &[u8]) -> [u8; TAG_LEN] {
    let mut buf = [0u8; 20];
    let t = super::stripe::decimal(timestamp, &mut buf);
    hmac_sha256(key, &[id.as_bytes(), b".", t, b".", payload])
}

/// Sign a message, returning the `webhook-signature` header value (`v1,<base64>`).
///
/// # Errors
/// [`WebhookError::EmptySecret`], [`WebhookError::InvalidSecret`], [`WebhookError::PayloadTooLarge`],
/// [`WebhookError::MissingHeader`] for an empty id, [`WebhookError::InvalidArgument`] for a negative
/// timestamp.
///
/// # Example
/// ```
/// use cognition_core::webhook::{sign_standard, verify_standard, StandardHeaders};
///
/// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// let signature = sign_standard("msg_1", 1_700_000_000, b"{}", secret)?;
/// let headers = StandardHeaders { id: "msg_1", timestamp: "1700000000", signature: &signature };
/// assert_eq!(verify_standard(b"{}", &headers, &[secret], 300, 1_700_000_000)?, 1_700_000_000);
/// # Ok::<(), cognition_core::webhook::WebhookError>(())
/// ```
pub fn sign_standard(
    msg_id: &str,
    timestamp: i64,
    payload: &[u8],
    secret: &str,
) -> Result<String, WebhookError> {
    check_inputs(payload, &[secret])?;
    if msg_id.is_empty() {
        return Err(WebhookError::MissingHeader { name: "webhook-id" });
    }
    check_header_len(msg_id)?;
    if timestamp < 0 {
        return Err(WebhookError::InvalidArgument(
            "timestamp must be non-negative Unix seconds".into(),
        ));
    }
    let key = decode_secret(secret.as_bytes())?;
    let tag = standard_tag(&key, msg_id, timestamp, payload);
    Ok(format!("{VERSION},{}", BASE64.encode(tag)))
}

/// Verify a Standard Webhooks delivery and return its timestamp.
///
/// Passes when any `v1` signature matches under any of `secrets`; other versions (e.g. the asymmetric
/// `v1a`) are ignored. As the specification asks, the timestamp is checked first and must lie within
/// `tolerance` seconds of `now` in either direction (`0` disables the check).
///
/// # Errors
/// [`WebhookError::EmptySecret`], [`WebhookError::InvalidSecret`], [`WebhookError::PayloadTooLarge`],
/// [`WebhookError::HeaderTooLarge`], [`WebhookError::MalformedHeader`],
/// [`WebhookError::TimestampOutsideTolerance`], [`WebhookError::NoSignatureForScheme`],
/// [`WebhookError::SignatureMismatch`].
pub fn verify_standard<S: AsRef<[u8]>>(
    payload: &[u8],
    headers: &StandardHeaders<'_>,
    secrets: &[S],
    tolerance: u64,
    now: i64,
) -> Result<i64, WebhookError> {
    check_inputs(payload, secrets)?;
    for value in [headers.id, headers.timestamp, headers.signature] {
        check_header_len(value)?;
    }
    let timestamp = parse_timestamp(headers.timestamp)?;
    check_tolerance(timestamp, tolerance, now)?;

    let mut tags = Vec::new();
    let mut signature_count = 0;
    for entry in headers.signature.split(' ').filter(|e| !e.is_empty()) {
        let Some((version, encoded)) = entry.split_once(',') else {
            return Err(WebhookError::malformed(
                "each signature must be `version,base64`, separated by spaces",
            ));
        };
        if version != VERSION {
            continue;
        }
        signature_count += 1;
        let mut tag = [0u8; TAG_LEN];
        if matches!(BASE64.decode_slice(encoded, &mut tag), Ok(TAG_LEN)) {
            tags.push(tag);
        }
    }
    if signature_count == 0 {
        return Err(WebhookError::NoSignatureForScheme { scheme: VERSION });
    }
    let mut matched = false;
    for secret in secrets {
        let key = decode_secret(secret.as_ref())?;
        matched |= matches_any(&standard_tag(&key, headers.id, timestamp, payload), &tags);
    }
    if !matched {
        return Err(WebhookError::SignatureMismatch {
            secrets: secrets.len(),
        });
    }
    Ok(timestamp)
}

/// [`verify_standard`] over raw `(name, value)` header pairs, looked up case-insensitively.
///
/// # Errors
/// [`WebhookError::MissingHeader`], then as [`verify_standard`].
pub fn verify_standard_headers<'a, I, S>(
    payload: &[u8],
    headers: I,
    secrets: &[S],
    tolerance: u64,
    now: i64,
) -> Result<i64, WebhookError>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
    S: AsRef<[u8]>,
{
    let headers = StandardHeaders::from_pairs(headers)?;
    verify_standard(payload, &headers, secrets, tolerance, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example secret and message from the Standard Webhooks reference test suite.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const NOW: i64 = 1_614_265_330;

    #[test]
    fn matches_the_reference_implementation_vector() {
        let signature = sign_standard(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            NOW,
            br#"{"test": 2432232314}"#,
            SECRET,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secret_without_prefix_is_the_same_key() {
        let a = sign_standard("m", NOW, b"x", SECRET).unwrap();
        let b = sign_standard("m", NOW, b"x", &SECRET["whsec_".len()..]).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn unpadded_secret_is_the_same_key() {
        let padded = "whsec_YW5vdGhlci1zdGFuZGFyZC1zZWNyZXQta2V5IQ==";
        let a = sign_standard("m", NOW, b"x", padded).unwrap();
        let b = sign_standard("m", NOW, b"x", padded.trim_end_matches('=')).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn secret_that_is_not_base64_is_invalid() {
        assert!(matches!(
            sign_standard("m", NOW, b"x", "whsec_!!!"),
            Err(WebhookError::InvalidSecret { .. })
        ));
    }

    #[test]
    fn other_versions_are_ignored_and_v1_among_them_is_found() {
        let good = sign_standard("m", NOW, b"x", SECRET).unwrap();
        let signature = format!("v1a,AAAA  v2,BBBB {good}");
        let headers = StandardHeaders {
            id: "m",
            timestamp: "1614265330",
            signature: &signature,
        };
        assert_eq!(
            verify_standard(b"x", &headers, &[SECRET], 300, NOW),
            Ok(NOW)
        );
    }

    #[test]
    fn missing_headers_are_named() {
        let err = verify_standard_headers(
            b"x",
            [("webhook-id", "m"), ("webhook-signature", "v1,AAAA")],
            &[SECRET],
            300,
            NOW,
        )
        .unwrap_err();
        assert_eq!(
            err,
            WebhookError::MissingHeader {
                name: "webhook-timestamp"
            }
        );
    }
}
