//! Parity with LightGBM, recomputed at test time by `train/tests/reference/lightgbm_reference.py`
//! with the LightGBM 4.7.0 that `./dev test` installs (see `support/reference.rs`).
//!
//! # The same trees
//!
//! On a dataset where the two libraries run the same algorithm, our GBDT must grow LightGBM's
//! trees: `tree_dataset` (9,000 training rows, 6 features with 2 to 10 distinct values each,
//! every value on hundreds of rows, two features with missing values), no bagging or feature
//! sampling, `min_sum_hessian_in_leaf = 5`, `min_data_in_leaf = 1`, LightGBM with
//! `deterministic`, `force_row_wise` and one thread, in two configurations:
//!
//! - 30 trees of 15 leaves, learning rate 0.1, `lambda_l2 = 1`, LightGBM boosting from the
//!   average (its starting score is ours, the log-odds of the base rate);
//! - 20 trees of at most 12 leaves and depth 4 (both stop splitting a leaf at depth 4, the
//!   root at depth 0), learning rate 0.2, no L2 penalty, positives weighted 3 to 1
//!   (`scale_pos_weight`, which multiplies their gradients and hessians in both). LightGBM
//!   leaves the weight out of its starting score and we do not (ours minimises the weighted
//!   loss), so LightGBM gets ours, `ln(3 P / N)`, as its `init_score`.
//!
//! Why the algorithms coincide there:
//!
//! - **Bins**: with at most 255 distinct values and `min_data_in_bin = 1`, both give each
//!   distinct value a bin of its own and missing values one more. The bounds differ (LightGBM's
//!   are midpoints in `f64`, `±1e-35` around zero; ours the largest `f32` not above the
//!   midpoint), but both lie strictly between neighbouring values, so they cut the data alike.
//! - **Splits**: both maximise `G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ)` over every
//!   threshold with the missing rows on either side, plus "present left, missing right"; leaf
//!   values are `−lr · G / (H + λ)`; growth is leaf-wise, best gain first.
//! - **Features searched**: LightGBM stops searching a feature in a node's whole subtree when
//!   none of its thresholds passed the gain and minimum-hessian rules at the node
//!   (`FeatureHistogram::is_splittable`, handed down to the children); we search every feature
//!   at every node. With `min_gain_to_split = 0` and `λ = 0` that drops nothing a descendant
//!   could use: a split's gain is then never negative, and a threshold that leaves too little
//!   hessian on one side at a node does so in every descendant. With `λ > 0` a gain can be
//!   slightly negative (two children with nearly the parent's output pay the penalty twice), so
//!   a feature could be dropped that a descendant would split on; on this data, with `λ = 1` in
//!   the first configuration, none is (the trees match). With a positive minimum gain it is: with `min_gain_to_split = 6` in the second configuration the trees part at
//!   the eighth tree, where feature `c` (whose effect flips sign with `a`, so that the halves
//!   nearly cancel at the root) gains too little at the root for LightGBM to consider it below,
//!   while we split on it lower down with gains of 37 and 75. Not aligned; not compared.
//! - **Minimum data**: LightGBM checks `min_data_in_leaf` against counts it estimates from
//!   hessians, we against true counts. With `min_data_in_leaf = 1` and a minimum hessian of 5
//!   (at least 6 estimated rows, as a row's hessian is at most ¼, ¾ for a positive weighted 3),
//!   the hessian rule is the only binding one, and it is the same rule in both.
//!
//! What is compared, tree by tree (all of them): every node of ours is matched with the LightGBM
//! node that receives exactly the same training rows (LightGBM's own leaf assignment,
//! `predict(pred_leaf=True)`); matched splits use the same feature and send the same rows left
//! (so their thresholds fall between the same two values of the node's data), missing values
//! the same way; matched leaves have the same row count, and values and hessian sums within the
//! bound below. Then the raw scores of the training and the held-out rows.
//!
//! ## Where they may still differ, and the tolerance
//!
//! - **Float arithmetic.** LightGBM rounds every gradient and hessian to `f32` (`score_t`) and
//!   sums them in `f64`; we keep them in `f64`. A rounding changes a value by at most
//!   `u = 2⁻²⁴` relatively, so a leaf's sums move by at most `u·Σ|g|` and `u·H`. The scores a
//!   tree starts from differ too (by `δᵢ` on row `i`, measured: LightGBM's score is the sum of
//!   the leaves it assigned the row to), which moves each gradient and hessian by at most
//!   `hᵢ·|δᵢ|` (both derivatives of the weighted log-loss are bounded by its hessian
//!   `h = w·p(1 − p)`). To first order
//!   a leaf value `v = −lr·G/(H + λ)` then moves by at most
//!   `lr/(H + λ) · (u·Σ|g| + Σhᵢ|δᵢ| + |v/lr|·(u·H + Σhᵢ|δᵢ|))`, and its hessian sum by
//!   `u·H + Σhᵢ|δᵢ|`; the test allows twice that (for second-order terms and the `f64` sums,
//!   whose error is below `n·2⁻⁵³ ≈ 10⁻¹²` relative). A row's scores may then differ by the sum
//!   of the bounds of the leaves it went through (checked after every tree), about `10⁻⁶` at the
//!   end where the observed differences are about `10⁻⁸`; LightGBM's predicted raw scores,
//!   training and held-out rows alike, are held to the same sum plus the rounding of the sums.
//! - **Ties.** Among splits of exactly equal gain LightGBM keeps the first it scans (features in
//!   order; within a feature the missing-left scan runs from the highest threshold down, then
//!   the missing-right scan from the lowest up), we keep the lowest feature and threshold,
//!   missing-right first. One tie is structural: in a node where a feature has missing rows but
//!   no present value below the split, LightGBM's missing-left scan offers "missing | present"
//!   at the same gain as the "present | missing" we choose. The children are the same row sets
//!   swapped, so the test accepts this split mirrored (and checks that one side is exactly the
//!   missing rows). Another would be a threshold inside a run of values absent from the node:
//!   every such threshold cuts the node's rows alike, LightGBM's missing-left scan keeps the
//!   highest, we the lowest, and a held-out row with such a value would be routed differently.
//!   So the test also compares thresholds as values of the data: every training value that can
//!   reach the node (within our thresholds on that feature above it) must go the same way in
//!   both, mirrored splits included; on this dataset it does, which is why held-out rows can be
//!   held to the same bound as training rows.
//!
//! # Test AUC on a continuous dataset
//!
//! With continuous features the two libraries choose different bin bounds (LightGBM gives zero
//! a bin of its own, bins negative and positive values separately and keeps at least
//! `min_data_in_bin = 3` rows per bin), so their trees differ from the first split on; there only
//! the test ROC AUC and log-loss are compared, within 0.01 each: a bound on how much two
//! correct histogram GBDTs with different bins may disagree on 5,000 test rows, not derived.

