//! Properties of the GBDT that hold for any data: the training loss falls, missing values
//! follow the learned (or documented) direction, thresholds route exactly, monotone constraints
//! hold, and training is deterministic.
//!
//! Datasets come from Knuth's MMIX LCG (as in `sklearn_parity.rs`), so they are fixed.

use appfraud_train::{
    ColumnMatrix, GbdtModel, GbdtParams, GbdtTraining, Node, Tree, ValidGbdtParams, train_gbdt,
};

#[path = "support/lcg.rs"]
mod lcg;
use lcg::Lcg;

/// Column-major features and labels.
struct Data {
    columns: Vec<Vec<f32>>,
    labels: Vec<bool>,
}

impl Data {
    /// `n` rows; `row(rng)` returns one row's features and the log-odds of its label.
    fn generate(n: usize, seed: u64, mut row: impl FnMut(&mut Lcg) -> (Vec<f32>, f64)) -> Data {
        let mut rng = Lcg(seed);
        let mut columns: Vec<Vec<f32>> = Vec::new();
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let (features, log_odds) = row(&mut rng);
            columns.resize_with(features.len(), || Vec::with_capacity(n));
            for (column, value) in columns.iter_mut().zip(features) {
                column.push(value);
            }
            labels.push(rng.unit() < 1.0 / (1.0 + (-log_odds).exp()));
        }
        Data { columns, labels }
    }

    fn matrix(&self) -> ColumnMatrix<'_> {
        ColumnMatrix::new(self.columns.iter().map(Vec::as_slice).collect()).unwrap()
    }

    fn train(&self, params: &ValidGbdtParams) -> GbdtTraining {
        train_gbdt(params, &self.matrix(), &self.labels, None).expect("valid data")
    }
}

/// Five features: an interaction, a step, noise, and one feature missing 20% of the time.
fn mixed_data(n: usize, seed: u64) -> Data {
    Data::generate(n, seed, |rng| {
        let a = rng.unit() * 2.0 - 1.0;
        let b = rng.unit() * 2.0 - 1.0;
        let c = (rng.unit() * 8.0).floor();
        let d = rng.unit();
        let e = if rng.unit() < 0.2 {
            f64::NAN
        } else {
            rng.unit()
        };
        let log_odds =
            2.0 * a * b + if c > 4.0 { 1.0 } else { -0.5 } + if e.is_nan() { 0.8 } else { -e };
        (
            vec![a as f32, b as f32, c as f32, d as f32, e as f32],
            log_odds,
        )
    })
}

fn splits(tree: &Tree) -> impl Iterator<Item = &appfraud_train::SplitNode> {
    tree.nodes.iter().filter_map(|node| match node {
        Node::Split(split) => Some(split),
        Node::Leaf(_) => None,
    })
}

fn count_of(tree: &Tree, index: u32) -> u32 {
    match &tree.nodes[index as usize] {
        Node::Split(split) => split.count,
        Node::Leaf(leaf) => leaf.count,
    }
}

#[test]
fn training_log_loss_decreases_every_round() {
    let data = mixed_data(2000, 1);
    let params = GbdtParams::default()
        .num_trees(40)
        .learning_rate(0.2)
        .max_leaves(8)
        .record_train_loss(true)
        .check()
        .unwrap();
    let training = data.train(&params);
    assert_eq!(training.history.len(), 41);
    assert_eq!(training.history[0].trees, 0);
    // Reference: the loss of the base score alone is the entropy of the base rate.
    let rate = data.labels.iter().filter(|&&y| y).count() as f64 / 2000.0;
    let entropy = -(rate * rate.ln() + (1.0 - rate) * (1.0 - rate).ln());
    let losses: Vec<f64> = training
        .history
        .iter()
        .map(|r| r.train_log_loss.expect("recorded every round"))
        .collect();
    assert!((losses[0] - entropy).abs() < 1e-12);
    for (pair, rounds) in losses.windows(2).zip(training.history.windows(2)) {
        assert!(
            pair[1] < pair[0],
            "round {}: {} then {}",
            rounds[1].trees,
            pair[0],
            pair[1]
        );
    }
    assert!(training.history.iter().all(|r| r.valid_log_loss.is_none()));
}

