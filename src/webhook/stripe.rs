//! Stripe's scheme: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`.
//!
//! The signed string is `"{t}.{raw body}"`, the tag HMAC-SHA256 keyed with the endpoint secret used
//! as-is (`whsec_…` included), hex-encoded — exactly as Stripe's official libraries compute it.

use super::mac::{hmac_sha256, matches_any, TAG_LEN};
use super::{check_header_len, check_inputs, check_tolerance, parse_timestamp, WebhookError};

/// The signature scheme Stripe signs live events with.
const SCHEME: &str = "v1";

/// A parsed `Stripe-Signature` header.
///
/// Parsing is strict where ambiguity could be abused (a repeated `t`, an element without `=`) and
/// lenient where Stripe is (unknown keys such as `v0` are ignored, spaces around elements are allowed).
///
/// # Example
/// ```
/// use cognition_core::webhook::SignatureHeader;
///
/// let header = SignatureHeader::parse("t=1700000000,v1=abc,v0=def")?;
/// assert_eq!(header.timestamp(), 1_700_000_000);
/// assert_eq!(header.signature_count(), 1);
/// # Ok::<(), cognition_core::webhook::WebhookError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    timestamp: i64,
    /// Decoded `v1` tags; values that are not 64 hex digits can never match and are kept out.
    tags: Vec<[u8; TAG_LEN]>,
    /// Every `v1` element, decodable or not: tells "no v1 at all" from "v1 present but wrong".
    signature_count: usize,
}

impl SignatureHeader {
    /// Parse a header value.
    ///
    /// # Errors
    /// [`WebhookError::HeaderTooLarge`] past [`super::MAX_HEADER_LEN`]; [`WebhookError::MalformedHeader`]
    /// when an element is not `key=value`, `t` is missing, repeated or not a non-negative integer.
    pub fn parse(header: &str) -> Result<Self, WebhookError> {
        check_header_len(header)?;
        let mut timestamp = None;
        let mut tags = Vec::with_capacity(1);
        let mut signature_count = 0;
        for element in header.split(',') {
            let element = element.trim_matches(|c: char| c == ' ' || c == '\t');
            let Some((key, value)) = element.split_once('=') else {
                return Err(WebhookError::malformed(
                    "every element must be `key=value`, separated by commas",
                ));
            };
            match key {
                "" => return Err(WebhookError::malformed("an element has an empty key")),
                "t" if timestamp.is_some() => {
                    return Err(WebhookError::malformed("`t` appears more than once"))
                }
                "t" => timestamp = Some(parse_timestamp(value)?),
                SCHEME => {
                    signature_count += 1;
                    if let Some(tag) = decode_lowercase_hex(value) {
                        tags.push(tag);
                    }
                }
                _ => {} // v0 and future schemes: ignored, as Stripe's libraries do.
            }
        }
        let timestamp = timestamp.ok_or_else(|| WebhookError::malformed("no `t=` timestamp"))?;
        Ok(SignatureHeader {
            timestamp,
            tags,
            signature_count,
        })
    }

    /// Return the signed Unix timestamp (`t`).
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// Return how many `v1` signatures the header carries.
    pub fn signature_count(&self) -> usize {
        self.signature_count
    }
}

