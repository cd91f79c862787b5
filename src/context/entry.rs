//! Memory entries: what an app remembers for a tenant, with importance, times and cached analysis.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::Serialize;

use super::analysis::Analysis;
use super::compress::LeadExtract;
use super::error::ContextError;
use super::mask::Finding;
use super::tokens::Tokenizer;
use super::MAX_CONTENT_BYTES;

/// Longest tenant accepted, in bytes.
pub const MAX_TENANT_LEN: usize = 256;
/// Longest entry id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;
/// Most tags on one entry.
pub const MAX_TAGS: usize = 64;

/// How much an entry matters; drives retention, demotion, pruning and packing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Importance {
    /// Always in the window (compressed if needed); never demoted below short-term, never pruned.
    Critical,
    /// Preferred over everything but CRITICAL.
    High,
    /// The default.
    #[default]
    Medium,
    /// Pruned after the prune age (7 days by default).
    Low,
    /// Pruned after the prune age (7 days by default).
    Trivial,
}

impl Importance {
    /// Every level, most important first.
    pub const ALL: [Importance; 5] = [
        Importance::Critical,
        Importance::High,
        Importance::Medium,
        Importance::Low,
        Importance::Trivial,
    ];

    /// Return the level's weight in the retention score: 1.0, 0.8, 0.5, 0.25, 0.1.
    pub const fn weight(self) -> f64 {
        match self {
            Importance::Critical => 1.0,
            Importance::High => 0.8,
            Importance::Medium => 0.5,
            Importance::Low => 0.25,
            Importance::Trivial => 0.1,
        }
    }

    /// Return the level's name (`"critical"` … `"trivial"`).
    pub const fn name(self) -> &'static str {
        match self {
            Importance::Critical => "critical",
            Importance::High => "high",
            Importance::Medium => "medium",
            Importance::Low => "low",
            Importance::Trivial => "trivial",
        }
    }

    /// Return `true` for LOW and TRIVIAL, the levels [`prune`](super::ContextMemory::prune) removes.
    pub const fn is_prunable(self) -> bool {
        matches!(self, Importance::Low | Importance::Trivial)
    }
}

impl fmt::Display for Importance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Importance {
    type Err = ContextError;

    /// Parse a level name, ASCII case-insensitive (`"HIGH"`, `"high"`).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Importance::ALL
            .into_iter()
            .find(|i| i.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| ContextError::InvalidImportance {
                name: name.chars().take(64).collect(),
            })
    }
}

/// The tier an entry sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// The most recent, most relevant few (default 10 per tenant).
    Working,
    /// The next (default 100 per tenant); CRITICAL entries never go lower.
    ShortTerm,
    /// Everything else, in the [`LongTermStore`](super::LongTermStore).
    LongTerm,
}

/// An entry to add: content plus optional attributes (builder style).
///
/// # Example
/// ```
/// use cognition_core::context::{Importance, NewEntry};
///
/// let entry = NewEntry::new("Prefers replies in French.")
///     .importance(Importance::High)
///     .tag("preference")
///     .summary("French replies");
/// assert_eq!(entry.content(), "Prefers replies in French.");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewEntry {
    pub(crate) id: Option<String>,
    pub(crate) content: String,
    pub(crate) importance: Importance,
    pub(crate) tags: Vec<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) summary: Option<String>,
    pub(crate) created_at: Option<i64>,
}

impl NewEntry {
    /// An entry with `content`, MEDIUM importance, no tags, created "now".
    pub fn new(content: impl Into<String>) -> Self {
        NewEntry {
            content: content.into(),
            ..NewEntry::default()
        }
    }

    /// Return the content.
    pub fn content(&self) -> &str {
        &self.content
    }

    /// Use your own id (unique per tenant, 1 to 128 bytes) instead of a generated one.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Set the importance.
    pub fn importance(mut self, importance: Importance) -> Self {
        self.importance = importance;
        self
    }

