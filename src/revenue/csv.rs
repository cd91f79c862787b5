//! Subscriptions and FX rates from CSV.
//!
//! ## Subscription columns
//! A header row names the columns, in any order; extra columns are ignored. Values are trimmed;
//! an empty optional value means "not set". Dates are `YYYY-MM-DD` (or RFC 3339, taken in UTC).
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `id` | yes | subscription id, unique |
//! | `customer_id` | yes | customer id |
//! | `plan_id` | yes | plan or price id |
//! | `tier` | no (`UNSPECIFIED`) | FREE, PRO, TEAM, ENTERPRISE or a custom name |
//! | `status` | yes | trialing, active, past_due, unpaid, canceled, incomplete, incomplete_expired, paused |
//! | `unit_amount` | yes | price per unit per interval, minor units (decimals allowed) |
//! | `currency` | yes | ISO 4217 code |
//! | `interval` | yes | day, week, month, year |
//! | `interval_count` | no (1) | billed every N intervals |
//! | `quantity` | no (1) | units |
//! | `discount_type` | no | `percent` or `amount` (minor units off each invoice) |
//! | `discount_value` | with `discount_type` | the percentage or the amount |
//! | `discount_start`, `discount_end` | no | when the discount applies (end exclusive) |
//! | `created` | no (`start`) | creation day |
//! | `start` | yes | start day |
//! | `trial_end`, `canceled_at`, `ended_at` | no | days |
//! | `cancel_at_period_end` | no (false) | true/false, 1/0, yes/no |
//!
//! A load is all or nothing: every bad row (bad value, invalid subscription, duplicate id) is
//! reported with its line and column in [`RevenueError::MalformedCsv`] and nothing is added, so a
//! metric is never computed from a silently partial file.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate};
use rust_decimal::Decimal;

use super::error::CsvRowError;
use super::subscription::{
    BillingInterval, Discount, DiscountOff, Subscription, SubscriptionStatus, Tier,
};
use super::{Currency, FxTable, RevenueError};

/// The most row errors one load collects; it then stops with one more error saying so.
pub const MAX_CSV_ERRORS: usize = 1000;

const REQUIRED: &[&str] = &[
    "id",
    "customer_id",
    "plan_id",
    "status",
    "unit_amount",
    "currency",
    "interval",
    "start",
];

struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
    line: u64,
    errors: Vec<CsvRowError>,
}

impl Row<'_> {
    fn raw(&self, column: &str) -> Option<&str> {
        let i = *self.columns.get(column)?;
        self.record.get(i).map(str::trim).filter(|v| !v.is_empty())
    }

    fn fail(&mut self, column: &str, message: String) {
        self.errors.push(CsvRowError {
            line: self.line,
            column: Some(column.to_owned()),
            message,
        });
    }

    fn parse<T>(&mut self, column: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let raw = self.raw(column)?.to_owned();
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(message) => {
                self.fail(column, message);
                None
            }
        }
    }

    fn required<T>(
        &mut self,
        column: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        if self.raw(column).is_none() {
            self.fail(column, "required value is empty".into());
            return None;
        }
        self.parse(column, parse)
    }
}

fn snippet(v: &str) -> String {
    v.chars().take(40).collect()
}

fn date(v: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| DateTime::parse_from_rfc3339(v).map(|t| t.naive_utc().date()))
        .map_err(|_| format!("{:?} is not a date (expected YYYY-MM-DD)", snippet(v)))
}

fn decimal(v: &str) -> Result<Decimal, String> {
    Decimal::from_str_exact(v).map_err(|_| format!("{:?} is not a decimal number", snippet(v)))
}

fn integer<T: FromStr>(v: &str) -> Result<T, String> {
    v.parse::<T>()
        .map_err(|_| format!("{:?} is not a non-negative integer in range", snippet(v)))
}

fn boolean(v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "t" | "y" => Ok(true),
        "false" | "0" | "no" | "f" | "n" => Ok(false),
        _ => Err(format!("{:?} is not a boolean (true/false)", snippet(v))),
    }
}