/// Labels are deterministic (log-odds ±50). Rows with a missing value are all positive; present values are positive above 0.7 (first
/// case) or below 0.3 (second case). The root splits there and sends `NaN` to the positive
/// side: right in the first case, left in the second.
#[test]
fn missing_values_follow_the_learned_default_direction() {
    for (positive_above, cut, expect_default_left) in [(true, 0.7_f32, false), (false, 0.3, true)] {
        let data = Data::generate(1000, 2, |rng| {
            let missing = rng.unit() < 0.3;
            let x = rng.unit() as f32;
            let positive = missing || if positive_above { x > cut } else { x <= cut };
            let value = if missing { f32::NAN } else { x };
            (vec![value], if positive { 50.0 } else { -50.0 })
        });
        let params = GbdtParams::default()
            .num_trees(10)
            .learning_rate(0.5)
            .check()
            .unwrap();
        let model = data.train(&params).model;
        let Node::Split(root) = &model.trees[0].nodes[0] else {
            panic!("the root splits")
        };
        assert_eq!(root.default_left, expect_default_left);
        assert!(
            (root.threshold - cut).abs() < 0.02,
            "threshold {}",
            root.threshold
        );
        // Every tree sends NaN with the positives. (Later trees may add splits of gain ~1e-16
        // inside a pure leaf whose children differ by rounding only, hence the tolerance.)
        let positive_value = if positive_above { 0.95 } else { 0.05 };
        let negative_value = if positive_above { 0.05 } else { 0.95 };
        let nan_margin = model.predict_margin(&[f32::NAN]);
        assert!((nan_margin - model.predict_margin(&[positive_value])).abs() < 1e-9);
        assert!(model.predict_proba(&[f32::NAN]) > 0.9);
        assert!(model.predict_proba(&[negative_value]) < 0.1);
    }
}

/// A feature never missing in training: at prediction, `NaN` goes to the child that received
/// more training rows (ties left) at every node, which an independent walk reproduces.
#[test]
fn nan_for_a_feature_never_missing_in_training_goes_to_the_larger_child() {
    let data = mixed_data(3000, 3);
    assert!(data.columns[0].iter().all(|v| !v.is_nan()));
    let params = GbdtParams::default()
        .num_trees(20)
        .learning_rate(0.2)
        .check()
        .unwrap();
    let model = data.train(&params).model;
    let mut checked_nodes = 0;
    for tree in &model.trees {
        for split in splits(tree).filter(|s| s.feature == 0) {
            let larger_is_left = count_of(tree, split.left) >= count_of(tree, split.right);
            assert_eq!(split.default_left, larger_is_left);
            checked_nodes += 1;
        }
    }
    assert!(checked_nodes > 10);
    let walk = |tree: &Tree, row: &[f32]| {
        let mut index = 0u32;
        loop {
            match &tree.nodes[index as usize] {
                Node::Leaf(leaf) => return leaf.value,
                Node::Split(s) => {
                    let value = row[s.feature as usize];
                    let left = if value.is_nan() {
                        count_of(tree, s.left) >= count_of(tree, s.right)
                    } else {
                        value <= s.threshold
                    };
                    index = if left { s.left } else { s.right };
                }
            }
        }
    };
    for row in [
        [f32::NAN, 0.5, 6.0, 0.5, 0.2],
        [f32::NAN, -0.9, 1.0, 0.1, 0.9],
    ] {
        let expected = model
            .trees
            .iter()
            .fold(model.base_score, |m, t| m + walk(t, &row));
        assert_eq!(model.predict_margin(&row), expected);
    }
}

