//! `MemoryStore`: sharded in-process storage, the default for tests and single-process apps.

use std::collections::HashMap;
use std::hash::BuildHasher;

use parking_lot::Mutex;

use super::machine;
use super::{
    paginate, Claim, ClaimRequest, Filter, IdempotencyStore, LeaseToken, Page, Record,
    RetryDecision, RetryPolicy, Stats, StoreError, UnixMillis, Window,
};

const SHARDS: usize = 32;

type Shard = Mutex<HashMap<String, Record>>;

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
    hasher: std::collections::hash_map::RandomState,
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
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            hasher: Default::default(),
            policy,
        }
    }

    /// Return how many records the store holds.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len()).sum()
    }

    /// Return `true` if the store holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, key: &str) -> &Shard {
        &self.shards[self.hasher.hash_one(key) as usize % SHARDS]
    }

    fn with_record<T>(
        &self,
        key: &str,
        f: impl FnOnce(&mut Record) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut shard = self.shard(key).lock();
        let record = shard.get_mut(key).ok_or_else(|| StoreError::NotFound {
            key: key.to_owned(),
        })?;
        // Work on a copy so that a failed transition changes nothing.
        let mut updated = record.clone();
        let value = f(&mut updated)?;
        *record = updated;
        Ok(value)
    }

    fn all_records(&self) -> Vec<Record> {
        self.shards
            .iter()
            .flat_map(|s| s.lock().values().cloned().collect::<Vec<_>>())
            .collect()
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError> {
        request.validate()?;
        let mut shard = self.shard(request.key).lock();
        let decision = machine::decide_claim(shard.get_mut(request.key), request, &self.policy);
        if let Some(record) = decision.created {
            shard.insert(record.key.clone(), record);
        }
        Ok(decision.claim)
    }

    fn complete(
        &self,
        token: &LeaseToken,
        result: Option<serde_json::Value>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        let mut shard = self.shard(&token.key).lock();
        let record = shard
            .get_mut(&token.key)
            .ok_or_else(|| StoreError::NotFound {
                key: token.key.clone(),
            })?;
        // `complete` checks the token before touching anything: no copy needed.
        machine::complete(record, token, result, now)
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
        Ok(self.shard(key).lock().get(key).cloned())
    }

    fn list(&self, filter: &Filter) -> Result<Page, StoreError> {
        filter.validate()?;
        let matching = self
            .shards
            .iter()
            .flat_map(|s| {
                s.lock()
                    .values()
                    .filter(|r| filter.matches(r))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect();
        paginate(matching, filter)
    }

    fn stats(&self, window: Window) -> Result<Stats, StoreError> {
        Ok(Stats::from_records(&self.all_records(), window))
    }

    fn due_for_retry(&self, now: UnixMillis, limit: usize) -> Result<Vec<Record>, StoreError> {
        let mut due: Vec<Record> = self
            .shards
            .iter()
            .flat_map(|s| {
                s.lock()
                    .values()
                    .filter(|r| machine::is_due(r, now))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect();
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
            shard.lock().retain(|_, r| {
                let remove = r.status.is_finished() && r.created_at < created_before;
                purged += u64::from(remove);
                !remove
            });
        }
        Ok(purged)
    }
}
