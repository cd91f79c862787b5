//! [`ContextMemory`]: per-tenant tiered memory (working, short-term, long-term) with masking on
//! insert, promotion on access, demotion by retention, pruning and window building.
//!
//! ## Tiers
//! New entries enter the tenant's working tier. When working holds more than `working_size`
//! entries, the one with the lowest retention (ties: older, then smaller id) moves to short-term;
//! when short-term holds more than `short_term_size`, its lowest-retention entry that is not
//! CRITICAL moves to long-term. CRITICAL entries never go below short-term, so short-term can hold
//! more than its size when it holds that many CRITICAL entries. Reading an entry with
//! [`get`](ContextMemory::get) counts an access and moves it up one tier.
//!
//! ## Tenant isolation
//! Every method that reads or writes entries takes the tenant and touches only that tenant's
//! entries; entries from the long-term store are re-checked. The one exception is the maintenance
//! call [`prune`](ContextMemory::prune), which prunes every tenant and says whose entries went.
//!
//! ## Thread safety
//! `ContextMemory` is `Send + Sync`. One mutex guards the tiers (held briefly; the long-term store
//! is called under it so an entry is never in two tiers); masking and token counting happen
//! before taking it, and windows are packed after releasing it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use serde::Serialize;

use super::entry::{validate_new, validate_tenant, Entry, Importance, NewEntry, Tier};
use super::error::ContextError;
use super::long_term::{LongTermStore, MemoryLongTermStore};
use super::mask::{apply_mode, MaskMode};
use super::score::{retention, score_all, Bm25, Query, ScoreParts};
use super::tokens::{Encoding, Tokenizer};
use super::window::{self, ContextWindow, WindowOptions};

/// Default working-tier size per tenant.
pub const DEFAULT_WORKING_SIZE: usize = 10;
/// Default short-term-tier size per tenant.
pub const DEFAULT_SHORT_TERM_SIZE: usize = 100;
/// Default age after which LOW and TRIVIAL entries are pruned: 7 days.
pub const DEFAULT_PRUNE_AFTER_MILLIS: i64 = 7 * 86_400_000;
/// Most results [`ContextMemory::search`] returns.
pub const MAX_SEARCH_LIMIT: usize = 1000;

/// How a [`ContextMemory`] behaves; the defaults are the documented ones.
#[derive(Clone)]
pub struct MemoryConfig {
    tokenizer: Arc<dyn Tokenizer>,
    working_size: usize,
    short_term_size: usize,
    prune_after_millis: i64,
    mask_mode: MaskMode,
    window: WindowOptions,
}

impl std::fmt::Debug for MemoryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryConfig")
            .field("tokenizer", &self.tokenizer.name())
            .field("working_size", &self.working_size)
            .field("short_term_size", &self.short_term_size)
            .field("prune_after_millis", &self.prune_after_millis)
            .field("mask_mode", &self.mask_mode)
            .field("window", &self.window)
            .finish()
    }
}

impl Default for MemoryConfig {
    fn default() -> Self {
        MemoryConfig {
            tokenizer: Arc::new(Encoding::O200kBase),
            working_size: DEFAULT_WORKING_SIZE,
            short_term_size: DEFAULT_SHORT_TERM_SIZE,
            prune_after_millis: DEFAULT_PRUNE_AFTER_MILLIS,
            mask_mode: MaskMode::Mask,
            window: WindowOptions::default(),
        }
    }
}

impl MemoryConfig {
    /// The defaults: `o200k_base`, working 10, short-term 100, prune after 7 days, mask on insert.
    pub fn new() -> Self {
        Self::default()
    }
    /// Count tokens with a bundled encoding.
    pub fn encoding(self, encoding: Encoding) -> Self {
        self.tokenizer(Arc::new(encoding))
    }
    /// Count tokens with your own tokenizer.
    pub fn tokenizer(mut self, tokenizer: Arc<dyn Tokenizer>) -> Self {
        self.tokenizer = tokenizer;
        self
    }
    /// Set the working-tier size per tenant (1 to 10,000).
    pub fn working_size(mut self, size: usize) -> Self {
        self.working_size = size;
        self
    }
    /// Set the short-term-tier size per tenant (1 to 1,000,000).
    pub fn short_term_size(mut self, size: usize) -> Self {
        self.short_term_size = size;
        self
    }
    /// Set the age (ms, ≥ 0) after which LOW and TRIVIAL entries are pruned.
    pub fn prune_after_millis(mut self, millis: i64) -> Self {
        self.prune_after_millis = millis;
        self
    }
    /// Set what happens to secrets and personal data on insert.
    pub fn mask_mode(mut self, mode: MaskMode) -> Self {
        self.mask_mode = mode;
        self
    }
    /// Set how windows are built.
    pub fn window_options(mut self, options: WindowOptions) -> Self {
        self.window = options;
        self
    }