    /// Add a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Set a metadata value.
    pub fn meta(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Give a pre-written summary: the compressed form used when the full text does not fit.
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    /// Set the creation time (Unix ms); by default the `now` of the insert.
    pub fn created_at(mut self, millis: i64) -> Self {
        self.created_at = Some(millis);
        self
    }
}

#[derive(Debug, Clone)]
struct EntryData {
    /// Shared, so that listing an entry (a window's left-out list names thousands) does not
    /// allocate a copy of its id.
    id: Arc<str>,
    tenant: String,
    content: String,
    summary: Option<String>,
    importance: Importance,
    created_at: i64,
    last_accessed_at: i64,
    access_count: u64,
    tags: Vec<String>,
    metadata: BTreeMap<String, String>,
    findings: Vec<Finding>,
    tier: Tier,
    /// Inline, not behind another pointer: packing walks 10,000 entries and is memory-bound.
    analysis: Analysis,
    /// The query-independent extract, computed with the analysis. It depends only on the text
    /// (and the ratio it records), and an entry's text never changes after `build` (an update is
    /// a new entry), so it is never stale.
    lead: LeadExtract,
}

/// A stored entry. Cloning is cheap (a shared handle); the token counts are cached in it.
#[derive(Debug, Clone)]
pub struct Entry(Arc<EntryData>);

impl Entry {
    /// Build an entry from already-masked text (the memory masks before calling this);
    /// `compression_ratio` is the one windows will use (its lead extract is computed now).
    ///
    /// # Errors
    /// The tokenizer's failure ([`ContextError::TokenizerFailed`]).
    pub(crate) fn build(
        tenant: &str,
        id: String,
        new: NewEntry,
        findings: Vec<Finding>,
        now: i64,
        tokenizer: &dyn Tokenizer,
        compression_ratio: f64,
    ) -> Result<Entry, ContextError> {
        let analysis = Analysis::new(&new.content, new.summary.as_deref(), tokenizer)?;
        let lead = LeadExtract::new(&analysis, compression_ratio);
        let created_at = new.created_at.unwrap_or(now);
        Ok(Entry(Arc::new(EntryData {
            id: id.into(),
            tenant: tenant.to_owned(),
            content: new.content,
            summary: new.summary,
            importance: new.importance,
            created_at,
            last_accessed_at: created_at,
            access_count: 0,
            tags: new.tags,
            metadata: new.metadata,
            findings,
            tier: Tier::Working,
            analysis,
            lead,
        })))
    }

    /// Return the entry with another id (no copy when this is the only handle).
    pub(crate) fn with_id(mut self, id: String) -> Entry {
        match Arc::get_mut(&mut self.0) {
            Some(data) => data.id = id.into(),
            None => {
                let mut data = (*self.0).clone();
                data.id = id.into();
                self.0 = Arc::new(data);
            }
        }
        self
    }

    /// Return the id (unique within the tenant).
    pub fn id(&self) -> &str {
        &self.0.id
    }
    /// The id as a shared string: a reference count, not a copy.
    pub(crate) fn shared_id(&self) -> Arc<str> {
        Arc::clone(&self.0.id)
    }
    /// Return the tenant the entry belongs to.
    pub fn tenant(&self) -> &str {
        &self.0.tenant
    }
    /// Return the content as stored (masked unless the memory keeps content as given).
    pub fn content(&self) -> &str {
        &self.0.content
    }
    /// Return the pre-written summary, if any.
    pub fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// Return the importance.
    pub fn importance(&self) -> Importance {
        self.0.importance
    }
    /// Return the creation time (Unix ms).
    pub fn created_at(&self) -> i64 {
        self.0.created_at
    }
    /// Return the time of the last [`get`](super::ContextMemory::get) (creation time if none).
    pub fn last_accessed_at(&self) -> i64 {
        self.0.last_accessed_at
    }
    /// Return how many times the entry was read with [`get`](super::ContextMemory::get).
    pub fn access_count(&self) -> u64 {
        self.0.access_count
    }
    /// Return the tags.
    pub fn tags(&self) -> &[String] {
        &self.0.tags
    }
    /// Return the metadata.
    pub fn metadata(&self) -> &BTreeMap<String, String> {
        &self.0.metadata
    }
    /// Return what masking replaced on insert (kinds and spans in the original text).
    pub fn findings(&self) -> &[Finding] {
        &self.0.findings
    }
    /// Return the tier the entry was in when this handle was taken.
    pub fn tier(&self) -> Tier {
        self.0.tier
    }
    /// Return the content's token count (cached: counted once, on insert).
    pub fn tokens(&self) -> usize {
        self.0.analysis.tokens
    }
    /// Return the summary's token count, if there is a summary (cached).
    pub fn summary_tokens(&self) -> Option<usize> {
        self.0.analysis.summary_tokens
    }

