use super::*;

fn kinds(text: &str) -> Vec<SecretKind> {
    mask(text).findings.iter().map(|f| f.kind).collect()
}

fn masked(text: &str) -> String {
    mask(text).text
}

// A JWT from jwt.io's example (HS256, {"sub":"1234567890","name":"John Doe","iat":1516239022}).
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

#[test]
fn an_email_address_is_masked_with_its_byte_and_char_span() {
    let result = mask("é to bob.smith+tag@mail.example.co.uk now");
    assert_eq!(result.text, "é to [EMAIL] now");
    let f = &result.findings[0];
    assert_eq!((f.kind, f.start, f.end), (SecretKind::Email, 6, 38));
    assert_eq!((f.char_start, f.char_end), (5, 37));
}

#[test]
fn findings_never_carry_the_value() {
    let json = serde_json::to_string(&mask("key AKIAIOSFODNN7EXAMPLE")).unwrap();
    assert!(!json.contains("AKIAIOSFODNN7EXAMPLE"));
}

#[test]
fn luhn_valid_card_numbers_are_masked_in_common_groupings() {
    for card in [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "3782 822463 10005",
        "5555555555554444",
    ] {
        assert_eq!(
            masked(&format!("card {card}.")),
            "card [CARD_NUMBER].",
            "{card}"
        );
    }
}

#[test]
fn luhn_invalid_card_numbers_are_left_alone() {
    assert_eq!(kinds("card 4111 1111 1111 1112"), []);
}

#[test]
fn a_luhn_valid_number_without_a_card_prefix_is_left_alone() {
    // 13-digit millisecond timestamp, Luhn-valid by chance: no card network starts with 1.
    assert!(checks::luhn_valid(b"1700000000004"));
    assert_eq!(kinds("at 1700000000004 ms"), []);
}

#[test]
fn valid_ibans_are_masked_and_invalid_ones_left_alone() {
    assert_eq!(
        masked("IBAN DE89 3704 0044 0532 0130 00 ok"),
        "IBAN [IBAN] ok"
    );
    assert_eq!(masked("GB82WEST12345698765432"), "[IBAN]");
    assert_eq!(kinds("IBAN DE89 3704 0044 0532 0130 01"), []);
}

#[test]
fn an_iban_followed_by_capitalised_words_keeps_the_words() {
    assert_eq!(
        masked("DE89 3704 0044 0532 0130 00 AND MORE"),
        "[IBAN] AND MORE"
    );
}

#[test]
fn cloud_and_saas_credentials_are_masked() {
    let cases = [
        ("AKIAIOSFODNN7EXAMPLE", SecretKind::AwsAccessKey),
        (
            "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            SecretKind::GithubToken,
        ),
        (
            "github_pat_11ABCDEFG0123456789_abcdefghijKLMNOP",
            SecretKind::GithubToken,
        ),
        (
            "xoxb-1234567890-0987654321-abcdefABCDEF",
            SecretKind::SlackToken,
        ),
        ("sk_live_51H8abcdefGHIJKLmnopQRST", SecretKind::StripeKey),
        ("rk_test_4eC39HqLyjWDarjtT1zdp7dc", SecretKind::StripeKey),
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            SecretKind::StripeKey,
        ),
    ];
    for (secret, kind) in cases {
        let result = mask(&format!("token: {secret} end"));
        assert_eq!(result.text, format!("token: {} end", kind.placeholder()));
        assert_eq!(result.kinds(), [kind]);
    }
}

#[test]
fn a_labelled_aws_secret_access_key_is_masked() {
    let text = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    assert_eq!(masked(text), "aws_secret_access_key = [AWS_ACCESS_KEY]");
}

#[test]
fn a_jwt_is_masked_whole_and_a_lookalike_is_not() {
    assert_eq!(masked(&format!("jwt={JWT};")), "jwt=[JWT];");
    // Starts like a JWT but the header is not base64url JSON.
    assert_eq!(kinds("eyJhbGciOiJIU.eyJzdWIiOiIx.abc"), []);
}

#[test]
fn a_bearer_credential_is_masked_but_the_scheme_kept() {
    assert_eq!(
        masked("Authorization: Bearer abc123DEF456ghi789.jkl"),
        "Authorization: Bearer [BEARER_TOKEN]"
    );
    assert_eq!(kinds("the bearer responsibilities are"), []);
}

