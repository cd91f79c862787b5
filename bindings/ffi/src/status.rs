//! `cog_status`: the result of every fallible C function, mirroring `cognition_core::ErrorCode`.

use std::ffi::c_char;

use cognition_core::ErrorCode;

/// Result of a fallible function. `COG_STATUS_OK` is 0; every other value equals the number of the
/// matching `cognition_core::ErrorCode` and is never renumbered: 1–99 general, 100–149 webhook
/// signatures, 150–199 event parsing, 200–299 idempotency stores, 400–499
/// context memory and packing. `cog_last_error_message()` says more about the last failure.
/// signatures, 150–199 event parsing, 200–299 idempotency stores, 300–399 revenue analytics. `cog_last_error_message()` says more about the last failure.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cog_status {
    /// Success; out-parameters were written.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// A panic was caught inside the library (a bug; the call had no effect on your data).
    Panic = 3,
    /// An argument was outside its documented range.
    InvalidArgument = 4,
    /// The signature header could not be parsed.
    MalformedHeader = 100,
    /// No signature with the expected scheme was present.
    NoSignatureForScheme = 101,
    /// No signature matched the payload under any secret.
    SignatureMismatch = 102,
    /// The timestamp was outside the tolerance.
    TimestampOutsideTolerance = 103,
    /// A secret was empty, or no secret was given.
    EmptySecret = 104,
    /// The header was over the size limit (8 KiB).
    HeaderTooLarge = 105,
    /// The payload was over the size limit (16 MiB).
    PayloadTooLarge = 106,
    /// A secret was not in the expected form.
    InvalidSecret = 107,
    /// A required header was missing.
    MissingHeader = 108,
    /// The event payload was not valid JSON.
    EventInvalidJson = 150,
    /// A required event field was missing.
    EventMissingField = 151,
    /// An event field had the wrong type.
    EventWrongType = 152,
    /// An idempotency key was empty or over 1024 bytes.
    InvalidKey = 200,
    /// A lease token was stale: another worker took the key over; nothing was changed.
    StaleToken = 201,
    /// No record has the key.
    RecordNotFound = 202,
    /// The operation does not apply to the record's status.
    InvalidState = 203,
    /// A result was not valid JSON.
    InvalidResult = 204,
    /// The key was already used with a different payload.
    FingerprintConflict = 205,
    /// The store's data is corrupt or from a newer schema.
    StoreCorrupt = 206,
    /// The store's backend failed (I/O, locks, a user callback's failure).
    StoreBackend = 207,
    /// The CRITICAL entries do not fit the token budget, even compressed.
    ContextBudgetTooSmall = 400,
    /// An encoding name was not one of the bundled encodings (`o200k_base`, `cl100k_base`).
    ContextUnknownEncoding = 401,
    /// Content held secrets or personal data and the masking mode is `reject`.
    ContextSensitiveContent = 402,
    /// No entry of the tenant has the id.
    ContextEntryNotFound = 403,
    /// A tenant was empty, too long or contained control characters.
    ContextInvalidTenant = 404,
    /// An entry's content or summary was over the size limit.
    ContextEntryTooLarge = 405,
    /// An entry's content was empty.
    ContextEmptyContent = 406,
    /// The tenant already has an entry with the id.
    ContextDuplicateId = 407,
    /// An importance name was not critical, high, medium, low or trivial.
    ContextInvalidImportance = 408,
    /// The long-term context store failed.
    ContextStoreBackend = 409,
    /// A context argument was over a documented limit (query, id, entry count).
    ContextLimitExceeded = 410,
    /// A user-supplied tokenizer failed: it raised, or returned something that is not a count.
    ContextTokenizerFailed = 411,
    /// A subscription's fields contradict each other or are out of range.
    RevenueInvalidSubscription = 300,
    /// A currency code is not a supported ISO 4217 code.
    RevenueUnknownCurrency = 301,
    /// A reporting-currency figure needs an FX rate the table does not have.
    RevenueMissingFxRate = 302,
    /// An FX rate is not a positive decimal with at most 12 decimal places.
    RevenueInvalidFxRate = 303,
    /// Rows of a subscriptions CSV could not be read; nothing was loaded.
    RevenueMalformedCsv = 304,
    /// A Stripe subscription object or event payload is not in the expected shape.
    RevenueMalformedStripeObject = 305,
    /// A subscription event is older than one already applied to the same subscription.
    RevenueEventOutOfOrder = 306,
    /// A subscription id is already in the ledger.
    RevenueDuplicateId = 307,
    /// An amount or a sum is beyond what the ledger computes exactly.
    RevenueAmountOutOfRange = 308,
    /// The source to validate exceeded the size limit (16 MiB).
    ValidationInputTooLarge = 500,
    /// The source to validate was not valid UTF-8.
    ValidationInvalidUtf8 = 501,
    /// The validation level name was not basic, standard, strict or paranoid.
    ValidationUnknownLevel = 502,
    /// A path given to validate could not be read or listed.
    ValidationPathIo = 503,
    /// The test runner (PARANOID) could not run the tests at all.
    ValidationTestRunner = 504,
}

