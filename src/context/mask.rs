//! Masking of secrets and personal data before text is stored or sent to a model.
//!
//! [`mask`] finds e-mail addresses, phone numbers, payment card numbers (Luhn-valid only), IBANs
//! (ISO 13616 mod-97 valid only), AWS access keys, GitHub, Slack and Stripe tokens, JWTs, bearer
//! tokens and PEM private keys, and replaces each with a placeholder such as `[EMAIL]`. The result
//! lists what was found: kind and span, never the value.
//!
//! ## Design
//! - Patterns use the `regex` crate (finite automata: linear time on any input, no catastrophic
//!   backtracking on hostile text); checks a regex cannot do (Luhn, mod-97, IBAN length per
//!   country, JWT header is JSON, context around phone numbers) are code in [`super::checks`].
//! - Detectors run from most to least specific (private key, JWT, tokens, …, phone); a match that
//!   overlaps an earlier finding is dropped, so each byte is masked at most once.
//! - False positives cost less than leaks, but order numbers, version strings, timestamps, UUIDs,
//!   ISO dates and IP addresses are left alone (see the tests): card numbers need a valid Luhn
//!   digit *and* a card-network prefix, phone numbers need a `+country` prefix or the
//!   `(555) 123-4567` / `555-123-4567` shapes and may not sit inside a longer token.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use super::checks;
use super::error::ContextError;

/// What [`mask`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum SecretKind {
    /// A PEM private key block (`-----BEGIN … PRIVATE KEY-----`), up to its END line.
    PrivateKey,
    /// A JSON Web Token (`eyJ….eyJ….sig`) whose header decodes to a JSON object.
    Jwt,
    /// The credential after `Bearer ` (e.g. in an `Authorization` header).
    BearerToken,
    /// An AWS access key id (`AKIA…`, `ASIA…`) or a labelled secret access key.
    AwsAccessKey,
    /// A GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`).
    GithubToken,
    /// A Slack token (`xoxb-`, `xoxp-`, …) or incoming-webhook URL.
    SlackToken,
    /// A Stripe secret or restricted key (`sk_live_`, `rk_test_`, …) or webhook secret (`whsec_`).
    StripeKey,
    /// An e-mail address.
    Email,
    /// An IBAN with a valid mod-97 check (and the country's length where known).
    Iban,
    /// A payment card number with a valid Luhn digit and a card-network prefix.
    CardNumber,
    /// A phone number in international (`+44 20 7946 0958`) or North American form.
    Phone,
}

impl SecretKind {
    /// Every kind, in detection order (most specific first).
    pub const ALL: [SecretKind; 11] = [
        SecretKind::PrivateKey,
        SecretKind::Jwt,
        SecretKind::BearerToken,
        SecretKind::AwsAccessKey,
        SecretKind::GithubToken,
        SecretKind::SlackToken,
        SecretKind::StripeKey,
        SecretKind::Email,
        SecretKind::Iban,
        SecretKind::CardNumber,
        SecretKind::Phone,
    ];

    /// Return the kind's stable name (`"EMAIL"`), as used in findings and test vectors.
    pub const fn name(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => "PRIVATE_KEY",
            SecretKind::Jwt => "JWT",
            SecretKind::BearerToken => "BEARER_TOKEN",
            SecretKind::AwsAccessKey => "AWS_ACCESS_KEY",
            SecretKind::GithubToken => "GITHUB_TOKEN",
            SecretKind::SlackToken => "SLACK_TOKEN",
            SecretKind::StripeKey => "STRIPE_KEY",
            SecretKind::Email => "EMAIL",
            SecretKind::Iban => "IBAN",
            SecretKind::CardNumber => "CARD_NUMBER",
            SecretKind::Phone => "PHONE",
        }
    }

    /// Return the placeholder written in place of a finding (`"[EMAIL]"`).
    pub const fn placeholder(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => "[PRIVATE_KEY]",
            SecretKind::Jwt => "[JWT]",
            SecretKind::BearerToken => "[BEARER_TOKEN]",
            SecretKind::AwsAccessKey => "[AWS_ACCESS_KEY]",
            SecretKind::GithubToken => "[GITHUB_TOKEN]",
            SecretKind::SlackToken => "[SLACK_TOKEN]",
            SecretKind::StripeKey => "[STRIPE_KEY]",
            SecretKind::Email => "[EMAIL]",
            SecretKind::Iban => "[IBAN]",
            SecretKind::CardNumber => "[CARD_NUMBER]",
            SecretKind::Phone => "[PHONE]",
        }
    }
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One masked span of the input: what it was and where, never the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What was found.
    pub kind: SecretKind,
    /// Byte offset of the first byte in the *input* text.
    pub start: usize,
    /// Byte offset just past the last byte in the input text.
    pub end: usize,
    /// Offset in Unicode scalar values (Python `str` indices) of the first character.
    pub char_start: usize,
    /// Offset in Unicode scalar values just past the last character.
    pub char_end: usize,
}

