//! `WebhookProcessor`: exactly-once handling of signed deliveries, retries and dead letters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

mod common;

use cognition_core::idempotency::*;
use cognition_core::webhook::{self, Event};
use cognition_core::{Error, ErrorCode, ManualClock};
use common::MapBackend;
use serde_json::json;

const SECRET: &str = "whsec_processor_tests";
const T0: i64 = 1_700_000_000_000;

fn event_body(id: &str, kind: &str) -> Vec<u8> {
    json!({"id": id, "object": "event", "type": kind, "created": T0 / 1000, "livemode": false,
           "api_version": "2024-06-20", "data": {"object": {"id": format!("obj_{id}")}}})
    .to_string()
    .into_bytes()
}

fn signed(id: &str, kind: &str, clock: &ManualClock) -> (Vec<u8>, String) {
    use cognition_core::Clock;
    let body = event_body(id, kind);
    let header = webhook::sign(&body, SECRET, clock.now_millis() / 1000).unwrap();
    (body, header)
}

fn processor(store: Arc<dyn IdempotencyStore>, clock: Arc<ManualClock>) -> WebhookProcessor {
    WebhookProcessor::new(ProcessorConfig::new([SECRET]), store)
        .unwrap()
        .with_clock(clock)
}

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .unwrap()
        .jitter(false)
}

#[test]
fn a_duplicate_delivery_returns_the_stored_outcome_without_calling_the_handler() {
    let clock = Arc::new(ManualClock::new(T0));
    let calls = Arc::new(AtomicU32::new(0));
    let mut p = processor(Arc::new(MemoryStore::new()), clock.clone());
    let counter = calls.clone();
    p.on("invoice.paid", move |event: &Event| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(Some(json!({"invoice": event.object["id"]})))
    });
    let (body, header) = signed("evt_1", "invoice.paid", &clock);
    let first = p.process(&body, &header).unwrap();
    assert_eq!(
        (first.outcome, first.duplicate),
        (ProcessOutcome::Processed, false)
    );
    let second = p.process(&body, &header).unwrap();
    assert_eq!(
        (second.outcome, second.duplicate),
        (ProcessOutcome::Duplicate, true)
    );
    assert_eq!(second.result, Some(json!({"invoice": "obj_evt_1"})));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn an_unregistered_type_is_recorded_as_ignored() {
    let clock = Arc::new(ManualClock::new(T0));
    let store = Arc::new(MemoryStore::new());
    let p = processor(store.clone(), clock.clone());
    let (body, header) = signed("evt_2", "plan.created", &clock);
    let result = p.process(&body, &header).unwrap();
    assert_eq!(result.outcome, ProcessOutcome::Ignored);
    assert_eq!(result.outcome.http_status(), 200);
    assert_eq!(store.get("evt_2").unwrap().unwrap().status, Status::Ignored);
    assert_eq!(
        p.process(&body, &header).unwrap().outcome,
        ProcessOutcome::Duplicate
    );
}

#[test]
fn a_forged_delivery_is_an_error_and_records_nothing() {
    let clock = Arc::new(ManualClock::new(T0));
    let store = Arc::new(MemoryStore::new());
    let p = processor(store.clone(), clock.clone());
    let (body, header) = signed("evt_3", "invoice.paid", &clock);
    let mut forged = body.clone();
    forged.extend_from_slice(b" ");
    let err = p.process(&forged, &header).unwrap_err();
    assert_eq!(err.code(), ErrorCode::SignatureMismatch);
    assert!(store.is_empty());
}

#[test]
fn a_handler_panic_becomes_a_retryable_failure() {
    let clock = Arc::new(ManualClock::new(T0));
    let store = Arc::new(MemoryStore::with_retry_policy(policy()));
    let mut p = processor(store.clone(), clock.clone());
    p.on(
        "invoice.paid",
        |_: &Event| -> Result<Option<serde_json::Value>, HandlerError> {
            panic!("database exploded")
        },
    );
    let (body, header) = signed("evt_4", "invoice.paid", &clock);
    let result = p.process(&body, &header).unwrap();
    assert_eq!(result.outcome, ProcessOutcome::Retrying);
    assert_eq!(result.next_retry_at, Some(T0 + 1_000));
    assert!(result.error.unwrap().contains("database exploded"));
}