impl From<ErrorCode> for cog_status {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::NullArgument => cog_status::NullArgument,
            ErrorCode::InvalidUtf8 => cog_status::InvalidUtf8,
            ErrorCode::Panic => cog_status::Panic,
            ErrorCode::InvalidArgument => cog_status::InvalidArgument,
            ErrorCode::MalformedHeader => cog_status::MalformedHeader,
            ErrorCode::NoSignatureForScheme => cog_status::NoSignatureForScheme,
            ErrorCode::SignatureMismatch => cog_status::SignatureMismatch,
            ErrorCode::TimestampOutsideTolerance => cog_status::TimestampOutsideTolerance,
            ErrorCode::EmptySecret => cog_status::EmptySecret,
            ErrorCode::HeaderTooLarge => cog_status::HeaderTooLarge,
            ErrorCode::PayloadTooLarge => cog_status::PayloadTooLarge,
            ErrorCode::InvalidSecret => cog_status::InvalidSecret,
            ErrorCode::MissingHeader => cog_status::MissingHeader,
            ErrorCode::EventInvalidJson => cog_status::EventInvalidJson,
            ErrorCode::EventMissingField => cog_status::EventMissingField,
            ErrorCode::EventWrongType => cog_status::EventWrongType,
            ErrorCode::InvalidKey => cog_status::InvalidKey,
            ErrorCode::StaleToken => cog_status::StaleToken,
            ErrorCode::RecordNotFound => cog_status::RecordNotFound,
            ErrorCode::InvalidState => cog_status::InvalidState,
            ErrorCode::InvalidResult => cog_status::InvalidResult,
            ErrorCode::FingerprintConflict => cog_status::FingerprintConflict,
            ErrorCode::StoreCorrupt => cog_status::StoreCorrupt,
            ErrorCode::StoreBackend => cog_status::StoreBackend,
            ErrorCode::ContextBudgetTooSmall => cog_status::ContextBudgetTooSmall,
            ErrorCode::ContextUnknownEncoding => cog_status::ContextUnknownEncoding,
            ErrorCode::ContextSensitiveContent => cog_status::ContextSensitiveContent,
            ErrorCode::ContextEntryNotFound => cog_status::ContextEntryNotFound,
            ErrorCode::ContextInvalidTenant => cog_status::ContextInvalidTenant,
            ErrorCode::ContextEntryTooLarge => cog_status::ContextEntryTooLarge,
            ErrorCode::ContextEmptyContent => cog_status::ContextEmptyContent,
            ErrorCode::ContextDuplicateId => cog_status::ContextDuplicateId,
            ErrorCode::ContextInvalidImportance => cog_status::ContextInvalidImportance,
            ErrorCode::ContextStoreBackend => cog_status::ContextStoreBackend,
            ErrorCode::ContextLimitExceeded => cog_status::ContextLimitExceeded,
            ErrorCode::ContextTokenizerFailed => cog_status::ContextTokenizerFailed,
            ErrorCode::RevenueInvalidSubscription => cog_status::RevenueInvalidSubscription,
            ErrorCode::RevenueUnknownCurrency => cog_status::RevenueUnknownCurrency,
            ErrorCode::RevenueMissingFxRate => cog_status::RevenueMissingFxRate,
            ErrorCode::RevenueInvalidFxRate => cog_status::RevenueInvalidFxRate,
            ErrorCode::RevenueMalformedCsv => cog_status::RevenueMalformedCsv,
            ErrorCode::RevenueMalformedStripeObject => cog_status::RevenueMalformedStripeObject,
            ErrorCode::RevenueEventOutOfOrder => cog_status::RevenueEventOutOfOrder,
            ErrorCode::RevenueDuplicateId => cog_status::RevenueDuplicateId,
            ErrorCode::RevenueAmountOutOfRange => cog_status::RevenueAmountOutOfRange,
            ErrorCode::ValidationInputTooLarge => cog_status::ValidationInputTooLarge,
            ErrorCode::ValidationInvalidUtf8 => cog_status::ValidationInvalidUtf8,
            ErrorCode::ValidationUnknownLevel => cog_status::ValidationUnknownLevel,
            ErrorCode::ValidationPathIo => cog_status::ValidationPathIo,
            ErrorCode::ValidationTestRunner => cog_status::ValidationTestRunner,
            // A code added to the core but not here: the test below fails before it ships.
            _ => cog_status::Panic,
        }
    }
}

