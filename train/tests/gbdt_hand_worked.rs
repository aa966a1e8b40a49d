//! One tree on eight rows, every number worked out by hand below (reference: the formulas in
//! the `gbdt` module docs, evaluated in exact fractions). Tolerance 1e-12 absolute: the only
//! differences are float roundings of `ln`, `exp` and a few sums.
//!
//! Data: one feature `x = 1, 2, …, 8`, labels `y = 0 0 0 1 1 1 0 0` (3 positives of 8).
//! Parameters: 1 tree, `lambda_l2 = λ = 1`, `learning_rate = 0.5`, `max_leaves = 4`,
//! `min_data_in_leaf = 1`, `min_sum_hessian_in_leaf = 0`.
//!
//! Base score: log-odds of the base rate, `ln(3/5)`, so `p = 3/8` for every row. Gradients
//! `p − y`: `3/8` for a negative, `−5/8` for a positive; hessians `p(1 − p) = 15/64`.
//! Gain of a leaf `G²/(H + λ)`; split gain = left + right − parent.
//!
//! Root (G = 0, parent gain 0), thresholds between neighbours (midpoints):
//!
//! | split    | G_L, H_L        | left gain | G_R, H_R        | right gain | gain     |
//! |----------|-----------------|-----------|-----------------|------------|----------|
//! | x <= 1.5 | 3/8, 15/64      | 9/79      | −3/8, 105/64    | 9/169      | 0.167178 |
//! | x <= 2.5 | 3/4, 15/32      | 18/47     | −3/4, 45/32     | 18/77      | 0.616745 |
//! | x <= 3.5 | 9/8, 45/64      | 81/109    | −9/8, 75/64     | 81/139     | 1.325853 |
//! | x <= 4.5 | 1/2, 15/16      | 4/31      | −1/2, 15/16     | 4/31       | 0.258065 |
//! | x <= 5.5 | −1/8, 75/64     | 1/139     | 1/8, 45/64      | 1/109      | 0.016369 |
//! | x <= 6.5 | −3/4, 45/32     | 18/77     | 3/4, 15/32      | 18/47      | 0.616745 |
//! | x <= 7.5 | −3/8, 105/64    | 9/169     | 3/8, 15/64      | 9/79       | 0.167178 |
//!
//! Best: `x <= 3.5`, gain `81/109 + 81/139`. Left leaf {1,2,3}: every split there has negative
//! gain (all three gradients are equal; e.g. `x <= 1.5`: 9/79 + 18/47 − 81/109 = −0.246).
//! Right node {4..8} (G = −9/8, H = 75/64, parent gain 81/139):
//!
//! | split    | G_L, H_L        | left gain | G_R, H_R        | right gain | gain      |
//! |----------|-----------------|-----------|-----------------|------------|-----------|
//! | x <= 4.5 | −5/8, 15/64     | 25/79     | −1/2, 15/16     | 4/31       | −0.137246 |
//! | x <= 5.5 | −5/4, 15/32     | 50/47     | 1/8, 45/64      | 1/109      | 0.490270  |
//! | x <= 6.5 | −15/8, 45/64    | 225/109   | 3/4, 15/32      | 18/47      | 1.864465  |
//! | x <= 7.5 | −3/2, 15/16     | 36/31     | 3/8, 15/64      | 9/79       | 0.692481  |
//!
//! Best: `x <= 6.5`, gain `225/109 + 18/47 − 81/139`. Leaves {4,5,6} and {7,8} have no split
//! of positive gain (−0.684 and −0.155), so the tree stops at 3 leaves although 4 are allowed.
//!
//! Leaf values `−G/(H + λ) · lr`:
//! - {1,2,3}: −(9/8)/(109/64) · 0.5 = −36/109
//! - {4,5,6}: (15/8)/(109/64) · 0.5 = 60/109
//! - {7,8}:   −(3/4)/(94/64) · 0.5 = −12/47
//!
//! `NaN` (never missing in training) goes to the child with more training rows: right at the
//! root (5 > 3), then left at `x <= 6.5` (3 > 2), i.e. to leaf {4,5,6}.

