//! `cognition_core._native`: the pyo3 face of cognition-core, packaged by maturin as an abi3 wheel.
//!
//! This crate only converts types, maps errors and releases the interpreter while the core hashes;
//! every rule lives in the core. The public, documented API is the pure-Python package
//! `cognition_core`, which re-exports this module (see `python/cognition_core/_native.pyi`).
#![forbid(unsafe_code)]

mod context;
mod context_tokenizer;
mod errors;
mod event;
mod inputs;
mod json;
mod processor;
mod query;
mod query_values;
mod records;
mod revenue;
mod store;
mod validation;
mod validation_values;
mod webhook;

use pyo3::prelude::*;

/// The extension module. Every function is safe to call from several threads at once: the core is
/// stateless and `Event` objects are immutable.
#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", cognition_core::VERSION)?;
    m.add(
        "DEFAULT_TOLERANCE_SECS",
        cognition_core::webhook::DEFAULT_TOLERANCE_SECS,
    )?;
    m.add("MAX_HEADER_LEN", cognition_core::webhook::MAX_HEADER_LEN)?;
    m.add("MAX_PAYLOAD_LEN", cognition_core::webhook::MAX_PAYLOAD_LEN)?;
    m.add("MAX_SECRETS", cognition_core::webhook::MAX_SECRETS)?;
    m.add_class::<event::Event>()?;
    m.add(
        "DEFAULT_LEASE_MS",
        cognition_core::idempotency::DEFAULT_LEASE_MILLIS,
    )?;
    m.add("MAX_KEY_LEN", cognition_core::idempotency::MAX_KEY_LEN)?;
    m.add_class::<records::RetryPolicy>()?;
    m.add_class::<records::LeaseToken>()?;
    m.add_class::<records::Claim>()?;
    m.add_class::<records::RetryDecision>()?;
    m.add_class::<records::Record>()?;
    m.add_class::<records::Page>()?;
    m.add_class::<records::Stats>()?;
    m.add_class::<store::Store>()?;
    m.add_class::<store::MemoryStore>()?;
    m.add_class::<store::SqliteStore>()?;
    m.add_class::<store::BackendStore>()?;
    m.add_class::<processor::WebhookProcessor>()?;
    m.add_class::<processor::ProcessResult>()?;
    m.add_class::<query_values::Fingerprint>()?;
    m.add_class::<query_values::QueryStats>()?;
    m.add_class::<query_values::Evidence>()?;
    m.add_class::<query_values::Suggestion>()?;
    m.add_class::<query_values::SuggestConfig>()?;
    m.add_class::<query_values::ImportIssue>()?;
    m.add_class::<query_values::ImportReport>()?;
    m.add_class::<query::QueryTracker>()?;
    m.add_function(wrap_pyfunction!(query::fingerprint, m)?)?;
    m.add_function(wrap_pyfunction!(query::suggest, m)?)?;
    m.add_class::<context::NativeContextMemory>()?;
    m.add_function(wrap_pyfunction!(context::count_tokens, m)?)?;
    m.add_function(wrap_pyfunction!(context::mask, m)?)?;
    m.add_function(wrap_pyfunction!(context::pack, m)?)?;
    m.add_class::<revenue::NativeRevenueLedger>()?;
    m.add("MAX_SOURCE_LEN", cognition_core::validation::MAX_SOURCE_LEN)?;
    m.add_class::<validation_values::ValidationIssue>()?;
    m.add_class::<validation_values::ValidationReport>()?;
    m.add_class::<validation_values::FixResult>()?;
    m.add_class::<validation_values::PathReport>()?;
    m.add_function(wrap_pyfunction!(validation::validate, m)?)?;
    m.add_function(wrap_pyfunction!(validation::validate_paths, m)?)?;
    m.add_function(wrap_pyfunction!(validation::fix, m)?)?;
    m.add_function(wrap_pyfunction!(validation::to_sarif, m)?)?;
    m.add_function(wrap_pyfunction!(errors::error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::sign_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::verify_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::construct_event, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::parse_event, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::sign_standard_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::verify_standard_webhook, m)?)?;
    Ok(())
}
