//! Revenue analytics: the `cog_revenue_ledger` handle, loaders (subscription JSON, Stripe
//! subscription JSON, CSV, subscription events) the all-in-one report and one metric at a time as JSON.

use std::sync::RwLock;

use cognition_core::revenue::{LedgerConfig, MetricQuery, RevenueLedger, Subscription};
use cognition_core::webhook::parse_event;
use serde_json::Value;

use crate::error::Failure;
use crate::panic::cog_panic_boundary;
use crate::status::cog_status;
use crate::strings::{bytes_in, check_out, cog_string, str_in, write_out};

/// A revenue ledger: subscriptions and their history, and every metric over them. Create with
/// `cog_revenue_ledger_new`, release with `cog_revenue_ledger_free`.
///
/// Thread-safe: loaders take an exclusive lock, reports a shared one, so many threads may report
/// at once while loads wait their turn.
#[allow(non_camel_case_types)]
pub struct cog_revenue_ledger {
    ledger: RwLock<RevenueLedger>,
}

fn ledger_ref<'a>(ledger: *const cog_revenue_ledger) -> Result<&'a cog_revenue_ledger, Failure> {
    unsafe { ledger.as_ref() }.ok_or_else(|| Failure::null("ledger"))
}

fn json_in(bytes: &[u8], name: &str) -> Result<Value, Failure> {
    serde_json::from_slice(bytes)
        .map_err(|e| Failure::invalid_argument(format!("`{name}` is not valid JSON: {e}")))
}

impl cog_revenue_ledger {
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, RevenueLedger> {
        self.ledger
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, RevenueLedger> {
        self.ledger
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Create an empty ledger configured by the JSON `(config_json, config_len)` (empty = defaults):
/// `{"count_past_due": true, "fx": {"reporting": "USD", "rates": [{"currency": "EUR",
/// "rate": "1.08", "from": "2024-01-01" or null}]}}`, every key optional. Write the handle to
/// `*out_ledger`; release it with `cog_revenue_ledger_free`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_ARGUMENT` (bad JSON or key),
/// `COG_STATUS_REVENUE_UNKNOWN_CURRENCY`, `COG_STATUS_REVENUE_INVALID_FX_RATE`.
///
/// # Safety
/// `(config_json, config_len)` readable (NULL with length 0 is fine); `out_ledger` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_revenue_ledger_new(
    config_json: *const u8,
    config_len: usize,
    out_ledger: *mut *mut cog_revenue_ledger,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_ledger, "out_ledger")?;
        let bytes = unsafe { bytes_in(config_json, config_len, "config_json") }?;
        let config = if bytes.is_empty() { LedgerConfig::default() } else { LedgerConfig::from_json(&json_in(bytes, "config_json")?)? };
        let handle = Box::into_raw(Box::new(cog_revenue_ledger { ledger: RwLock::new(RevenueLedger::with_config(config)) }));
        unsafe { write_out(out_ledger, handle) };
        Ok(())
    }
}

/// Release a ledger. NULL is fine. Not to be called while another thread still uses the handle.
///
/// # Safety
/// `ledger` is NULL or a handle from `cog_revenue_ledger_new` that has not been freed.
#[no_mangle]
pub unsafe extern "C" fn cog_revenue_ledger_free(ledger: *mut cog_revenue_ledger) {
    let _ = cog_panic_boundary! {
        if !ledger.is_null() {
            drop(unsafe { Box::from_raw(ledger) });
        }
        Ok(())
    };
}

