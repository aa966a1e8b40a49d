//! A binary tree ensemble as plain data: what `serve` reads from the attributes of an ONNX
//! `TreeEnsembleClassifier` node (see [`crate::package`]), plus the per-node covers the
//! manifest carries for TreeSHAP.
//!
//! # Semantics (the same as ONNX Runtime's for the files appfraud writes)
//!
//! - Every tree's root is `nodes[0]`; a branch's children come after it in `nodes`.
//! - At a branch a row goes to `left` (ONNX's "true" branch) iff `x <= threshold`, compared in
//!   `f32` (`BRANCH_LEQ`); a `NaN` goes to `left` iff `missing_left`
//!   (`nodes_missing_value_tracks_true`).
//! - The margin (log-odds) of a row is the sum of the leaf values it reaches, one per tree,
//!   added in tree order in `f64` (the exporter folds the model's base score into the leaves of
//!   tree 0, so there is no separate base value).
//! - `cover` is the sum of the training hessians that reached the node (what TreeSHAP weighs
//!   paths by); a branch's cover is the sum of its children's.

/// One node of a [`Tree`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Node {
    /// An internal node.
    Branch(Branch),
    /// A leaf.
    Leaf(Leaf),
}

/// An internal node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Branch {
    /// Column index of the feature tested.
    pub feature: u32,
    /// Rows with `x <= threshold` go left.
    pub threshold: f32,
    /// Whether `NaN` goes left.
    pub missing_left: bool,
    /// Index of the left child in [`Tree::nodes`].
    pub left: u32,
    /// Index of the right child in [`Tree::nodes`].
    pub right: u32,
    /// Sum of training hessians that reached the node.
    pub cover: f64,
}

/// A leaf.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leaf {
    /// Added to the margin of every row that reaches the leaf (the value written in the ONNX
    /// file, a float32, widened).
    pub value: f64,
    /// Sum of training hessians that reached the leaf.
    pub cover: f64,
}

impl Branch {
    /// Whether a row whose feature value is `x` goes left.
    #[inline]
    pub fn goes_left(&self, x: f32) -> bool {
        if x.is_nan() {
            self.missing_left
        } else {
            x <= self.threshold
        }
    }
}

/// One regression tree; `nodes[0]` is the root.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// The nodes; children come after their parent.
    pub nodes: Vec<Node>,
}

impl Tree {
    /// The leaf `row` reaches.
    pub fn leaf(&self, row: &[f32]) -> &Leaf {
        let mut index = 0usize;
        loop {
            match &self.nodes[index] {
                Node::Leaf(leaf) => return leaf,
                Node::Branch(b) => {
                    index = if b.goes_left(row[b.feature as usize]) {
                        b.left as usize
                    } else {
                        b.right as usize
                    };
                }
            }
        }
    }

    /// The cover-weighted mean leaf value: the tree's expected output over the training rows.
    pub fn expected_value(&self) -> f64 {
        let mut total = 0.0;
        let mut cover = 0.0;
        for node in &self.nodes {
            if let Node::Leaf(leaf) = node {
                total += leaf.value * leaf.cover;
                cover += leaf.cover;
            }
        }
        if cover > 0.0 { total / cover } else { 0.0 }
    }
}

/// A binary tree ensemble over `n_features` features, validated: every tree has a root, every
/// child index points after its parent and inside the tree, every node but the root is the
/// child of exactly one branch (so each tree is a tree, not a graph whose walks multiply, and
/// has no unreachable node), every feature index is below
/// `n_features`, thresholds are not `NaN`, leaf values and covers are finite and covers are
/// non-negative.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeEnsemble {
    trees: Vec<Tree>,
    n_features: usize,
    /// The trees laid out for TreeSHAP, built once here.
    shap_plan: crate::treeshap::ShapPlan,
}

/// Why a [`TreeEnsemble`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidEnsemble {
    /// The tree at fault.
    pub tree: usize,
    /// The node at fault.
    pub node: usize,
    /// What is wrong.
    pub reason: &'static str,
}

impl TreeEnsemble {
    /// Checks and wraps `trees` (see the type's invariants).
    pub fn new(trees: Vec<Tree>, n_features: usize) -> Result<Self, InvalidEnsemble> {
        for (t, tree) in trees.iter().enumerate() {
            let bad = |node, reason| InvalidEnsemble {
                tree: t,
                node,
                reason,
            };
            if tree.nodes.is_empty() {
                return Err(bad(0, "tree has no nodes"));
            }
            let mut has_parent = vec![false; tree.nodes.len()];
            for (i, node) in tree.nodes.iter().enumerate() {
                match node {
                    Node::Branch(b) => {
                        let inside = |c: u32| (c as usize) > i && (c as usize) < tree.nodes.len();
                        if !inside(b.left) || !inside(b.right) {
                            return Err(bad(i, "child index not after its parent or out of range"));
                        }
                        for child in [b.left, b.right] {
                            let seen = &mut has_parent[child as usize];
                            if *seen {
                                return Err(bad(i, "child already has another parent"));
                            }
                            *seen = true;
                        }
                        if b.feature as usize >= n_features {
                            return Err(bad(i, "feature index out of range"));
                        }
                        if b.threshold.is_nan() {
                            return Err(bad(i, "threshold is NaN"));
                        }
                        if !(b.cover.is_finite() && b.cover >= 0.0) {
                            return Err(bad(i, "cover is negative or not finite"));
                        }
                    }
                    Node::Leaf(l) => {
                        if !l.value.is_finite() {
                            return Err(bad(i, "leaf value is not finite"));
                        }
                        if !(l.cover.is_finite() && l.cover >= 0.0) {
                            return Err(bad(i, "cover is negative or not finite"));
                        }
                    }
                }
            }
            if let Some(orphan) = has_parent.iter().skip(1).position(|&p| !p) {
                return Err(bad(orphan + 1, "node is not the child of any branch"));
            }
        }
        let shap_plan = crate::treeshap::ShapPlan::new(&trees);
        Ok(Self {
            trees,
            n_features,
            shap_plan,
        })
    }

    /// The trees in order.
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// The trees laid out for TreeSHAP.
    pub(crate) fn shap_plan(&self) -> &crate::treeshap::ShapPlan {
        &self.shap_plan
    }

    /// Number of features a row must have.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The margin (log-odds) of one row: the sum of its leaves, in tree order, in `f64`.
    ///
    /// # Panics
    ///
    /// If `row` is shorter than a feature index used by a branch (callers check
    /// `row.len() == n_features()`).
    pub fn margin(&self, row: &[f32]) -> f64 {
        self.trees.iter().map(|t| t.leaf(row).value).sum()
    }

    /// The expected margin over the training rows: the sum of every tree's
    /// [`Tree::expected_value`]. TreeSHAP contributions of a row add up to its margin minus
    /// this.
    pub fn expected_value(&self) -> f64 {
        self.trees.iter().map(Tree::expected_value).sum()
    }
}
