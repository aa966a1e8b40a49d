//! The trained model as plain data, and prediction. Nothing here depends on training code, so
//! whatever reads a model (ONNX export, TreeSHAP, serving) needs only this file.
//!
//! # Prediction semantics
//!
//! - A row's raw score (margin, log-odds) is `base_score` plus the value of the leaf it reaches
//!   in each tree, added in tree order. Its probability is `1 / (1 + e^(−margin))`.
//! - At a split node the row goes **left iff `x <= threshold`**, compared in `f32` (LightGBM's
//!   rule; ONNX `BRANCH_LEQ` with the same `f32` threshold routes identically). Thresholds are
//!   exact `f32` values chosen between training values, so a row with `x` equal to a threshold
//!   goes left and one with the next larger `f32` goes right.
//! - **`NaN` goes to `default_left`**. Where training rows at that node had missing values, the
//!   direction was learned (the side with the better gain). Where none had (in particular for
//!   a feature never missing in training), it is the child that received more training rows
//!   (ties: left).
//! - In ONNX `TreeEnsemble*` terms: mode `BRANCH_LEQ` with the `f32` threshold, the true branch
//!   is `left`, and `nodes_missing_value_tracks_true` is `default_left`.
//! - `±∞` are compared like any other value (training refuses them): `−∞` goes left, `+∞` goes
//!   right (the largest threshold, used for "present vs missing" splits, is `f32::MAX`).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{ColumnMatrix, TrainError};

/// A gradient-boosted tree ensemble for binary classification (see the module docs for how it
/// predicts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbdtModel {
    /// Raw score (log-odds) every prediction starts from.
    pub base_score: f64,
    /// The trees, in boosting order; leaf values already include the learning rate.
    pub trees: Vec<Tree>,
    /// Number of features a row must have.
    pub n_features: usize,
    /// Names of the features in column order, when known.
    pub feature_names: Option<Vec<String>>,
    /// With a validation set: the number of trees at which validation log-loss was lowest
    /// (with early stopping, the model holds exactly that many trees). `None` without one.
    pub best_iteration: Option<usize>,
}

/// One regression tree; `nodes[0]` is the root and children come after their parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Split and leaf nodes; `left`/`right` of a split index into this vector.
    pub nodes: Vec<Node>,
}

/// A node of a [`Tree`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// An internal node.
    Split(SplitNode),
    /// A leaf.
    Leaf(LeafNode),
}

/// An internal node: rows with `x[feature] <= threshold` go to `left`, others to `right`,
/// `NaN` to `left` iff `default_left`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitNode {
    /// Column index of the feature tested.
    pub feature: u32,
    /// Rows with `x <= threshold` (compared in `f32`) go left.
    pub threshold: f32,
    /// Where `NaN` goes.
    pub default_left: bool,
    /// Index of the left child in [`Tree::nodes`].
    pub left: u32,
    /// Index of the right child in [`Tree::nodes`].
    pub right: u32,
    /// Loss reduction of this split (second-order approximation, before shrinkage).
    pub gain: f64,
    /// Training rows (of the tree's bag) that reached this node.
    pub count: u32,
    /// Sum of their hessians (the "cover" TreeSHAP weighs paths by).
    pub sum_hessian: f64,
}

/// A leaf: its value is added to the raw score of every row that reaches it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeafNode {
    /// Contribution to the raw score, learning rate included.
    pub value: f64,
    /// Training rows (of the tree's bag) that reached this leaf.
    pub count: u32,
    /// Sum of their hessians.
    pub sum_hessian: f64,
}

impl SplitNode {
    /// Whether a row whose feature value is `value` goes to the left child.
    pub fn goes_left(&self, value: f32) -> bool {
        if value.is_nan() {
            self.default_left
        } else {
            value <= self.threshold
        }
    }
}

impl Tree {
    /// The leaf a row reaches; `value(j)` is the row's feature `j`.
    fn leaf_by(&self, value: impl Fn(usize) -> f32) -> &LeafNode {
        let mut node = &self.nodes[0];
        loop {
            match node {
                Node::Leaf(leaf) => return leaf,
                Node::Split(split) => {
                    let next = if split.goes_left(value(split.feature as usize)) {
                        split.left
                    } else {
                        split.right
                    };
                    node = &self.nodes[next as usize];
                }
            }
        }
    }

    /// The leaf `row` reaches (`row` holds at least `feature + 1` values for every split).
    pub fn leaf(&self, row: &[f32]) -> &LeafNode {
        self.leaf_by(|feature| row[feature])
    }
}

