//! Property tests: random headers and payloads never panic, and signing always round-trips.

use cognition_core::webhook;
use proptest::prelude::*;

const NOW: i64 = 1_700_000_000;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_headers_never_panic(header in ".{0,300}", payload in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = webhook::verify(&payload, &header, &["whsec_x"], 300, NOW);
        let _ = webhook::SignatureHeader::parse(&header);
    }

    #[test]
    fn header_shaped_noise_never_panics(
        elements in proptest::collection::vec(("[tv0-9 =]{0,3}", "[0-9a-fA-F=,-]{0,70}"), 0..8),
        now in any::<i64>(),
        tolerance in any::<u64>(),
    ) {
        let header = elements.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        let _ = webhook::verify(b"{}", &header, &["whsec_x"], tolerance, now);
    }

    #[test]
    fn standard_noise_never_panics(id in ".{0,40}", ts in ".{0,20}", sig in ".{0,200}", secret in ".{0,60}") {
        let headers = [("webhook-id", id.as_str()), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
        let _ = webhook::verify_standard_headers(b"{}", headers, &[secret.as_str()], 300, NOW);
    }

    #[test]
    fn arbitrary_payloads_never_panic_the_event_parser(payload in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = webhook::parse_event(&payload);
    }

    #[test]
    fn signed_payloads_always_verify(payload in proptest::collection::vec(any::<u8>(), 0..2048), t in 0i64..4_000_000_000, secret in "[a-zA-Z0-9_]{1,40}") {
        let header = webhook::sign(&payload, &secret, t).unwrap();
        prop_assert_eq!(webhook::verify(&payload, &header, &[&secret], 300, t), Ok(t));
    }

    #[test]
    fn any_single_flipped_bit_is_a_mismatch(payload in proptest::collection::vec(any::<u8>(), 1..512), index in any::<prop::sample::Index>(), bit in 0u8..8) {
        let header = webhook::sign(&payload, "whsec_x", NOW).unwrap();
        let mut tampered = payload.clone();
        tampered[index.index(payload.len())] ^= 1 << bit;
        let result = webhook::verify(&tampered, &header, &["whsec_x"], 300, NOW);
        prop_assert!(
            matches!(result, Err(webhook::WebhookError::SignatureMismatch { .. })),
            "unexpected result: {:?}",
            result
        );
    }
}