#[path = "support/lightgbm_dataset.rs"]
mod lightgbm_dataset;
#[path = "support/reference.rs"]
mod reference;

use std::collections::HashMap;

use appfraud_train::{
    ColumnMatrix, GbdtModel, GbdtParams, Node, Tree, log_loss, roc_auc, train_gbdt,
};
use lightgbm_dataset::{Lcg, N_ROWS, N_TRAIN, dataset};
use reference::{count, float, get};
use serde_json::Value;

/// Relative rounding of `f32` (round to nearest): LightGBM's gradients and hessians.
const F32_ROUNDING: f64 = 1.0 / 16_777_216.0;
/// Relative rounding of `f64`.
const F64_ROUNDING: f64 = f64::EPSILON / 2.0;

const AUC_TOLERANCE: f64 = 0.01;
const LOG_LOSS_TOLERANCE: f64 = 0.01;

/// The script's output for `args` (`auc`, `trees` or `trees weighted`).
fn lightgbm(args: &[&str]) -> std::sync::Arc<Value> {
    reference::run("lightgbm_reference.py", args)
}

/// Sum of the `f32` bit patterns of the present values, missing values, positives in the first
/// `n_train` rows and in the rest: what the script prints about its copy of a dataset.
fn check_summary(columns: &[Vec<f32>], labels: &[bool], n_train: usize, summary: &Value) {
    let present = columns.iter().flatten().filter(|v| !v.is_nan());
    let checksum: u64 = present.clone().map(|v| u64::from(v.to_bits())).sum();
    let missing = columns.len() * labels.len() - present.count();
    let positives = |rows: &[bool]| rows.iter().filter(|&&y| y).count();
    assert_eq!(
        (
            checksum,
            missing,
            positives(&labels[..n_train]),
            positives(&labels[n_train..])
        ),
        (
            get(summary, "checksum").as_u64().expect("checksum"),
            count(summary, "missing"),
            count(summary, "positives_train"),
            count(summary, "positives_test"),
        ),
        "the Rust and Python datasets differ (checksum, missing, positives train, test)"
    );
}

