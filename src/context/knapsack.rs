//! The packing problem: a multiple-choice knapsack. Each candidate is taken full, compressed or
//! not at all (mandatory candidates — CRITICAL entries — must be taken in some form); the total
//! weight (tokens) may not exceed the capacity; the total value (integer micro-score) is maximised.
//!
//! ## Algorithm ([`solve`])
//! 1. Options heavier than the capacity, optional options worth nothing, and options dominated
//!    inside their candidate (heavier and worth no more) are dropped. If everything fits, every
//!    candidate takes its best option: optimal.
//! 2. Incumbent: the better of two greedy packings ([`greedy`] by value, and by value per token).
//! 3. Reduction by Lagrangian bounds: for the multiplier λ minimising
//!    `L(λ) = λ·C + Σ_j max(0, max_o (v_o − λ·w_o))` (the LP relaxation's optimum, found by
//!    bisection), forcing option `o` of candidate `j` gives the upper bound
//!    `L(λ) − h_j(λ) + v_o − λ·w_o`. An option whose bound is below the incumbent's value cannot be
//!    in any optimal packing, and is dropped; a candidate whose bound when skipped
//!    (`L(λ) − h_j(λ)`) is below it is in every optimal packing, and becomes mandatory. A mandatory
//!    candidate left with one option is fixed: out of the DP, its weight out of the DP's capacity.
//!    On typical instances this leaves a few hundred of 10,000 candidates, and a fraction of the
//!    capacity.
//! 4. Exact dynamic programming over token weights on what is left (`O(n·C)` time, one byte per
//!    cell for the choices) when `n × (C + 1) ≤` [`DP_CELL_LIMIT`] — so always for up to 2,000
//!    candidates with a budget up to 16,000 tokens, and for any number of candidates that the
//!    reduction brings under the limit.
//! 5. Above the limit, the fallback: the same DP on weights rounded up to multiples of `s` (so
//!    every packing it finds really fits), and the incumbent if that is better: never worse than
//!    greedy, and reported as not exact.

/// Most DP cells (candidates × (capacity + 1)) solved exactly: 32 Mi (32 MiB of choices).
pub const DP_CELL_LIMIT: usize = 1 << 25;
const NEG: i64 = i64::MIN / 4;

/// One candidate's options: `(weight, value)` for full and compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Item {
    pub full: Option<(usize, i64)>,
    pub compressed: Option<(usize, i64)>,
    pub mandatory: bool,
}

/// What a candidate takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Choice {
    Skip,
    Compressed,
    Full,
}

impl Item {
    fn option(&self, choice: Choice) -> Option<(usize, i64)> {
        match choice {
            Choice::Skip => None,
            Choice::Compressed => self.compressed,
            Choice::Full => self.full,
        }
    }

    fn options(&self) -> impl Iterator<Item = (Choice, usize, i64)> + '_ {
        [
            (Choice::Compressed, self.compressed),
            (Choice::Full, self.full),
        ]
        .into_iter()
        .filter_map(|(c, o)| o.map(|(w, v)| (c, w, v)))
    }

    fn min_weight(&self) -> Option<usize> {
        self.options().map(|(_, w, _)| w).min()
    }
}

/// A packing: one choice per item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Solution {
    pub choices: Vec<Choice>,
    pub value: i64,
    pub weight: usize,
    pub exact: bool,
}

fn evaluate(items: &[Item], choices: Vec<Choice>, exact: bool) -> Solution {
    let (mut weight, mut value) = (0, 0);
    for (item, &c) in items.iter().zip(&choices) {
        if let Some((w, v)) = item.option(c) {
            weight += w;
            value += v;
        }
    }
    Solution {
        choices,
        value,
        weight,
        exact,
    }
}

/// Return the least weight the mandatory items need (`None` if one has no option at all).
pub(crate) fn mandatory_weight(items: &[Item]) -> Option<usize> {
    items
        .iter()
        .filter(|i| i.mandatory)
        .map(Item::min_weight)
        .sum()
}

