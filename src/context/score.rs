//! Scores: retention (how worth keeping an entry is) and relevance (BM25 to the query), combined
//! into the one number packing maximises.
//!
//! ## Retention
//! `retention = importance × decay × access`, in `[0, 1.5]`:
//! - `importance`: [`Importance::weight`] (1.0, 0.8, 0.5, 0.25, 0.1);
//! - `decay = 1 / (1 + age_hours / 24)`: 1 when new, 1/2 after a day, 1/8 after a week (age from
//!   creation; a creation time in the future counts as age 0);
//! - `access = 1 + 0.5 × ln(1 + min(n, 1000)) / ln(1001)`: 1 for an entry never read, 1.5 at
//!   1,000 reads or more; logarithmic so a few reads matter and a hot entry cannot grow unbounded.
//!
//! ## Relevance
//! Okapi BM25 (k1 = 1.2, b = 0.75, idf `ln(1 + (N − df + 0.5)/(df + 0.5))`, never negative) of the
//! entry to the query's distinct terms, over the candidate entries (the tenant's, or those given
//! to [`pack`](super::pack)); normalised by the best candidate's BM25 into `[0, 1]`. An entry that
//! contains the query's terms as one exact phrase (two or more terms, in order) gets a boost:
//! `relevance = (bm25 / max_bm25 + 0.5 × phrase) / 1.5`, still in `[0, 1]`.
//!
//! ## Score
//! `score = w_retention × retention / 1.5 + w_relevance × relevance`, with both weights 0.5 by
//! default ([`ScoreWeights`]), so a score is in `[0, 1]`. Packing maximises the sum of the scores
//! of the entries in the window; a compressed entry counts `compressed_value × score`
//! ([`WindowOptions::compressed_value`](super::WindowOptions::compressed_value), 0.5 by default).

use serde::Serialize;

use super::analysis::{self, Analysis};
use super::entry::Importance;

/// BM25 term-frequency saturation.
pub const BM25_K1: f64 = 1.2;
/// BM25 length normalisation.
pub const BM25_B: f64 = 0.75;
/// Relevance added for an exact phrase match (before the division by 1.5).
pub const PHRASE_BOOST: f64 = 0.5;
/// Largest retention score: importance 1 × decay 1 × access 1.5.
pub const MAX_RETENTION: f64 = 1.5;
/// Most distinct query terms scored (the rest of a huge query is ignored for BM25).
pub const MAX_QUERY_TERMS: usize = 1024;
const HOUR_MILLIS: f64 = 3_600_000.0;
const ACCESS_CAP: u64 = 1000;

/// How retention and relevance weigh in the score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreWeights {
    /// Weight of `retention / 1.5` (default 0.5).
    pub retention: f64,
    /// Weight of relevance (default 0.5).
    pub relevance: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            retention: 0.5,
            relevance: 0.5,
        }
    }
}

/// Every part of an entry's score, so a window can explain its choices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreParts {
    /// The importance weight.
    pub importance: f64,
    /// `1 / (1 + age_hours / 24)`.
    pub decay: f64,
    /// The access-frequency factor, in `[1, 1.5]`.
    pub access: f64,
    /// `importance × decay × access`, in `[0, 1.5]`.
    pub retention: f64,
    /// Raw BM25 of the entry to the query.
    pub bm25: f64,
    /// Whether the entry contains the query as an exact phrase.
    pub phrase_match: bool,
    /// Normalised relevance, in `[0, 1]`.
    pub relevance: f64,
    /// The combined score, in `[0, 1]` with the default weights.
    pub total: f64,
}

/// Return `(decay, access, retention)` at `now` (all times Unix ms).
///
/// # Example
/// ```
/// use cognition_core::context::{retention, Importance};
///
/// let day = 86_400_000;
/// let (decay, access, score) = retention(Importance::High, 0, 0, day);
/// assert_eq!((decay, access), (0.5, 1.0));
/// assert!((score - 0.4).abs() < 1e-12);
/// ```
pub fn retention(
    importance: Importance,
    created_at: i64,
    access_count: u64,
    now: i64,
) -> (f64, f64, f64) {
    let age_hours = (now.saturating_sub(created_at)).max(0) as f64 / HOUR_MILLIS;
    let decay = 1.0 / (1.0 + age_hours / 24.0);
    let n = access_count.min(ACCESS_CAP) as f64;
    let access = 1.0 + 0.5 * (1.0 + n).ln() / (1.0 + ACCESS_CAP as f64).ln();
    (decay, access, importance.weight() * decay * access)
}

