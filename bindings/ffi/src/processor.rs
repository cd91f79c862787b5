//! Exactly-once webhook processing: the `cog_processor` handle over the core `WebhookProcessor`,
//! with C function-pointer handlers and an optional manual clock for tests.

use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use cognition_core::idempotency::{HandlerError, ProcessorConfig, WebhookProcessor};
use cognition_core::webhook::Event;
use cognition_core::{Clock, ManualClock, SystemClock};
use serde_json::Value;

use crate::error::Failure;
use crate::panic::cog_panic_boundary;
use crate::status::cog_status;
use crate::store::{cog_store, result_in, store_ref};
use crate::strings::{bytes_array_in, bytes_in, check_out, cog_str, cog_string, str_in, write_out};

/// Handler return value: the event was handled; the reply's result (if any) is stored.
pub const COG_HANDLER_SUCCESS: i32 = 0;
/// Handler return value: a failure worth retrying; the store's retry policy schedules it.
pub const COG_HANDLER_RETRYABLE: i32 = 1;
/// Handler return value: a failure retrying cannot fix; the record becomes `failed` at once.
pub const COG_HANDLER_PERMANENT: i32 = 2;

/// What a handler answers besides its return value: an optional result (JSON) and an optional
/// error message. Valid only during the handler call that received it; never keep the pointer.
#[allow(non_camel_case_types)]
#[derive(Debug, Default)]
pub struct cog_handler_reply {
    result: Option<Value>,
    error: Option<String>,
    invalid_result: Option<String>,
}

/// A handler for one event type. Called with the `user_data` given to `cog_processor_on`, the
/// event as JSON (`len` bytes, not NUL-terminated; the schema of `cog_event_to_json`; valid only
/// during the call) and a reply to fill with `cog_handler_reply_set_result` /
/// `cog_handler_reply_set_error`. Return `COG_HANDLER_SUCCESS` (0), `COG_HANDLER_RETRYABLE` (1) or
/// `COG_HANDLER_PERMANENT` (2); any other value counts as a retryable failure.
///
/// It runs on the thread that called `cog_processor_process` / `cog_processor_retry_due`, inside
/// that call, possibly on several threads at once. It must not unwind (C++ exceptions, longjmp)
/// and must not call `cog_processor_on` on the processor that called it (deadlock).
#[allow(non_camel_case_types)]
pub type cog_handler_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        event_json: *const u8,
        event_json_len: usize,
        reply: *mut cog_handler_reply,
    ) -> i32,
>;

/// Set the result the handler's record keeps (returned to duplicate deliveries): `json` must be
/// one JSON value (`null` = no result). On invalid JSON nothing is set, the call returns
/// `COG_STATUS_INVALID_RESULT`, and a handler that then returns success is recorded as a permanent
/// failure naming the JSON error.
///
/// # Safety
/// `reply` is the pointer the handler received, used only during that call; `(json, json_len)`
/// readable.
#[no_mangle]
pub unsafe extern "C" fn cog_handler_reply_set_result(
    reply: *mut cog_handler_reply,
    json: *const u8,
    json_len: usize,
) -> cog_status {
    cog_panic_boundary! {
        let reply = unsafe { reply.as_mut() }.ok_or_else(|| Failure::null("reply"))?;
        let bytes = unsafe { bytes_in(json, json_len, "json") }?;
        let parsed = if bytes.is_empty() {
            Err(Failure { status: cog_status::InvalidResult, message: "result is not valid JSON: empty".into() })
        } else {
            result_in(bytes)
        };
        match parsed {
            Ok(value) => {
                reply.result = value;
                reply.invalid_result = None;
                Ok(())
            }
            Err(failure) => {
                reply.invalid_result = Some(failure.message.clone());
                Err(failure)
            }
        }
    }
}

