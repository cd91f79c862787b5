//! Checks a regular expression cannot do: check digits (Luhn, ISO 13616 mod-97), IBAN lengths,
//! JWT headers, and the context that tells a phone number from an order number.
//!
//! Each check takes the text and a candidate byte span and returns the span to mask (possibly
//! narrowed), or `None` to leave the text alone.

use base64::Engine as _;

/// Return `true` if the digits pass the Luhn check (ISO/IEC 7812-1).
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// Return `true` if a compact IBAN (no spaces, upper case) passes the ISO 13616 mod-97 check.
pub(crate) fn iban_mod97_valid(iban: &[u8]) -> bool {
    if iban.len() < 5 || !iban.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let rearranged = iban[4..].iter().chain(&iban[..4]);
    let mut rem = 0u32;
    for &c in rearranged {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c.to_ascii_uppercase() - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// IBAN length per country (ISO 13616 registry, SWIFT release 2024).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// An IBAN candidate: cut to the country's length, then the mod-97 check.
pub(crate) fn iban(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let candidate = &text.as_bytes()[start..end];
    let known = IBAN_LENGTHS
        .iter()
        .find(|(cc, _)| cc.as_bytes() == &candidate[..2])
        .map(|&(_, len)| len);
    let mut compact = Vec::with_capacity(34);
    let mut cut = end;
    for (i, &c) in candidate.iter().enumerate() {
        if c != b' ' {
            compact.push(c);
        }
        if Some(compact.len()) == known {
            cut = start + i + 1;
            break;
        }
    }
    match known {
        Some(len) if compact.len() != len => return None,
        // The IBAN must end at a group boundary, not in the middle of a longer token.
        Some(_)
            if text
                .as_bytes()
                .get(cut)
                .is_some_and(u8::is_ascii_alphanumeric) =>
        {
            return None
        }
        None if !(15..=34).contains(&compact.len()) => return None,
        _ => {}
    }
    iban_mod97_valid(&compact).then_some((start, cut))
}

fn byte_before(text: &str, start: usize) -> Option<u8> {
    start.checked_sub(1).map(|i| text.as_bytes()[i])
}

/// Return `true` if the span continues a longer token: `ORD-555-123-4567`, `1.2.3.4`, `id:123…`.
fn inside_longer_token(text: &str, start: usize, end: usize) -> bool {
    let joiner = |b: u8| matches!(b, b'-' | b'.' | b'/' | b':' | b'_' | b'#' | b'=');
    let before = byte_before(text, start);
    let after = text.as_bytes().get(end).copied();
    let after2 = text.as_bytes().get(end + 1).copied();
    // After `+`: `+4915112345678` is a phone number, not a card number.
    before.is_some_and(|b| b.is_ascii_alphanumeric() || joiner(b) || b == b'+')
        || after.is_some_and(|b| b.is_ascii_alphanumeric())
        || (after.is_some_and(joiner) && after2.is_some_and(|b| b.is_ascii_alphanumeric()))
}

/// Return `true` if the digits start with a payment-card network's prefix (IIN).
fn card_network_prefix(d: &[u8]) -> bool {
    let n = |k: usize| -> u32 {
        d[..k]
            .iter()
            .fold(0, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let len = d.len();
    match d[0] {
        b'4' => matches!(len, 13 | 16 | 19),                // Visa
        b'5' => (51..=55).contains(&n(2)) && len == 16,     // Mastercard
        b'2' => (2221..=2720).contains(&n(4)) && len == 16, // Mastercard 2-series
        b'3' => match n(2) {
            34 | 37 => len == 15,                             // Amex
            35 => (3528..=3589).contains(&n(4)) && len >= 16, // JCB
            30 => (300..=305).contains(&n(3)) && len >= 14,   // Diners
            36 | 38 | 39 => len >= 14,                        // Diners
            _ => false,
        },
        b'6' => {
            n(4) == 6011 || (644..=649).contains(&n(3)) || matches!(n(2), 62 | 65)
            // Discover, UnionPay
        }
        _ => false,
    }
}

/// A card number candidate: consistent grouping, a network prefix and a valid Luhn digit.
pub(crate) fn card(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if inside_longer_token(text, start, end) {
        return None;
    }
    let span = &text.as_bytes()[start..end];
    let digits: Vec<u8> = span.iter().copied().filter(u8::is_ascii_digit).collect();
    let separators: Vec<u8> = span
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_digit())
        .collect();
    if !(13..=19).contains(&digits.len()) {
        return None;
    }
    if let Some(&sep) = separators.first() {
        if separators.iter().any(|&s| s != sep) {
            return None;
        }
        let groups: Vec<usize> = span.split(|&b| b == sep).map(<[u8]>::len).collect();
        let (last, rest) = groups.split_last()?;
        let fours = rest.iter().all(|&g| g == 4) && (1..=4).contains(last);
        let amex = groups == [4, 6, 5] || groups == [4, 6, 4];
        if !(fours || amex) {
            return None;
        }
    }
    (card_network_prefix(&digits) && luhn_valid(&digits)).then_some((start, end))
}

/// A phone number candidate: 7 to 15 digits (E.164), not inside a longer token.
pub(crate) fn phone(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let digits = text[start..end].bytes().filter(u8::is_ascii_digit).count();
    let before_ok = byte_before(text, start).is_none_or(|b| {
        !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'/' | b':' | b'_' | b'+'))
    });
    let after = text.as_bytes().get(end).copied();
    let after2 = text.as_bytes().get(end + 1).copied();
    let after_ok = !(after.is_some_and(|b| b.is_ascii_alphanumeric())
        || (after.is_some_and(|b| matches!(b, b'-' | b'.' | b'/' | b':'))
            && after2.is_some_and(|b| b.is_ascii_digit())));
    ((7..=15).contains(&digits) && before_ok && after_ok).then_some((start, end))
}

/// A JWT candidate: its header must be base64url-encoded JSON.
pub(crate) fn jwt(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let header = text[start..end].split('.').next()?;
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .ok()?;
    serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&decoded)
        .is_ok()
        .then_some((start, end))
}

/// A bearer credential: token68 with a digit or punctuation (not "Bearer responsibilities").
pub(crate) fn bearer(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    text[start..end]
        .bytes()
        .any(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
        .then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_test_card_numbers_and_rejects_one_digit_off() {
        assert!(luhn_valid(b"4111111111111111"));
        assert!(luhn_valid(b"378282246310005"));
        assert!(!luhn_valid(b"4111111111111112"));
        assert!(!luhn_valid(b""));
    }

    #[test]
    fn mod97_accepts_registry_examples_and_rejects_a_changed_digit() {
        assert!(iban_mod97_valid(b"DE89370400440532013000"));
        assert!(iban_mod97_valid(b"GB82WEST12345698765432"));
        assert!(iban_mod97_valid(b"NO9386011117947"));
        assert!(!iban_mod97_valid(b"DE89370400440532013001"));
        assert!(!iban_mod97_valid(b"DE89"));
    }

    #[test]
    fn every_registry_length_is_a_valid_iban_length() {
        for (cc, len) in IBAN_LENGTHS {
            assert!((15..=34).contains(len), "{cc}");
        }
    }
}