    fn validate(&self) -> Result<(), ContextError> {
        if !(1..=10_000).contains(&self.working_size)
            || !(1..=1_000_000).contains(&self.short_term_size)
            || self.prune_after_millis < 0
        {
            return Err(ContextError::LimitExceeded(
                "working_size must be 1..=10000, short_term_size 1..=1000000, prune age ≥ 0"
                    .to_owned(),
            ));
        }
        self.window.validate()
    }
}

/// A search result: the entry and its score parts.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    /// The entry's id.
    pub id: String,
    /// The score and its parts.
    pub score: ScoreParts,
    /// The entry.
    #[serde(skip)]
    pub entry: Entry,
}

#[derive(Default)]
struct TenantTiers {
    working: Vec<Entry>,
    short_term: Vec<Entry>,
}

/// Per-tenant tiered memory that packs context windows.
///
/// # Example
/// ```
/// use cognition_core::context::{ContextMemory, Importance, MemoryConfig, NewEntry};
///
/// let memory = ContextMemory::new(MemoryConfig::new())?;
/// let now = 1_700_000_000_000;
/// memory.add("acme", NewEntry::new("Account owner: ada@example.com").importance(Importance::Critical), now)?;
/// memory.add("acme", NewEntry::new("Prefers answers in French."), now)?;
/// memory.add("globex", NewEntry::new("Globex is on the enterprise plan."), now)?;
///
/// let window = memory.build_window("acme", "which language?", 200, 50, now)?;
/// assert!(window.tokens <= 150);
/// assert!(window.text.contains("[EMAIL]")); // masked on insert
/// assert!(!window.text.contains("Globex")); // never another tenant's entry
/// assert_eq!(window.entries[0].importance, Importance::Critical);
/// # Ok::<(), cognition_core::context::ContextError>(())
/// ```
pub struct ContextMemory {
    config: MemoryConfig,
    tiers: Mutex<HashMap<String, TenantTiers>>,
    long_term: Box<dyn LongTermStore>,
    next_id: AtomicU64,
}

impl std::fmt::Debug for ContextMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextMemory")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn retention_key(e: &Entry, now: i64) -> (f64, i64, String) {
    let r = retention(e.importance(), e.created_at(), e.access_count(), now).2;
    (r, e.created_at(), e.id().to_owned())
}

fn lowest(entries: &[Entry], now: i64, eligible: impl Fn(&Entry) -> bool) -> Option<usize> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| eligible(e))
        .min_by(|(_, a), (_, b)| {
            let (ka, kb) = (retention_key(a, now), retention_key(b, now));
            ka.0.total_cmp(&kb.0)
                .then(ka.1.cmp(&kb.1))
                .then(ka.2.cmp(&kb.2))
        })
        .map(|(i, _)| i)
}

impl ContextMemory {
    /// A memory with the in-memory long-term store.
    ///
    /// # Errors
    /// [`ContextError::LimitExceeded`] if a size or option is out of range.
    pub fn new(config: MemoryConfig) -> Result<Self, ContextError> {
        Self::with_long_term(config, Box::new(MemoryLongTermStore::new()))
    }

    /// A memory whose long-term tier is `store` (your database).
    ///
    /// # Errors
    /// [`ContextError::LimitExceeded`] if a size or option is out of range.
    pub fn with_long_term(
        config: MemoryConfig,
        store: Box<dyn LongTermStore>,
    ) -> Result<Self, ContextError> {
        config.validate()?;
        Ok(ContextMemory {
            config,
            tiers: Mutex::new(HashMap::new()),
            long_term: store,
            next_id: AtomicU64::new(1),
        })
    }

    /// Return the configuration.
    pub fn config(&self) -> &MemoryConfig {
        &self.config
    }

