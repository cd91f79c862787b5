//! HMAC-SHA256 over a payload given in parts, so the signed string is never copied.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// Compute HMAC-SHA256 of the concatenation of `parts` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; TAG_LEN] {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Return `true` if `expected` equals any candidate, comparing each in constant time.
///
/// Every candidate is compared (no early exit), so timing reveals neither which candidate matched nor
/// how many bytes of any candidate were right.
pub(crate) fn matches_any(expected: &[u8; TAG_LEN], candidates: &[[u8; TAG_LEN]]) -> bool {
    let mut found = subtle::Choice::from(0u8);
    for candidate in candidates {
        found |= expected.ct_eq(candidate);
    }
    found.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_hashed_as_their_concatenation() {
        assert_eq!(
            hmac_sha256(b"key", &[b"ab", b".", b"cd"]),
            hmac_sha256(b"key", &[b"ab.cd"])
        );
    }

    #[test]
    fn matches_rfc4231_test_case_2() {
        let tag = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex::encode(tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn matches_any_finds_a_later_candidate() {
        let tag = [7u8; TAG_LEN];
        assert!(matches_any(&tag, &[[0u8; TAG_LEN], tag]));
        assert!(!matches_any(&tag, &[[0u8; TAG_LEN]]));
        assert!(!matches_any(&tag, &[]));
    }
}
