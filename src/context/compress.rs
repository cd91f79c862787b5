//! Extractive, deterministic compression: the entry's summary if it has one, else the sentences
//! most relevant to the query, in their original order, cut at sentence boundaries.
//!
//! Sentences are ranked by the summed idf of the distinct query terms they contain (ties: earlier
//! first); when no sentence shares a term with the query, the leading sentences are kept (the
//! classic lead baseline). Sentences are taken in rank order until the target size —
//! `ratio × full tokens` ([`WindowOptions::compression_ratio`](super::WindowOptions), 0.3 by
//! default) — is reached (counting one token per join); at least one sentence is kept. The
//! compressed text joins the kept sentences with one space. Its weight in packing is the sum of
//! the sentences' cached token counts, each one after the first counted with its joining space:
//! exact for tokenizers that split at spaces (the bundled encodings), else an estimate of one
//! token per join, and the rendered text is then re-counted.

use super::analysis::{Analysis, MAX_MASKED_SENTENCES};

/// A compressed form: the entry's summary or an extract of its sentences, and its token weight.
/// An extract does not carry its sentences: they are chosen again ([`extract`]) for the few
/// entries rendered compressed, so scoring 10,000 candidates allocates nothing per candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compressed {
    /// Use the entry's summary.
    Summary { tokens: usize },
    /// Keep the sentences [`extract`] returns for the same query.
    Sentences { tokens: usize },
}

impl Compressed {
    pub fn tokens(&self) -> usize {
        match self {
            Compressed::Summary { tokens } | Compressed::Sentences { tokens } => *tokens,
        }
    }
}

/// The query-independent compression of an entry (its lead sentences), memoised per ratio in the
/// entry's analysis: an entry that shares no term with the query is compressed this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LeadExtract {
    /// The compression ratio it was computed for (`f64::to_bits`).
    pub ratio_bits: u64,
    /// Its token weight, or `None` when no extract is shorter than the full text.
    pub tokens: Option<usize>,
}

impl LeadExtract {
    /// Compute the lead extract of `analysis` at `ratio`.
    pub fn new(analysis: &Analysis, ratio: f64) -> LeadExtract {
        let mut scratch = Scratch::default();
        LeadExtract {
            ratio_bits: ratio.to_bits(),
            tokens: choose(analysis, &Terms::None, ratio, &mut scratch),
        }
    }
}

/// A query term an entry contains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct QueryTerm {
    pub term: u64,
    pub idf: f64,
    /// The entry's sentences containing it ([`TermCount::sentences`](super::analysis::TermCount);
    /// unused when the entry has more than [`MAX_MASKED_SENTENCES`] sentences).
    pub sentences: u64,
}

/// Which query terms the entry contains, with their idf weights (for ranking its sentences).
pub(crate) enum Terms<'a> {
    /// None: the lead sentences are kept.
    None,
    /// The query's distinct terms the entry contains, in the query's order (terms it lacks
    /// cannot be in any of its sentences, so only these are looked up).
    Some(&'a [QueryTerm]),
}

/// Buffers reused across the candidates of one window.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Sentences sharing a term with the query: `(weight, index)`.
    ranked: Vec<(f64, usize)>,
    /// The same indices, ascending.
    matched: Vec<usize>,
    /// The kept sentences (ascending after [`choose`]).
    keep: Vec<usize>,
}

/// Return the compressed form of an entry, or `None` if none is shorter than the full text.
/// `lead` is the entry's memoised lead extract, used when `terms` is [`Terms::None`] and it was
/// computed for `ratio`.
pub(crate) fn compress_with(
    analysis: &Analysis,
    terms: &Terms<'_>,
    ratio: f64,
    lead: Option<&LeadExtract>,
    scratch: &mut Scratch,
) -> Option<Compressed> {
    if let Some(tokens) = analysis.summary_tokens {
        return (tokens < analysis.tokens).then_some(Compressed::Summary { tokens });
    }
    let tokens = match (terms, lead) {
        (Terms::None, Some(lead)) if lead.ratio_bits == ratio.to_bits() => lead.tokens,
        _ => choose(analysis, terms, ratio, scratch),
    };
    tokens.map(|tokens| Compressed::Sentences { tokens })
}

