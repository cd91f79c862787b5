//! Opening a store file: connection settings, the "is this a store file?" checks and the
//! versioned schema.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior};

use super::rows::db_error;
use crate::idempotency::StoreError;

/// The schema version this build writes and reads.
pub(super) const SCHEMA_VERSION: i64 = 2;

/// How long a call waits for another connection's write lock before giving up with
/// [`StoreError::Backend`].
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The records table: one row per key, every [`crate::idempotency::Record`] field in a column.
/// `STRICT` so that a value of the wrong type is refused instead of silently stored.
const SCHEMA_V1: &str = "
CREATE TABLE idempotency_records (
    key              TEXT    NOT NULL PRIMARY KEY,
    event_type       TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN
                        ('pending', 'processing', 'processed', 'failed', 'retrying', 'dead', 'ignored')),
    fingerprint      BLOB    NOT NULL CHECK (length(fingerprint) = 32),
    payload          BLOB,
    result           TEXT,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    processed_at     INTEGER,
    failed_at        INTEGER,
    last_retry_at    INTEGER,
    next_retry_at    INTEGER,
    attempts         INTEGER NOT NULL CHECK (attempts >= 0),
    lease_generation INTEGER NOT NULL CHECK (lease_generation >= 0),
    lease_expires_at INTEGER
) STRICT;
CREATE INDEX idempotency_records_status_next_retry ON idempotency_records (status, next_retry_at);
CREATE INDEX idempotency_records_event_type_status ON idempotency_records (event_type, status);
CREATE INDEX idempotency_records_created_at ON idempotency_records (created_at, key);
INSERT INTO schema_migrations (version, description)
    VALUES (1, 'idempotency_records with status, event type and creation indexes');
";

/// Version 2, two changes to what every claim and completion costs (the table is rebuilt, rows
/// copied as they are):
/// - the `(status, next_retry_at)` index only holds the rows `due_for_retry` looks for
///   (`retrying` and `pending`). The full index was rewritten by every claim and every completion
///   (the status changes each time) although no query reads it for other statuses; the partial
///   index is left alone by the hot path, which cuts the pages a claim plus a completion write to
///   the WAL from about 8.6 to 6.5. (`list` filtered by status alone walks the creation index.)
/// - the status check is a chain of equalities instead of `IN` with seven values: SQLite builds a
///   temporary b-tree for an `IN` list longer than two on every statement that checks it, which
///   was about a fifth of the CPU time of each write.
const SCHEMA_V2: &str = "
CREATE TABLE idempotency_records_v2 (
    key              TEXT    NOT NULL PRIMARY KEY,
    event_type       TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status = 'pending' OR status = 'processing'
                        OR status = 'processed' OR status = 'failed' OR status = 'retrying'
                        OR status = 'dead' OR status = 'ignored'),
    fingerprint      BLOB    NOT NULL CHECK (length(fingerprint) = 32),
    payload          BLOB,
    result           TEXT,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    processed_at     INTEGER,
    failed_at        INTEGER,
    last_retry_at    INTEGER,
    next_retry_at    INTEGER,
    attempts         INTEGER NOT NULL CHECK (attempts >= 0),
    lease_generation INTEGER NOT NULL CHECK (lease_generation >= 0),
    lease_expires_at INTEGER
) STRICT;
INSERT INTO idempotency_records_v2 SELECT * FROM idempotency_records;
DROP TABLE idempotency_records;
ALTER TABLE idempotency_records_v2 RENAME TO idempotency_records;
CREATE INDEX idempotency_records_retry_due ON idempotency_records (status, next_retry_at)
    WHERE status IN ('retrying', 'pending');
CREATE INDEX idempotency_records_event_type_status ON idempotency_records (event_type, status);
CREATE INDEX idempotency_records_created_at ON idempotency_records (created_at, key);
INSERT INTO schema_migrations (version, description)
    VALUES (2, 'partial (status, next_retry_at) index; status check without a seven-value IN');
";

/// Every migration, in order: `(version, SQL)`. A new file runs them all; an older file the ones
/// past its version, in one transaction.
const MIGRATIONS: [(i64, &str); 2] = [(1, SCHEMA_V1), (2, SCHEMA_V2)];

/// Pages of write-ahead log between automatic checkpoints (SQLite's default is 1,000).
const WAL_AUTOCHECKPOINT_PAGES: i64 = 10_000;

const MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER NOT NULL PRIMARY KEY,
    description TEXT    NOT NULL
)";