fn parse_row(row: &mut Row<'_>) -> Option<Subscription> {
    let id = row.required("id", |v| Ok(v.to_owned()));
    let customer_id = row.required("customer_id", |v| Ok(v.to_owned()));
    let plan_id = row.required("plan_id", |v| Ok(v.to_owned()));
    let tier = row.parse("tier", |v| {
        Tier::parse(v).ok_or_else(|| "empty tier".to_owned())
    });
    let status = row.required("status", SubscriptionStatus::from_str);
    let unit_amount = row.required("unit_amount", decimal);
    let currency = row.required("currency", |v| {
        Currency::parse(v).map_err(|e| e.to_string())
    });
    let interval = row.required("interval", BillingInterval::from_str);
    let interval_count = row.parse("interval_count", integer::<u32>);
    let quantity = row.parse("quantity", integer::<u64>);
    let discount_value = row.parse("discount_value", decimal);
    let discount_start = row.parse("discount_start", date);
    let discount_end = row.parse("discount_end", date);
    let discount = match row.raw("discount_type").map(str::to_ascii_lowercase) {
        None => {
            if discount_value.is_some() {
                row.fail(
                    "discount_type",
                    "discount_value is set but discount_type is empty (percent or amount)".into(),
                );
            }
            None
        }
        Some(kind) => {
            let off = match (kind.as_str(), discount_value) {
                ("percent", Some(v)) => Some(DiscountOff::Percent(v)),
                ("amount", Some(v)) => Some(DiscountOff::Amount(v)),
                ("percent" | "amount", None) => {
                    row.fail("discount_value", "required with discount_type".into());
                    None
                }
                _ => {
                    row.fail(
                        "discount_type",
                        format!("{:?}: expected percent or amount", snippet(&kind)),
                    );
                    None
                }
            };
            off.map(|off| Discount {
                off,
                start: discount_start,
                end: discount_end,
            })
        }
    };
    let start = row.required("start", date);
    let created = row.parse("created", date);
    let trial_end = row.parse("trial_end", date);
    let canceled_at = row.parse("canceled_at", date);
    let ended_at = row.parse("ended_at", date);
    let cancel_at_period_end = row.parse("cancel_at_period_end", boolean).unwrap_or(false);
    if !row.errors.is_empty() {
        return None;
    }
    let (id, customer_id, plan_id, status, unit_amount, currency, interval, start) = (
        id?,
        customer_id?,
        plan_id?,
        status?,
        unit_amount?,
        currency?,
        interval?,
        start?,
    );
    let sub = Subscription {
        id,
        customer_id,
        plan_id,
        tier: tier.unwrap_or_else(|| Tier::Custom(Tier::UNSPECIFIED.to_owned())),
        status,
        unit_amount,
        currency,
        interval,
        interval_count: interval_count.unwrap_or(1),
        quantity: quantity.unwrap_or(1),
        discounts: discount.into_iter().collect(),
        created: created.unwrap_or(start),
        start,
        trial_end,
        canceled_at,
        ended_at,
        cancel_at_period_end,
    };
    if let Err(e) = sub.validate() {
        let message = match e {
            RevenueError::InvalidSubscription { reason, .. } => reason,
            other => other.to_string(),
        };
        row.errors.push(CsvRowError {
            line: row.line,
            column: None,
            message,
        });
        return None;
    }
    Some(sub)
}

fn header_map(
    reader: &mut csv::Reader<impl std::io::Read>,
    required: &[&str],
) -> Result<HashMap<String, usize>, RevenueError> {
    let headers = reader.headers().map_err(|e| csv_error(1, &e))?.clone();
    let columns: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
        .collect();
    let missing: Vec<CsvRowError> = required
        .iter()
        .filter(|c| !columns.contains_key(**c))
        .map(|c| CsvRowError {
            line: 1,
            column: Some((*c).to_owned()),
            message: "required column missing from the header".into(),
        })
        .collect();
    if missing.is_empty() {
        Ok(columns)
    } else {
        Err(RevenueError::MalformedCsv { errors: missing })
    }
}

fn csv_error(line: u64, e: &csv::Error) -> RevenueError {
    RevenueError::MalformedCsv {
        errors: vec![CsvRowError {
            line,
            column: None,
            message: e.to_string(),
        }],
    }
}

fn reader<R: std::io::Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input)
}

/// Read subscriptions; `exists` says whether an id is already in the ledger.
pub(crate) fn read_subscriptions_csv<R: std::io::Read>(
    input: R,
    exists: &dyn Fn(&str) -> bool,
) -> Result<Vec<Subscription>, RevenueError> {
    let mut reader = reader(input);
    let columns = header_map(&mut reader, REQUIRED)?;
    let mut subs = Vec::new();
    let mut errors: Vec<CsvRowError> = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                errors.push(CsvRowError {
                    line,
                    column: None,
                    message: e.to_string(),
                });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let mut row = Row {
            record: &record,
            columns: &columns,
            line,
            errors: Vec::new(),
        };
        if let Some(sub) = parse_row(&mut row) {
            if exists(&sub.id) {
                errors.push(CsvRowError {
                    line,
                    column: Some("id".into()),
                    message: format!("duplicate id {:?}: already in the ledger", snippet(&sub.id)),
                });
            } else if let Some(first) = first_line.get(&sub.id) {
                errors.push(CsvRowError {
                    line,
                    column: Some("id".into()),
                    message: format!("duplicate id {:?}: first on line {first}", snippet(&sub.id)),
                });
            } else {
                first_line.insert(sub.id.clone(), line);
                subs.push(sub);
            }
        }
        errors.append(&mut row.errors);
        if errors.len() >= MAX_CSV_ERRORS {
            errors.push(CsvRowError {
                line,
                column: None,
                message: format!(
                    "{MAX_CSV_ERRORS} errors: stopped reading here; is this the right file?"
                ),
            });
            break;
        }
    }
    if errors.is_empty() {
        Ok(subs)
    } else {
        Err(RevenueError::MalformedCsv { errors })
    }
}

/// Read an FX table: `currency,rate[,from]`.
pub(crate) fn read_fx_csv<R: std::io::Read>(
    reporting: Currency,
    input: R,
) -> Result<FxTable, RevenueError> {
    let mut reader = reader(input);
    let columns = header_map(&mut reader, &["currency", "rate"])?;
    let mut fx = FxTable::new(reporting);
    let mut errors = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(CsvRowError {
                    line,
                    column: None,
                    message: e.to_string(),
                });
                break;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let mut row = Row {
            record: &record,
            columns: &columns,
            line,
            errors: Vec::new(),
        };
        let currency = row.required("currency", |v| {
            Currency::parse(v).map_err(|e| e.to_string())
        });
        let rate = row.required("rate", decimal);
        let from = row.parse("from", date);
        if let (Some(currency), Some(rate)) = (currency, rate) {
            if let Err(e) = fx.set(currency, from, rate) {
                row.fail("rate", e.to_string());
            }
        }
        errors.append(&mut row.errors);
        if errors.len() >= MAX_CSV_ERRORS {
            break;
        }
    }
    if errors.is_empty() {
        Ok(fx)
    } else {
        Err(RevenueError::MalformedCsv { errors })
    }
}
