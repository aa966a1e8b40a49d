//! End-to-end tests of `appfraud train` and `appfraud evaluate` on the built-in sample: the
//! model directory's files, determinism, the logistic baseline, generic tables, and exit code 2
//! with a clear message for bad parameters before any compute.

use std::path::{Path, PathBuf};

mod common;
use common::{ok, run, sample};

fn config(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("train.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn train_writes_a_deterministic_model_directory_and_evaluate_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(
        tmp.path(),
        "bootstrap_resamples = 50\n[gbdt]\nnum_trees = 60\nlearning_rate = 0.1\n",
    );
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        ok(&run(&[
            "--quiet",
            "train",
            "--data",
            sample().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ]));
    }
    for f in [
        "model.json",
        "metrics.json",
        "model_card.md",
        "roc.svg",
        "precision_recall.svg",
        "calibration.svg",
        "importance.svg",
    ] {
        let meta = std::fs::metadata(a.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(meta.len() > 500, "{f} is {} bytes", meta.len());
    }
    // Same data, same parameters: the same bytes.
    let read = |d: &Path| std::fs::read(d.join("model.json")).unwrap();
    assert_eq!(read(&a), read(&b));
    let card = std::fs::read_to_string(a.join("model_card.md")).unwrap();
    for needle in ["never", "ROC AUC", "label delay", "verify", "Limits"] {
        assert!(card.contains(needle), "card lacks {needle:?}");
    }
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("metrics.json")).unwrap()).unwrap();
    let auc = metrics["test"]["roc_auc"]["estimate"].as_f64().unwrap();
    assert!(auc > 0.85, "test ROC AUC {auc}");

    // evaluate recomputes the metrics on the data with the model's thresholds.
    let out = ok(&run(&[
        "--quiet",
        "evaluate",
        "--model",
        a.to_str().unwrap(),
        "--data",
        sample().to_str().unwrap(),
        "--since",
        "2025-10-01",
    ]));
    let e: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(e["roc_auc"]["estimate"].as_f64().unwrap() > 0.85, "{out}");
    assert!(e["rows"].as_u64().unwrap() > 1000);
}

#[test]
fn the_logistic_baseline_reports_its_coefficients() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(
        tmp.path(),
        "bootstrap_resamples = 20\n[logistic]\nmax_iterations = 60\n",
    );
    let out = tmp.path().join("m");
    ok(&run(&[
        "--quiet",
        "train",
        "--data",
        sample().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--algo",
        "logistic",
        "--config",
        cfg.to_str().unwrap(),
    ]));
    let card = std::fs::read_to_string(out.join("model_card.md")).unwrap();
    assert!(card.contains("## Coefficients"), "{card}");
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metrics.json")).unwrap()).unwrap();
    assert!(metrics["coefficients"].as_array().unwrap().len() > 50);
}

