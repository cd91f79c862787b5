//! Per-entry text analysis, computed once on insert and cached: token counts, the term sequence
//! for BM25 and phrase matching, and sentences with their own token counts for compression.
//!
//! Terms are runs of letters and digits, lower-cased (Unicode); each CJK, kana or Hangul character
//! is a term of its own, since those scripts do not separate words with spaces. Terms are kept as
//! 64-bit FNV-1a hashes (collisions only blur relevance, never budgets).
//!
//! Sentences end after `.`, `!`, `?`, `。`, `！`, `？` followed by whitespace, and at line breaks.

use super::boundaries;
use super::error::ContextError;
use super::tokens::Tokenizer;

/// A sentence of an entry: its byte range, tokens and distinct terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    pub start: usize,
    pub end: usize,
    pub tokens: usize,
    /// Tokens of the sentence after a joining space (`" " + sentence`): exact when the
    /// tokenizer splits at spaces, else `tokens + 1` (an estimate; windows are then re-counted).
    pub spaced_tokens: usize,
    /// Where the sentence's distinct term hashes (sorted) sit in `Analysis::sentence_terms`.
    pub terms: (u32, u32),
    /// A 64-bit Bloom filter of those terms (one bit each, [`sentence_bit`]): compressing for a
    /// query looks a term up in a sentence's list only when its bit is set.
    pub mask: u64,
}

/// The bit of `term` in a sentence's [`Sentence::mask`] (bits of the hash the entry's Bloom
/// filter does not use).
fn sentence_bit(term: u64) -> u64 {
    1 << ((term >> 40) & 63)
}

/// A distinct term of an entry: how often it occurs and in which sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TermCount {
    pub term: u64,
    pub count: u32,
    /// Bit `i` is set when sentence `i` contains the term (only when the entry has at most
    /// [`MAX_MASKED_SENTENCES`] sentences; else 0): found together with the frequency, so ranking
    /// an entry's sentences for a query does not look at the sentences' term lists.
    pub sentences: u64,
}

/// Most sentences whose terms are recorded in [`TermCount::sentences`].
pub(crate) const MAX_MASKED_SENTENCES: usize = 64;

/// What packing needs to know about an entry's text, computed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Analysis {
    /// Tokens of the full content.
    pub tokens: usize,
    /// Tokens of the summary, if there is one.
    pub summary_tokens: Option<usize>,
    /// The content's term hashes in order (for exact phrase matches and document length).
    pub terms: Vec<u64>,
    /// Each distinct term with its frequency and the sentences it occurs in, sorted by term.
    pub tf: Vec<TermCount>,
    /// The sentences, in order.
    pub sentences: Vec<Sentence>,
    /// Every sentence's distinct terms, one after the other (one allocation per entry).
    pub sentence_terms: Vec<u64>,
    /// A 1,024-bit Bloom filter of the distinct terms (two bits each): most lookups of a term the
    /// entry lacks end here, without touching `tf` (packing 10,000 entries is memory-bound).
    pub bloom: [u64; 16],
}

fn bloom_bits(term: u64) -> [(usize, u64); 2] {
    let a = (term & 1023) as usize;
    let b = ((term >> 20) & 1023) as usize;
    [(a / 64, 1 << (a % 64)), (b / 64, 1 << (b % 64))]
}

impl Analysis {
    /// Analyse `content` (and its summary), counting tokens with
    /// [`Tokenizer::try_count`]; the first counting failure is returned.
    pub fn new(
        content: &str,
        summary: Option<&str>,
        tokenizer: &dyn Tokenizer,
    ) -> Result<Self, ContextError> {
        let terms = terms(content);
        let mut sorted = terms.clone();
        sorted.sort_unstable();
        let mut tf: Vec<TermCount> = Vec::new();
        for t in sorted {
            match tf.last_mut() {
                Some(last) if last.term == t => last.count += 1,
                _ => tf.push(TermCount {
                    term: t,
                    count: 1,
                    sentences: 0,
                }),
            }
        }
        let spans = sentence_spans(content);
        let mut sentence_terms = Vec::new();
        let sentences = if spans.len() > 1 {
            spans
                .into_iter()
                .map(|(start, end)| -> Result<Sentence, ContextError> {
                    let text = &content[start..end];
                    let mut terms = self::terms(text);
                    terms.sort_unstable();
                    terms.dedup();
                    let mask = terms.iter().fold(0, |m, &t| m | sentence_bit(t));
                    let from = u32::try_from(sentence_terms.len()).unwrap_or(u32::MAX);
                    sentence_terms.extend(terms);
                    let to = u32::try_from(sentence_terms.len()).unwrap_or(u32::MAX);
                    let tokens = tokenizer.try_count(text)?;
                    let spaced_tokens = if tokenizer.splits_at_spaces() {
                        boundaries::tokens_after_space(text, tokens, tokenizer)
                    } else {
                        tokens + 1
                    };
                    Ok(Sentence {
                        start,
                        end,
                        tokens,
                        spaced_tokens,
                        terms: (from, to),
                        mask,
                    })
                })
                .collect::<Result<_, _>>()?
        } else {
            Vec::new() // one sentence: nothing to compress extractively
        };
        if sentences.len() <= MAX_MASKED_SENTENCES {
            for (i, s) in sentences.iter().enumerate() {
                let (from, to) = (s.terms.0 as usize, s.terms.1 as usize);
                for t in sentence_terms.get(from..to).unwrap_or_default() {
                    if let Ok(k) = tf.binary_search_by_key(t, |c| c.term) {
                        tf[k].sentences |= 1 << i;
                    }
                }
            }
        }
        let mut bloom = [0u64; 16];
        for t in tf.iter().map(|c| c.term) {
            for (word, bit) in bloom_bits(t) {
                bloom[word] |= bit;
            }
        }
        Ok(Analysis {
            sentence_terms,
            bloom,
            tokens: tokenizer.try_count(content)?,
            summary_tokens: summary.map(|s| tokenizer.try_count(s)).transpose()?,
            terms,
            tf,
            sentences,
        })
    }

