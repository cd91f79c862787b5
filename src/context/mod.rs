//! Context windows for LLM apps: per-tenant memory, exact token budgets, optimal packing and
//! masking of secrets.
//!
//! - **Tokens.** [`count_tokens`] counts exactly like OpenAI's `tiktoken` ([`Encoding`]:
//!   `o200k_base`, `cl100k_base`; special-token text such as `<|endoftext|>` counts as ordinary
//!   text). The [`Tokenizer`] trait lets you plug in your own counter. Entries cache their counts.
//! - **Masking.** [`mask`] replaces e-mail addresses, phone numbers, card numbers (Luhn-valid),
//!   IBANs (mod-97 valid), cloud and SaaS credentials, JWTs, bearer tokens and PEM private keys with
//!   placeholders (`[EMAIL]`) and reports kinds and spans, never the values. The memory applies it
//!   on insert ([`MaskMode`]: mask, reject or keep).
//! - **Memory.** [`ContextMemory`] keeps [`Entry`]s per tenant in three tiers (working 10,
//!   short-term 100, long-term behind [`LongTermStore`]), demotes by retention score, promotes on
//!   access, never demotes CRITICAL below short-term and prunes old LOW/TRIVIAL entries. Every
//!   call is scoped to one tenant.
//! - **Packing.** [`ContextMemory::build_window`] (and the stateless [`pack`]) scores each
//!   candidate — retention and BM25 relevance, see [`retention`] and the `score` rules below —
//!   then chooses for each one full text, a compressed form (its summary, or the sentences most
//!   relevant to the query) or nothing, to maximise the total score within
//!   `max_tokens − reserve_output_tokens`. The choice is optimal (a multiple-choice knapsack
//!   solved by Lagrangian reduction and exact dynamic programming; see [`DP_CELL_LIMIT`] for when
//!   the never-worse-than-greedy fallback is used and [`ContextWindow::exact`] says so), CRITICAL
//!   entries are always in, and the rendered text's token count is exact and within the budget.
//!   The [`ContextWindow`] explains each entry's score parts, form and tokens, and lists what was
//!   left out.
//!
//! ## Scores
//! `retention = importance × 1/(1 + age_hours/24) × access`, with importance weights 1.0, 0.8,
//! 0.5, 0.25, 0.1 and `access = 1 + 0.5 × ln(1 + min(reads, 1000)) / ln(1001)` (so retention is in
//! `[0, 1.5]`). Relevance is BM25 (k1 1.2, b 0.75) over the candidates, normalised to `[0, 1]`,
//! with a boost for the query as an exact phrase. `score = 0.5 × retention/1.5 + 0.5 × relevance`
//! (weights in [`ScoreWeights`]); a compressed entry is worth half its score by default
//! ([`WindowOptions::compressed_value`]).
//!
//! ## What this module does not do
//! It does not call a model, embed text or summarise abstractively (compression is extractive and
//! deterministic), and it never reads the clock: every time-dependent call takes `now` (Unix ms).
//!
//! # Example
//! ```
//! use cognition_core::context::{count_tokens, ContextMemory, Encoding, Form, Importance, MemoryConfig, NewEntry};
//!
//! let memory = ContextMemory::new(MemoryConfig::new())?;
//! let now = 1_700_000_000_000;
//! memory.add("acme", NewEntry::new("Never email the customer; call +44 20 7946 0958.").importance(Importance::Critical), now)?;
//! memory.add("acme", NewEntry::new("Refunds are possible within 30 days. They go back to the card."), now)?;
//! memory.add("acme", NewEntry::new("The office dog is called Biscuit."), now)?;
//!
//! let window = memory.build_window("acme", "refunds", 40, 10, now)?;
//! assert_eq!(window.tokens, count_tokens(&window.text, Encoding::O200kBase));
//! assert!(window.tokens <= 30);
//! assert!(window.text.starts_with("Never email the customer; call [PHONE]."));
//! assert!(window.entries.iter().all(|e| e.form == Form::Full || e.tokens < e.full_tokens));
//! # Ok::<(), cognition_core::context::ContextError>(())
//! ```

mod analysis;
mod boundaries;
mod checks;
mod compress;
mod entry;
mod entry_json;
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
pub use window::{ContextWindow, Form, OmittedEntry, WindowEntry, WindowOptions, MAX_QUERY_BYTES};

/// Largest entry content (and summary) accepted, in bytes (1 MiB).
pub const MAX_CONTENT_BYTES: usize = 1 << 20;