/// The logistic function `1 / (1 + e^(−margin))`.
pub(crate) fn sigmoid(margin: f64) -> f64 {
    1.0 / (1.0 + (-margin).exp())
}

impl GbdtModel {
    /// The raw score (log-odds) of one row.
    ///
    /// # Panics
    ///
    /// If `row.len() != self.n_features` (use [`GbdtModel::predict_margins`] for checked
    /// batch input), or if the model is malformed (see [`GbdtModel::validate`]).
    pub fn predict_margin(&self, row: &[f32]) -> f64 {
        assert_eq!(
            row.len(),
            self.n_features,
            "row length must equal n_features"
        );
        self.trees.iter().fold(self.base_score, |margin, tree| {
            margin + tree.leaf(row).value
        })
    }

    /// The probability of the positive class for one row; panics as
    /// [`GbdtModel::predict_margin`].
    pub fn predict_proba(&self, row: &[f32]) -> f64 {
        sigmoid(self.predict_margin(row))
    }

    /// Raw scores of every row of `x`, bit-identical to [`GbdtModel::predict_margin`] row by
    /// row. Fails with [`TrainError::FeatureCountMismatch`] if `x` has another number of
    /// features than the model.
    pub fn predict_margins(&self, x: &ColumnMatrix<'_>) -> Result<Vec<f64>, TrainError> {
        if x.n_features() != self.n_features {
            return Err(TrainError::FeatureCountMismatch {
                what: "prediction matrix",
                expected: self.n_features,
                found: x.n_features(),
            });
        }
        let mut margins = vec![self.base_score; x.n_rows()];
        add_trees(&self.trees, x, &mut margins);
        Ok(margins)
    }

    /// Probabilities of the positive class for every row of `x`; errors as
    /// [`GbdtModel::predict_margins`].
    pub fn predict_probas(&self, x: &ColumnMatrix<'_>) -> Result<Vec<f64>, TrainError> {
        let mut margins = self.predict_margins(x)?;
        for m in &mut margins {
            *m = sigmoid(*m);
        }
        Ok(margins)
    }

    /// Total gain of the splits on each feature (index = column), summed over all trees.
    pub fn feature_importance_gain(&self) -> Vec<f64> {
        let mut importance = vec![0.0; self.n_features];
        for tree in &self.trees {
            for node in &tree.nodes {
                if let Node::Split(split) = node
                    && let Some(total) = importance.get_mut(split.feature as usize)
                {
                    *total += split.gain;
                }
            }
        }
        importance
    }

    /// Names the features (column order). Fails with [`TrainError::FeatureCountMismatch`]
    /// unless there is exactly one name per feature.
    pub fn with_feature_names(mut self, names: Vec<String>) -> Result<Self, TrainError> {
        if names.len() != self.n_features {
            return Err(TrainError::FeatureCountMismatch {
                what: "feature names",
                expected: self.n_features,
                found: names.len(),
            });
        }
        self.feature_names = Some(names);
        Ok(self)
    }