/// The usual greedy packing, the baseline: mandatory items in their lightest form first, upgraded
/// to full in order of value where they fit; then the others by descending `key`, full if it
/// fits, else compressed if it fits. `None` if the mandatory items cannot fit.
pub(crate) fn greedy_by(
    items: &[Item],
    capacity: usize,
    key: impl Fn(&Item) -> f64,
) -> Option<Solution> {
    let mut choices = vec![Choice::Skip; items.len()];
    let mut used = mandatory_weight(items)?;
    if used > capacity {
        return None;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| key(&items[b]).total_cmp(&key(&items[a])).then(a.cmp(&b)));
    for &i in order.iter().filter(|&&i| items[i].mandatory) {
        let light = items[i]
            .options()
            .min_by_key(|&(c, w, _)| (w, c == Choice::Full))
            .map(|o| (o.0, o.1));
        let (light_choice, light_w) = light?;
        choices[i] = light_choice;
        if let Some((fw, _)) = items[i].full.filter(|_| light_choice != Choice::Full) {
            if used - light_w + fw <= capacity {
                used = used - light_w + fw;
                choices[i] = Choice::Full;
            }
        }
    }
    for &i in order.iter().filter(|&&i| !items[i].mandatory) {
        for choice in [Choice::Full, Choice::Compressed] {
            if let Some((w, v)) = items[i].option(choice) {
                if v > 0 && used + w <= capacity {
                    used += w;
                    choices[i] = choice;
                    break;
                }
            }
        }
    }
    Some(evaluate(items, choices, false))
}

/// Greedy by full value (the "usual" approach the packing is compared against).
pub(crate) fn greedy(items: &[Item], capacity: usize) -> Option<Solution> {
    greedy_by(items, capacity, |i| {
        i.full.or(i.compressed).map_or(0.0, |(_, v)| v as f64)
    })
}

fn prune_options(item: &Item, capacity: usize) -> Item {
    let keep =
        |o: Option<(usize, i64)>| o.filter(|&(w, v)| w <= capacity && (item.mandatory || v > 0));
    let (mut full, mut compressed) = (keep(item.full), keep(item.compressed));
    if let (Some((fw, fv)), Some((cw, cv))) = (full, compressed) {
        if cw >= fw && cv <= fv {
            compressed = None;
        } else if fw >= cw && fv <= cv {
            full = None;
        }
    }
    Item {
        full,
        compressed,
        mandatory: item.mandatory,
    }
}

/// `h_j(λ)`: the item's best reduced value (0 for skipping, unless mandatory).
fn reduced(item: &Item, lambda: f64) -> (f64, usize) {
    let mut best = if item.mandatory {
        (f64::NEG_INFINITY, 0)
    } else {
        (0.0, 0)
    };
    for (_, w, v) in item.options() {
        let r = v as f64 - lambda * w as f64;
        if r > best.0 {
            best = (r, w);
        }
    }
    best
}

fn lagrangian(items: &[Item], capacity: usize, lambda: f64) -> (f64, usize) {
    let mut total = lambda * capacity as f64;
    let mut weight = 0;
    for item in items {
        let (r, w) = reduced(item, lambda);
        total += r;
        weight += w;
    }
    (total, weight)
}

/// Return the multiplier λ minimising the Lagrangian bound (bisection on its subgradient).
/// Items whose best value per token is below the lower end of the bracket contribute nothing for
/// any λ left to try, so they leave the working set as the bracket narrows.
fn multiplier(items: &[Item], capacity: usize) -> f64 {
    let ratio = |i: &Item| {
        i.options()
            .map(|(_, w, v)| v as f64 / w.max(1) as f64)
            .fold(0.0_f64, f64::max)
    };
    let max_ratio = items.iter().map(ratio).fold(0.0_f64, f64::max);
    let mut active: Vec<Item> = items.to_vec();
    let (mut lo, mut hi) = (0.0, max_ratio + 1.0);
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        // Subgradient C − Σ w: negative means λ is too small.
        if lagrangian(&active, capacity, mid).1 > capacity {
            lo = mid;
            active.retain(|i| i.mandatory || ratio(i) > lo);
        } else {
            hi = mid;
        }
    }
    hi
}

