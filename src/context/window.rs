//! Building a context window: score the candidates, choose full / compressed / nothing for each
//! to maximise the total score under the token budget, render, and explain.
//!
//! ## Rendering and the exact budget
//! The window's text is the chosen entries' texts joined by [`WindowOptions::separator`] (`"\n\n"`
//! by default), in a stable order: CRITICAL first, then by importance, then by score (highest
//! first), then by creation time and id. Packing weighs each entry as its cached token count plus
//! the separator's tokens, with one separator's worth added to the capacity (n entries need n − 1
//! separators). BPE can merge across a boundary, so the rendered text is then counted again,
//! exactly; in the rare case it is over the budget, the lowest-value optional entry is dropped
//! (or a CRITICAL one compressed) until it fits. `ContextWindow::tokens` is that exact count, and
//! never exceeds `max_tokens − reserve_output_tokens`.
//!
//! ## Counting without re-tokenising
//! With the bundled encodings ([`Tokenizer::splits_at_spaces`]) the exact count comes from cached
//! counts. tiktoken splits text into pieces with a regular expression, then byte-pair-encodes
//! each piece on its own. At a *safe cut* — a whitespace character other than `\r`/`\n` right
//! after a non-whitespace one — a new piece always starts, and the pieces on each side are those
//! of each side alone (no alternative of the expression takes such a character except as a
//! piece's first character or inside a whitespace run, and its only look-arounds concern
//! whitespace runs), so counts add up there. Hence an extract (sentences joined by a space) is
//! counted as its sentences' cached counts, each after the first with its joining space (cached
//! too), and the window as each body's exact count plus short junctions — a body's last word, the
//! separator and the next body's first word — counted directly. A tokenizer that does not declare
//! the property gets its windows (and extracts) re-tokenised instead.
//!
//! [`Tokenizer::splits_at_spaces`]: super::Tokenizer::splits_at_spaces

use serde::Serialize;
use std::sync::Arc;

use super::boundaries;
use super::compress::{
    compress_with, extract, render_extract, Compressed, QueryTerm, Scratch, Terms,
};
use super::entry::{Entry, Importance, Tier};
use super::error::ContextError;
use super::knapsack::{self, Choice, Item};
use super::score::{score_all, Bm25, Query, ScoreParts, ScoreWeights};
use super::tokens::Tokenizer;

/// Longest query accepted, in bytes (64 KiB).
pub const MAX_QUERY_BYTES: usize = 64 * 1024;
/// Longest separator accepted, in bytes.
pub const MAX_SEPARATOR_BYTES: usize = 256;
/// Scores are packed as integers: micro-points (score × 1,000,000, rounded).
const SCALE: f64 = 1_000_000.0;

/// How windows are built.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowOptions {
    /// Text between entries (default `"\n\n"`).
    pub separator: String,
    /// Fraction of an entry's score a compressed form is worth (default 0.5, in `[0, 1]`).
    pub compressed_value: f64,
    /// Target size of an extractive compression as a fraction of the full tokens (default 0.3).
    pub compression_ratio: f64,
    /// Weights of retention and relevance in the score.
    pub weights: ScoreWeights,
}

impl Default for WindowOptions {
    fn default() -> Self {
        WindowOptions {
            separator: "\n\n".to_owned(),
            compressed_value: 0.5,
            compression_ratio: 0.3,
            weights: ScoreWeights::default(),
        }
    }
}

impl WindowOptions {
    pub(crate) fn validate(&self) -> Result<(), ContextError> {
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        let weights = |x: f64| x.is_finite() && (0.0..=1_000.0).contains(&x);
        if self.separator.len() > MAX_SEPARATOR_BYTES {
            return Err(ContextError::LimitExceeded(format!(
                "separator is over {MAX_SEPARATOR_BYTES} bytes"
            )));
        }
        if !unit(self.compressed_value) || !unit(self.compression_ratio) {
            return Err(ContextError::LimitExceeded(
                "compressed_value and compression_ratio must be in [0, 1]".to_owned(),
            ));
        }
        if !weights(self.weights.retention) || !weights(self.weights.relevance) {
            return Err(ContextError::LimitExceeded(
                "score weights must be finite and in [0, 1000]".to_owned(),
            ));
        }
        Ok(())
    }
}