#[test]
fn a_scorecard_package_has_its_points_in_the_card_and_scores_with_both_engines() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(
        tmp.path(),
        "bootstrap_resamples = 0\nrefit = false\n[scorecard]\nascending = [\"telemetry_ips\"]\nmax_features = 8\n",
    );
    let out = tmp.path().join("m");
    ok(&run(&[
        "--quiet",
        "train",
        "--data",
        sample().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--algo",
        "scorecard",
        "--config",
        cfg.to_str().unwrap(),
    ]));
    let card = std::fs::read_to_string(out.join("model_card.md")).unwrap();
    for needle in [
        "## Scorecard",
        "More points, more risk",
        "| Bin | Values | Rows | Share | Fraud | Fraud rate | WoE | IV | Points |",
        "### Features left out",
    ] {
        assert!(card.contains(needle), "card lacks {needle:?}");
    }
    // The declared feature is in the card with its declared trend, if it was selected.
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("model.json")).unwrap()).unwrap();
    assert_eq!(model["algorithm"], "scorecard");
    let features = model["model"]["features"].as_array().unwrap();
    assert!(
        !features.is_empty() && features.len() <= 8,
        "{}",
        features.len()
    );
    for f in features {
        let rates: Vec<f64> = f["bins"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["events"].as_f64().unwrap() / b["rows"].as_f64().unwrap())
            .collect();
        let trend: appfraud_train::Trend = serde_json::from_value(f["trend"].clone()).unwrap();
        assert!(trend.holds(&rates), "{trend:?}: {rates:?}");
    }
    // Every candidate's fate refers to the final scorecard: a feature left out for correlation
    // correlates with a feature in it, and the limit applies only to a full scorecard.
    let selected: Vec<u64> = features
        .iter()
        .map(|f| f["feature"].as_u64().unwrap())
        .collect();
    for c in model["model"]["candidates"].as_array().unwrap() {
        match c["selection"]["status"].as_str().unwrap() {
            "correlated" => {
                let with = c["selection"]["with"].as_u64().unwrap();
                assert!(
                    selected.contains(&with),
                    "{c}: {with} is not in the scorecard"
                );
            }
            "limit" => assert_eq!(selected.len(), 8, "{c}"),
            "selected" => assert!(selected.contains(&c["feature"].as_u64().unwrap())),
            _ => {}
        }
    }
    // metrics.json holds the points table, one entry per feature, missing bin last.
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metrics.json")).unwrap()).unwrap();
    let table = metrics["scorecard"]["features"].as_array().unwrap();
    assert_eq!(table.len(), features.len());
    for (t, f) in table.iter().zip(features) {
        let bins = t["bins"].as_array().unwrap();
        assert_eq!(bins.len(), f["bins"].as_array().unwrap().len() + 1);
        assert_eq!(bins.last().unwrap()["values"], "missing");
        assert!(bins.iter().all(|b| b["points"].as_f64().is_some()));
    }
    // Every plot the card links is a listed package file.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let plots: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|n| n.starts_with("scorecard_"))
        .collect();
    assert!(!plots.is_empty(), "{listed:?}");
    for plot in &plots {
        assert!(
            card.contains(&format!("]({plot})")),
            "card does not link {plot}"
        );
        let svg = std::fs::read_to_string(out.join(plot)).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("WoE"), "{plot}");
    }
    // It scores with the native tree engine and with ONNX Runtime, to the same values.
    let mut probabilities = Vec::new();
    for engine in ["native", "onnxruntime"] {
        let scores = tmp.path().join(format!("{engine}.parquet"));
        ok(&run(&[
            "--quiet",
            "score",
            "--model",
            out.to_str().unwrap(),
            "--data",
            sample().to_str().unwrap(),
            "--out",
            scores.to_str().unwrap(),
            "--engine",
            engine,
        ]));
        let p: Vec<f64> = common::read(&scores)
            .column("probability")
            .unwrap()
            .f32()
            .unwrap()
            .iter()
            .map(|p| f64::from(p.unwrap()))
            .collect();
        assert_eq!(p.len(), 20_000);
        probabilities.push(p);
    }
    // Reference: ONNX Runtime on the same file; tolerance 1e-6 (float32 leaves).
    for (a, b) in probabilities[0].iter().zip(&probabilities[1]) {
        assert!((a - b).abs() <= 1e-6, "{a} vs {b}");
    }
}

#[test]
fn a_generic_table_trains_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,amount,channel,label\n");
    for i in 0..3000u32 {
        // The label follows amount and channel, with noise from a multiplicative hash.
        let noise = (i.wrapping_mul(2_654_435_761) >> 24) % 10;
        let channel = ["web", "app", "phone"][(i % 3) as usize];
        let amount = (i * 37) % 100;
        let fraud = amount > 80 && (channel == "app" || noise > 6);
        csv.push_str(&format!("t{i},{amount},{channel},{fraud}\n"));
    }
    let table = tmp.path().join("t.csv");
    std::fs::write(&table, csv).unwrap();
    let cfg = config(
        tmp.path(),
        "bootstrap_resamples = 0\n[gbdt]\nnum_trees = 30\nmin_data_in_leaf = 5\n",
    );
    ok(&run(&[
        "--quiet",
        "train",
        "--table",
        table.to_str().unwrap(),
        "--label",
        "label",
        "--id",
        "id",
        "--out",
        tmp.path().join("m").to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]));
}

