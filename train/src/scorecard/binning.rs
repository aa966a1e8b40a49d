//! Optimal binning of one numeric feature against a binary target, in three steps (the
//! design of optbinning's `OptimalBinning`, Navas-Palencia 2020, with an exact dynamic program
//! in place of its constraint-programming solver):
//!
//! 1. **Pre-binning** ([`cart_prebins`]): a one-feature classification tree (Gini impurity,
//!    best-first growth, at most `max_prebins` leaves, at least `ceil(min_prebin_share · n)`
//!    rows in each leaf, `n` counting missing values): optbinning's default pre-binning, which
//!    is scikit-learn's `DecisionTreeClassifier(max_leaf_nodes, min_weight_fraction_leaf)` on
//!    the non-missing rows with unit weights. The least leaf weight is therefore
//!    `min(0.5, m / n_present) · n_present` in `f64` for `m = ceil(min_prebin_share · n)`,
//!    which rounding can put a hair above `m`, and then a leaf of exactly `m` rows is refused
//!    as scikit-learn refuses it. As in scikit-learn, two distinct values closer than its
//!    `FEATURE_THRESHOLD` (`1e-7`, added in `f32`) are not split apart, and the impurity is
//!    its `1 − (non-events² + events²) / rows²`, so that near-ties break the same way. The
//!    thresholds are the midpoints `a / 2 + b / 2` between consecutive distinct values.
//! 2. **Refinement** ([`refine`]): a pre-bin holding only one class is merged into its right
//!    neighbour (the last two: the last split goes), repeatedly, so every bin holds both
//!    classes and every weight of evidence is finite.
//! 3. **Optimisation** ([`optimal_partition`]): consecutive pre-bins are merged into at most
//!    `max_bins` bins of at least `min_bin_share` of the rows each, maximising the information
//!    value (Jeffrey's divergence `Σ (p_i − q_i) ln(p_i / q_i)` of the event and non-event
//!    shares over the non-missing rows) under a trend of the event rate in the value:
//!    non-decreasing ([`Trend::Ascending`]), non-increasing ([`Trend::Descending`]), or
//!    unimodal ([`Trend::Peak`], [`Trend::Valley`]: one direction, then the other). The
//!    problem is the one optbinning's constraint-programming model states, including the
//!    reduction of the search space it applies before solving a monotone trend
//!    ([`forbidden_cuts`]): for an ascending trend, where a pre-bin's event rate exceeds the
//!    next one's, the boundary between them is not a bin boundary (nor, from there, the
//!    boundary before any later pre-bin whose rate is below that of the pre-bins pooled up to
//!    it); the mirror image for descending; none for peak and valley. The dynamic program over
//!    (number of bins, last bin, side of the turn) finds the exact optimum of that problem;
//!    optbinning's solver rounds the IV and the event rates of candidate bins down to
//!    multiples of 1e-6, so the two agree except where two partitions are within that rounding
//!    of each other.
//!
//! Missing values get a bin of their own. Weights of evidence follow optbinning (Siddiqi's
//! convention): `WoE = ln(share of non-events / share of events)`, shares of all rows with a
//! label (missing included), so a **higher WoE means less fraud**.

use serde::{Deserialize, Serialize};

/// The shape of a feature's event rate over its bins, as the value grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// The event (fraud) rate does not fall from one bin to the next.
    Ascending,
    /// The event rate does not rise from one bin to the next.
    Descending,
    /// The event rate rises, then falls (either part may be empty).
    Peak,
    /// The event rate falls, then rises (either part may be empty).
    Valley,
}

