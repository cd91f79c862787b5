//! `SqliteStore`: records in a SQLite file (feature `sqlite`), durable across restarts and safe
//! to share between threads and between processes on one machine.
//!
//! What it does:
//! - keeps every [`Record`] field in one row of `idempotency_records` (fingerprint as a 32-byte
//!   blob, result as JSON text, payload as a blob) with indexes on `(status, next_retry_at)`
//!   (partial: `retrying` and `pending` rows only, the ones retries look for), `(event_type,
//!   status)` and `(created_at, key)`;
//! - creates and versions its schema itself (table `schema_migrations`, version 2; a version-1
//!   file is upgraded in place when opened), refusing files from a newer version and files that
//!   are not SQLite databases with [`StoreError::Corrupt`], without writing a byte to them;
//! - runs every read-modify-write (`claim`, `complete`, `ignore`, `fail`, `requeue`) in a
//!   `BEGIN IMMEDIATE` transaction around the shared [`machine`], so that two connections (in
//!   this process or another) can never both acquire a key;
//! - filters, orders and pages [`IdempotencyStore::list`] and
//!   [`IdempotencyStore::due_for_retry`] in SQL.
//!
//! What it deliberately does not do: pool connections (one store is one connection; open more
//! stores on the same file for parallel writers), checkpoint, vacuum or purge on a schedule
//! (SQLite's automatic WAL checkpoint runs on commit; call [`IdempotencyStore::purge`] yourself),
//! read the clock, or work over a network file system (WAL needs shared memory on one host).

mod rows;
mod schema;

use std::path::{Path, PathBuf};

use parking_lot::Mutex;
use rusqlite::types::Value;
use rusqlite::{Connection, TransactionBehavior};

use self::rows::{collect, db_error, load, save, COLUMNS, COLUMNS_WITHOUT_PAYLOAD};
use super::machine;
use super::{
    validate_key, Claim, ClaimRequest, Filter, IdempotencyStore, LeaseToken, Page, Record,
    RetryDecision, RetryPolicy, Stats, Status, StoreError, UnixMillis, Window,
};

/// Statements kept prepared per connection: the fixed ones plus the `list` variants.
const STATEMENT_CACHE: usize = 32;

