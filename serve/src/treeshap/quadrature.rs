//! Exact path-dependent TreeSHAP in `O(N·D)` per tree and row, by Gauss–Legendre quadrature.
//!
//! # Why an integral
//!
//! Take one leaf with value `v` whose root-to-leaf path tests `n` distinct features. For each
//! of them, fold its occurrences on the path into a zero fraction `z_j` (the product of the
//! cover ratios of its edges) and a one fraction `o_j` (1 if the row follows every one of its
//! edges, else 0). The leaf's part of the game's value for a feature set `S` is
//! `v · ∏_{j∈S} o_j · ∏_{j∉S} z_j`, and its part of feature `i`'s Shapley value is
//!
//! ```text
//! φ_i = v (o_i − z_i) Σ_{S ⊆ P∖{i}} |S|! (n−1−|S|)! / n! · ∏_{j∈S} o_j ∏_{j∈P∖S∖{i}} z_j.
//! ```
//!
//! The Shapley weight is a Beta integral, `|S|! (n−1−|S|)! / n! = ∫₀¹ t^|S| (1−t)^(n−1−|S|) dt`,
//! so the sum is the integral of one product:
//!
//! ```text
//! φ_i = v (o_i − z_i) ∫₀¹ G(t) / f_i(t) dt,   f_j(t) = (1−t) z_j + t o_j,   G = ∏_{j∈P} f_j.
//! ```
//!
//! `G / f_i` is a polynomial of degree `n − 1`, so a Gauss–Legendre rule with `⌈n/2⌉` nodes
//! integrates it exactly: the contributions are the exact Shapley values, not an
//! approximation, and the rounding error is that of a positive-weight sum.
//!
//! # Sharing the work between leaves
//!
//! The same integral holds for a subtree: the sum over its leaves of `v_l G_l(t)`, evaluated
//! at the rule's nodes, is `S(t)`, and the contribution of the edge into the subtree is
//! `(o − z) Σ_k w_k S(t_k) / f(t_k)` with the edge's combined fractions. So one pass down the
//! tree (preorder) multiplies each node's `G` by its edge factor, and one pass up (reverse
//! preorder) sums `S` and adds each edge's contribution: `O(N · q)` for `N` nodes and `q`
//! nodes of the rule, where `q ≤ ⌈D/2⌉` for depth `D`.
//!
//! A feature that occurs again deeper on the path replaces its factor: the deeper edge
//! multiplies `G` by `f_new / f_old`, and since the upper edge already added
//! `(o_old − z_old) Σ_k w_k S(t_k) / f_old(t_k)` for the leaves below, the deeper edge adds its
//! own term and subtracts that one. The sums telescope to the term of the last occurrence
//! alone, which is the Shapley value of the merged player, exactly as in Algorithm 2's unwind.
//! Both `z` and `o` only shrink along a path, so `f_new ≤ f_old` and no term grows beyond the
//! ones it replaces.
//!
//! # No division at run time
//!
//! `o` is 0 or 1, so `1 / f(t_k)` takes one of two values per node, `1 / ((1−t_k) z)` when the
//! row does not follow and `1 / ((1−t_k) z + t_k)` when it does; both depend on the node and
//! the rule only and are tabulated once per ensemble. The row's path only selects which table
//! row is read, so a row costs multiplications and additions, with no branch on its path. A
//! feature's first occurrence uses the root as its previous occurrence: the root's factor is
//! exactly 1 (`z = 1`, followed), which takes away that occurrence's special case.
//!
//! # Degenerate covers
//!
//! As in Algorithm 2, a branch with zero cover gives both children a zero fraction. A subtree
//! that neither the row (`o = 0`) nor any training row (`z = 0`) reaches gets `f = 0`, so its
//! `G`, and with it its `S` and every contribution through it, is exactly zero; its table
//! entry for `o = 0` is stored as 0 rather than `∞`, so no `0 · ∞` ever occurs.

// `unsafe` here is one call: the AVX2 build of the loops, made only after the CPU was seen to
// support AVX2 (see `ShapPlan::shap_values`).
#![allow(unsafe_code)]

