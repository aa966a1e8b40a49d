//! Exact TreeSHAP for a [`TreeEnsemble`]: how much each feature moved one row's margin away from
//! the ensemble's expected margin, and the features that pushed it up most (reason codes).
//!
//! # The game
//!
//! The contributions are path-dependent TreeSHAP values (Lundberg, Erion & Lee 2018,
//! "Consistent Individualized Feature Attribution for Tree Ensembles"), the values of the
//! `tree_shap` routine of the `shap` package and of LightGBM's `pred_contrib`: the exact
//! Shapley values of the game whose value for a set of features `S` is the tree's conditional
//! expectation given the row's values on `S`, estimated from the training covers:
//!
//! - at a branch on a feature in `S`, follow the row ([`Branch::goes_left`], so a `NaN` goes
//!   where `missing_left` sends it);
//! - at a branch on any other feature, average both children, each weighted by its cover over
//!   the branch's cover.
//!
//! A feature tested several times along a path is one player: the algorithm removes
//! ("unwinds") its earlier occurrence from the path and re-adds it with the combined fractions.
//! A branch with zero cover gives both children a zero fraction (no training row got there, so
//! nothing is expected from it), and a subtree that neither the row nor any training row
//! reaches is skipped, so zero covers never divide by zero.
//!
//! By the efficiency of Shapley values, a row's contributions add up to its margin minus
//! [`TreeEnsemble::expected_value`], provided every branch's cover is the sum of its children's
//! (which is how covers are defined; [`TreeEnsemble::new`] does not check it).
//!
//! # Two algorithms for the same values
//!
//! - [`TreeEnsemble::shap_values_with`], the one scoring uses, integrates the Shapley weights
//!   with a Gauss–Legendre rule that is exact for the polynomial each leaf gives (see
//!   `quadrature.rs` for the derivation): `O(N·D)` per tree and row for `N` nodes and depth
//!   `D`, with no division at run time and every inner loop over whole SIMD lanes. The idea is
//!   that of Quadrature-TreeSHAP (Linear TreeShap, Yu et al. 2022, reaches the same bound
//!   with polynomial arithmetic); the code here is this crate's own.
//! - [`TreeEnsemble::shap_values_algorithm2`] is Algorithm 2 of the paper, in `O(L·D²)` for
//!   `L` leaves, the algorithm of `shap` and LightGBM: the reference the tests hold the first
//!   one to (1e-9), kept for that and for the benchmark.

mod gauss;
mod quadrature;

pub use quadrature::ShapKernel;
pub(crate) use quadrature::ShapPlan;

use crate::{Branch, Node, TreeEnsemble};

/// Feature index of the placeholder element at the start of every path (never a real feature).
const NO_FEATURE: usize = usize::MAX;

/// One feature on the path from the root to the current node, with the fraction of the
/// expectation that flows through the path when the feature is absent (`zero_fraction`: the
/// product of cover ratios) or present (`one_fraction`: 1 if the row follows the path, else 0),
/// and the permutation weight of the subsets of this size (`pweight`).
#[derive(Debug, Clone, Copy, Default)]
struct PathElement {
    feature: usize,
    zero_fraction: f64,
    one_fraction: f64,
    pweight: f64,
}

/// Reusable working memory for [`TreeEnsemble::shap_values_with`], so that scoring many rows
/// (for instance one scratch per rayon worker) allocates only while the scratch first grows to
/// the depth of the deepest tree.
#[derive(Debug, Clone, Default)]
pub struct ShapScratch {
    /// Algorithm 2: the paths of every node on the current root-to-node walk, one after the
    /// other.
    path: Vec<PathElement>,
    /// The quadrature algorithm's per-node values.
    quadrature: quadrature::QuadratureScratch,
}

impl ShapScratch {
    /// An empty scratch; it grows on first use and keeps its memory afterwards.
    pub fn new() -> Self {
        Self::default()
    }
}

impl TreeEnsemble {
    /// Adds to `out[j]` the TreeSHAP contribution of feature `j` to the margin of `row`, summed
    /// over the trees. With `out` zeroed beforehand,
    /// `out.iter().sum::<f64>() + self.expected_value()` equals `self.margin(row)` up to
    /// floating-point rounding.
    ///
    /// Allocates a fresh [`ShapScratch`]; use [`TreeEnsemble::shap_values_with`] to reuse one
    /// across rows.
    ///
    /// # Panics
    ///
    /// If `row.len() < self.n_features()` or `out.len() != self.n_features()`.
    pub fn shap_values(&self, row: &[f32], out: &mut [f64]) {
        self.shap_values_with(row, out, &mut ShapScratch::new());
    }

