//! The C ABI of cognition-core; the header `include/cognition.h` is generated from this crate.
//!
//! Conventions (see ARCHITECTURE.md): every symbol is `cog_`-prefixed; fallible functions return
//! `cog_status` and write results through trailing out-pointers only on success; strings come in as
//! `(const uint8_t *ptr, size_t len)` and go out as `cog_string`, freed with `cog_string_free`;
//! every body runs inside one panic boundary and checks its pointers, so no input can crash the
//! caller.

mod context;
mod error;
mod event;
mod panic;
mod processor;
mod query;
mod query_tracker;
mod revenue;
mod status;
mod store;
mod strings;
mod validation;
mod validation_paranoid;
mod webhook;

use std::ffi::c_char;

pub use context::*;
pub use error::cog_last_error_message;
pub use event::*;
pub use processor::*;
pub use query::*;
pub use query_tracker::*;
pub use revenue::*;
pub use status::{cog_error_codes_json, cog_status, cog_status_name};
pub use store::*;
pub use strings::{cog_str, cog_string, cog_string_free};
pub use validation::*;
pub use validation_paranoid::*;
pub use webhook::*;

/// The library version (`"MAJOR.MINOR.PATCH"`), static; never free it. Compare with
/// `COGNITION_VERSION` from the header to detect a header/library mismatch.
#[no_mangle]
pub extern "C" fn cog_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