use super::gauss::Rule;
use crate::{Node, Tree};

/// Which build of the quadrature loops runs. The loops are the same source compiled twice;
/// neither reorders or fuses floating-point operations (no FMA contraction), so both give
/// bit-identical contributions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapKernel {
    /// Compiled for AVX2: four `f64` lanes per instruction.
    Avx2,
    /// The build for the target's baseline instruction set (SSE2 on x86-64).
    Portable,
}

impl ShapKernel {
    /// The fastest kernel this CPU runs.
    pub fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            return ShapKernel::Avx2;
        }
        ShapKernel::Portable
    }
}

/// The rule sizes are multiples of this, so the inner loops run over whole SIMD registers of
/// `f64` (a larger rule is still exact).
pub(crate) const LANES: usize = 4;

/// "No node" in the index fields of [`PlanNode`].
const NONE: u32 = u32::MAX;

/// A [`crate::TreeEnsemble`] laid out for [`ShapPlan::shap_values`].
#[derive(Clone, PartialEq)]
pub(crate) struct ShapPlan {
    trees: Vec<PlanTree>,
    nodes: Vec<PlanNode>,
    /// For each tree, `2q` values per node: `1 / f(t_k)` for a row that does not follow the
    /// node's edge (`1 / ((1 − t_k) z)`, or 0 when `z = 0`), then for one that does
    /// (`1 / ((1 − t_k) z + t_k)`).
    inverse: Vec<f64>,
    /// For each tree, its branches' indices in preorder.
    branches: Vec<u32>,
    /// For each tree, its leaves' indices.
    leaves: Vec<u32>,
    rules: Vec<PlanRule>,
    /// The largest rule size of any tree.
    max_q: usize,
    /// The largest tree.
    max_nodes: usize,
}

impl std::fmt::Debug for ShapPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShapPlan")
            .field("trees", &self.trees.len())
            .field("nodes", &self.nodes.len())
            .field("max_q", &self.max_q)
            .finish_non_exhaustive()
    }
}

/// One tree of a [`ShapPlan`]: its nodes are `nodes[first..first + len]` in preorder (so a
/// branch's left child is the next node), its table is `inverse[table..table + 2 * len * q]`,
/// its branches `branches[branches.0..branches.1]` and its leaves `leaves[leaves.0..leaves.1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PlanTree {
    first: usize,
    len: usize,
    q: usize,
    rule: usize,
    table: usize,
    branches: (usize, usize),
    leaves: (usize, usize),
}

/// A Gauss–Legendre rule with the per-node constants derived from it.
#[derive(Debug, Clone, PartialEq)]
struct PlanRule {
    t: Vec<f64>,
    w: Vec<f64>,
    /// `1 − t_k`.
    one_minus_t: Vec<f64>,
}

/// One node in preorder, with what its incoming edge contributes (unused for the root).
#[derive(Debug, Clone, Copy, PartialEq)]
struct PlanNode {
    /// The feature a branch tests; [`NONE`] for a leaf.
    feature: u32,
    /// The branch's threshold (`x <= threshold` goes left).
    threshold: f32,
    /// Whether `NaN` goes left.
    missing_left: bool,
    /// The right child's index in the tree (the left child is the next node).
    right: u32,
    /// A leaf's value (0 for a branch).
    value: f64,
    /// The combined zero fraction of the incoming edge's feature on the path: the edge's cover
    /// fraction times the combined zero fraction of the feature's previous occurrence; 1 for
    /// the root.
    zero: f64,
    /// The node (index in the tree) whose incoming edge is the previous occurrence of this
    /// edge's feature on the path, or the root (0) when there is none: the root stands for a
    /// factor `f = 1` (`z = 1`, followed), which its table row says exactly.
    prev: u32,
}

impl PlanNode {
    #[inline]
    fn goes_left(&self, x: f32) -> bool {
        if x.is_nan() {
            self.missing_left
        } else {
            x <= self.threshold
        }
    }
}

