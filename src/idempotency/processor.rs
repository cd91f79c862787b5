//! `WebhookProcessor`: verify → parse → claim → dispatch → complete or fail, exactly once per event.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use serde_json::Value;

use super::{
    Claim, ClaimRequest, IdempotencyStore, LeaseToken, Record, RetryDecision, Status, StoreError,
    UnixMillis,
};
use crate::webhook::{self, Event};
use crate::{Clock, Error, SystemClock};

/// Why a handler failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandlerError {
    /// Worth retrying later (a timeout, a busy dependency): the retry policy schedules it.
    Retryable(String),
    /// Retrying cannot help (bad data): the record becomes `failed` at once.
    Permanent(String),
}

impl<E: std::fmt::Display> From<E> for HandlerError {
    /// Any displayable error is a retryable failure.
    fn from(error: E) -> Self {
        HandlerError::Retryable(error.to_string())
    }
}

/// Handles one event type. Closures `Fn(&Event) -> Result<Option<Value>, HandlerError>` are
/// handlers; the returned JSON is stored as the record's result.
pub trait Handler: Send + Sync {
    /// Handle `event`.
    ///
    /// # Errors
    /// [`HandlerError`]; a panic is caught and treated as a retryable failure.
    fn handle(&self, event: &Event) -> Result<Option<Value>, HandlerError>;

    /// Handle `event` given the raw body it was parsed from (the bytes the signature covered).
    /// The processor calls this; the default ignores the body and calls [`Handler::handle`].
    /// Override it to hand users the body exactly as delivered (key order, number spelling).
    ///
    /// # Errors
    /// As [`Handler::handle`].
    fn handle_delivery(
        &self,
        event: &Event,
        payload: &[u8],
    ) -> Result<Option<Value>, HandlerError> {
        let _ = payload;
        self.handle(event)
    }
}

impl<F> Handler for F
where
    F: Fn(&Event) -> Result<Option<Value>, HandlerError> + Send + Sync,
{
    fn handle(&self, event: &Event) -> Result<Option<Value>, HandlerError> {
        self(event)
    }
}

/// What processing a delivery came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessOutcome {
    /// The handler ran and succeeded.
    Processed,
    /// Already handled earlier: the stored outcome is returned, the handler was not called.
    Duplicate,
    /// Another worker is handling it right now (answer HTTP 409 so the provider retries later).
    InProgress,
    /// No handler for the type: recorded as ignored and acknowledged.
    Ignored,
    /// The handler failed; a retry is scheduled.
    Retrying,
    /// The handler failed permanently.
    Failed,
    /// The handler failed on the last attempt: dead-lettered.
    Dead,
}

impl ProcessOutcome {
    /// Return the lowercase name used by the faces.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProcessOutcome::Processed => "processed",
            ProcessOutcome::Duplicate => "duplicate",
            ProcessOutcome::InProgress => "in_progress",
            ProcessOutcome::Ignored => "ignored",
            ProcessOutcome::Retrying => "retrying",
            ProcessOutcome::Failed => "failed",
            ProcessOutcome::Dead => "dead",
        }
    }

    /// The HTTP status to answer the provider with: 200 once the event is safely recorded (even
    /// when the handler failed: our own retries take over), 409 while another worker holds it.
    pub const fn http_status(self) -> u16 {
        match self {
            ProcessOutcome::InProgress => 409,
            _ => 200,
        }
    }
}

/// The result of processing one delivery (or one retry).
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessResult {
    /// What happened.
    pub outcome: ProcessOutcome,
    /// The event id (the idempotency key).
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// `true` when the event had been handled before and the handler was not called.
    pub duplicate: bool,
    /// The handler's result (now or from the earlier run).
    pub result: Option<Value>,
    /// The failure message, when the handler failed.
    pub error: Option<String>,
    /// The attempt number, when the handler ran.
    pub attempt: Option<u32>,
    /// When the next retry is due, for [`ProcessOutcome::Retrying`].
    pub next_retry_at: Option<UnixMillis>,
}

impl ProcessResult {
    fn new(event: &Event, outcome: ProcessOutcome) -> Self {
        ProcessResult {
            outcome,
            event_id: event.id.clone(),
            event_type: event.type_name().to_owned(),
            duplicate: false,
            result: None,
            error: None,
            attempt: None,
            next_retry_at: None,
        }
    }

    /// The result as JSON (the schema the C and Go faces document).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "status": self.outcome.as_str(),
            "http_status": self.outcome.http_status(),
            "event_id": self.event_id,
            "event_type": self.event_type,
            "duplicate": self.duplicate,
            "result": self.result,
            "error": self.error,
            "attempt": self.attempt,
            "next_retry_at": self.next_retry_at,
        })
    }
}

/// Settings of a [`WebhookProcessor`]; the defaults are the documented ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessorConfig {
    /// Stripe endpoint secrets (several during rotation).
    pub secrets: Vec<String>,
    /// Replay tolerance in seconds (default 300; 0 disables the age check).
    pub tolerance_secs: u64,
    /// Lease per claim (default [`super::DEFAULT_LEASE_MILLIS`]).
    pub lease_millis: i64,
}

