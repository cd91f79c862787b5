//! Records to rows and back, and rusqlite errors to [`StoreError`].

use rusqlite::{params, Connection, ErrorCode, Row};

use crate::idempotency::{Fingerprint, Record, Status, StoreError};

/// Every column, in the order [`read_record`] expects.
pub(super) const COLUMNS: &str = "key, event_type, status, fingerprint, payload, result, \
    last_error, created_at, started_at, processed_at, failed_at, last_retry_at, next_retry_at, \
    attempts, lease_generation, lease_expires_at";

/// [`COLUMNS`] without the payload (read as NULL), for queries that never need it (stats).
pub(super) const COLUMNS_WITHOUT_PAYLOAD: &str = "key, event_type, status, fingerprint, NULL, \
    result, last_error, created_at, started_at, processed_at, failed_at, last_retry_at, \
    next_retry_at, attempts, lease_generation, lease_expires_at";

/// Map a rusqlite error met while `context`: unreadable data is [`StoreError::Corrupt`],
/// everything else (busy, locked, I/O, full disk…) [`StoreError::Backend`].
pub(super) fn db_error(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |error| {
        let corrupt = match &error {
            rusqlite::Error::SqliteFailure(..) => matches!(
                error.sqlite_error_code(),
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
            ),
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::Utf8Error(..) => true,
            _ => false,
        };
        if corrupt {
            StoreError::Corrupt(format!("{context}: {error}"))
        } else {
            StoreError::Backend(format!("{context}: {error}"))
        }
    }
}

fn corrupt(column: &str, what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column `{column}` holds {what}"))
}

/// Read one row selected with [`COLUMNS`] (or [`COLUMNS_WITHOUT_PAYLOAD`]).
pub(super) fn read_record(row: &Row<'_>) -> Result<Record, StoreError> {
    let read = db_error("reading a record");
    let status: String = row.get(2).map_err(&read)?;
    let status: Status = status
        .parse()
        .map_err(|_| corrupt("status", format!("an unknown status `{status}`")))?;
    let fingerprint: Vec<u8> = row.get(3).map_err(&read)?;
    let fingerprint = <[u8; 32]>::try_from(fingerprint.as_slice())
        .map(Fingerprint)
        .map_err(|_| {
            corrupt(
                "fingerprint",
                format!("{} bytes, not 32", fingerprint.len()),
            )
        })?;
    let result: Option<String> = row.get(5).map_err(&read)?;
    let result = result
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(|e| corrupt("result", format!("invalid JSON ({e})")))?;
    let attempts: i64 = row.get(13).map_err(&read)?;
    let lease_generation: i64 = row.get(14).map_err(&read)?;
    Ok(Record {
        key: row.get::<_, String>(0).map_err(&read)?.into(),
        event_type: row.get::<_, String>(1).map_err(&read)?.into(),
        status,
        fingerprint,
        payload: row.get(4).map_err(&read)?,
        result,
        last_error: row.get(6).map_err(&read)?,
        created_at: row.get(7).map_err(&read)?,
        started_at: row.get(8).map_err(&read)?,
        processed_at: row.get(9).map_err(&read)?,
        failed_at: row.get(10).map_err(&read)?,
        last_retry_at: row.get(11).map_err(&read)?,
        next_retry_at: row.get(12).map_err(&read)?,
        attempts: u32::try_from(attempts)
            .map_err(|_| corrupt("attempts", format!("{attempts}")))?,
        lease_generation: u64::try_from(lease_generation)
            .map_err(|_| corrupt("lease_generation", format!("{lease_generation}")))?,
        lease_expires_at: row.get(15).map_err(&read)?,
    })
}

/// Load `key`'s record.
pub(super) fn load(conn: &Connection, key: &str) -> Result<Option<Record>, StoreError> {
    let mut statement = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM idempotency_records WHERE key = ?1"
        ))
        .map_err(db_error("preparing a read"))?;
    let mut rows = statement
        .query([key])
        .map_err(db_error("reading a record"))?;
    match rows.next().map_err(db_error("reading a record"))? {
        Some(row) => read_record(row).map(Some),
        None => Ok(None),
    }
}