/// Every threshold routes exactly as training did. Feature 0 takes only the adjacent `f32`
/// values 1.0 and `next_up(1.0)`, so a split on it must have threshold exactly 1.0: rows equal
/// to it go left, its successor goes right. For every node of every tree, the number of
/// training rows that the `f32` prediction rule sends there equals the count recorded during
/// training (routing by bins), and the predicted margins reproduce the training loss exactly.
#[test]
fn thresholds_are_exact_and_training_routing_equals_prediction_routing() {
    let one = 1.0_f32;
    let successor = f32::from_bits(one.to_bits() + 1);
    assert_eq!(successor, one.next_up());
    let data = Data::generate(4000, 4, |rng| {
        let a = if rng.unit() < 0.5 { one } else { successor };
        let b = (rng.unit() * 20.0).floor() as f32 * 0.25;
        let c = if rng.unit() < 0.1 {
            f32::NAN
        } else {
            rng.unit() as f32
        };
        let log_odds =
            if a > one { 1.5 } else { -1.5 } + f64::from(b) * 0.2 - 1.0 + f64::from(c).min(2.0);
        (vec![a, b, c], log_odds)
    });
    let params = GbdtParams::default()
        .num_trees(15)
        .learning_rate(0.3)
        .max_leaves(12)
        .min_data_in_leaf(5)
        .check()
        .unwrap();
    let training = data.train(&params);
    let model = &training.model;
    let x = data.matrix();
    let mut splits_on_a = 0;
    let mut row = vec![0.0_f32; 3];
    for tree in &model.trees {
        for split in splits(tree) {
            let t = split.threshold;
            assert!(split.goes_left(t), "x == threshold goes left");
            assert!(!split.goes_left(t.next_up()), "the next f32 goes right");
            if split.feature == 0 {
                assert_eq!(t, one);
                splits_on_a += 1;
            }
        }
        // Route every training row by the prediction rule and count rows per node.
        let mut reached = vec![0u32; tree.nodes.len()];
        for i in 0..x.n_rows() {
            x.row_into(i, &mut row);
            let mut index = 0usize;
            loop {
                reached[index] += 1;
                match &tree.nodes[index] {
                    Node::Leaf(_) => break,
                    Node::Split(s) => {
                        index = if s.goes_left(row[s.feature as usize]) {
                            s.left as usize
                        } else {
                            s.right as usize
                        };
                    }
                }
            }
        }
        for (index, &count) in reached.iter().enumerate() {
            assert_eq!(count, count_of(tree, index as u32), "node {index}");
        }
    }
    assert!(splits_on_a > 0);
    // Margins predicted from floats give exactly the training loss the booster computed from
    // its own (bin-routed) scores.
    let margins = model.predict_margins(&x).unwrap();
    for (i, &m) in margins.iter().enumerate() {
        x.row_into(i, &mut row);
        assert_eq!(m.to_bits(), model.predict_margin(&row).to_bits());
    }
    let loss: f64 = data
        .labels
        .iter()
        .zip(&margins)
        .map(|(&y, &m)| {
            let z = if y { -m } else { m };
            z.max(0.0) + (-z.abs()).exp().ln_1p()
        })
        .sum::<f64>()
        / margins.len() as f64;
    assert_eq!(
        loss.to_bits(),
        training
            .history
            .last()
            .unwrap()
            .train_log_loss
            .expect("recorded after the last tree")
            .to_bits()
    );
}

