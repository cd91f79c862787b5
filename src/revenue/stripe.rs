//! Stripe Subscription objects (as the API and `customer.subscription.*` events carry them)
//! turned into [`Subscription`]s.
//!
//! Read, with their JSON paths in errors:
//! - `id`, `customer` (id or expanded object), `status`, `created`, `start_date`, `trial_end`,
//!   `canceled_at`, `ended_at`, `cancel_at` (a scheduled end: used as `ended_at` when that is
//!   null), `cancel_at_period_end`, `metadata.tier`;
//! - `items.data[]`: `quantity`, `price` (or the legacy `plan`) with `id`, `currency`,
//!   `unit_amount_decimal` (preferred: it keeps sub-minor-unit prices) or `unit_amount`,
//!   `recurring.interval` and `recurring.interval_count`, `metadata.tier`; item `discounts`;
//! - `discounts[]` (and the legacy `discount`): expanded discount objects whose coupon
//!   (`coupon`, or `source.coupon` in newer API versions) has `percent_off` or `amount_off` +
//!   `currency`, with `start` and `end`.
//!
//! Refused with [`RevenueError::MalformedStripeObject`] rather than guessed: tiered or metered
//! prices (no fixed monthly amount), discounts given only as ids (expand them with
//! `expand[]=discounts`), an amount-off coupon in another currency, items in different currencies.
//!
//! A subscription with one item becomes one [`Subscription`] with the Stripe id; with several,
//! one per item with id `sub_…/si_…`, all under the subscription's id in the ledger.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::subscription::{
    BillingInterval, Discount, DiscountOff, Subscription, SubscriptionStatus, Tier,
};
use super::{Currency, RevenueError};

type Obj = Map<String, Value>;

fn err(path: &str, reason: &str) -> RevenueError {
    RevenueError::stripe(path, reason)
}

fn get<'a>(obj: &'a Obj, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn string<'a>(obj: &'a Obj, key: &str, path: &str) -> Result<&'a str, RevenueError> {
    match get(obj, key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(err(path, "expected a string")),
        None => Err(err(path, "required field missing")),
    }
}

fn timestamp(obj: &Obj, key: &str, path: &str) -> Result<Option<NaiveDate>, RevenueError> {
    match get(obj, key) {
        None => Ok(None),
        Some(v) => {
            let secs = v
                .as_i64()
                .ok_or_else(|| err(path, "expected Unix seconds (an integer) or null"))?;
            DateTime::from_timestamp(secs, 0)
                .map(|t| Some(t.date_naive()))
                .ok_or_else(|| err(path, "timestamp out of range"))
        }
    }
}

fn number(v: &Value, path: &str) -> Result<Decimal, RevenueError> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return Err(err(path, "expected a number or a decimal string")),
    };
    Decimal::from_str_exact(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|_| err(path, "not a decimal number"))
}

fn tier_of(obj: &Obj) -> Option<Tier> {
    get(obj, "metadata")?
        .as_object()?
        .get("tier")?
        .as_str()
        .and_then(Tier::parse)
}

