//! The long-term tier: behind a trait, so an app can keep it in its own database.

use std::collections::{BTreeMap, HashMap};

use parking_lot::RwLock;

use super::entry::Entry;
use super::error::ContextError;

/// Storage for the long-term tier (unbounded). Every method is scoped to one tenant except
/// [`remove_where`](LongTermStore::remove_where), which pruning uses across tenants.
///
/// Implementations must be thread-safe. Errors should be [`ContextError::StoreBackend`]. The
/// memory re-checks every returned entry's tenant, so a store bug cannot leak another tenant's
/// entry.
pub trait LongTermStore: Send + Sync {
    /// Store `entry` (replacing an entry of the same tenant and id).
    fn put(&self, entry: Entry) -> Result<(), ContextError>;
    /// Return the tenant's entry with `id`.
    fn get(&self, tenant: &str, id: &str) -> Result<Option<Entry>, ContextError>;
    /// Remove and return the tenant's entry with `id`.
    fn remove(&self, tenant: &str, id: &str) -> Result<Option<Entry>, ContextError>;
    /// Return all the tenant's entries (any order).
    fn entries(&self, tenant: &str) -> Result<Vec<Entry>, ContextError>;
    /// Return all the tenant's entries ordered by id (byte order), the order windows and
    /// [`ContextMemory::entries`](super::ContextMemory::entries) list them in. The default sorts
    /// [`entries`](LongTermStore::entries); a store that keeps them in id order (a B-tree, an
    /// index scan) should override it, so each window does not sort every id again.
    fn entries_by_id(&self, tenant: &str) -> Result<Vec<Entry>, ContextError> {
        let mut entries = self.entries(tenant)?;
        entries.sort_unstable_by(|a, b| a.id().cmp(b.id()));
        Ok(entries)
    }
    /// Remove and return every entry (of any tenant) for which `condition` holds.
    fn remove_where(&self, condition: &dyn Fn(&Entry) -> bool) -> Result<Vec<Entry>, ContextError>;
}

/// The in-memory long-term store (the default): a map per tenant, ordered by id.
#[derive(Debug, Default)]
pub struct MemoryLongTermStore {
    tenants: RwLock<HashMap<String, BTreeMap<String, Entry>>>,
}

impl MemoryLongTermStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl LongTermStore for MemoryLongTermStore {
    fn put(&self, entry: Entry) -> Result<(), ContextError> {
        self.tenants
            .write()
            .entry(entry.tenant().to_owned())
            .or_default()
            .insert(entry.id().to_owned(), entry);
        Ok(())
    }

    fn get(&self, tenant: &str, id: &str) -> Result<Option<Entry>, ContextError> {
        Ok(self
            .tenants
            .read()
            .get(tenant)
            .and_then(|m| m.get(id))
            .cloned())
    }

    fn remove(&self, tenant: &str, id: &str) -> Result<Option<Entry>, ContextError> {
        Ok(self
            .tenants
            .write()
            .get_mut(tenant)
            .and_then(|m| m.remove(id)))
    }

    fn entries(&self, tenant: &str) -> Result<Vec<Entry>, ContextError> {
        Ok(self
            .tenants
            .read()
            .get(tenant)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default())
    }

    /// The map is ordered by id already: no sort.
    fn entries_by_id(&self, tenant: &str) -> Result<Vec<Entry>, ContextError> {
        self.entries(tenant)
    }

    fn remove_where(&self, condition: &dyn Fn(&Entry) -> bool) -> Result<Vec<Entry>, ContextError> {
        let mut removed = Vec::new();
        let mut tenants = self.tenants.write();
        for entries in tenants.values_mut() {
            let ids: Vec<String> = entries
                .values()
                .filter(|e| condition(e))
                .map(|e| e.id().to_owned())
                .collect();
            removed.extend(ids.iter().filter_map(|id| entries.remove(id)));
        }
        tenants.retain(|_, m| !m.is_empty());
        Ok(removed)
    }
}