/// The probability rises with feature 0 except for a dip, falls with feature 1 except for a
/// bump; constrained +1 / −1, predictions are monotone along each on a 60 × 60 grid of the
/// other features (and the unconstrained model is not, so the check has teeth).
#[test]
fn monotone_constraints_hold_on_a_grid() {
    let data = Data::generate(4000, 5, |rng| {
        let a = rng.unit() as f32;
        let b = rng.unit() as f32;
        let c = rng.unit() as f32;
        let (a64, b64, c64) = (f64::from(a), f64::from(b), f64::from(c));
        let dip = if (0.4..0.6).contains(&a64) { -2.5 } else { 0.0 };
        let bump = if (0.3..0.5).contains(&b64) { 2.5 } else { 0.0 };
        let log_odds = 3.0 * a64 + dip - 3.0 * b64 + bump + 2.0 * (c64 - 0.5) * a64;
        (vec![a, b, c], log_odds)
    });
    let base = GbdtParams::default()
        .num_trees(60)
        .learning_rate(0.2)
        .max_leaves(15);
    let constrained = data
        .train(
            &base
                .clone()
                .monotone_constraints(vec![1, -1, 0])
                .check()
                .unwrap(),
        )
        .model;
    let free = data.train(&base.check().unwrap()).model;
    let grid: Vec<f32> = (0..=59).map(|i| i as f32 / 59.0).collect();
    let violations = |model: &GbdtModel, feature: usize, direction: f64| {
        let mut count = 0;
        for &u in &grid {
            for &v in &grid {
                let mut previous = f64::NEG_INFINITY;
                for &t in &grid {
                    let row = match feature {
                        0 => [t, u, v],
                        _ => [u, t, v],
                    };
                    let margin = direction * model.predict_margin(&row);
                    if margin < previous {
                        count += 1;
                    }
                    previous = margin;
                }
            }
        }
        count
    };
    assert_eq!(
        violations(&constrained, 0, 1.0),
        0,
        "non-decreasing in feature 0"
    );
    assert_eq!(
        violations(&constrained, 1, -1.0),
        0,
        "non-increasing in feature 1"
    );
    assert!(
        violations(&free, 0, 1.0) > 0,
        "without the constraint the dip is learned"
    );
    assert!(
        violations(&free, 1, -1.0) > 0,
        "without the constraint the bump is learned"
    );
}

/// Same parameters and data → bit-identical model (compared as JSON, which spells every float
/// exactly, and as data), with bagging and feature subsampling on, whatever the thread count.
/// The data is large enough (14,000 rows in a bag × 3 features) that the large nodes build
/// their histograms in parallel.
#[test]
fn training_is_deterministic_across_runs_and_thread_counts() {
    let data = mixed_data(20_000, 6);
    let params = GbdtParams::default()
        .num_trees(25)
        .learning_rate(0.2)
        .bagging_fraction(0.7)
        .feature_fraction(0.6)
        .seed(9)
        .bagging_seed(4);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| data.train(&params.clone().check().unwrap()))
    };
    let reference = run(1);
    let json = serde_json::to_string(&reference.model).unwrap();
    for threads in [1, 2, 2] {
        let again = run(threads);
        assert_eq!(
            serde_json::to_string(&again.model).unwrap(),
            json,
            "{threads} threads"
        );
        assert_eq!(again, reference);
    }
    let via_parameter = data.train(&params.clone().num_threads(2).check().unwrap());
    assert_eq!(serde_json::to_string(&via_parameter.model).unwrap(), json);
    // The seeds matter: another seed gives another model.
    let other = data.train(&params.clone().seed(10).check().unwrap());
    assert_ne!(serde_json::to_string(&other.model).unwrap(), json);
    let other = data.train(&params.bagging_seed(5).check().unwrap());
    assert_ne!(serde_json::to_string(&other.model).unwrap(), json);
    // Bagging leaves rows out: the root of some tree saw fewer than all rows.
    let Node::Split(root) = &reference.model.trees[0].nodes[0] else {
        panic!("root splits")
    };
    assert_eq!(root.count, 14_000);
}