/// The Lagrangian heuristic: every item takes its best option at λ (a packing that fits when λ
/// is on the feasible side), then the rest is filled by value per token.
fn lagrangian_packing(items: &[Item], capacity: usize, lambda: f64) -> Option<Solution> {
    let mut choices = vec![Choice::Skip; items.len()];
    let mut used = 0;
    for (i, item) in items.iter().enumerate() {
        let mut best = if item.mandatory {
            None
        } else {
            Some((0.0, Choice::Skip, 0))
        };
        for (c, w, v) in item.options() {
            let r = v as f64 - lambda * w as f64;
            if best.is_none_or(|(b, _, _)| r > b) {
                best = Some((r, c, w));
            }
        }
        let (_, c, w) = best?;
        choices[i] = c;
        used += w;
    }
    if used > capacity {
        return None;
    }
    // Upgrades only add weight, so one whose smallest possible step (from the heaviest lighter
    // option it could start from) exceeds what is left now can never apply: not worth sorting.
    let remaining = capacity - used;
    let mut moves: Vec<(f64, usize, Choice, usize)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let current = item.option(choices[i]).unwrap_or((0, 0));
        for (c, w, v) in item.options() {
            if w > current.0 && v > current.1 {
                let from = item
                    .options()
                    .map(|o| o.1)
                    .filter(|&ow| ow < w && ow >= current.0)
                    .fold(current.0, usize::max);
                if w - from <= remaining {
                    let density = (v - current.1) as f64 / (w - current.0) as f64;
                    moves.push((density, i, c, w - current.0));
                }
            }
        }
    }
    // The order of a stable sort by (density, item) with compressed before full, made explicit.
    moves.sort_unstable_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then((a.2 == Choice::Full).cmp(&(b.2 == Choice::Full)))
    });
    for (_, i, c, _) in moves {
        let current = items[i].option(choices[i]).map_or(0, |o| o.0);
        let Some((w, v)) = items[i].option(c) else {
            continue;
        };
        let gain = v - items[i].option(choices[i]).map_or(0, |o| o.1);
        if w > current && gain > 0 && used - current + w <= capacity {
            used = used - current + w;
            choices[i] = c;
        }
    }
    Some(evaluate(items, choices, false))
}

/// Drop options that cannot be in any packing worth at least `incumbent`, and make items that
/// every such packing takes mandatory (skipping them is bounded below the incumbent).
fn reduce(items: &mut [Item], capacity: usize, lambda: f64, incumbent: i64) {
    let bound = lagrangian(items, capacity, lambda).0;
    // Margin well above float error on sums of up to ~1e10 micro-points, below one micro-point.
    let threshold = incumbent as f64 - 0.5;
    for item in items.iter_mut() {
        let h = reduced(item, lambda).0;
        let base = bound - h;
        let viable = |o: Option<(usize, i64)>| {
            o.filter(|&(w, v)| base + (v as f64 - lambda * w as f64) >= threshold)
        };
        item.full = viable(item.full);
        item.compressed = viable(item.compressed);
        if base < threshold {
            item.mandatory = true;
        }
    }
}

/// Exact DP over `items` (indices `idx` into `items`) with weights divided by `scale` (rounded
/// up); returns the choices for those items, or `None` if the mandatory ones cannot fit.
fn dp(items: &[Item], idx: &[usize], capacity: usize, scale: usize) -> Option<Vec<Choice>> {
    let sw = |w: usize| w.div_ceil(scale);
    let cap = capacity / scale;
    let width = cap + 1;
    let mut best = vec![0i64; width];
    let mut picks = vec![0u8; idx.len() * width];
    for (row, &i) in idx.iter().enumerate() {
        let item = &items[i];
        let opts: Vec<(u8, usize, i64)> = item
            .options()
            .map(|(c, w, v)| (if c == Choice::Full { 2 } else { 1 }, sw(w).max(1), v))
            .collect();
        let picks_row = &mut picks[row * width..(row + 1) * width];
        for c in (0..width).rev() {
            let (mut value, mut pick) = if item.mandatory {
                (NEG, 0)
            } else {
                (best[c], 0)
            };
            for &(code, w, v) in &opts {
                if w <= c && best[c - w] > NEG && best[c - w] + v > value {
                    value = best[c - w] + v;
                    pick = code;
                }
            }
            best[c] = value;
            picks_row[c] = pick;
        }
    }
    if best[cap] <= NEG {
        return None;
    }
    let mut choices = vec![Choice::Skip; idx.len()];
    let mut c = cap;
    for row in (0..idx.len()).rev() {
        let item = &items[idx[row]];
        let choice = match picks[row * width + c] {
            2 => Choice::Full,
            1 => Choice::Compressed,
            _ => Choice::Skip,
        };
        if let Some((w, _)) = item.option(choice) {
            c -= sw(w).max(1);
        }
        choices[row] = choice;
    }
    Some(choices)
}