impl Trend {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Ascending => "ascending",
            Trend::Descending => "descending",
            Trend::Peak => "peak",
            Trend::Valley => "valley",
        }
    }

    /// Whether consecutive event rates `rates` follow this trend (rates equal across a step
    /// count as either direction).
    pub fn holds(self, rates: &[f64]) -> bool {
        let up = |w: &[f64]| w[0] <= w[1];
        let down = |w: &[f64]| w[0] >= w[1];
        match self {
            Trend::Ascending => rates.windows(2).all(up),
            Trend::Descending => rates.windows(2).all(down),
            Trend::Peak | Trend::Valley => {
                type Step = fn(&[f64]) -> bool;
                let (first, second): (Step, Step) = if self == Trend::Peak {
                    (|w| w[0] <= w[1], |w| w[0] >= w[1])
                } else {
                    (|w| w[0] >= w[1], |w| w[0] <= w[1])
                };
                let turn = rates.windows(2).take_while(|w| first(w)).count();
                rates[turn..].windows(2).all(second)
            }
        }
    }

    /// The phase after a step from a bin of counts `a` to the next of counts `b`, from
    /// `phase` (0: before the turn, 1: after it); `None` if the step breaks the trend. Equal
    /// rates allow both directions, so a step may have two successors.
    fn steps(self, a: Counts, b: Counts, phase: usize) -> [Option<usize>; 2] {
        let rising = rate_le(a, b);
        let falling = rate_le(b, a);
        match self {
            Trend::Ascending => [rising.then_some(0), None],
            Trend::Descending => [falling.then_some(0), None],
            Trend::Peak => [(rising && phase == 0).then_some(0), falling.then_some(1)],
            Trend::Valley => [(falling && phase == 0).then_some(0), rising.then_some(1)],
        }
    }
}

/// Row counts of one bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Rows in the bin.
    pub rows: u64,
    /// Of which events (fraud).
    pub events: u64,
}

impl Counts {
    fn add(self, other: Counts) -> Counts {
        Counts {
            rows: self.rows + other.rows,
            events: self.events + other.events,
        }
    }

    fn non_events(self) -> u64 {
        self.rows - self.events
    }

    /// The event rate, `events / rows` (0 for an empty bin).
    #[cfg(test)]
    fn event_rate(self) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.events as f64 / self.rows as f64
        }
    }
}

/// `rate(a) <= rate(b)`, exactly (cross-multiplied in `u128`); both non-empty.
fn rate_le(a: Counts, b: Counts) -> bool {
    u128::from(a.events) * u128::from(b.rows) <= u128::from(b.events) * u128::from(a.rows)
}

/// The settings of one feature's binning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinningSettings {
    /// Most leaves of the pre-binning tree.
    pub max_prebins: usize,
    /// Least share of all rows (missing included) in a pre-bin.
    pub min_prebin_share: f64,
    /// Most bins after merging (missing not counted).
    pub max_bins: usize,
    /// Least share of all rows (missing included) in a bin.
    pub min_bin_share: f64,
    /// With no declared trend, a peak or valley is chosen only when its objective exceeds the
    /// best monotone one's by more than this share of it.
    pub min_unimodal_gain: f64,
}

/// One feature binned: the edges, the trend, and per bin its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Binned {
    /// The split points, ascending: bin `i` holds `edges[i-1] <= x < edges[i]` (midpoints
    /// between training values, as optbinning reports them).
    pub edges: Vec<f64>,
    /// Per bin of non-missing values, its counts (`edges.len() + 1` bins).
    pub bins: Vec<Counts>,
    /// The missing values' bin.
    pub missing: Counts,
    /// The trend the bins follow.
    pub trend: Trend,
    /// The information value of the non-missing bins over the non-missing rows (the objective
    /// that was maximised).
    pub objective: f64,
}

