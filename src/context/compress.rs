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

use super::analysis::Analysis;
use super::score::Query;

/// A compressed form: which sentences to keep, and its token weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Compressed {
    /// Use the entry's summary.
    Summary { tokens: usize },
    /// Keep these sentences (indices into the analysis, ascending).
    Sentences { keep: Vec<usize>, tokens: usize },
}

impl Compressed {
    pub fn tokens(&self) -> usize {
        match self {
            Compressed::Summary { tokens } | Compressed::Sentences { tokens, .. } => *tokens,
        }
    }

    /// Return the compressed text of `content` (or the summary).
    pub fn render<'a>(
        &self,
        content: &'a str,
        summary: Option<&'a str>,
        analysis: &Analysis,
    ) -> String {
        match self {
            Compressed::Summary { .. } => summary.unwrap_or_default().to_owned(),
            Compressed::Sentences { keep, .. } => {
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
        }
    }
}

/// Return the compressed form of an entry for `query`, or `None` if none is shorter than the
/// full text. `idf` gives each of the query's distinct terms its weight.
#[cfg(test)]
pub(crate) fn compress(
    analysis: &Analysis,
    query: &Query,
    idf: &[f64],
    ratio: f64,
) -> Option<Compressed> {
    compress_with(analysis, query, idf, ratio, true)
}

/// [`compress`], told whether the entry contains any query term at all (when it does not, the
/// lead sentences are kept without ranking).
pub(crate) fn compress_with(
    analysis: &Analysis,
    query: &Query,
    idf: &[f64],
    ratio: f64,
    matches_query: bool,
) -> Option<Compressed> {
    if let Some(tokens) = analysis.summary_tokens {
        return (tokens < analysis.tokens).then_some(Compressed::Summary { tokens });
    }
    let sentences = &analysis.sentences;
    if sentences.len() < 2 {
        return None;
    }
    let target = ((analysis.tokens as f64) * ratio.clamp(0.0, 1.0)).ceil() as usize;
    let (keep, tokens) = if matches_query {
        let mut ranked: Vec<(f64, usize)> = (0..sentences.len())
            .map(|i| {
                let terms = analysis.terms_of_sentence(i);
                let weight: f64 = query
                    .distinct
                    .iter()
                    .zip(idf)
                    .filter(|(t, _)| terms.binary_search(t).is_ok())
                    .map(|(_, w)| w.max(1e-9))
                    .sum();
                (weight, i)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        select(analysis, ranked.into_iter().map(|(_, i)| i), target)
    } else {
        select(analysis, 0..sentences.len(), target) // the lead sentences, no ranking needed
    };
    (keep.len() < sentences.len() && tokens < analysis.tokens)
        .then_some(Compressed::Sentences { keep, tokens })
}

/// Take sentences in `order` until `target` tokens (at least one); return them ascending.
fn select(
    analysis: &Analysis,
    order: impl Iterator<Item = usize>,
    target: usize,
) -> (Vec<usize>, usize) {
    let mut keep = Vec::new();
    let mut tokens = 0;
    for i in order {
        if !keep.is_empty() && tokens >= target {
            break;
        }
        let add = analysis.sentences[i].tokens + usize::from(!keep.is_empty());
        if !keep.is_empty() && tokens + add > target {
            continue; // a later, shorter sentence may still fit the target
        }
        keep.push(i);
        tokens += add;
    }
    keep.sort_unstable();
    // The exact weight of the kept sentences joined by spaces (an estimate for tokenizers that do
    // not split at spaces; the window is then re-counted).
    let tokens = keep
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let s = &analysis.sentences[i];
            if n == 0 {
                s.tokens
            } else {
                s.spaced_tokens
            }
        })
        .sum();
    (keep, tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Encoding;

    const TEXT: &str =
        "Our office opens at nine. The refund policy allows returns within thirty days. \
                        Parking is free on weekends. Refunds go back to the original card.";

    fn analyse(text: &str, summary: Option<&str>) -> Analysis {
        Analysis::new(text, summary, &Encoding::O200kBase).expect("an encoding never fails")
    }

    #[test]
    fn the_sentences_about_the_query_are_kept_in_their_original_order() {
        let a = analyse(TEXT, None);
        let q = Query::new("refund policy");
        let c = compress(&a, &q, &[1.0, 1.0], 0.3).unwrap();
        assert_eq!(
            c.render(TEXT, None, &a),
            "The refund policy allows returns within thirty days."
        );
        let c = compress(
            &a,
            &Query::new("refunds card parking"),
            &[1.0, 1.0, 1.0],
            0.6,
        )
        .unwrap();
        let text = c.render(TEXT, None, &a);
        assert_eq!(
            text,
            "Parking is free on weekends. Refunds go back to the original card."
        );
    }

    #[test]
    fn without_matching_terms_the_leading_sentence_is_kept() {
        let a = analyse(TEXT, None);
        let c = compress(&a, &Query::new("zebra"), &[1.0], 0.2).unwrap();
        assert_eq!(c.render(TEXT, None, &a), "Our office opens at nine.");
    }

    #[test]
    fn a_summary_is_the_compressed_form_when_given() {
        let a = analyse(TEXT, Some("Refunds: 30 days."));
        let c = compress(&a, &Query::new("parking"), &[1.0], 0.3).unwrap();
        assert_eq!(
            c.render(TEXT, Some("Refunds: 30 days."), &a),
            "Refunds: 30 days."
        );
        assert_eq!(c.tokens(), Encoding::O200kBase.count("Refunds: 30 days."));
    }

    #[test]
    fn a_single_sentence_has_no_compressed_form() {
        let a = analyse("Just one sentence here", None);
        assert_eq!(compress(&a, &Query::new("one"), &[1.0], 0.3), None);
    }

    #[test]
    fn compression_is_deterministic() {
        let a = analyse(TEXT, None);
        let q = Query::new("refund card");
        assert_eq!(
            compress(&a, &q, &[0.5, 0.7], 0.4),
            compress(&a, &q, &[0.5, 0.7], 0.4)
        );
    }
}
