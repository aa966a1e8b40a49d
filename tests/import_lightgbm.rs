//! `appfraud import lightgbm` against LightGBM itself.
//!
//! Reference: the pinned Python LightGBM (`tests/reference/lightgbm_import_reference.py`) trains
//! models on a generated table with NaN, exact zeros, negative and tiny (±1e-35) values, adds
//! probe rows on every split threshold (float32(threshold) and the next float32 either side)
//! and on zero, ±kZeroThreshold and their neighbours, and reports `predict`,
//! `predict(raw_score=True)` and `predict(pred_contrib=True)` on every row. Each model is
//! imported with `--calibration none`; then on every row:
//!
//! - the package's margin (the serve crate's `TreeEnsemble`, float32 leaves) equals LightGBM's
//!   raw score, so every row reaches the leaf LightGBM reaches;
//! - every TreeSHAP contribution (`TreeEnsemble::shap_values`) equals `pred_contrib`'s, and the
//!   expected value equals its bias column;
//! - `appfraud score --table` and Python onnxruntime on `model.onnx` give LightGBM's
//!   probability.
//!
//! Tolerance 1e-6 throughout: the package stores leaf values as float32 (≈ 6e-8 relative each,
//! on leaves of magnitude below 1 summed over at most 40 trees), the probability column is
//! float32; any wrong routing moves a margin by a whole leaf value, orders of magnitude more.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use appfraud_serve::{Explanation, ModelPackage};
use serde_json::Value;

mod common;
use common::{ok, python, read, run, s, usage_error, workspace};

const TOLERANCE: f64 = 1e-6;
const N_FEATURES: usize = 5;

/// The reference script's output directory and JSON, computed once per test binary.
struct Reference {
    dir: PathBuf,
    json: Value,
}

fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("import_lightgbm");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("reference directory");
        let out = Command::new(python())
            .arg(workspace().join("tests/reference/lightgbm_import_reference.py"))
            .arg(&dir)
            .output()
            .expect("run the LightGBM reference");
        assert!(
            out.status.success(),
            "LightGBM reference failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).expect("reference JSON");
        assert_eq!(json["lightgbm"], "4.7.0", "the pinned LightGBM");
        Reference { dir, json }
    })
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn rows(dir: &Path) -> Vec<f32> {
    std::fs::read(dir.join("rows.f32"))
        .expect("rows.f32")
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Python onnxruntime's probabilities for row-major `rows` (after onnx's full checker).
fn python_onnxruntime(model: &Path, rows: &Path, out: &Path) -> Vec<f64> {
    let status = Command::new(python())
        .arg(workspace().join("tests/reference/onnx_reference.py"))
        .args([model, rows])
        .arg(N_FEATURES.to_string())
        .arg(out)
        .output()
        .expect("run onnx_reference.py");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    std::fs::read(out)
        .expect("probabilities")
        .chunks_exact(4)
        .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect()
}

fn import(model: &Path, table: &Path, out: &Path, calibration: &str) -> std::process::Output {
    let _ = std::fs::remove_dir_all(out);
    run(&[
        "--quiet",
        "import",
        "lightgbm",
        "--model",
        s(model),
        "--table",
        s(table),
        "--label",
        "label",
        "--out",
        s(out),
        "--calibration",
        calibration,
    ])
}

