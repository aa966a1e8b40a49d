//! Exactness across runtimes: for the same model package, our Rust model (`model.json`,
//! predicted in f64), ONNX Runtime from Rust, the native tree evaluator, and Python onnxruntime
//! on the same `model.onnx` agree to 1e-6 on every row, including rows placed exactly on split
//! thresholds, on the next float32 either side, and with NaN. The Python side also runs
//! `onnx.checker.check_model(full_check=True)` (`tests/reference/onnx_reference.py`).
//!
//! Tolerance 1e-6 on probabilities: the ONNX graph holds float32 leaf weights and a float32
//! output; the native model computes in f64. Their difference is float32 rounding (≈ 6e-8
//! relative per weight), far below 1e-6.
//!
//! Python comes from `APPFRAUD_PYTHON` or the checkout's `.venv-ref/` (which `./dev test`
//! installs: onnx 1.23.2, onnxruntime 1.31.1, numpy).
//!
//! For logistic packages, `serve`'s linear model (read back from the graph's initializers, the
//! source of its reason codes) is also held to the native margin: both are float64 sums of the
//! same terms in different orders, so `1e-9` (margins here stay below 100 in magnitude, and a
//! float64 sum of 9 such terms is off by far less).

use std::path::{Path, PathBuf};
use std::process::Command;

use appfraud_serve::{BatchScorer, EngineChoice, Explanation, ModelPackage};
use appfraud_train::{ColumnMatrix, Dataset, Model, NativeModel, Node, SplitSpec, TrainConfig};
use polars::prelude::*;

mod common;
use common::{python, workspace};

const TOLERANCE: f64 = 1e-6;
/// serve's linear margin against the native one (see the module docs).
const LINEAR_MARGIN_TOLERANCE: f64 = 1e-9;
/// For isotonic calibration of trees; see the test.
const ISOTONIC_TOLERANCE: f64 = 1e-5;