#[test]
fn a_bearer_jwt_is_reported_as_a_jwt() {
    assert_eq!(
        kinds(&format!("Authorization: Bearer {JWT}")),
        [SecretKind::Jwt]
    );
}

#[test]
fn a_pem_private_key_is_masked_from_begin_to_end() {
    let text = "before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAKIAIOSFODNN7EXAMPLE\n-----END RSA PRIVATE KEY-----\nafter";
    let result = mask(text);
    assert_eq!(result.text, "before\n[PRIVATE_KEY]\nafter");
    assert_eq!(result.kinds(), [SecretKind::PrivateKey]);
}

#[test]
fn a_truncated_pem_private_key_is_masked_to_the_end() {
    assert_eq!(
        masked("x -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg"),
        "x [PRIVATE_KEY]"
    );
}

#[test]
fn a_public_key_or_certificate_is_left_alone() {
    assert_eq!(
        kinds("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----"),
        []
    );
}

#[test]
fn phone_numbers_in_international_and_north_american_forms_are_masked() {
    for phone in [
        "+44 20 7946 0958",
        "+1 (415) 555-2671",
        "(415) 555-2671",
        "415-555-2671",
        "+4915112345678",
    ] {
        assert_eq!(
            masked(&format!("call {phone} today")),
            "call [PHONE] today",
            "{phone}"
        );
    }
}

#[test]
fn order_numbers_versions_timestamps_uuids_dates_and_ips_are_left_alone() {
    let clean = [
        "order #123456789 shipped",
        "order ORD-555-123-4567",
        "invoice 2024-000123-45",
        "version 1.2.3 and v10.20.30-beta.1",
        "at 1700000000 and 1700000000000 ms",
        "2024-01-15T10:30:00Z and 2024-01-15 10:30:00",
        "id 123e4567-e89b-12d3-a456-426614174000",
        "host 192.168.100.200 and 10.0.0.1:8080",
        "sku 4111-11",
        "tracking 1Z999AA10123456784",
        "pay with pk_live_abc (publishable)",
        "user@localhost",
        "npm i left-pad@1.3.0",
    ];
    for text in clean {
        assert_eq!(kinds(text), [], "{text}");
    }
}

#[test]
fn several_findings_come_back_in_input_order() {
    let result = mask("a@b.io then 4111111111111111 then +44 20 7946 0958");
    let found: Vec<_> = result.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        found,
        [SecretKind::Email, SecretKind::CardNumber, SecretKind::Phone]
    );
    assert!(result.findings.windows(2).all(|w| w[0].end <= w[1].start));
}

#[test]
fn empty_and_clean_text_is_returned_unchanged() {
    assert_eq!(
        mask(""),
        MaskResult {
            text: String::new(),
            findings: vec![]
        }
    );
    let text = "Nothing to see here, just prose. 日本語 🙂";
    assert_eq!(masked(text), text);
}

#[test]
fn masking_huge_hostile_input_is_linear_and_does_not_panic() {
    let hostile = "a@".repeat(100_000) + &"4".repeat(100_000) + &"+1 ".repeat(50_000);
    let result = mask(&hostile);
    assert!(result.text.len() <= hostile.len() + 20 * result.findings.len());
}

#[test]
fn reject_mode_names_the_kinds_found() {
    let err = apply_mode("mail a@b.io key AKIAIOSFODNN7EXAMPLE", MaskMode::Reject).unwrap_err();
    assert_eq!(
        err,
        ContextError::SensitiveContent {
            kinds: vec!["AWS_ACCESS_KEY", "EMAIL"]
        }
    );
    assert!(apply_mode("clean", MaskMode::Reject).is_ok());
}

#[test]
fn keep_mode_returns_the_text_as_given() {
    let result = apply_mode("mail a@b.io", MaskMode::Keep).unwrap();
    assert_eq!(result.text, "mail a@b.io");
    assert!(result.is_clean());
}

#[test]
fn mask_modes_parse_by_name() {
    assert_eq!("REJECT".parse::<MaskMode>().unwrap(), MaskMode::Reject);
    assert!("scramble".parse::<MaskMode>().is_err());
}