    /// Return the tokenizer's name.
    pub fn tokenizer_name(&self) -> &str {
        self.config.tokenizer.name()
    }

    /// Add an entry for `tenant` at `now` (Unix ms); return its id.
    ///
    /// The content (and summary) is masked according to the memory's [`MaskMode`] and its token
    /// counts are computed once, here.
    ///
    /// # Errors
    /// [`ContextError::InvalidTenant`], [`ContextError::EmptyContent`],
    /// [`ContextError::EntryTooLarge`], [`ContextError::LimitExceeded`] (bad id, too many tags),
    /// [`ContextError::SensitiveContent`] (mode `reject`), [`ContextError::DuplicateId`],
    /// [`ContextError::StoreBackend`], [`ContextError::TokenizerFailed`] (nothing is stored).
    pub fn add(&self, tenant: &str, entry: NewEntry, now: i64) -> Result<String, ContextError> {
        validate_tenant(tenant)?;
        validate_new(&entry)?;
        let mut entry = entry;
        let masked = apply_mode(&entry.content, self.config.mask_mode)?;
        entry.content = masked.text;
        if let Some(summary) = entry.summary.take() {
            entry.summary = Some(apply_mode(&summary, self.config.mask_mode)?.text);
        }
        let given_id = entry.id.take();
        let id_given = given_id.is_some();
        let id = given_id.unwrap_or_else(|| self.next_auto_id());
        // Count before taking the lock: a user's tokenizer may be slow, may fail (then nothing is
        // stored) or may call back into this memory.
        let mut built = Entry::build(
            tenant,
            id.clone(),
            entry,
            masked.findings,
            now,
            &*self.config.tokenizer,
            self.config.window.compression_ratio,
        )?;
        let mut tiers = self.tiers.lock();
        let mut id = id;
        if self.find(&tiers, tenant, &id)?.is_some() {
            if id_given {
                return Err(ContextError::DuplicateId { id });
            }
            // A caller chose an id of the generated form: take the next free one.
            id = loop {
                let next = self.next_auto_id();
                if self.find(&tiers, tenant, &next)?.is_none() {
                    break next;
                }
            };
            built = built.with_id(id.clone());
        }
        let t = tiers.entry(tenant.to_owned()).or_default();
        t.working.push(built);
        self.rebalance(t, now, None)?;
        Ok(id)
    }

