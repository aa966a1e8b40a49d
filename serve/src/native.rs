//! The native tree evaluator: the ONNX `TreeEnsembleClassifier` of a package, compiled into flat
//! arrays and evaluated block by block, with the graph's calibration applied after it. It
//! computes what ONNX Runtime computes on the same file (the parity tests hold both to 1e-6) and
//! is the default engine for tree packages because it is much faster (see the benchmark).
//!
//! Layout: every branch of every tree is one 16-byte [`FlatNode`] in one vector; a child index
//! `>= 0` is another branch, a negative one `!k` is leaf `k` of `leaves`. Rows are taken in blocks
//! of [`BLOCK`]: for each tree, every row of the block walks it, so a tree's nodes stay in cache
//! while the block passes through, and each row's margin still adds its leaves in tree order.

use crate::graph::Calibration;
use crate::{Node, TreeEnsemble};

/// Rows evaluated together, tree by tree.
pub const BLOCK: usize = 64;

/// One node, in depth-first preorder: a branch's left child is the next node. A branch sends
/// `x <= threshold` left and other values to `right`; `NaN` goes left iff `feature` has the
/// [`MISSING_LEFT`] bit. A leaf has the [`LEAF`] bit; its value is in `values`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C)]
struct FlatNode {
    threshold: f32,
    feature: u32,
    right: u32,
}

const MISSING_LEFT: u32 = 1 << 31;
const LEAF: u32 = 1 << 30;
const FEATURE_MASK: u32 = LEAF - 1;

/// A tree ensemble plus calibration, compiled for fast batch evaluation.
#[derive(Debug, Clone)]
pub struct NativeTrees {
    /// Every node of every tree, each tree in depth-first preorder.
    nodes: Vec<FlatNode>,
    /// Per node, its leaf value (0 for branches).
    values: Vec<f64>,
    /// Per tree, its root in `nodes`.
    roots: Vec<u32>,
    n_features: usize,
    calibration: Calibration,
}

impl NativeTrees {
    /// Compiles `ensemble` with `calibration`. `None` if it is too large for 30-bit feature or
    /// 32-bit node indices.
    pub fn compile(ensemble: &TreeEnsemble, calibration: Calibration) -> Option<Self> {
        let n_features = ensemble.n_features();
        if u32::try_from(n_features).ok()? > FEATURE_MASK {
            return None;
        }
        let mut nodes = Vec::new();
        let mut values = Vec::new();
        let mut roots = Vec::with_capacity(ensemble.trees().len());
        for tree in ensemble.trees() {
            roots.push(u32::try_from(nodes.len()).ok()?);
            // Depth-first preorder; `fixups` holds (flat index of a branch, tree index of its
            // right child) until the right child is placed.
            let mut stack = vec![0usize];
            let mut placed = vec![u32::MAX; tree.nodes.len()];
            while let Some(i) = stack.pop() {
                let at = u32::try_from(nodes.len()).ok()?;
                placed[i] = at;
                match &tree.nodes[i] {
                    Node::Branch(b) => {
                        nodes.push(FlatNode {
                            threshold: b.threshold,
                            feature: b.feature | if b.missing_left { MISSING_LEFT } else { 0 },
                            right: b.right,
                        });
                        values.push(0.0);
                        stack.push(b.right as usize);
                        stack.push(b.left as usize);
                    }
                    Node::Leaf(leaf) => {
                        nodes.push(FlatNode {
                            threshold: 0.0,
                            feature: LEAF,
                            right: 0,
                        });
                        values.push(leaf.value);
                    }
                }
            }
            // Right children: tree index → flat index.
            let first = *roots.last()? as usize;
            for node in &mut nodes[first..] {
                if node.feature & LEAF == 0 {
                    node.right = placed[node.right as usize];
                }
            }
        }
        Some(Self {
            nodes,
            values,
            roots,
            n_features,
            calibration,
        })
    }