/// Python onnxruntime's probabilities for `rows` (after onnx's full checker passed).
fn python_onnxruntime(model: &Path, rows: &[f32], n_features: usize) -> Vec<f32> {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("rows.f32");
    let output = dir.path().join("probability.f32");
    let bytes: Vec<u8> = rows.iter().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(&input, bytes).expect("write rows");
    let out = Command::new(python())
        .arg(workspace().join("tests/reference/onnx_reference.py"))
        .arg(model)
        .arg(&input)
        .arg(n_features.to_string())
        .arg(&output)
        .output()
        .expect("run the Python reference");
    assert!(
        out.status.success(),
        "Python reference failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&output)
        .expect("read probabilities")
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// The native model's probabilities (f64) of row-major `rows`.
fn rust_model(native: &NativeModel, rows: &[f32]) -> Vec<f64> {
    let f = native.feature_names.len();
    let columns: Vec<Vec<f32>> = (0..f)
        .map(|j| rows.chunks_exact(f).map(|r| r[j]).collect())
        .collect();
    let x = ColumnMatrix::new(columns.iter().map(Vec::as_slice).collect()).expect("matrix");
    native.probabilities(&x).expect("predict")
}

fn max_diff(a: impl IntoIterator<Item = f64>, b: impl IntoIterator<Item = f64>) -> f64 {
    a.into_iter()
        .zip(b)
        .map(|(x, y)| {
            let d = (x - y).abs();
            if d.is_nan() { f64::INFINITY } else { d }
        })
        .fold(0.0, f64::max)
}

/// Scores `rows` four ways and asserts they agree to `tolerance`; returns the number of rows.
fn assert_four_way_parity(
    package_dir: &Path,
    rows: &[f32],
    engines: &[EngineChoice],
    tolerance: f64,
) -> usize {
    let package = ModelPackage::load(package_dir).expect("package loads");
    let native = NativeModel::read(package_dir).expect("model.json");
    let f = package.n_features();
    let n = rows.len() / f;
    let reference = rust_model(&native, rows);
    assert_eq!(reference.len(), n);
    let python = python_onnxruntime(&package_dir.join("model.onnx"), rows, f);
    assert_eq!(python.len(), n, "Python scored every row");
    let d = max_diff(
        reference.iter().copied(),
        python.iter().map(|&p| f64::from(p)),
    );
    assert!(
        d <= tolerance,
        "{}: Rust model vs Python onnxruntime: {d:e}",
        package_dir.display()
    );
    for &engine in engines {
        let ours = BatchScorer::new(&package, engine)
            .expect("engine")
            .probabilities(rows, &|_| {})
            .expect("scores");
        let d = max_diff(
            reference.iter().copied(),
            ours.iter().map(|&p| f64::from(p)),
        );
        assert!(d <= tolerance, "Rust model vs {engine:?}: {d:e}");
        let d = max_diff(
            python.iter().map(|&p| f64::from(p)),
            ours.iter().map(|&p| f64::from(p)),
        );
        assert!(d <= tolerance, "Python onnxruntime vs {engine:?}: {d:e}");
    }
    n
}

/// For every split of every tree: a base row with the split feature exactly on the threshold,
/// on the next float32 above and below, and NaN.
fn threshold_rows(model: &Model, base: &[f32], n_features: usize) -> Vec<f32> {
    let gbdt = match model {
        Model::Gbdt(g) => g.clone(),
        Model::Scorecard(s) => s.to_gbdt(),
        Model::Logistic(_) => panic!("a tree model"),
    };
    let n_base = base.len() / n_features;
    let mut rows = Vec::new();
    let mut k = 0;
    for tree in &gbdt.trees {
        for node in &tree.nodes {
            if let Node::Split(s) = node {
                let t = s.threshold;
                for x in [t, t.next_up(), t.next_down(), f32::NAN] {
                    let i = k % n_base;
                    k += 1;
                    let mut row = base[i * n_features..(i + 1) * n_features].to_vec();
                    row[s.feature as usize] = x;
                    rows.extend(row);
                }
            }
        }
    }
    rows
}

/// The sample's feature rows (row-major, in the baseline's feature order), as the pipeline
/// computes them.
fn sample_rows() -> (Vec<f32>, usize) {
    let dir = workspace().join("notebooks-data/sample");
    let frame = appfraud_features::features_from_data_dir(&dir, Default::default(), &|_| {})
        .expect("features");
    let baseline = ModelPackage::load(&workspace().join("models/baseline")).expect("baseline");
    let rows = appfraud_serve::feature_rows(&baseline, &frame.frame, "sample").expect("rows");
    (rows, baseline.n_features())
}

#[test]
fn baseline_gbdt_agrees_across_runtimes_on_thresholds_neighbours_and_nan() {
    let dir = workspace().join("models/baseline");
    let native = NativeModel::read(&dir).expect("baseline model.json");
    let (sample, f) = sample_rows();
    let mut rows = threshold_rows(&native.model, &sample, f);
    let on_thresholds = rows.len() / f;
    rows.extend_from_slice(&sample);
    let n = assert_four_way_parity(
        &dir,
        &rows,
        &[EngineChoice::OnnxRuntime, EngineChoice::Native],
        TOLERANCE,
    );
    assert!(n >= 10_000, "{n} rows");
    assert!(on_thresholds >= 1_000, "{on_thresholds} threshold rows");
}

/// Depth of the subtree at `index` of `tree` (a leaf has depth 0).
fn depth(tree: &appfraud_serve::Tree, index: usize) -> usize {
    match &tree.nodes[index] {
        appfraud_serve::Node::Leaf(_) => 0,
        appfraud_serve::Node::Branch(b) => {
            1 + depth(tree, b.left as usize).max(depth(tree, b.right as usize))
        }
    }
}

/// Per tree of `trees`, its depth and its largest |leaf value|.
fn depths_and_largest_leaves(trees: &appfraud_serve::TreeEnsemble) -> Vec<(usize, f64)> {
    trees
        .trees()
        .iter()
        .map(|t| {
            let largest = t
                .nodes
                .iter()
                .filter_map(|n| match n {
                    appfraud_serve::Node::Leaf(l) => Some(l.value.abs()),
                    appfraud_serve::Node::Branch(_) => None,
                })
                .fold(0.0, f64::max);
            (depth(t, 0), largest)
        })
        .collect()
}

#[test]
fn treeshap_contributions_add_up_to_the_margin_on_the_sample() {
    // Reference: the efficiency property of Shapley values against the exported ensemble's own
    // f64 margin (its float32 leaves summed in f64, without TreeSHAP). Tolerance from the
    // arithmetic: a tree of depth D has at most D + 1 path elements, each weighted by a
    // recurrence of at most D + 1 steps, so (D + 1)² rounded operations of at most one ulp of
    // its largest leaf (ε · max |leaf|), summed over the trees (as in serve/tests/treeshap.rs,
    // where random ensembles stay below a tenth of it).
    let dir = workspace().join("models/baseline");
    let package = ModelPackage::load(&dir).expect("package");
    let native = NativeModel::read(&dir).expect("model.json");
    let Explanation::Trees(trees) = package.explanation() else {
        panic!("the baseline is a tree package");
    };
    let Model::Gbdt(gbdt) = &native.model else {
        panic!("the baseline is a GBDT");
    };
    let per_tree = depths_and_largest_leaves(trees);
    let additivity: f64 = per_tree
        .iter()
        .map(|&(d, largest)| ((d + 1) * (d + 1)) as f64 * f64::EPSILON * largest)
        .sum();
    // Against the native model's f64 margin, the export's rounding of each leaf weight to
    // float32 adds at most half an ulp of float32 (2^-24 relative) per tree.
    let float32_leaves: f64 = per_tree
        .iter()
        .map(|&(_, largest)| largest * f64::from(f32::EPSILON) / 2.0)
        .sum();
    assert!(additivity < 1e-11, "{additivity:e}");
    let (sample, f) = sample_rows();
    let expected = trees.expected_value();
    let mut scratch = appfraud_serve::ShapScratch::new();
    let mut phi = vec![0.0; f];
    for (i, row) in sample.chunks_exact(f).enumerate() {
        phi.fill(0.0);
        trees.shap_values_with(row, &mut phi, &mut scratch);
        let total = expected + phi.iter().sum::<f64>();
        let margin = trees.margin(row);
        assert!(
            (total - margin).abs() <= additivity,
            "row {i}: Σφ + E = {total}, margin {margin}, |diff| {:e} > {additivity:e}",
            (total - margin).abs()
        );
        let native_margin = gbdt.predict_margin(row);
        assert!(
            (total - native_margin).abs() <= additivity + float32_leaves,
            "row {i}: Σφ + E = {total}, native margin {native_margin}, bound {:e}",
            additivity + float32_leaves
        );
    }
}

/// A synthetic table: 3,000 rows, 8 numeric features (some with NaN, one constant), a label
/// that depends on them, and an id.
fn synthetic_table(dir: &Path) -> PathBuf {
    let n = 3_000usize;
    let mut rng = appfraud_core::primitives::SplitMix64::new(0x9e37_79b9_7f4a_7c15);
    let mut next = || rng.next_f64();
    let mut columns: Vec<Vec<Option<f64>>> = (0..8).map(|_| Vec::with_capacity(n)).collect();
    let mut label = Vec::with_capacity(n);
    for _ in 0..n {
        let x: Vec<f64> = (0..8).map(|_| next()).collect();
        let missing = next() < 0.15;
        let score = 3.0 * x[0] - 2.0 * x[1]
            + if missing { 1.5 } else { x[2] }
            + (x[3] * 10.0).floor() / 5.0;
        label.push(score + next() > 2.2);
        for (j, col) in columns.iter_mut().enumerate() {
            col.push(match j {
                2 if missing => None,
                3 => Some((x[3] * 10.0).floor()),
                5 => Some(1.0),
                _ => Some(x[j]),
            });
        }
    }
    let mut cols: Vec<Column> = columns
        .into_iter()
        .enumerate()
        .map(|(j, v)| Column::new(format!("x{j}").into(), v))
        .collect();
    cols.push(Column::new("label".into(), label));
    cols.push(Column::new(
        "id".into(),
        (0..n).map(|i| format!("row-{i}")).collect::<Vec<_>>(),
    ));
    let mut df = DataFrame::new(n, cols).expect("frame");
    let path = dir.join("table.parquet");
    ParquetWriter::new(std::fs::File::create(&path).expect("create"))
        .finish(&mut df)
        .expect("write");
    path
}

/// Trains a package on the synthetic table with `config` (TOML) into `dir/name`.
fn train_package(table: &Path, dir: &Path, name: &str, config: &str) -> PathBuf {
    let dataset = Dataset::from_table(table, "label", None, Some("id"), SplitSpec::default())
        .expect("dataset");
    let config = TrainConfig::from_toml_str(config)
        .expect("config")
        .check()
        .expect("valid");
    let trained = appfraud_train::train(&dataset, &config, &format!("test-{name}")).expect("train");
    let out = dir.join(name);
    trained
        .write(&out, "synthetic table")
        .expect("write package");
    out
}

/// Random rows over the synthetic table's 8 features: typical values, values exactly on the
/// training grid (feature 3 takes integers), NaN in every feature, and extreme values.
fn synthetic_rows(n: usize) -> Vec<f32> {
    let mut state = 7u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut rows = Vec::with_capacity(n * 8);
    for i in 0..n {
        for j in 0..8 {
            let u = next();
            let x = match (i % 5, j) {
                (0, _) if u < 0.2 => f32::NAN,
                (1, 3) => (u * 10.0).floor() as f32,
                (2, _) => ((u - 0.5) * 1e4) as f32,
                _ => u as f32,
            };
            rows.push(x);
        }
    }
    rows
}

#[test]
fn logistic_and_isotonic_packages_agree_across_runtimes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = synthetic_table(dir.path());
    let rows = synthetic_rows(10_000);

    let logistic = train_package(
        &table,
        dir.path(),
        "logistic",
        "algorithm = \"logistic\"\ncalibration = \"platt\"\n",
    );
    let n = assert_four_way_parity(&logistic, &rows, &[EngineChoice::OnnxRuntime], TOLERANCE);
    assert_eq!(n, 10_000);

    // GBDT with isotonic calibration: the calibration is a piecewise-linear graph. Its steep
    // segments amplify the float32 rounding of the tree margin (float32 leaf weights, summed in
    // float32 by ONNX Runtime): measured 3.2e-6 on these rows, so the tolerance is 1e-5 here.
    // Platt-calibrated trees and logistic models hold 1e-6 above.
    let isotonic = train_package(
        &table,
        dir.path(),
        "gbdt-isotonic",
        "algorithm = \"gbdt\"\ncalibration = \"isotonic\"\n[gbdt]\nnum_trees = 40\nmax_leaves = 8\n",
    );
    let native = NativeModel::read(&isotonic).expect("model.json");
    let mut all = threshold_rows(&native.model, &rows, 8);
    all.extend_from_slice(&rows);
    assert_four_way_parity(
        &isotonic,
        &all,
        &[EngineChoice::OnnxRuntime, EngineChoice::Native],
        ISOTONIC_TOLERANCE,
    );
}

#[test]
fn scorecard_package_agrees_across_runtimes_and_its_points_and_reasons_add_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = synthetic_table(dir.path());
    let package_dir = train_package(
        &table,
        dir.path(),
        "scorecard",
        "algorithm = \"scorecard\"\n[scorecard]\nascending = [\"x0\"]\ndescending = [\"x1\"]\nmin_iv = 0.01\n",
    );
    let native = NativeModel::read(&package_dir).expect("model.json");
    let Model::Scorecard(card) = &native.model else {
        panic!("a scorecard package");
    };
    assert!(card.features().len() >= 2, "{:?}", card.candidates());
    // Parity across runtimes (tolerance as the module docs: float32 leaves), on rows exactly
    // on every bin edge, on the next float32 either side, with NaN, and random rows.
    // (The root of each tree tests `x <= f32::MAX`, whose next float32 up is +∞: the model
    // refuses infinite values, as serving does, so those rows are left out.)
    let rows = synthetic_rows(5_000);
    let mut all: Vec<f32> = threshold_rows(&native.model, &rows, 8)
        .chunks_exact(8)
        .filter(|r| !r.iter().any(|x| x.is_infinite()))
        .flatten()
        .copied()
        .collect();
    all.extend_from_slice(&rows);
    assert_four_way_parity(
        &package_dir,
        &all,
        &[EngineChoice::OnnxRuntime, EngineChoice::Native],
        TOLERANCE,
    );

    // The points table reproduces the margin: per row, the points of its bins summed and
    // mapped back through the scaling equal the native margin. Reference: the model's own
    // margin; tolerance 1e-9 (a sum of ≤ 8 terms of a few hundred points, rounded in f64).
    let points = card.points();
    let scaling = card.scaling();
    let package = ModelPackage::load(&package_dir).expect("package loads");
    let Explanation::Trees(trees) = package.explanation() else {
        panic!("a scorecard is explained by its trees");
    };
    let expected_margin = card.expected_margin();
    // The exported trees hold float32 leaves: their expectation is the scorecard's to float32
    // rounding of each term (2^-24 relative, ≤ 8 trees).
    let leaf_rounding: f64 = card
        .features()
        .iter()
        .map(|f| {
            f.bins
                .iter()
                .chain([&f.missing])
                .map(|b| (f.coefficient * b.woe).abs())
                .fold(0.0, f64::max)
                * f64::from(f32::EPSILON)
        })
        .sum::<f64>()
        + card.intercept().abs() * f64::from(f32::EPSILON);
    assert!(
        (trees.expected_value() - expected_margin).abs() <= leaf_rounding,
        "TreeSHAP expectation {} vs the scorecard's expected margin {expected_margin}",
        trees.expected_value()
    );
    let mut scratch = appfraud_serve::ShapScratch::new();
    let mut phi = vec![0.0; 8];
    for (i, row) in all.chunks_exact(8).enumerate() {
        let margin = card.predict_margin(row).expect("margin");
        let mut total = 0.0;
        for f in card.features() {
            let bin = f.bin_of(row[f.feature]);
            let p = points
                .iter()
                .find(|p| p.feature == f.feature && p.bin == bin)
                .expect("every bin has points");
            total += p.points;
        }
        let from_points = scaling.margin(total);
        assert!(
            (from_points - margin).abs() <= 1e-9,
            "row {i}: points {total} give margin {from_points}, the model {margin}"
        );
        // Reasons: each feature's points minus its expected points (in margin units) sum to
        // the margin minus the expected margin (reference: the model's margin; 1e-12).
        let contributions = card.contributions(row).expect("contributions");
        let sum: f64 = contributions.iter().sum();
        assert!(
            (sum - (margin - expected_margin)).abs() <= 1e-12,
            "row {i}: Σ contributions {sum} vs margin − expected {}",
            margin - expected_margin
        );
        // TreeSHAP on the exported one-feature trees gives the same contributions, to the
        // float32 rounding of the leaves (reference: the closed form above).
        phi.fill(0.0);
        trees.shap_values_with(row, &mut phi, &mut scratch);
        for (j, (a, b)) in phi.iter().zip(&contributions).enumerate() {
            assert!(
                (a - b).abs() <= 2.0 * leaf_rounding,
                "row {i} feature {j}: TreeSHAP {a} vs points − expected points {b}"
            );
        }
    }
}