#[test]
fn a_directory_with_foreign_files_is_refused_before_training() {
    // A package lists every file of its directory; one written beside a foreign file would be
    // refused on load, so training refuses the directory first.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "kept\n").unwrap();
    // The temporary file of an interrupted write is not foreign: only notes.txt is named.
    std::fs::write(out.join(".model.json.tmp"), "{").unwrap();
    let result = run(&[
        "train",
        "--data",
        sample().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert!(!stderr.contains(".model.json.tmp"), "{stderr}");
    assert!(!stderr.contains("computing"), "{stderr}");
    let mut left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, [".model.json.tmp", "notes.txt"]);
}

#[test]
fn bad_parameters_exit_with_2_before_reading_data() {
    let tmp = tempfile::tempdir().unwrap();
    // The data directory does not exist: a parameter error must come first.
    let nowhere = tmp.path().join("nowhere");
    for (text, needle) in [
        (
            "[gbdt]\nlearning_rate = -0.1\n",
            "gbdt.learning_rate = -0.1",
        ),
        ("[gbdt]\nmax_leaves = 1\n", "gbdt.max_leaves = 1"),
        ("[gbdt]\nnum_leaves = 8\n", "num_leaves"),
        ("review_budget = 0\n", "review_budget = 0"),
        ("[logistic]\nalpha = -1.0\n", "logistic.alpha = -1.0"),
        ("[logistic]\nC = 1.0\n", "`C`"),
        ("algoritm = \"gbdt\"\n", "algoritm"),
        ("calibration = \"beta\"\n", "beta"),
        ("[scorecard]\nmax_bins = 0\n", "scorecard.max_bins = 0"),
        (
            "[scorecard]\nmin_bin_share = 0.7\n",
            "scorecard.min_bin_share = 0.7",
        ),
        (
            "algorithm = \"scorecard\"\nrecency_half_life_days = 90\n",
            "recency_half_life_days",
        ),
    ] {
        let cfg = config(tmp.path(), text);
        let out = run(&[
            "train",
            "--data",
            nowhere.to_str().unwrap(),
            "--out",
            tmp.path().join("m").to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{text}: {err}");
    }
    // An unknown label column of a table.
    let table = tmp.path().join("t.csv");
    std::fs::write(&table, "x,y\n1,0\n2,1\n").unwrap();
    let out = run(&[
        "train",
        "--table",
        table.to_str().unwrap(),
        "--label",
        "is_fraud",
        "--out",
        tmp.path().join("m").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is_fraud"));
    // --help lists every parameter of every table with its default and range.
    let help = ok(&run(&["train", "--help"]));
    let tables = appfraud_train::TrainConfig::TABLES;
    assert_eq!(tables.len(), 3);
    let mut listed = 0;
    for (table, params) in std::iter::once(("", appfraud_train::TrainConfig::PARAMETERS))
        .chain(tables.iter().map(|t| (t.name, t.params)))
    {
        if !table.is_empty() {
            assert!(help.contains(&format!("[{table}]")), "[{table}] missing");
        }
        for p in params {
            let line = format!("  {} = {}  ({})", p.name, p.default, p.range);
            assert!(
                help.contains(&line),
                "{line:?} missing from --help:\n{help}"
            );
            listed += 1;
        }
    }
    // 6 top-level keys, 18 GBDT, 5 logistic and 18 scorecard parameters.
    assert_eq!(listed, 47);
    for line in [
        "  learning_rate = 0.05  (a number in (0, 1])",
        "  review_budget = 100  (an integer ≥ 1)",
        "  alpha = 1.0  (a finite number ≥ 0)",
    ] {
        assert!(help.contains(line), "{line:?} missing from --help");
    }
}
