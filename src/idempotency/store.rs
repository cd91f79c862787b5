//! The storage trait, with the filter, page and window types its queries use.

use super::{
    Claim, ClaimRequest, LeaseToken, Record, RetryDecision, Stats, Status, StoreError, UnixMillis,
};

/// Storage for idempotency records. Implement it to keep records in your own database; the
/// [`super::MemoryStore`] and `SqliteStore` implementations are ready to use.
///
/// Every method is atomic with respect to the others on the same store (and, for stores shared by
/// processes, across processes). Implementations should load, call the shared state machine in
/// [`super::machine`], and save — so that the rules are the same whatever the storage.
pub trait IdempotencyStore: Send + Sync {
    /// Claim a key for processing (see [`Claim`] for the answers).
    ///
    /// # Errors
    /// [`StoreError::InvalidKey`], [`StoreError::InvalidArgument`], backend errors.
    fn claim(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError>;

    /// Mark the token's record processed with `result`.
    ///
    /// # Errors
    /// [`StoreError::StaleToken`] (nothing changed), [`StoreError::NotFound`], backend errors.
    fn complete(
        &self,
        token: &LeaseToken,
        result: Option<serde_json::Value>,
        now: UnixMillis,
    ) -> Result<(), StoreError>;

    /// Mark the token's record ignored (no handler for its type).
    ///
    /// # Errors
    /// As [`IdempotencyStore::complete`].
    fn ignore(&self, token: &LeaseToken, now: UnixMillis) -> Result<(), StoreError>;

    /// Record a failed attempt; the store's retry policy decides what follows.
    ///
    /// # Errors
    /// As [`IdempotencyStore::complete`].
    fn fail(
        &self,
        token: &LeaseToken,
        error: &str,
        retryable: bool,
        now: UnixMillis,
    ) -> Result<RetryDecision, StoreError>;

    /// Return the record for `key`, if any.
    ///
    /// # Errors
    /// [`StoreError::InvalidKey`], backend errors.
    fn get(&self, key: &str) -> Result<Option<Record>, StoreError>;

    /// Return one page of records matching `filter`, newest first.
    ///
    /// # Errors
    /// [`StoreError::InvalidArgument`] for a bad cursor or limit, backend errors.
    fn list(&self, filter: &Filter) -> Result<Page, StoreError>;

    /// Summarise the records created within `window`.
    ///
    /// # Errors
    /// Backend errors.
    fn stats(&self, window: Window) -> Result<Stats, StoreError>;

    /// Return up to `limit` records whose retry is due at `now` (`retrying` past `next_retry_at`,
    /// and `pending`), earliest due first.
    ///
    /// # Errors
    /// Backend errors.
    fn due_for_retry(&self, now: UnixMillis, limit: usize) -> Result<Vec<Record>, StoreError>;

    /// Put a `dead` or `failed` record back in the queue, due at `now`, with attempts reset.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::InvalidState`], backend errors.
    fn requeue(&self, key: &str, now: UnixMillis) -> Result<(), StoreError>;

    /// Delete finished records (`processed`, `ignored`, `failed`, `dead`) created before
    /// `created_before`; never `pending`, `processing` or `retrying`. Returns how many went.
    ///
    /// # Errors
    /// Backend errors.
    fn purge(&self, created_before: UnixMillis) -> Result<u64, StoreError>;
}

/// Which records [`IdempotencyStore::list`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Only this event type.
    pub event_type: Option<String>,
    /// Only this status.
    pub status: Option<Status>,
    /// Only records created at or after this time.
    pub since: Option<UnixMillis>,
    /// Only records created before this time.
    pub until: Option<UnixMillis>,
    /// Page size, 1 to [`MAX_PAGE_SIZE`] (default 100).
    pub limit: usize,
    /// Where to continue: the `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Largest page [`IdempotencyStore::list`] returns.
pub const MAX_PAGE_SIZE: usize = 1_000;

impl Default for Filter {
    fn default() -> Self {
        Filter {
            event_type: None,
            status: None,
            since: None,
            until: None,
            limit: 100,
            cursor: None,
        }
    }
}

impl Filter {
    /// Return `true` if `record` passes the filter's conditions (the cursor aside).
    pub fn matches(&self, record: &Record) -> bool {
        self.event_type
            .as_deref()
            .is_none_or(|t| t == &*record.event_type)
            && self.status.is_none_or(|s| s == record.status)
            && self.since.is_none_or(|t| record.created_at >= t)
            && self.until.is_none_or(|t| record.created_at < t)
    }

    /// Check the limit and decode the cursor into the position to continue after.
    ///
    /// # Errors
    /// [`StoreError::InvalidArgument`].
    pub fn validate(&self) -> Result<Option<(UnixMillis, String)>, StoreError> {
        if self.limit == 0 || self.limit > MAX_PAGE_SIZE {
            return Err(StoreError::InvalidArgument(format!(
                "limit must be between 1 and {MAX_PAGE_SIZE}"
            )));
        }
        self.cursor.as_deref().map(decode_cursor).transpose()
    }
}

/// One page of records, newest first (by creation time, then key, descending).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The records.
    pub records: Vec<Record>,
    /// Pass as [`Filter::cursor`] to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// A time range `[since, until)` for [`IdempotencyStore::stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Start, inclusive.
    pub since: UnixMillis,
    /// End, exclusive.
    pub until: UnixMillis,
}

impl Window {
    /// Every record.
    pub const ALL: Window = Window {
        since: UnixMillis::MIN,
        until: UnixMillis::MAX,
    };

    /// Return `true` if `at` lies in the window.
    pub fn contains(&self, at: UnixMillis) -> bool {
        at >= self.since && at < self.until
    }
}

/// Encode a page position: the last record's creation time and key.
pub fn encode_cursor(created_at: UnixMillis, key: &str) -> String {
    format!("{created_at}:{key}")
}

fn decode_cursor(cursor: &str) -> Result<(UnixMillis, String), StoreError> {
    cursor
        .split_once(':')
        .and_then(|(t, key)| Some((t.parse().ok()?, key.to_owned())))
        .ok_or_else(|| StoreError::InvalidArgument("cursor is not one this store returned".into()))
}

/// Sort matching records newest first and cut one page: the shared paging rule of every store
/// that filters in memory.
///
/// # Errors
/// As [`Filter::validate`].
pub fn paginate(mut records: Vec<Record>, filter: &Filter) -> Result<Page, StoreError> {
    let after = filter.validate()?;
    records.retain(|r| filter.matches(r));
    if let Some((created_at, key)) = &after {
        records.retain(|r| (r.created_at, &*r.key) < (*created_at, key.as_str()));
    }
    records.sort_by(|a, b| (b.created_at, &b.key).cmp(&(a.created_at, &a.key)));
    let next_cursor = (records.len() > filter.limit).then(|| {
        let last = &records[filter.limit - 1];
        encode_cursor(last.created_at, &last.key)
    });
    records.truncate(filter.limit);
    Ok(Page {
        records,
        next_cursor,
    })
}