impl ProcessorConfig {
    /// Settings with one or more secrets and the default tolerance and lease.
    pub fn new<S: Into<String>>(secrets: impl IntoIterator<Item = S>) -> Self {
        ProcessorConfig {
            secrets: secrets.into_iter().map(Into::into).collect(),
            tolerance_secs: webhook::DEFAULT_TOLERANCE_SECS,
            lease_millis: super::DEFAULT_LEASE_MILLIS,
        }
    }
}

/// Exactly-once processing of Stripe webhook deliveries over any [`IdempotencyStore`].
///
/// A duplicate delivery returns the stored outcome without calling the handler; a delivery that
/// arrives while another worker holds the event is reported as [`ProcessOutcome::InProgress`]; an
/// unregistered type is recorded as ignored. A handler's error or panic never escapes: it becomes a
/// failed attempt, retried by [`WebhookProcessor::retry_due`] under the store's retry policy.
///
/// `Send + Sync`: share one processor between threads behind an `Arc`.
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use cognition_core::idempotency::{MemoryStore, ProcessOutcome, ProcessorConfig, WebhookProcessor};
/// use cognition_core::{webhook, ManualClock};
///
/// let clock = Arc::new(ManualClock::new(1_700_000_000_000));
/// let mut processor = WebhookProcessor::new(ProcessorConfig::new(["whsec_test"]), Arc::new(MemoryStore::new()))?
///     .with_clock(clock);
/// processor.on("invoice.paid", |event: &webhook::Event| Ok(Some(serde_json::json!({"invoice": event.object["id"]}))));
///
/// let body = br#"{"id":"evt_1","type":"invoice.paid","created":1,"livemode":false,"data":{"object":{"id":"in_1"}}}"#;
/// let header = webhook::sign(body, "whsec_test", 1_700_000_000)?;
/// assert_eq!(processor.process(body, &header)?.outcome, ProcessOutcome::Processed);
/// let again = processor.process(body, &header)?;
/// assert!(again.duplicate);
/// assert_eq!(again.result.unwrap()["invoice"], "in_1");
/// # Ok::<(), cognition_core::Error>(())
/// ```
pub struct WebhookProcessor {
    config: ProcessorConfig,
    store: Arc<dyn IdempotencyStore>,
    clock: Arc<dyn Clock>,
    handlers: HashMap<String, Arc<dyn Handler>>,
}

impl std::fmt::Debug for WebhookProcessor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut types: Vec<_> = self.handlers.keys().collect();
        types.sort();
        f.debug_struct("WebhookProcessor")
            .field("tolerance_secs", &self.config.tolerance_secs)
            .field("handlers", &types)
            .finish_non_exhaustive()
    }
}

impl WebhookProcessor {
    /// A processor over `store`, using the system clock.
    ///
    /// # Errors
    /// [`Error::Webhook`] (`EMPTY_SECRET`) without a usable secret; [`Error::Store`]
    /// (`INVALID_ARGUMENT`) for a non-positive lease.
    pub fn new(config: ProcessorConfig, store: Arc<dyn IdempotencyStore>) -> Result<Self, Error> {
        if config.secrets.is_empty() || config.secrets.iter().any(String::is_empty) {
            return Err(
                webhook::WebhookError::EmptySecret("no usable secret for the processor").into(),
            );
        }
        if config.lease_millis <= 0 {
            return Err(StoreError::InvalidArgument("lease must be positive".into()).into());
        }
        Ok(WebhookProcessor {
            config,
            store,
            clock: Arc::new(SystemClock),
            handlers: HashMap::new(),
        })
    }

    /// Use `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Register the handler for `event_type` (replacing any earlier one).
    pub fn on(&mut self, event_type: &str, handler: impl Handler + 'static) -> &mut Self {
        self.handlers
            .insert(event_type.to_owned(), Arc::new(handler));
        self
    }

    /// Return the store, to query records and statistics.
    pub fn store(&self) -> &Arc<dyn IdempotencyStore> {
        &self.store
    }

    /// Process one delivery: verify its `Stripe-Signature`, parse it, and handle it exactly once.
    ///
    /// # Errors
    /// [`Error::Webhook`] / [`Error::Event`] for a delivery that fails verification or parsing
    /// (answer HTTP 400); [`Error::Store`] for a fingerprint conflict or a store failure (answer
    /// 500 so the provider retries). A handler's failure is not an error: see the outcome.
    pub fn process(&self, payload: &[u8], header: &str) -> Result<ProcessResult, Error> {
        let now = self.clock.now_millis();
        let now_secs = now.div_euclid(1000);
        let event = webhook::construct_event(
            payload,
            header,
            &self.config.secrets,
            self.config.tolerance_secs,
            now_secs,
        )?;
        let request = ClaimRequest {
            payload: Some(payload),
            lease_millis: self.config.lease_millis,
            ..ClaimRequest::new(&event.id, event.type_name(), payload, now)
        };
        self.claim_and_run(&event, payload, &request)
    }

