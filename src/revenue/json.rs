//! JSON forms of subscriptions and ledger configuration, shared by the C, Go and Python faces.

use serde_json::Value;

use super::subscription::Subscription;
use super::{Currency, FxTable, LedgerConfig, RevenueError};

impl Subscription {
    /// Parse a subscription from its JSON form: the struct's field names, dates as
    /// `"YYYY-MM-DD"`, amounts as decimal strings (or numbers), discounts as
    /// `{"off": {"type": "percent"|"amount", "value": "20"}, "start": null, "end": "2024-03-01"}`;
    /// `interval_count`, `quantity`, `discounts`, `trial_end`, `canceled_at`, `ended_at`,
    /// `cancel_at_period_end` may be left out; `created` defaults to `start`, `tier` to
    /// `UNSPECIFIED`. The result is validated.
    ///
    /// # Errors
    /// [`RevenueError::UnknownCurrency`]; [`RevenueError::InvalidSubscription`] for anything else
    /// (missing or mistyped field, with serde's description, or a failed validation).
    ///
    /// # Example
    /// ```
    /// use cognition_core::revenue::Subscription;
    ///
    /// let sub = Subscription::from_json(&serde_json::json!({"id": "s1", "customer_id": "c1",
    ///     "plan_id": "pro", "status": "active", "unit_amount": "2900", "currency": "usd",
    ///     "interval": "month", "start": "2024-01-15"}))?;
    /// assert_eq!(sub.created, sub.start);
    /// assert!(Subscription::from_json(&serde_json::json!({"id": "s1"})).is_err());
    /// # Ok::<(), cognition_core::revenue::RevenueError>(())
    /// ```
    pub fn from_json(value: &Value) -> Result<Subscription, RevenueError> {
        let Value::Object(map) = value else {
            return Err(RevenueError::invalid("", "expected a JSON object"));
        };
        let id = map
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut map = map.clone();
        if let Some(code) = map.get("currency").and_then(Value::as_str) {
            Currency::parse(code)?;
        }
        let created_from_start = !map.contains_key("created");
        if created_from_start {
            if let Some(start) = map.get("start").cloned() {
                map.insert("created".into(), start);
            }
        }
        if !map.contains_key("tier") {
            map.insert(
                "tier".into(),
                Value::String(super::Tier::UNSPECIFIED.into()),
            );
        }
        let sub: Subscription =
            serde_path_to_error::deserialize(Value::Object(map)).map_err(|e| {
                // A bad `start` first fails as the `created` copied from it: name the user's field.
                let path = e.path().to_string();
                let field = if created_from_start && path == "created" {
                    "start".to_owned()
                } else {
                    path
                };
                RevenueError::invalid(&id, format!("`{field}`: {}", e.inner()))
            })?;
        sub.validate()?;
        Ok(sub)
    }
}

impl LedgerConfig {
    /// Parse `{"count_past_due": bool, "fx": {"reporting": "USD", "rates": [{"currency": "EUR",
    /// "rate": "1.08", "from": "2024-01-01" | null}]}}`; every key is optional (`null` or `{}` give
    /// the defaults).
    ///
    /// # Errors
    /// [`RevenueError::InvalidArgument`] for a mistyped key; [`RevenueError::UnknownCurrency`];
    /// [`RevenueError::InvalidFxRate`].
    pub fn from_json(value: &Value) -> Result<LedgerConfig, RevenueError> {
        let bad = |what: &str| RevenueError::InvalidArgument(format!("ledger config: {what}"));
        let mut config = LedgerConfig::default();
        let map = match value {
            Value::Null => return Ok(config),
            Value::Object(map) => map,
            _ => return Err(bad("expected an object")),
        };
        if let Some(v) = map.get("count_past_due").filter(|v| !v.is_null()) {
            config.count_past_due = v
                .as_bool()
                .ok_or_else(|| bad("`count_past_due` must be a boolean"))?;
        }
        if let Some(fx) = map.get("fx").filter(|v| !v.is_null()) {
            let reporting = fx
                .get("reporting")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("`fx.reporting` must be a currency code"))?;
            let mut table = FxTable::new(Currency::parse(reporting)?);
            let rates = match fx.get("rates") {
                None | Some(Value::Null) => &[][..],
                Some(Value::Array(rates)) => rates.as_slice(),
                Some(_) => return Err(bad("`fx.rates` must be a list")),
            };
            for (i, r) in rates.iter().enumerate() {
                let currency = r.get("currency").and_then(Value::as_str).ok_or_else(|| {
                    bad(&format!("`fx.rates[{i}].currency` must be a currency code"))
                })?;
                let currency = Currency::parse(currency)?;
                let rate = match r.get("rate") {
                    Some(Value::String(s)) => s.parse().ok(),
                    Some(Value::Number(n)) => n.to_string().parse().ok(),
                    _ => None,
                }
                .ok_or_else(|| bad(&format!("`fx.rates[{i}].rate` must be a decimal string")))?;
                let from =
                    match r.get("from") {
                        None | Some(Value::Null) => None,
                        Some(Value::String(s)) => Some(s.parse().map_err(|_| {
                            bad(&format!("`fx.rates[{i}].from` must be YYYY-MM-DD"))
                        })?),
                        Some(_) => {
                            return Err(bad(&format!(
                                "`fx.rates[{i}].from` must be YYYY-MM-DD or null"
                            )))
                        }
                    };
                table.set(currency, from, rate)?;
            }
            config.fx = Some(table);
        }
        Ok(config)
    }
}