/// The form an entry takes in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// The full content.
    Full,
    /// The entry's pre-written summary.
    Summary,
    /// The sentences most relevant to the query.
    Extract,
}

/// An entry in the window, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowEntry {
    /// The entry's id.
    pub id: String,
    /// Its importance.
    pub importance: Importance,
    /// Its tier when the window was built (`None` for [`pack`](super::pack)).
    pub tier: Option<Tier>,
    /// The form chosen.
    pub form: Form,
    /// Exact tokens of the text as rendered (without separators).
    pub tokens: usize,
    /// Tokens of the full content.
    pub full_tokens: usize,
    /// The score and its parts.
    pub score: ScoreParts,
    /// What the entry adds to the window's total: its score, times `compressed_value` if compressed.
    pub value: f64,
    /// The text as rendered.
    pub text: String,
}

/// A candidate left out of the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OmittedEntry {
    /// The entry's id (shared with the stored entry: a window can leave out thousands).
    pub id: Arc<str>,
    /// Its importance.
    pub importance: Importance,
    /// Tokens of the full content.
    pub full_tokens: usize,
    /// The score and its parts.
    pub score: ScoreParts,
}

/// A packed context window that explains itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextWindow {
    /// The rendered text to put in the prompt.
    pub text: String,
    /// Exact tokens of `text` (with separators), never over `available_tokens`.
    pub tokens: usize,
    /// The budget asked for.
    pub max_tokens: usize,
    /// Tokens kept free for the model's answer.
    pub reserve_output_tokens: usize,
    /// `max_tokens − reserve_output_tokens`.
    pub available_tokens: usize,
    /// The tokenizer used (`"o200k_base"`).
    pub tokenizer: String,
    /// The entries, in rendering order.
    pub entries: Vec<WindowEntry>,
    /// The candidates left out, best score first.
    pub omitted: Vec<OmittedEntry>,
    /// Sum of the entries' values.
    pub total_value: f64,
    /// `true` when the choice is proven optimal; `false` when the fallback approximation was used.
    pub exact: bool,
}

pub(crate) fn check_budget(max_tokens: usize, reserve: usize) -> Result<usize, ContextError> {
    max_tokens.checked_sub(reserve).ok_or_else(|| {
        ContextError::LimitExceeded(format!(
            "reserve_output_tokens ({reserve}) is over max_tokens ({max_tokens})"
        ))
    })
}

struct Candidate<'a> {
    entry: &'a Entry,
    score: ScoreParts,
    compressed: Option<Compressed>,
}

/// What a window is built for.
pub(crate) struct Request<'a> {
    pub query: &'a str,
    pub max_tokens: usize,
    pub reserve_output_tokens: usize,
    pub now: i64,
    /// Report each entry's tier (memory windows) or not (`pack`).
    pub with_tiers: bool,
}