/// Imports model `name` without calibration and checks margins, contributions and
/// probabilities on every row against LightGBM (see the module docs).
fn matches_lightgbm(name: &str) {
    let r = reference();
    let expected = &r.json["models"][name];
    let table = r.dir.join("table.csv");
    let package_dir = r.dir.join(format!("package-{name}"));
    ok(&import(
        &r.dir.join(format!("{name}.txt")),
        &table,
        &package_dir,
        "none",
    ));
    let package = ModelPackage::load(&package_dir).expect("the package loads");
    assert_eq!(package.manifest().calibration, "none");
    let names: Vec<&str> = expected["features"]
        .as_array()
        .expect("names")
        .iter()
        .map(|v| v.as_str().expect("a name"))
        .collect();
    assert_eq!(package.feature_names(), names.as_slice());
    let Explanation::Trees(ensemble) = package.explanation() else {
        panic!("an imported LightGBM package is explained by TreeSHAP");
    };
    let x = rows(&r.dir);
    let n = x.len() / N_FEATURES;
    let raw = floats(&expected["raw"]);
    let probability = floats(&expected["probability"]);
    let contrib: Vec<Vec<f64>> = expected["contrib"]
        .as_array()
        .expect("contributions")
        .iter()
        .map(floats)
        .collect();
    assert_eq!((raw.len(), contrib.len()), (n, n));

    let (mut margin_err, mut shap_err) = (0.0_f64, 0.0_f64);
    let bias_err = contrib
        .iter()
        .map(|c| (c[N_FEATURES] - ensemble.expected_value()).abs())
        .fold(0.0, f64::max);
    let mut phi = vec![0.0; N_FEATURES];
    for (i, row) in x.chunks_exact(N_FEATURES).enumerate() {
        let margin = ensemble.margin(row);
        margin_err = margin_err.max((margin - raw[i]).abs());
        assert!(
            (margin - raw[i]).abs() <= TOLERANCE,
            "{name}: row {i} {row:?}: margin {margin} but LightGBM's raw score is {}",
            raw[i]
        );
        phi.fill(0.0);
        ensemble.shap_values(row, &mut phi);
        for (j, (ours, theirs)) in phi.iter().zip(&contrib[i]).enumerate() {
            let d = (ours - theirs).abs();
            shap_err = shap_err.max(d);
            assert!(
                d <= TOLERANCE,
                "{name}: row {i} {row:?}, feature {j}: contribution {ours} but pred_contrib {theirs}"
            );
        }
    }
    assert!(
        bias_err <= TOLERANCE,
        "{name}: expected value off by {bias_err:e}"
    );

    let scores_path = r.dir.join(format!("scores-{name}.parquet"));
    ok(&run(&[
        "--quiet",
        "score",
        "--model",
        s(&package_dir),
        "--table",
        s(&table),
        "--out",
        s(&scores_path),
    ]));
    let scores = read(&scores_path);
    let scored: Vec<f64> = scores
        .column("probability")
        .and_then(|c| c.cast(&polars::prelude::DataType::Float64))
        .expect("probability column")
        .f64()
        .expect("f64")
        .into_no_null_iter()
        .collect();
    assert_eq!(scored.len(), n);
    let score_err = scored
        .iter()
        .zip(&probability)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(
        score_err <= TOLERANCE,
        "{name}: score vs predict: {score_err:e}"
    );

    let onnx = python_onnxruntime(
        &package_dir.join("model.onnx"),
        &r.dir.join("rows.f32"),
        &r.dir.join(format!("onnx-{name}.f32")),
    );
    assert_eq!(onnx.len(), n);
    let onnx_err = onnx
        .iter()
        .zip(&probability)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(
        onnx_err <= TOLERANCE,
        "{name}: onnxruntime vs predict: {onnx_err:e}"
    );
    eprintln!(
        "{name}: {n} rows; largest differences to LightGBM: margin {margin_err:e}, \
         contribution {shap_err:e}, expected value {bias_err:e}, score {score_err:e}, \
         onnxruntime {onnx_err:e}"
    );
}

#[test]
fn nan_and_none_missing_types_match_lightgbm() {
    let types = &reference().json["models"]["nan"]["missing_types"];
    assert!(
        types["NaN"].as_u64() > Some(0) && types["None"].as_u64() > Some(0),
        "{types}"
    );
    matches_lightgbm("nan");
}

#[test]
fn zero_as_missing_splits_rewritten_into_chains_match_lightgbm() {
    let types = &reference().json["models"]["zero"]["missing_types"];
    // The chain rewrite must be exercised: zero-type nodes sending the zero region against
    // their threshold.
    assert!(
        types["zero_against_threshold"].as_u64() > Some(0),
        "{types}"
    );
    matches_lightgbm("zero");
}

#[test]
fn a_sigmoid_other_than_one_keeps_lightgbm_probabilities() {
    matches_lightgbm("sigmoid");
}

#[test]
fn the_card_says_where_the_model_came_from() {
    let r = reference();
    let package_dir = r.dir.join("package-card");
    ok(&import(
        &r.dir.join("nan.txt"),
        &r.dir.join("table.csv"),
        &package_dir,
        "platt",
    ));
    let card = std::fs::read_to_string(package_dir.join("model_card.md")).expect("card");
    assert!(
        card.contains("imported from the text model `nan.txt` (40 trees)"),
        "{card}"
    );
    assert!(card.contains("every labelled row is validation"), "{card}");
    assert!(!card.contains("70/15/15"), "{card}");
    let package = ModelPackage::load(&package_dir).expect("loads");
    assert_eq!(package.manifest().calibration, "platt");
    // Feature names that are not the pipeline's: a generic FeatureSet, so the package scores
    // tables and refuses data directories.
    let pipeline = appfraud_features::feature_set();
    assert!(package.check_feature_set(pipeline.hash().as_str()).is_err());
}