use appfraud_train::{ColumnMatrix, GbdtParams, Node, train_gbdt};

const TOLERANCE: f64 = 1e-12;

#[track_caller]
fn assert_close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= TOLERANCE,
        "got {actual:?}, worked by hand: {expected:?} (tolerance {TOLERANCE:e})"
    );
}

#[test]
fn single_tree_matches_the_hand_computation() {
    let x: Vec<f32> = (1..=8).map(|v| v as f32).collect();
    let y = [false, false, false, true, true, true, false, false];
    let params = GbdtParams::default()
        .num_trees(1)
        .lambda_l2(1.0)
        .learning_rate(0.5)
        .max_leaves(4)
        .min_data_in_leaf(1)
        .min_sum_hessian_in_leaf(0.0)
        .check()
        .expect("valid parameters");
    let matrix = ColumnMatrix::new(vec![&x]).expect("one column");
    let model = train_gbdt(&params, &matrix, &y, None)
        .expect("valid data")
        .model;

    assert_close(model.base_score, (3.0_f64 / 5.0).ln());
    assert_eq!(model.trees.len(), 1);
    let nodes = &model.trees[0].nodes;
    assert_eq!(nodes.len(), 5, "two splits, three leaves: {nodes:#?}");

    let Node::Split(root) = &nodes[0] else {
        panic!("root must split")
    };
    assert_eq!((root.feature, root.threshold), (0, 3.5));
    assert_eq!((root.left, root.right, root.count), (1, 2, 8));
    assert!(
        !root.default_left,
        "NaN follows the larger child (5 rows, right)"
    );
    assert_close(root.gain, 81.0 / 109.0 + 81.0 / 139.0);
    assert_close(root.sum_hessian, 8.0 * 15.0 / 64.0);

    let Node::Leaf(low) = &nodes[1] else {
        panic!("left of the root is a leaf")
    };
    assert_close(low.value, -36.0 / 109.0);
    assert_eq!(low.count, 3);

    let Node::Split(second) = &nodes[2] else {
        panic!("right of the root splits")
    };
    assert_eq!((second.feature, second.threshold), (0, 6.5));
    assert_eq!((second.left, second.right, second.count), (3, 4, 5));
    assert!(
        second.default_left,
        "NaN follows the larger child (3 rows, left)"
    );
    assert_close(second.gain, 225.0 / 109.0 + 18.0 / 47.0 - 81.0 / 139.0);

    let (Node::Leaf(middle), Node::Leaf(high)) = (&nodes[3], &nodes[4]) else {
        panic!("the second split has two leaves")
    };
    assert_close(middle.value, 60.0 / 109.0);
    assert_close(high.value, -12.0 / 47.0);
    assert_eq!((middle.count, high.count), (3, 2));
    assert_close(middle.sum_hessian, 3.0 * 15.0 / 64.0);

    // Predictions: base score plus the leaf value.
    let base = (3.0_f64 / 5.0).ln();
    assert_close(model.predict_margin(&[2.0]), base - 36.0 / 109.0);
    assert_close(model.predict_margin(&[3.5]), base - 36.0 / 109.0);
    assert_close(model.predict_margin(&[5.0]), base + 60.0 / 109.0);
    assert_close(model.predict_margin(&[6.5]), base + 60.0 / 109.0);
    assert_close(model.predict_margin(&[8.0]), base - 12.0 / 47.0);
    assert_close(model.predict_margin(&[f32::NAN]), base + 60.0 / 109.0);
    let p = 1.0 / (1.0 + (-(base + 60.0 / 109.0)).exp());
    assert_close(model.predict_proba(&[4.0]), p);

    // Gain importance: both splits are on feature 0.
    assert_close(
        model.feature_importance_gain()[0],
        81.0 / 109.0 + 81.0 / 139.0 + 225.0 / 109.0 + 18.0 / 47.0 - 81.0 / 139.0,
    );
}