/// Return the indices (ascending) of the sentences an extract keeps — the ones
/// [`compress_with`] weighed for the same arguments.
pub(crate) fn extract(analysis: &Analysis, terms: &Terms<'_>, ratio: f64) -> Vec<usize> {
    let mut scratch = Scratch::default();
    choose(analysis, terms, ratio, &mut scratch);
    scratch.keep
}

/// Render an extract: the kept sentences of `content`, joined by one space.
pub(crate) fn render_extract(content: &str, analysis: &Analysis, keep: &[usize]) -> String {
    let mut out = String::new();
    for (n, &i) in keep.iter().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        let s = &analysis.sentences[i];
        out.push_str(&content[s.start..s.end]);
    }
    out
}

/// Rank the sentences and take them until the target (see the module docs); leave the kept
/// indices, ascending, in `scratch.keep` and return their token weight, or `None` if the extract
/// would not be shorter than the full text.
///
/// Ranking by summed idf (ties: earlier first) puts the sentences that share a term with the
/// query first, by weight, then all the others in their original order (weight 0): so only the
/// matching sentences are sorted.
fn choose(
    analysis: &Analysis,
    terms: &Terms<'_>,
    ratio: f64,
    scratch: &mut Scratch,
) -> Option<usize> {
    let sentences = &analysis.sentences;
    scratch.keep.clear();
    if sentences.len() < 2 {
        return None;
    }
    let target = ((analysis.tokens as f64) * ratio.clamp(0.0, 1.0)).ceil() as usize;
    scratch.ranked.clear();
    scratch.matched.clear();
    if let Terms::Some(present) = terms {
        // A sentence's weight sums the idf of the terms it contains, in the query's order.
        let weigh = |i: usize, contains: &dyn Fn(&QueryTerm) -> bool| {
            let mut weight = 0.0;
            let mut any = false;
            for q in present.iter().filter(|q| contains(q)) {
                weight += q.idf.max(1e-9);
                any = true;
            }
            any.then_some((weight, i))
        };
        if sentences.len() <= MAX_MASKED_SENTENCES {
            // Visit only the sentences the recorded masks name, in order.
            let mut any = present.iter().fold(0u64, |m, q| m | q.sentences);
            while any != 0 {
                let i = any.trailing_zeros() as usize;
                any &= any - 1;
                let bit = 1u64 << i;
                scratch.ranked.extend(weigh(i, &|q| q.sentences & bit != 0));
                scratch.matched.push(i);
            }
        } else {
            for i in 0..sentences.len() {
                if let Some(ranked) = weigh(i, &|q| analysis.sentence_has_term(i, q.term)) {
                    scratch.ranked.push(ranked);
                    scratch.matched.push(i);
                }
            }
        }
        scratch
            .ranked
            .sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    let Scratch {
        ranked,
        matched,
        keep,
    } = scratch;
    let mut rest = matched.iter().peekable();
    let unmatched = (0..sentences.len()).filter(|&i| {
        if rest.peek() == Some(&&i) {
            rest.next();
            false
        } else {
            true
        }
    });
    let order = ranked.iter().map(|&(_, i)| i).chain(unmatched);
    let mut tokens = 0;
    for i in order {
        if !keep.is_empty() && tokens >= target {
            break;
        }
        let add = sentences[i].tokens + usize::from(!keep.is_empty());
        if !keep.is_empty() && tokens + add > target {
            continue; // a later, shorter sentence may still fit the target
        }
        keep.push(i);
        tokens += add;
    }
    keep.sort_unstable();
    // The exact weight of the kept sentences joined by spaces (an estimate for tokenizers that do
    // not split at spaces; the window is then re-counted).
    let tokens: usize = keep
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let s = &sentences[i];
            if n == 0 {
                s.tokens
            } else {
                s.spaced_tokens
            }
        })
        .sum();
    (keep.len() < sentences.len() && tokens < analysis.tokens).then_some(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::score::Query;
    use crate::context::Encoding;

    const TEXT: &str =
        "Our office opens at nine. The refund policy allows returns within thirty days. \
                        Parking is free on weekends. Refunds go back to the original card.";

    fn analyse(text: &str, summary: Option<&str>) -> Analysis {
        Analysis::new(text, summary, &Encoding::O200kBase).expect("an encoding never fails")
    }

    /// The query terms `a` contains, as a window passes them.
    fn present_terms(a: &Analysis, q: &Query, idf: &[f64]) -> Vec<QueryTerm> {
        q.distinct
            .iter()
            .zip(idf)
            .filter_map(|(&term, &idf)| {
                a.count(term).map(|c| QueryTerm {
                    term,
                    idf,
                    sentences: c.sentences,
                })
            })
            .collect()
    }

    /// Compress `text` for `query`; return the form and the rendered text.
    fn compress(
        text: &str,
        summary: Option<&str>,
        query: &str,
        idf: &[f64],
        ratio: f64,
    ) -> Option<(Compressed, String)> {
        let a = analyse(text, summary);
        let q = Query::new(query);
        let present = present_terms(&a, &q, idf);
        let terms = Terms::Some(&present);
        let c = compress_with(&a, &terms, ratio, None, &mut Scratch::default())?;
        let rendered = match c {
            Compressed::Summary { .. } => summary.unwrap_or_default().to_owned(),
            Compressed::Sentences { .. } => render_extract(text, &a, &extract(&a, &terms, ratio)),
        };
        Some((c, rendered))
    }

    #[test]
    fn the_sentences_about_the_query_are_kept_in_their_original_order() {
        let (_, text) = compress(TEXT, None, "refund policy", &[1.0, 1.0], 0.3).unwrap();
        assert_eq!(text, "The refund policy allows returns within thirty days.");
        let (_, text) =
            compress(TEXT, None, "refunds card parking", &[1.0, 1.0, 1.0], 0.6).unwrap();
        assert_eq!(
            text,
            "Parking is free on weekends. Refunds go back to the original card."
        );
    }

    #[test]
    fn an_extract_weighs_exactly_its_rendered_tokens() {
        for (query, ratio) in [
            ("refund policy", 0.3),
            ("card parking nine", 0.6),
            ("zebra", 0.5),
        ] {
            let q = Query::new(query);
            let idf = vec![1.0; q.distinct.len()];
            let (c, text) = compress(TEXT, None, query, &idf, ratio).unwrap();
            assert_eq!(c.tokens(), Encoding::O200kBase.count(&text), "{query}");
        }
    }

    #[test]
    fn without_matching_terms_the_leading_sentence_is_kept() {
        let (_, text) = compress(TEXT, None, "zebra", &[1.0], 0.2).unwrap();
        assert_eq!(text, "Our office opens at nine.");
    }

    #[test]
    fn the_memoised_lead_extract_is_the_one_computed_without_query_terms() {
        let a = analyse(TEXT, None);
        for ratio in [0.0, 0.2, 0.3, 0.6, 1.0] {
            let lead = LeadExtract::new(&a, ratio);
            let computed = compress_with(&a, &Terms::None, ratio, None, &mut Scratch::default());
            assert_eq!(lead.tokens, computed.map(|c| c.tokens()), "ratio {ratio}");
            let memoised = compress_with(
                &a,
                &Terms::None,
                ratio,
                Some(&lead),
                &mut Scratch::default(),
            );
            assert_eq!(memoised, computed, "ratio {ratio}");
        }
    }

    #[test]
    fn a_lead_extract_memoised_for_another_ratio_is_not_used() {
        let a = analyse(TEXT, None);
        let stale = LeadExtract {
            ratio_bits: 0.9_f64.to_bits(),
            tokens: Some(1),
        };
        let got = compress_with(&a, &Terms::None, 0.3, Some(&stale), &mut Scratch::default());
        assert_eq!(
            got,
            compress_with(&a, &Terms::None, 0.3, None, &mut Scratch::default())
        );
        assert_ne!(got.map(|c| c.tokens()), Some(1));
    }

    #[test]
    fn scratch_buffers_carry_nothing_from_one_entry_to_the_next() {
        let other = analyse(
            "Zebras graze. Refund desks close at five. Lions sleep all day long.",
            None,
        );
        let a = analyse(TEXT, None);
        let q = Query::new("refund");
        let (in_other, in_a) = (
            present_terms(&other, &q, &[1.0]),
            present_terms(&a, &q, &[1.0]),
        );
        let mut shared = Scratch::default();
        compress_with(&other, &Terms::Some(&in_other), 0.3, None, &mut shared);
        assert_eq!(
            compress_with(&a, &Terms::Some(&in_a), 0.3, None, &mut shared),
            compress_with(&a, &Terms::Some(&in_a), 0.3, None, &mut Scratch::default())
        );
    }

    #[test]
    fn entries_with_more_sentences_than_the_masks_hold_are_ranked_the_same_way() {
        let text: Vec<String> = (0..80)
            .map(|i| match i % 7 {
                3 => format!("Refund rule {i} applies."),
                5 => format!("Card refund {i} is quick and refund desks help."),
                _ => format!("Filler sentence number {i} here."),
            })
            .collect();
        let text = text.join(" ");
        let a = analyse(&text, None);
        assert!(a.sentences.len() > MAX_MASKED_SENTENCES);
        let q = Query::new("refund card");
        let idf = [0.7, 1.3];
        let keep = extract(&a, &Terms::Some(&present_terms(&a, &q, &idf)), 0.1);
        assert_eq!(Some(keep), reference_keep(&a, &q, &idf, 0.1));
    }

    #[test]
    fn a_summary_is_the_compressed_form_when_given() {
        let (c, text) = compress(TEXT, Some("Refunds: 30 days."), "parking", &[1.0], 0.3).unwrap();
        assert_eq!(text, "Refunds: 30 days.");
        assert_eq!(c.tokens(), Encoding::O200kBase.count("Refunds: 30 days."));
    }

    #[test]
    fn a_single_sentence_has_no_compressed_form() {
        assert_eq!(
            compress("Just one sentence here", None, "one", &[1.0], 0.3),
            None
        );
    }

    #[test]
    fn compression_is_deterministic() {
        assert_eq!(
            compress(TEXT, None, "refund card", &[0.5, 0.7], 0.4),
            compress(TEXT, None, "refund card", &[0.5, 0.7], 0.4)
        );
    }

    /// The ranking as the module docs state it, sorting every sentence: the reference the
    /// sentence-skipping [`choose`] must agree with.
    fn reference_keep(a: &Analysis, q: &Query, idf: &[f64], ratio: f64) -> Option<Vec<usize>> {
        if a.sentences.len() < 2 {
            return None;
        }
        let target = ((a.tokens as f64) * ratio).ceil() as usize;
        let mut ranked: Vec<(f64, usize)> = (0..a.sentences.len())
            .map(|i| {
                let terms = a.terms_of_sentence(i);
                let weight = q
                    .distinct
                    .iter()
                    .zip(idf)
                    .filter(|(t, _)| terms.binary_search(t).is_ok())
                    .map(|(_, w)| w.max(1e-9))
                    .sum();
                (weight, i)
            })
            .collect();
        ranked.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        let (mut keep, mut tokens) = (Vec::new(), 0);
        for (_, i) in ranked {
            if !keep.is_empty() && tokens >= target {
                break;
            }
            let add = a.sentences[i].tokens + usize::from(!keep.is_empty());
            if keep.is_empty() || tokens + add <= target {
                keep.push(i);
                tokens += add;
            }
        }
        keep.sort_unstable();
        (keep.len() < a.sentences.len()).then_some(keep)
    }

    #[test]
    fn extracts_match_the_reference_ranking_on_random_texts() {
        const WORDS: [&str; 12] = [
            "refund", "card", "parking", "office", "nine", "days", "policy", "returns", "free",
            "weekend", "the", "a",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..300 {
            let text: Vec<String> = (0..1 + next(8))
                .map(|_| {
                    let words: Vec<&str> = (0..1 + next(9)).map(|_| WORDS[next(12)]).collect();
                    format!("{}.", words.join(" "))
                })
                .collect();
            let text = text.join(" ");
            let query: Vec<&str> = (0..next(4)).map(|_| WORDS[next(12)]).collect();
            let q = Query::new(&query.join(" "));
            let idf: Vec<f64> = q.distinct.iter().map(|_| next(4) as f64 * 0.5).collect();
            let ratio = next(11) as f64 / 10.0;
            let a = analyse(&text, None);
            let present = present_terms(&a, &q, &idf);
            let terms = if present.is_empty() {
                Terms::None
            } else {
                Terms::Some(&present)
            };
            let got = compress_with(&a, &terms, ratio, None, &mut Scratch::default());
            let expected = reference_keep(&a, &q, &idf, ratio)
                .map(|keep| render_extract(&text, &a, &keep))
                .filter(|t| Encoding::O200kBase.count(t) < a.tokens);
            let rendered = got.map(|_| render_extract(&text, &a, &extract(&a, &terms, ratio)));
            assert_eq!(rendered, expected, "{text:?} / {query:?} / {ratio}");
        }
    }
}
