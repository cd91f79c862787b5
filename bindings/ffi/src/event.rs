//! Parsed Stripe events: an opaque `cog_event` handle with typed accessors and a JSON view.

use cognition_core::webhook::{self, Event, EventKind};

use crate::error::Failure;
use crate::panic::cog_panic_boundary;
use crate::status::cog_status;
use crate::strings::{bytes_array_in, bytes_in, check_out, cog_str, cog_string, str_in, write_out};

/// A verified, parsed event envelope. Create with `cog_webhook_construct_event` or
/// `cog_event_parse`, release with `cog_event_free`. Immutable: safe to read from several threads.
#[allow(non_camel_case_types)]
pub struct cog_event {
    event: Event,
}

/// The billing event types with a typed kind; `COG_EVENT_KIND_OTHER` for every other type (read
/// the type string with `cog_event_type`). Values are stable.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cog_event_kind {
    /// Any type without a typed kind.
    Other = 0,
    /// `payment_intent.succeeded`
    PaymentIntentSucceeded = 1,
    /// `payment_intent.payment_failed`
    PaymentIntentPaymentFailed = 2,
    /// `customer.subscription.created`
    SubscriptionCreated = 3,
    /// `customer.subscription.updated`
    SubscriptionUpdated = 4,
    /// `customer.subscription.deleted`
    SubscriptionDeleted = 5,
    /// `customer.subscription.trial_will_end`
    SubscriptionTrialWillEnd = 6,
    /// `invoice.paid`
    InvoicePaid = 7,
    /// `invoice.payment_failed`
    InvoicePaymentFailed = 8,
    /// `invoice.finalized`
    InvoiceFinalized = 9,
    /// `customer.created`
    CustomerCreated = 10,
    /// `customer.updated`
    CustomerUpdated = 11,
    /// `customer.deleted`
    CustomerDeleted = 12,
    /// `payment_method.attached`
    PaymentMethodAttached = 13,
    /// `payment_method.detached`
    PaymentMethodDetached = 14,
}

impl From<&EventKind> for cog_event_kind {
    fn from(kind: &EventKind) -> Self {
        use cog_event_kind as C;
        match kind {
            EventKind::PaymentIntentSucceeded => C::PaymentIntentSucceeded,
            EventKind::PaymentIntentPaymentFailed => C::PaymentIntentPaymentFailed,
            EventKind::SubscriptionCreated => C::SubscriptionCreated,
            EventKind::SubscriptionUpdated => C::SubscriptionUpdated,
            EventKind::SubscriptionDeleted => C::SubscriptionDeleted,
            EventKind::SubscriptionTrialWillEnd => C::SubscriptionTrialWillEnd,
            EventKind::InvoicePaid => C::InvoicePaid,
            EventKind::InvoicePaymentFailed => C::InvoicePaymentFailed,
            EventKind::InvoiceFinalized => C::InvoiceFinalized,
            EventKind::CustomerCreated => C::CustomerCreated,
            EventKind::CustomerUpdated => C::CustomerUpdated,
            EventKind::CustomerDeleted => C::CustomerDeleted,
            EventKind::PaymentMethodAttached => C::PaymentMethodAttached,
            EventKind::PaymentMethodDetached => C::PaymentMethodDetached,
            _ => C::Other,
        }
    }
}

fn event_ref<'a>(event: *const cog_event) -> Result<&'a Event, Failure> {
    unsafe { event.as_ref() }
        .map(|e| &e.event)
        .ok_or_else(|| Failure::null("event"))
}

fn box_event(event: Event, out: *mut *mut cog_event) {
    let handle = Box::into_raw(Box::new(cog_event { event }));
    unsafe { write_out(out, handle) };
}