/// serve's linear model of the package in `dir`: intercept plus its contributions (the reason
/// codes' terms) equals the native model's margin on every row, to
/// [`LINEAR_MARGIN_TOLERANCE`]. Returns serve's linear model.
fn assert_linear_contributions_add_up(dir: &Path, rows: &[f32]) -> appfraud_serve::LinearModel {
    let package = ModelPackage::load(dir).expect("package loads");
    let native = NativeModel::read(dir).expect("model.json");
    let Model::Logistic(model) = &native.model else {
        panic!("a logistic package");
    };
    let appfraud_serve::Explanation::Linear(linear) = package.explanation() else {
        panic!("a logistic package explains linearly");
    };
    let f = package.n_features();
    let mut contributions = vec![0.0; f];
    for (i, row) in rows.chunks_exact(f).enumerate() {
        contributions.fill(0.0);
        linear.contributions(row, &mut contributions);
        let total = linear.intercept + contributions.iter().sum::<f64>();
        let margin = model.predict_margin(row).expect("valid row");
        assert!(
            (total - margin).abs() <= LINEAR_MARGIN_TOLERANCE,
            "row {i}: serve's intercept + Σ contributions = {total}, native margin {margin}"
        );
    }
    linear.clone()
}

/// Rows that probe the logistic transform of `model` on top of `base` rows: for every feature,
/// each clip bound rounded to float32 (exactly on it for the integer bounds of counts) and the
/// next float32 either side, NaN, 0, 1, -1, a large count (1e6) and the largest float32 of
/// either sign.
fn transform_rows(model: &Model, base: &[f32], n_features: usize) -> Vec<f32> {
    let Model::Logistic(logistic) = model else {
        panic!("a logistic model");
    };
    let n_base = base.len() / n_features;
    let mut rows = Vec::new();
    let mut k = 0;
    for (j, feature) in logistic.features().iter().enumerate() {
        let mut values = vec![f32::NAN, 0.0, 1.0, -1.0, 1e6, f32::MAX, f32::MIN];
        if let Some([low, high]) = feature.clip {
            for bound in [low as f32, high as f32] {
                values.extend([bound, bound.next_up(), bound.next_down()]);
            }
        }
        for x in values {
            let i = k % n_base;
            k += 1;
            let mut row = base[i * n_features..(i + 1) * n_features].to_vec();
            row[j] = x;
            rows.extend(row);
        }
    }
    rows
}