#[test]
fn failures_are_retried_on_schedule_then_dead_lettered_and_requeued() {
    let clock = Arc::new(ManualClock::new(T0));
    let store = Arc::new(MemoryStore::with_retry_policy(policy()));
    let mut p = processor(store.clone(), clock.clone());
    let fail = Arc::new(Mutex::new(true));
    let flag = fail.clone();
    p.on("invoice.paid", move |_: &Event| {
        if *flag.lock().unwrap() {
            Err(HandlerError::Retryable("upstream timeout".into()))
        } else {
            Ok(Some(json!("done")))
        }
    });
    let (body, header) = signed("evt_5", "invoice.paid", &clock);
    assert_eq!(
        p.process(&body, &header).unwrap().outcome,
        ProcessOutcome::Retrying
    );
    assert!(p.retry_due(10).unwrap().is_empty(), "not due yet");
    clock.advance(1_000);
    let retried = p.retry_due(10).unwrap();
    assert_eq!(
        (retried[0].outcome, retried[0].attempt),
        (ProcessOutcome::Retrying, Some(2))
    );
    clock.advance(2_000);
    assert_eq!(p.retry_due(10).unwrap()[0].outcome, ProcessOutcome::Dead);
    assert_eq!(
        p.process(&body, &header)
            .unwrap_or_else(|e| panic!("{e}"))
            .outcome,
        ProcessOutcome::Dead
    );

    *fail.lock().unwrap() = false;
    p.requeue_dead("evt_5").unwrap();
    let revived = p.retry_due(10).unwrap();
    assert_eq!(revived[0].outcome, ProcessOutcome::Processed);
    assert_eq!(
        store.get("evt_5").unwrap().unwrap().result,
        Some(json!("done"))
    );
}

#[test]
fn a_permanent_handler_failure_is_not_retried() {
    let clock = Arc::new(ManualClock::new(T0));
    let mut p = processor(Arc::new(MemoryStore::new()), clock.clone());
    p.on("invoice.paid", |_: &Event| {
        Err(HandlerError::Permanent("malformed invoice".into()))
    });
    let (body, header) = signed("evt_6", "invoice.paid", &clock);
    assert_eq!(
        p.process(&body, &header).unwrap().outcome,
        ProcessOutcome::Failed
    );
    clock.advance(10_000_000);
    assert!(p.retry_due(10).unwrap().is_empty());
}

#[test]
fn an_in_flight_duplicate_is_reported_in_progress_with_a_409_hint() {
    let clock = Arc::new(ManualClock::new(T0));
    let store: Arc<dyn IdempotencyStore> = Arc::new(MemoryStore::new());
    let (body, header) = signed("evt_7", "invoice.paid", &clock);
    // Another worker holds the lease.
    store
        .claim(&ClaimRequest::new("evt_7", "invoice.paid", &body, T0))
        .unwrap();
    let p = processor(store, clock.clone());
    let result = p.process(&body, &header).unwrap();
    assert_eq!(result.outcome, ProcessOutcome::InProgress);
    assert_eq!(result.outcome.http_status(), 409);
}

#[test]
fn the_same_event_id_with_another_body_is_a_fingerprint_conflict() {
    let clock = Arc::new(ManualClock::new(T0));
    let p = processor(Arc::new(MemoryStore::new()), clock.clone());
    let (body, header) = signed("evt_8", "invoice.paid", &clock);
    p.process(&body, &header).unwrap();
    let (other, other_header) = signed("evt_8", "invoice.finalized", &clock);
    let err = p.process(&other, &other_header).unwrap_err();
    assert!(matches!(
        err,
        Error::Store(StoreError::FingerprintConflict { .. })
    ));
}

