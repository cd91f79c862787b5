//! `make demo`: the main job end to end on embedded defaults and bundled sample data.
//!
//! Today: a Stripe `customer.subscription.updated` delivery built from Stripe's published example
//! subscription is signed, verified and parsed into a typed event; a tampered copy and an expired
//! copy are rejected with their stable error codes; the same is shown for Standard Webhooks. Then
//! the sample events go through the exactly-once processor on the in-memory and SQLite stores:
//! delivered twice (the duplicate is skipped), a failing handler retried on schedule, and the stats.
//! Then a bundled query workload runs against SQLite through the query tracker: top fingerprints,
//! slow ones, suggestions. Then revenue analytics over the bundled subscriptions, and code
//! validation of a bundled generated snippet at every level, with its fixes and SARIF log. Last,
//! context windows for LLM apps: three tenants' support notes (secrets masked on insert), a question
//! packed into an exact token budget with its explanation, and tenant isolation.

mod context;
mod queries;
mod revenue;
mod validation;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use cognition_core::idempotency::{
    HandlerError, IdempotencyStore, MemoryStore, ProcessorConfig, RetryPolicy, SqliteStore,
    WebhookProcessor, Window,
};
use cognition_core::webhook::{self, Event, StandardHeaders};
use cognition_core::{Error, ManualClock};
use serde_json::json;

/// Stripe's example subscription object (from Stripe's OpenAPI fixtures, MIT licence).
const SAMPLE_SUBSCRIPTION: &str = include_str!("../../data/samples/stripe_subscription.json");
const SECRET: &str = "whsec_demo_5f9b1c2d3e4f5a6b7c8d9e0f";
const NOW: i64 = 1_760_000_000;

/// Stripe's example invoice object.
const SAMPLE_INVOICE: &str = include_str!("../../data/samples/stripe_invoice.json");

/// A Stripe event envelope around a bundled sample object.
fn envelope(
    id: &str,
    kind: &str,
    object: &str,
    created: i64,
) -> Result<Vec<u8>, serde_json::Error> {
    let object: serde_json::Value = serde_json::from_str(object)?;
    serde_json::to_vec(&json!({
        "id": id, "object": "event", "api_version": "2024-06-20", "created": created,
        "livemode": false, "pending_webhooks": 1, "type": kind, "data": {"object": object},
    }))
}

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

    let dir = std::env::temp_dir().join(format!("cognition-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let stores: [(&str, Arc<dyn IdempotencyStore>); 2] = [
        (
            "in-memory store",
            Arc::new(MemoryStore::with_retry_policy(demo_policy()?)),
        ),
        (
            "SQLite store",
            Arc::new(SqliteStore::open_with(
                dir.join("events.db"),
                demo_policy()?,
            )?),
        ),
    ];
    for (n, (name, store)) in stores.into_iter().enumerate() {
        println!("\n{}. Exactly-once processing on the {name}", n + 3);
        exactly_once(store)?;
    }
    let _ = std::fs::remove_dir_all(&dir);

    println!("\n5. Query-efficiency scoring");
    queries::show()?;

    println!("\n6. Revenue analytics");
    revenue::show()?;

    println!("\n7. Code validation");
    validation::show_all()?;

    println!("\n8. Context windows for LLM apps");
    context::show()?;

    println!("\ndemo finished.");
    Ok(())
}

fn demo_policy() -> Result<RetryPolicy, cognition_core::idempotency::StoreError> {
    RetryPolicy::default()
        .max_attempts(4)?
        .initial_delay_millis(60_000)
        .map(|p| p.jitter(false))
}

/// Deliver the sample events twice, let the invoice handler fail twice, retry on schedule.
fn exactly_once(store: Arc<dyn IdempotencyStore>) -> Result<(), Box<dyn std::error::Error>> {
    let clock = Arc::new(ManualClock::new(NOW * 1000));
    let mut processor = WebhookProcessor::new(ProcessorConfig::new([SECRET]), store.clone())?
        .with_clock(clock.clone());
    let invoice_attempts = Arc::new(AtomicU32::new(0));
    let attempts = invoice_attempts.clone();
    processor.on("invoice.paid", move |event: &Event| {
        // The accounting system is down for the first two attempts.
        if attempts.fetch_add(1, Ordering::SeqCst) < 2 {
            return Err(HandlerError::Retryable("accounting API timed out".into()));
        }
        Ok(Some(json!({"booked": event.object["amount_paid"]})))
    });
    processor.on("customer.subscription.updated", |event: &Event| {
        Ok(Some(json!({"plan_status": event.object["status"]})))
    });

    let events = [
        envelope(
            "evt_demo_sub",
            "customer.subscription.updated",
            SAMPLE_SUBSCRIPTION,
            NOW,
        )?,
        envelope("evt_demo_invoice", "invoice.paid", SAMPLE_INVOICE, NOW)?,
        envelope(
            "evt_demo_plan",
            "plan.created",
            r#"{"id":"plan_1","object":"plan"}"#,
            NOW,
        )?,
    ];
    for round in ["delivery", "redelivery"] {
        for body in &events {
            let header = webhook::sign(body, SECRET, now_secs(&clock))?;
            let r = processor.process(body, &header)?;
            let note = r
                .error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            println!(
                "  {round:<10} {:<16} -> {:<9} duplicate={:<5} http {}{note}",
                r.event_id,
                r.outcome.as_str(),
                r.duplicate,
                r.outcome.http_status()
            );
        }
    }
    for _ in 0..3 {
        clock.advance(5 * 60_000);
        for r in processor.retry_due(100)? {
            println!(
                "  retry +{:>2}m {:<16} -> {:<9} attempt {}{}",
                (now_secs(&clock) - NOW) / 60,
                r.event_id,
                r.outcome.as_str(),
                r.attempt.unwrap_or(0),
                r.result
                    .map(|v| format!(", result {v}"))
                    .unwrap_or_default()
            );
        }
    }
    let stats = store.stats(Window::ALL)?;
    let counts: Vec<String> = stats
        .by_status
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{s}={n}"))
        .collect();
    println!(
        "  stats: {} events ({}), success rate {:.0}%, invoice handler runs: {}",
        stats.total,
        counts.join(", "),
        stats.success_rate.unwrap_or(0.0) * 100.0,
        invoice_attempts.load(Ordering::SeqCst)
    );
    Ok(())
}

fn now_secs(clock: &ManualClock) -> i64 {
    use cognition_core::Clock;
    clock.now_millis() / 1000
}