// ---- test AUC on the continuous dataset -----------------------------------------------------

/// The dataset is the Python script's, bit for bit.
#[test]
fn auc_dataset_matches_the_python_script() {
    let data = dataset();
    check_summary(
        &data.columns,
        &data.labels,
        N_TRAIN,
        get(&lightgbm(&["auc"]), "dataset"),
    );
}

#[test]
fn test_auc_matches_lightgbm() {
    let reference = lightgbm(&["auc"]);
    let params_used = get(&reference, "params");
    let data = dataset();
    let train = ColumnMatrix::new(data.columns_of(0..N_TRAIN)).unwrap();
    let test = ColumnMatrix::new(data.columns_of(N_TRAIN..N_ROWS)).unwrap();
    let params = GbdtParams::default()
        .num_trees(count(params_used, "num_iterations"))
        .max_leaves(count(params_used, "num_leaves"))
        .learning_rate(float(params_used, "learning_rate"))
        .min_data_in_leaf(count(params_used, "min_data_in_leaf"))
        .min_sum_hessian_in_leaf(float(params_used, "min_sum_hessian_in_leaf"))
        .lambda_l2(float(params_used, "lambda_l2"))
        .bagging_fraction(float(params_used, "bagging_fraction"))
        .feature_fraction(float(params_used, "feature_fraction"))
        .max_bins(count(params_used, "max_bin"))
        .check()
        .unwrap();
    let training = train_gbdt(&params, &train, &data.labels[..N_TRAIN], None).unwrap();
    let probabilities = training.model.predict_probas(&test).unwrap();
    let auc = roc_auc(&data.labels[N_TRAIN..], &probabilities).unwrap();
    let loss = log_loss(&data.labels[N_TRAIN..], &probabilities).unwrap();
    let lightgbm_auc = float(&reference, "test_roc_auc");
    let lightgbm_loss = float(&reference, "test_log_loss");
    println!(
        "test AUC: ours {auc:.6}, LightGBM {lightgbm_auc:.6}; test log-loss: ours {loss:.6}, \
         LightGBM {lightgbm_loss:.6} ({})",
        reference::versions(&reference)
    );
    assert_eq!(training.model.trees.len(), params.num_trees());
    assert!(
        (auc - lightgbm_auc).abs() <= AUC_TOLERANCE,
        "ours {auc}, LightGBM {lightgbm_auc} (tolerance {AUC_TOLERANCE})"
    );
    assert!(
        (loss - lightgbm_loss).abs() <= LOG_LOSS_TOLERANCE,
        "ours {loss}, LightGBM {lightgbm_loss} (tolerance {LOG_LOSS_TOLERANCE})"
    );
}

// ---- the same trees on the discrete dataset -------------------------------------------------

const TREE_ROWS: usize = 12_000;
const TREE_TRAIN: usize = 9_000;
const TREE_SEED: u64 = 20_251_206;

/// `tree_dataset()` of the script (its docstring says what each feature does): columns
/// `a, b, c, d, e, f` and labels, `TREE_ROWS` rows, the first `TREE_TRAIN` for training.
fn tree_dataset() -> (Vec<Vec<f32>>, Vec<bool>) {
    let mut rng = Lcg(TREE_SEED);
    let mut columns: Vec<Vec<f32>> = (0..6).map(|_| Vec::with_capacity(TREE_ROWS)).collect();
    let mut labels = Vec::with_capacity(TREE_ROWS);
    for _ in 0..TREE_ROWS {
        let u: Vec<f64> = (0..9).map(|_| rng.unit()).collect();
        let a = (u[0] * 5.0).floor();
        let b = (u[1] * 7.0).floor() - 3.0;
        let c = (u[2] * 6.0).floor() * 0.25;
        let d = if u[4] >= 0.15 {
            (u[3] * 3.0).floor()
        } else {
            f64::NAN
        };
        let e = (u[5] * 10.0).floor();
        let f = if u[7] >= 0.3 {
            if u[6] < 0.5 { 1.0 } else { 0.0 }
        } else {
            f64::NAN
        };
        let step = if c > 0.5 { 1.2 } else { -0.6 };
        let sign = if a >= 2.0 { 1.0 } else { -0.5 };
        let from_d = if d.is_nan() { 0.8 } else { 0.4 * d - 0.4 };
        let from_f = if f.is_nan() { 0.6 } else { 0.9 * f - 0.45 };
        // Summed left to right, term by term, exactly as the Python expression.
        let logit = 0.5 * a - 0.3 * b + step * sign + from_d + from_f - 0.9;
        labels.push(u[8] < 1.0 / (1.0 + (-logit).exp()));
        for (column, value) in columns.iter_mut().zip([a, b, c, d, e, f]) {
            column.push(value as f32);
        }
    }
    (columns, labels)
}