#[test]
fn a_processor_needs_a_secret() {
    let err = WebhookProcessor::new(
        ProcessorConfig::new(Vec::<String>::new()),
        Arc::new(MemoryStore::new()),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::EmptySecret);
}

/// 8 threads deliver 20,000 events, each 1–5 times, interleaved; every handler runs once per id.
pub fn every_event_is_handled_exactly_once(store: Arc<dyn IdempotencyStore>) {
    const EVENTS: usize = 20_000;
    const THREADS: usize = 8;
    let clock = Arc::new(ManualClock::new(T0));
    let runs: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let mut p = processor(store, clock.clone());
    let seen = runs.clone();
    p.on("invoice.paid", move |event: &Event| {
        *seen.lock().unwrap().entry(event.id.clone()).or_default() += 1;
        Ok(None)
    });
    let p = Arc::new(p);
    // Deterministic duplication: event i is delivered 1 + (i * 7919) % 5 times, spread over threads.
    let mut deliveries: Vec<usize> = (0..EVENTS)
        .flat_map(|i| std::iter::repeat_n(i, 1 + (i * 7919) % 5))
        .collect();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for i in (1..deliveries.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        deliveries.swap(i, (state % (i as u64 + 1)) as usize);
    }
    let signed: Vec<(Vec<u8>, String)> = (0..EVENTS)
        .map(|i| signed(&format!("evt_{i}"), "invoice.paid", &clock))
        .collect();
    let signed = Arc::new(signed);
    let chunks: Vec<Vec<usize>> = deliveries
        .chunks(deliveries.len().div_ceil(THREADS))
        .map(<[usize]>::to_vec)
        .collect();
    let handles: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let (p, signed) = (p.clone(), signed.clone());
            std::thread::spawn(move || {
                for i in chunk {
                    let (body, header) = &signed[i];
                    let outcome = p.process(body, header).unwrap().outcome;
                    assert!(matches!(
                        outcome,
                        ProcessOutcome::Processed
                            | ProcessOutcome::Duplicate
                            | ProcessOutcome::InProgress
                    ));
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let runs = runs.lock().unwrap();
    assert_eq!(runs.len(), EVENTS);
    assert!(
        runs.values().all(|&n| n == 1),
        "some handler ran more than once"
    );
}

#[test]
fn eight_threads_handle_twenty_thousand_duplicated_events_exactly_once_in_memory() {
    every_event_is_handled_exactly_once(Arc::new(MemoryStore::new()));
}

#[test]
fn eight_threads_handle_twenty_thousand_duplicated_events_exactly_once_on_a_user_backend() {
    every_event_is_handled_exactly_once(Arc::new(BackendStore::new(MapBackend::default())));
}

#[test]
fn a_user_backend_follows_the_same_retry_rules() {
    let clock = Arc::new(ManualClock::new(T0));
    let store = Arc::new(BackendStore::with_retry_policy(
        MapBackend::default(),
        policy(),
    ));
    let mut p = processor(store.clone(), clock.clone());
    p.on("invoice.paid", |_: &Event| {
        Err(HandlerError::Retryable("down".into()))
    });
    let (body, header) = signed("evt_9", "invoice.paid", &clock);
    assert_eq!(
        p.process(&body, &header).unwrap().outcome,
        ProcessOutcome::Retrying
    );
    clock.advance(1_000);
    assert_eq!(p.retry_due(10).unwrap()[0].attempt, Some(2));
    clock.advance(2_000);
    assert_eq!(p.retry_due(10).unwrap()[0].outcome, ProcessOutcome::Dead);
    assert_eq!(store.purge(T0 + 1).unwrap(), 1);
}

#[cfg(feature = "sqlite")]
#[test]
fn eight_threads_handle_twenty_thousand_duplicated_events_exactly_once_on_sqlite() {
    let dir = common::TempDir::new("processor-sqlite-exactly-once");
    let store = SqliteStore::open(dir.file("events.db")).unwrap();
    every_event_is_handled_exactly_once(Arc::new(store));
}