    /// [`TreeEnsemble::shap_values`] with caller-provided working memory: adds each feature's
    /// contribution to the margin of `row` into `out` (which the caller zeroes).
    ///
    /// Uses the quadrature algorithm (see the module docs): `O(N·D)` per tree.
    ///
    /// # Panics
    ///
    /// If `row.len() < self.n_features()` or `out.len() != self.n_features()`.
    pub fn shap_values_with(&self, row: &[f32], out: &mut [f64], scratch: &mut ShapScratch) {
        self.shap_values_on(ShapKernel::detect(), row, out, scratch);
    }

    /// [`TreeEnsemble::shap_values_with`] with a chosen build of the quadrature loops: `kernel`
    /// if this CPU runs it, else [`ShapKernel::Portable`]. Returns the kernel that ran. Both
    /// kernels give bit-identical values; this exists so tests and benchmarks can run each.
    ///
    /// # Panics
    ///
    /// If `row.len() < self.n_features()` or `out.len() != self.n_features()`.
    pub fn shap_values_on(
        &self,
        kernel: ShapKernel,
        row: &[f32],
        out: &mut [f64],
        scratch: &mut ShapScratch,
    ) -> ShapKernel {
        self.check_shap_arguments(row, out);
        let f = self.n_features();
        self.shap_plan()
            .shap_values(kernel, row, f, out, f, &mut scratch.quadrature)
    }

    /// [`TreeEnsemble::shap_values_with`] for many rows at once: `rows` and `out` are
    /// row-major, `n_features` values per row, and each row's contributions are added into its
    /// row of `out` (which the caller zeroes). The rows go through each tree together, so a
    /// tree is read from memory once per call rather than once per row: batches of a few
    /// dozen rows run faster per row than single rows, with the same values.
    ///
    /// # Panics
    ///
    /// If `rows.len() != out.len()` or either is not a multiple of `self.n_features()`.
    pub fn shap_values_rows(&self, rows: &[f32], out: &mut [f64], scratch: &mut ShapScratch) {
        self.shap_values_rows_on(ShapKernel::detect(), rows, out, scratch);
    }

    /// [`TreeEnsemble::shap_values_rows`] with a chosen build of the loops (see
    /// [`TreeEnsemble::shap_values_on`]). Returns the kernel that ran.
    ///
    /// # Panics
    ///
    /// If `rows.len() != out.len()` or either is not a multiple of `self.n_features()`.
    pub fn shap_values_rows_on(
        &self,
        kernel: ShapKernel,
        rows: &[f32],
        out: &mut [f64],
        scratch: &mut ShapScratch,
    ) -> ShapKernel {
        let f = self.n_features();
        assert_eq!(
            rows.len(),
            out.len(),
            "rows and contributions must have the same length"
        );
        assert!(
            rows.len().is_multiple_of(f),
            "{} values are not whole rows of {f} features",
            rows.len()
        );
        self.shap_plan()
            .shap_values(kernel, rows, f, out, f, &mut scratch.quadrature)
    }

    /// The same values as [`TreeEnsemble::shap_values_with`], by Algorithm 2 of Lundberg et
    /// al. (`O(L·D²)` per tree, the algorithm of `shap` and LightGBM's `pred_contrib`): the
    /// reference implementation. Each tree is walked recursively, one stack frame per level.
    ///
    /// # Panics
    ///
    /// If `row.len() < self.n_features()` or `out.len() != self.n_features()`.
    pub fn shap_values_algorithm2(&self, row: &[f32], out: &mut [f64], scratch: &mut ShapScratch) {
        self.check_shap_arguments(row, out);
        for tree in self.trees() {
            let mut walk = Walk {
                nodes: &tree.nodes,
                row,
                out: &mut *out,
                path: &mut scratch.path,
            };
            walk.recurse(0, 0, 0, 1.0, 1.0, NO_FEATURE);
        }
    }

