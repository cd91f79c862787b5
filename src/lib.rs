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
//!
//! ## Context windows for LLM apps
//!
//! Keep per-tenant memories (secrets masked on insert) and pack the best of them into an exact
//! token budget — optimally, CRITICAL facts always in, every choice explained:
//!
//! ```
//! use cognition_core::context::{ContextMemory, Importance, MemoryConfig, NewEntry};
//!
//! let memory = ContextMemory::new(MemoryConfig::new())?;
//! let now = 1_700_000_000_000;
//! memory.add("acme", NewEntry::new("Billing contact: ada@example.com").importance(Importance::Critical), now)?;
//! memory.add("acme", NewEntry::new("Refunds are possible within 30 days."), now)?;
//!
//! let window = memory.build_window("acme", "refund", 100, 20, now)?;
//! assert!(window.tokens <= 80);
//! assert_eq!(window.text, "Billing contact: [EMAIL]\n\nRefunds are possible within 30 days.");
//! # Ok::<(), cognition_core::Error>(())
//! ```
//!
//! ## Revenue analytics
//!
//! MRR, ARR, ARPU, LTV, churn, MRR movements, cohorts and forecasts from subscriptions, CSV,
//! Stripe objects or subscription events — decimal money, every convention documented in
//! [`revenue`]:
//!
//! ```
//! use chrono::NaiveDate;
//! use cognition_core::revenue::{BillingInterval, Currency, RevenueLedger, Subscription};
//! use rust_decimal::Decimal;
//!
//! let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
//! let mut ledger = RevenueLedger::new();
//! ledger.add(Subscription::new("sub_1", "cus_1", "pro_yearly", Decimal::from(120_000),
//!     Currency::USD, BillingInterval::Year, day(1, 15)))?;
//! assert_eq!(ledger.mrr(day(3, 1))?.mrr.to_string(), "100.00 USD");
//! # Ok::<(), cognition_core::Error>(())
//! ```
//!
//! ## Code validation
//!
//! Check Python source the way Ruff and Bandit users expect (same rule codes, `# noqa`,
//! `# nosec`), with a 0–100 score and a pass/fail per level:
//!
//! ```
//! use cognition_core::validation::{validate, Level, Rule, ValidationConfig};
//!
//! let source = "import subprocess as sp\nsp.run(cmd, shell=True)\n";
//! let report = validate(source, &ValidationConfig::new(Level::Strict))?;
//! assert_eq!(report.issues[0].rule, Rule::SubprocessWithShell);
//! assert_eq!((report.issues[0].line, report.issues[0].column), (2, 1));
//! assert!(!report.passed);
//! # Ok::<(), cognition_core::validation::ValidationError>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod clock;
pub mod context;
mod error;
pub mod idempotency;
pub mod query;
pub mod revenue;
pub mod validation;
pub mod webhook;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, ErrorCode, ErrorFamily, ALL_ERROR_CODES};

/// The library's version, as the faces report it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
