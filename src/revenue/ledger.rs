//! [`RevenueLedger`]: the subscriptions (and their history from events) that metrics read.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate};

use super::index::Index;
use super::subscription::Subscription;
use super::{FxTable, RevenueError};
use crate::webhook::{Event, EventKind};

/// How a ledger counts and converts; the defaults are the documented conventions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerConfig {
    /// Count `past_due` subscriptions as revenue (default `true`: the payment is being retried
    /// and most recover; set `false` for a cash-conservative view).
    pub count_past_due: bool,
    /// Rates into the reporting currency. `None` (default): the ledger must hold one currency,
    /// which is then the reporting currency.
    pub fx: Option<FxTable>,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            count_past_due: true,
            fx: None,
        }
    }
}

/// What [`RevenueLedger::apply_event`] did with an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventOutcome {
    /// The subscription's new state was recorded from the event's day on.
    Applied,
    /// Not a `customer.subscription.*` event that changes revenue (e.g. `invoice.paid`,
    /// `customer.subscription.trial_will_end`): nothing changed.
    Ignored,
}

/// One state of a subscription (all its items), in effect from `from` (or since forever).
#[derive(Clone, Debug)]
pub(crate) struct Revision {
    pub from: Option<NaiveDate>,
    pub parts: Vec<Subscription>,
}

/// A subscription's history, keyed by its id.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    pub revisions: Vec<Revision>,
    pub last_event_created: Option<i64>,
}

/// Subscriptions and their history; every metric is a method on it.
///
/// A subscription added directly (struct, CSV row, Stripe object) is a snapshot: its status and
/// dates describe its whole life (see the module docs). Subscription events add *revisions*: the
/// state in an event applies from the event's UTC day on, so history stays as it was.
///
/// Metrics read an index (pieces of constant MRR sorted by customer, step functions of MRR and
/// customer counts) built on first use and kept until the ledger changes, so repeated queries cost
/// a binary search or one pass. The ledger is `Send + Sync`; share it behind an `Arc` for reads.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use cognition_core::revenue::{BillingInterval, Currency, RevenueLedger, Subscription};
/// use rust_decimal::Decimal;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let mut ledger = RevenueLedger::new();
/// ledger.add(Subscription::new("sub_1", "cus_1", "pro", Decimal::from(5_000), Currency::USD,
///     BillingInterval::Month, day(1, 10)))?;
/// ledger.add(Subscription::new("sub_2", "cus_2", "pro_yearly", Decimal::from(120_000),
///     Currency::USD, BillingInterval::Year, day(2, 1)))?;
///
/// let snapshot = ledger.mrr(day(2, 15))?;
/// assert_eq!(snapshot.mrr.amount, Decimal::from(15_000)); // 5000 + 120000 / 12 cents
/// assert_eq!(snapshot.paying_customers, 2);
/// assert!(ledger.add(Subscription::new("sub_1", "cus_9", "pro", Decimal::ONE, Currency::USD,
///     BillingInterval::Month, day(1, 1))).is_err()); // duplicate id
/// # Ok::<(), cognition_core::revenue::RevenueError>(())
/// ```
#[derive(Debug, Default)]
pub struct RevenueLedger {
    pub(crate) config: LedgerConfig,
    pub(crate) records: Vec<Record>,
    by_key: HashMap<String, usize>,
    index: OnceLock<Result<Arc<Index>, RevenueError>>,
}

impl Clone for RevenueLedger {
    fn clone(&self) -> Self {
        RevenueLedger {
            config: self.config.clone(),
            records: self.records.clone(),
            by_key: self.by_key.clone(),
            index: OnceLock::new(),
        }
    }
}

impl RevenueLedger {
    /// An empty ledger with the default [`LedgerConfig`].
    pub fn new() -> RevenueLedger {
        RevenueLedger::default()
    }

    /// An empty ledger with `config`.
    pub fn with_config(config: LedgerConfig) -> RevenueLedger {
        RevenueLedger {
            config,
            ..RevenueLedger::default()
        }
    }

    /// Return the configuration.
    pub fn config(&self) -> &LedgerConfig {
        &self.config
    }

    /// Replace the FX table (reporting currency and rates).
    pub fn set_fx(&mut self, fx: Option<FxTable>) {
        self.config.fx = fx;
        self.invalidate();
    }

    /// Return the number of subscriptions (records keyed by id; a Stripe subscription with several
    /// items is one).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Return `true` if the ledger holds no subscription.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Return the current state (latest revision) of subscription `id`: one part per item.
    pub fn get(&self, id: &str) -> Option<&[Subscription]> {
        let record = &self.records[*self.by_key.get(id)?];
        record.revisions.last().map(|r| r.parts.as_slice())
    }

    /// Add a subscription snapshot.
    ///
    /// # Errors
    /// [`RevenueError::InvalidSubscription`] if [`Subscription::validate`] fails;
    /// [`RevenueError::DuplicateId`] if the id is already in the ledger.
    pub fn add(&mut self, subscription: Subscription) -> Result<(), RevenueError> {
        subscription.validate()?;
        let key = subscription.id.clone();
        self.insert(key, vec![subscription])
    }