/// Value of each byte as a lowercase hex digit, or `0xFF`.
const LOWER_HEX: [u8; 256] = {
    let mut table = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Decode a tag written as Stripe writes it: exactly 64 lowercase hex digits.
///
/// Stripe's libraries compare the hex strings, so an uppercase spelling never verifies there; it must
/// not verify here either. One table lookup per digit: this runs on every delivery.
fn decode_lowercase_hex(value: &str) -> Option<[u8; TAG_LEN]> {
    let digits = value.as_bytes();
    if digits.len() != 2 * TAG_LEN {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    let mut invalid = 0u8;
    for (byte, pair) in tag.iter_mut().zip(digits.chunks_exact(2)) {
        let (high, low) = (LOWER_HEX[pair[0] as usize], LOWER_HEX[pair[1] as usize]);
        invalid |= (high | low) & 0xF0;
        *byte = (high << 4) | (low & 0x0F);
    }
    (invalid == 0).then_some(tag)
}

/// Format a non-negative timestamp in decimal without allocating.
pub(super) fn decimal(value: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut n = value.unsigned_abs();
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[start..]
}

/// Compute the Stripe tag for `payload` signed at `timestamp`.
fn stripe_tag(secret: &[u8], timestamp: i64, payload: &[u8]) -> [u8; TAG_LEN] {
    let mut buf = [0u8; 20];
    hmac_sha256(secret, &[decimal(timestamp, &mut buf), b".", payload])
}

/// Sign `payload` as Stripe would at `timestamp`, returning the `Stripe-Signature` header value.
///
/// Meant for tests — yours and ours: a header produced here verifies with Stripe's own libraries.
///
/// # Errors
/// [`WebhookError::EmptySecret`], [`WebhookError::PayloadTooLarge`], and
/// [`WebhookError::InvalidArgument`] for a negative timestamp.
///
/// # Example
/// ```
/// use cognition_core::webhook;
///
/// let header = webhook::sign(b"{}", "whsec_test", 1_700_000_000)?;
/// assert!(header.starts_with("t=1700000000,v1="));
/// assert_eq!(webhook::verify(b"{}", &header, &["whsec_test"], 300, 1_700_000_010)?, 1_700_000_000);
/// # Ok::<(), cognition_core::webhook::WebhookError>(())
/// ```
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> Result<String, WebhookError> {
    check_inputs(payload, &[secret])?;
    if timestamp < 0 {
        return Err(WebhookError::InvalidArgument(
            "timestamp must be non-negative Unix seconds".into(),
        ));
    }
    let tag = stripe_tag(secret.as_bytes(), timestamp, payload);
    Ok(format!("t={timestamp},{SCHEME}={}", hex::encode(tag)))
}

/// Verify a `Stripe-Signature` header and return the signed timestamp.
///
/// Passes when any `v1` signature matches the payload under any of `secrets` (so an endpoint can
/// accept its old and new secret while rotating). Tags are compared in constant time. The timestamp
/// must lie within `tolerance` seconds of `now`; `0` disables the check, as in Stripe's libraries.
///
/// **Difference from Stripe's libraries:** they reject only timestamps older than the tolerance; this
/// also rejects timestamps more than `tolerance` seconds in the *future*, which no honest sender
/// produces and which would otherwise let a captured future-dated delivery be replayed for longer.
///
/// Checks run in Stripe's order: inputs, header syntax, presence of `v1`, signature, then age — so a
/// tampered, expired delivery reports the mismatch.
///
/// # Errors
/// [`WebhookError::EmptySecret`], [`WebhookError::PayloadTooLarge`], [`WebhookError::HeaderTooLarge`],
/// [`WebhookError::MalformedHeader`], [`WebhookError::NoSignatureForScheme`],
/// [`WebhookError::SignatureMismatch`], [`WebhookError::TimestampOutsideTolerance`].
///
/// # Example
/// ```
/// use cognition_core::webhook::{self, WebhookError};
///
/// let header = webhook::sign(br#"{"id":"evt_1"}"#, "whsec_new", 1_700_000_000)?;
/// // Rotation: the old secret is still accepted beside the new one.
/// let secrets = ["whsec_old", "whsec_new"];
/// assert!(webhook::verify(br#"{"id":"evt_1"}"#, &header, &secrets, 300, 1_700_000_000).is_ok());
/// // A tampered body is rejected.
/// let err = webhook::verify(br#"{"id":"evt_2"}"#, &header, &secrets, 300, 1_700_000_000);
/// assert!(matches!(err, Err(WebhookError::SignatureMismatch { .. })));
/// # Ok::<(), WebhookError>(())
/// ```
pub fn verify<S: AsRef<[u8]>>(
    payload: &[u8],
    header: &str,
    secrets: &[S],
    tolerance: u64,
    now: i64,
) -> Result<i64, WebhookError> {
    check_inputs(payload, secrets)?;
    let parsed = SignatureHeader::parse(header)?;
    if parsed.signature_count == 0 {
        return Err(WebhookError::NoSignatureForScheme { scheme: SCHEME });
    }
    let mut matched = false;
    for secret in secrets {
        let expected = stripe_tag(secret.as_ref(), parsed.timestamp, payload);
        matched |= matches_any(&expected, &parsed.tags);
    }
    if !matched {
        return Err(WebhookError::SignatureMismatch {
            secrets: secrets.len(),
        });
    }
    check_tolerance(parsed.timestamp, tolerance, now)?;
    Ok(parsed.timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const NOW: i64 = 1_700_000_000;

    fn header_for(payload: &[u8], timestamp: i64) -> String {
        sign(payload, SECRET, timestamp).unwrap()
    }

    #[test]
    fn signature_matches_an_independent_hmac() {
        // Computed with Python: hmac.new(b"whsec_test_secret", b"1700000000.{}", sha256).hexdigest()
        let header = header_for(b"{}", NOW);
        let expected = hex::encode(hmac_sha256(SECRET.as_bytes(), &[b"1700000000.{}"]));
        assert_eq!(header, format!("t=1700000000,v1={expected}"));
    }

    #[test]
    fn accepts_any_matching_v1_among_several() {
        let good = header_for(b"body", NOW);
        let sig = good.split_once(",v1=").unwrap().1;
        let header = format!("t={NOW},v1={},v1={sig},v0=abc", "0".repeat(64));
        assert_eq!(verify(b"body", &header, &[SECRET], 300, NOW), Ok(NOW));
    }

    #[test]
    fn padded_timestamp_is_signed_in_canonical_form() {
        let good = header_for(b"body", NOW);
        let padded = good.replacen("t=", "t=000", 1);
        assert_eq!(verify(b"body", &padded, &[SECRET], 300, NOW), Ok(NOW));
    }

    #[test]
    fn repeated_timestamp_is_malformed() {
        let header = format!("{},t={}", header_for(b"x", NOW), NOW);
        assert!(matches!(
            verify(b"x", &header, &[SECRET], 300, NOW),
            Err(WebhookError::MalformedHeader { .. })
        ));
    }

    #[test]
    fn v1_that_is_not_hex_counts_as_a_mismatch() {
        let header = format!("t={NOW},v1=zz");
        assert_eq!(
            verify(b"x", &header, &[SECRET], 300, NOW),
            Err(WebhookError::SignatureMismatch { secrets: 1 })
        );
    }

    #[test]
    fn decimal_formats_like_display() {
        let mut buf = [0u8; 20];
        for value in [0, 7, 10, 1_700_000_000, i64::MAX] {
            assert_eq!(decimal(value, &mut buf), value.to_string().as_bytes());
        }
    }

    #[test]
    fn hex_decoding_accepts_only_64_lowercase_digits() {
        let lower = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";
        assert_eq!(
            decode_lowercase_hex(lower).map(hex::encode).as_deref(),
            Some(lower)
        );
        assert_eq!(decode_lowercase_hex(&lower.to_uppercase()), None);
        assert_eq!(decode_lowercase_hex(&lower[..62]), None);
        assert_eq!(decode_lowercase_hex(&lower.replacen('5', "g", 1)), None);
    }

    #[test]
    fn uppercase_hex_does_not_verify_as_in_stripe() {
        let header = header_for(b"x", NOW)
            .to_uppercase()
            .replacen("T=", "t=", 1)
            .replacen("V1=", "v1=", 1);
        assert_eq!(
            verify(b"x", &header, &[SECRET], 300, NOW),
            Err(WebhookError::SignatureMismatch { secrets: 1 })
        );
    }

    #[test]
    fn mismatch_is_reported_before_age() {
        let header = header_for(b"x", NOW - 10_000);
        assert!(matches!(
            verify(b"y", &header, &[SECRET], 300, NOW),
            Err(WebhookError::SignatureMismatch { .. })
        ));
    }

    #[test]
    fn future_timestamp_beyond_tolerance_is_rejected() {
        let header = header_for(b"x", NOW + 301);
        assert_eq!(
            verify(b"x", &header, &[SECRET], 300, NOW),
            Err(WebhookError::TimestampOutsideTolerance {
                age_seconds: -301,
                tolerance: 300
            })
        );
    }

    #[test]
    fn error_messages_never_contain_the_secret() {
        let header = header_for(b"x", NOW - 10_000);
        for result in [
            verify(b"y", &header, &[SECRET], 300, NOW),
            verify(b"x", &header, &[SECRET], 300, NOW),
            verify(b"x", "garbage", &[SECRET], 300, NOW),
        ] {
            let message = result.unwrap_err().to_string();
            assert!(!message.contains(SECRET), "{message}");
        }
    }

    #[test]
    fn sign_rejects_negative_timestamps_and_empty_secrets() {
        assert!(matches!(
            sign(b"x", SECRET, -1),
            Err(WebhookError::InvalidArgument(_))
        ));
        assert!(matches!(
            sign(b"x", "", 1),
            Err(WebhookError::EmptySecret(_))
        ));
    }
}