#[test]
fn tree_dataset_matches_the_python_script() {
    let (columns, labels) = tree_dataset();
    check_summary(
        &columns,
        &labels,
        TREE_TRAIN,
        get(&lightgbm(&["trees"]), "dataset"),
    );
}

/// A node of a LightGBM tree as the script flattens `dump_model()` (pre-order).
#[derive(Debug)]
enum LgbNode {
    Split {
        feature: usize,
        threshold: f64,
        default_left: bool,
        left: usize,
        right: usize,
    },
    Leaf {
        leaf_index: usize,
        value: f64,
        count: usize,
        hessian: f64,
    },
}

fn lgb_tree(nodes: &Value) -> Vec<LgbNode> {
    nodes
        .as_array()
        .expect("a tree is a list of nodes")
        .iter()
        .map(|node| {
            if node.get("feature").is_some() {
                LgbNode::Split {
                    feature: count(node, "feature"),
                    threshold: float(node, "threshold"),
                    default_left: get(node, "default_left").as_bool().expect("bool"),
                    left: count(node, "left"),
                    right: count(node, "right"),
                }
            } else {
                LgbNode::Leaf {
                    leaf_index: count(node, "leaf_index"),
                    value: float(node, "value"),
                    count: count(node, "count"),
                    hessian: float(node, "hessian"),
                }
            }
        })
        .collect()
}

/// `rows[node]`: the training rows reaching each node, ascending, given each row's leaf.
fn rows_per_node(n_nodes: usize, parent: &[Option<usize>], leaf_of_row: &[usize]) -> Vec<Vec<u32>> {
    let mut rows = vec![Vec::new(); n_nodes];
    for (row, &leaf) in leaf_of_row.iter().enumerate() {
        let mut node = Some(leaf);
        while let Some(n) = node {
            rows[n].push(row as u32);
            node = parent[n];
        }
    }
    rows
}

fn our_parents(tree: &Tree) -> Vec<Option<usize>> {
    let mut parent = vec![None; tree.nodes.len()];
    for (i, node) in tree.nodes.iter().enumerate() {
        if let Node::Split(s) = node {
            parent[s.left as usize] = Some(i);
            parent[s.right as usize] = Some(i);
        }
    }
    parent
}

fn lgb_parents(tree: &[LgbNode]) -> Vec<Option<usize>> {
    let mut parent = vec![None; tree.len()];
    for (i, node) in tree.iter().enumerate() {
        if let LgbNode::Split { left, right, .. } = node {
            parent[*left] = Some(i);
            parent[*right] = Some(i);
        }
    }
    parent
}

/// The node index of the leaf `row` reaches in our tree.
fn our_leaf(tree: &Tree, row: &[f32]) -> usize {
    let mut index = 0;
    loop {
        match &tree.nodes[index] {
            Node::Leaf(_) => return index,
            Node::Split(s) => {
                index = if s.goes_left(row[s.feature as usize]) {
                    s.left
                } else {
                    s.right
                } as usize;
            }
        }
    }
}

/// Our gradient `w·(p − y)` and hessian `w·p(1 − p)` of the log-loss for each row's score
/// (`w` = `scale_pos_weight` for a positive, 1 for a negative).
fn gradients(labels: &[bool], scores: &[f64], scale_pos_weight: f64) -> Vec<(f64, f64)> {
    labels
        .iter()
        .zip(scores)
        .map(|(&y, &m)| {
            let p = 1.0 / (1.0 + (-m).exp());
            let w = if y { scale_pos_weight } else { 1.0 };
            (w * (p - if y { 1.0 } else { 0.0 }), w * p * (1.0 - p))
        })
        .collect()
}

