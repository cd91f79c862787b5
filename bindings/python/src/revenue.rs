//! The revenue face: `NativeRevenueLedger` over `cognition_core::revenue::RevenueLedger`.
//!
//! The native layer speaks plain values: subscriptions as JSON-shaped `dict`s (the core's JSON
//! form, built by `cognition_core._revenue` from dicts, dataclasses, `Decimal`s and `date`s),
//! days as `"YYYY-MM-DD"` strings, results as the core's serde output (`dict`s with decimal
//! strings). The Python layer turns those into `Decimal`s, `date`s and dataclasses. Loads and
//! metrics run with the interpreter released; a ledger is shared safely between threads (loads
//! take a write lock, metrics a read lock).

use std::path::PathBuf;

use chrono::NaiveDate;
use cognition_core::revenue::{
    BreakdownBy, CohortPeriod, Currency, EventOutcome, ForecastOptions, FxTable, LedgerConfig,
    RevenueError, RevenueLedger, Subscription,
};
use cognition_core::webhook::parse_event;
use parking_lot::RwLock;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyList;
use serde::Serialize;

use crate::errors::{core_err, invalid_argument, to_py_err};
use crate::json::{to_py, to_value};
use crate::query::os_error;

/// Parse a `"YYYY-MM-DD"` day handed over by the Python layer.
fn day(py: Python<'_>, text: &str, what: &str) -> PyResult<NaiveDate> {
    text.parse()
        .map_err(|_| invalid_argument(py, format!("{what} {text:?} is not a date (YYYY-MM-DD)")))
}

/// Convert a core result to Python through its serde form.
fn serialised<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    to_py(py, &value)
}

/// A revenue error re-raised with `where` in front of its message (same code).
fn located(py: Python<'_>, place: &str, err: RevenueError) -> PyErr {
    to_py_err(py, err.code(), format!("{place}: {err}"))
}

/// JSON values from a Python list, each converted on its own so an error names its index.
fn json_items(list: &Bound<'_, PyList>, what: &str) -> PyResult<Vec<serde_json::Value>> {
    let py = list.py();
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            to_value(&item).map_err(|e| {
                invalid_argument(
                    py,
                    format!("{what}[{i}]: {}", e.replacen("result", "value", 1)),
                )
            })
        })
        .collect()
}

/// Build the ledger configuration: `config` is the core's JSON form (see
/// `LedgerConfig::from_json`); `fx_csv`, if given, replaces its rates with a CSV table
/// (`currency,rate[,from]`) into `config["fx"]["reporting"]`.
fn ledger_config(
    py: Python<'_>,
    config: &Bound<'_, PyAny>,
    fx_csv: Option<PyBackedBytes>,
) -> PyResult<LedgerConfig> {
    let value = to_value(config).map_err(|e| {
        invalid_argument(
            py,
            format!("ledger options: {}", e.replacen("result", "options", 1)),
        )
    })?;
    let mut config = LedgerConfig::from_json(&value).map_err(|e| core_err(py, e))?;
    if let Some(csv) = fx_csv {
        let reporting = match &config.fx {
            Some(fx) => fx.reporting_currency(),
            None => {
                return Err(invalid_argument(
                    py,
                    "an FX CSV needs a reporting currency (reporting_currency=...)",
                ))
            }
        };
        let table = py
            .detach(|| FxTable::from_csv(reporting, &csv[..]))
            .map_err(|e| located(py, "FX CSV", e))?;
        config.fx = Some(table);
    }
    Ok(config)
}

/// Subscriptions, their history and every revenue metric; `cognition_core.RevenueLedger` wraps it.
#[pyclass(module = "cognition_core._native", frozen)]
pub(crate) struct NativeRevenueLedger(RwLock<RevenueLedger>);

#[pymethods]
impl NativeRevenueLedger {
    /// An empty ledger configured by `config` (the core's JSON form) and an optional FX CSV.
    #[new]
    #[pyo3(signature = (config, fx_csv = None))]
    fn new(
        py: Python<'_>,
        config: &Bound<'_, PyAny>,
        fx_csv: Option<PyBackedBytes>,
    ) -> PyResult<Self> {
        let config = ledger_config(py, config, fx_csv)?;
        Ok(NativeRevenueLedger(RwLock::new(
            RevenueLedger::with_config(config),
        )))
    }