/// Add subscriptions given as JSON: one object or a list of them, in the core's JSON form
/// (`id`, `customer_id`, `plan_id`, `tier`, `status`, `unit_amount` as a decimal string in minor
/// units, `currency`, `interval`, `interval_count`, `quantity`, `discounts`, `created`, `start`,
/// `trial_end`, `canceled_at`, `ended_at` as `"YYYY-MM-DD"`, `cancel_at_period_end`). All or
/// nothing: on error nothing is added.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_ARGUMENT` (not JSON),
/// `COG_STATUS_REVENUE_INVALID_SUBSCRIPTION`, `COG_STATUS_REVENUE_UNKNOWN_CURRENCY`,
/// `COG_STATUS_REVENUE_DUPLICATE_ID`.
///
/// # Safety
/// `ledger` is a live handle; `(json, json_len)` readable.
#[no_mangle]
pub unsafe extern "C" fn cog_revenue_add_subscriptions_json(
    ledger: *const cog_revenue_ledger,
    json: *const u8,
    json_len: usize,
) -> cog_status {
    cog_panic_boundary! {
        let ledger = ledger_ref(ledger)?;
        let value = json_in(unsafe { bytes_in(json, json_len, "json") }?, "json")?;
        let items = match &value {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            other => vec![other],
        };
        let subs = items.into_iter().map(Subscription::from_json).collect::<Result<Vec<_>, _>>()?;
        ledger.write().extend(subs)?;
        Ok(())
    }
}

/// Add one Stripe Subscription object as the API returns it (items with expanded prices;
/// discounts expanded). A subscription with several items is one entry keyed by its id.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_ARGUMENT` (not JSON),
/// `COG_STATUS_REVENUE_MALFORMED_STRIPE_OBJECT` (the message names the JSON path),
/// `COG_STATUS_REVENUE_UNKNOWN_CURRENCY`, `COG_STATUS_REVENUE_INVALID_SUBSCRIPTION`,
/// `COG_STATUS_REVENUE_DUPLICATE_ID`.
///
/// # Safety
/// `ledger` is a live handle; `(json, json_len)` readable.
#[no_mangle]
pub unsafe extern "C" fn cog_revenue_add_stripe_json(
    ledger: *const cog_revenue_ledger,
    json: *const u8,
    json_len: usize,
) -> cog_status {
    cog_panic_boundary! {
        let ledger = ledger_ref(ledger)?;
        let value = json_in(unsafe { bytes_in(json, json_len, "json") }?, "json")?;
        ledger.write().add_stripe(&value)?;
        Ok(())
    }
}

/// Load subscriptions from CSV text (columns documented in `cognition_core::revenue`'s csv
/// module: `id,customer_id,plan_id,tier,status,unit_amount,currency,interval,interval_count,
/// quantity,discount_type,discount_value,discount_start,discount_end,created,start,trial_end,
/// canceled_at,ended_at,cancel_at_period_end`). All or nothing. Write the number of rows loaded to
/// `*out_loaded`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_REVENUE_MALFORMED_CSV` (the message lists the
/// first bad rows with line and column), `COG_STATUS_REVENUE_DUPLICATE_ID`.
///
/// # Safety
/// `ledger` is a live handle; `(csv, csv_len)` readable; `out_loaded` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_revenue_load_csv(
    ledger: *const cog_revenue_ledger,
    csv: *const u8,
    csv_len: usize,
    out_loaded: *mut usize,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_loaded, "out_loaded")?;
        let ledger = ledger_ref(ledger)?;
        let bytes = unsafe { bytes_in(csv, csv_len, "csv") }?;
        let loaded = ledger.write().load_csv(bytes)?;
        unsafe { write_out(out_loaded, loaded) };
        Ok(())
    }
}

/// Apply a verified event envelope (the JSON body Stripe delivers): a `customer.subscription.*`
/// event records the subscription's new state from the event's UTC day on; other events are
/// ignored. Write `true` to `*out_applied` if the ledger changed.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_EVENT_*` (not an event envelope),
/// `COG_STATUS_REVENUE_MALFORMED_STRIPE_OBJECT`, `COG_STATUS_REVENUE_EVENT_OUT_OF_ORDER` (an
/// older event than one already applied to the subscription),
/// `COG_STATUS_REVENUE_INVALID_SUBSCRIPTION`.
///
/// # Safety
/// `ledger` is a live handle; `(event_json, event_len)` readable; `out_applied` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_revenue_apply_event_json(
    ledger: *const cog_revenue_ledger,
    event_json: *const u8,
    event_len: usize,
    out_applied: *mut bool,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_applied, "out_applied")?;
        let ledger = ledger_ref(ledger)?;
        let event = parse_event(unsafe { bytes_in(event_json, event_len, "event_json") }?)?;
        let outcome = ledger.write().apply_event(&event)?;
        unsafe { write_out(out_applied, outcome == cognition_core::revenue::EventOutcome::Applied) };
        Ok(())
    }
}

