//! Context windows for LLM apps: per-tenant memory, exact token budgets, optimal packing and
//! masking of secrets.
//!
//! - [`count_tokens`] counts exactly with OpenAI's BPE encodings ([`Encoding`]); the
//!   [`Tokenizer`] trait lets you plug in your own counter.
//! - [`mask`] replaces secrets and personal data with placeholders (`[EMAIL]`) and reports
//!   what it found, never the values.

mod analysis;
mod checks;
mod compress;
mod entry;
mod error;
mod knapsack;
mod long_term;
mod mask;
mod memory;
mod pack;
mod score;
mod tokens;
pub mod window;

pub use entry::{Entry, Importance, NewEntry, Tier, MAX_ID_LEN, MAX_TAGS, MAX_TENANT_LEN};
pub use error::ContextError;
pub use knapsack::DP_CELL_LIMIT;
pub use long_term::{LongTermStore, MemoryLongTermStore};
pub use mask::{apply_mode, mask, Finding, MaskMode, MaskResult, SecretKind};
pub use memory::{
    ContextMemory, MemoryConfig, SearchHit, DEFAULT_PRUNE_AFTER_MILLIS, DEFAULT_SHORT_TERM_SIZE,
    DEFAULT_WORKING_SIZE, MAX_SEARCH_LIMIT,
};
pub use pack::{pack, PackOptions, MAX_PACK_ENTRIES};
pub use score::{
    retention, ScoreParts, ScoreWeights, BM25_B, BM25_K1, MAX_QUERY_TERMS, MAX_RETENTION,
    PHRASE_BOOST,
};
pub use tokens::{count_tokens, Encoding, Tokenizer};
pub use window::{ContextWindow, Form, OmittedEntry, WindowEntry, WindowOptions};

/// Largest entry content (and summary) accepted, in bytes (1 MiB).
pub const MAX_CONTENT_BYTES: usize = 1 << 20;