/// The stable name of a status (`"OK"`, `"SIGNATURE_MISMATCH"`, …), as used in the shared test
/// vectors; `"UNKNOWN"` for a number that is no status. Takes a plain integer so that any value a C
/// caller passes is safe.
///
/// The returned string is static: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn cog_status_name(status: u32) -> *const c_char {
    match status {
        0 => c"OK".as_ptr(),
        n => ErrorCode::from_u32(n).map_or(c"UNKNOWN".as_ptr(), static_name),
    }
}

/// Every status code the library can return except `OK`, as a JSON object `{"NAME": number, …}`,
/// written to `*out_json` (free with `cog_string_free`). Lets bindings check at test time that
/// their own code tables cover the library's. Thread-safe.
///
/// # Safety
/// `out_json` is writable.
#[no_mangle]
pub unsafe extern "C" fn cog_error_codes_json(
    out_json: *mut crate::strings::cog_string,
) -> cog_status {
    crate::panic::cog_panic_boundary! {
        crate::strings::check_out(out_json, "out_json")?;
        let table: serde_json::Map<String, serde_json::Value> = cognition_core::ALL_ERROR_CODES
            .iter()
            .map(|c| (c.name().to_owned(), (*c as u32).into()))
            .collect();
        let json = serde_json::Value::Object(table).to_string();
        unsafe { crate::strings::write_out(out_json, crate::strings::cog_string::from_string(json)) };
        Ok(())
    }
}

fn static_name(code: ErrorCode) -> *const c_char {
    // Names are static ASCII; keep NUL-terminated copies for the life of the process.
    use std::collections::HashMap;
    use std::ffi::CString;
    use std::sync::OnceLock;
    static NAMES: OnceLock<HashMap<u32, CString>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        cognition_core::ALL_ERROR_CODES
            .iter()
            .map(|c| (*c as u32, CString::new(c.name()).unwrap_or_default()))
            .collect()
    });
    names
        .get(&(code as u32))
        .map_or(c"UNKNOWN".as_ptr(), |name| name.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn every_core_code_has_a_status_with_the_same_number() {
        for code in cognition_core::ALL_ERROR_CODES {
            assert_eq!(cog_status::from(*code) as u32, *code as u32, "{code}");
        }
    }

    #[test]
    fn names_match_the_core_and_unknown_numbers_are_safe() {
        let name = |n| {
            unsafe { CStr::from_ptr(cog_status_name(n)) }
                .to_str()
                .unwrap()
        };
        assert_eq!(name(0), "OK");
        assert_eq!(name(102), "SIGNATURE_MISMATCH");
        assert_eq!(name(u32::MAX), "UNKNOWN");
    }
}