    /// The number of Gauss–Legendre nodes the quadrature algorithm uses for each tree, in tree
    /// order: a multiple of 4, at least half the largest number of distinct features on any of
    /// the tree's root-to-leaf paths. Its cost per tree is proportional to this times the
    /// number of nodes.
    pub fn shap_rule_sizes(&self) -> Vec<usize> {
        self.shap_plan().rule_sizes().collect()
    }

    fn check_shap_arguments(&self, row: &[f32], out: &[f64]) {
        assert!(
            row.len() >= self.n_features(),
            "row has {} values, the ensemble needs {}",
            row.len(),
            self.n_features()
        );
        assert_eq!(
            out.len(),
            self.n_features(),
            "contribution buffer length must equal the number of features"
        );
    }
}

/// The features with the largest positive contributions, i.e. the reasons that pushed the
/// score up (towards fraud): at most `k` `(feature index, contribution)` pairs, largest
/// contribution first, ties broken by the lower feature index.
///
/// Contributions that are zero, negative or `NaN` are never reasons (they did not raise the
/// score), so fewer than `k` pairs come back when fewer than `k` contributions are positive.
pub fn top_reasons(contributions: &[f64], k: usize) -> Vec<(usize, f64)> {
    let mut reasons: Vec<(usize, f64)> = contributions
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, c)| c > 0.0)
        .collect();
    reasons.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    reasons.truncate(k);
    reasons
}

/// The state of one tree's recursive walk for one row.
struct Walk<'a> {
    nodes: &'a [Node],
    row: &'a [f32],
    out: &'a mut [f64],
    path: &'a mut Vec<PathElement>,
}

impl Walk<'_> {
    /// Visits `node`, whose parent's path (`unique_depth` elements) starts at `parent_start`
    /// in the scratch, arriving through an edge on `parent_feature` with the given fractions.
    fn recurse(
        &mut self,
        node: usize,
        parent_start: usize,
        mut unique_depth: usize,
        parent_zero_fraction: f64,
        parent_one_fraction: f64,
        parent_feature: usize,
    ) {
        // This node's path: the parent's, copied after it, extended by the incoming edge.
        let start = parent_start + unique_depth + 1;
        let end = start + unique_depth + 1;
        if self.path.len() < end {
            self.path.resize(end, PathElement::default());
        }
        self.path
            .copy_within(parent_start..parent_start + unique_depth, start);
        let path = &mut self.path[start..end];
        extend_path(
            path,
            unique_depth,
            parent_zero_fraction,
            parent_one_fraction,
            parent_feature,
        );

        let nodes = self.nodes;
        match &nodes[node] {
            Node::Leaf(leaf) => {
                // Unwinding an element the row does not follow (one fraction 0) sums the same
                // terms for every such element but for its zero fraction: compute it once.
                let mut cold_sum = None;
                for i in 1..=unique_depth {
                    let element = &path[i];
                    let weight = if element.one_fraction == 0.0 {
                        *cold_sum.get_or_insert_with(|| cold_unwound_sum(path, unique_depth))
                            / element.zero_fraction
                    } else {
                        unwound_path_sum(path, unique_depth, i)
                    };
                    self.out[element.feature] +=
                        weight * (element.one_fraction - element.zero_fraction) * leaf.value;
                }
            }
            Node::Branch(branch) => {
                let (hot, cold) = hot_and_cold(branch, self.row);
                let hot_zero_fraction = fraction(cover(&nodes[hot]), branch.cover);
                let cold_zero_fraction = fraction(cover(&nodes[cold]), branch.cover);
                let feature = branch.feature as usize;

                // A feature already on the path is unwound, to come back with both splits.
                let mut incoming_zero_fraction = 1.0;
                let mut incoming_one_fraction = 1.0;
                if let Some(index) = path[1..=unique_depth]
                    .iter()
                    .position(|e| e.feature == feature)
                    .map(|i| i + 1)
                {
                    incoming_zero_fraction = path[index].zero_fraction;
                    incoming_one_fraction = path[index].one_fraction;
                    unwind_path(path, unique_depth, index);
                    unique_depth -= 1;
                }

                for (child, zero_fraction, one_fraction) in [
                    (
                        hot,
                        hot_zero_fraction * incoming_zero_fraction,
                        incoming_one_fraction,
                    ),
                    (cold, cold_zero_fraction * incoming_zero_fraction, 0.0),
                ] {
                    // Neither the row nor any training row reaches the child: every subset's
                    // value through it is zero, so it contributes nothing.
                    if zero_fraction == 0.0 && one_fraction == 0.0 {
                        continue;
                    }
                    self.recurse(
                        child,
                        start,
                        unique_depth + 1,
                        zero_fraction,
                        one_fraction,
                        feature,
                    );
                }
            }
        }
    }
}