    /// Return how often `term` occurs.
    #[cfg(test)]
    pub fn frequency(&self, term: u64) -> u32 {
        self.count(term).map_or(0, |c| c.count)
    }

    /// Return `term`'s frequency and sentences, if the entry contains it.
    pub fn count(&self, term: u64) -> Option<&TermCount> {
        if bloom_bits(term)
            .iter()
            .any(|&(w, bit)| self.bloom[w] & bit == 0)
        {
            return None;
        }
        self.tf
            .binary_search_by_key(&term, |c| c.term)
            .ok()
            .map(|i| &self.tf[i])
    }

    /// Return the distinct terms (sorted) of sentence `i`.
    pub fn terms_of_sentence(&self, i: usize) -> &[u64] {
        let (from, to) = self.sentences[i].terms;
        self.sentence_terms
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    /// Return `true` if sentence `i` contains `term`.
    pub fn sentence_has_term(&self, i: usize, term: u64) -> bool {
        self.sentences[i].mask & sentence_bit(term) != 0
            && self.terms_of_sentence(i).binary_search(&term).is_ok()
    }

    /// Return `true` if the term sequence `phrase` occurs contiguously.
    pub fn contains_phrase(&self, phrase: &[u64]) -> bool {
        !phrase.is_empty() && self.terms.windows(phrase.len()).any(|w| w == phrase)
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv_char(mut hash: u64, c: char) -> u64 {
    let mut buf = [0u8; 4];
    for &b in c.encode_utf8(&mut buf).as_bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// Return the term hashes of `text` in order.
pub(crate) fn terms(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut current: Option<u64> = None;
    for c in text.chars() {
        if is_cjk(c) {
            out.extend(current.take());
            out.push(fnv_char(FNV_OFFSET, c));
        } else if c.is_alphanumeric() {
            let mut h = current.unwrap_or(FNV_OFFSET);
            if c.is_ascii() {
                h = fnv_char(h, c.to_ascii_lowercase());
            } else {
                for l in c.to_lowercase() {
                    h = fnv_char(h, l);
                }
            }
            current = Some(h);
        } else {
            out.extend(current.take());
        }
    }
    out.extend(current);
    out
}

/// Return the byte ranges of the sentences of `text`, trimmed, empty ones skipped.
pub(crate) fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let end_here = match c {
            '\n' | '\r' => true,
            '。' | '！' | '？' => true,
            '.' | '!' | '?' => next.is_none_or(char::is_whitespace),
            _ => false,
        };
        if end_here {
            let end = i + c.len_utf8();
            push_trimmed(text, start, end, &mut spans);
            start = end;
        }
    }
    push_trimmed(text, start, text.len(), &mut spans);
    spans
}

fn push_trimmed(text: &str, start: usize, end: usize, spans: &mut Vec<(usize, usize)>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        spans.push((start + lead, start + lead + trimmed.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Encoding;

    #[test]
    fn terms_are_case_insensitive_words_and_single_cjk_characters() {
        assert_eq!(terms("Hello, WORLD"), terms("hello world"));
        assert_eq!(terms("日本語 text").len(), 4);
        assert_eq!(terms("Straße ÉTÉ"), terms("straße été"));
        assert!(terms("  ,;  ").is_empty());
    }

    #[test]
    fn sentences_split_at_terminal_punctuation_and_line_breaks() {
        let text = "First one. Second? v1.2 stays\nThird line。第四";
        let got: Vec<&str> = sentence_spans(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            got,
            [
                "First one.",
                "Second?",
                "v1.2 stays",
                "Third line。",
                "第四"
            ]
        );
    }

    #[test]
    fn analysis_counts_tokens_and_term_frequencies() {
        let a = Analysis::new(
            "the cat saw the dog. The end.",
            Some("cats"),
            &Encoding::O200kBase,
        )
        .expect("an encoding never fails");
        assert_eq!(
            a.tokens,
            Encoding::O200kBase.count("the cat saw the dog. The end.")
        );
        assert_eq!(a.summary_tokens, Some(Encoding::O200kBase.count("cats")));
        assert_eq!(a.frequency(terms("the")[0]), 3);
        assert_eq!(a.sentences.len(), 2);
        assert_eq!(
            a.sentences[1].spaced_tokens,
            Encoding::O200kBase.count(" The end.")
        );
        assert_eq!(a.count(terms("the")[0]).unwrap().sentences, 0b11);
        assert_eq!(a.count(terms("dog")[0]).unwrap().sentences, 0b01);
        assert!(a.count(terms("cats")[0]).is_none());
        assert!(a.contains_phrase(&terms("saw THE dog")));
        assert!(!a.contains_phrase(&terms("dog saw")));
    }
}