/// Pack `entries` into a window for `query` (the engine behind `build_window` and `pack`).
pub(crate) fn build(
    entries: &[Entry],
    request: &Request<'_>,
    options: &WindowOptions,
    tokenizer: &dyn Tokenizer,
) -> Result<ContextWindow, ContextError> {
    let Request {
        query,
        max_tokens,
        reserve_output_tokens,
        now,
        with_tiers,
    } = *request;
    options.validate()?;
    if query.len() > MAX_QUERY_BYTES {
        return Err(ContextError::LimitExceeded(format!(
            "query is {} bytes, over the limit of {MAX_QUERY_BYTES}",
            query.len()
        )));
    }
    let available = check_budget(max_tokens, reserve_output_tokens)?;
    let query = Query::new(query);
    let analyses: Vec<_> = entries.iter().map(Entry::analysis).collect();
    let bm25 = Bm25::new(&query, &analyses);
    let inputs: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e.analysis(),
                e.importance(),
                e.created_at(),
                e.access_count(),
            )
        })
        .collect();
    let scores = score_all(&inputs, &query, &bm25, options.weights, now);
    let mut candidates: Vec<Candidate<'_>> = entries
        .iter()
        .zip(scores)
        .map(|(entry, score)| Candidate {
            entry,
            score,
            compressed: None,
        })
        .collect();

    let sep_tokens = tokenizer.try_count(&options.separator)?;
    let capacity = available + sep_tokens;
    let mut items: Vec<Item> = Vec::with_capacity(candidates.len());
    let mut scratch = Scratch::default();
    let mut present = Vec::new();
    for (i, c) in candidates.iter_mut().enumerate() {
        c.compressed = compress_with(
            c.entry.analysis(),
            &query_terms(&query, &bm25, i, &mut present),
            options.compression_ratio,
            Some(c.entry.lead()),
            &mut scratch,
        );
        let value = (c.score.total * SCALE).round() as i64;
        let compressed_value = (c.score.total * options.compressed_value * SCALE).round() as i64;
        items.push(Item {
            full: Some((c.entry.tokens() + sep_tokens, value)),
            compressed: c
                .compressed
                .as_ref()
                .map(|k| (k.tokens() + sep_tokens, compressed_value)),
            mandatory: c.entry.importance() == Importance::Critical,
        });
    }
    // n entries need n − 1 separators: the mandatory weight counts one separator too many.
    let too_small = |items: &[Item]| ContextError::BudgetTooSmall {
        required: knapsack::mandatory_weight(items)
            .unwrap_or(usize::MAX)
            .saturating_sub(sep_tokens),
        available,
    };
    let solution = knapsack::solve(&items, capacity).ok_or_else(|| too_small(&items))?;
    let mut choices = solution.choices;

    // Render, count exactly, and repair in the rare case BPE merges pushed it over.
    loop {
        let extract_of = |i: usize| {
            let mut present = Vec::new();
            let terms = query_terms(&query, &bm25, i, &mut present);
            extract(
                candidates[i].entry.analysis(),
                &terms,
                options.compression_ratio,
            )
        };
        let window = render(
            &candidates,
            &choices,
            &extract_of,
            options,
            tokenizer,
            with_tiers,
            solution.exact,
        )?;
        let tokens = if tokenizer.splits_at_spaces() {
            let bodies = window.entries.iter().map(|e| (e.text.as_str(), e.tokens));
            boundaries::count_joined(bodies, &options.separator, tokenizer)
        } else {
            tokenizer.try_count(&window.text)?
        };
        if tokens <= available {
            let mut window = window;
            window.tokens = tokens;
            window.max_tokens = max_tokens;
            window.reserve_output_tokens = reserve_output_tokens;
            window.available_tokens = available;
            return Ok(window);
        }
        let victim = (0..choices.len())
            .filter(|&i| choices[i] != Choice::Skip)
            .filter(|&i| {
                !items[i].mandatory || (choices[i] == Choice::Full && items[i].compressed.is_some())
            })
            .min_by_key(|&i| {
                (
                    items[i].mandatory,
                    items[i].option_value(choices[i]),
                    std::cmp::Reverse(i),
                )
            });
        match victim {
            Some(i) if items[i].mandatory => {
                choices[i] = Choice::Compressed;
                items[i].full = None;
            }
            Some(i) => choices[i] = Choice::Skip,
            None => {
                return Err(ContextError::BudgetTooSmall {
                    required: tokens,
                    available,
                })
            }
        }
    }
}

/// Return which query terms candidate `i` contains (for ranking its sentences), using `present`
/// as the buffer.
fn query_terms<'a>(
    query: &Query,
    bm25: &Bm25,
    i: usize,
    present: &'a mut Vec<QueryTerm>,
) -> Terms<'a> {
    if !bm25.matches_any(i) {
        return Terms::None;
    }
    present.clear();
    let terms = query.distinct.iter().zip(bm25.idf()).zip(bm25.row(i));
    let terms = terms.zip(bm25.sentences(i));
    present.extend(
        terms
            .filter(|&((_, &f), _)| f > 0)
            .map(|(((&term, &idf), _), &sentences)| QueryTerm {
                term,
                idf,
                sentences,
            }),
    );
    Terms::Some(present)
}