/// What one tree's comparison found.
#[derive(Default)]
struct TreeReport {
    /// Our leaf node → the bound its value was checked against.
    leaf_bounds: HashMap<usize, f64>,
    /// The largest observed leaf difference relative to its bound.
    worst_ratio: f64,
    mirrored_splits: usize,
    /// Splits whose node had missing values of the split feature, routed the same way.
    missing_directions: usize,
    /// Splits that route some training value able to reach the node apart (while its rows go
    /// alike): (feature, our threshold, LightGBM's).
    gaps: Vec<(usize, f32, f64)>,
}

struct Comparison<'a> {
    tree_index: usize,
    ours: &'a Tree,
    theirs: &'a [LgbNode],
    our_rows: Vec<Vec<u32>>,
    their_rows: Vec<Vec<u32>>,
    columns: &'a [Vec<f32>],
    /// Our gradient and hessian of every training row before this tree.
    gradients: Vec<(f64, f64)>,
    /// `|δ|`: how far LightGBM's score of each training row is from ours before this tree.
    differences: Vec<f64>,
    learning_rate: f64,
    lambda: f64,
    /// Added to the first tree's leaves by LightGBM.
    bias: f64,
    report: TreeReport,
}

impl Comparison<'_> {
    /// Compares our node `ours` with LightGBM's node `theirs`, and their subtrees. `ranges[j]`
    /// is `(lo, hi)`: the present values of feature `j` that can reach the node, `lo < x <= hi`,
    /// from our thresholds above it.
    fn compare(&mut self, ours: usize, theirs: usize, ranges: &[(f64, f64)]) {
        let t = self.tree_index;
        assert_eq!(
            self.our_rows[ours],
            self.their_rows[theirs],
            "tree {t}: our node {ours} ({} rows) and LightGBM's node {theirs} ({} rows) receive \
             different training rows; ours {:?}, LightGBM's {:?}",
            self.our_rows[ours].len(),
            self.their_rows[theirs].len(),
            self.ours.nodes[ours],
            self.theirs[theirs]
        );
        match (&self.ours.nodes[ours], &self.theirs[theirs]) {
            (
                Node::Split(split),
                LgbNode::Split {
                    feature,
                    threshold,
                    default_left,
                    left,
                    right,
                },
            ) => {
                let f = split.feature as usize;
                assert_eq!(
                    f, *feature,
                    "tree {t}, node {ours} ({} rows): we split on feature {f} at {} (gain {}), \
                     LightGBM on feature {feature} at {threshold}",
                    split.count, split.threshold, split.gain
                );
                let column = &self.columns[f];
                let node_rows = &self.our_rows[ours];
                let missing_rows: Vec<u32> = node_rows
                    .iter()
                    .copied()
                    .filter(|&r| column[r as usize].is_nan())
                    .collect();
                let (our_left, our_right) = (split.left as usize, split.right as usize);
                let straight = self.our_rows[our_left] == self.their_rows[*left];
                if straight {
                    if !missing_rows.is_empty() {
                        assert_eq!(
                            split.default_left, *default_left,
                            "tree {t}, node {ours}: missing values go the other way"
                        );
                        self.report.missing_directions += 1;
                    }
                } else {
                    // The "missing | present" tie (see the module docs): the same two row sets,
                    // swapped, one of them exactly the node's missing rows.
                    assert!(
                        self.our_rows[our_left] == self.their_rows[*right]
                            && (self.our_rows[our_right] == missing_rows
                                || self.our_rows[our_left] == missing_rows),
                        "tree {t}, node {ours}: both split feature {f}, but send different rows \
                         left (ours: x <= {} , {} rows; LightGBM: x <= {threshold}, {} rows)",
                        split.threshold,
                        self.our_rows[our_left].len(),
                        self.their_rows[*left].len()
                    );
                    self.report.mirrored_splits += 1;
                }
                // Thresholds as values of the data: the node's rows go alike (checked above);
                // so must every training value that can reach the node, or a held-out row with
                // such a value would be routed differently.
                let (lo, hi) = ranges[f];
                let ours_threshold = f64::from(split.threshold);
                let routed_apart = column.iter().any(|&v| {
                    let v = f64::from(v);
                    // NaN fails both comparisons and is skipped.
                    lo < v && v <= hi && (v <= ours_threshold) != ((v <= *threshold) == straight)
                });
                if routed_apart {
                    self.report.gaps.push((f, split.threshold, *threshold));
                }
                let (mut left_ranges, mut right_ranges) = (ranges.to_vec(), ranges.to_vec());
                left_ranges[f].1 = hi.min(ours_threshold);
                right_ranges[f].0 = lo.max(ours_threshold);
                let (their_left, their_right) = if straight {
                    (*left, *right)
                } else {
                    (*right, *left)
                };
                self.compare(our_left, their_left, &left_ranges);
                self.compare(our_right, their_right, &right_ranges);
            }
            (
                Node::Leaf(leaf),
                LgbNode::Leaf {
                    value,
                    count,
                    hessian,
                    ..
                },
            ) => {
                assert_eq!(
                    leaf.count as usize, *count,
                    "tree {t}, leaf {ours}: row count"
                );
                let rows = &self.our_rows[ours];
                let sum_over =
                    |f: &dyn Fn(usize) -> f64| rows.iter().map(|&r| f(r as usize)).sum::<f64>();
                let abs_gradients = sum_over(&|r| self.gradients[r].0.abs());
                // Σ h·|δ|: how far the differences in starting scores move G and H.
                let moved = sum_over(&|r| self.gradients[r].1 * self.differences[r]);
                let lr = self.learning_rate;
                let h = leaf.sum_hessian;
                let unshrunk = (leaf.value / lr).abs();
                let bound = 2.0 * lr / (h + self.lambda)
                    * (F32_ROUNDING * abs_gradients
                        + moved
                        + unshrunk * (F32_ROUNDING * h + moved))
                    + 4.0 * F64_ROUNDING * (self.bias.abs() + value.abs());
                let theirs = value - self.bias;
                let difference = (leaf.value - theirs).abs();
                assert!(
                    difference <= bound,
                    "tree {t}, leaf {ours} ({count} rows): value {} vs LightGBM {theirs}: \
                     difference {difference:e} above the bound {bound:e}",
                    leaf.value
                );
                let hessian_bound = 2.0 * (F32_ROUNDING * h + moved);
                assert!(
                    (h - hessian).abs() <= hessian_bound,
                    "tree {t}, leaf {ours}: hessian sum {h} vs LightGBM {hessian} (bound \
                     {hessian_bound:e})"
                );
                self.report.leaf_bounds.insert(ours, bound);
                self.report.worst_ratio = self.report.worst_ratio.max(difference / bound);
            }
            (node, lgb) => panic!(
                "tree {t}: our node {ours} and LightGBM's node {theirs} receive the same {} rows \
                 but one is a leaf: ours {node:?}, LightGBM's {lgb:?}",
                self.our_rows[ours].len()
            ),
        }
    }
}