/// A query prepared for scoring: its distinct terms and its term sequence (for phrases).
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pub distinct: Vec<u64>,
    pub sequence: Vec<u64>,
}

impl Query {
    pub fn new(text: &str) -> Query {
        let sequence = analysis::terms(text);
        let mut distinct = sequence.clone();
        distinct.sort_unstable();
        distinct.dedup();
        distinct.truncate(MAX_QUERY_TERMS);
        Query { distinct, sequence }
    }
}

/// BM25 statistics of a candidate set for one query: each candidate's frequency of each query
/// term, gathered in one pass over the candidates (the expensive, memory-bound part), then idf
/// and document lengths.
pub(crate) struct Bm25 {
    /// Distinct query terms.
    q: usize,
    /// `tf[i * q + k]`: frequency of query term `k` in candidate `i`.
    tf: Vec<u32>,
    /// `sentences[i * q + k]`: the sentences of candidate `i` containing query term `k`
    /// ([`TermCount::sentences`](super::analysis::TermCount)), read in the same lookup as the frequency.
    sentences: Vec<u64>,
    dl: Vec<u32>,
    idf: Vec<f64>,
    avgdl: f64,
}

impl Bm25 {
    pub fn new(query: &Query, docs: &[&Analysis]) -> Bm25 {
        let q = query.distinct.len();
        let mut tf = vec![0u32; docs.len() * q];
        let mut sentences = vec![0u64; docs.len() * q];
        let mut dl = Vec::with_capacity(docs.len());
        let mut df = vec![0usize; q];
        let mut total_len = 0usize;
        for (i, doc) in docs.iter().enumerate() {
            dl.push(u32::try_from(doc.terms.len()).unwrap_or(u32::MAX));
            total_len += doc.terms.len();
            for (k, &t) in query.distinct.iter().enumerate() {
                if let Some(count) = doc.count(t) {
                    tf[i * q + k] = count.count;
                    sentences[i * q + k] = count.sentences;
                    df[k] += usize::from(count.count > 0);
                }
            }
        }
        let n = docs.len() as f64;
        let avgdl = if docs.is_empty() {
            0.0
        } else {
            total_len as f64 / n
        };
        let idf = df
            .iter()
            .map(|&df| (1.0 + (n - df as f64 + 0.5) / (df as f64 + 0.5)).ln())
            .collect();
        Bm25 {
            q,
            tf,
            sentences,
            dl,
            idf,
            avgdl,
        }
    }

    /// Return the idf of each of the query's distinct terms.
    pub fn idf(&self) -> &[f64] {
        &self.idf
    }

    /// Return candidate `i`'s frequency of each query term.
    pub fn row(&self, i: usize) -> &[u32] {
        &self.tf[i * self.q..(i + 1) * self.q]
    }

    /// Return, for each query term, the sentences of candidate `i` containing it.
    pub fn sentences(&self, i: usize) -> &[u64] {
        &self.sentences[i * self.q..(i + 1) * self.q]
    }

    /// Return `true` if candidate `i` contains at least one query term.
    pub fn matches_any(&self, i: usize) -> bool {
        self.row(i).iter().any(|&f| f > 0)
    }

    /// Return the BM25 score of candidate `i`.
    pub fn score(&self, i: usize) -> f64 {
        if self.avgdl <= 0.0 {
            return 0.0;
        }
        let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * f64::from(self.dl[i]) / self.avgdl);
        self.row(i)
            .iter()
            .zip(&self.idf)
            .map(|(&f, idf)| {
                let tf = f64::from(f);
                idf * tf * (BM25_K1 + 1.0) / (tf + norm)
            })
            .sum()
    }
}