#[test]
fn a_model_on_the_pipeline_features_carries_the_pipeline_feature_set() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("import_lightgbm_pipeline");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("directory");
    let pipeline = appfraud_features::feature_set();
    let names: Vec<&str> = pipeline
        .features()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    std::fs::write(dir.join("names.txt"), names.join("\n")).expect("names");
    let out = Command::new(python())
        .arg(workspace().join("tests/reference/lightgbm_import_reference.py"))
        .arg(&dir)
        .arg(dir.join("names.txt"))
        .output()
        .expect("run the LightGBM reference");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let package_dir = dir.join("package");
    ok(&import(
        &dir.join("pipeline.txt"),
        &dir.join("pipeline.csv"),
        &package_dir,
        "none",
    ));
    let package = ModelPackage::load(&package_dir).expect("loads");
    assert_eq!(
        package.manifest().feature_set.hash,
        pipeline.hash().as_str(),
        "the manifest carries the pipeline's FeatureSet"
    );
    package
        .check_feature_set(pipeline.hash().as_str())
        .expect("the package scores data directories");
}

#[test]
fn unsupported_and_malformed_models_are_refused_with_exit_code_2() {
    let r = reference();
    let table = r.dir.join("table.csv");
    for (file, phrase) in [
        ("categorical.txt", "categorical splits"),
        ("multiclass.txt", "3 classes"),
        ("regression.txt", "objective `regression`"),
    ] {
        let out = import(&r.dir.join(file), &table, &r.dir.join("refused"), "none");
        let stderr = usage_error(&out);
        assert!(stderr.contains(phrase), "{file}: {stderr}");
        assert!(
            !r.dir.join("refused").exists(),
            "{file}: nothing is written"
        );
    }
    let text = std::fs::read_to_string(r.dir.join("nan.txt")).expect("model text");
    let (line, _) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("threshold="))
        .expect("a threshold line");
    let broken: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                "threshold=0.5 x".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect();
    let broken_path = r.dir.join("broken.txt");
    std::fs::write(&broken_path, broken.join("\n")).expect("write");
    let stderr = usage_error(&import(
        &broken_path,
        &table,
        &r.dir.join("refused"),
        "none",
    ));
    assert!(
        stderr.contains(&format!("line {} (threshold)", line + 1)),
        "{stderr}"
    );
    // Cut at a tree boundary: every line is whole, the `end of trees` line is gone.
    let cut = text.find("\nTree=20\n").expect("the model has 40 trees");
    let truncated = &text[..=cut];
    std::fs::write(&broken_path, truncated).expect("write");
    let stderr = usage_error(&import(
        &broken_path,
        &table,
        &r.dir.join("refused"),
        "none",
    ));
    assert!(stderr.contains("end of trees"), "{stderr}");

    // A table without some of the model's features names them.
    let narrow = r.dir.join("narrow.csv");
    std::fs::write(&narrow, "amount,visits,label\n1.0,2.0,1\n3.0,,0\n").expect("write");
    let stderr = usage_error(&import(
        &r.dir.join("nan.txt"),
        &narrow,
        &r.dir.join("refused"),
        "none",
    ));
    assert!(stderr.contains("`ratio`, `flag`, `delta`"), "{stderr}");

    // A text feature column is refused, naming it; a column with no value at all is missing.
    let texty = r.dir.join("texty.csv");
    std::fs::write(
        &texty,
        "amount,visits,ratio,flag,delta,label\n1,2,0.5,yes,,1\n3,,0,no,,0\n",
    )
    .expect("write");
    let stderr = usage_error(&import(
        &r.dir.join("nan.txt"),
        &texty,
        &r.dir.join("refused"),
        "none",
    ));
    assert!(stderr.contains("feature column `flag`"), "{stderr}");
    let empty = r.dir.join("empty-delta.csv");
    std::fs::write(
        &empty,
        "amount,visits,ratio,flag,delta,label\n1,2,0.5,1,,1\n3,,0,0,,0\n2,1,0.1,0,,0\n",
    )
    .expect("write");
    ok(&import(
        &r.dir.join("nan.txt"),
        &empty,
        &r.dir.join("empty-delta"),
        "none",
    ));
}