/// Bins `values` (`NaN` = missing) against `labels` under `trend`. With `None`: the better
/// of ascending and descending by the objective (ties: ascending), unless the better of peak
/// and valley exceeds it by more than `min_unimodal_gain` of it (ties: peak). `values` and
/// `labels` have the same length; no value is infinite.
pub fn bin_feature(
    values: &[f32],
    labels: &[bool],
    settings: &BinningSettings,
    trend: Option<Trend>,
) -> Binned {
    let n_total = values.len() as u64;
    let mut present: Vec<(f32, bool)> = Vec::with_capacity(values.len());
    let mut missing = Counts::default();
    for (&x, &y) in values.iter().zip(labels) {
        if x.is_nan() {
            missing.rows += 1;
            missing.events += u64::from(y);
        } else {
            present.push((x, y));
        }
    }
    present.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let distinct = distinct_values(&present);
    let min_prebin = min_rows(settings.min_prebin_share, n_total);
    let splits = cart_prebins(&distinct, settings.max_prebins, min_prebin);
    let (splits, prebins) = refine(&distinct, splits);
    let min_bin = min_rows(settings.min_bin_share, n_total);
    let solve = |t: Trend| optimal_partition(&prebins, t, settings.max_bins, min_bin);
    let (trend, (cuts, objective)) = match trend {
        Some(t) => (t, solve(t)),
        None => {
            let better = |a: (Trend, (Vec<usize>, f64)), b: (Trend, (Vec<usize>, f64))| {
                if b.1.1 > a.1.1 { b } else { a }
            };
            let monotone = better(
                (Trend::Ascending, solve(Trend::Ascending)),
                (Trend::Descending, solve(Trend::Descending)),
            );
            let unimodal = better(
                (Trend::Peak, solve(Trend::Peak)),
                (Trend::Valley, solve(Trend::Valley)),
            );
            if unimodal.1.1 > monotone.1.1 * (1.0 + settings.min_unimodal_gain) {
                unimodal
            } else {
                monotone
            }
        }
    };
    // `cuts` are the indices of the pre-bin boundaries kept (split `k` is between pre-bins
    // `k` and `k + 1`).
    let edges: Vec<f64> = cuts.iter().map(|&k| splits[k]).collect();
    let bins = if prebins.is_empty() {
        vec![Counts::default()]
    } else {
        merge(&prebins, &cuts)
    };
    Binned {
        edges,
        bins,
        missing,
        trend,
        objective,
    }
}

/// The bins of `prebins` cut after the pre-bins `cuts` (ascending; boundary `k` is between
/// pre-bins `k` and `k + 1`).
fn merge(prebins: &[Counts], cuts: &[usize]) -> Vec<Counts> {
    let mut bins = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for end in cuts.iter().map(|&k| k + 1).chain([prebins.len()]) {
        bins.push(
            prebins[start..end]
                .iter()
                .fold(Counts::default(), |a, &b| a.add(b)),
        );
        start = end;
    }
    bins
}

/// `ceil(share · n)` rows, as optbinning (`int(np.ceil(share * n_samples))`).
fn min_rows(share: f64, n: u64) -> u64 {
    (share * n as f64).ceil() as u64
}

/// A distinct value and the counts of the rows holding it.
#[derive(Debug, Clone, Copy)]
struct Distinct {
    value: f32,
    counts: Counts,
}

fn distinct_values(sorted: &[(f32, bool)]) -> Vec<Distinct> {
    let mut out: Vec<Distinct> = Vec::new();
    for &(x, y) in sorted {
        match out.last_mut() {
            Some(last) if last.value == x => {
                last.counts.rows += 1;
                last.counts.events += u64::from(y);
            }
            _ => out.push(Distinct {
                value: x,
                counts: Counts {
                    rows: 1,
                    events: u64::from(y),
                },
            }),
        }
    }
    out
}

/// Gini impurity of counts, `1 − (non-events² + events²) / rows²`, in the order of operations
/// of scikit-learn's `Gini` criterion (so both round alike).
fn gini(c: Counts) -> f64 {
    if c.rows == 0 {
        return 0.0;
    }
    let (non_events, events) = (c.non_events() as f64, c.events as f64);
    let rows = c.rows as f64;
    1.0 - (non_events * non_events + events * events) / (rows * rows)
}

/// A node of the pre-binning tree: distinct values `lo..hi`.
#[derive(Debug, Clone, Copy)]
struct TreeNode {
    lo: usize,
    hi: usize,
    counts: Counts,
}

/// A node's best split: the first distinct value of the right child, its threshold and the
/// weighted impurity improvement (scikit-learn's `impurity_improvement`).
#[derive(Debug, Clone, Copy)]
struct NodeSplit {
    at: usize,
    threshold: f64,
    improvement: f64,
    left: Counts,
}

/// scikit-learn's `EPSILON` in its tree builders (`np.finfo('double').eps`).
const EPSILON: f64 = f64::EPSILON;

/// scikit-learn's `FEATURE_THRESHOLD` (an `f32`): a value not above the previous one plus this
/// is not split from it.
const FEATURE_THRESHOLD: f32 = 1e-7;

