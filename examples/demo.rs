//! `make demo`: the main job end to end on embedded defaults and bundled sample data.
//!
//! Today: a Stripe `customer.subscription.updated` delivery built from Stripe's published example
//! subscription is signed, verified and parsed into a typed event; a tampered copy and an expired
//! copy are rejected with their stable error codes; the same is shown for Standard Webhooks.

use cognition_core::webhook::{self, StandardHeaders};
use cognition_core::Error;
use serde_json::json;

/// Stripe's example subscription object (from Stripe's OpenAPI fixtures, MIT licence).
const SAMPLE_SUBSCRIPTION: &str = include_str!("../data/samples/stripe_subscription.json");
const SECRET: &str = "whsec_demo_5f9b1c2d3e4f5a6b7c8d9e0f";
const NOW: i64 = 1_760_000_000;

fn sample_event() -> Result<Vec<u8>, serde_json::Error> {
    let subscription: serde_json::Value = serde_json::from_str(SAMPLE_SUBSCRIPTION)?;
    let event = json!({
        "id": "evt_demo_subscription_updated",
        "object": "event",
        "api_version": "2024-06-20",
        "created": NOW - 2,
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": "customer.subscription.updated",
        "data": {"object": subscription, "previous_attributes": {"status": "trialing"}},
    });
    serde_json::to_vec_pretty(&event)
}

fn show_rejection(label: &str, result: Result<impl std::fmt::Debug, Error>) {
    match result {
        Ok(value) => println!("  {label}: UNEXPECTEDLY ACCEPTED ({value:?})"),
        Err(err) => println!(
            "  {label}: rejected with {} ({}): {err}",
            err.code(),
            err.code() as u32
        ),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cognition-core {} demo\n", cognition_core::VERSION);

    let body = sample_event()?;
    println!("1. Stripe webhook signatures");
    let header = webhook::sign(&body, SECRET, NOW)?;
    println!(
        "  signed a {}-byte customer.subscription.updated event",
        body.len()
    );
    println!("  Stripe-Signature: {}…", &header[..40]);

    let event = webhook::construct_event(&body, &header, &[SECRET], 300, NOW)?;
    println!("  verified and parsed:");
    println!("    id          {}", event.id);
    println!("    kind        {:?} ({})", event.kind, event.type_name());
    println!(
        "    created     {}  livemode {}",
        event.created, event.livemode
    );
    println!(
        "    object      {} {} status={}",
        event.object["object"], event.object["id"], event.object["status"]
    );
    println!(
        "    previously  {}",
        event.previous_attributes.unwrap_or_default()
    );

    let rotated = webhook::verify(&body, &header, &["whsec_old_secret", SECRET], 300, NOW)?;
    println!("  secret rotation: accepted under [old, new] secrets (t={rotated})");

    let mut tampered = body.clone();
    if let Some(pos) = tampered.windows(6).position(|w| w == b"active") {
        tampered[pos..pos + 6].copy_from_slice(b"paused");
    }
    show_rejection(
        "tampered copy",
        webhook::construct_event(&tampered, &header, &[SECRET], 300, NOW),
    );
    show_rejection(
        "expired copy (10 min later)",
        webhook::construct_event(&body, &header, &[SECRET], 300, NOW + 600),
    );
    show_rejection(
        "wrong secret",
        webhook::construct_event(&body, &header, &["whsec_someone_else"], 300, NOW),
    );
    show_rejection(
        "malformed header",
        webhook::construct_event(&body, "v1=abc", &[SECRET], 300, NOW),
    );

    println!("\n2. Standard Webhooks signatures");
    let std_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let signature = webhook::sign_standard("msg_demo_1", NOW, &body, std_secret)?;
    let headers = StandardHeaders {
        id: "msg_demo_1",
        timestamp: &NOW.to_string(),
        signature: &signature,
    };
    let t = webhook::verify_standard(&body, &headers, &[std_secret], 300, NOW)?;
    println!("  webhook-signature: {signature}");
    println!("  verified (t={t})");
    show_rejection(
        "tampered copy",
        webhook::verify_standard(&tampered, &headers, &[std_secret], 300, NOW).map_err(Error::from),
    );
    show_rejection(
        "replayed an hour later",
        webhook::verify_standard(&body, &headers, &[std_secret], 300, NOW + 3600)
            .map_err(Error::from),
    );

    println!(
        "\ndemo finished: every genuine delivery accepted, every forged or stale one rejected."
    );
    Ok(())
}