    pub(crate) fn analysis(&self) -> &Analysis {
        &self.0.analysis
    }

    /// Return the memoised lead extract (see [`LeadExtract`]).
    pub(crate) fn lead(&self) -> &LeadExtract {
        &self.0.lead
    }

    /// Return a copy with one more access at `now`.
    pub(crate) fn accessed(&self, now: i64) -> Entry {
        let mut data = (*self.0).clone();
        data.access_count = data.access_count.saturating_add(1);
        data.last_accessed_at = data.last_accessed_at.max(now);
        Entry(Arc::new(data))
    }

    /// Return a copy in `tier`.
    pub(crate) fn in_tier(&self, tier: Tier) -> Entry {
        if self.0.tier == tier {
            return self.clone();
        }
        let mut data = (*self.0).clone();
        data.tier = tier;
        Entry(Arc::new(data))
    }
}

/// Check a tenant: 1 to [`MAX_TENANT_LEN`] bytes, no control characters.
pub(crate) fn validate_tenant(tenant: &str) -> Result<(), ContextError> {
    let reason = if tenant.is_empty() {
        "tenant is empty"
    } else if tenant.len() > MAX_TENANT_LEN {
        "tenant is over 256 bytes"
    } else if tenant.chars().any(char::is_control) {
        "tenant contains control characters"
    } else {
        return Ok(());
    };
    Err(ContextError::InvalidTenant { reason })
}

/// Check an entry's fields against the documented limits.
pub(crate) fn validate_new(new: &NewEntry) -> Result<(), ContextError> {
    if new.content.trim().is_empty() {
        return Err(ContextError::EmptyContent);
    }
    for (field, text) in [
        ("content", Some(&new.content)),
        ("summary", new.summary.as_ref()),
    ] {
        if let Some(text) = text.filter(|t| t.len() > MAX_CONTENT_BYTES) {
            return Err(ContextError::EntryTooLarge {
                field,
                len: text.len(),
                limit: MAX_CONTENT_BYTES,
            });
        }
    }
    if let Some(id) = &new.id {
        if id.is_empty() || id.len() > MAX_ID_LEN || id.chars().any(char::is_control) {
            return Err(ContextError::LimitExceeded(format!(
                "an entry id must be 1 to {MAX_ID_LEN} bytes without control characters"
            )));
        }
    }
    if new.tags.len() > MAX_TAGS || new.metadata.len() > MAX_TAGS {
        return Err(ContextError::LimitExceeded(format!(
            "at most {MAX_TAGS} tags and {MAX_TAGS} metadata keys per entry"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn importance_parses_case_insensitively_and_orders_critical_first() {
        assert_eq!("HIGH".parse::<Importance>().unwrap(), Importance::High);
        assert!(Importance::Critical < Importance::Trivial);
        assert!(matches!(
            "urgent".parse::<Importance>(),
            Err(ContextError::InvalidImportance { .. })
        ));
    }

    #[test]
    fn weights_decrease_with_importance() {
        let w: Vec<f64> = Importance::ALL.iter().map(|i| i.weight()).collect();
        assert!(w.windows(2).all(|p| p[0] > p[1]));
    }

    #[test]
    fn tenants_must_be_non_empty_short_and_printable() {
        assert!(validate_tenant("acme").is_ok());
        for bad in ["".to_owned(), "x".repeat(257), "a\u{0}b".to_owned()] {
            assert!(matches!(
                validate_tenant(&bad),
                Err(ContextError::InvalidTenant { .. })
            ));
        }
    }

    #[test]
    fn whitespace_only_content_is_empty() {
        assert_eq!(
            validate_new(&NewEntry::new(" \n\t")),
            Err(ContextError::EmptyContent)
        );
    }

    #[test]
    fn oversized_content_and_summaries_are_rejected() {
        let big = "x".repeat(MAX_CONTENT_BYTES + 1);
        let err = validate_new(&NewEntry::new(big.clone())).unwrap_err();
        assert!(matches!(
            err,
            ContextError::EntryTooLarge {
                field: "content",
                ..
            }
        ));
        let err = validate_new(&NewEntry::new("ok").summary(big)).unwrap_err();
        assert!(matches!(
            err,
            ContextError::EntryTooLarge {
                field: "summary",
                ..
            }
        ));
    }
}
