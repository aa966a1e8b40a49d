//! Our GBDT against LightGBM on the same feature table: this binary builds the dataset of a
//! data directory, writes its train and test splits for `bench/gbdt_vs_lightgbm.py`, trains
//! our GBDT with the parameters the Python side gives LightGBM, and prints its training time
//! and test ROC AUC. `bench/gbdt_vs_lightgbm.sh` runs both and compares them.
//!
//! Parameters: 500 trees, 63 leaves, learning rate 0.05, 2 threads, at least 20 rows per leaf,
//! 255 bins (one of them for missing values), λ₂ = 0, no bagging, no feature subsampling, no
//! validation set and no early stopping. The timed section is the `train_gbdt` call alone,
//! which bins the features before boosting, as LightGBM's timed section includes building its
//! `Dataset`, where it bins them.
//!
//! Files written to `OUT_DIR` (read with numpy, no other dependency):
//!
//! - `meta.json`: `{"features": [names], "rows": {"train": n, "test": m}}`;
//! - `{train,test}_features.f32`: little-endian `f32`, column-major (feature 0's rows first),
//!   `NaN` = missing;
//! - `{train,test}_labels.u8`: one byte per row, 1 = fraud;
//! - `table.parquet`: every labelled row with `application_id`, `submitted_at`, `is_fraud` and
//!   the features, for timing `appfraud train --table`;
//! - `ours_test_scores.f64`: our predicted probabilities on the test rows, little-endian `f64`,
//!   so the Python side can check our AUC with its own implementation.
//!
//! `cargo bench --workspace --bench gbdt_vs_lightgbm -- DATA_DIR OUT_DIR`; with `-` as
//! `DATA_DIR`, the splits a previous run wrote to `OUT_DIR` are read back instead of building
//! the dataset again.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use appfraud_train::{
    ColumnMatrix, Dataset, GbdtParams, Split, SplitRows, SplitSpec, roc_auc, train_gbdt,
};

const NUM_TREES: usize = 500;
const MAX_LEAVES: usize = 63;
const LEARNING_RATE: f64 = 0.05;
const NUM_THREADS: usize = 2;
const MIN_DATA_IN_LEAF: usize = 20;
const MAX_BINS: usize = 255;

fn main() {
    // `cargo bench` appends `--bench` to the arguments of harness-less benches.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [data_dir, out_dir] = args.as_slice() else {
        eprintln!("usage: gbdt_vs_lightgbm DATA_DIR OUT_DIR");
        std::process::exit(2);
    };
    let out_dir = PathBuf::from(out_dir);
    std::fs::create_dir_all(&out_dir).expect("create OUT_DIR");

    let splits = if data_dir == "-" {
        read_splits(&out_dir)
    } else {
        build_splits(Path::new(data_dir), &out_dir)
    };
    let [train, test] = &splits;
    for (name, rows) in [("train", train), ("test", test)] {
        let positives = rows.labels.iter().filter(|&&y| y).count();
        println!(
            "  {name}: {} rows, {positives} fraud ({:.2}%)",
            rows.labels.len(),
            100.0 * positives as f64 / rows.labels.len() as f64
        );
    }

    let params = GbdtParams::default()
        .num_trees(NUM_TREES)
        .max_leaves(MAX_LEAVES)
        .learning_rate(LEARNING_RATE)
        .num_threads(NUM_THREADS)
        .min_data_in_leaf(MIN_DATA_IN_LEAF)
        // The rest as LightGBM's defaults, set explicitly so that a change of ours shows here.
        .min_sum_hessian_in_leaf(1e-3)
        .min_gain_to_split(0.0)
        .lambda_l2(0.0)
        .max_bins(MAX_BINS)
        .bagging_fraction(1.0)
        .feature_fraction(1.0)
        .early_stopping_rounds(0)
        .check()
        .expect("valid parameters");
    let x_train = train.matrix();
    let started = Instant::now();
    let training = train_gbdt(&params, &x_train, &train.labels, None).expect("fit");
    let train_time = started.elapsed();
    let model = training.model;

    let x_test = test.matrix();
    let started = Instant::now();
    let scores = model.predict_probas(&x_test).expect("predict");
    let predict_time = started.elapsed();
    let auc = roc_auc(&test.labels, &scores).expect("auc");
    write_f64(&out_dir.join("ours_test_scores.f64"), &scores);
    println!(
        "  {} trees; predicting {} test rows took {predict_time:.1?}",
        model.trees.len(),
        test.labels.len()
    );
    println!(
        "ours: train {:.2} s, test ROC AUC {auc:.6}",
        train_time.as_secs_f64()
    );
}