    fn next_auto_id(&self) -> String {
        format!("ctx_{:012x}", self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn find(
        &self,
        tiers: &HashMap<String, TenantTiers>,
        tenant: &str,
        id: &str,
    ) -> Result<Option<Entry>, ContextError> {
        if let Some(t) = tiers.get(tenant) {
            if let Some(e) = t.working.iter().chain(&t.short_term).find(|e| e.id() == id) {
                return Ok(Some(e.clone()));
            }
        }
        Ok(self
            .long_term
            .get(tenant, id)?
            .filter(|e| e.tenant() == tenant && e.id() == id))
    }

    fn rebalance(
        &self,
        t: &mut TenantTiers,
        now: i64,
        exempt: Option<&str>,
    ) -> Result<(), ContextError> {
        let movable = |e: &Entry| Some(e.id()) != exempt;
        while t.working.len() > self.config.working_size {
            let Some(i) = lowest(&t.working, now, movable) else {
                break;
            };
            let e = t.working.remove(i);
            t.short_term.push(e.in_tier(Tier::ShortTerm));
        }
        while t.short_term.len() > self.config.short_term_size {
            let eligible = |e: &Entry| movable(e) && e.importance() != Importance::Critical;
            let Some(i) = lowest(&t.short_term, now, eligible) else {
                break;
            };
            let e = t.short_term.remove(i);
            if let Err(err) = self.long_term.put(e.in_tier(Tier::LongTerm)) {
                t.short_term.insert(i, e);
                return Err(err);
            }
        }
        Ok(())
    }

    /// Read an entry: counts an access at `now` and moves it up one tier.
    ///
    /// # Errors
    /// [`ContextError::EntryNotFound`] if the tenant has no such entry (whoever else does).
    pub fn get(&self, tenant: &str, id: &str, now: i64) -> Result<Entry, ContextError> {
        validate_tenant(tenant)?;
        let mut tiers = self.tiers.lock();
        let t = tiers.entry(tenant.to_owned()).or_default();
        let not_found = || ContextError::EntryNotFound {
            id: id.chars().take(128).collect(),
        };
        let updated;
        if let Some(i) = t.working.iter().position(|e| e.id() == id) {
            updated = t.working[i].accessed(now);
            t.working[i] = updated.clone();
        } else if let Some(i) = t.short_term.iter().position(|e| e.id() == id) {
            let e = t.short_term.remove(i);
            updated = e.accessed(now).in_tier(Tier::Working);
            t.working.push(updated.clone());
        } else {
            let e = self
                .long_term
                .get(tenant, id)?
                .filter(|e| e.tenant() == tenant && e.id() == id)
                .ok_or_else(not_found)?;
            self.long_term.remove(tenant, id)?;
            updated = e.accessed(now).in_tier(Tier::ShortTerm);
            t.short_term.push(updated.clone());
        }
        self.rebalance(t, now, Some(id))?;
        Ok(updated)
    }

    /// Return an entry without counting an access (`None` if the tenant has no such entry).
    ///
    /// # Errors
    /// [`ContextError::InvalidTenant`], [`ContextError::StoreBackend`].
    pub fn peek(&self, tenant: &str, id: &str) -> Result<Option<Entry>, ContextError> {
        validate_tenant(tenant)?;
        let tiers = self.tiers.lock();
        self.find(&tiers, tenant, id)
    }

    /// Remove an entry and return it.
    ///
    /// # Errors
    /// [`ContextError::EntryNotFound`] if the tenant has no such entry.
    pub fn remove(&self, tenant: &str, id: &str) -> Result<Entry, ContextError> {
        validate_tenant(tenant)?;
        let mut tiers = self.tiers.lock();
        if let Some(t) = tiers.get_mut(tenant) {
            for list in [&mut t.working, &mut t.short_term] {
                if let Some(i) = list.iter().position(|e| e.id() == id) {
                    return Ok(list.remove(i));
                }
            }
        }
        match self
            .long_term
            .get(tenant, id)?
            .filter(|e| e.tenant() == tenant)
        {
            Some(_) => self
                .long_term
                .remove(tenant, id)?
                .ok_or_else(|| ContextError::EntryNotFound { id: id.to_owned() }),
            None => Err(ContextError::EntryNotFound {
                id: id.chars().take(128).collect(),
            }),
        }
    }

    /// Return all the tenant's entries: working, then short-term, then long-term (by id).
    ///
    /// # Errors
    /// [`ContextError::InvalidTenant`], [`ContextError::StoreBackend`].
    pub fn entries(&self, tenant: &str) -> Result<Vec<Entry>, ContextError> {
        validate_tenant(tenant)?;
        let tiers = self.tiers.lock();
        let mut all: Vec<Entry> = tiers
            .get(tenant)
            .map(|t| t.working.iter().chain(&t.short_term).cloned().collect())
            .unwrap_or_default();
        let long = self.long_term.entries_by_id(tenant)?;
        all.reserve(long.len());
        all.extend(long.into_iter().filter(|e| e.tenant() == tenant));
        Ok(all)
    }

    /// Return how many entries the tenant has in each tier: `(working, short_term, long_term)`.
    ///
    /// # Errors
    /// [`ContextError::InvalidTenant`], [`ContextError::StoreBackend`].
    pub fn tier_sizes(&self, tenant: &str) -> Result<(usize, usize, usize), ContextError> {
        let all = self.entries(tenant)?;
        let count = |tier| all.iter().filter(|e| e.tier() == tier).count();
        Ok((
            count(Tier::Working),
            count(Tier::ShortTerm),
            count(Tier::LongTerm),
        ))
    }

    /// Return the tenant's entries that match `query` (BM25 > 0), best score first, at most
    /// `limit` (≤ [`MAX_SEARCH_LIMIT`]). Does not count as an access.
    ///
    /// # Errors
    /// [`ContextError::InvalidTenant`], [`ContextError::LimitExceeded`], [`ContextError::StoreBackend`].
    pub fn search(
        &self,
        tenant: &str,
        query: &str,
        limit: usize,
        now: i64,
    ) -> Result<Vec<SearchHit>, ContextError> {
        if limit > MAX_SEARCH_LIMIT || query.len() > window::MAX_QUERY_BYTES {
            return Err(ContextError::LimitExceeded(format!(
                "search limit is at most {MAX_SEARCH_LIMIT} and the query at most {} bytes",
                window::MAX_QUERY_BYTES
            )));
        }
        let entries = self.entries(tenant)?;
        let q = Query::new(query);
        let docs: Vec<_> = entries.iter().map(Entry::analysis).collect();
        let bm25 = Bm25::new(&q, &docs);
        let inputs: Vec<_> = entries
            .iter()
            .map(|e| {
                (
                    e.analysis(),
                    e.importance(),
                    e.created_at(),
                    e.access_count(),
                )
            })
            .collect();
        let scores = score_all(&inputs, &q, &bm25, self.config.window.weights, now);
        let mut hits: Vec<SearchHit> = entries
            .into_iter()
            .zip(scores)
            .filter(|(_, s)| s.bm25 > 0.0)
            .map(|(entry, score)| SearchHit {
                id: entry.id().to_owned(),
                score,
                entry,
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total
                .total_cmp(&a.score.total)
                .then_with(|| a.id.cmp(&b.id))
        });
        hits.truncate(limit);
        Ok(hits)
    }

    /// Remove LOW and TRIVIAL entries of every tenant created more than the prune age before
    /// `now` (7 days by default); return them, ordered by tenant then id. CRITICAL, HIGH and
    /// MEDIUM entries are never pruned.
    ///
    /// # Errors
    /// [`ContextError::StoreBackend`].
    pub fn prune(&self, now: i64) -> Result<Vec<Entry>, ContextError> {
        self.prune_matching(now, None)
    }

    /// [`prune`](Self::prune) for one tenant only.
    ///
    /// # Errors
    /// [`ContextError::InvalidTenant`], [`ContextError::StoreBackend`].
    pub fn prune_tenant(&self, tenant: &str, now: i64) -> Result<Vec<Entry>, ContextError> {
        validate_tenant(tenant)?;
        self.prune_matching(now, Some(tenant))
    }

    fn prune_matching(&self, now: i64, tenant: Option<&str>) -> Result<Vec<Entry>, ContextError> {
        let limit = self.config.prune_after_millis;
        let expired = |e: &Entry| {
            e.importance().is_prunable()
                && now.saturating_sub(e.created_at()) > limit
                && tenant.is_none_or(|t| e.tenant() == t)
        };
        let mut tiers = self.tiers.lock();
        let mut removed = Vec::new();
        for (name, t) in tiers.iter_mut() {
            if tenant.is_some_and(|x| x != name) {
                continue;
            }
            for list in [&mut t.working, &mut t.short_term] {
                let (gone, kept): (Vec<Entry>, Vec<Entry>) =
                    std::mem::take(list).into_iter().partition(|e| expired(e));
                *list = kept;
                removed.extend(gone);
            }
        }
        removed.extend(self.long_term.remove_where(&expired)?);
        tiers.retain(|_, t| !(t.working.is_empty() && t.short_term.is_empty()));
        removed.sort_by(|a, b| a.tenant().cmp(b.tenant()).then_with(|| a.id().cmp(b.id())));
        Ok(removed)
    }

    /// Pack the tenant's best entries for `query` into a window of at most
    /// `max_tokens − reserve_output_tokens` tokens (exact), CRITICAL entries always included.
    /// Does not count as an access. See [`window`](super::window) for the rules.
    ///
    /// # Errors
    /// [`ContextError::BudgetTooSmall`] if the CRITICAL entries cannot fit even compressed (the
    /// message says by how many tokens); [`ContextError::LimitExceeded`] for a reserve over the
    /// maximum or an oversized query; [`ContextError::InvalidTenant`], [`ContextError::StoreBackend`],
    /// [`ContextError::TokenizerFailed`].
    pub fn build_window(
        &self,
        tenant: &str,
        query: &str,
        max_tokens: usize,
        reserve_output_tokens: usize,
        now: i64,
    ) -> Result<ContextWindow, ContextError> {
        let entries = self.entries(tenant)?;
        let request = window::Request {
            query,
            max_tokens,
            reserve_output_tokens,
            now,
            with_tiers: true,
        };
        window::build(
            &entries,
            &request,
            &self.config.window,
            &*self.config.tokenizer,
        )
    }
}