    /// Return the number of subscriptions.
    fn __len__(&self) -> usize {
        self.0.read().len()
    }

    /// The reporting currency's code, or `None` for a ledger without FX table and subscriptions.
    #[getter]
    fn reporting_currency(&self) -> Option<String> {
        let ledger = self.0.read();
        if let Some(fx) = &ledger.config().fx {
            return Some(fx.reporting_currency().to_string());
        }
        None
    }

    /// Whether past-due subscriptions count.
    #[getter]
    fn count_past_due(&self) -> bool {
        self.0.read().config().count_past_due
    }

    /// Add subscriptions in the core's JSON form, all or nothing; return how many were added.
    /// Errors name the offending item: `records[i]`.
    fn add_records(&self, py: Python<'_>, records: &Bound<'_, PyList>) -> PyResult<usize> {
        let values = json_items(records, "records")?;
        let subs = py.detach(|| {
            values
                .iter()
                .enumerate()
                .map(|(i, v)| Subscription::from_json(v).map_err(|e| (i, e)))
                .collect::<Result<Vec<_>, _>>()
        });
        let subs = subs.map_err(|(i, e)| located(py, &format!("records[{i}]"), e))?;
        py.detach(|| self.0.write().extend(subs.iter().cloned()))
            .map_err(|e| match &e {
                RevenueError::DuplicateId { id } => {
                    let at = subs.iter().enumerate().filter(|(_, s)| &s.id == id).nth(1);
                    let at = at.or_else(|| subs.iter().enumerate().find(|(_, s)| &s.id == id));
                    match at {
                        Some((i, _)) => located(py, &format!("records[{i}]"), e),
                        None => core_err(py, e),
                    }
                }
                _ => core_err(py, e),
            })
    }

    /// Add Stripe Subscription objects (JSON-shaped dicts), all or nothing; return how many.
    fn add_stripe(&self, py: Python<'_>, objects: &Bound<'_, PyList>) -> PyResult<usize> {
        let values = json_items(objects, "subscriptions")?;
        // All or nothing: add to a copy, swap it in only if every object was good.
        let outcome = py.detach(|| {
            let mut ledger = self.0.write();
            let mut staged = ledger.clone();
            for (i, v) in values.iter().enumerate() {
                staged.add_stripe(v).map_err(|e| (i, e))?;
            }
            *ledger = staged;
            Ok(values.len())
        });
        outcome.map_err(|(i, e)| located(py, &format!("subscriptions[{i}]"), e))
    }

    /// Load CSV text, all or nothing; return how many rows were loaded.
    fn load_csv_bytes(&self, py: Python<'_>, csv: PyBackedBytes) -> PyResult<usize> {
        self.load_csv(py, &csv)
    }

    /// Load a CSV file, all or nothing; return how many rows were loaded.
    fn load_csv_file(&self, py: Python<'_>, path: PathBuf) -> PyResult<usize> {
        let bytes = py
            .detach(|| std::fs::read(&path))
            .map_err(|e| os_error(&e, &path))?;
        self.load_csv(py, &bytes)
    }

    /// Apply an event envelope (JSON bytes); return `True` if it changed the ledger.
    fn apply_event(&self, py: Python<'_>, event: PyBackedBytes) -> PyResult<bool> {
        let event = parse_event(&event).map_err(|e| core_err(py, e))?;
        py.detach(|| self.0.write().apply_event(&event))
            .map(|outcome| outcome == EventOutcome::Applied)
            .map_err(|e| core_err(py, e))
    }