/// The better of greedy by value and greedy by value per token.
fn best_greedy(items: &[Item], capacity: usize) -> Option<Solution> {
    let by_value = greedy(items, capacity);
    let by_density = greedy_by(items, capacity, |i| {
        i.full
            .or(i.compressed)
            .map_or(0.0, |(w, v)| v as f64 / w.max(1) as f64)
    });
    [by_value, by_density]
        .into_iter()
        .flatten()
        .max_by_key(|s| s.value)
}

/// Solve the packing; `None` when the mandatory items cannot fit even in their lightest forms.
pub(crate) fn solve(items: &[Item], capacity: usize) -> Option<Solution> {
    if mandatory_weight(items)? > capacity {
        return None;
    }
    let mut work: Vec<Item> = items.iter().map(|i| prune_options(i, capacity)).collect();
    let all_fit: usize = work
        .iter()
        .map(|i| i.options().map(|o| o.1).max().unwrap_or(0))
        .sum();
    if all_fit <= capacity {
        let choices = work
            .iter()
            .map(|i| {
                i.options()
                    .max_by_key(|&(c, _, v)| (v, c == Choice::Full))
                    .map_or(Choice::Skip, |o| o.0)
            })
            .collect();
        return Some(evaluate(items, choices, true));
    }
    let lambda = multiplier(&work, capacity);
    // The Lagrangian packing is nearly always the best incumbent; the greedy packings are
    // computed when it fails (mandatory items over the capacity at λ) and for the fallback.
    let incumbent = match lagrangian_packing(&work, capacity, lambda) {
        Some(s) => s,
        None => best_greedy(&work, capacity)?,
    };
    reduce(&mut work, capacity, lambda, incumbent.value);
    // Items left with one option that every good packing takes are fixed: out of the DP, and
    // their weight out of its capacity (typically most of the window).
    let fixed = |i: &Item| i.mandatory && i.options().count() == 1;
    let fixed_weight: usize = work
        .iter()
        .filter(|i| fixed(i))
        .filter_map(Item::min_weight)
        .sum();
    let idx: Vec<usize> = (0..work.len())
        .filter(|&i| !fixed(&work[i]) && (work[i].mandatory || work[i].options().next().is_some()))
        .collect();
    let cap = capacity.saturating_sub(fixed_weight).min(
        idx.iter()
            .map(|&i| work[i].options().map(|o| o.1).max().unwrap_or(0))
            .sum(),
    );
    let cells = idx.len().saturating_mul(cap + 1);
    let scale = cells.div_ceil(DP_CELL_LIMIT).max(1);
    let exact = scale == 1;
    let mut best = if exact {
        incumbent
    } else {
        // The fallback must never be worse than greedy.
        best_greedy(items, capacity).map_or(incumbent.clone(), |g| {
            if g.value > incumbent.value {
                g
            } else {
                incumbent
            }
        })
    };
    let sub = (fixed_weight <= capacity)
        .then(|| dp(&work, &idx, cap, scale))
        .flatten();
    if let Some(sub) = sub {
        let mut choices: Vec<Choice> = work
            .iter()
            .map(|i| match i.options().next() {
                Some((c, _, _)) if fixed(i) => c,
                _ => Choice::Skip,
            })
            .collect();
        for (k, &i) in idx.iter().enumerate() {
            choices[i] = sub[k];
        }
        let found = evaluate(items, choices, exact);
        if exact || found.value > best.value {
            best = found;
        }
    }
    best.exact = exact;
    Some(best)
}

#[cfg(test)]
#[path = "knapsack_tests.rs"]
mod tests;
