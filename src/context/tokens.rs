//! Token counting: exact counts with OpenAI's BPE encodings, or any counter you plug in.
//!
//! [`Encoding`] names the two encodings in use by current models (`o200k_base` for GPT-4o, GPT-4.1,
//! o-series; `cl100k_base` for GPT-4 and GPT-3.5). Each encoding's BPE table is parsed once, lazily,
//! on first use, and then shared by every thread (`tiktoken-rs`'s `LazyLock` singletons): the first
//! count in a process pays ~100 ms for `o200k_base`, later counts pay nothing for setup.
//!
//! ## Special tokens
//! [`count_tokens`] treats special-token text such as `<|endoftext|>` as **ordinary text**: it is
//! counted as the tokens of its characters (`<`, `|`, `endo`, …), like Python tiktoken's
//! `encode_ordinary(text)` or `encode(text, disallowed_special=())`. That is what you want for
//! user content: text that merely *contains* `<|endoftext|>` is not a control token, and counting
//! it must not fail (tiktoken's plain `encode` raises on it).

use std::fmt;
use std::str::FromStr;

use tiktoken_rs::CoreBPE;

use super::error::ContextError;

/// A BPE encoding bundled with the library.
///
/// # Example
/// ```
/// use cognition_core::context::Encoding;
///
/// let encoding: Encoding = "cl100k_base".parse()?;
/// assert_eq!(encoding, Encoding::Cl100kBase);
/// assert_eq!(encoding.name(), "cl100k_base");
/// assert_eq!(Encoding::default(), Encoding::O200kBase);
/// # Ok::<(), cognition_core::context::ContextError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// `o200k_base`: GPT-4o, GPT-4.1, GPT-5 and the o-series models (the default).
    #[default]
    O200kBase,
    /// `cl100k_base`: GPT-4, GPT-3.5-turbo and `text-embedding-3-*`.
    Cl100kBase,
}

impl Encoding {
    /// Every encoding, in a stable order.
    pub const ALL: [Encoding; 2] = [Encoding::O200kBase, Encoding::Cl100kBase];

    /// Return the encoding's name as tiktoken spells it (`"o200k_base"`).
    pub const fn name(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }

    /// Return the shared BPE (parsed on first use, then reused by every thread).
    fn bpe(self) -> &'static CoreBPE {
        match self {
            Encoding::O200kBase => tiktoken_rs::o200k_base_singleton(),
            Encoding::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
        }
    }

    /// Return the number of tokens of `text`, special-token text counted as ordinary text.
    pub fn count(self, text: &str) -> usize {
        if text.is_empty() {
            return 0;
        }
        self.bpe().encode_ordinary(text).len()
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Encoding {
    type Err = ContextError;

    /// Parse an encoding name (ASCII case-insensitive, e.g. `"O200K_BASE"`).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Encoding::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| ContextError::UnknownEncoding {
                name: name.chars().take(64).collect(),
            })
    }
}

/// Count the tokens of `text` under `encoding`, exactly as OpenAI's tokenizer does.
///
/// Special-token text (`<|endoftext|>`) counts as ordinary text (see the module docs of
/// `cognition_core::context`).
///
/// # Example
/// ```
/// use cognition_core::context::{count_tokens, Encoding};
///
/// assert_eq!(count_tokens("hello world", Encoding::O200kBase), 2);
/// assert_eq!(count_tokens("", Encoding::Cl100kBase), 0);
/// // Not a control token: counted as its characters, never an error.
/// assert!(count_tokens("<|endoftext|>", Encoding::O200kBase) > 1);
/// ```
pub fn count_tokens(text: &str, encoding: Encoding) -> usize {
    encoding.count(text)
}

/// Something that counts tokens: plug in your own (a Hugging Face tokenizer, a model's API).
///
/// Implementations must be deterministic (same text, same count) and cheap to share between
/// threads; the memory caches each entry's count, so a counter is called once per distinct text.
///
/// The memory and [`pack`](super::pack) count through [`try_count`](Tokenizer::try_count), so a
/// counter that can fail (a callable from another language, a remote service) overrides it and
/// its failure reaches the caller as [`ContextError::TokenizerFailed`]: nothing is stored and no
/// window is built on a made-up count. Counting happens on the calling thread and never while
/// the memory's lock is held, so a counter may itself call into the memory.
///
/// # Example
/// ```
/// use cognition_core::context::Tokenizer;
///
/// /// One token per whitespace-separated word.
/// struct Words;
/// impl Tokenizer for Words {
///     fn count(&self, text: &str) -> usize {
///         text.split_whitespace().count()
///     }
///     fn name(&self) -> &str {
///         "words"
///     }
/// }
/// assert_eq!(Words.count("three little words"), 3);
/// ```
pub trait Tokenizer: Send + Sync {
    /// Return the number of tokens of `text`.
    fn count(&self, text: &str) -> usize;