/// Open (creating if needed) the store file at `path`: check it is a SQLite database this build
/// can read before writing anything, then switch to WAL and bring the schema up to date.
pub(super) fn open_file(path: &Path) -> Result<Connection, StoreError> {
    let shown = path.display();
    let mut conn = Connection::open(path).map_err(|e| match classify(&e) {
        Kind::Corrupt => not_a_store(path, &e),
        Kind::Other => StoreError::Backend(format!("cannot open `{shown}`: {e}")),
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(db_error("setting the busy timeout"))?;
    // Read-only checks first: a file that is not a database (or is from a newer build) must be
    // left byte-for-byte as it was, so nothing below may run before these pass.
    check_readable(&conn, path)?;
    check_version(&conn, path)?;
    enable_wal(&conn, path)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(db_error("setting synchronous=NORMAL"))?;
    // Checkpoint every ~40 MB of WAL instead of ~4 MB: each checkpoint costs fsyncs, and a claim
    // plus completion writes about ten pages, so the default checkpointed every hundred events.
    conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)
        .map_err(db_error("setting wal_autocheckpoint"))?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Create the schema in a private in-memory database.
pub(super) fn open_in_memory() -> Result<Connection, StoreError> {
    let mut conn =
        Connection::open_in_memory().map_err(db_error("opening an in-memory database"))?;
    migrate(&mut conn, Path::new(":memory:"))?;
    Ok(conn)
}

enum Kind {
    Corrupt,
    Other,
}

fn classify(error: &rusqlite::Error) -> Kind {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Kind::Corrupt,
        _ => Kind::Other,
    }
}

fn not_a_store(path: &Path, error: &rusqlite::Error) -> StoreError {
    StoreError::Corrupt(format!(
        "`{}` is not a readable SQLite database ({error}); it was left untouched: \
         restore it from a backup or point the store at another file",
        path.display()
    ))
}

/// The first read of the file: SQLite checks the header and the schema page here.
fn check_readable(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
        row.get::<_, i64>(0)
    })
    .map(drop)
    .map_err(|e| match classify(&e) {
        Kind::Corrupt => not_a_store(path, &e),
        Kind::Other => StoreError::Backend(format!("cannot read `{}`: {e}", path.display())),
    })
}

fn table_exists(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [name],
        |_| Ok(()),
    )
    .optional()
    .map(|found| found.is_some())
    .map_err(db_error("reading the schema"))
}

/// Return the file's schema version (`None` for a file the store has never written to).
fn schema_version(conn: &Connection, path: &Path) -> Result<Option<i64>, StoreError> {
    let has_records = table_exists(conn, "idempotency_records")?;
    if !table_exists(conn, "schema_migrations")? {
        if has_records {
            return Err(StoreError::Corrupt(format!(
                "`{}` has an `idempotency_records` table but no `schema_migrations` table: \
                 it was not created by this store",
                path.display()
            )));
        }
        return Ok(None);
    }
    let version: rusqlite::types::Value = conn
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })
        .map_err(db_error("reading the schema version"))?;
    match version {
        rusqlite::types::Value::Null if !has_records => Ok(None),
        rusqlite::types::Value::Integer(v) if v >= 1 && has_records => Ok(Some(v)),
        other => Err(StoreError::Corrupt(format!(
            "`{}` has a `schema_migrations` table this store did not write (latest version \
             {other:?}, records table present: {has_records})",
            path.display()
        ))),
    }
}

fn check_version(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    // One read transaction, so that the checks see one snapshot even while another process is
    // creating the schema.
    let snapshot = conn
        .unchecked_transaction()
        .map_err(db_error("starting a read"))?;
    let version = schema_version(&snapshot, path)?;
    drop(snapshot);
    match version {
        Some(v) if v > SCHEMA_VERSION => Err(StoreError::Corrupt(format!(
            "`{}` has schema version {v}, newer than the version {SCHEMA_VERSION} this build \
             supports: open it with a newer cognition-core (the file was left untouched)",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Switch to write-ahead logging. Changing the journal mode needs a moment of exclusive access,
/// which SQLite reports as busy without calling the busy handler, so retry up to the timeout
/// (several processes opening a fresh file at once all get here).
fn enable_wal(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        let outcome = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0));
        match outcome {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            // SQLite's `:memory:` path: a private database with nothing to log to disk.
            Ok(mode) if mode.eq_ignore_ascii_case("memory") => return Ok(()),
            Ok(mode) => {
                return Err(StoreError::Backend(format!(
                    "`{}` cannot use write-ahead logging (journal mode stayed `{mode}`); \
                     is it on a network file system?",
                    path.display()
                )))
            }
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => return Err(db_error("switching to WAL")(e)),
        }
    }
}

/// Bring the schema to [`SCHEMA_VERSION`] under the write lock, so that processes opening a
/// fresh file together create it once.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_error("locking the file to create the schema"))?;
    let current = match schema_version(&tx, path)? {
        None => {
            tx.execute_batch(MIGRATIONS_TABLE)
                .map_err(db_error("creating schema_migrations"))?;
            0
        }
        Some(v) if v > SCHEMA_VERSION => {
            return Err(StoreError::Corrupt(format!(
                "`{}` has schema version {v}, newer than the version {SCHEMA_VERSION} this \
                 build supports: open it with a newer cognition-core",
                path.display()
            )))
        }
        Some(v) => v,
    };
    if current == SCHEMA_VERSION {
        return Ok(()); // nothing written: the transaction ends without a commit
    }
    for (_, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.execute_batch(sql)
            .map_err(db_error("bringing the schema up to date"))?;
    }
    tx.commit().map_err(db_error("committing the schema"))
}