/// The best split of `node` as scikit-learn's best splitter finds it on one feature: every
/// boundary between distinct values more than [`FEATURE_THRESHOLD`] apart leaving a weight
/// (row count) of at least `min_weight` on each side, the largest proxy improvement
/// (`−n_left · gini_left − n_right · gini_right`), the first on ties.
fn best_split(d: &[Distinct], node: TreeNode, min_weight: f64, n_total: u64) -> Option<NodeSplit> {
    if node.rows() < 2 || (node.rows() as f64) < 2.0 * min_weight || gini(node.counts) <= EPSILON {
        return None;
    }
    let mut left = Counts::default();
    let mut best: Option<(f64, usize, Counts)> = None;
    for at in node.lo + 1..node.hi {
        left = left.add(d[at - 1].counts);
        if d[at].value <= d[at - 1].value + FEATURE_THRESHOLD {
            continue;
        }
        let right = Counts {
            rows: node.counts.rows - left.rows,
            events: node.counts.events - left.events,
        };
        if (left.rows as f64) < min_weight || (right.rows as f64) < min_weight {
            continue;
        }
        let proxy = -(left.rows as f64) * gini(left) - right.rows as f64 * gini(right);
        if best.is_none_or(|(b, _, _)| proxy > b) {
            best = Some((proxy, at, left));
        }
    }
    let (_, at, left) = best?;
    let right = Counts {
        rows: node.counts.rows - left.rows,
        events: node.counts.events - left.events,
    };
    let n = node.counts.rows as f64;
    let improvement = n / n_total as f64
        * (gini(node.counts)
            - right.rows as f64 / n * gini(right)
            - left.rows as f64 / n * gini(left));
    if improvement + EPSILON < 0.0 {
        return None;
    }
    let (a, b) = (f64::from(d[at - 1].value), f64::from(d[at].value));
    let mut threshold = a / 2.0 + b / 2.0;
    if threshold == b || !threshold.is_finite() {
        threshold = a;
    }
    Some(NodeSplit {
        at,
        threshold,
        improvement,
        left,
    })
}

impl TreeNode {
    fn rows(&self) -> u64 {
        self.counts.rows
    }
}

/// The pre-binning: the sorted thresholds of a best-first Gini tree on the distinct values
/// `d` with at most `max_leaves` leaves of at least `min_leaf` rows, as optbinning asks
/// scikit-learn for them (see the module docs).
fn cart_prebins(d: &[Distinct], max_leaves: usize, min_leaf: u64) -> Vec<f64> {
    if d.is_empty() {
        return Vec::new();
    }
    let n_present: u64 = d.iter().map(|v| v.counts.rows).sum();
    let root = TreeNode {
        lo: 0,
        hi: d.len(),
        counts: d.iter().fold(Counts::default(), |a, v| a.add(v.counts)),
    };
    // The frontier: nodes with a split, expanded largest improvement first (ties: the node
    // found first).
    let mut frontier: Vec<(TreeNode, NodeSplit)> = Vec::new();
    // optbinning's `min_weight_fraction_leaf = min(0.5, min_leaf / n_present)`, times the total
    // weight `n_present` in scikit-learn.
    let n = n_present as f64;
    let min_weight = (min_leaf as f64 / n).min(0.5) * n;
    if let Some(s) = best_split(d, root, min_weight, n_present) {
        frontier.push((root, s));
    }
    let mut thresholds = Vec::new();
    let mut splits_left = max_leaves.saturating_sub(1);
    while splits_left > 0 && !frontier.is_empty() {
        let mut pick = 0;
        for (k, (_, s)) in frontier.iter().enumerate() {
            if s.improvement > frontier[pick].1.improvement {
                pick = k;
            }
        }
        let (node, split) = frontier.remove(pick);
        thresholds.push(split.threshold);
        splits_left -= 1;
        let left = TreeNode {
            lo: node.lo,
            hi: split.at,
            counts: split.left,
        };
        let right = TreeNode {
            lo: split.at,
            hi: node.hi,
            counts: Counts {
                rows: node.counts.rows - split.left.rows,
                events: node.counts.events - split.left.events,
            },
        };
        for child in [left, right] {
            if let Some(s) = best_split(d, child, min_weight, n_present) {
                frontier.push((child, s));
            }
        }
    }
    thresholds.sort_by(f64::total_cmp);
    thresholds
}

