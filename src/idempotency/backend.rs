//! `BackendStore`: a full [`IdempotencyStore`] over any storage that can load, insert and
//! compare-and-swap records — the easy way to keep records in your own database.
//!
//! The store's rules stay in [`super::machine`]; the backend only moves records. Every write is a
//! compare-and-swap on `(lease_generation, status)`, which changes on every transition and never
//! repeats within a record's life (a claim bumps the generation; within one generation the status
//! only moves forward), so two workers can never both win a key even without transactions.

use super::machine;
use super::{
    paginate, Claim, ClaimRequest, Filter, IdempotencyStore, LeaseToken, Page, Record,
    RetryDecision, RetryPolicy, Stats, Status, StoreError, UnixMillis, Window,
};

/// How many times a write is retried when another writer changed the record in between.
const MAX_CAS_ATTEMPTS: usize = 64;

/// Minimal record storage: implement these five operations atomically per record.
pub trait RecordBackend: Send + Sync {
    /// Return the record stored under `key`.
    ///
    /// # Errors
    /// [`StoreError::Backend`] (or any store error) when the storage fails.
    fn load(&self, key: &str) -> Result<Option<Record>, StoreError>;

    /// Insert `record` unless a record with its key exists; return whether it was inserted.
    ///
    /// # Errors
    /// As [`RecordBackend::load`].
    fn insert(&self, record: &Record) -> Result<bool, StoreError>;

    /// Replace the stored record with `record` if the stored one still has `expected_generation`
    /// and `expected_status`; return whether it was replaced.
    ///
    /// # Errors
    /// As [`RecordBackend::load`].
    fn replace(
        &self,
        record: &Record,
        expected_generation: u64,
        expected_status: Status,
    ) -> Result<bool, StoreError>;

    /// Return every record (queries and statistics filter them in memory).
    ///
    /// # Errors
    /// As [`RecordBackend::load`].
    fn scan(&self) -> Result<Vec<Record>, StoreError>;

    /// Delete the records with these keys (missing keys are fine).
    ///
    /// # Errors
    /// As [`RecordBackend::load`].
    fn delete(&self, keys: &[String]) -> Result<(), StoreError>;
}

/// An [`IdempotencyStore`] over a [`RecordBackend`].
#[derive(Debug)]
pub struct BackendStore<B> {
    backend: B,
    policy: RetryPolicy,
}

impl<B: RecordBackend> BackendStore<B> {
    /// A store over `backend` with the default [`RetryPolicy`].
    pub fn new(backend: B) -> Self {
        BackendStore::with_retry_policy(backend, RetryPolicy::default())
    }

    /// A store over `backend` whose failures are scheduled by `policy`.
    pub fn with_retry_policy(backend: B, policy: RetryPolicy) -> Self {
        BackendStore { backend, policy }
    }

    /// Return the backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// Load `key`, apply `change` to a copy and compare-and-swap it back, retrying on contention.
    fn update<T>(
        &self,
        key: &str,
        mut change: impl FnMut(&mut Record) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        for _ in 0..MAX_CAS_ATTEMPTS {
            let mut record = self
                .backend
                .load(key)?
                .ok_or_else(|| StoreError::NotFound {
                    key: key.to_owned(),
                })?;
            let (generation, status) = (record.lease_generation, record.status);
            let value = change(&mut record)?;
            if self.backend.replace(&record, generation, status)? {
                return Ok(value);
            }
        }
        Err(contention(key))
    }
}

fn contention(key: &str) -> StoreError {
    StoreError::Backend(format!(
        "record `{key}` kept changing under {MAX_CAS_ATTEMPTS} compare-and-swap attempts"
    ))
}

impl<B: RecordBackend> IdempotencyStore for BackendStore<B> {
    fn claim(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError> {
        request.validate()?;
        for _ in 0..MAX_CAS_ATTEMPTS {
            let mut existing = self.backend.load(request.key)?;
            let expected = existing.as_ref().map(|r| (r.lease_generation, r.status));
            let decision = machine::decide_claim(existing.as_mut(), request, &self.policy);
            let written = match (decision.created, existing, expected) {
                (Some(new), _, _) => self.backend.insert(&new)?,
                (None, Some(updated), Some((generation, status))) if decision.updated => {
                    self.backend.replace(&updated, generation, status)?
                }
                _ => true, // nothing to write: the answer stands as read
            };
            if written {
                return Ok(decision.claim);
            }
        }
        Err(contention(request.key))
    }

    fn complete(
        &self,
        token: &LeaseToken,
        result: Option<serde_json::Value>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        self.update(&token.key, |r| {
            machine::complete(r, token, result.clone(), now)
        })
    }

    fn ignore(&self, token: &LeaseToken, now: UnixMillis) -> Result<(), StoreError> {
        self.update(&token.key, |r| machine::ignore(r, token, now))
    }

    fn fail(
        &self,
        token: &LeaseToken,
        error: &str,
        retryable: bool,
        now: UnixMillis,
    ) -> Result<RetryDecision, StoreError> {
        self.update(&token.key, |r| {
            machine::fail(r, token, error, retryable, now, &self.policy)
        })
    }

    fn get(&self, key: &str) -> Result<Option<Record>, StoreError> {
        super::validate_key(key)?;
        self.backend.load(key)
    }

    fn list(&self, filter: &Filter) -> Result<Page, StoreError> {
        filter.validate()?;
        paginate(self.backend.scan()?, filter)
    }

    fn stats(&self, window: Window) -> Result<Stats, StoreError> {
        Ok(Stats::from_records(&self.backend.scan()?, window))
    }

    fn due_for_retry(&self, now: UnixMillis, limit: usize) -> Result<Vec<Record>, StoreError> {
        let mut due: Vec<Record> = self
            .backend
            .scan()?
            .into_iter()
            .filter(|r| machine::is_due(r, now))
            .collect();
        due.sort_by(|a, b| (a.next_retry_at, &a.key).cmp(&(b.next_retry_at, &b.key)));
        due.truncate(limit);
        Ok(due)
    }

    fn requeue(&self, key: &str, now: UnixMillis) -> Result<(), StoreError> {
        super::validate_key(key)?;
        self.update(key, |r| machine::requeue(r, now))
    }

    fn purge(&self, created_before: UnixMillis) -> Result<u64, StoreError> {
        let doomed: Vec<String> = self
            .backend
            .scan()?
            .into_iter()
            .filter(|r| r.status.is_finished() && r.created_at < created_before)
            .map(|r| r.key.to_string())
            .collect();
        self.backend.delete(&doomed)?;
        Ok(doomed.len() as u64)
    }
}