/// Every metric as of the end of the day `(as_of, as_of_len)` (`"YYYY-MM-DD"`), as JSON written
/// to `*out_json` (free with `cog_string_free`). The schema is `cognition_core::revenue::
/// RevenueReport` serialised: `snapshot`, `movements`, `churn`, `ltv`, `cohorts`, `forecast`,
/// `by_tier`, `by_plan`, `by_currency`; money as `{"amount": "<decimal minor units>",
/// "currency": "USD"}`, ratios as decimal strings, `"unbounded"` or `null`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_ARGUMENT`
/// (not a date), `COG_STATUS_REVENUE_MISSING_FX_RATE`, `COG_STATUS_REVENUE_AMOUNT_OUT_OF_RANGE`.
///
/// # Safety
/// `ledger` is a live handle; `(as_of, as_of_len)` readable; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_revenue_report_json(
    ledger: *const cog_revenue_ledger,
    as_of: *const u8,
    as_of_len: usize,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let ledger = ledger_ref(ledger)?;
        let text = unsafe { str_in(as_of, as_of_len, "as_of") }?;
        let day: chrono::NaiveDate = text
            .parse()
            .map_err(|_| Failure::invalid_argument(format!("`as_of` {text:?} is not a date (YYYY-MM-DD)")))?;
        let report = ledger.read().report(day)?;
        let json = serde_json::to_string(&report).map_err(|e| Failure::invalid_argument(e.to_string()))?;
        unsafe { write_out(out_json, cog_string::from_string(json)) };
        Ok(())
    }
}

/// One metric, named by the JSON object `(query_json, query_len)`, as JSON written to
/// `*out_json` (free with `cog_string_free`). `{"metric": NAME, ...}` with dates as
/// `"YYYY-MM-DD"`: `snapshot` (or `mrr`) and `report`: `as_of`; `movements`: `start`, `end`,
/// `by_currency` (default true); `churn`: `month`; `ltv`: `as_of`, `window_months` (default 3);
/// `cohorts`: `as_of`, `period` (`day`, `week`, `month` (default), `quarter`); `forecast`: `as_of`,
/// `months` (default 12), `history_months` (default 6); `breakdown`: `as_of`, `by` (`tier`
/// (default), `plan`, `currency`). The result is the metric's struct as in the report
/// (`cognition_core::revenue::MetricResult`). An unknown metric or key is refused.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_ARGUMENT`
/// (not JSON, unknown metric or key, bad date or option, range errors),
/// `COG_STATUS_REVENUE_MISSING_FX_RATE`, `COG_STATUS_REVENUE_AMOUNT_OUT_OF_RANGE`.
///
/// # Safety
/// `ledger` is a live handle; `(query_json, query_len)` readable; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_revenue_query_json(
    ledger: *const cog_revenue_ledger,
    query_json: *const u8,
    query_len: usize,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let ledger = ledger_ref(ledger)?;
        let value = json_in(unsafe { bytes_in(query_json, query_len, "query_json") }?, "query_json")?;
        let query = MetricQuery::from_json(&value)?;
        let result = ledger.read().query(&query)?;
        let json = serde_json::to_string(&result).map_err(|e| Failure::invalid_argument(e.to_string()))?;
        unsafe { write_out(out_json, cog_string::from_string(json)) };
        Ok(())
    }
}
