//! The event envelope Stripe delivers, with a typed `kind` for the billing events a SaaS handles.

use serde_json::{Map, Value};

use super::{verify, EventError};
use crate::Error;

macro_rules! event_kinds {
    ($($(#[$doc:meta])* $variant:ident => $wire:literal,)*) => {
        /// The billing event types a SaaS handles, plus [`EventKind::Other`] for every other type.
        ///
        /// An unknown type is never an error: providers add types all the time.
        ///
        /// # Example
        /// ```
        /// use cognition_core::webhook::EventKind;
        ///
        /// assert_eq!(EventKind::from_type("invoice.paid"), EventKind::InvoicePaid);
        /// assert_eq!(EventKind::InvoicePaid.as_str(), "invoice.paid");
        /// assert_eq!(EventKind::from_type("plan.created"), EventKind::Other("plan.created".into()));
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum EventKind {
            $($(#[$doc])* $variant,)*
            /// Any other event type, carried verbatim.
            Other(String),
        }

        impl EventKind {
            /// Every known kind, in a stable order (used by the faces to number them).
            pub const KNOWN: &'static [EventKind] = &[$(EventKind::$variant,)*];

            /// Classify a wire type string such as `"customer.subscription.updated"`.
            pub fn from_type(type_name: &str) -> EventKind {
                match type_name {
                    $($wire => EventKind::$variant,)*
                    other => EventKind::Other(other.to_owned()),
                }
            }

            /// Return the wire type string.
            pub fn as_str(&self) -> &str {
                match self {
                    $(EventKind::$variant => $wire,)*
                    EventKind::Other(other) => other,
                }
            }
        }
    };
}

event_kinds! {
    /// `payment_intent.succeeded`
    PaymentIntentSucceeded => "payment_intent.succeeded",
    /// `payment_intent.payment_failed`
    PaymentIntentPaymentFailed => "payment_intent.payment_failed",
    /// `customer.subscription.created`
    SubscriptionCreated => "customer.subscription.created",
    /// `customer.subscription.updated`
    SubscriptionUpdated => "customer.subscription.updated",
    /// `customer.subscription.deleted`
    SubscriptionDeleted => "customer.subscription.deleted",
    /// `customer.subscription.trial_will_end`
    SubscriptionTrialWillEnd => "customer.subscription.trial_will_end",
    /// `invoice.paid`
    InvoicePaid => "invoice.paid",
    /// `invoice.payment_failed`
    InvoicePaymentFailed => "invoice.payment_failed",
    /// `invoice.finalized`
    InvoiceFinalized => "invoice.finalized",
    /// `customer.created`
    CustomerCreated => "customer.created",
    /// `customer.updated`
    CustomerUpdated => "customer.updated",
    /// `customer.deleted`
    CustomerDeleted => "customer.deleted",
    /// `payment_method.attached`
    PaymentMethodAttached => "payment_method.attached",
    /// `payment_method.detached`
    PaymentMethodDetached => "payment_method.detached",
}

impl EventKind {
    /// Return `true` unless this is [`EventKind::Other`].
    pub fn is_known(&self) -> bool {
        !matches!(self, EventKind::Other(_))
    }
}

/// A verified event envelope (`id`, `type`, `created`, `livemode`, `api_version`, `data`).
///
/// `data.object` is kept as JSON: its shape depends on the event type and the account's API version.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `id`, e.g. `evt_1Pgc76B7WZ01zgkWwyRHS12y`; use it as the idempotency key.
    pub id: String,
    /// `type`, classified.
    pub kind: EventKind,
    /// `created`, Unix seconds.
    pub created: i64,
    /// `livemode`: `false` for test-mode events.
    pub livemode: bool,
    /// `api_version` the payload was rendered with; `None` when absent or `null`.
    pub api_version: Option<String>,
    /// `data.object`: the object the event is about.
    pub object: Value,
    /// `data.previous_attributes`: the changed fields' old values, on `*.updated` events.
    pub previous_attributes: Option<Value>,
}

impl Event {
    /// Return the wire type string (`type`).
    pub fn type_name(&self) -> &str {
        self.kind.as_str()
    }

    /// Return the envelope as JSON, with the fields above in their wire names.
    ///
    /// This is the schema the C ABI's `cog_event_to_json` documents.
    pub fn to_json(&self) -> Value {
        let mut data = Map::new();
        data.insert("object".into(), self.object.clone());
        if let Some(previous) = &self.previous_attributes {
            data.insert("previous_attributes".into(), previous.clone());
        }
        serde_json::json!({
            "id": self.id,
            "type": self.type_name(),
            "known_type": self.kind.is_known(),
            "created": self.created,
            "livemode": self.livemode,
            "api_version": self.api_version,
            "data": data,
        })
    }
}

fn field<'v>(object: &'v Map<String, Value>, name: &'static str) -> Result<&'v Value, EventError> {
    match object.get(name) {
        None | Some(Value::Null) => Err(EventError::MissingField { field: name }),
        Some(value) => Ok(value),
    }
}

fn wrong(field: &'static str, expected: &'static str) -> EventError {
    EventError::WrongType { field, expected }
}

/// Parse an event envelope from a payload that has already been verified.
///
/// # Errors
/// [`EventError::InvalidJson`] with line and column; [`EventError::MissingField`] or
/// [`EventError::WrongType`] naming the field (`id`, `type`, `created`, `livemode`, `data`,
/// `data.object`, `api_version`, `data.previous_attributes`).
///
/// # Example
/// ```
/// use cognition_core::webhook::{parse_event, EventError, EventKind};
///
/// let event = parse_event(br#"{"id":"evt_1","type":"invoice.paid","created":1,"livemode":false,
///     "data":{"object":{"id":"in_1"}}}"#)?;
/// assert_eq!(event.kind, EventKind::InvoicePaid);
///
/// let err = parse_event(br#"{"id":"evt_1","type":"invoice.paid","created":1,"livemode":false,"data":{}}"#);
/// assert_eq!(err, Err(EventError::MissingField { field: "data.object" }));
/// # Ok::<(), EventError>(())
/// ```
pub fn parse_event(payload: &[u8]) -> Result<Event, EventError> {
    let root: Value = serde_json::from_slice(payload).map_err(|e| EventError::InvalidJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let Value::Object(root) = root else {
        return Err(wrong("(root)", "a JSON object"));
    };
    let id = field(&root, "id")?
        .as_str()
        .ok_or_else(|| wrong("id", "a string"))?;
    let type_name = field(&root, "type")?
        .as_str()
        .ok_or_else(|| wrong("type", "a string"))?;
    let created = field(&root, "created")?
        .as_i64()
        .ok_or_else(|| wrong("created", "an integer of Unix seconds"))?;
    let livemode = field(&root, "livemode")?
        .as_bool()
        .ok_or_else(|| wrong("livemode", "a boolean"))?;
    let api_version = match root.get("api_version") {
        None | Some(Value::Null) => None,
        Some(Value::String(v)) => Some(v.clone()),
        Some(_) => return Err(wrong("api_version", "a string or null")),
    };
    let data = field(&root, "data")?
        .as_object()
        .ok_or_else(|| wrong("data", "an object"))?;
    let object = match data.get("object") {
        None | Some(Value::Null) => {
            return Err(EventError::MissingField {
                field: "data.object",
            })
        }
        Some(object @ Value::Object(_)) => object.clone(),
        Some(_) => return Err(wrong("data.object", "an object")),
    };
    let previous_attributes = match data.get("previous_attributes") {
        None | Some(Value::Null) => None,
        Some(previous @ Value::Object(_)) => Some(previous.clone()),
        Some(_) => return Err(wrong("data.previous_attributes", "an object or null")),
    };
    Ok(Event {
        id: id.to_owned(),
        kind: EventKind::from_type(type_name),
        created,
        livemode,
        api_version,
        object,
        previous_attributes,
    })
}

/// Verify a Stripe-signed delivery, then parse its event envelope — Stripe's `construct_event`.
///
/// # Errors
/// Any [`crate::webhook::WebhookError`] from [`verify`] (as [`Error::Webhook`]), then any
/// [`EventError`] from [`parse_event`] (as [`Error::Event`]).
///
/// # Example
/// ```
/// use cognition_core::webhook::{self, EventKind};
///
/// let body = br#"{"id":"evt_1","type":"customer.created","created":1700000000,"livemode":false,
///     "api_version":"2024-06-20","data":{"object":{"id":"cus_1","object":"customer"}}}"#;
/// let header = webhook::sign(body, "whsec_test", 1_700_000_000)?;
/// let event = webhook::construct_event(body, &header, &["whsec_test"], 300, 1_700_000_005)?;
/// assert_eq!(event.kind, EventKind::CustomerCreated);
/// assert_eq!(event.object["id"], "cus_1");
/// # Ok::<(), cognition_core::Error>(())
/// ```
pub fn construct_event<S: AsRef<[u8]>>(
    payload: &[u8],
    header: &str,
    secrets: &[S],
    tolerance: u64,
    now: i64,
) -> Result<Event, Error> {
    verify(payload, header, secrets, tolerance, now)?;
    Ok(parse_event(payload)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"{"id":"evt_1","type":"customer.subscription.updated","created":5,"livemode":true,"api_version":null,"data":{"object":{"id":"sub_1"},"previous_attributes":{"status":"trialing"}}}"#;

    #[test]
    fn every_known_kind_round_trips_through_its_wire_name() {
        for kind in EventKind::KNOWN {
            assert_eq!(&EventKind::from_type(kind.as_str()), kind);
            assert!(kind.is_known());
        }
        assert_eq!(EventKind::KNOWN.len(), 14);
    }

    #[test]
    fn parses_previous_attributes_and_null_api_version() {
        let event = parse_event(BASE.as_bytes()).unwrap();
        assert_eq!(event.kind, EventKind::SubscriptionUpdated);
        assert_eq!(event.api_version, None);
        assert_eq!(event.previous_attributes.unwrap()["status"], "trialing");
        assert!(event.livemode);
    }

    #[test]
    fn wrong_types_name_the_field() {
        let cases = [
            ("\"created\":5", "\"created\":\"5\"", "created"),
            ("\"livemode\":true", "\"livemode\":1", "livemode"),
            ("\"id\":\"evt_1\"", "\"id\":1", "id"),
            ("{\"id\":\"sub_1\"}", "[]", "data.object"),
        ];
        for (from, to, field) in cases {
            let payload = BASE.replacen(from, to, 1);
            match parse_event(payload.as_bytes()) {
                Err(EventError::WrongType { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn invalid_json_reports_its_position() {
        let err = parse_event(b"{\n  \"id\": }").unwrap_err();
        assert!(
            matches!(err, EventError::InvalidJson { line: 2, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn to_json_keeps_the_wire_names() {
        let json = parse_event(BASE.as_bytes()).unwrap().to_json();
        assert_eq!(json["type"], "customer.subscription.updated");
        assert_eq!(json["data"]["previous_attributes"]["status"], "trialing");
        assert_eq!(json["known_type"], true);
    }
}