impl Item {
    fn option_value(&self, choice: Choice) -> i64 {
        match choice {
            Choice::Full => self.full.map_or(0, |o| o.1),
            Choice::Compressed => self.compressed.map_or(0, |o| o.1),
            Choice::Skip => 0,
        }
    }
}

fn render(
    candidates: &[Candidate<'_>],
    choices: &[Choice],
    extract_of: &dyn Fn(usize) -> Vec<usize>,
    options: &WindowOptions,
    tokenizer: &dyn Tokenizer,
    with_tiers: bool,
    exact: bool,
) -> Result<ContextWindow, ContextError> {
    let mut chosen: Vec<usize> = (0..candidates.len())
        .filter(|&i| choices[i] != Choice::Skip)
        .collect();
    chosen.sort_by(|&a, &b| {
        let (x, y) = (&candidates[a], &candidates[b]);
        x.entry
            .importance()
            .cmp(&y.entry.importance())
            .then_with(|| y.score.total.total_cmp(&x.score.total))
            .then_with(|| x.entry.created_at().cmp(&y.entry.created_at()))
            .then_with(|| x.entry.id().cmp(y.entry.id()))
    });
    let mut text = String::new();
    let mut entries = Vec::with_capacity(chosen.len());
    let mut total_value = 0.0;
    for &i in &chosen {
        let c = &candidates[i];
        let e = c.entry;
        let (form, body, tokens, value) = match (choices[i], &c.compressed) {
            (Choice::Compressed, Some(k)) => {
                let body = match k {
                    Compressed::Summary { .. } => e.summary().unwrap_or_default().to_owned(),
                    Compressed::Sentences { .. } => {
                        render_extract(e.content(), e.analysis(), &extract_of(i))
                    }
                };
                let form = if matches!(k, Compressed::Summary { .. }) {
                    Form::Summary
                } else {
                    Form::Extract
                };
                let tokens = match k {
                    Compressed::Sentences { .. } if !tokenizer.splits_at_spaces() => {
                        tokenizer.try_count(&body)?
                    }
                    _ => k.tokens(),
                };
                (form, body, tokens, c.score.total * options.compressed_value)
            }
            _ => (
                Form::Full,
                e.content().to_owned(),
                e.tokens(),
                c.score.total,
            ),
        };
        if !text.is_empty() {
            text.push_str(&options.separator);
        }
        text.push_str(&body);
        total_value += value;
        entries.push(WindowEntry {
            id: e.id().to_owned(),
            importance: e.importance(),
            tier: with_tiers.then(|| e.tier()),
            form,
            tokens,
            full_tokens: e.tokens(),
            score: c.score,
            value,
            text: body,
        });
    }
    let mut omitted: Vec<&Candidate<'_>> = (0..candidates.len())
        .filter(|&i| choices[i] == Choice::Skip)
        .map(|i| &candidates[i])
        .collect();
    omitted.sort_unstable_by(|a, b| {
        b.score
            .total
            .total_cmp(&a.score.total)
            .then_with(|| a.entry.id().cmp(b.entry.id())) // lazily: ids are behind pointers
    });
    Ok(ContextWindow {
        text,
        tokens: 0,
        max_tokens: 0,
        reserve_output_tokens: 0,
        available_tokens: 0,
        tokenizer: tokenizer.name().to_owned(),
        entries,
        omitted: omitted
            .into_iter()
            .map(|c| OmittedEntry {
                id: c.entry.shared_id(),
                importance: c.entry.importance(),
                full_tokens: c.entry.tokens(),
                score: c.score,
            })
            .collect(),
        total_value,
        exact,
    })
}
