//! Context errors: what was wrong with an entry, a budget or a store, never echoing the content.

use crate::error::ErrorCode;

/// Why a context operation failed.
///
/// Messages never contain entry content or a masked value: at most an id, a tenant's length, a
/// kind of secret, or numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContextError {
    /// The CRITICAL entries do not fit the budget even in their shortest form.
    #[error(
        "critical entries need {required} tokens but the budget leaves {available} \
         ({} tokens short)", required - available
    )]
    BudgetTooSmall {
        /// Tokens the critical entries need in their shortest forms (with separators).
        required: usize,
        /// Tokens available: `max_tokens - reserve_output_tokens`.
        available: usize,
    },
    /// An encoding name was not one of the bundled encodings.
    #[error("unknown encoding `{name}` (expected o200k_base or cl100k_base)")]
    UnknownEncoding {
        /// The name given (at most 64 characters of it).
        name: String,
    },
    /// Masking found secrets or personal data and the memory is set to reject such content.
    #[error("content contains sensitive data ({}) and the masking mode is `reject`", kinds.join(", "))]
    SensitiveContent {
        /// The kinds found (e.g. `EMAIL`, `AWS_ACCESS_KEY`), never the values.
        kinds: Vec<&'static str>,
    },
    /// No entry of the tenant has the id.
    #[error("no entry with id `{id}` for this tenant")]
    EntryNotFound {
        /// The id looked up.
        id: String,
    },
    /// A tenant was empty, too long or contained control characters.
    #[error("invalid tenant: {reason}")]
    InvalidTenant {
        /// What was wrong with it.
        reason: &'static str,
    },
    /// An entry's content (or summary) was over [`super::MAX_CONTENT_BYTES`].
    #[error("{field} is {len} bytes, over the limit of {limit} bytes")]
    EntryTooLarge {
        /// `content` or `summary`.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// An entry's content was empty (or only whitespace).
    #[error("entry content is empty")]
    EmptyContent,
    /// The tenant already has an entry with the id.
    #[error("the tenant already has an entry with id `{id}`")]
    DuplicateId {
        /// The id given.
        id: String,
    },
    /// An importance name was not one of critical, high, medium, low, trivial.
    #[error("unknown importance `{name}` (expected critical, high, medium, low or trivial)")]
    InvalidImportance {
        /// The name given (at most 64 characters of it).
        name: String,
    },
    /// The long-term store failed (a user store's error, a lost connection).
    #[error("long-term store failed: {0}")]
    StoreBackend(String),
    /// An argument was over a documented limit (query length, entry count, id length, sizes).
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// A user-supplied tokenizer could not count a text (see [`super::Tokenizer::try_count`]):
    /// it raised, or returned something that is not a token count.
    #[error("tokenizer `{name}` failed: {reason}")]
    TokenizerFailed {
        /// The tokenizer's name.
        name: String,
        /// What went wrong, never the text being counted (e.g. `raised ValueError`).
        reason: String,
    },
}

impl ContextError {
    /// Return the stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            ContextError::BudgetTooSmall { .. } => ErrorCode::ContextBudgetTooSmall,
            ContextError::UnknownEncoding { .. } => ErrorCode::ContextUnknownEncoding,
            ContextError::SensitiveContent { .. } => ErrorCode::ContextSensitiveContent,
            ContextError::EntryNotFound { .. } => ErrorCode::ContextEntryNotFound,
            ContextError::InvalidTenant { .. } => ErrorCode::ContextInvalidTenant,
            ContextError::EntryTooLarge { .. } => ErrorCode::ContextEntryTooLarge,
            ContextError::EmptyContent => ErrorCode::ContextEmptyContent,
            ContextError::DuplicateId { .. } => ErrorCode::ContextDuplicateId,
            ContextError::InvalidImportance { .. } => ErrorCode::ContextInvalidImportance,
            ContextError::StoreBackend(_) => ErrorCode::ContextStoreBackend,
            ContextError::LimitExceeded(_) => ErrorCode::ContextLimitExceeded,
            ContextError::TokenizerFailed { .. } => ErrorCode::ContextTokenizerFailed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_too_small_says_by_how_many_tokens() {
        let err = ContextError::BudgetTooSmall {
            required: 120,
            available: 100,
        };
        assert!(err.to_string().contains("20 tokens short"), "{err}");
        assert_eq!(err.code(), ErrorCode::ContextBudgetTooSmall);
    }

    #[test]
    fn sensitive_content_names_kinds_only() {
        let err = ContextError::SensitiveContent {
            kinds: vec!["EMAIL", "JWT"],
        };
        assert_eq!(
            err.to_string(),
            "content contains sensitive data (EMAIL, JWT) and the masking mode is `reject`"
        );
    }
}