/// `values` (a whole number of [`LANES`]) as vectors of [`LANES`].
#[inline(always)]
fn lanes(values: &[f64]) -> &[[f64; LANES]] {
    values.as_chunks::<LANES>().0
}

/// `values` (a whole number of [`LANES`]) as mutable vectors of [`LANES`].
#[inline(always)]
fn lanes_mut(values: &mut [f64]) -> &mut [[f64; LANES]] {
    values.as_chunks_mut::<LANES>().0
}

/// The length of the per-node vectors of one tree: its rule size, known at compile time for
/// the common sizes ([`Fixed`]) so that their loops compile to straight vector code.
trait Width: Copy {
    /// The rule size.
    fn q(self) -> usize;
}

/// A rule size known at compile time.
#[derive(Clone, Copy)]
struct Fixed<const Q: usize>;

impl<const Q: usize> Width for Fixed<Q> {
    #[inline(always)]
    fn q(self) -> usize {
        Q
    }
}

/// A rule size known at run time only.
#[derive(Clone, Copy)]
struct Dynamic(usize);

impl Width for Dynamic {
    #[inline(always)]
    fn q(self) -> usize {
        self.0
    }
}

/// The rows of one [`ShapPlan::shap_values`] call.
struct Batch<'a> {
    rows: &'a [f32],
    stride: usize,
    n_rows: usize,
    /// `n_features * max_q`: the partial sums of one row in `QuadratureScratch::acc`.
    acc_stride: usize,
}

/// Working memory of [`ShapPlan::shap_values`].
#[derive(Debug, Clone, Default)]
pub(crate) struct QuadratureScratch {
    /// `q` values per node: `G` on the way down, then `S` on the way up.
    g: Vec<f64>,
    /// `q` values per node: the weighted term of the incoming edge.
    c: Vec<f64>,
    /// Per node: whether the row follows every occurrence of the incoming edge's feature.
    one: Vec<bool>,
    /// `max_q` partial sums per feature and row, added up at the end.
    acc: Vec<f64>,
}

/// The cover of a node.
fn cover(node: &Node) -> f64 {
    match node {
        Node::Branch(b) => b.cover,
        Node::Leaf(l) => l.cover,
    }
}

