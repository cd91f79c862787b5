//! One metric asked for by a JSON object, for faces that cannot call a method per metric (the C
//! ABI and Go over it): `{"metric": "movements", "start": "2024-01-01", "end": "2024-06-30"}`.
//!
//! The parsing lives here rather than in each face so that every face accepts the same names,
//! defaults and errors; results serialise exactly as the per-metric methods' structs do.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    Breakdown, BreakdownBy, ChurnMetrics, CohortPeriod, CohortTable, Forecast, ForecastOptions,
    Ltv, Movements, MrrSnapshot, RevenueError, RevenueLedger, RevenueReport,
    DEFAULT_LTV_WINDOW_MONTHS,
};

/// A metric and its arguments; see [`MetricQuery::from_json`] for the JSON form.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetricQuery {
    /// [`RevenueLedger::mrr`]: MRR, ARR, customers and ARPU as of a day.
    Snapshot {
        /// The day (end of).
        as_of: NaiveDate,
    },
    /// [`RevenueLedger::movements`], or [`RevenueLedger::reporting_movements`] without
    /// `by_currency`.
    Movements {
        /// Any day of the first month.
        start: NaiveDate,
        /// The last day measured.
        end: NaiveDate,
        /// Also one table per currency.
        by_currency: bool,
    },
    /// [`RevenueLedger::churn`] of the month containing `month`.
    Churn {
        /// Any day of the month.
        month: NaiveDate,
    },
    /// [`RevenueLedger::ltv`].
    Ltv {
        /// The day.
        as_of: NaiveDate,
        /// Complete months of history (default [`DEFAULT_LTV_WINDOW_MONTHS`]).
        window_months: u32,
    },
    /// [`RevenueLedger::cohorts`].
    Cohorts {
        /// Cohort length.
        period: CohortPeriod,
        /// The day retention is measured up to.
        as_of: NaiveDate,
    },
    /// [`RevenueLedger::forecast`].
    Forecast {
        /// The day; the forecast starts after the last complete month before it.
        as_of: NaiveDate,
        /// Horizon and history.
        options: ForecastOptions,
    },
    /// [`RevenueLedger::breakdown`].
    Breakdown {
        /// The day.
        as_of: NaiveDate,
        /// Grouping.
        by: BreakdownBy,
    },
    /// [`RevenueLedger::report`]: everything at once.
    Report {
        /// The day.
        as_of: NaiveDate,
    },
}

/// The result of a [`MetricQuery`]; serialises as the wrapped struct alone.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum MetricResult {
    /// See [`MetricQuery::Snapshot`].
    Snapshot(MrrSnapshot),
    /// See [`MetricQuery::Movements`].
    Movements(Movements),
    /// See [`MetricQuery::Churn`].
    Churn(ChurnMetrics),
    /// See [`MetricQuery::Ltv`].
    Ltv(Ltv),
    /// See [`MetricQuery::Cohorts`].
    Cohorts(CohortTable),
    /// See [`MetricQuery::Forecast`].
    Forecast(Forecast),
    /// See [`MetricQuery::Breakdown`].
    Breakdown(Breakdown),
    /// See [`MetricQuery::Report`].
    Report(Box<RevenueReport>),
}

/// The keys each metric accepts besides `metric`; anything else is refused, so a misspelt
/// option (`"by_curency"`) is an error instead of a silently applied default.
fn allowed_keys(metric: &str) -> Option<&'static [&'static str]> {
    Some(match metric {
        "snapshot" | "mrr" | "report" => &["as_of"],
        "movements" => &["start", "end", "by_currency"],
        "churn" => &["month"],
        "ltv" => &["as_of", "window_months"],
        "cohorts" => &["as_of", "period"],
        "forecast" => &["as_of", "months", "history_months"],
        "breakdown" => &["as_of", "by"],
        _ => return None,
    })
}

fn invalid(reason: impl Into<String>) -> RevenueError {
    RevenueError::InvalidArgument(format!("metric query: {}", reason.into()))
}

fn day(map: &Map<String, Value>, key: &str) -> Result<NaiveDate, RevenueError> {
    let text = map
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(format!("`{key}` must be a date string (YYYY-MM-DD)")))?;
    text.parse()
        .map_err(|_| invalid(format!("`{key}` {text:?} is not a date (YYYY-MM-DD)")))
}

fn months(map: &Map<String, Value>, key: &str, default: u32) -> Result<u32, RevenueError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| invalid(format!("`{key}` must be a whole number of months, got {v}"))),
    }
}

fn flag(map: &Map<String, Value>, key: &str, default: bool) -> Result<bool, RevenueError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_bool()
            .ok_or_else(|| invalid(format!("`{key}` must be a boolean, got {v}"))),
    }
}

fn word<T: std::str::FromStr<Err = RevenueError>>(
    map: &Map<String, Value>,
    key: &str,
    default: T,
) -> Result<T, RevenueError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::String(s)) => s.parse(),
        Some(v) => Err(invalid(format!("`{key}` must be a string, got {v}"))),
    }
}

