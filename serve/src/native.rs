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

/// One branch: `x <= threshold` goes to `left`; `NaN` goes left iff the top bit of `feature`
/// is set.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C)]
struct FlatNode {
    threshold: f32,
    feature: u32,
    left: i32,
    right: i32,
}

const MISSING_LEFT: u32 = 1 << 31;

/// A tree ensemble plus calibration, compiled for fast batch evaluation.
#[derive(Debug, Clone)]
pub struct NativeTrees {
    nodes: Vec<FlatNode>,
    /// Per tree, its root: a branch index, or `!leaf` for a one-leaf tree.
    roots: Vec<i32>,
    leaves: Vec<f64>,
    n_features: usize,
    calibration: Calibration,
}

impl NativeTrees {
    /// Compiles `ensemble` with `calibration`. `None` if it is too large for 31-bit indices.
    pub fn compile(ensemble: &TreeEnsemble, calibration: Calibration) -> Option<Self> {
        let mut nodes = Vec::new();
        let mut leaves = Vec::new();
        let mut roots = Vec::with_capacity(ensemble.trees().len());
        for tree in ensemble.trees() {
            // Position of each tree node in `nodes` (branches) or `leaves` (leaves), as a child
            // reference.
            let mut refs = Vec::with_capacity(tree.nodes.len());
            for node in &tree.nodes {
                match node {
                    Node::Branch(_) => {
                        refs.push(i32::try_from(nodes.len()).ok()?);
                        nodes.push(FlatNode {
                            threshold: 0.0,
                            feature: 0,
                            left: 0,
                            right: 0,
                        });
                    }
                    Node::Leaf(leaf) => {
                        refs.push(!i32::try_from(leaves.len()).ok()?);
                        leaves.push(leaf.value);
                    }
                }
            }
            for (node, &r) in tree.nodes.iter().zip(&refs) {
                if let Node::Branch(b) = node {
                    if b.feature >= MISSING_LEFT {
                        return None;
                    }
                    nodes[r as usize] = FlatNode {
                        threshold: b.threshold,
                        feature: b.feature | if b.missing_left { MISSING_LEFT } else { 0 },
                        left: refs[b.left as usize],
                        right: refs[b.right as usize],
                    };
                }
            }
            roots.push(refs[0]);
        }
        Some(Self {
            nodes,
            roots,
            leaves,
            n_features: ensemble.n_features(),
            calibration,
        })
    }

    /// Number of features a row has.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The leaf index a row reaches from `root`.
    #[inline(always)]
    fn leaf(&self, root: i32, row: &[f32]) -> usize {
        let mut at = root;
        while at >= 0 {
            let n = self.nodes[at as usize];
            let x = row[(n.feature & !MISSING_LEFT) as usize];
            let left = if x.is_nan() {
                n.feature & MISSING_LEFT != 0
            } else {
                x <= n.threshold
            };
            at = if left { n.left } else { n.right };
        }
        !at as usize
    }

    /// Margins (float64 sums of the float32 leaf weights, in tree order) of the rows of `rows`
    /// (row-major, `n_features` per row) into `out` (one per row).
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
        for (block, margins) in rows.chunks(BLOCK * f.max(1)).zip(out.chunks_mut(BLOCK)) {
            margins.fill(0.0);
            for &root in &self.roots {
                for (m, row) in margins.iter_mut().zip(block.chunks_exact(f.max(1))) {
                    *m += self.leaves[self.leaf(root, row)];
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