/// The counts of each pre-bin of `splits` (`x < split` goes left, as `np.digitize`).
fn prebin_counts(d: &[Distinct], splits: &[f64]) -> Vec<Counts> {
    let mut counts = vec![Counts::default(); splits.len() + 1];
    for v in d {
        let bin = splits.partition_point(|&s| s <= f64::from(v.value));
        counts[bin] = counts[bin].add(v.counts);
    }
    counts
}

/// optbinning's pre-binning refinement: while a pre-bin holds one class only, drop the split
/// on its right (for either of the last two pre-bins, the last split) and recount.
fn refine(d: &[Distinct], mut splits: Vec<f64>) -> (Vec<f64>, Vec<Counts>) {
    loop {
        if splits.is_empty() {
            let all = d.iter().fold(Counts::default(), |a, v| a.add(v.counts));
            let prebins = if all.rows == 0 { Vec::new() } else { vec![all] };
            return (splits, prebins);
        }
        let counts = prebin_counts(d, &splits);
        let pure: Vec<bool> = counts
            .iter()
            .map(|c| c.events == 0 || c.non_events() == 0)
            .collect();
        if !pure.iter().any(|&p| p) {
            return (splits, counts);
        }
        let k = splits.len();
        let mut remove: Vec<bool> = pure[..k - 1].to_vec();
        remove.push(pure[k - 1] || pure[k]);
        let mut keep = remove.iter().map(|r| !r);
        splits.retain(|_| keep.next().unwrap_or(true));
    }
}

/// Jeffrey's divergence term of one bin: `(p − q) ln(p / q)` with `p` its share of `events`
/// and `q` its share of `non_events`; 0 when either share is 0.
fn iv_term(c: Counts, events: u64, non_events: u64) -> f64 {
    if events == 0 || non_events == 0 {
        return 0.0;
    }
    let p = c.events as f64 / events as f64;
    let q = c.non_events() as f64 / non_events as f64;
    if p == 0.0 || q == 0.0 {
        return 0.0;
    }
    (p - q) * (p / q).ln()
}

/// optbinning's reduction of the search space before solving (its CP model's
/// "preprocessing", active with the default `min_event_rate_diff = 0`), with exact rates:
/// `forbidden[k]` says that the boundary between pre-bins `k` and `k + 1` may not be a bin
/// boundary. For [`Trend::Ascending`], wherever pre-bin `i` has a higher event rate than pre-bin
/// `i + 1`, every `k >= i + 1` whose own rate is below that of pre-bins `i..=k` pooled forbids
/// the boundary before `k` (`k = i + 1` among them); [`Trend::Descending`] mirrors the
/// comparisons.
fn forbidden_cuts(prebins: &[Counts], trend: Trend) -> Vec<bool> {
    let p = prebins.len();
    let mut forbidden = vec![false; p.saturating_sub(1)];
    // `rate(pooled) > rate(single)` for ascending, `<` for descending; optbinning's peak and
    // valley models reduce nothing.
    let against = |pooled: Counts, single: Counts| match trend {
        Trend::Ascending => !rate_le(pooled, single),
        Trend::Descending => !rate_le(single, pooled),
        Trend::Peak | Trend::Valley => false,
    };
    for (i, pair) in prebins.windows(2).enumerate() {
        if !against(pair[0].add(pair[1]), pair[1]) {
            continue;
        }
        let mut pooled = pair[0];
        for (k, &single) in prebins.iter().enumerate().skip(i + 1) {
            pooled = pooled.add(single);
            if against(pooled, single) {
                forbidden[k - 1] = true;
            }
        }
    }
    forbidden
}

/// The partition of `prebins` into consecutive bins maximising the summed [`iv_term`] under
/// `trend`, with at most `max_bins` bins of at least `min_rows` rows, and no boundary that
/// [`forbidden_cuts`] forbids. Returns the indices of the kept pre-bin boundaries and the
/// objective. A single bin is always allowed, so there is always an answer.
fn optimal_partition(
    prebins: &[Counts],
    trend: Trend,
    max_bins: usize,
    min_rows: u64,
) -> (Vec<usize>, f64) {
    partition_without(
        prebins,
        trend,
        max_bins,
        min_rows,
        &forbidden_cuts(prebins, trend),
    )
}