impl MetricQuery {
    /// Parse `{"metric": NAME, ...}`. Metrics and their keys (dates are `"YYYY-MM-DD"`):
    /// `snapshot` (alias `mrr`) and `report`: `as_of`; `movements`: `start`, `end`,
    /// `by_currency` (default `true`); `churn`: `month`; `ltv`: `as_of`, `window_months`
    /// (default 3); `cohorts`: `as_of`, `period` (`day`, `week`, `month` (default), `quarter`);
    /// `forecast`: `as_of`, `months` (default 12), `history_months` (default 6); `breakdown`:
    /// `as_of`, `by` (`tier` (default), `plan`, `currency`).
    ///
    /// # Errors
    /// [`RevenueError::InvalidArgument`] naming the key: not an object, an unknown metric or
    /// key, a missing or malformed date, a mistyped option.
    ///
    /// # Example
    /// ```
    /// use cognition_core::revenue::MetricQuery;
    /// use serde_json::json;
    ///
    /// let q = MetricQuery::from_json(&json!({"metric": "ltv", "as_of": "2024-06-30"}))?;
    /// assert!(matches!(q, MetricQuery::Ltv { window_months: 3, .. }));
    /// assert!(MetricQuery::from_json(&json!({"metric": "ltv", "as_of": "2024-06-30", "window": 6})).is_err());
    /// # Ok::<(), cognition_core::revenue::RevenueError>(())
    /// ```
    pub fn from_json(value: &Value) -> Result<MetricQuery, RevenueError> {
        let map = value
            .as_object()
            .ok_or_else(|| invalid("expected a JSON object"))?;
        let metric = map
            .get("metric")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("`metric` must be a string"))?;
        let allowed = allowed_keys(metric).ok_or_else(|| {
            invalid(format!(
                "unknown metric {metric:?} (snapshot, movements, churn, ltv, cohorts, forecast, \
                 breakdown, report)"
            ))
        })?;
        if let Some(extra) = map
            .keys()
            .find(|k| *k != "metric" && !allowed.contains(&k.as_str()))
        {
            return Err(invalid(format!(
                "unknown key `{extra}` for {metric} (accepted: {})",
                allowed.join(", ")
            )));
        }
        Ok(match metric {
            "snapshot" | "mrr" => MetricQuery::Snapshot {
                as_of: day(map, "as_of")?,
            },
            "movements" => MetricQuery::Movements {
                start: day(map, "start")?,
                end: day(map, "end")?,
                by_currency: flag(map, "by_currency", true)?,
            },
            "churn" => MetricQuery::Churn {
                month: day(map, "month")?,
            },
            "ltv" => MetricQuery::Ltv {
                as_of: day(map, "as_of")?,
                window_months: months(map, "window_months", DEFAULT_LTV_WINDOW_MONTHS)?,
            },
            "cohorts" => MetricQuery::Cohorts {
                period: word(map, "period", CohortPeriod::Month)?,
                as_of: day(map, "as_of")?,
            },
            "forecast" => {
                let defaults = ForecastOptions::default();
                MetricQuery::Forecast {
                    as_of: day(map, "as_of")?,
                    options: ForecastOptions {
                        months: months(map, "months", defaults.months)?,
                        history_months: months(map, "history_months", defaults.history_months)?,
                    },
                }
            }
            "breakdown" => MetricQuery::Breakdown {
                as_of: day(map, "as_of")?,
                by: word(map, "by", BreakdownBy::Tier)?,
            },
            _ => MetricQuery::Report {
                as_of: day(map, "as_of")?,
            },
        })
    }
}

impl RevenueLedger {
    /// Compute the metric `query` names, as its own method would.
    ///
    /// # Errors
    /// Those of the metric's method.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use cognition_core::revenue::{BillingInterval, Currency, MetricQuery, MetricResult, RevenueLedger, Subscription};
    /// use rust_decimal::Decimal;
    ///
    /// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    /// let mut ledger = RevenueLedger::new();
    /// ledger.add(Subscription::new("s1", "c1", "pro", Decimal::from(1000), Currency::USD,
    ///     BillingInterval::Month, day(1, 5)))?;
    /// let MetricResult::Snapshot(s) = ledger.query(&MetricQuery::Snapshot { as_of: day(2, 1) })? else {
    ///     unreachable!()
    /// };
    /// assert_eq!(s, ledger.mrr(day(2, 1))?);
    /// # Ok::<(), cognition_core::revenue::RevenueError>(())
    /// ```
    pub fn query(&self, query: &MetricQuery) -> Result<MetricResult, RevenueError> {
        Ok(match *query {
            MetricQuery::Snapshot { as_of } => MetricResult::Snapshot(self.mrr(as_of)?),
            MetricQuery::Movements {
                start,
                end,
                by_currency: true,
            } => MetricResult::Movements(self.movements(start, end)?),
            MetricQuery::Movements {
                start,
                end,
                by_currency: false,
            } => MetricResult::Movements(self.reporting_movements(start, end)?),
            MetricQuery::Churn { month } => MetricResult::Churn(self.churn(month)?),
            MetricQuery::Ltv {
                as_of,
                window_months,
            } => MetricResult::Ltv(self.ltv(as_of, window_months)?),
            MetricQuery::Cohorts { period, as_of } => {
                MetricResult::Cohorts(self.cohorts(period, as_of)?)
            }
            MetricQuery::Forecast { as_of, options } => {
                MetricResult::Forecast(self.forecast(as_of, options)?)
            }
            MetricQuery::Breakdown { as_of, by } => {
                MetricResult::Breakdown(self.breakdown(as_of, by)?)
            }
            MetricQuery::Report { as_of } => MetricResult::Report(Box::new(self.report(as_of)?)),
        })
    }
}
