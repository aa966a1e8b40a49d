//! The boosting loop: gradients from the objective, a bag of rows and a set of features per
//! round, one tree grown on them, scores updated, losses recorded, early stopping.

use rayon::prelude::*;

use super::binning::{BinMapper, BinnedMatrix};
use super::grower::{BinNode, BinTree, GrowBuffers, GrowInputs, TreeShape, grow_tree};
use super::histogram::GradientPair;
use super::inputs::{check_training_data, check_weights};
use super::model::{GbdtModel, LeafNode, Node, SplitNode, Tree, add_tree};
use super::objective::{BinaryLogLoss, Objective, mean_log_loss};
use super::params::ValidGbdtParams;
use super::sampling::{bag_rows, tree_features};
use super::split::SplitRules;
use crate::{ColumnMatrix, TrainError};

/// Rows per parallel task in the per-row passes of the boosting loop.
const ROWS_PER_TASK: usize = 4096;

/// Mean log-loss after a number of trees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundLoss {
    /// Trees in the model at this point (0 = the base score alone).
    pub trees: usize,
    /// Mean log-loss on the training rows (all of them, not only the bag). Recorded before the
    /// first tree and after the last, and after every tree with `record_train_loss`.
    pub train_log_loss: Option<f64>,
    /// Mean log-loss on the validation rows, when a validation set was given.
    pub valid_log_loss: Option<f64>,
}

/// What [`train_gbdt`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct GbdtTraining {
    /// The trained model.
    pub model: GbdtModel,
    /// Losses before the first tree and after each tree, in order (including rounds after the
    /// best one that early stopping removed from the model).
    pub history: Vec<RoundLoss>,
}