    /// Add many snapshots, all or nothing.
    ///
    /// # Errors
    /// The first invalid or duplicate subscription's error; nothing is added then.
    pub fn extend<I: IntoIterator<Item = Subscription>>(
        &mut self,
        subscriptions: I,
    ) -> Result<usize, RevenueError> {
        let subscriptions: Vec<Subscription> = subscriptions.into_iter().collect();
        let mut seen = std::collections::HashSet::with_capacity(subscriptions.len());
        for sub in &subscriptions {
            sub.validate()?;
            if self.by_key.contains_key(&sub.id) || !seen.insert(sub.id.as_str()) {
                return Err(RevenueError::DuplicateId { id: sub.id.clone() });
            }
        }
        let n = subscriptions.len();
        self.records.reserve(n);
        self.by_key.reserve(n);
        for sub in subscriptions {
            self.by_key.insert(sub.id.clone(), self.records.len());
            self.records.push(Record {
                revisions: vec![Revision {
                    from: None,
                    parts: vec![sub],
                }],
                last_event_created: None,
            });
        }
        self.invalidate();
        Ok(n)
    }

    /// Add a Stripe Subscription object as the API returns it (see [`super::stripe`]).
    ///
    /// # Errors
    /// [`RevenueError::MalformedStripeObject`] with the JSON path; the errors of [`add`](Self::add).
    pub fn add_stripe(&mut self, object: &serde_json::Value) -> Result<(), RevenueError> {
        let (key, parts) = super::stripe::parse_subscription(object)?;
        self.insert(key, parts)
    }

    /// Load subscriptions from CSV (columns in [`super::csv`]), all or nothing.
    ///
    /// # Errors
    /// [`RevenueError::MalformedCsv`] listing every bad row with line and column (duplicate ids
    /// included); nothing is added then.
    pub fn load_csv<R: std::io::Read>(&mut self, reader: R) -> Result<usize, RevenueError> {
        let rows = super::csv::read_subscriptions_csv(reader, &|id| self.by_key.contains_key(id))?;
        self.extend(rows)
    }

    /// Apply a `customer.subscription.created`, `.updated`, `.deleted`, `.paused`, `.resumed`
    /// or `.pending_update_*` event: the state in `data.object` applies from the event's UTC day on.
    /// Other events are [`EventOutcome::Ignored`]. Events must come in order per subscription (equal
    /// `created` is fine; the later one wins); deduplicate deliveries with the idempotency store.
    ///
    /// # Errors
    /// [`RevenueError::EventOutOfOrder`]; [`RevenueError::MalformedStripeObject`] for a bad
    /// `data.object`; [`RevenueError::InvalidSubscription`].
    pub fn apply_event(&mut self, event: &Event) -> Result<EventOutcome, RevenueError> {
        let relevant = match &event.kind {
            EventKind::SubscriptionCreated
            | EventKind::SubscriptionUpdated
            | EventKind::SubscriptionDeleted => true,
            EventKind::Other(t) => {
                t.starts_with("customer.subscription.")
                    && t != "customer.subscription.trial_will_end"
            }
            _ => false,
        };
        if !relevant {
            return Ok(EventOutcome::Ignored);
        }
        let (key, parts) = super::stripe::parse_subscription(&event.object)?;
        let day = DateTime::from_timestamp(event.created, 0)
            .ok_or_else(|| RevenueError::stripe("created", "a Unix timestamp in range"))?
            .date_naive();
        match self.by_key.get(&key).copied() {
            None => {
                self.insert(key, parts)?;
                if let Some(record) = self.records.last_mut() {
                    record.last_event_created = Some(event.created);
                }
            }
            Some(i) => {
                for part in &parts {
                    part.validate()?;
                }
                let record = &mut self.records[i];
                if let Some(last) = record.last_event_created {
                    if event.created < last {
                        return Err(RevenueError::EventOutOfOrder {
                            event_id: event.id.clone(),
                            subscription_id: key,
                            created: event.created,
                            last_applied: last,
                        });
                    }
                }
                record.last_event_created = Some(event.created);
                match record.revisions.last_mut() {
                    Some(last) if last.from == Some(day) => last.parts = parts,
                    _ => record.revisions.push(Revision {
                        from: Some(day),
                        parts,
                    }),
                }
                self.invalidate();
            }
        }
        Ok(EventOutcome::Applied)
    }

    fn insert(&mut self, key: String, parts: Vec<Subscription>) -> Result<(), RevenueError> {
        for part in &parts {
            part.validate()?;
        }
        if self.by_key.contains_key(&key) {
            return Err(RevenueError::DuplicateId { id: key });
        }
        self.by_key.insert(key.clone(), self.records.len());
        self.records.push(Record {
            revisions: vec![Revision { from: None, parts }],
            last_event_created: None,
        });
        self.invalidate();
        Ok(())
    }

    fn invalidate(&mut self) {
        self.index = OnceLock::new();
    }

    /// The index, built on first use.
    pub(crate) fn index(&self) -> Result<Arc<Index>, RevenueError> {
        self.index
            .get_or_init(|| Index::build(self).map(Arc::new))
            .clone()
    }
}
