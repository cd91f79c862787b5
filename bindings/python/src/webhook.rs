//! The webhook functions: Stripe's `t=…,v1=…` scheme and Standard Webhooks.
//!
//! Each function converts its arguments into owned Rust values, releases the interpreter for the
//! HMAC work (`py.detach`), and maps the core's error onto the matching Python exception.

use cognition_core::webhook;
use pyo3::prelude::*;

use crate::errors::core_err;
use crate::event::Event;
use crate::inputs;

// The Python signatures spell the default tolerance as the literal `300` so that it shows in
// `inspect.signature` and matches the stub; this keeps the literal equal to the core's default.
const _: () = assert!(webhook::DEFAULT_TOLERANCE_SECS == 300);

/// A Stripe delivery's arguments, owned so the interpreter can be released while verifying.
struct StripeDelivery {
    payload: pyo3::pybacked::PyBackedBytes,
    header: String,
    secrets: Vec<String>,
    tolerance: u64,
    now: i64,
}

impl StripeDelivery {
    fn from_args(
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        header: &Bound<'_, PyAny>,
        secret: &Bound<'_, PyAny>,
        tolerance: i64,
        now: Option<i64>,
    ) -> PyResult<Self> {
        Ok(StripeDelivery {
            payload: inputs::payload(payload)?,
            header: inputs::string(header, "header")?,
            secrets: inputs::secrets(secret)?,
            tolerance: inputs::tolerance(py, tolerance)?,
            now: inputs::now_or_clock(now),
        })
    }
}

/// Sign `payload` as Stripe does at `timestamp` (default: now) and return the `Stripe-Signature`
/// header value.
#[pyfunction]
#[pyo3(signature = (payload, secret, *, timestamp = None))]
pub(crate) fn sign_webhook(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
    timestamp: Option<i64>,
) -> PyResult<String> {
    let payload = inputs::payload(payload)?;
    let secret = inputs::string(secret, "secret")?;
    let timestamp = inputs::now_or_clock(timestamp);
    py.detach(|| webhook::sign(&payload, &secret, timestamp))
        .map_err(|e| core_err(py, e))
}

/// Verify a `Stripe-Signature` header and return the signed timestamp.
#[pyfunction]
#[pyo3(signature = (payload, header, secret, *, tolerance = 300, now = None))]
pub(crate) fn verify_webhook(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    header: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
    tolerance: i64,
    now: Option<i64>,
) -> PyResult<i64> {
    let d = StripeDelivery::from_args(py, payload, header, secret, tolerance, now)?;
    py.detach(|| webhook::verify(&d.payload, &d.header, &d.secrets, d.tolerance, d.now))
        .map_err(|e| core_err(py, e))
}

/// Verify a Stripe-signed delivery, then parse its event envelope.
#[pyfunction]
#[pyo3(signature = (payload, header, secret, *, tolerance = 300, now = None))]
pub(crate) fn construct_event(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    header: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
    tolerance: i64,
    now: Option<i64>,
) -> PyResult<Event> {
    let d = StripeDelivery::from_args(py, payload, header, secret, tolerance, now)?;
    let event = py
        .detach(|| webhook::construct_event(&d.payload, &d.header, &d.secrets, d.tolerance, d.now))
        .map_err(|e| core_err(py, e))?;
    Event::new(py, event, &d.payload)
}

/// Parse the event envelope of a payload that has already been verified.
#[pyfunction]
pub(crate) fn parse_event(py: Python<'_>, payload: &Bound<'_, PyAny>) -> PyResult<Event> {
    let payload = inputs::payload(payload)?;
    let event = py
        .detach(|| webhook::parse_event(&payload))
        .map_err(|e| core_err(py, e))?;
    Event::new(py, event, &payload)
}

/// Sign a Standard Webhooks message and return the `webhook-signature` header value.
#[pyfunction]
pub(crate) fn sign_standard_webhook(
    py: Python<'_>,
    msg_id: &Bound<'_, PyAny>,
    timestamp: i64,
    payload: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let msg_id = inputs::string(msg_id, "msg_id")?;
    let payload = inputs::payload(payload)?;
    let secret = inputs::string(secret, "secret")?;
    py.detach(|| webhook::sign_standard(&msg_id, timestamp, &payload, &secret))
        .map_err(|e| core_err(py, e))
}

/// Verify a Standard Webhooks delivery from its HTTP headers and return its timestamp.
#[pyfunction]
#[pyo3(signature = (payload, headers, secret, *, tolerance = 300, now = None))]
pub(crate) fn verify_standard_webhook(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
    tolerance: i64,
    now: Option<i64>,
) -> PyResult<i64> {
    let payload = inputs::payload(payload)?;
    let headers = inputs::header_pairs(headers)?;
    let secrets = inputs::secrets(secret)?;
    let tolerance = inputs::tolerance(py, tolerance)?;
    let now = inputs::now_or_clock(now);
    py.detach(|| {
        let pairs = headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()));
        webhook::verify_standard_headers(&payload, pairs, &secrets, tolerance, now)
    })
    .map_err(|e| core_err(py, e))
}