/// Trains a binary classifier on `x` (rows = applications, `NaN` = missing) and labels `y`
/// (`true` = positive).
///
/// With `valid`, the validation log-loss is recorded after every tree, and
/// `model.best_iteration` is the number of trees where it was lowest. If
/// `early_stopping_rounds > 0`, boosting stops once it has not improved for that many rounds,
/// and the model keeps the trees up to the best round (also when `num_trees` is reached
/// first). Boosting also stops early when a tree finds no split.
///
/// The result is a function of the parameters and the data only: the same inputs give a
/// bit-identical model whatever the number of threads.
///
/// # Errors
///
/// Before any compute: [`TrainError::LengthMismatch`] / [`TrainError::EmptyInput`] /
/// [`TrainError::TooManyRows`] for the shape of `x`, `y` or `valid`,
/// [`TrainError::NonFiniteFeature`] for `±∞` in a feature, [`TrainError::SingleClass`] when `y`
/// holds one class, [`TrainError::FeatureCountMismatch`] when `monotone_constraints` (if not
/// empty) or `valid` does not have one entry per feature, and [`TrainError::ThreadPool`] when
/// `num_threads` threads cannot be started.
pub fn train_gbdt(
    params: &ValidGbdtParams,
    x: &ColumnMatrix<'_>,
    y: &[bool],
    valid: Option<(&ColumnMatrix<'_>, &[bool])>,
) -> Result<GbdtTraining, TrainError> {
    train_gbdt_weighted(params, x, y, None, valid)
}

/// [`train_gbdt`] with a weight per training row (`None`: every row weighs 1, exactly
/// [`train_gbdt`]).
///
/// A weight scales its row's gradient and hessian, so a row of integer weight `k` counts as
/// `k` copies of it in every histogram sum; the base score is the log-odds of the weighted
/// base rate. Row counts are not weighted: `min_data_in_leaf` and the node counts of the
/// model (the covers of TreeSHAP) count rows, and `min_sum_hessian_in_leaf` sees weighted
/// hessians. The recorded training log-loss is the unweighted mean over rows, the validation
/// one unweighted as before.
///
/// # Errors
///
/// Those of [`train_gbdt`], and for `weights`: [`TrainError::LengthMismatch`] when there is
/// not one per training row, [`TrainError::NonFinite`] / [`TrainError::NegativeWeight`] for a
/// weight that is not a finite number `≥ 0`, [`TrainError::WeightlessClass`] when every row
/// of a class weighs 0.
pub fn train_gbdt_weighted(
    params: &ValidGbdtParams,
    x: &ColumnMatrix<'_>,
    y: &[bool],
    weights: Option<&[f64]>,
    valid: Option<(&ColumnMatrix<'_>, &[bool])>,
) -> Result<GbdtTraining, TrainError> {
    check_training_data(params, x, y, valid)?;
    if let Some(w) = weights {
        check_weights(w, y)?;
    }
    let threads = params.num_threads();
    if threads == 0 {
        return Ok(boost(params, x, y, weights, valid));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| TrainError::ThreadPool {
            threads,
            message: e.to_string(),
        })?;
    Ok(pool.install(|| boost(params, x, y, weights, valid)))
}

/// The boosting loop on checked inputs.
fn boost(
    params: &ValidGbdtParams,
    x: &ColumnMatrix<'_>,
    y: &[bool],
    weights: Option<&[f64]>,
    valid: Option<(&ColumnMatrix<'_>, &[bool])>,
) -> GbdtTraining {
    let n_rows = x.n_rows();
    let binned = BinnedMatrix::new(x.columns(), n_rows, params.max_bins());
    let objective = BinaryLogLoss {
        scale_pos_weight: params.scale_pos_weight(),
    };
    let base_score = objective.initial_score_weighted(y, weights);
    let monotone = params.monotone_constraints();
    let shape = TreeShape {
        rules: SplitRules {
            lambda_l2: params.lambda_l2(),
            min_data_in_leaf: u32::try_from(params.min_data_in_leaf()).unwrap_or(u32::MAX),
            min_sum_hessian_in_leaf: params.min_sum_hessian_in_leaf(),
            min_gain_to_split: params.min_gain_to_split(),
        },
        max_leaves: params.max_leaves(),
        max_depth: params.max_depth(),
        monotone: &monotone,
    };
    let learning_rate = params.learning_rate();

    let mut scores = vec![base_score; n_rows];
    let mut valid_scores = valid.map(|(vx, _)| vec![base_score; vx.n_rows()]);
    let valid_loss = |valid_scores: &Option<Vec<f64>>| {
        valid
            .zip(valid_scores.as_ref())
            .map(|((_, vy), s)| mean_log_loss(vy, s))
    };
    let mut history = vec![RoundLoss {
        trees: 0,
        train_log_loss: Some(mean_log_loss(y, &scores)),
        valid_log_loss: valid_loss(&valid_scores),
    }];
    let early_stopping = valid.is_some() && params.early_stopping_rounds() > 0;
    let mut best: Option<(usize, f64)> = None;

    let mut gradients = vec![0.0; n_rows];
    let mut hessians = vec![0.0; n_rows];
    let mut pairs = vec![GradientPair::default(); n_rows];
    let mut buffers = GrowBuffers::default();
    let mut in_bag = vec![false; n_rows];
    let mut trees = Vec::new();
    for round in 0..params.num_trees() {
        objective.gradients(y, &scores, &mut gradients, &mut hessians);
        // Row weights scale each row's gradient and hessian.
        match weights {
            Some(w) => pairs
                .par_iter_mut()
                .zip(gradients.par_iter().zip(&hessians).zip(w))
                .with_min_len(ROWS_PER_TASK)
                .for_each(|(pair, ((&g, &h), &w))| *pair = GradientPair::new(g * w, h * w)),
            None => pairs
                .par_iter_mut()
                .zip(gradients.par_iter().zip(&hessians))
                .with_min_len(ROWS_PER_TASK)
                .for_each(|(pair, (&g, &h))| *pair = GradientPair::new(g, h)),
        }
        let rows = bag_rows(
            n_rows,
            params.bagging_fraction(),
            params.bagging_seed(),
            round,
        );
        let active = tree_features(
            x.n_features(),
            params.feature_fraction(),
            params.seed(),
            round,
        );
        let inputs = GrowInputs {
            binned: &binned,
            pairs: &pairs,
            active: &active,
        };
        let grown = grow_tree(&inputs, &rows, &shape, &mut buffers);
        if grown.tree.n_leaves() < 2 {
            break;
        }
        let tree = to_model_tree(&grown.tree, &binned.mappers, learning_rate);
        // In-bag rows: each leaf's row range from the grower. Out-of-bag rows are routed by
        // their bins, exactly as the tree was grown; the tests check that this equals routing
        // their `f32` values through `tree`.
        for &(node, leaf_rows) in &grown.leaves {
            if let Node::Leaf(leaf) = &tree.nodes[node] {
                for &row in leaf_rows {
                    scores[row as usize] += leaf.value;
                }
            }
        }
        if rows.len() < n_rows {
            for &row in &rows {
                in_bag[row as usize] = true;
            }
            let bin_tree = &grown.tree;
            scores
                .par_iter_mut()
                .zip(&in_bag)
                .enumerate()
                .with_min_len(ROWS_PER_TASK)
                .for_each(|(row, (score, &bagged))| {
                    if !bagged
                        && let Node::Leaf(leaf) = &tree.nodes[bin_tree.leaf_of_row(&binned, row)]
                    {
                        *score += leaf.value;
                    }
                });
            for &row in &rows {
                in_bag[row as usize] = false;
            }
        }
        if let (Some((vx, _)), Some(vs)) = (valid, valid_scores.as_mut()) {
            add_tree(&tree, vx, vs);
        }
        trees.push(tree);
        let last_round = trees.len() == params.num_trees();
        let record = RoundLoss {
            trees: trees.len(),
            train_log_loss: (params.record_train_loss() || last_round)
                .then(|| mean_log_loss(y, &scores)),
            valid_log_loss: valid_loss(&valid_scores),
        };
        history.push(record);
        if let Some(loss) = record.valid_log_loss {
            if best.is_none_or(|(_, best_loss)| loss < best_loss) {
                best = Some((trees.len(), loss));
            }
            let best_trees = best.map_or(0, |(t, _)| t);
            if early_stopping && trees.len() - best_trees >= params.early_stopping_rounds() {
                break;
            }
        }
    }
    if let Some(last) = history.last_mut()
        && last.train_log_loss.is_none()
    {
        last.train_log_loss = Some(mean_log_loss(y, &scores));
    }
    let best_iteration = best.map(|(t, _)| t);
    if early_stopping && let Some(best_trees) = best_iteration {
        trees.truncate(best_trees);
    }
    GbdtTraining {
        model: GbdtModel {
            base_score,
            trees,
            n_features: x.n_features(),
            feature_names: None,
            best_iteration,
        },
        history,
    }
}

/// The model form of a grown tree: `f32` thresholds from the bin bounds, leaf values shrunk
/// by the learning rate. Node indices are kept.
fn to_model_tree(tree: &BinTree, mappers: &[BinMapper], learning_rate: f64) -> Tree {
    let nodes = tree
        .nodes
        .iter()
        .map(|node| match *node {
            BinNode::Split {
                feature,
                threshold_bin,
                default_left,
                left,
                right,
                gain,
                sums,
            } => Node::Split(SplitNode {
                feature: feature as u32,
                threshold: mappers[feature].threshold(threshold_bin),
                default_left,
                left: left as u32,
                right: right as u32,
                gain,
                count: sums.count,
                sum_hessian: sums.hessian,
            }),
            BinNode::Leaf { output, sums } => Node::Leaf(LeafNode {
                value: output * learning_rate,
                count: sums.count,
                sum_hessian: sums.hessian,
            }),
        })
        .collect();
    Tree { nodes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gbdt::params::GbdtParams;

    struct Lcg(u64);

    impl Lcg {
        fn unit(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 * (1.0 / 9007199254740992.0)
        }
    }

    /// Training-time routing (bins) equals prediction-time routing (`f32` thresholds) for every
    /// training row and tree, on data with missing values, heavy ties, values that sit on
    /// adjacent `f32`s (so thresholds equal training values) and more distinct values than bins.
    #[test]
    fn bin_routing_equals_float_routing_on_training_rows() {
        let n = 3000;
        let mut rng = Lcg(5);
        let mut columns: Vec<Vec<f32>> = (0..4).map(|_| Vec::with_capacity(n)).collect();
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let a = (rng.unit() * 10.0).floor() as f32;
            let b = if rng.unit() < 0.5 {
                1.0_f32
            } else {
                1.0_f32.next_up()
            };
            let c = if rng.unit() < 0.2 {
                f32::NAN
            } else {
                rng.unit() as f32 * 3.0 - 1.0
            };
            let d = (rng.unit() * 1e6) as f32;
            let signal = 0.3 * f64::from(a) - 1.5
                + if b > 1.0 { 1.0 } else { -1.0 }
                + if c.is_nan() { 1.0 } else { f64::from(c) }
                + f64::from(d) * 1e-6;
            y.push(rng.unit() < 1.0 / (1.0 + (-signal).exp()));
            for (column, v) in columns.iter_mut().zip([a, b, c, d]) {
                column.push(v);
            }
        }
        let refs: Vec<&[f32]> = columns.iter().map(Vec::as_slice).collect();
        let x = ColumnMatrix::new(refs.clone()).unwrap();
        let params = GbdtParams::default()
            .num_trees(20)
            .learning_rate(0.3)
            .max_leaves(15)
            .min_data_in_leaf(5)
            .max_bins(64)
            .bagging_fraction(0.7)
            .check()
            .unwrap();
        let training = train_gbdt(&params, &x, &y, None).unwrap();
        let binned = BinnedMatrix::new(&refs, n, 64);
        let mut thresholds_on_training_values = 0;
        let mut row_values = vec![0.0_f32; 4];
        for tree in &training.model.trees {
            // Rebuild the bin-space tree from the model's thresholds to route by bins.
            let bin_tree = BinTree {
                nodes: tree
                    .nodes
                    .iter()
                    .map(|node| match node {
                        Node::Split(s) => {
                            let mapper = &binned.mappers[s.feature as usize];
                            let threshold_bin = (0..mapper.n_value_bins())
                                .find(|&b| mapper.threshold(b) == s.threshold)
                                .expect("every threshold is a bin bound");
                            if refs[s.feature as usize].contains(&s.threshold) {
                                thresholds_on_training_values += 1;
                            }
                            BinNode::Split {
                                feature: s.feature as usize,
                                threshold_bin,
                                default_left: s.default_left,
                                left: s.left as usize,
                                right: s.right as usize,
                                gain: s.gain,
                                sums: Default::default(),
                            }
                        }
                        Node::Leaf(_) => BinNode::Leaf {
                            output: 0.0,
                            sums: Default::default(),
                        },
                    })
                    .collect(),
            };
            for row in 0..n {
                x.row_into(row, &mut row_values);
                let by_bins = bin_tree.leaf_of_row(&binned, row);
                let leaf = tree.leaf(&row_values);
                let by_floats = tree
                    .nodes
                    .iter()
                    .position(|node| matches!(node, Node::Leaf(l) if std::ptr::eq(l, leaf)))
                    .unwrap();
                assert_eq!(by_bins, by_floats, "row {row}");
            }
        }
        assert!(
            thresholds_on_training_values > 0,
            "feature b splits at 1.0 itself"
        );
        // The training scores the booster kept (bin routing) give the same loss as the
        // model's own predictions: bit-identical margins.
        let margins = training.model.predict_margins(&x).unwrap();
        let last = training.history.last().unwrap();
        assert_eq!(
            Some(mean_log_loss(&y, &margins).to_bits()),
            last.train_log_loss.map(f64::to_bits)
        );
    }
}