    /// Re-run up to `limit` failures whose retry is due now through the same handlers.
    ///
    /// # Errors
    /// [`Error::Store`] when the store fails; individual handler failures are in the results.
    pub fn retry_due(&self, limit: usize) -> Result<Vec<ProcessResult>, Error> {
        let now = self.clock.now_millis();
        let due = self.store.due_for_retry(now, limit)?;
        let mut results = Vec::with_capacity(due.len());
        for record in due {
            results.push(self.retry_record(&record, now)?);
        }
        Ok(results)
    }

    /// Put a dead-lettered (or permanently failed) event back in the queue; the next
    /// [`WebhookProcessor::retry_due`] runs it.
    ///
    /// # Errors
    /// [`Error::Store`]: not found, or not dead/failed.
    pub fn requeue_dead(&self, key: &str) -> Result<(), Error> {
        Ok(self.store.requeue(key, self.clock.now_millis())?)
    }

    fn retry_record(&self, record: &Record, now: UnixMillis) -> Result<ProcessResult, Error> {
        let Some(payload) = record.payload.as_deref() else {
            // Nothing to re-run (a record claimed without its body): settle it as failed.
            return self.settle_without_payload(record, now);
        };
        let event = webhook::parse_event(payload)?;
        self.claim_and_run(&event, payload, &self.retry_request(record, now))
    }

    /// A claim on a stored record's key, for a retry.
    fn retry_request<'r>(&self, record: &'r Record, now: UnixMillis) -> ClaimRequest<'r> {
        ClaimRequest {
            key: &record.key,
            event_type: &record.event_type,
            fingerprint: record.fingerprint,
            payload: None,
            now,
            lease_millis: self.config.lease_millis,
        }
    }

    fn settle_without_payload(
        &self,
        record: &Record,
        now: UnixMillis,
    ) -> Result<ProcessResult, Error> {
        let request = self.retry_request(record, now);
        let error = "no payload was kept for this record, so it cannot be retried";
        let mut result = ProcessResult {
            outcome: ProcessOutcome::Failed,
            event_id: record.key.to_string(),
            event_type: record.event_type.to_string(),
            duplicate: false,
            result: None,
            error: Some(error.into()),
            attempt: None,
            next_retry_at: None,
        };
        if let Claim::Acquired { token, attempt } = self.store.claim(&request)? {
            self.store.fail(&token, error, false, now)?;
            result.attempt = Some(attempt);
        }
        Ok(result)
    }

    fn claim_and_run(
        &self,
        event: &Event,
        payload: &[u8],
        request: &ClaimRequest<'_>,
    ) -> Result<ProcessResult, Error> {
        match self.store.claim(request)? {
            Claim::Acquired { token, attempt } => self.run(event, payload, &token, attempt),
            Claim::AlreadyDone { result, .. } => Ok(ProcessResult {
                duplicate: true,
                result,
                ..ProcessResult::new(event, ProcessOutcome::Duplicate)
            }),
            Claim::InProgress { .. } => Ok(ProcessResult {
                duplicate: true,
                ..ProcessResult::new(event, ProcessOutcome::InProgress)
            }),
            Claim::DeadLettered { status, last_error } => Ok(ProcessResult {
                duplicate: true,
                error: last_error,
                ..ProcessResult::new(
                    event,
                    if status == Status::Dead {
                        ProcessOutcome::Dead
                    } else {
                        ProcessOutcome::Failed
                    },
                )
            }),
            Claim::FingerprintConflict { stored } => Err(StoreError::FingerprintConflict {
                key: event.id.clone(),
                stored: stored.to_hex(),
            }
            .into()),
        }
    }

    fn run(
        &self,
        event: &Event,
        payload: &[u8],
        token: &LeaseToken,
        attempt: u32,
    ) -> Result<ProcessResult, Error> {
        let mut result = ProcessResult {
            attempt: Some(attempt),
            ..ProcessResult::new(event, ProcessOutcome::Processed)
        };
        let Some(handler) = self.handlers.get(event.type_name()) else {
            self.store.ignore(token, self.clock.now_millis())?;
            result.outcome = ProcessOutcome::Ignored;
            return Ok(result);
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| handler.handle_delivery(event, payload)))
            .unwrap_or_else(|panic| Err(HandlerError::Retryable(panic_message(&*panic))));
        let now = self.clock.now_millis();
        match outcome {
            Ok(value) => {
                self.store.complete(token, value.clone(), now)?;
                result.result = value;
            }
            Err(error) => {
                let (message, retryable) = match error {
                    HandlerError::Retryable(m) => (m, true),
                    HandlerError::Permanent(m) => (m, false),
                };
                let decision = self.store.fail(token, &message, retryable, now)?;
                result.error = Some(message);
                result.outcome = match decision {
                    RetryDecision::RetryAt(at) => {
                        result.next_retry_at = Some(at);
                        ProcessOutcome::Retrying
                    }
                    RetryDecision::DeadLettered => ProcessOutcome::Dead,
                    RetryDecision::Failed => ProcessOutcome::Failed,
                };
            }
        }
        Ok(result)
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".into());
    format!("handler panicked: {detail}")
}