/// A LightGBM parameter that only some configurations set.
fn optional(params: &Value, key: &str) -> Option<f64> {
    params.get(key).map(reference::f64_of)
}

/// Our GBDT with the script's tree parameters, on the training rows.
fn train_like_lightgbm(reference: &Value, columns: &[Vec<f32>], labels: &[bool]) -> GbdtModel {
    let p = get(reference, "params");
    // LightGBM's max_depth ≤ 0 (default -1) means no limit, as our 0 does.
    let max_depth = optional(p, "max_depth").map_or(0, |d| d.max(0.0) as usize);
    let params = GbdtParams::default()
        .num_trees(count(p, "num_iterations"))
        .max_leaves(count(p, "num_leaves"))
        .learning_rate(float(p, "learning_rate"))
        .lambda_l2(float(p, "lambda_l2"))
        .min_data_in_leaf(count(p, "min_data_in_leaf"))
        .min_sum_hessian_in_leaf(float(p, "min_sum_hessian_in_leaf"))
        .max_bins(count(p, "max_bin"))
        .bagging_fraction(float(p, "bagging_fraction"))
        .feature_fraction(float(p, "feature_fraction"))
        .min_gain_to_split(optional(p, "min_gain_to_split").unwrap_or(0.0))
        .max_depth(max_depth)
        .scale_pos_weight(optional(p, "scale_pos_weight").unwrap_or(1.0))
        .num_threads(1)
        .check()
        .expect("valid parameters");
    let train: Vec<&[f32]> = columns.iter().map(|c| &c[..TREE_TRAIN]).collect();
    let x = ColumnMatrix::new(train).expect("equal columns");
    train_gbdt(&params, &x, &labels[..TREE_TRAIN], None)
        .expect("trainable")
        .model
}