/// The masked text and what was masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskResult {
    /// The text with every finding replaced by its kind's placeholder.
    pub text: String,
    /// The findings, in order of position in the input.
    pub findings: Vec<Finding>,
}

impl MaskResult {
    /// Return `true` if nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// Return the distinct kinds found, in [`SecretKind::ALL`] order.
    pub fn kinds(&self) -> Vec<SecretKind> {
        let mut kinds: Vec<SecretKind> = self.findings.iter().map(|f| f.kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    }
}

/// What the memory does with sensitive content on insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MaskMode {
    /// Replace findings with placeholders and store the masked text (the default).
    #[default]
    Mask,
    /// Refuse the entry with [`ContextError::SensitiveContent`] if anything is found.
    Reject,
    /// Store the text as given (for content that is already clean, or trusted).
    Keep,
}

impl MaskMode {
    /// Return the mode's name (`"mask"`, `"reject"`, `"keep"`).
    pub const fn name(self) -> &'static str {
        match self {
            MaskMode::Mask => "mask",
            MaskMode::Reject => "reject",
            MaskMode::Keep => "keep",
        }
    }
}

impl FromStr for MaskMode {
    type Err = ContextError;

    /// Parse `mask`, `reject` or `keep` (ASCII case-insensitive).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        [MaskMode::Mask, MaskMode::Reject, MaskMode::Keep]
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                ContextError::LimitExceeded(format!(
                    "unknown masking mode (expected mask, reject or keep; got {} bytes)",
                    name.len()
                ))
            })
    }
}

/// Apply `mode` to `text`: the masked text (or the text as given for `Keep`) and the findings.
///
/// # Errors
/// [`ContextError::SensitiveContent`] in [`MaskMode::Reject`] when anything is found.
pub fn apply_mode(text: &str, mode: MaskMode) -> Result<MaskResult, ContextError> {
    match mode {
        MaskMode::Keep => Ok(MaskResult {
            text: text.to_owned(),
            findings: Vec::new(),
        }),
        MaskMode::Mask => Ok(mask(text)),
        MaskMode::Reject => {
            let result = mask(text);
            if result.is_clean() {
                Ok(result)
            } else {
                Err(ContextError::SensitiveContent {
                    kinds: result.kinds().into_iter().map(SecretKind::name).collect(),
                })
            }
        }
    }
}

struct Detector {
    kind: SecretKind,
    regex: Regex,
    /// Capture group holding the secret (0: the whole match).
    group: usize,
    /// Return the span to mask within `text`, or `None` to skip the match.
    check: fn(&str, usize, usize) -> Option<(usize, usize)>,
}

