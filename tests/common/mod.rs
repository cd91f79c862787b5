//! Helpers shared by the integration suites.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cognition_core::idempotency::{Record, RecordBackend, Status, StoreError};

/// A user's own storage: a map with per-record compare-and-swap, as a database table would offer.
#[derive(Default)]
pub struct MapBackend(Mutex<HashMap<String, Record>>);

impl RecordBackend for MapBackend {
    fn load(&self, key: &str) -> Result<Option<Record>, StoreError> {
        Ok(self.0.lock().unwrap().get(key).cloned())
    }

    fn insert(&self, record: &Record) -> Result<bool, StoreError> {
        let mut map = self.0.lock().unwrap();
        if map.contains_key(&*record.key) {
            return Ok(false);
        }
        map.insert(record.key.to_string(), record.clone());
        Ok(true)
    }

    fn replace(
        &self,
        record: &Record,
        generation: u64,
        status: Status,
    ) -> Result<bool, StoreError> {
        let mut map = self.0.lock().unwrap();
        match map.get_mut(&*record.key) {
            Some(stored) if stored.lease_generation == generation && stored.status == status => {
                *stored = record.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn scan(&self) -> Result<Vec<Record>, StoreError> {
        Ok(self.0.lock().unwrap().values().cloned().collect())
    }

    fn delete(&self, keys: &[String]) -> Result<(), StoreError> {
        let mut map = self.0.lock().unwrap();
        for key in keys {
            map.remove(key);
        }
        Ok(())
    }
}

/// A fresh directory under cargo's per-target temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