/// The first configuration: 30 trees of 15 leaves, `lambda_l2 = 1`, LightGBM boosting from
/// the average.
#[test]
fn trees_match_lightgbm() {
    assert_trees_match(&["trees"]);
}

/// The second configuration: 20 trees of at most 12 leaves and depth 4, learning rate 0.2, no
/// L2 penalty, positives weighted 3 to 1 (`scale_pos_weight`), and LightGBM given our starting
/// score `ln(3 P / N)` as its `init_score` (it would leave the weight out of its own).
#[test]
fn weighted_depth_limited_trees_match_lightgbm() {
    assert_trees_match(&["trees", "weighted"]);
}

/// Trains ours like the script's LightGBM configuration `args` and compares tree by tree (see
/// the module docs).
fn assert_trees_match(args: &[&str]) {
    let reference = lightgbm(args);
    let (columns, labels) = tree_dataset();
    let model = train_like_lightgbm(&reference, &columns, &labels);
    let p = get(&reference, "params");
    let learning_rate = float(p, "learning_rate");
    let lambda = float(p, "lambda_l2");
    let scale_pos_weight = optional(p, "scale_pos_weight").unwrap_or(1.0);
    let their_trees: Vec<Vec<LgbNode>> = get(&reference, "trees")
        .as_array()
        .expect("trees")
        .iter()
        .map(lgb_tree)
        .collect();
    let their_leaves = get(&reference, "train_leaves").as_array().expect("leaves");
    assert_eq!(model.trees.len(), their_trees.len(), "number of trees");

    let init_score = float(&reference, "init_score");
    // Both are the (weighted) log-odds of the base rate: ln(w P / N) here, and in LightGBM
    // ln(p / (1 − p)) from the average or the same ln(w P / N) given as init_score; a few
    // roundings apart at most.
    assert!(
        (model.base_score - init_score).abs() <= 8.0 * F64_ROUNDING * init_score.abs(),
        "base score {} vs LightGBM {init_score}",
        model.base_score
    );
    let rows: Vec<Vec<f32>> = (0..TREE_ROWS)
        .map(|i| columns.iter().map(|c| c[i]).collect())
        .collect();
    let train_labels = &labels[..TREE_TRAIN];
    // Training scores before each tree: ours, LightGBM's (the sum of the leaves it assigned,
    // its first tree including its starting score), and each row's accumulated bound on their
    // difference (the sum of the bounds of the leaves it went through).
    let mut our_scores = vec![model.base_score; TREE_TRAIN];
    // LightGBM's starting score is in its first tree's leaves (`first_tree_bias`) or outside
    // its trees (`score_offset`), one of the two being 0.
    let first_tree_bias = float(&reference, "first_tree_bias");
    let mut their_scores = vec![float(&reference, "score_offset"); TREE_TRAIN];
    let mut row_bounds = vec![(model.base_score - init_score).abs(); TREE_TRAIN];
    let mut leaf_bounds: Vec<HashMap<usize, f64>> = Vec::new();
    let (mut mirrored, mut missing_directions) = (0, 0);
    let (mut gaps, mut worst_ratio) = (Vec::new(), 0.0_f64);
    for (t, (ours, theirs)) in model.trees.iter().zip(&their_trees).enumerate() {
        let our_leaf_of_row: Vec<usize> = rows[..TREE_TRAIN]
            .iter()
            .map(|row| our_leaf(ours, row))
            .collect();
        let leaf_node: HashMap<usize, usize> = theirs
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match n {
                LgbNode::Leaf { leaf_index, .. } => Some((*leaf_index, i)),
                LgbNode::Split { .. } => None,
            })
            .collect();
        let their_leaf_of_row: Vec<usize> = reference::counts_of(&their_leaves[t])
            .into_iter()
            .map(|leaf| leaf_node[&leaf])
            .collect();
        let differences: Vec<f64> = if t == 0 {
            row_bounds.clone()
        } else {
            their_scores
                .iter()
                .zip(&our_scores)
                .map(|(a, b)| (a - b).abs())
                .collect()
        };
        let mut comparison = Comparison {
            tree_index: t,
            ours,
            theirs,
            our_rows: rows_per_node(ours.nodes.len(), &our_parents(ours), &our_leaf_of_row),
            their_rows: rows_per_node(theirs.len(), &lgb_parents(theirs), &their_leaf_of_row),
            columns: &columns,
            gradients: gradients(train_labels, &our_scores, scale_pos_weight),
            differences,
            learning_rate,
            lambda,
            bias: if t == 0 { first_tree_bias } else { 0.0 },
            report: TreeReport::default(),
        };
        comparison.compare(0, 0, &[(f64::NEG_INFINITY, f64::INFINITY); 6]);
        let report = comparison.report;
        mirrored += report.mirrored_splits;
        missing_directions += report.missing_directions;
        worst_ratio = worst_ratio.max(report.worst_ratio);
        gaps.extend(report.gaps.iter().map(|g| (t, *g)));
        for (row, (&leaf, &their_leaf)) in
            our_leaf_of_row.iter().zip(&their_leaf_of_row).enumerate()
        {
            if let (Node::Leaf(l), LgbNode::Leaf { value, .. }) =
                (&ours.nodes[leaf], &theirs[their_leaf])
            {
                our_scores[row] += l.value;
                their_scores[row] += value;
            }
            row_bounds[row] += report.leaf_bounds[&leaf];
            assert!(
                (our_scores[row] - their_scores[row]).abs() <= row_bounds[row],
                "training row {row} after tree {t}: score {} vs LightGBM {} (bound {:e})",
                our_scores[row],
                their_scores[row],
                row_bounds[row]
            );
        }
        leaf_bounds.push(report.leaf_bounds);
    }
    // The dataset exercises the learned direction of missing values.
    assert!(
        missing_directions > 0,
        "no split had missing values to route"
    );
    assert!(
        gaps.is_empty(),
        "splits that route the node's rows alike but other values that can reach the node \
         apart (tree, (feature, ours, LightGBM's)): {gaps:?}; held-out rows with those values \
         would be routed differently"
    );
    let largest_difference = our_scores
        .iter()
        .zip(&their_scores)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let largest_bound = row_bounds.iter().copied().fold(0.0, f64::max);
    println!(
        "{} trees identical in structure ({missing_directions} splits with missing values \
         routed alike, {mirrored} mirrored missing | present splits, \
         splits routing values apart: {gaps:?}); largest leaf difference \
         {worst_ratio:.3} of its bound; training scores differ by at most \
         {largest_difference:e} (bound up to {largest_bound:e}) ({})",
        model.trees.len(),
        reference::versions(&reference)
    );

    // LightGBM's predicted raw scores, against ours: training rows, then held-out rows, each
    // within the sum of the bounds of the leaves it reaches, plus the rounding of two sums of
    // 30 terms (LightGBM's prediction against its training scores, and ours).
    let sum_rounding =
        |score: f64| 4.0 * F64_ROUNDING * model.trees.len() as f64 * score.abs().max(1.0);
    let train_raw = reference::floats(&reference, "train_raw_scores");
    assert_eq!(train_raw.len(), TREE_TRAIN);
    for (row, &theirs) in train_raw.iter().enumerate() {
        let ours = model.predict_margin(&rows[row]);
        let bound = row_bounds[row] + sum_rounding(theirs);
        assert!(
            (theirs - ours).abs() <= bound,
            "training row {row}: raw score {ours} vs LightGBM {theirs} (bound {bound:e})"
        );
    }
    let test_raw = reference::floats(&reference, "test_raw_scores");
    assert_eq!(test_raw.len(), TREE_ROWS - TREE_TRAIN);
    for (i, &theirs) in test_raw.iter().enumerate() {
        let row = &rows[TREE_TRAIN + i];
        let ours = model.predict_margin(row);
        let leaves_bound: f64 = model
            .trees
            .iter()
            .zip(&leaf_bounds)
            .map(|(tree, bounds)| bounds[&our_leaf(tree, row)])
            .sum();
        let bound = (model.base_score - init_score).abs() + leaves_bound + sum_rounding(theirs);
        assert!(
            (theirs - ours).abs() <= bound,
            "held-out row {i}: raw score {ours} vs LightGBM {theirs} (bound {bound:e})"
        );
    }
}