impl ShapPlan {
    /// Lays out `trees` (validated by [`crate::TreeEnsemble::new`]).
    pub(crate) fn new(trees: &[Tree]) -> Self {
        let mut plan = ShapPlan {
            trees: Vec::with_capacity(trees.len()),
            nodes: Vec::new(),
            inverse: Vec::new(),
            branches: Vec::new(),
            leaves: Vec::new(),
            rules: Vec::new(),
            max_q: LANES,
            max_nodes: 1,
        };
        let mut order = Vec::new();
        let mut parent = Vec::new();
        let mut stack = Vec::new();
        for tree in trees {
            // Preorder: pop a node, push its right then its left child.
            order.clear();
            parent.clear();
            stack.clear();
            stack.push((0usize, NONE));
            while let Some((old, new_parent)) = stack.pop() {
                let index = order.len() as u32;
                order.push(old);
                parent.push(new_parent);
                if let Node::Branch(b) = &tree.nodes[old] {
                    stack.push((b.right as usize, index));
                    stack.push((b.left as usize, index));
                }
            }
            let first = plan.nodes.len();
            let mut position = vec![0u32; tree.nodes.len()];
            for (new, &old) in order.iter().enumerate() {
                position[old] = new as u32;
            }
            // Distinct features on the path to each node, to size the rule.
            let mut unique = vec![0usize; order.len()];
            let mut max_unique = 0;
            for (new, &old) in order.iter().enumerate() {
                let mut node = PlanNode {
                    feature: NONE,
                    threshold: 0.0,
                    missing_left: false,
                    right: NONE,
                    value: 0.0,
                    zero: 1.0,
                    prev: 0,
                };
                match &tree.nodes[old] {
                    Node::Branch(b) => {
                        node.feature = b.feature;
                        node.threshold = b.threshold;
                        node.missing_left = b.missing_left;
                        node.right = position[b.right as usize];
                    }
                    Node::Leaf(l) => node.value = l.value,
                }
                let p = parent[new];
                if p != NONE {
                    let p = p as usize;
                    let parent_node = &plan.nodes[first + p];
                    let parent_cover = cover(&tree.nodes[order[p]]);
                    let edge = if parent_cover > 0.0 {
                        cover(&tree.nodes[old]) / parent_cover
                    } else {
                        0.0
                    };
                    // The previous occurrence of the parent's feature above the parent.
                    let feature = parent_node.feature;
                    let mut above = p;
                    let mut repeated = false;
                    while parent[above] != NONE {
                        let grand = parent[above] as usize;
                        if plan.nodes[first + grand].feature == feature {
                            node.prev = above as u32;
                            repeated = true;
                            break;
                        }
                        above = grand;
                    }
                    node.zero = edge * plan.nodes[first + node.prev as usize].zero;
                    unique[new] = unique[p] + usize::from(!repeated);
                    max_unique = max_unique.max(unique[new]);
                }
                plan.nodes.push(node);
            }
            // Exact for degree max_unique − 1: ⌈max_unique / 2⌉ nodes, in whole lanes.
            let q = max_unique.div_ceil(2).max(1).next_multiple_of(LANES);
            let rule = plan.rule_index(q);
            let table = plan.inverse.len();
            let PlanRule { t, one_minus_t, .. } = &plan.rules[rule];
            for (i, node) in plan.nodes[first..].iter().enumerate() {
                let z = node.zero;
                // A row never arrives cold through a zero fraction (that subtree's G is 0), so
                // its entry is 0 rather than ∞, and likewise when (1 − t) z underflows.
                plan.inverse.extend(one_minus_t.iter().map(|&a| {
                    let inverse = 1.0 / (a * z);
                    if inverse.is_finite() { inverse } else { 0.0 }
                }));
                if i == 0 {
                    // The root's factor is exactly 1.
                    plan.inverse.extend(std::iter::repeat_n(1.0, q));
                } else {
                    plan.inverse
                        .extend(t.iter().zip(one_minus_t).map(|(&t, &a)| 1.0 / (a * z + t)));
                }
            }
            let branches = plan.branches.len();
            let leaves = plan.leaves.len();
            for (i, node) in plan.nodes[first..].iter().enumerate() {
                if node.feature == NONE {
                    plan.leaves.push(i as u32);
                } else {
                    plan.branches.push(i as u32);
                }
            }
            plan.trees.push(PlanTree {
                first,
                len: order.len(),
                q,
                rule,
                table,
                branches: (branches, plan.branches.len()),
                leaves: (leaves, plan.leaves.len()),
            });
            plan.max_q = plan.max_q.max(q);
            plan.max_nodes = plan.max_nodes.max(order.len());
        }
        plan
    }

    /// The index of the `q`-node rule in `rules`, added on first use.
    fn rule_index(&mut self, q: usize) -> usize {
        if let Some(i) = self.rules.iter().position(|r| r.t.len() == q) {
            return i;
        }
        let Rule { t, w } = Rule::new(q);
        let one_minus_t: Vec<f64> = t.iter().map(|t| 1.0 - t).collect();
        self.rules.push(PlanRule { t, w, one_minus_t });
        self.rules.len() - 1
    }