    /// Number of features a row has.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The flat index of the leaf `row` reaches from `root`.
    #[inline(always)]
    fn leaf(&self, root: u32, row: &[f32]) -> usize {
        let nodes = &self.nodes[..];
        let mut at = root as usize;
        loop {
            // SAFETY: `compile` placed every child inside `nodes` (a branch's left child is the
            // next node, its right child a placed index) and every feature index is below
            // `n_features`, which is `row.len()` (checked by `margins`).
            let node = unsafe { *nodes.get_unchecked(at) };
            if node.feature & LEAF != 0 {
                return at;
            }
            let x = unsafe { *row.get_unchecked((node.feature & FEATURE_MASK) as usize) };
            let left = x <= node.threshold || (x.is_nan() && node.feature & MISSING_LEFT != 0);
            at = if left { at + 1 } else { node.right as usize };
        }
    }

    /// Margins (float64 sums of the float32 leaf weights, in tree order) of the rows of `rows`
    /// (row-major, `n_features` per row) into `out` (one per row).
    ///
    /// Rows are taken in blocks of [`BLOCK`]; the block passes through one tree at a time, so a
    /// tree's nodes stay in cache while its rows walk it.
    ///
    /// # Panics
    ///
    /// If `rows.len() != out.len() * n_features`.
    pub fn margins(&self, rows: &[f32], out: &mut [f64]) {
        let f = self.n_features;
        assert_eq!(
            rows.len(),
            out.len() * f,
            "rows must hold n_features per output"
        );
        if f == 0 {
            // No feature: every tree is a single leaf.
            for m in out.iter_mut() {
                *m = self.roots.iter().map(|&r| self.values[r as usize]).sum();
            }
            return;
        }
        for (block, margins) in rows.chunks(BLOCK * f).zip(out.chunks_mut(BLOCK)) {
            margins.fill(0.0);
            for &root in &self.roots {
                for (m, row) in margins.iter_mut().zip(block.chunks_exact(f)) {
                    *m += self.values[self.leaf(root, row)];
                }
            }
        }
    }

    /// Calibrated probabilities (as float32, like the ONNX output) of the rows of `rows` into
    /// `out`; panics as [`NativeTrees::margins`].
    pub fn probabilities(&self, rows: &[f32], out: &mut [f32]) {
        let mut margins = vec![0.0; out.len()];
        self.margins(rows, &mut margins);
        for (p, m) in out.iter_mut().zip(margins) {
            *p = self.calibration.apply(m) as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Branch, Leaf, Tree};

    fn branch(feature: u32, threshold: f32, missing_left: bool, left: u32, right: u32) -> Node {
        Node::Branch(Branch {
            feature,
            threshold,
            missing_left,
            left,
            right,
            cover: 1.0,
        })
    }

    fn leaf(value: f64) -> Node {
        Node::Leaf(Leaf { value, cover: 1.0 })
    }

    #[test]
    fn compiled_trees_route_like_the_tree_ensemble() {
        // Tree 0: x0 <= 0.5 ? (x1 <= -1 ? 1 : 2) : 3, NaN of x0 right, NaN of x1 left.
        // Tree 1: a single leaf 0.25.
        let trees = vec![
            Tree {
                nodes: vec![
                    branch(0, 0.5, false, 1, 2),
                    branch(1, -1.0, true, 3, 4),
                    leaf(3.0),
                    leaf(1.0),
                    leaf(2.0),
                ],
            },
            Tree {
                nodes: vec![leaf(0.25)],
            },
        ];
        let ensemble = TreeEnsemble::new(trees, 2).expect("valid");
        let native =
            NativeTrees::compile(&ensemble, Calibration::Platt { a: 1.0, b: 0.0 }).expect("fits");
        let up = f32::from_bits(0.5f32.to_bits() + 1);
        let rows: Vec<[f32; 2]> = vec![
            [0.5, -1.0],      // on both thresholds: left, left → 1
            [up, 0.0],        // just above: right → 3
            [0.0, f32::NAN],  // NaN of x1 left → 1
            [f32::NAN, -5.0], // NaN of x0 right → 3
            [0.0, 7.0],       // → 2
        ];
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        let mut margins = vec![0.0; rows.len()];
        native.margins(&flat, &mut margins);
        // Exact: sums of small dyadic values.
        assert_eq!(margins, vec![1.25, 3.25, 1.25, 3.25, 2.25]);
        for (row, m) in rows.iter().zip(&margins) {
            assert_eq!(ensemble.margin(row), *m);
        }
    }
}