/// Set the failure message recorded when the handler returns a failure (UTF-8; at most the length
/// given is read).
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8` (nothing set).
///
/// # Safety
/// As `cog_handler_reply_set_result`.
#[no_mangle]
pub unsafe extern "C" fn cog_handler_reply_set_error(
    reply: *mut cog_handler_reply,
    message: *const u8,
    message_len: usize,
) -> cog_status {
    cog_panic_boundary! {
        let reply = unsafe { reply.as_mut() }.ok_or_else(|| Failure::null("reply"))?;
        let message = unsafe { str_in(message, message_len, "message") }?;
        reply.error = Some(message.to_owned());
        Ok(())
    }
}

/// A C handler and its user data. The caller promised (in `cog_processor_on`'s contract) that
/// `user_data` may be used from any thread that processes events.
struct CHandler {
    func: unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut cog_handler_reply) -> i32,
    user_data: *mut c_void,
}

// SAFETY: see the contract of `cog_processor_on`: the handler and its user data are callable from
// any thread, concurrently.
unsafe impl Send for CHandler {}
unsafe impl Sync for CHandler {}

impl CHandler {
    fn call(&self, event: &Event) -> Result<Option<Value>, HandlerError> {
        let json = event.to_json().to_string();
        let mut reply = cog_handler_reply::default();
        let code = unsafe { (self.func)(self.user_data, json.as_ptr(), json.len(), &mut reply) };
        match code {
            COG_HANDLER_SUCCESS => match reply.invalid_result {
                Some(message) => Err(HandlerError::Permanent(format!(
                    "the handler's result was rejected: {message}"
                ))),
                None => Ok(reply.result),
            },
            COG_HANDLER_RETRYABLE => Err(HandlerError::Retryable(
                reply
                    .error
                    .unwrap_or_else(|| "the handler reported a retryable failure".into()),
            )),
            COG_HANDLER_PERMANENT => Err(HandlerError::Permanent(
                reply
                    .error
                    .unwrap_or_else(|| "the handler reported a permanent failure".into()),
            )),
            other => Err(HandlerError::Retryable(format!(
                "the handler returned {other}, expected 0 (success), 1 (retryable) or 2 (permanent){}",
                reply.error.map(|e| format!(": {e}")).unwrap_or_default()
            ))),
        }
    }
}

/// The system clock until a test switches it to manual time.
#[derive(Default)]
struct SwitchClock {
    manual: AtomicBool,
    clock: ManualClock,
}

impl Clock for SwitchClock {
    fn now_millis(&self) -> i64 {
        if self.manual.load(Ordering::SeqCst) {
            self.clock.now_millis()
        } else {
            SystemClock.now_millis()
        }
    }
}

/// An exactly-once webhook processor: verify the `Stripe-Signature`, parse the event, claim it in
/// the store, run the handler registered for its type, then complete or fail it. Create with
/// `cog_processor_new`, release with `cog_processor_free`.
///
/// Thread-safe: `cog_processor_process`, `cog_processor_retry_due`, `cog_processor_requeue_dead`
/// and the clock functions may run on many threads at once; `cog_processor_on` may too (it waits
/// for running deliveries), but never from inside a handler.
#[allow(non_camel_case_types)]
pub struct cog_processor {
    inner: RwLock<WebhookProcessor>,
    clock: Arc<SwitchClock>,
}

fn processor_ref<'a>(processor: *const cog_processor) -> Result<&'a cog_processor, Failure> {
    unsafe { processor.as_ref() }.ok_or_else(|| Failure::null("processor"))
}

impl cog_processor {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, WebhookProcessor> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Create a processor over `store` checking signatures with any of the `secrets_len` secrets
/// (rotation), a replay tolerance of `tolerance_secs` (300 is Stripe's default; 0 disables the age
/// check) and a claim lease of `lease_ms` (0 = the default 30 000). The processor keeps its own
/// reference to the store: `cog_store_free` may come first. Uses the system clock until
/// `cog_processor_use_manual_clock`. Write the handle to `*out_processor`; release it with
/// `cog_processor_free`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8` (a secret),
/// `COG_STATUS_EMPTY_SECRET` (none, or an empty one), `COG_STATUS_INVALID_ARGUMENT` (negative
/// lease).
///
/// # Safety
/// `secrets` readable for `secrets_len` elements, each readable; `store` a live handle;
/// `out_processor` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_processor_new(
    secrets: *const cog_str,
    secrets_len: usize,
    store: *const cog_store,
    tolerance_secs: u64,
    lease_ms: i64,
    out_processor: *mut *mut cog_processor,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_processor, "out_processor")?;
        let store = store_ref(store)?;
        let secrets = unsafe { bytes_array_in(secrets, secrets_len, "secrets") }?
            .into_iter()
            .map(|s| std::str::from_utf8(s).map(str::to_owned).map_err(|_| Failure::invalid_utf8("secrets")))
            .collect::<Result<Vec<_>, _>>()?;
        if lease_ms < 0 {
            return Err(Failure::invalid_argument("`lease_ms` must not be negative (0 = default)"));
        }
        let mut config = ProcessorConfig::new(secrets);
        config.tolerance_secs = tolerance_secs;
        if lease_ms > 0 {
            config.lease_millis = lease_ms;
        }
        let clock = Arc::new(SwitchClock::default());
        let processor = WebhookProcessor::new(config, Arc::clone(&store.store))?.with_clock(clock.clone());
        let handle = Box::into_raw(Box::new(cog_processor { inner: RwLock::new(processor), clock }));
        unsafe { write_out(out_processor, handle) };
        Ok(())
    }
}