    /// The MRR snapshot as of `as_of`.
    fn mrr<'py>(&self, py: Python<'py>, as_of: &str) -> PyResult<Bound<'py, PyAny>> {
        let as_of = day(py, as_of, "as_of")?;
        let result = py
            .detach(|| self.0.read().mrr(as_of))
            .map_err(|e| core_err(py, e))?;
        serialised(py, &result)
    }

    /// MRR of one currency, unconverted (decimal string of minor units).
    fn mrr_in(&self, py: Python<'_>, currency: &str, as_of: &str) -> PyResult<String> {
        let currency = Currency::parse(currency).map_err(|e| core_err(py, e))?;
        let as_of = day(py, as_of, "as_of")?;
        let money = py
            .detach(|| self.0.read().mrr_in(currency, as_of))
            .map_err(|e| core_err(py, e))?;
        Ok(money.amount.to_string())
    }

    /// Movements from `start`'s month to `end`'s; the per-currency tables only if `by_currency`.
    #[pyo3(signature = (start, end, by_currency = true))]
    fn movements<'py>(
        &self,
        py: Python<'py>,
        start: &str,
        end: &str,
        by_currency: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (start, end) = (day(py, start, "start")?, day(py, end, "end")?);
        let result = py
            .detach(|| {
                let ledger = self.0.read();
                if by_currency {
                    ledger.movements(start, end)
                } else {
                    ledger.reporting_movements(start, end)
                }
            })
            .map_err(|e| core_err(py, e))?;
        serialised(py, &result)
    }

    /// Churn and retention of the month containing `month`.
    fn churn<'py>(&self, py: Python<'py>, month: &str) -> PyResult<Bound<'py, PyAny>> {
        let month = day(py, month, "month")?;
        let result = py
            .detach(|| self.0.read().churn(month))
            .map_err(|e| core_err(py, e))?;
        serialised(py, &result)
    }

    /// LTV as of `as_of` over `window_months` complete months.
    fn ltv<'py>(
        &self,
        py: Python<'py>,
        as_of: &str,
        window_months: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = day(py, as_of, "as_of")?;
        let result = py
            .detach(|| self.0.read().ltv(as_of, window_months))
            .map_err(|e| core_err(py, e))?;
        serialised(py, &result)
    }

    /// Cohorts by `period` (day, week, month, quarter) up to `as_of`.
    fn cohorts<'py>(
        &self,
        py: Python<'py>,
        period: &str,
        as_of: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let period: CohortPeriod = period.parse().map_err(|e| core_err(py, e))?;
        let as_of = day(py, as_of, "as_of")?;
        let result = py
            .detach(|| self.0.read().cohorts(period, as_of))
            .map_err(|e| core_err(py, e))?;
        serialised(py, &result)
    }

    /// Forecast `months` months from `history_months` months of history before `as_of`.
    fn forecast<'py>(
        &self,
        py: Python<'py>,
        as_of: &str,
        months: u32,
        history_months: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = day(py, as_of, "as_of")?;
        let options = ForecastOptions {
            months,
            history_months,
        };
        let result = py
            .detach(|| self.0.read().forecast(as_of, options))
            .map_err(|e| core_err(py, e))?;
        serialised(py, &result)
    }

    /// Breakdown per tier, plan or currency as of `as_of`.
    fn breakdown<'py>(
        &self,
        py: Python<'py>,
        as_of: &str,
        by: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let by: BreakdownBy = by.parse().map_err(|e| core_err(py, e))?;
        let as_of = day(py, as_of, "as_of")?;
        let result = py
            .detach(|| self.0.read().breakdown(as_of, by))
            .map_err(|e| core_err(py, e))?;
        serialised(py, &result)
    }

    /// Every metric as of `as_of`.
    fn report<'py>(&self, py: Python<'py>, as_of: &str) -> PyResult<Bound<'py, PyAny>> {
        let as_of = day(py, as_of, "as_of")?;
        let result = py
            .detach(|| self.0.read().report(as_of))
            .map_err(|e| core_err(py, e))?;
        serialised(py, &result)
    }

    fn __repr__(&self) -> String {
        let ledger = self.0.read();
        format!(
            "NativeRevenueLedger(subscriptions={}, count_past_due={})",
            ledger.len(),
            ledger.config().count_past_due
        )
    }
}

impl NativeRevenueLedger {
    /// Load CSV bytes with the interpreter released, all or nothing.
    fn load_csv(&self, py: Python<'_>, csv: &[u8]) -> PyResult<usize> {
        py.detach(|| self.0.write().load_csv(csv))
            .map_err(|e| core_err(py, e))
    }
}