/// One split as the files hold it: column-major features and labels.
struct Columns {
    columns: Vec<Vec<f32>>,
    labels: Vec<bool>,
}

impl Columns {
    fn matrix(&self) -> ColumnMatrix<'_> {
        ColumnMatrix::new(self.columns.iter().map(Vec::as_slice).collect()).expect("matrix")
    }
}

/// Builds the dataset of `data_dir` and writes its train and test splits to `out_dir`.
fn build_splits(data_dir: &Path, out_dir: &Path) -> [Columns; 2] {
    let started = Instant::now();
    let dataset = Dataset::from_data_dir(data_dir, SplitSpec::default()).expect("dataset");
    println!(
        "dataset: {} rows used of {} applications, {} features, built in {:.1?}",
        dataset.labels.len(),
        dataset.summary.input_rows,
        dataset.feature_set.len(),
        started.elapsed()
    );
    write_table(out_dir, &dataset);
    let train = dataset.rows(Split::Train);
    let test = dataset.rows(Split::Test);
    let names: Vec<&str> = dataset.feature_set.names().collect();
    write_meta(out_dir, &names, train.len(), test.len());
    write_split(out_dir, "train", &train);
    write_split(out_dir, "test", &test);
    [train, test].map(|rows| Columns {
        columns: rows.columns,
        labels: rows.labels,
    })
}

/// Writes every labelled row of the dataset (all three splits, as `appfraud train --data`
/// keeps them) as `table.parquet`: `application_id`, `submitted_at`, `is_fraud`, then the
/// features, so that `appfraud train --table` can be timed as a whole command on them.
fn write_table(out_dir: &Path, dataset: &Dataset) {
    use polars::prelude::*;
    let times = dataset.times.as_ref().expect("a data directory has times");
    let mut columns: Vec<Column> = vec![
        Column::new("application_id".into(), &dataset.ids),
        Column::new("submitted_at".into(), times)
            .cast(&DataType::Datetime(
                TimeUnit::Microseconds,
                Some(TimeZone::UTC),
            ))
            .expect("datetime"),
        Column::new("is_fraud".into(), &dataset.labels),
    ];
    for (name, values) in dataset.feature_set.names().zip(&dataset.columns) {
        columns.push(Column::new(name.into(), values));
    }
    let mut df = DataFrame::new_infer_height(columns).expect("frame");
    let file = File::create(out_dir.join("table.parquet")).expect("create table.parquet");
    ParquetWriter::new(file)
        .finish(&mut df)
        .expect("write table.parquet");
}

/// Reads back the splits a previous run wrote to `out_dir`.
fn read_splits(out_dir: &Path) -> [Columns; 2] {
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("meta.json")).expect("read meta.json"),
    )
    .expect("meta.json");
    let n_features = meta["features"].as_array().expect("features").len();
    println!("dataset: the splits written before to the output directory");
    ["train", "test"].map(|split| {
        let n_rows = meta["rows"][split].as_u64().expect("rows") as usize;
        let bytes = std::fs::read(out_dir.join(format!("{split}_features.f32"))).expect("read");
        assert_eq!(bytes.len(), 4 * n_rows * n_features, "{split}_features.f32");
        let values: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let labels = std::fs::read(out_dir.join(format!("{split}_labels.u8"))).expect("read");
        assert_eq!(labels.len(), n_rows, "{split}_labels.u8");
        Columns {
            columns: values
                .chunks_exact(n_rows.max(1))
                .map(<[f32]>::to_vec)
                .collect(),
            labels: labels.iter().map(|&y| y == 1).collect(),
        }
    })
}

fn write_meta(out_dir: &Path, names: &[&str], train_rows: usize, test_rows: usize) {
    let meta = serde_json::json!({
        "features": names,
        "rows": {"train": train_rows, "test": test_rows},
    });
    std::fs::write(
        out_dir.join("meta.json"),
        serde_json::to_string_pretty(&meta).expect("json"),
    )
    .expect("write meta.json");
}

fn write_split(out_dir: &Path, split: &str, rows: &SplitRows) {
    let path = out_dir.join(format!("{split}_features.f32"));
    let mut out = BufWriter::new(File::create(&path).expect("create features file"));
    for column in &rows.columns {
        for value in column {
            out.write_all(&value.to_le_bytes()).expect("write features");
        }
    }
    out.flush().expect("write features");
    let labels: Vec<u8> = rows.labels.iter().map(|&y| u8::from(y)).collect();
    std::fs::write(out_dir.join(format!("{split}_labels.u8")), labels).expect("write labels");
}

fn write_f64(path: &Path, values: &[f64]) {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes).expect("write scores");
}