/// Release a processor. NULL is fine. No call on it may be running.
///
/// # Safety
/// `processor` is NULL or a handle from this library that has not been freed.
#[no_mangle]
pub unsafe extern "C" fn cog_processor_free(processor: *mut cog_processor) {
    let _ = cog_panic_boundary! {
        if !processor.is_null() {
            drop(unsafe { Box::from_raw(processor) });
        }
        Ok(())
    };
}

/// Register `handler` for `event_type` (e.g. `invoice.paid`), replacing an earlier one; events of
/// types without a handler are recorded as ignored. `user_data` is passed to every call as is: it
/// must stay valid until the processor is freed and be usable from every thread that processes
/// events, concurrently. Waits for deliveries in progress; must not be called from a handler.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT` (processor, handler), `COG_STATUS_INVALID_UTF8`,
/// `COG_STATUS_INVALID_ARGUMENT` (empty event type).
///
/// # Safety
/// `processor` a live handle; `(event_type, event_type_len)` readable; `handler` callable as
/// documented on `cog_handler_fn`.
#[no_mangle]
pub unsafe extern "C" fn cog_processor_on(
    processor: *const cog_processor,
    event_type: *const u8,
    event_type_len: usize,
    handler: cog_handler_fn,
    user_data: *mut c_void,
) -> cog_status {
    cog_panic_boundary! {
        let processor = processor_ref(processor)?;
        let func = handler.ok_or_else(|| Failure::null("handler"))?;
        let event_type = unsafe { str_in(event_type, event_type_len, "event_type") }?;
        if event_type.is_empty() {
            return Err(Failure::invalid_argument("`event_type` must not be empty"));
        }
        let handler = CHandler { func, user_data };
        let mut inner = processor.inner.write().unwrap_or_else(PoisonError::into_inner);
        inner.on(event_type, move |event: &Event| handler.call(event));
        Ok(())
    }
}