#[test]
fn logistic_transform_agrees_across_runtimes_on_clip_bounds_missing_and_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = synthetic_table(dir.path());
    let package = train_package(
        &table,
        dir.path(),
        "logistic-clipped",
        "algorithm = \"logistic\"\n[logistic]\nclip_quantile = 0.05\n",
    );
    let native = NativeModel::read(&package).expect("model.json");
    let Model::Logistic(model) = &native.model else {
        panic!("a logistic model");
    };
    // x3 (integers 0..9) is the only count; x5 (the constant 1) is a flag, not a count.
    let counts: Vec<bool> = model.features().iter().map(|f| f.log1p).collect();
    assert_eq!(
        counts,
        [false, false, false, true, false, false, false, false]
    );
    // Every feature but the constant x5 (equal quantiles) is clipped.
    let clipped: Vec<bool> = model.features().iter().map(|f| f.clip.is_some()).collect();
    assert_eq!(clipped, [true, true, true, true, true, false, true, true]);
    let mut rows = transform_rows(&native.model, &synthetic_rows(200), 8);
    rows.extend(synthetic_rows(2_000));
    assert_four_way_parity(&package, &rows, &[EngineChoice::OnnxRuntime], TOLERANCE);
    let linear = assert_linear_contributions_add_up(&package, &rows);
    assert_eq!(linear.log1p, counts);
    for (j, feature) in model.features().iter().enumerate() {
        assert_eq!(
            feature.clip.unwrap_or([f64::NEG_INFINITY, f64::INFINITY]),
            [linear.clip_low[j], linear.clip_high[j]]
        );
    }
}