/// What [`write`] does when the key already exists.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum OnConflict {
    /// Overwrite every column.
    Overwrite,
    /// Leave the stored record alone (and report that nothing was written).
    Keep,
}

/// Insert or overwrite `record` (every column).
pub(super) fn save(conn: &Connection, record: &Record) -> Result<(), StoreError> {
    write(conn, record, OnConflict::Overwrite).map(drop)
}

/// Write `record`; return whether a row was written.
pub(super) fn write(
    conn: &Connection,
    record: &Record,
    on_conflict: OnConflict,
) -> Result<bool, StoreError> {
    let generation = i64::try_from(record.lease_generation).map_err(|_| {
        StoreError::InvalidState(format!(
            "lease generation of `{}` is past what the store can hold",
            record.key
        ))
    })?;
    let result = record
        .result
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::InvalidResult(e.to_string()))?;
    let conflict_clause = match on_conflict {
        OnConflict::Keep => "ON CONFLICT (key) DO NOTHING",
        OnConflict::Overwrite => OVERWRITE,
    };
    let mut statement = conn
        .prepare_cached(&format!(
            "INSERT INTO idempotency_records ({COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
             {conflict_clause}"
        ))
        .map_err(db_error("preparing a write"))?;
    statement
        .execute(params![
            &*record.key,
            &*record.event_type,
            record.status.as_str(),
            &record.fingerprint.0[..],
            record.payload.as_deref(),
            result,
            record.last_error,
            record.created_at,
            record.started_at,
            record.processed_at,
            record.failed_at,
            record.last_retry_at,
            record.next_retry_at,
            i64::from(record.attempts),
            generation,
            record.lease_expires_at,
        ])
        .map(|rows| rows == 1)
        .map_err(db_error("writing a record"))
}

/// The upsert clause that overwrites every column of an existing key.
const OVERWRITE: &str = "ON CONFLICT (key) DO UPDATE SET event_type = excluded.event_type, \
             status = excluded.status, fingerprint = excluded.fingerprint, \
             payload = excluded.payload, result = excluded.result, \
             last_error = excluded.last_error, created_at = excluded.created_at, \
             started_at = excluded.started_at, processed_at = excluded.processed_at, \
             failed_at = excluded.failed_at, last_retry_at = excluded.last_retry_at, \
             next_retry_at = excluded.next_retry_at, attempts = excluded.attempts, \
             lease_generation = excluded.lease_generation, \
             lease_expires_at = excluded.lease_expires_at";

/// Mark a record processed in one statement when `generation` still holds its lease: the SQL
/// form of [`crate::idempotency::machine::complete`] (same condition, same fields), used as the
/// fast path; `false` sends the caller to the general path, which reports why.
pub(super) fn complete_if_holder(
    conn: &Connection,
    key: &str,
    generation: u64,
    result: Option<&serde_json::Value>,
    now: i64,
) -> Result<bool, StoreError> {
    let Ok(generation) = i64::try_from(generation) else {
        return Ok(false);
    };
    let result = result
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::InvalidResult(e.to_string()))?;
    let mut statement = conn
        .prepare_cached(
            "UPDATE idempotency_records SET status = 'processed', processed_at = ?1, \
             result = ?2, lease_expires_at = NULL, next_retry_at = NULL \
             WHERE key = ?3 AND status = 'processing' AND lease_generation = ?4",
        )
        .map_err(db_error("preparing a completion"))?;
    statement
        .execute(params![now, result, key, generation])
        .map(|rows| rows == 1)
        .map_err(db_error("completing a record"))
}

/// Read every row of a prepared query.
pub(super) fn collect(
    statement: &mut rusqlite::CachedStatement<'_>,
    params: impl rusqlite::Params,
) -> Result<Vec<Record>, StoreError> {
    let mut rows = statement
        .query(params)
        .map_err(db_error("reading records"))?;
    let mut records = Vec::new();
    while let Some(row) = rows.next().map_err(db_error("reading records"))? {
        records.push(read_record(row)?);
    }
    Ok(records)
}