/// Parse a Stripe Subscription object: its id (the ledger key) and one part per item.
///
/// # Errors
/// [`RevenueError::MalformedStripeObject`] with the JSON path and what was expected there;
/// [`RevenueError::UnknownCurrency`].
pub(crate) fn parse_subscription(
    value: &Value,
) -> Result<(String, Vec<Subscription>), RevenueError> {
    let obj = value
        .as_object()
        .ok_or_else(|| err("(root)", "expected a subscription object"))?;
    if let Some(kind) = get(obj, "object") {
        if kind.as_str() != Some("subscription") {
            return Err(err("object", "expected \"subscription\""));
        }
    }
    let id = string(obj, "id", "id")?.to_owned();
    let customer = match get(obj, "customer") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(c)) => string(c, "id", "customer.id")?.to_owned(),
        Some(_) => return Err(err("customer", "expected an id or a customer object")),
        None => return Err(err("customer", "required field missing")),
    };
    let status = SubscriptionStatus::from_str(string(obj, "status", "status")?)
        .map_err(|e| err("status", &e))?;
    let created = timestamp(obj, "created", "created")?
        .ok_or_else(|| err("created", "required field missing"))?;
    let start = timestamp(obj, "start_date", "start_date")?.unwrap_or(created);
    let trial_end = timestamp(obj, "trial_end", "trial_end")?;
    let canceled_at = timestamp(obj, "canceled_at", "canceled_at")?;
    let ended_at =
        timestamp(obj, "ended_at", "ended_at")?.or(timestamp(obj, "cancel_at", "cancel_at")?);
    let cancel_at_period_end = match get(obj, "cancel_at_period_end") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| err("cancel_at_period_end", "expected a boolean"))?,
    };
    let mut shared_discounts = Vec::new();
    if let Some(d) = get(obj, "discount") {
        shared_discounts.push(discount(d, "discount")?);
    }
    if let Some(list) = get(obj, "discounts") {
        shared_discounts.extend(discount_list(list, "discounts")?);
    }
    let items = get(obj, "items")
        .and_then(Value::as_object)
        .and_then(|i| get(i, "data"))
        .and_then(Value::as_array)
        .ok_or_else(|| err("items.data", "expected a list of subscription items"))?;
    if items.is_empty() {
        return Err(err("items.data", "a subscription needs at least one item"));
    }
    let sub_tier = tier_of(obj);
    let mut parts = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("items.data[{i}]");
        let item = item
            .as_object()
            .ok_or_else(|| err(&path, "expected a subscription item object"))?;
        let (price_key, price) = match (get(item, "price"), get(item, "plan")) {
            (Some(Value::Object(p)), _) => ("price", p),
            (_, Some(Value::Object(p))) => ("plan", p),
            _ => {
                return Err(err(
                    &format!("{path}.price"),
                    "expected an expanded price object",
                ))
            }
        };
        let ppath = format!("{path}.{price_key}");
        if get(price, "billing_scheme").and_then(Value::as_str) == Some("tiered") {
            return Err(err(
                &format!("{ppath}.billing_scheme"),
                "tiered prices have no fixed unit amount; not supported",
            ));
        }
        let recurring = if price_key == "plan" {
            Some(price)
        } else {
            get(price, "recurring").and_then(Value::as_object)
        };
        let recurring = recurring.ok_or_else(|| {
            err(
                &format!("{ppath}.recurring"),
                "a one-off price is not recurring revenue",
            )
        })?;
        let rpath = if price_key == "plan" {
            ppath.clone()
        } else {
            format!("{ppath}.recurring")
        };
        if get(recurring, "usage_type").and_then(Value::as_str) == Some("metered") {
            return Err(err(
                &format!("{rpath}.usage_type"),
                "metered prices have no fixed monthly amount; not supported",
            ));
        }
        let interval =
            BillingInterval::from_str(string(recurring, "interval", &format!("{rpath}.interval"))?)
                .map_err(|e| err(&format!("{rpath}.interval"), &e))?;
        let interval_count = match get(recurring, "interval_count") {
            None => 1,
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    err(
                        &format!("{rpath}.interval_count"),
                        "expected a positive integer",
                    )
                })?,
        };
        let (amount_key, decimal_key) = if price_key == "plan" {
            ("amount", "amount_decimal")
        } else {
            ("unit_amount", "unit_amount_decimal")
        };
        let unit_amount = match (get(price, decimal_key), get(price, amount_key)) {
            (Some(v), _) => number(v, &format!("{ppath}.{decimal_key}"))?,
            (None, Some(v)) => Decimal::from(v.as_i64().ok_or_else(|| {
                err(
                    &format!("{ppath}.{amount_key}"),
                    "expected an integer of minor units",
                )
            })?),
            (None, None) => {
                return Err(err(
                    &format!("{ppath}.{amount_key}"),
                    "required field missing",
                ))
            }
        };
        let currency_value = get(price, "currency").or_else(|| get(obj, "currency"));
        let currency = match currency_value {
            Some(Value::String(c)) => Currency::parse(c)?,
            _ => {
                return Err(err(
                    &format!("{ppath}.currency"),
                    "expected a currency code",
                ))
            }
        };
        let quantity = match get(item, "quantity") {
            None => 1,
            Some(v) => v.as_u64().ok_or_else(|| {
                err(
                    &format!("{path}.quantity"),
                    "expected a non-negative integer",
                )
            })?,
        };
        let mut discounts = shared_discounts.clone();
        if let Some(list) = get(item, "discounts") {
            discounts.extend(discount_list(list, &format!("{path}.discounts"))?);
        }
        for (k, (_, coupon_currency)) in discounts.iter().enumerate() {
            if let Some(c) = coupon_currency {
                if *c != currency {
                    return Err(err(
                        &format!("{path} discount {k}"),
                        &format!("amount-off coupon in {c} on a {currency} price"),
                    ));
                }
            }
        }
        let tier = sub_tier
            .clone()
            .or_else(|| tier_of(price))
            .or_else(|| {
                get(price, "product")
                    .and_then(Value::as_object)
                    .and_then(tier_of)
            })
            .unwrap_or_else(|| Tier::Custom(Tier::UNSPECIFIED.to_owned()));
        let part_id = if items.len() == 1 {
            id.clone()
        } else {
            format!(
                "{id}/{}",
                get(item, "id")
                    .and_then(Value::as_str)
                    .unwrap_or(&i.to_string())
            )
        };
        parts.push(Subscription {
            id: part_id,
            customer_id: customer.clone(),
            plan_id: string(price, "id", &format!("{ppath}.id"))?.to_owned(),
            tier,
            status,
            unit_amount,
            currency,
            interval,
            interval_count,
            quantity,
            discounts: discounts.into_iter().map(|(d, _)| d).collect(),
            created,
            start,
            trial_end,
            canceled_at,
            ended_at,
            cancel_at_period_end,
        });
    }
    for part in &parts {
        part.validate()?;
    }
    Ok((id, parts))
}

