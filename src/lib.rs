//! # cognition-core
//!
//! Embeddable plumbing that SaaS backends otherwise rewrite in every service, with one
//! storage-agnostic core behind a Rust API, a C ABI (for C, C++ and Go) and a Python wheel.
//!
//! The core never opens a connection or reads the clock on its own: storage comes in through
//! traits, and "now" is a parameter, so everything it computes is deterministic and testable.
//!
//! ## Webhook signatures
//!
//! Verify a Stripe-signed delivery (secret rotation, constant-time comparison, replay tolerance)
//! and get a typed event:
//!
//! ```
//! use cognition_core::webhook::{self, EventKind};
//!
//! let body = br#"{"id":"evt_1","type":"invoice.paid","created":1700000000,"livemode":false,
//!     "data":{"object":{"id":"in_1","object":"invoice"}}}"#;
//! let header = webhook::sign(body, "whsec_test", 1_700_000_000)?;
//!
//! let event = webhook::construct_event(body, &header, &["whsec_test"], 300, 1_700_000_030)?;
//! assert_eq!(event.kind, EventKind::InvoicePaid);
//!
//! let tampered = webhook::verify(b"{}", &header, &["whsec_test"], 300, 1_700_000_030);
//! assert!(tampered.is_err());
//! # Ok::<(), cognition_core::Error>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod clock;
mod error;
pub mod idempotency;
pub mod query;
pub mod validation;
pub mod webhook;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, ErrorCode, ErrorFamily, ALL_ERROR_CODES};

/// The library's version, as the faces report it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