/// Verify a Stripe-signed delivery (exactly as `cog_webhook_verify`), then parse its envelope and
/// write a new handle to `*out_event`; release it with `cog_event_free`.
///
/// Errors: those of `cog_webhook_verify`, then `COG_STATUS_EVENT_INVALID_JSON`,
/// `COG_STATUS_EVENT_MISSING_FIELD`, `COG_STATUS_EVENT_WRONG_TYPE` (the message names the field).
///
/// # Safety
/// As `cog_webhook_verify`; `out_event` is writable.
#[no_mangle]
pub unsafe extern "C" fn cog_webhook_construct_event(
    payload: *const u8,
    payload_len: usize,
    header: *const u8,
    header_len: usize,
    secrets: *const cog_str,
    secrets_len: usize,
    tolerance: u64,
    now: i64,
    out_event: *mut *mut cog_event,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_event, "out_event")?;
        let payload = unsafe { bytes_in(payload, payload_len, "payload") }?;
        let header = unsafe { str_in(header, header_len, "header") }?;
        let secrets = unsafe { bytes_array_in(secrets, secrets_len, "secrets") }?;
        let event = webhook::construct_event(payload, header, &secrets, tolerance, now)?;
        box_event(event, out_event);
        Ok(())
    }
}

/// Parse an event envelope from a payload you have already verified; write a new handle to
/// `*out_event`. Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_EVENT_*`.
///
/// # Safety
/// `(payload, payload_len)` readable; `out_event` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_event_parse(
    payload: *const u8,
    payload_len: usize,
    out_event: *mut *mut cog_event,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_event, "out_event")?;
        let payload = unsafe { bytes_in(payload, payload_len, "payload") }?;
        box_event(webhook::parse_event(payload).map_err(cognition_core::Error::from)?, out_event);
        Ok(())
    }
}

/// Release an event handle. NULL is fine.
///
/// # Safety
/// `event` is NULL or a handle from this library that has not been freed.
#[no_mangle]
pub unsafe extern "C" fn cog_event_free(event: *mut cog_event) {
    let _ = cog_panic_boundary! {
        if !event.is_null() {
            drop(unsafe { Box::from_raw(event) });
        }
        Ok(())
    };
}

/// The event's typed kind, or `COG_EVENT_KIND_OTHER` (also for a NULL handle).
///
/// # Safety
/// `event` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn cog_event_kind_of(event: *const cog_event) -> cog_event_kind {
    event_ref(event).map_or(cog_event_kind::Other, |e| (&e.kind).into())
}

/// The event's `created` time (Unix seconds), written to `*out_created`.
///
/// # Safety
/// `event` is a live handle; `out_created` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_event_created(
    event: *const cog_event,
    out_created: *mut i64,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_created, "out_created")?;
        let created = event_ref(event)?.created;
        unsafe { write_out(out_created, created) };
        Ok(())
    }
}

/// The event's `livemode` flag, written to `*out_livemode`.
///
/// # Safety
/// `event` is a live handle; `out_livemode` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_event_livemode(
    event: *const cog_event,
    out_livemode: *mut bool,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_livemode, "out_livemode")?;
        let livemode = event_ref(event)?.livemode;
        unsafe { write_out(out_livemode, livemode) };
        Ok(())
    }
}

/// The event's `id` (e.g. `evt_…`), as a new string; free with `cog_string_free`.
///
/// # Safety
/// `event` is a live handle; `out_id` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_event_id(
    event: *const cog_event,
    out_id: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_id, "out_id")?;
        let id = event_ref(event)?.id.clone();
        unsafe { write_out(out_id, cog_string::from_string(id)) };
        Ok(())
    }
}

/// The event's wire `type` (e.g. `invoice.paid`), as a new string; free with `cog_string_free`.
///
/// # Safety
/// `event` is a live handle; `out_type` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_event_type(
    event: *const cog_event,
    out_type: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_type, "out_type")?;
        let type_name = event_ref(event)?.type_name().to_owned();
        unsafe { write_out(out_type, cog_string::from_string(type_name)) };
        Ok(())
    }
}

/// The whole envelope as JSON, as a new string; free with `cog_string_free`. Schema:
/// `{"id": str, "type": str, "known_type": bool, "created": int, "livemode": bool,
///   "api_version": str|null, "data": {"object": {...}, "previous_attributes"?: {...}}}`.
///
/// # Safety
/// `event` is a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_event_to_json(
    event: *const cog_event,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let json = event_ref(event)?.to_json().to_string();
        unsafe { write_out(out_json, cog_string::from_string(json)) };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_kind_has_its_own_c_value() {
        let mut values: Vec<u32> = EventKind::KNOWN
            .iter()
            .map(|k| cog_event_kind::from(k) as u32)
            .collect();
        assert!(!values.contains(&0));
        values.sort_unstable();
        values.dedup();
        assert_eq!(values.len(), EventKind::KNOWN.len());
    }
}