fn detectors() -> &'static [Detector] {
    static DETECTORS: OnceLock<Vec<Detector>> = OnceLock::new();
    DETECTORS.get_or_init(|| {
        let d = |kind, pattern: &str, group, check| Detector {
            kind,
            regex: Regex::new(pattern).expect("masking patterns are valid"),
            group,
            check,
        };
        let keep = |_: &str, s: usize, e: usize| Some((s, e));
        vec![
            d(
                SecretKind::PrivateKey,
                r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\z)",
                0,
                keep,
            ),
            d(
                SecretKind::Jwt,
                r"\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
                0,
                checks::jwt,
            ),
            d(
                SecretKind::BearerToken,
                r"(?i:\bbearer)[ \t]+([A-Za-z0-9\-._~+/]{16,}=*)",
                1,
                checks::bearer,
            ),
            d(
                SecretKind::AwsAccessKey,
                r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z2-7]{16}\b",
                0,
                keep,
            ),
            d(
                SecretKind::AwsAccessKey,
                r#"(?i:aws_?secret_?access_?key|aws_?secret)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})\b"#,
                1,
                keep,
            ),
            d(
                SecretKind::GithubToken,
                r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b",
                0,
                keep,
            ),
            d(
                SecretKind::SlackToken,
                r"\b(?:xox[abposre]-[A-Za-z0-9-]{10,250}|xapp-\d-[A-Za-z0-9-]{10,250})|https://hooks\.slack\.com/services/[A-Za-z0-9_/]{20,}",
                0,
                keep,
            ),
            d(
                SecretKind::StripeKey,
                r"\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9+/=]{20,})\b",
                0,
                keep,
            ),
            d(
                SecretKind::Email,
                r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b",
                0,
                keep,
            ),
            d(
                SecretKind::Iban,
                r"\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]){11,30}\b",
                0,
                checks::iban,
            ),
            d(
                SecretKind::CardNumber,
                r"\b[0-9](?:[ -]?[0-9]){11,18}\b",
                0,
                checks::card,
            ),
            d(
                SecretKind::Phone,
                r"\+[1-9][0-9]{0,3}(?:[ .-]?\(?[0-9]{1,5}\)?){1,5}[ .-]?[0-9]{2,5}\b|\([0-9]{3}\)[ ]?[0-9]{3}[ .-][0-9]{4}\b|\b[0-9]{3}[.-][0-9]{3}[.-][0-9]{4}\b",
                0,
                checks::phone,
            ),
        ]
    })
}

/// Find and mask secrets and personal data in `text`.
///
/// # Example
/// ```
/// use cognition_core::context::{mask, SecretKind};
///
/// let result = mask("mail ada@example.com, key AKIAIOSFODNN7EXAMPLE, order 12345-678");
/// assert_eq!(result.text, "mail [EMAIL], key [AWS_ACCESS_KEY], order 12345-678");
/// let kinds: Vec<SecretKind> = result.findings.iter().map(|f| f.kind).collect();
/// assert_eq!(kinds, [SecretKind::Email, SecretKind::AwsAccessKey]);
/// assert_eq!(result.findings[0].start, 5); // byte span in the input, never the value
/// ```
pub fn mask(text: &str) -> MaskResult {
    let mut spans: Vec<(usize, usize, SecretKind)> = Vec::new();
    for detector in detectors() {
        for caps in detector.regex.captures_iter(text) {
            let Some(m) = caps.get(detector.group) else {
                continue;
            };
            let Some((start, end)) = (detector.check)(text, m.start(), m.end()) else {
                continue;
            };
            if start < end && !spans.iter().any(|&(s, e, _)| start < e && s < end) {
                spans.push((start, end, detector.kind));
            }
        }
    }
    spans.sort_unstable_by_key(|&(s, _, _)| s);

    let mut out = String::with_capacity(text.len());
    let mut findings = Vec::with_capacity(spans.len());
    let (mut last, mut chars) = (0, 0);
    for (start, end, kind) in spans {
        out.push_str(&text[last..start]);
        out.push_str(kind.placeholder());
        let char_start = chars + text[last..start].chars().count();
        let char_end = char_start + text[start..end].chars().count();
        findings.push(Finding {
            kind,
            start,
            end,
            char_start,
            char_end,
        });
        (last, chars) = (end, char_end);
    }
    out.push_str(&text[last..]);
    MaskResult {
        text: out,
        findings,
    }
}

#[cfg(test)]
#[path = "mask_tests.rs"]
mod tests;