fn discount_list(
    list: &Value,
    path: &str,
) -> Result<Vec<(Discount, Option<Currency>)>, RevenueError> {
    let list = list
        .as_array()
        .ok_or_else(|| err(path, "expected a list"))?;
    list.iter()
        .enumerate()
        .map(|(i, d)| discount(d, &format!("{path}[{i}]")))
        .collect()
}

/// An expanded discount object (and the coupon's currency for amount-off coupons).
fn discount(value: &Value, path: &str) -> Result<(Discount, Option<Currency>), RevenueError> {
    let obj = match value {
        Value::Object(o) => o,
        Value::String(_) => return Err(err(
            path,
            "a discount id: expand the discounts (expand[]=discounts) so their coupons can be read",
        )),
        _ => return Err(err(path, "expected a discount object")),
    };
    let (coupon_path, coupon) = match (
        get(obj, "coupon"),
        get(obj, "source")
            .and_then(Value::as_object)
            .and_then(|s| get(s, "coupon")),
    ) {
        (Some(c), _) => (format!("{path}.coupon"), c),
        (None, Some(c)) => (format!("{path}.source.coupon"), c),
        (None, None) => return Err(err(&format!("{path}.coupon"), "required field missing")),
    };
    let coupon = coupon.as_object().ok_or_else(|| {
        err(
            &coupon_path,
            "a coupon id: expand the coupon so its percent_off or amount_off can be read",
        )
    })?;
    let (off, currency) = match (get(coupon, "percent_off"), get(coupon, "amount_off")) {
        (Some(p), _) => (
            DiscountOff::Percent(number(p, &format!("{coupon_path}.percent_off"))?),
            None,
        ),
        (None, Some(a)) => {
            let c = match get(coupon, "currency") {
                Some(Value::String(c)) => Currency::parse(c)?,
                _ => {
                    return Err(err(
                        &format!("{coupon_path}.currency"),
                        "an amount-off coupon needs a currency",
                    ))
                }
            };
            (
                DiscountOff::Amount(number(a, &format!("{coupon_path}.amount_off"))?),
                Some(c),
            )
        }
        (None, None) => return Err(err(&coupon_path, "expected percent_off or amount_off")),
    };
    Ok((
        Discount {
            off,
            start: timestamp(obj, "start", &format!("{path}.start"))?,
            end: timestamp(obj, "end", &format!("{path}.end"))?,
        },
        currency,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixture() -> Value {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/stripe/subscription.json"
        ))
        .or_else(|_| std::fs::read_to_string("/work/shared/fixtures/stripe/subscription.json"));
        match text {
            Ok(t) => serde_json::from_str(&t).unwrap(),
            Err(_) => json!({
                "id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "active",
                "created": 1234567890, "start_date": 1234567890, "discounts": [],
                "items": {"data": [{"id": "si_1", "quantity": 1, "price": {"id": "price_1",
                    "currency": "usd", "unit_amount": 2000, "unit_amount_decimal": "2000",
                    "recurring": {"interval": "month", "interval_count": 1}}}]}
            }),
        }
    }

    fn active(mut v: Value) -> Value {
        let o = v.as_object_mut().unwrap();
        o.insert("status".into(), json!("active"));
        o.insert("cancel_at_period_end".into(), json!(false));
        for k in [
            "ended_at",
            "canceled_at",
            "cancel_at",
            "trial_end",
            "trial_start",
        ] {
            o.insert(k.into(), Value::Null);
        }
        v
    }

    #[test]
    fn the_published_fixture_parses_with_its_price_and_interval() {
        let (id, parts) = parse_subscription(&active(fixture())).unwrap();
        assert_eq!(id, "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw");
        assert_eq!(parts.len(), 1);
        let p = &parts[0];
        assert_eq!(p.unit_amount, Decimal::from(2000));
        assert_eq!(p.currency, Currency::USD);
        assert_eq!(p.interval, BillingInterval::Month);
        assert_eq!(p.customer_id, "cus_QXg1o8vcGmoR32");
        assert_eq!(p.plan_id, "price_1PgafmB7WZ01zgkW6dKueIc5");
    }

    #[test]
    fn unit_amount_decimal_wins_over_unit_amount() {
        let mut v = active(fixture());
        v["items"]["data"][0]["price"]["unit_amount_decimal"] = json!("1999.5");
        let (_, parts) = parse_subscription(&v).unwrap();
        assert_eq!(parts[0].unit_amount, Decimal::new(19995, 1));
    }

    #[test]
    fn discount_ids_are_refused_with_their_path() {
        let mut v = active(fixture());
        v["discounts"] = json!(["di_123"]);
        let e = parse_subscription(&v).unwrap_err();
        assert!(
            matches!(e, RevenueError::MalformedStripeObject { ref path, .. } if path == "discounts[0]"),
            "{e}"
        );
    }

    #[test]
    fn expanded_coupons_become_discounts_with_their_end() {
        let mut v = active(fixture());
        v["discounts"] = json!([{"id": "di_1", "object": "discount", "start": 1704067200, "end": 1711929600,
            "source": {"type": "coupon", "coupon": {"id": "c", "percent_off": 25.5}}}]);
        let (_, parts) = parse_subscription(&v).unwrap();
        let d = parts[0].discounts[0];
        assert_eq!(d.off, DiscountOff::Percent(Decimal::new(255, 1)));
        assert_eq!(d.end, NaiveDate::from_ymd_opt(2024, 4, 1));
    }

    #[test]
    fn missing_interval_names_the_path() {
        let mut v = active(fixture());
        v["items"]["data"][0]["price"]["recurring"]
            .as_object_mut()
            .unwrap()
            .remove("interval");
        let e = parse_subscription(&v).unwrap_err();
        assert_eq!(
            e,
            err(
                "items.data[0].price.recurring.interval",
                "required field missing"
            )
        );
    }

    #[test]
    fn metered_and_tiered_prices_are_refused() {
        let mut v = active(fixture());
        v["items"]["data"][0]["price"]["recurring"]["usage_type"] = json!("metered");
        assert!(parse_subscription(&v).is_err());
        let mut v = active(fixture());
        v["items"]["data"][0]["price"]["billing_scheme"] = json!("tiered");
        assert!(parse_subscription(&v).is_err());
    }
}
