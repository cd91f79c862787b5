//! `MemoryStore`: sharded in-process storage, the default for tests and single-process apps.

use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::hash_table::Entry;
use hashbrown::{DefaultHashBuilder, HashTable};
use parking_lot::Mutex;

use super::machine;
use super::{
    paginate, Claim, ClaimRequest, Filter, IdempotencyStore, LeaseToken, Page, Record,
    RetryDecision, RetryPolicy, Stats, StoreError, UnixMillis, Window,
};

const SHARDS: usize = 32;

/// Event types remembered per shard, so that records of one type share one string.
const EVENT_TYPES_PER_SHARD: usize = 8;

type Shard = Mutex<ShardData>;

#[derive(Default)]
struct ShardData {
    records: HashTable<Record>,
    /// The last few distinct event types claimed in this shard. Apps use a handful of types, so
    /// nearly every new record shares one of these instead of allocating its own copy; bounded,
    /// so that a stream of distinct types costs no more than one allocation per record.
    event_types: EventTypes,
}

#[derive(Default)]
struct EventTypes {
    recent: Vec<Arc<str>>,
    /// Where the next new type goes once `recent` is full (round robin).
    next: usize,
}

impl EventTypes {
    /// Return a shared copy of `event_type`, remembering it if it is new.
    fn intern(&mut self, event_type: &str) -> Arc<str> {
        if let Some(known) = self.recent.iter().find(|t| ***t == *event_type) {
            return Arc::clone(known);
        }
        let new: Arc<str> = event_type.into();
        if self.recent.len() < EVENT_TYPES_PER_SHARD {
            self.recent.push(Arc::clone(&new));
        } else {
            self.recent[self.next] = Arc::clone(&new);
            self.next = (self.next + 1) % EVENT_TYPES_PER_SHARD;
        }
        new
    }
}

/// Records in memory, in 32 independently locked shards so that concurrent workers rarely wait on
/// each other. `Send + Sync`; every method is atomic. Records are lost when the process exits: use
/// `SqliteStore` for durability.
///
/// # Example
/// ```
/// use cognition_core::idempotency::{Claim, ClaimRequest, IdempotencyStore, MemoryStore};
///
/// let store = MemoryStore::new();
/// let request = ClaimRequest::new("evt_1", "invoice.paid", b"{}", 1_000);
/// let Claim::Acquired { token, .. } = store.claim(&request)? else { unreachable!() };
/// store.complete(&token, Some(serde_json::json!({"ok": true})), 1_050)?;
/// assert!(matches!(store.claim(&request)?, Claim::AlreadyDone { .. }));
/// # Ok::<(), cognition_core::idempotency::StoreError>(())
/// ```
pub struct MemoryStore {
    shards: Box<[Shard]>,
    /// Seeded per store, so that keys chosen by clients cannot be aimed at one slot.
    hasher: DefaultHashBuilder,
    policy: RetryPolicy,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("records", &self.len())
            .finish()
    }
}

impl MemoryStore {
    /// An empty store with the default [`RetryPolicy`].
    pub fn new() -> Self {
        MemoryStore::with_retry_policy(RetryPolicy::default())
    }

    /// An empty store whose failures are scheduled by `policy`.
    pub fn with_retry_policy(policy: RetryPolicy) -> Self {
        MemoryStore {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: Default::default(),
            policy,
        }
    }

    /// Return how many records the store holds.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().records.len()).sum()
    }

    /// Return `true` if the store holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hash `key` once: bits 32.. pick the shard; the table itself uses the low bits (slot) and
    /// the top seven (tag), which must stay independent of the shard choice to spread well.
    fn locate(&self, key: &str) -> (&Shard, u64) {
        let hash = self.hasher.hash_one(key);
        (&self.shards[(hash >> 32) as usize % SHARDS], hash)
    }

    fn rehash(&self) -> impl Fn(&Record) -> u64 + '_ {
        move |record| self.hasher.hash_one(&*record.key)
    }

    /// Apply `f` to `key`'s record; `f` must leave the record unchanged when it fails.
    fn with_record<T>(
        &self,
        key: &str,
        f: impl FnOnce(&mut Record) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let (shard, hash) = self.locate(key);
        let mut shard = shard.lock();
        let record = shard
            .records
            .find_mut(hash, |r| *r.key == *key)
            .ok_or_else(|| StoreError::NotFound {
                key: key.to_owned(),
            })?;
        f(record)
    }

    fn collect(&self, keep: impl Fn(&Record) -> bool) -> Vec<Record> {
        let mut out = Vec::new();
        for shard in self.shards.iter() {
            out.extend(shard.lock().records.iter().filter(|r| keep(r)).cloned());
        }
        out
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError> {
        request.validate()?;
        let (shard, hash) = self.locate(request.key);
        let ShardData {
            records,
            event_types,
        } = &mut *shard.lock();
        match records.entry(hash, |r| *r.key == *request.key, self.rehash()) {
            Entry::Occupied(mut slot) => {
                Ok(machine::decide_claim(Some(slot.get_mut()), request, &self.policy).claim)
            }
            Entry::Vacant(slot) => {
                let event_type = event_types.intern(request.event_type);
                let (record, claim) = machine::acquire_new(request, event_type);
                slot.insert(record);
                Ok(claim)
            }
        }
    }

    fn complete(
        &self,
        token: &LeaseToken,
        result: Option<serde_json::Value>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        self.with_record(&token.key, |r| machine::complete(r, token, result, now))
    }

    fn ignore(&self, token: &LeaseToken, now: UnixMillis) -> Result<(), StoreError> {
        self.with_record(&token.key, |r| machine::ignore(r, token, now))
    }

    fn fail(
        &self,
        token: &LeaseToken,
        error: &str,
        retryable: bool,
        now: UnixMillis,
    ) -> Result<RetryDecision, StoreError> {
        self.with_record(&token.key, |r| {
            machine::fail(r, token, error, retryable, now, &self.policy)
        })
    }

    fn get(&self, key: &str) -> Result<Option<Record>, StoreError> {
        super::validate_key(key)?;
        let (shard, hash) = self.locate(key);
        Ok(shard.lock().records.find(hash, |r| *r.key == *key).cloned())
    }

    fn list(&self, filter: &Filter) -> Result<Page, StoreError> {
        filter.validate()?;
        paginate(self.collect(|r| filter.matches(r)), filter)
    }

    fn stats(&self, window: Window) -> Result<Stats, StoreError> {
        Ok(Stats::from_records(
            &self.collect(|r| window.contains(r.created_at)),
            window,
        ))
    }

    fn due_for_retry(&self, now: UnixMillis, limit: usize) -> Result<Vec<Record>, StoreError> {
        let mut due = self.collect(|r| machine::is_due(r, now));
        due.sort_by(|a, b| (a.next_retry_at, &a.key).cmp(&(b.next_retry_at, &b.key)));
        due.truncate(limit);
        Ok(due)
    }

    fn requeue(&self, key: &str, now: UnixMillis) -> Result<(), StoreError> {
        super::validate_key(key)?;
        self.with_record(key, |r| machine::requeue(r, now))
    }

    fn purge(&self, created_before: UnixMillis) -> Result<u64, StoreError> {
        let mut purged = 0;
        for shard in self.shards.iter() {
            shard.lock().records.retain(|r| {
                let remove = r.status.is_finished() && r.created_at < created_before;
                purged += u64::from(remove);
                !remove
            });
        }
        Ok(purged)
    }
}
