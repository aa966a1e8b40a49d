//! Parity with LightGBM on a synthetic dataset (20,000 rows, 10 features, two with missing
//! values, a non-linear interaction; first 15,000 rows train, last 5,000 test).
//!
//! Reference: `train/tests/reference/lightgbm_reference.py` with **LightGBM 4.7.0** (NumPy
//! 2.4.6, scikit-learn 1.9.1, Python 3.11.7), parameters
//! `objective=binary, num_iterations=100, num_leaves=31, learning_rate=0.1,
//! min_data_in_leaf=20, min_sum_hessian_in_leaf=1e-3, lambda_l2=0, bagging_fraction=1,
//! feature_fraction=1, max_bin=255, num_threads=1, deterministic=True, seed=0`, printed
//! `test roc_auc = 0.858214764572679` (`sklearn.metrics.roc_auc_score` on the test rows) and
//! `test log_loss = 0.4643945062858843`.
//!
//! Our GBDT trains with the same parameters; the two implementations bin and break ties
//! differently, so the models are not identical: the test AUCs must agree within 0.01, and so
//! must the test log-losses.

#[path = "support/lightgbm_dataset.rs"]
mod lightgbm_dataset;

use appfraud_train::{ColumnMatrix, GbdtParams, log_loss, roc_auc, train_gbdt};
use lightgbm_dataset::{N_ROWS, N_TRAIN, dataset};

const LIGHTGBM_TEST_AUC: f64 = 0.858214764572679;
const AUC_TOLERANCE: f64 = 0.01;
/// `sklearn.metrics.log_loss` of LightGBM's test probabilities, from the same script.
const LIGHTGBM_TEST_LOG_LOSS: f64 = 0.4643945062858843;
const LOG_LOSS_TOLERANCE: f64 = 0.01;

/// The dataset is the Python script's, bit for bit: its printed counts and the sum of the
/// `f32` bit patterns of all present values.
#[test]
fn dataset_matches_the_python_script() {
    let data = dataset();
    let present: Vec<f32> = data
        .columns
        .iter()
        .flatten()
        .copied()
        .filter(|v| !v.is_nan())
        .collect();
    let bits: u64 = present.iter().map(|v| u64::from(v.to_bits())).sum();
    assert_eq!(bits, 287114847487097);
    assert_eq!(data.columns.len() * N_ROWS - present.len(), 5961);
    let positives = |rows: &[bool]| rows.iter().filter(|&&y| y).count();
    assert_eq!(positives(&data.labels[..N_TRAIN]), 6670);
    assert_eq!(positives(&data.labels[N_TRAIN..]), 2231);
}

#[test]
fn test_auc_matches_lightgbm() {
    let data = dataset();
    let train = ColumnMatrix::new(data.columns_of(0..N_TRAIN)).unwrap();
    let test = ColumnMatrix::new(data.columns_of(N_TRAIN..N_ROWS)).unwrap();
    let params = GbdtParams::default()
        .num_trees(100)
        .max_leaves(31)
        .learning_rate(0.1)
        .min_data_in_leaf(20)
        .min_sum_hessian_in_leaf(1e-3)
        .lambda_l2(0.0)
        .bagging_fraction(1.0)
        .feature_fraction(1.0)
        .max_bins(255)
        .check()
        .unwrap();
    let started = std::time::Instant::now();
    let training = train_gbdt(&params, &train, &data.labels[..N_TRAIN], None).unwrap();
    let elapsed = started.elapsed();
    let probabilities = training.model.predict_probas(&test).unwrap();
    let auc = roc_auc(&data.labels[N_TRAIN..], &probabilities).unwrap();
    let loss = log_loss(&data.labels[N_TRAIN..], &probabilities).unwrap();
    println!(
        "test AUC: ours {auc:.6}, LightGBM {LIGHTGBM_TEST_AUC:.6}; test log-loss: ours {loss:.6}, \
         LightGBM {LIGHTGBM_TEST_LOG_LOSS:.6}; {} trees trained in {elapsed:.2?}",
        training.model.trees.len()
    );
    assert_eq!(training.model.trees.len(), 100);
    assert!(
        (auc - LIGHTGBM_TEST_AUC).abs() <= AUC_TOLERANCE,
        "ours {auc}, LightGBM {LIGHTGBM_TEST_AUC} (tolerance {AUC_TOLERANCE})"
    );
    assert!(
        (loss - LIGHTGBM_TEST_LOG_LOSS).abs() <= LOG_LOSS_TOLERANCE,
        "ours {loss}, LightGBM {LIGHTGBM_TEST_LOG_LOSS} (tolerance {LOG_LOSS_TOLERANCE})"
    );
}