    /// The rule size of each tree, in tree order.
    pub(crate) fn rule_sizes(&self) -> impl Iterator<Item = usize> + '_ {
        self.trees.iter().map(|t| t.q)
    }

    /// Adds each feature's contribution to the margin of every row of `rows` into the same row
    /// of `out` (both row-major, `out.len() / n_features` rows of `n_features` values; `rows`
    /// holds `stride >= n_features` values per row), with `kernel` if this CPU runs it, else
    /// the portable one. Returns the kernel that ran.
    ///
    /// The rows go through each tree together, so a tree's nodes and table are read from
    /// memory once per batch rather than once per row.
    pub(crate) fn shap_values(
        &self,
        kernel: ShapKernel,
        rows: &[f32],
        stride: usize,
        out: &mut [f64],
        n_features: usize,
        scratch: &mut QuadratureScratch,
    ) -> ShapKernel {
        let n_rows = out.len() / n_features.max(1);
        let q_max = self.max_q;
        scratch.g.resize(self.max_nodes * q_max, 0.0);
        scratch.c.resize(self.max_nodes * q_max, 0.0);
        scratch.one.resize(self.max_nodes, false);
        scratch.acc.clear();
        scratch.acc.resize(n_rows * n_features * q_max, 0.0);
        let batch = Batch {
            rows,
            stride,
            n_rows,
            acc_stride: n_features * q_max,
        };
        let ran = match kernel {
            #[cfg(target_arch = "x86_64")]
            ShapKernel::Avx2 if std::is_x86_feature_detected!("avx2") => {
                // SAFETY: the CPU supports AVX2 (checked just above), the only requirement of
                // a `#[target_feature(enable = "avx2")]` function.
                unsafe { self.trees_avx2(&batch, scratch) };
                ShapKernel::Avx2
            }
            _ => {
                self.trees_portable(&batch, scratch);
                ShapKernel::Portable
            }
        };
        for (out, acc) in out.iter_mut().zip(scratch.acc.chunks_exact(q_max)) {
            *out += acc.iter().sum::<f64>();
        }
        ran
    }

    /// Every tree's contributions to every row of the batch into `scratch.acc`.
    #[inline(always)]
    fn trees(&self, batch: &Batch<'_>, scratch: &mut QuadratureScratch) {
        for tree in &self.trees {
            if tree.len > 1 {
                // The common rule sizes get loops of a known length, which the compiler
                // unrolls over whole registers; the rest share one loop of run-time length.
                match tree.q {
                    4 => self.tree_rows(Fixed::<4>, tree, batch, scratch),
                    8 => self.tree_rows(Fixed::<8>, tree, batch, scratch),
                    12 => self.tree_rows(Fixed::<12>, tree, batch, scratch),
                    16 => self.tree_rows(Fixed::<16>, tree, batch, scratch),
                    20 => self.tree_rows(Fixed::<20>, tree, batch, scratch),
                    24 => self.tree_rows(Fixed::<24>, tree, batch, scratch),
                    q => self.tree_rows(Dynamic(q), tree, batch, scratch),
                }
            }
        }
    }

    /// One tree's contributions to every row of the batch.
    #[inline(always)]
    fn tree_rows<W: Width>(
        &self,
        width: W,
        tree: &PlanTree,
        batch: &Batch<'_>,
        scratch: &mut QuadratureScratch,
    ) {
        for r in 0..batch.n_rows {
            let row = &batch.rows[r * batch.stride..];
            self.tree_shap(width, tree, row, r * batch.acc_stride, scratch);
        }
    }

    /// [`ShapPlan::trees`] for the baseline instruction set.
    fn trees_portable(&self, batch: &Batch<'_>, scratch: &mut QuadratureScratch) {
        self.trees(batch, scratch);
    }

    /// [`ShapPlan::trees`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn trees_avx2(&self, batch: &Batch<'_>, scratch: &mut QuadratureScratch) {
        self.trees(batch, scratch);
    }

    /// One tree's contributions to one row, added into `scratch.acc` from `acc_start` on.
    #[inline(always)]
    fn tree_shap<W: Width>(
        &self,
        width: W,
        tree: &PlanTree,
        row: &[f32],
        acc_start: usize,
        scratch: &mut QuadratureScratch,
    ) {
        let q = width.q();
        debug_assert_eq!(q, tree.q);
        let q_max = self.max_q;
        let nodes = &self.nodes[tree.first..tree.first + tree.len];
        let table = &self.inverse[tree.table..tree.table + 2 * tree.len * q];
        let branches = &self.branches[tree.branches.0..tree.branches.1];
        let leaves = &self.leaves[tree.leaves.0..tree.leaves.1];
        let rule = &self.rules[tree.rule];
        let (t, w, a) = (
            lanes(&rule.t[..q]),
            lanes(&rule.w[..q]),
            lanes(&rule.one_minus_t[..q]),
        );
        let vectors = q / LANES;
        let g = &mut scratch.g[..tree.len * q];
        let c = &mut scratch.c[..tree.len * q];
        let one = &mut scratch.one[..tree.len];
        let acc = &mut scratch.acc[acc_start..];

        // Down, branches in preorder: each gives its children their one fraction o, their
        // G = G_parent · f / f_prev and their edge term w (o − z) / f − w (o_p − z_p) / f_prev,
        // each 1 / f read from the table row that o selects. The root is every first
        // occurrence's `prev`, with f = 1. Neither branches on leaf or branch nor on o: the
        // row's path decides only which table rows are read.
        g[..q].fill(1.0);
        one[0] = true;
        for &i in branches {
            let i = i as usize;
            let node = &nodes[i];
            let goes_left = node.goes_left(row[node.feature as usize]);
            for (child, hot) in [(i + 1, goes_left), (node.right as usize, !goes_left)] {
                let edge = &nodes[child];
                let prev = edge.prev as usize;
                let prev_one = one[prev];
                let o = hot & prev_one;
                one[child] = o;
                let z = edge.zero;
                let (of, opf) = (f64::from(u8::from(o)), f64::from(u8::from(prev_one)));
                let own_weight = of - z;
                let prev_weight = opf - nodes[prev].zero;
                let inv = lanes(&table[(2 * child + usize::from(o)) * q..][..q]);
                let inv_prev = lanes(&table[(2 * prev + usize::from(prev_one)) * q..][..q]);
                let (upper, lower) = g.split_at_mut(child * q);
                let gp = lanes(&upper[i * q..(i + 1) * q]);
                let gc = lanes_mut(&mut lower[..q]);
                let cc = lanes_mut(&mut c[child * q..(child + 1) * q]);
                // Whole registers at a time: every input of a vector is read before its
                // outputs are written, so the compiler need not prove the slices disjoint.
                for j in 0..vectors {
                    let (gp, a, t, w, inv, inv_prev) =
                        (gp[j], a[j], t[j], w[j], inv[j], inv_prev[j]);
                    let mut g_out = [0.0; LANES];
                    let mut c_out = [0.0; LANES];
                    for l in 0..LANES {
                        let f = z * a[l] + of * t[l];
                        g_out[l] = gp[l] * (f * inv_prev[l]);
                        c_out[l] = w[l] * (own_weight * inv[l] - prev_weight * inv_prev[l]);
                    }
                    gc[j] = g_out;
                    cc[j] = c_out;
                }
            }
        }

        // Up: S of a leaf is v·G; then, branches in reverse preorder (children first), S of a
        // branch is the sum of its children's, and it adds their edge terms to its feature.
        for &i in leaves {
            let i = i as usize;
            let value = nodes[i].value;
            for s in &mut g[i * q..(i + 1) * q] {
                *s *= value;
            }
        }
        for &i in branches.iter().rev() {
            let i = i as usize;
            let node = &nodes[i];
            let (left, right) = ((i + 1) * q, node.right as usize * q);
            let sum = lanes_mut(&mut acc[node.feature as usize * q_max..][..q]);
            let (upper, lower) = g.split_at_mut(left);
            let s = lanes_mut(&mut upper[i * q..(i + 1) * q]);
            let s_left = lanes(&lower[..q]);
            let s_right = lanes(&lower[right - left..right - left + q]);
            let c_left = lanes(&c[left..left + q]);
            let c_right = lanes(&c[right..right + q]);
            for j in 0..vectors {
                let (sl, sr, cl, cr, before) =
                    (s_left[j], s_right[j], c_left[j], c_right[j], sum[j]);
                let mut s_out = [0.0; LANES];
                let mut sum_out = [0.0; LANES];
                for l in 0..LANES {
                    s_out[l] = sl[l] + sr[l];
                    sum_out[l] = before[l] + (sl[l] * cl[l] + sr[l] * cr[l]);
                }
                s[j] = s_out;
                sum[j] = sum_out;
            }
        }
    }
}