/// Idempotency records in a SQLite database file.
///
/// # Guarantees
/// - **Atomic and exclusive.** Every method is atomic. Each read-modify-write runs in a
///   `BEGIN IMMEDIATE` transaction, which takes the file's write lock before reading, so claims
///   from any number of threads, stores or processes on the same file are serialised and a key
///   is acquired by one of them at a time. A failed call rolls back: nothing changes.
/// - **Thread-safe.** `Send + Sync`. A store holds one connection behind a mutex, so calls on one
///   store run one at a time; for parallel writers in one process open several stores on the
///   same file (they are serialised by SQLite's write lock anyway; readers never wait in WAL mode).
/// - **Durable.** Write-ahead logging with `synchronous=NORMAL`: a commit survives a crash or
///   `kill -9` of the process the moment the call returns. A power loss or OS crash can lose the
///   last few commits (they are in the WAL but not yet synced) but never corrupts the file; this is
///   SQLite's recommended trade-off for WAL, about ten times faster than syncing every commit.
/// - **Patient.** A call waits up to 5 s for another connection's write lock, then fails with
///   [`StoreError::Backend`]. Unreadable data gives [`StoreError::Corrupt`]. No call panics.
///
/// # Example
/// ```
/// use cognition_core::idempotency::{Claim, ClaimRequest, IdempotencyStore, SqliteStore, Status};
///
/// let dir = std::env::temp_dir().join(format!("cog-sqlite-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("events.db");
///
/// let store = SqliteStore::open(&path)?;
/// let request = ClaimRequest::new("evt_1", "invoice.paid", b"{}", 1_000);
/// let Claim::Acquired { token, .. } = store.claim(&request)? else { unreachable!() };
/// store.complete(&token, Some(serde_json::json!({"ok": true})), 1_050)?;
/// drop(store);
///
/// // The record outlives the store.
/// let store = SqliteStore::open(&path)?;
/// assert_eq!(store.get("evt_1")?.map(|r| r.status), Some(Status::Processed));
/// assert!(matches!(store.claim(&request)?, Claim::AlreadyDone { .. }));
/// # drop(store);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), cognition_core::idempotency::StoreError>(())
/// ```
pub struct SqliteStore {
    conn: Mutex<Connection>,
    policy: RetryPolicy,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Open the store file at `path` (created if missing) with the default [`RetryPolicy`].
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] if the file is not a SQLite database, is damaged, or has a schema
    /// from a newer version (the file is then left untouched); [`StoreError::Backend`] if it
    /// cannot be opened or stays locked for 5 s.
    ///
    /// # Example
    /// ```
    /// use cognition_core::idempotency::{SqliteStore, StoreError};
    ///
    /// let path = std::env::temp_dir().join(format!("cog-open-doc-{}.txt", std::process::id()));
    /// std::fs::write(&path, b"not a database, just some text long enough to have a header")
    ///     .unwrap();
    /// assert!(matches!(SqliteStore::open(&path), Err(StoreError::Corrupt(_))));
    /// # std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, RetryPolicy::default())
    }

    /// Open the store file at `path` (created if missing); failures are scheduled by `policy`.
    /// SQLite's special path `":memory:"` gives a private in-memory database, like
    /// [`SqliteStore::in_memory`].
    ///
    /// # Errors
    /// As [`SqliteStore::open`].
    ///
    /// # Example
    /// ```
    /// use cognition_core::idempotency::{RetryPolicy, SqliteStore};
    ///
    /// let dir = std::env::temp_dir().join(format!("cog-open-with-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let policy = RetryPolicy::default().max_attempts(3)?;
    /// let store = SqliteStore::open_with(dir.join("events.db"), policy)?;
    /// # drop(store);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), cognition_core::idempotency::StoreError>(())
    /// ```
    pub fn open_with(
        path: impl AsRef<Path>,
        policy: RetryPolicy,
    ) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let conn = schema::open_file(path)?;
        Ok(SqliteStore::with_connection(
            conn,
            policy,
            Some(path.to_owned()),
        ))
    }

    /// A store in a private in-memory database with the default [`RetryPolicy`]: the SQL paths
    /// without a file, for tests. Its records go when it is dropped.
    ///
    /// # Errors
    /// [`StoreError::Backend`] if SQLite cannot allocate the database.
    ///
    /// # Example
    /// ```
    /// use cognition_core::idempotency::{IdempotencyStore, SqliteStore};
    ///
    /// let store = SqliteStore::in_memory()?;
    /// assert_eq!(store.get("evt_1")?, None);
    /// # Ok::<(), cognition_core::idempotency::StoreError>(())
    /// ```
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        let conn = schema::open_in_memory()?;
        Ok(SqliteStore::with_connection(
            conn,
            RetryPolicy::default(),
            None,
        ))
    }

    fn with_connection(conn: Connection, policy: RetryPolicy, path: Option<PathBuf>) -> Self {
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        SqliteStore {
            conn: Mutex::new(conn),
            policy,
            path,
        }
    }

    /// Load `key`'s record under the write lock, apply `change`, save and commit. An error from
    /// `change` rolls back, so a failed transition changes nothing.
    fn update<T>(
        &self,
        key: &str,
        change: impl FnOnce(&mut Record) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error("taking the write lock"))?;
        let mut record = load(&tx, key)?.ok_or_else(|| StoreError::NotFound {
            key: key.to_owned(),
        })?;
        let value = change(&mut record)?;
        save(&tx, &record)?;
        tx.commit().map_err(db_error("committing"))?;
        Ok(value)
    }
}

impl IdempotencyStore for SqliteStore {
    fn claim(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError> {
        request.validate()?;
        let mut conn = self.conn.lock();
        match load(&conn, request.key)? {
            // A redelivery is answered by a plain read, without the write lock, whenever the
            // answer changes nothing (done, in progress, conflicting, dead-lettered). Those answers
            // stay true, except that a lease seen as held may be released a moment later: the
            // caller then answers 409 and the provider's next attempt sees the outcome.
            Some(mut seen) => {
                let decision = machine::decide_claim(Some(&mut seen), request, &self.policy);
                if !decision.updated {
                    return Ok(decision.claim);
                }
            }
            // A first delivery is one atomic insert (unless another writer got there first).
            None => {
                let first = machine::decide_claim(None, request, &self.policy);
                if let Some(record) = &first.created {
                    if rows::write(&conn, record, rows::OnConflict::Keep)? {
                        return Ok(first.claim);
                    }
                }
            }
        }
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error("taking the write lock"))?;
        let mut existing = load(&tx, request.key)?;
        let decision = machine::decide_claim(existing.as_mut(), request, &self.policy);
        let changed = match (&decision.created, &existing) {
            (Some(record), _) => Some(record),
            (None, Some(record)) if decision.updated => Some(record),
            _ => None,
        };
        if let Some(record) = changed {
            save(&tx, record)?;
            tx.commit().map_err(db_error("committing a claim"))?;
        }
        Ok(decision.claim)
    }