/// Removes from a logistic package the initializers and nodes of clipping and counts, and the
/// matching fields of `model.json`, then reseals the manifest: the package as the exporter
/// wrote it before they existed (`Z = Where(IsNaN(X), 0, (X − mean) / std)`).
fn downgrade_to_standardisation_only(dir: &Path) {
    let graph_path = dir.join("model.onnx");
    let mut model =
        appfraud_onnx::decode(&std::fs::read(&graph_path).expect("read")).expect("decode");
    let graph = model.graph.as_mut().expect("graph");
    let removed_initializers = ["lr_clip_low", "lr_clip_high", "lr_log1p", "one64"];
    let removed_outputs = [
        "above_low",
        "clipped",
        "non_negative",
        "log_argument",
        "logged",
        "is_count",
        "transformed",
    ];
    let initializers = graph.initializer.len();
    graph
        .initializer
        .retain(|t| !removed_initializers.contains(&t.name.as_deref().unwrap_or("")));
    assert_eq!(graph.initializer.len(), initializers - 4);
    let nodes = graph.node.len();
    graph
        .node
        .retain(|n| !removed_outputs.contains(&n.output[0].as_str()));
    assert_eq!(graph.node.len(), nodes - 7);
    for node in &mut graph.node {
        for input in &mut node.input {
            if input == "transformed" {
                *input = "x64".to_owned();
            }
        }
    }
    std::fs::write(&graph_path, appfraud_onnx::encode(&model)).expect("write");

    let json_path = dir.join("model.json");
    let mut native: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).expect("read")).expect("json");
    for feature in native["model"]["features"]
        .as_array_mut()
        .expect("logistic features")
    {
        let feature = feature.as_object_mut().expect("object");
        assert!(feature.remove("clip").is_some() && feature.remove("log1p").is_some());
    }
    std::fs::write(&json_path, serde_json::to_vec(&native).expect("json")).expect("write");

    let manifest_path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).expect("read")).expect("json");
    for file in manifest["files"].as_array_mut().expect("files") {
        let name = file["name"].as_str().expect("name").to_owned();
        if name == "model.onnx" || name == "model.json" {
            let bytes = std::fs::read(dir.join(&name)).expect("read");
            file["sha256"] = serde_json::Value::String(appfraud_core::sha256_hex(&bytes));
        }
    }
    manifest["manifest_sha256"] = serde_json::Value::String(String::new());
    let unsealed = serde_json::to_vec_pretty(&manifest).expect("json");
    let sealed = appfraud_core::seal_manifest(&unsealed).expect("one digest field");
    std::fs::write(&manifest_path, sealed).expect("write");
}