/// Process one delivery: verify `header` (the `Stripe-Signature` value) against `payload`, parse
/// the event, and handle it exactly once. Writes the outcome as JSON to `*out_result_json`:
/// `{"status":"processed"|"duplicate"|"in_progress"|"ignored"|"retrying"|"failed"|"dead",
/// "http_status":200|409,"event_id":str,"event_type":str,"duplicate":bool,"result":json|null,
/// "error":str|null,"attempt":int|null,"next_retry_at":int|null}`. A handler failure is not an
/// error: it is in the JSON (answer the provider with `http_status`).
///
/// Errors (answer HTTP 400): `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8` (header), the
/// signature errors of `cog_webhook_verify`, `COG_STATUS_EVENT_*`; (answer 500):
/// `COG_STATUS_FINGERPRINT_CONFLICT`, `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// `processor` a live handle; each `(ptr, len)` readable; `out_result_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_processor_process(
    processor: *const cog_processor,
    payload: *const u8,
    payload_len: usize,
    header: *const u8,
    header_len: usize,
    out_result_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_result_json, "out_result_json")?;
        let processor = processor_ref(processor)?;
        let payload = unsafe { bytes_in(payload, payload_len, "payload") }?;
        let header = unsafe { str_in(header, header_len, "header") }?;
        let result = processor.read().process(payload, header)?;
        unsafe { write_out(out_result_json, cog_string::from_string(result.to_json().to_string())) };
        Ok(())
    }
}

/// Re-run up to `limit` failed events whose retry is due now through their handlers; writes a JSON
/// array of results (schema of `cog_processor_process`) to `*out_results_json`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_EVENT_*` (a stored payload no longer parses),
/// `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// `processor` a live handle; `out_results_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_processor_retry_due(
    processor: *const cog_processor,
    limit: usize,
    out_results_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_results_json, "out_results_json")?;
        let processor = processor_ref(processor)?;
        let results = processor.read().retry_due(limit)?;
        let json = Value::Array(results.iter().map(|r| r.to_json()).collect());
        unsafe { write_out(out_results_json, cog_string::from_string(json.to_string())) };
        Ok(())
    }
}

/// Put a dead-lettered (or permanently failed) event back in the queue, due now; the next
/// `cog_processor_retry_due` runs it.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_KEY`,
/// `COG_STATUS_RECORD_NOT_FOUND`, `COG_STATUS_INVALID_STATE` (not dead or failed),
/// `COG_STATUS_STORE_*`. Thread-safe.
///
/// # Safety
/// `processor` a live handle; `(key, key_len)` readable.
#[no_mangle]
pub unsafe extern "C" fn cog_processor_requeue_dead(
    processor: *const cog_processor,
    key: *const u8,
    key_len: usize,
) -> cog_status {
    cog_panic_boundary! {
        let processor = processor_ref(processor)?;
        let key = unsafe { str_in(key, key_len, "key") }?;
        processor.read().requeue_dead(key)?;
        Ok(())
    }
}

/// Switch the processor to a manual clock reading `now_ms` (Unix milliseconds), for tests and
/// simulations: it then moves only with `cog_processor_advance_clock` or another call to this
/// function. Affects signature tolerance checks, claims and retry schedules. Thread-safe.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`.
///
/// # Safety
/// `processor` a live handle.
#[no_mangle]
pub unsafe extern "C" fn cog_processor_use_manual_clock(
    processor: *const cog_processor,
    now_ms: i64,
) -> cog_status {
    cog_panic_boundary! {
        let processor = processor_ref(processor)?;
        processor.clock.clock.set(now_ms);
        processor.clock.manual.store(true, Ordering::SeqCst);
        Ok(())
    }
}

/// Move the manual clock by `delta_ms` (negative moves it back).
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_STATE` (the processor uses the system
/// clock: call `cog_processor_use_manual_clock` first). Thread-safe.
///
/// # Safety
/// `processor` a live handle.
#[no_mangle]
pub unsafe extern "C" fn cog_processor_advance_clock(
    processor: *const cog_processor,
    delta_ms: i64,
) -> cog_status {
    cog_panic_boundary! {
        let processor = processor_ref(processor)?;
        if !processor.clock.manual.load(Ordering::SeqCst) {
            return Err(Failure {
                status: cog_status::InvalidState,
                message: "the processor uses the system clock; call cog_processor_use_manual_clock first".into(),
            });
        }
        processor.clock.clock.advance(delta_ms);
        Ok(())
    }
}
