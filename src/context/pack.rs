//! [`pack`]: the stateless packer, for apps that keep their own storage.

use std::collections::HashSet;
use std::sync::Arc;

use super::entry::{validate_new, Entry, NewEntry};
use super::error::ContextError;
use super::mask::{apply_mode, MaskMode};
use super::tokens::{Encoding, Tokenizer};
use super::window::{self, ContextWindow, WindowOptions};

/// Most entries one [`pack`] call accepts.
pub const MAX_PACK_ENTRIES: usize = 100_000;

/// Options of [`pack`]; the defaults: `o200k_base`, no reserve, `now` = 0, content kept as given.
#[derive(Clone)]
pub struct PackOptions {
    /// The token counter.
    pub tokenizer: Arc<dyn Tokenizer>,
    /// Tokens kept free for the model's answer.
    pub reserve_output_tokens: usize,
    /// "Now" for retention (Unix ms); entries without `created_at` count as created now.
    pub now: i64,
    /// What happens to secrets in the entries (default [`MaskMode::Keep`]: your data, as given).
    pub mask_mode: MaskMode,
    /// How the window is built.
    pub window: WindowOptions,
}

impl Default for PackOptions {
    fn default() -> Self {
        PackOptions {
            tokenizer: Arc::new(Encoding::O200kBase),
            reserve_output_tokens: 0,
            now: 0,
            mask_mode: MaskMode::Keep,
            window: WindowOptions::default(),
        }
    }
}

impl std::fmt::Debug for PackOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackOptions")
            .field("tokenizer", &self.tokenizer.name())
            .field("reserve_output_tokens", &self.reserve_output_tokens)
            .field("now", &self.now)
            .field("mask_mode", &self.mask_mode)
            .field("window", &self.window)
            .finish()
    }
}

/// Pack `entries` into a window of at most `max_tokens − reserve_output_tokens` tokens for
/// `query`, exactly like [`ContextMemory::build_window`](super::ContextMemory::build_window) but
/// without a memory. Entries without an id get their position (`"0"`, `"1"`, …) as id.
///
/// # Example
/// ```
/// use cognition_core::context::{pack, Form, Importance, NewEntry, PackOptions};
///
/// let entries = [
///     NewEntry::new("The customer is on the Pro plan since March.").importance(Importance::Critical),
///     NewEntry::new("Refunds are possible within 30 days of purchase."),
///     NewEntry::new("The office dog is called Biscuit."),
/// ];
/// let window = pack(&entries, "refund rules", 40, &PackOptions::default())?;
/// assert!(window.tokens <= 40);
/// assert_eq!(window.entries[0].id, "0"); // CRITICAL always in, and first
/// assert!(window.entries.iter().any(|e| e.id == "1" && e.form == Form::Full));
/// # Ok::<(), cognition_core::context::ContextError>(())
/// ```
///
/// # Errors
/// [`ContextError::BudgetTooSmall`] if the CRITICAL entries cannot fit;
/// [`ContextError::EmptyContent`], [`ContextError::EntryTooLarge`], [`ContextError::DuplicateId`],
/// [`ContextError::SensitiveContent`] (mode `reject`), [`ContextError::LimitExceeded`],
/// [`ContextError::TokenizerFailed`].
pub fn pack(
    entries: &[NewEntry],
    query: &str,
    max_tokens: usize,
    options: &PackOptions,
) -> Result<ContextWindow, ContextError> {
    if entries.len() > MAX_PACK_ENTRIES {
        return Err(ContextError::LimitExceeded(format!(
            "{} entries, over the limit of {MAX_PACK_ENTRIES}",
            entries.len()
        )));
    }
    options.window.validate()?;
    window::check_budget(max_tokens, options.reserve_output_tokens)?;
    let mut seen = HashSet::with_capacity(entries.len());
    let mut built = Vec::with_capacity(entries.len());
    for (i, new) in entries.iter().enumerate() {
        validate_new(new)?;
        let mut new = new.clone();
        let id = new.id.take().unwrap_or_else(|| i.to_string());
        if !seen.insert(id.clone()) {
            return Err(ContextError::DuplicateId { id });
        }
        let masked = apply_mode(&new.content, options.mask_mode)?;
        new.content = masked.text;
        if let Some(summary) = new.summary.take() {
            new.summary = Some(apply_mode(&summary, options.mask_mode)?.text);
        }
        built.push(Entry::build(
            "",
            id,
            new,
            masked.findings,
            options.now,
            &*options.tokenizer,
            options.window.compression_ratio,
        )?);
    }
    let request = window::Request {
        query,
        max_tokens,
        reserve_output_tokens: options.reserve_output_tokens,
        now: options.now,
        with_tiers: false,
    };
    window::build(&built, &request, &options.window, &*options.tokenizer)
}