    /// Return the number of tokens of `text`, or why it could not be counted.
    ///
    /// The default calls [`count`](Tokenizer::count), which cannot fail. Override it when
    /// counting can fail; `count` then stays for callers that cannot handle an error.
    ///
    /// # Errors
    /// [`ContextError::TokenizerFailed`] (by convention) when the text could not be counted.
    fn try_count(&self, text: &str) -> Result<usize, ContextError> {
        Ok(self.count(text))
    }

    /// Return a short name for explanations and errors (e.g. the encoding's name).
    fn name(&self) -> &str;

    /// Return `true` if counts add up at spaces: whenever `text` is cut just before a whitespace
    /// character other than `\r` and `\n` that follows a non-whitespace character,
    /// `count(text) == count(left) + count(right)`.
    ///
    /// The bundled [`Encoding`]s do (their pre-tokeniser starts a piece there; see the proof in
    /// the window-building docs), which lets windows be counted exactly from cached per-entry
    /// counts instead of being re-tokenised. The default, `false`, is always safe: windows are
    /// then counted by re-tokenising the rendered text once.
    fn splits_at_spaces(&self) -> bool {
        false
    }
}

impl Tokenizer for Encoding {
    fn count(&self, text: &str) -> usize {
        Encoding::count(*self, text)
    }

    fn name(&self) -> &str {
        Encoding::name(*self)
    }

    fn splits_at_spaces(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_case_insensitively_and_round_trip() {
        for encoding in Encoding::ALL {
            assert_eq!(encoding.name().parse::<Encoding>().unwrap(), encoding);
            assert_eq!(
                encoding.name().to_uppercase().parse::<Encoding>().unwrap(),
                encoding
            );
            assert_eq!(encoding.to_string(), encoding.name());
        }
    }

    #[test]
    fn an_unknown_encoding_name_is_a_typed_error() {
        let err = "p50k_base".parse::<Encoding>().unwrap_err();
        assert!(matches!(err, ContextError::UnknownEncoding { ref name } if name == "p50k_base"));
    }

    #[test]
    fn a_hostile_encoding_name_is_truncated_in_the_error() {
        let long = "x".repeat(10_000);
        let err = long.parse::<Encoding>().unwrap_err();
        assert!(err.to_string().len() < 200);
    }

    #[test]
    fn the_two_encodings_split_text_differently() {
        // cl100k_base has no single token for this CJK phrase's pairs that o200k_base merges.
        let text = "今日は良い天気ですね。日本語のテキストです。";
        assert_ne!(
            count_tokens(text, Encoding::O200kBase),
            count_tokens(text, Encoding::Cl100kBase)
        );
    }

    #[test]
    fn special_token_text_counts_as_ordinary_text() {
        for encoding in Encoding::ALL {
            let special = count_tokens("<|endoftext|>", encoding);
            let pieces: usize = ["<|", "endo", "ftext", "|>"]
                .iter()
                .map(|p| count_tokens(p, encoding))
                .sum();
            assert!(special > 1, "{encoding}: {special}");
            assert!(special <= pieces);
        }
    }

    #[test]
    fn counting_is_the_same_from_many_threads() {
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(50);
        let expected = count_tokens(&text, Encoding::O200kBase);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| count_tokens(&text, Encoding::O200kBase)))
                .collect();
            for h in handles {
                assert_eq!(h.join().unwrap(), expected);
            }
        });
    }

    /// A counter that cannot count texts containing `!`.
    struct NoBang;
    impl Tokenizer for NoBang {
        fn count(&self, text: &str) -> usize {
            self.try_count(text).unwrap_or(0)
        }
        fn try_count(&self, text: &str) -> Result<usize, ContextError> {
            if text.contains('!') {
                return Err(ContextError::TokenizerFailed {
                    name: "no-bang".to_owned(),
                    reason: "found a bang".to_owned(),
                });
            }
            Ok(text.split_whitespace().count())
        }
        fn name(&self) -> &str {
            "no-bang"
        }
    }

    #[test]
    fn try_count_defaults_to_count() {
        assert_eq!(Encoding::O200kBase.try_count("hello world"), Ok(2));
    }

    #[test]
    fn an_overridden_try_count_reports_the_failure() {
        assert_eq!(NoBang.try_count("two words"), Ok(2));
        let err = NoBang.try_count("boom!").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::ContextTokenizerFailed);
        assert_eq!(err.to_string(), "tokenizer `no-bang` failed: found a bang");
    }

    #[test]
    fn an_encoding_is_a_tokenizer() {
        let tokenizer: &dyn Tokenizer = &Encoding::Cl100kBase;
        assert_eq!(tokenizer.name(), "cl100k_base");
        assert_eq!(tokenizer.count("hello world"), 2);
    }
}