    fn complete(
        &self,
        token: &LeaseToken,
        result: Option<serde_json::Value>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        let fast = rows::complete_if_holder(
            &self.conn.lock(),
            &token.key,
            token.generation,
            result.as_ref(),
            now,
        )?;
        if fast {
            return Ok(());
        }
        self.update(&token.key, |r| machine::complete(r, token, result, now))
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
        validate_key(key)?;
        load(&self.conn.lock(), key)
    }

    fn list(&self, filter: &Filter) -> Result<Page, StoreError> {
        let after = filter.validate()?;
        let mut sql = format!("SELECT {COLUMNS} FROM idempotency_records WHERE 1 = 1");
        let mut params: Vec<Value> = Vec::with_capacity(6);
        if let Some(status) = filter.status {
            sql.push_str(" AND status = ?");
            params.push(Value::Text(status.as_str().to_owned()));
        }
        if let Some(event_type) = &filter.event_type {
            sql.push_str(" AND event_type = ?");
            params.push(Value::Text(event_type.clone()));
        }
        if let Some(since) = filter.since {
            sql.push_str(" AND created_at >= ?");
            params.push(Value::Integer(since));
        }
        if let Some(until) = filter.until {
            sql.push_str(" AND created_at < ?");
            params.push(Value::Integer(until));
        }
        if let Some((created_at, key)) = after {
            sql.push_str(" AND (created_at, key) < (?, ?)");
            params.push(Value::Integer(created_at));
            params.push(Value::Text(key));
        }
        // One row more than the page tells whether another page follows (as `paginate` does).
        sql.push_str(" ORDER BY created_at DESC, key DESC LIMIT ?");
        params.push(Value::Integer(sql_limit(filter.limit.saturating_add(1))));

        let conn = self.conn.lock();
        let mut statement = conn
            .prepare_cached(&sql)
            .map_err(db_error("preparing a list query"))?;
        let mut records = collect(&mut statement, rusqlite::params_from_iter(params))?;
        let next_cursor = (records.len() > filter.limit)
            .then(|| records.get(filter.limit - 1))
            .flatten()
            .map(|last| super::encode_cursor(last.created_at, &last.key));
        records.truncate(filter.limit);
        Ok(Page {
            records,
            next_cursor,
        })
    }

    fn stats(&self, window: Window) -> Result<Stats, StoreError> {
        let conn = self.conn.lock();
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS_WITHOUT_PAYLOAD} FROM idempotency_records \
                 WHERE created_at >= ?1 AND created_at < ?2"
            ))
            .map_err(db_error("preparing a stats query"))?;
        let records = collect(&mut statement, [window.since, window.until])?;
        Ok(Stats::from_records(&records, window))
    }

    fn due_for_retry(&self, now: UnixMillis, limit: usize) -> Result<Vec<Record>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let conn = self.conn.lock();
        // The same rule as `machine::is_due`, in SQL so that the status index does the work.
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM idempotency_records \
                 WHERE status IN ('{}', '{}') AND (next_retry_at IS NULL OR next_retry_at <= ?1) \
                 ORDER BY next_retry_at, key LIMIT ?2",
                Status::Retrying.as_str(),
                Status::Pending.as_str(),
            ))
            .map_err(db_error("preparing a due-for-retry query"))?;
        collect(&mut statement, rusqlite::params![now, sql_limit(limit)])
    }

    fn requeue(&self, key: &str, now: UnixMillis) -> Result<(), StoreError> {
        validate_key(key)?;
        self.update(key, |r| machine::requeue(r, now))
    }

    fn purge(&self, created_before: UnixMillis) -> Result<u64, StoreError> {
        let finished: Vec<&str> = Status::ALL
            .into_iter()
            .filter(|s| s.is_finished())
            .map(Status::as_str)
            .collect();
        let sql = format!(
            "DELETE FROM idempotency_records WHERE status IN ('{}') AND created_at < ?1",
            finished.join("', '")
        );
        let conn = self.conn.lock();
        let deleted = conn
            .prepare_cached(&sql)
            .and_then(|mut statement| statement.execute([created_before]))
            .map_err(db_error("purging"))?;
        Ok(deleted as u64)
    }
}

/// A row count as SQLite's `LIMIT` takes it.
fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}
