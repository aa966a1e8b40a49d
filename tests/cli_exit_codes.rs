//! Exit codes of the commands that read a data directory: the same bad input exits with 2 and
//! one line naming the file whichever command reads it, because the feature crate's error
//! reaches the binary unchanged through training and scoring.

use std::path::Path;

mod common;
use common::{baseline, run, s, sample, usage_error};

/// A data directory with the sample's reference files and an `applications.csv` that lacks
/// every column but `application_id`.
fn applications_without_columns(dir: &Path) {
    std::fs::create_dir_all(dir.join("reference")).unwrap();
    for file in ["ip_ranges.csv", "high_risk_institutions.csv"] {
        std::fs::copy(
            sample().join("reference").join(file),
            dir.join("reference").join(file),
        )
        .unwrap();
    }
    std::fs::write(dir.join("applications.csv"), "application_id\napp-1\n").unwrap();
}

#[test]
fn a_broken_data_directory_exits_with_2_from_every_command_that_reads_one() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    applications_without_columns(&data);
    let (features_out, scores_out, model_out) = (
        tmp.path().join("f.parquet"),
        tmp.path().join("s.parquet"),
        tmp.path().join("model"),
    );
    let baseline = baseline();
    let runs: [(&str, Vec<&str>); 4] = [
        (
            "features",
            vec![
                "-q",
                "features",
                "--data",
                s(&data),
                "--out",
                s(&features_out),
            ],
        ),
        (
            "train",
            vec!["-q", "train", "--data", s(&data), "--out", s(&model_out)],
        ),
        (
            "evaluate",
            vec![
                "-q",
                "evaluate",
                "--model",
                s(&baseline),
                "--data",
                s(&data),
            ],
        ),
        (
            "score",
            vec![
                "-q",
                "score",
                "--model",
                s(&baseline),
                "--data",
                s(&data),
                "--out",
                s(&scores_out),
            ],
        ),
    ];
    for (command, args) in runs {
        let stderr = usage_error(&run(&args));
        assert_eq!(stderr.lines().count(), 1, "{command}: {stderr}");
        assert!(
            stderr.contains("applications.csv") && stderr.contains("`submitted_at`"),
            "{command}: {stderr}"
        );
    }
    assert!(!features_out.exists() && !scores_out.exists() && !model_out.exists());
}

#[test]
fn training_on_a_directory_without_labels_exits_with_2() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    common::ok(&run(&[
        "-q",
        "generate",
        "--out",
        s(&data),
        "--applications",
        "300",
    ]));
    std::fs::remove_file(data.join("labels.parquet")).unwrap();
    let model = tmp.path().join("model");
    let stderr = usage_error(&run(&[
        "-q",
        "train",
        "--data",
        s(&data),
        "--out",
        s(&model),
    ]));
    assert!(stderr.contains("labels"), "{stderr}");
    assert!(!model.exists());
}
