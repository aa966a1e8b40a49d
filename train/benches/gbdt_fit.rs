//! Training time of the GBDT on the LightGBM parity dataset: all 20,000 rows × 10 features,
//! 100 trees, 31 leaves, learning rate 0.1, 255 bins, on one thread and on the default rayon
//! pool. Prints the median of five fits; also the test AUC of a model trained on the first
//! 15,000 rows (as in `tests/gbdt_lightgbm_parity.rs`).
//!
//! `cargo bench -p appfraud-train --bench gbdt_fit`

#[path = "../tests/support/lightgbm_dataset.rs"]
mod lightgbm_dataset;

use std::time::{Duration, Instant};

use appfraud_train::{ColumnMatrix, GbdtParams, roc_auc, train_gbdt};
use lightgbm_dataset::{N_ROWS, N_TRAIN, dataset};

fn params(threads: usize) -> appfraud_train::ValidGbdtParams {
    GbdtParams::default()
        .num_trees(100)
        .max_leaves(31)
        .learning_rate(0.1)
        .min_data_in_leaf(20)
        .max_bins(255)
        .num_threads(threads)
        .check()
        .expect("valid parameters")
}

fn main() {
    let data = dataset();
    let all = ColumnMatrix::new(data.columns_of(0..N_ROWS)).expect("matrix");
    for (label, threads) in [("1 thread", 1), ("default pool", 0)] {
        let params = params(threads);
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let started = Instant::now();
                let training = train_gbdt(&params, &all, &data.labels, None).expect("fit");
                std::hint::black_box(training);
                started.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "gbdt_fit {N_ROWS} rows x 10 features x 100 trees, {label}: median {:.1?} (min {:.1?}, max {:.1?})",
            times[2], times[0], times[4]
        );
    }
    let train = ColumnMatrix::new(data.columns_of(0..N_TRAIN)).expect("matrix");
    let test = ColumnMatrix::new(data.columns_of(N_TRAIN..N_ROWS)).expect("matrix");
    let model = train_gbdt(&params(0), &train, &data.labels[..N_TRAIN], None)
        .expect("fit")
        .model;
    let started = Instant::now();
    let probabilities = model.predict_probas(&test).expect("predict");
    let predict_time = started.elapsed();
    let auc = roc_auc(&data.labels[N_TRAIN..], &probabilities).expect("auc");
    println!(
        "test AUC {auc:.6} (LightGBM 4.7.0: 0.858215); predicting {} rows took {predict_time:.1?}",
        N_ROWS - N_TRAIN
    );
}