    /// Checks the structure a model read from elsewhere must have before it predicts: every
    /// tree non-empty, children after their parent and inside the tree, features below
    /// `n_features`, thresholds not `NaN`, leaf values finite. Returns
    /// [`TrainError::InvalidTree`] for the first problem.
    pub fn validate(&self) -> Result<(), TrainError> {
        let invalid = |tree, node, reason| Err(TrainError::InvalidTree { tree, node, reason });
        if !self.base_score.is_finite() {
            return invalid(0, 0, "base_score is not finite");
        }
        if let Some(names) = &self.feature_names
            && names.len() != self.n_features
        {
            return invalid(0, 0, "feature_names does not have n_features names");
        }
        for (t, tree) in self.trees.iter().enumerate() {
            if tree.nodes.is_empty() {
                return invalid(t, 0, "tree has no nodes");
            }
            for (i, node) in tree.nodes.iter().enumerate() {
                match node {
                    Node::Split(s) => {
                        let in_tree = |c: u32| (c as usize) > i && (c as usize) < tree.nodes.len();
                        if !in_tree(s.left) || !in_tree(s.right) {
                            return invalid(
                                t,
                                i,
                                "child index not after its parent or out of range",
                            );
                        }
                        if s.feature as usize >= self.n_features {
                            return invalid(t, i, "feature index out of range");
                        }
                        if s.threshold.is_nan() {
                            return invalid(t, i, "threshold is NaN");
                        }
                    }
                    Node::Leaf(leaf) => {
                        if !leaf.value.is_finite() {
                            return invalid(t, i, "leaf value is not finite");
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Adds `tree`'s leaf values to the margins of the rows of `x`.
pub(crate) fn add_tree(tree: &Tree, x: &ColumnMatrix<'_>, margins: &mut [f64]) {
    add_trees(std::slice::from_ref(tree), x, margins);
}

/// Adds the leaf values of `trees`, in order, to the margins of the rows of `x`: blocks of
/// rows on threads, each row adding its trees in order, so the margins do not depend on the
/// number of threads.
fn add_trees(trees: &[Tree], x: &ColumnMatrix<'_>, margins: &mut [f64]) {
    let columns = x.columns();
    margins
        .par_chunks_mut(PREDICT_BLOCK)
        .enumerate()
        .for_each(|(block, margins)| {
            let first = block * PREDICT_BLOCK;
            for tree in trees {
                for (k, margin) in margins.iter_mut().enumerate() {
                    *margin += tree.leaf_by(|feature| columns[feature][first + k]).value;
                }
            }
        });
}

/// Rows per parallel task when predicting: a block's slice of every column (4 KiB each) stays
/// in cache while all trees are evaluated on it.
const PREDICT_BLOCK: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    /// x0 <= 0.5 → (x1 <= 2.0 → −1, else 2), else 10; NaN: x0 right, x1 left.
    fn model() -> GbdtModel {
        let split = |feature, threshold, default_left, left, right| {
            Node::Split(SplitNode {
                feature,
                threshold,
                default_left,
                left,
                right,
                gain: 1.0,
                count: 10,
                sum_hessian: 2.0,
            })
        };
        let leaf = |value| {
            Node::Leaf(LeafNode {
                value,
                count: 5,
                sum_hessian: 1.0,
            })
        };
        GbdtModel {
            base_score: 0.5,
            trees: vec![Tree {
                nodes: vec![
                    split(0, 0.5, false, 1, 2),
                    split(1, 2.0, true, 3, 4),
                    leaf(10.0),
                    leaf(-1.0),
                    leaf(2.0),
                ],
            }],
            n_features: 2,
            feature_names: None,
            best_iteration: None,
        }
    }

    #[test]
    fn routing_follows_the_documented_rules() {
        let m = model();
        assert_eq!(m.predict_margin(&[0.5, 2.0]), -0.5);
        assert_eq!(m.predict_margin(&[0.5_f32.next_up(), 0.0]), 10.5);
        assert_eq!(m.predict_margin(&[0.0, 2.0_f32.next_up()]), 2.5);
        assert_eq!(m.predict_margin(&[f32::NAN, 0.0]), 10.5);
        assert_eq!(m.predict_margin(&[0.0, f32::NAN]), -0.5);
        assert_eq!(m.predict_margin(&[f32::NEG_INFINITY, f32::INFINITY]), 2.5);
        assert!((m.predict_proba(&[0.0, 0.0]) - sigmoid(-0.5)).abs() == 0.0);
        assert_eq!(m.feature_importance_gain(), vec![1.0, 1.0]);
    }

    #[test]
    fn batch_equals_row_by_row() {
        let m = model();
        let a = [0.5, 0.6, f32::NAN, -3.0];
        let b = [f32::NAN, 1.0, 7.0, 2.5];
        let x = ColumnMatrix::new(vec![&a, &b]).unwrap();
        let batch = m.predict_margins(&x).unwrap();
        for (i, &margin) in batch.iter().enumerate() {
            assert_eq!(margin.to_bits(), m.predict_margin(&[a[i], b[i]]).to_bits());
        }
        let one = ColumnMatrix::new(vec![&a]).unwrap();
        assert!(matches!(
            m.predict_margins(&one),
            Err(TrainError::FeatureCountMismatch {
                expected: 2,
                found: 1,
                ..
            })
        ));
    }

    #[test]
    fn validate_finds_malformed_trees() {
        assert_eq!(model().validate(), Ok(()));
        let mut m = model();
        if let Node::Split(s) = &mut m.trees[0].nodes[1] {
            s.left = 0;
        }
        assert!(matches!(
            m.validate(),
            Err(TrainError::InvalidTree {
                tree: 0,
                node: 1,
                ..
            })
        ));
        let mut m = model();
        if let Node::Split(s) = &mut m.trees[0].nodes[0] {
            s.feature = 2;
        }
        assert!(m.validate().is_err());
        assert!(model().with_feature_names(vec!["a".into()]).is_err());
    }
}
