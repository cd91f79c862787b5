//! Exact token counts of joined texts from the counts of their parts, for tokenizers whose counts
//! add up at spaces ([`Tokenizer::splits_at_spaces`]): the bundled encodings.
//!
//! ## Why it is exact
//! A *safe cut* of a text is a byte position `q` where the character at `q` is whitespace other
//! than `\r` and `\n` and the character before it is not whitespace. tiktoken's pre-tokeniser
//! (the regular expressions of `o200k_base` and `cl100k_base`) splits text into pieces and
//! byte-pair-encodes each piece on its own. None of its alternatives can take such a character
//! except as the first character of a piece (the optional leading character, the optional space
//! before punctuation) or in a run of whitespace (which the non-whitespace character before `q`
//! ends); its only look-arounds (`\s+(?!\S)`, `\s+$`) concern whitespace runs, and it has no
//! look-behind. So a piece starts at every safe cut, and the pieces on either side are the same
//! as those of each side alone: `count(text) = count(text[..q]) + count(text[q..])`.
//!
//! A window is its bodies joined by the separator; each body's exact count is known (cached).
//! Cutting every body at its first and last safe cut leaves short junctions — a body's last
//! word, the separator, the next body's first word — which are counted directly; the long middles
//! are the cached count minus the counts of the body's first and last words. Counting a window of
//! 8,000 tokens then costs a few short counts per entry instead of re-tokenising it all.

use super::tokens::Tokenizer;

fn is_cut_char(c: char) -> bool {
    c.is_whitespace() && c != '\r' && c != '\n'
}

/// Return the first safe cut of `text` (a byte position), if any.
pub(crate) fn first_cut(text: &str) -> Option<usize> {
    let mut prev_solid = false;
    for (i, c) in text.char_indices() {
        if prev_solid && is_cut_char(c) {
            return Some(i);
        }
        prev_solid = !c.is_whitespace();
    }
    None
}

/// Return the last safe cut of `text` (a byte position), if any.
pub(crate) fn last_cut(text: &str) -> Option<usize> {
    let mut next: Option<(usize, char)> = None;
    for (i, c) in text.char_indices().rev() {
        if let Some((j, n)) = next {
            if !c.is_whitespace() && is_cut_char(n) {
                return Some(j);
            }
        }
        next = Some((i, c));
    }
    None
}

/// Return the exact tokens of `" " + sentence` given the exact tokens of `sentence` (which starts
/// and ends with non-whitespace): only its first word's tokens can change.
pub(crate) fn tokens_after_space(
    sentence: &str,
    tokens: usize,
    tokenizer: &dyn Tokenizer,
) -> usize {
    let word = &sentence[..first_cut(sentence).unwrap_or(sentence.len())];
    let mut spaced = String::with_capacity(word.len() + 1);
    spaced.push(' ');
    spaced.push_str(word);
    (tokens + tokenizer.count(&spaced)).saturating_sub(tokenizer.count(word))
}

/// Return the exact tokens of `bodies` joined by `separator`, given each body's exact tokens.
/// The tokenizer must split at spaces ([`Tokenizer::splits_at_spaces`]).
pub(crate) fn count_joined<'a>(
    bodies: impl IntoIterator<Item = (&'a str, usize)>,
    separator: &str,
    tokenizer: &dyn Tokenizer,
) -> usize {
    let mut total = 0;
    // Text since the last safe cut, not counted yet.
    let mut pending = String::new();
    for (n, (body, tokens)) in bodies.into_iter().enumerate() {
        if n > 0 {
            pending.push_str(separator);
        }
        match (first_cut(body), last_cut(body)) {
            (Some(head), Some(tail)) if head <= tail => {
                pending.push_str(&body[..head]);
                total += tokenizer.count(&pending);
                pending.clear();
                let ends = tokenizer.count(&body[..head]) + tokenizer.count(&body[tail..]);
                total += tokens.saturating_sub(ends);
                pending.push_str(&body[tail..]);
            }
            _ => pending.push_str(body),
        }
    }
    total + tokenizer.count(&pending)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Encoding;
    use proptest::prelude::*;

    #[test]
    fn safe_cuts_are_spaces_after_a_non_space() {
        assert_eq!(first_cut("Hello big world."), Some(5));
        assert_eq!(last_cut("Hello big world."), Some(9));
        assert_eq!(first_cut("  lead\ttab"), Some(6));
        assert_eq!(first_cut("one.\nnext"), None); // a newline can join the piece before it
        assert_eq!(last_cut("word"), None);
        assert_eq!(first_cut(""), None);
    }

    fn text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "refund",
            "Policy",
            " ",
            "\n",
            "\r\n",
            ".",
            "!",
            "  ",
            "日本",
            "🙂",
            "x",
            "42",
            "1234",
            "'s",
            "'LL",
            "...",
            "-",
            "/",
            "café",
            "\t",
            "\u{a0}",
            "\u{85}",
            "<|endoftext|>",
            "A",
            "é",
            "\u{301}",
        ]);
        prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn counts_add_up_at_every_safe_cut(text in text()) {
            for encoding in Encoding::ALL {
                let whole = encoding.count(&text);
                let safe = |q: usize| {
                    let before = text[..q].chars().next_back();
                    let at = text[q..].chars().next();
                    before.is_some_and(|c| !c.is_whitespace()) && at.is_some_and(is_cut_char)
                };
                let cuts = text.char_indices().map(|(i, _)| i).filter(|&q| safe(q));
                for q in cuts {
                    prop_assert_eq!(whole, encoding.count(&text[..q]) + encoding.count(&text[q..]), "{:?} at {}", text, q);
                }
            }
        }

        #[test]
        fn joined_counts_equal_counting_the_joined_text(
            bodies in prop::collection::vec(text(), 0..6),
            separator in prop::sample::select(vec!["\n\n", "\n", " ", "", ".\n", "\n---\n", "/"]),
        ) {
            for encoding in Encoding::ALL {
                let parts: Vec<(&str, usize)> = bodies.iter().map(|b| (b.as_str(), encoding.count(b))).collect();
                let joined = bodies.join(separator);
                prop_assert_eq!(count_joined(parts, separator, &encoding), encoding.count(&joined));
            }
        }

        #[test]
        fn a_leading_space_changes_only_the_first_words_tokens(sentence in text()) {
            let sentence = sentence.trim();
            prop_assume!(!sentence.is_empty());
            for encoding in Encoding::ALL {
                let tokens = encoding.count(sentence);
                prop_assert_eq!(
                    tokens_after_space(sentence, tokens, &encoding),
                    encoding.count(&format!(" {sentence}"))
                );
            }
        }
    }
}