/// [`optimal_partition`] with the forbidden boundaries given: `forbidden[k]`, the boundary
/// between pre-bins `k` and `k + 1` (`prebins.len() − 1` entries).
fn partition_without(
    prebins: &[Counts],
    trend: Trend,
    max_bins: usize,
    min_rows: u64,
    forbidden: &[bool],
) -> (Vec<usize>, f64) {
    let p = prebins.len();
    if p <= 1 {
        return (Vec::new(), 0.0);
    }
    let mut prefix = vec![Counts::default(); p + 1];
    for (i, c) in prebins.iter().enumerate() {
        prefix[i + 1] = prefix[i].add(*c);
    }
    let total = prefix[p];
    let span = |i: usize, j: usize| Counts {
        rows: prefix[j].rows - prefix[i].rows,
        events: prefix[j].events - prefix[i].events,
    };
    let iv = |i: usize, j: usize| iv_term(span(i, j), total.events, total.non_events());
    let fits = |i: usize, j: usize| span(i, j).rows >= min_rows;
    let max_bins = max_bins.clamp(1, p);
    // best[k][i][j][phase]: the best objective of k + 1 bins over pre-bins 0..j whose last bin
    // is i..j, in `phase` of the trend (0 before its turn, 1 after); `from` holds the start of
    // the bin before it and its phase.
    const NONE: f64 = f64::NEG_INFINITY;
    let mut best = vec![vec![vec![[NONE; 2]; p + 1]; p + 1]; max_bins];
    let mut from = vec![vec![vec![[(usize::MAX, 0usize); 2]; p + 1]; p + 1]; max_bins];
    for (j, cell) in best[0][0].iter_mut().enumerate().skip(1) {
        if fits(0, j) {
            cell[0] = iv(0, j);
        }
    }
    for k in 1..max_bins {
        let (done, rest) = best.split_at_mut(k);
        let (previous, current) = (&done[k - 1], &mut rest[0]);
        for i in (1..p).filter(|&i| !forbidden[i - 1]) {
            for j in i + 1..=p {
                if !fits(i, j) {
                    continue;
                }
                let last = span(i, j);
                let gain = iv(i, j);
                for (h, table) in previous.iter().enumerate().take(i) {
                    let before = span(h, i);
                    for (phase, &b) in table[i].iter().enumerate() {
                        if b == NONE {
                            continue;
                        }
                        for next in trend.steps(before, last, phase).into_iter().flatten() {
                            if b + gain > current[i][j][next] {
                                current[i][j][next] = b + gain;
                                from[k][i][j][next] = (h, phase);
                            }
                        }
                    }
                }
            }
        }
    }
    let mut answer = (0usize, 0usize, 0usize, iv(0, p));
    for (k, table) in best.iter().enumerate() {
        for (i, row) in table.iter().enumerate() {
            for (phase, &v) in row[p].iter().enumerate() {
                if v > answer.3 {
                    answer = (k, i, phase, v);
                }
            }
        }
    }
    let (mut k, mut i, mut phase, objective) = answer;
    let mut cuts = Vec::new();
    let mut j = p;
    while k > 0 {
        cuts.push(i - 1);
        let (h, before) = from[k][i][j][phase];
        j = i;
        i = h;
        phase = before;
        k -= 1;
    }
    cuts.reverse();
    (cuts, objective)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(rows: u64, events: u64) -> Counts {
        Counts { rows, events }
    }

    #[test]
    fn the_dynamic_program_equals_exhaustive_search() {
        // Reference: every subset of the pre-bin boundaries enumerated, the best feasible one
        // by the same objective. Exact equality of the objective (same additions).
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        for _ in 0..300 {
            let p = 2 + next(9) as usize;
            let prebins: Vec<Counts> = (0..p)
                .map(|_| {
                    let rows = 5 + next(200);
                    counts(rows, 1 + next(rows - 1))
                })
                .collect();
            let total: u64 = prebins.iter().map(|c| c.rows).sum();
            let max_bins = 1 + next(p as u64) as usize;
            let min_rows = next(total / 3);
            let forbidden: Vec<bool> = (0..p - 1).map(|_| next(4) == 0).collect();
            for trend in [
                Trend::Ascending,
                Trend::Descending,
                Trend::Peak,
                Trend::Valley,
            ] {
                let (cuts, objective) =
                    partition_without(&prebins, trend, max_bins, min_rows, &forbidden);
                let events: u64 = prebins.iter().map(|c| c.events).sum();
                let mut best = f64::NEG_INFINITY;
                for mask in 0u32..1 << (p - 1) {
                    let kept: Vec<usize> = (0..p - 1).filter(|k| mask >> k & 1 == 1).collect();
                    if kept.len() + 1 > max_bins || kept.iter().any(|&k| forbidden[k]) {
                        continue;
                    }
                    let bins = merge(&prebins, &kept);
                    let rates: Vec<f64> = bins.iter().map(|b| b.event_rate()).collect();
                    let ok = bins.len() == 1
                        || (bins.iter().all(|b| b.rows >= min_rows) && trend.holds(&rates));
                    if ok {
                        let value: f64 = bins
                            .iter()
                            .map(|b| iv_term(*b, events, total - events))
                            .sum();
                        best = best.max(value);
                    }
                }
                assert!(
                    (objective - best).abs() <= 1e-12 * best.abs().max(1.0),
                    "{trend:?} {prebins:?} max_bins {max_bins} min_rows {min_rows}: \
                     {objective} vs exhaustive {best}"
                );
                assert!(cuts.len() < max_bins && cuts.windows(2).all(|w| w[0] < w[1]));
                // The partition found follows the trend and the size rule, and scores its
                // objective.
                let bins = merge(&prebins, &cuts);
                let rates: Vec<f64> = bins.iter().map(|b| b.event_rate()).collect();
                assert!(
                    bins.len() == 1 || trend.holds(&rates),
                    "{trend:?} {rates:?}"
                );
                let value: f64 = bins
                    .iter()
                    .map(|b| iv_term(*b, events, total - events))
                    .sum();
                assert!((value - objective).abs() <= 1e-12 * value.abs().max(1.0));
                assert!(cuts.iter().all(|&k| !forbidden[k]));
            }
        }
    }

    #[test]
    fn trends_are_checked_on_rates_worked_by_hand() {
        let r = [0.1, 0.3, 0.3, 0.2];
        assert!(Trend::Peak.holds(&r) && !Trend::Valley.holds(&r));
        assert!(!Trend::Ascending.holds(&r) && !Trend::Descending.holds(&r));
        let v = [0.3, 0.1, 0.2, 0.2];
        assert!(Trend::Valley.holds(&v) && !Trend::Peak.holds(&v));
        // Monotone rates are unimodal either way.
        let up = [0.1, 0.2, 0.3];
        assert!(Trend::Ascending.holds(&up) && Trend::Peak.holds(&up) && Trend::Valley.holds(&up));
        assert!(
            !Trend::Peak.holds(&[0.3, 0.1, 0.2]) && !Trend::Valley.holds(&[0.1, 0.3, 0.2, 0.4])
        );
    }

    #[test]
    fn forbidden_cuts_follow_optbinning_preprocessing() {
        // Rates 0.1, 0.6, 0.5, 0.9 (ascending). Worked by hand from cp.py's preprocessing:
        // i = 0: 0.1 < 0.6, nothing. i = 1: 0.6 > 0.5 → boundary 1 forbidden; then k = 3:
        // pooled 1..=3 = 47/60 = 0.783 < 0.9, allowed. i = 2: 0.5 < 0.9, nothing.
        let prebins = [counts(40, 4), counts(10, 6), counts(10, 5), counts(40, 36)];
        assert_eq!(
            forbidden_cuts(&prebins, Trend::Ascending),
            vec![false, true, false]
        );
        // Descending: i = 0: 0.1 < 0.6 → boundary 0 forbidden; k = 2: pooled 0..=2 = 15/60 =
        // 0.25 < 0.5 → boundary 1 forbidden; k = 3: 51/100 < 0.9 → boundary 2 forbidden.
        assert_eq!(
            forbidden_cuts(&prebins, Trend::Descending),
            vec![true, true, true]
        );
        // With at most two bins of at least 45 rows, the only feasible two-bin partition,
        // {0, 1} | {2, 3} (rates 0.2 ≤ 0.82), is cut at the forbidden boundary: one bin, as
        // optbinning 1.0.0 answers (exact search alone would keep boundary 1).
        assert!(
            optimal_partition(&prebins, Trend::Ascending, 2, 45)
                .0
                .is_empty()
        );
        assert_eq!(
            partition_without(&prebins, Trend::Ascending, 2, 45, &[false; 3]).0,
            vec![1]
        );
    }

    #[test]
    fn refinement_merges_pure_prebins_to_the_right() {
        // Values 0..6, one row each; events at 0, 2, 3, 5 → with splits at every midpoint the
        // pre-bins {1} and {4} hold no event; optbinning drops the split right of each.
        let d: Vec<Distinct> = [(0.0, 1), (1.0, 0), (2.0, 1), (3.0, 1), (4.0, 0), (5.0, 1)]
            .iter()
            .map(|&(v, e)| Distinct {
                value: v,
                counts: counts(1, e),
            })
            .collect();
        let splits: Vec<f64> = (0..5).map(|k| k as f64 + 0.5).collect();
        let (kept, bins) = refine(&d, splits);
        // Every single-row pre-bin is pure: each pass drops splits until every bin has both
        // classes. Worked by hand from optbinning's `_compute_prebins` rule:
        // pass 1 drops 0.5, 1.5, 2.5, 3.5 and 4.5 (last two pure) → no split left.
        assert!(kept.is_empty());
        assert_eq!(bins, vec![counts(6, 4)]);
    }

    #[test]
    fn cart_splits_a_step_at_its_midpoint() {
        // 100 rows at x = 0..99; events exactly where x >= 60. The Gini tree's first split is at
        // 59.5 (pure children), found by hand.
        let d: Vec<Distinct> = (0..100)
            .map(|k| Distinct {
                value: k as f32,
                counts: counts(1, u64::from(k >= 60)),
            })
            .collect();
        assert_eq!(cart_prebins(&d, 20, 5), vec![59.5]);
        // min_leaf 50 forbids 59.5: the best allowed boundary is the one closest to it, 49.5.
        assert_eq!(cart_prebins(&d, 20, 50), vec![49.5]);
    }

    #[test]
    fn cart_refuses_a_leaf_the_rounded_weight_fraction_refuses() {
        // 1097 rows, min_leaf 55: (55 / 1097) · 1097 = 55.000000000000007 in f64, so a leaf of
        // exactly 55 rows is too light for scikit-learn (optbinning passes the minimum as a
        // weight fraction). Events exactly where x >= 1042 (the last 55 rows): the step at
        // 1041.5 is refused, the next boundary in, 1040.5, is taken.
        let weight = std::hint::black_box(55.0f64) / 1097.0 * 1097.0;
        assert!(weight > 55.0, "{weight}");
        let d: Vec<Distinct> = (0..1097)
            .map(|k| Distinct {
                value: k as f32,
                counts: counts(1, u64::from(k >= 1042)),
            })
            .collect();
        assert_eq!(cart_prebins(&d, 2, 55), vec![1040.5]);
        // With 1098 rows the weight is exactly 55 and the step itself is taken.
        assert_eq!((55.0f64 / 1098.0) * 1098.0, 55.0);
        let d: Vec<Distinct> = (0..1098)
            .map(|k| Distinct {
                value: k as f32,
                counts: counts(1, u64::from(k >= 1043)),
            })
            .collect();
        assert_eq!(cart_prebins(&d, 2, 55), vec![1042.5]);
    }

    #[test]
    fn cart_does_not_split_values_closer_than_the_feature_threshold() {
        // 0.5 and the next f32 above it (0.5 + 2⁻²⁴) differ by less than 1e-7: scikit-learn
        // treats them as one value. 0.5 → legitimate, 0.5 + 2⁻²⁴ → fraud, 3.0 → half and half:
        // the only boundary left is 0.5 + 2⁻²⁴ | 3.0, at their midpoint.
        let above = 0.5f32.next_up();
        let d = vec![
            Distinct {
                value: 0.5,
                counts: counts(10, 0),
            },
            Distinct {
                value: above,
                counts: counts(10, 10),
            },
            Distinct {
                value: 3.0,
                counts: counts(10, 2),
            },
        ];
        assert_eq!(cart_prebins(&d, 20, 1), vec![f64::from(above) / 2.0 + 1.5]);
    }
}