/// Score every candidate (in the order `bm25` was built for): retention at `now`, BM25
/// relevance, combined by `weights`.
pub(crate) fn score_all(
    candidates: &[(&Analysis, Importance, i64, u64)],
    query: &Query,
    bm25: &Bm25,
    weights: ScoreWeights,
    now: i64,
) -> Vec<ScoreParts> {
    let raw: Vec<f64> = (0..candidates.len()).map(|i| bm25.score(i)).collect();
    let max = raw.iter().copied().fold(0.0_f64, f64::max);
    candidates
        .iter()
        .enumerate()
        .zip(raw)
        .map(
            |((i, &(doc, importance, created_at, access_count)), bm25_score)| {
                let (decay, access, retention) =
                    retention(importance, created_at, access_count, now);
                let phrase_match = query.sequence.len() >= 2
                    && bm25.row(i).iter().all(|&f| f > 0)
                    && doc.contains_phrase(&query.sequence);
                let normalised = if max > 0.0 { bm25_score / max } else { 0.0 };
                let relevance = (normalised + if phrase_match { PHRASE_BOOST } else { 0.0 })
                    / (1.0 + PHRASE_BOOST);
                let total =
                    weights.retention * retention / MAX_RETENTION + weights.relevance * relevance;
                ScoreParts {
                    importance: importance.weight(),
                    decay,
                    access,
                    retention,
                    bm25: bm25_score,
                    phrase_match,
                    relevance,
                    total,
                }
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Encoding;

    const DAY: i64 = 86_400_000;

    #[test]
    fn decay_halves_after_a_day_and_is_an_eighth_after_a_week() {
        assert_eq!(retention(Importance::Critical, 0, 0, DAY).0, 0.5);
        assert!((retention(Importance::Critical, 0, 0, 7 * DAY).0 - 0.125).abs() < 1e-12);
    }

    #[test]
    fn a_creation_time_in_the_future_counts_as_new() {
        assert_eq!(retention(Importance::Medium, 10 * DAY, 0, 0).0, 1.0);
    }

    #[test]
    fn access_boost_grows_with_reads_and_is_bounded() {
        let a = |n| retention(Importance::Medium, 0, n, 0).1;
        assert_eq!(a(0), 1.0);
        assert!(a(1) > a(0) && a(10) > a(1));
        assert!((a(1000) - 1.5).abs() < 1e-12);
        assert_eq!(a(u64::MAX), a(1000));
    }

    #[test]
    fn retention_is_bounded_for_extreme_times() {
        for (created, now) in [(i64::MIN, i64::MAX), (i64::MAX, i64::MIN), (0, 0)] {
            let r = retention(Importance::Critical, created, u64::MAX, now).2;
            assert!((0.0..=MAX_RETENTION).contains(&r), "{r}");
        }
    }

    fn scored(cands: &[(&Analysis, Importance, i64, u64)], query: &str) -> Vec<ScoreParts> {
        let q = Query::new(query);
        let docs: Vec<&Analysis> = cands.iter().map(|c| c.0).collect();
        score_all(cands, &q, &Bm25::new(&q, &docs), ScoreWeights::default(), 0)
    }

    fn analyse(text: &str) -> Analysis {
        Analysis::new(text, None, &Encoding::O200kBase).expect("an encoding never fails")
    }

    #[test]
    fn bm25_ranks_the_entry_with_the_rarer_query_term_first() {
        let docs = [
            analyse("the invoice was paid by card"),
            analyse("the refund policy is thirty days"),
            analyse("the the the the"),
        ];
        let cands: Vec<_> = docs.iter().map(|d| (d, Importance::Medium, 0, 0)).collect();
        let scores = scored(&cands, "refund policy");
        assert!(scores[1].relevance > scores[0].relevance);
        assert_eq!(scores[0].bm25, 0.0);
        assert!(scores[1].phrase_match);
        assert!((scores[1].relevance - 1.0).abs() < 1e-12);
    }

    #[test]
    fn an_exact_phrase_beats_the_same_words_out_of_order() {
        let docs = [
            analyse("a refund for the customer"),
            analyse("customer refund for the"),
        ];
        let cands: Vec<_> = docs.iter().map(|d| (d, Importance::Medium, 0, 0)).collect();
        let scores = scored(&cands, "refund for the customer");
        assert!(scores[0].phrase_match && !scores[1].phrase_match);
        assert!(scores[0].total > scores[1].total);
    }

    #[test]
    fn an_empty_query_scores_by_retention_only() {
        let docs = [analyse("alpha"), analyse("beta")];
        let cands = vec![
            (&docs[0], Importance::High, 0, 0),
            (&docs[1], Importance::Low, 0, 0),
        ];
        let scores = scored(&cands, "");
        assert!(scores.iter().all(|s| s.relevance == 0.0));
        assert!(scores[0].total > scores[1].total);
    }
}