/// Early stopping keeps the trees up to the round with the lowest validation loss, and stops
/// once `early_stopping_rounds` rounds pass without improvement.
#[test]
fn early_stopping_keeps_the_best_iteration() {
    let train = mixed_data(600, 7);
    let valid = mixed_data(600, 8);
    let params = GbdtParams::default()
        .num_trees(300)
        .learning_rate(0.5)
        .max_leaves(31)
        .min_data_in_leaf(2)
        .early_stopping_rounds(10)
        .check()
        .unwrap();
    let valid_x = valid.matrix();
    let training = train_gbdt(
        &params,
        &train.matrix(),
        &train.labels,
        Some((&valid_x, &valid.labels)),
    )
    .unwrap();
    let best = training.model.best_iteration.expect("validation was given");
    assert_eq!(training.model.trees.len(), best);
    let rounds = training.history.len() - 1;
    assert!(rounds < 300, "overfitting stops early");
    assert_eq!(rounds, best + 10);
    let losses: Vec<f64> = training.history[1..]
        .iter()
        .map(|r| r.valid_log_loss.unwrap())
        .collect();
    let min = losses.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(losses[best - 1], min);
    // The model's own validation loss is the one recorded at the best round.
    let margins = training.model.predict_margins(&valid_x).unwrap();
    let loss: f64 = valid
        .labels
        .iter()
        .zip(&margins)
        .map(|(&y, &m)| {
            let z = if y { -m } else { m };
            z.max(0.0) + (-z.abs()).exp().ln_1p()
        })
        .sum::<f64>()
        / margins.len() as f64;
    assert_eq!(loss.to_bits(), min.to_bits());
}

#[test]
fn gain_importance_ranks_informative_features_first() {
    let data = mixed_data(3000, 9);
    let params = GbdtParams::default()
        .num_trees(30)
        .learning_rate(0.2)
        .check()
        .unwrap();
    let importance = data.train(&params).model.feature_importance_gain();
    // Feature 3 is pure noise; features 0 and 1 carry the interaction.
    assert!(
        importance[0] > importance[3] && importance[1] > importance[3],
        "{importance:?}"
    );
    assert!(importance.iter().all(|&g| g >= 0.0));
}

/// Depth of each node (root = 0).
fn depths(tree: &Tree) -> Vec<usize> {
    let mut depth = vec![0; tree.nodes.len()];
    for (i, node) in tree.nodes.iter().enumerate() {
        if let Node::Split(s) = node {
            depth[s.left as usize] = depth[i] + 1;
            depth[s.right as usize] = depth[i] + 1;
        }
    }
    depth
}

#[test]
fn max_depth_and_max_leaves_bound_every_tree() {
    let data = mixed_data(3000, 10);
    let params = GbdtParams::default()
        .num_trees(10)
        .max_leaves(31)
        .max_depth(3)
        .check()
        .unwrap();
    let model = data.train(&params).model;
    let mut deepest = 0;
    for tree in &model.trees {
        deepest = deepest.max(*depths(tree).iter().max().unwrap());
        let leaves = tree.nodes.len() - splits(tree).count();
        assert!(leaves <= 8, "depth 3 allows at most 8 leaves, got {leaves}");
    }
    assert_eq!(deepest, 3);
    let params = GbdtParams::default()
        .num_trees(10)
        .max_leaves(5)
        .check()
        .unwrap();
    for tree in &data.train(&params).model.trees {
        assert_eq!(tree.nodes.len() - splits(tree).count(), 5);
    }
}

/// Reference: the base score is the weighted log-odds `ln(w·P / N)` (tolerance 1e-12), and
/// weighting positives raises every predicted probability's average.
#[test]
fn scale_pos_weight_weighs_positives() {
    let data = mixed_data(2000, 11);
    let positives = data.labels.iter().filter(|&&y| y).count() as f64;
    let negatives = 2000.0 - positives;
    let fit = |weight: f64| {
        let params = GbdtParams::default()
            .num_trees(20)
            .learning_rate(0.2)
            .scale_pos_weight(weight)
            .check()
            .unwrap();
        data.train(&params).model
    };
    let (plain, weighted) = (fit(1.0), fit(3.0));
    assert!((plain.base_score - (positives / negatives).ln()).abs() < 1e-12);
    assert!((weighted.base_score - (3.0 * positives / negatives).ln()).abs() < 1e-12);
    let mean = |model: &GbdtModel| {
        let p = model.predict_probas(&data.matrix()).unwrap();
        p.iter().sum::<f64>() / p.len() as f64
    };
    assert!(mean(&weighted) > mean(&plain) + 0.1);
}