/// The cover of a node.
#[inline]
fn cover(node: &Node) -> f64 {
    match node {
        Node::Branch(b) => b.cover,
        Node::Leaf(l) => l.cover,
    }
}

/// The child `row` follows at `branch` ("hot") and the other one ("cold").
#[inline]
fn hot_and_cold(branch: &Branch, row: &[f32]) -> (usize, usize) {
    let (left, right) = (branch.left as usize, branch.right as usize);
    if branch.goes_left(row[branch.feature as usize]) {
        (left, right)
    } else {
        (right, left)
    }
}

/// `child / parent`, or 0 when the parent has no cover (no training row reached it).
#[inline]
fn fraction(child: f64, parent: f64) -> f64 {
    if parent > 0.0 { child / parent } else { 0.0 }
}

/// Adds element `unique_depth` (the feature of the edge just taken, with its fractions) to the
/// path `path[..unique_depth]`, updating the permutation weights of every subset size.
fn extend_path(
    path: &mut [PathElement],
    unique_depth: usize,
    zero_fraction: f64,
    one_fraction: f64,
    feature: usize,
) {
    path[unique_depth] = PathElement {
        feature,
        zero_fraction,
        one_fraction,
        pweight: if unique_depth == 0 { 1.0 } else { 0.0 },
    };
    let n = (unique_depth + 1) as f64;
    for i in (0..unique_depth).rev() {
        path[i + 1].pweight += one_fraction * path[i].pweight * (i + 1) as f64 / n;
        path[i].pweight = zero_fraction * path[i].pweight * (unique_depth - i) as f64 / n;
    }
}

/// Removes element `path_index` from the path `path[..=unique_depth]`: the inverse of
/// [`extend_path`] for that element. Its fractions are never both zero (such subtrees are
/// skipped), so the divisions are safe.
fn unwind_path(path: &mut [PathElement], unique_depth: usize, path_index: usize) {
    let one_fraction = path[path_index].one_fraction;
    let zero_fraction = path[path_index].zero_fraction;
    let n = (unique_depth + 1) as f64;
    let mut next_one_portion = path[unique_depth].pweight;
    for i in (0..unique_depth).rev() {
        if one_fraction != 0.0 {
            let previous = path[i].pweight;
            path[i].pweight = next_one_portion * n / ((i + 1) as f64 * one_fraction);
            next_one_portion =
                previous - path[i].pweight * zero_fraction * (unique_depth - i) as f64 / n;
        } else {
            path[i].pweight = path[i].pweight * n / (zero_fraction * (unique_depth - i) as f64);
        }
    }
    for i in path_index..unique_depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero_fraction = path[i + 1].zero_fraction;
        path[i].one_fraction = path[i + 1].one_fraction;
    }
}

/// [`unwound_path_sum`] of an element with one fraction 0, times its zero fraction: the same
/// for every such element of the path.
fn cold_unwound_sum(path: &[PathElement], unique_depth: usize) -> f64 {
    let total: f64 = (0..unique_depth)
        .rev()
        .map(|i| path[i].pweight / (unique_depth - i) as f64)
        .sum();
    total * (unique_depth + 1) as f64
}

/// The total permutation weight the path `path[..=unique_depth]` would have with element
/// `path_index` unwound, without modifying the path.
fn unwound_path_sum(path: &[PathElement], unique_depth: usize, path_index: usize) -> f64 {
    let one_fraction = path[path_index].one_fraction;
    let zero_fraction = path[path_index].zero_fraction;
    let n = (unique_depth + 1) as f64;
    let mut total = 0.0;
    if one_fraction != 0.0 {
        let mut next_one_portion = path[unique_depth].pweight;
        for i in (0..unique_depth).rev() {
            let share = next_one_portion / ((i + 1) as f64 * one_fraction);
            total += share;
            next_one_portion = path[i].pweight - share * zero_fraction * (unique_depth - i) as f64;
        }
    } else {
        for i in (0..unique_depth).rev() {
            total += path[i].pweight / (zero_fraction * (unique_depth - i) as f64);
        }
    }
    total * n
}