#[test]
fn a_logistic_package_without_clip_and_log_initializers_loads_and_scores_as_before() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = synthetic_table(dir.path());
    let config = "algorithm = \"logistic\"\n[logistic]\nclip_quantile = 0.0\nlog_counts = false\n";
    let current = train_package(&table, dir.path(), "current", config);
    let old = train_package(&table, dir.path(), "old", config);
    downgrade_to_standardisation_only(&old);

    let rows = synthetic_rows(2_000);
    assert_four_way_parity(&old, &rows, &[EngineChoice::OnnxRuntime], TOLERANCE);
    let linear = assert_linear_contributions_add_up(&old, &rows);
    assert!(linear.clip_low.iter().all(|&l| l == f64::NEG_INFINITY));
    assert!(linear.clip_high.iter().all(|&h| h == f64::INFINITY));
    assert!(linear.log1p.iter().all(|&c| !c));

    // Without clipping and counts the new graph computes what the old one did: the same
    // probabilities from ONNX Runtime, to float64 rounding carried into float32 (exact here).
    let score = |dir: &Path| {
        let package = ModelPackage::load(dir).expect("package loads");
        BatchScorer::new(&package, EngineChoice::OnnxRuntime)
            .expect("engine")
            .probabilities(&rows, &|_| {})
            .expect("scores")
    };
    assert_eq!(score(&old), score(&current));
}
