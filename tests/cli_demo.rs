//! `appfraud demo` checks that the package it trains from the sample with the baseline's
//! configuration is the baseline, file for file, and fails (exit code 1) naming every differing
//! file when it is not, before scoring anything. The sample and baseline here are small ones
//! made for the test, so that it runs in seconds.

use std::path::Path;

mod common;
use common::{ok, run, s, workspace};

/// A small sample data directory and the baseline `train` makes of it with the committed
/// baseline configuration (`baseline/` and `baseline.toml` side by side, as the demo expects).
fn sample_and_baseline(dir: &Path) {
    ok(&run(&[
        "-q",
        "generate",
        "--out",
        s(&dir.join("sample")),
        "--applications",
        "3000",
        "--seed",
        "11",
    ]));
    let config = dir.join("baseline.toml");
    std::fs::copy(workspace().join("models/baseline.toml"), &config).unwrap();
    ok(&run(&[
        "-q",
        "train",
        "--data",
        s(&dir.join("sample")),
        "--out",
        s(&dir.join("baseline")),
        "--config",
        s(&config),
    ]));
}

#[test]
fn a_stale_baseline_fails_the_demo_naming_each_differing_file() {
    let tmp = tempfile::tempdir().unwrap();
    sample_and_baseline(tmp.path());
    let baseline = tmp.path().join("baseline");
    // One file edited by hand, one the training does not write.
    let card = baseline.join("model_card.md");
    let mut text = std::fs::read_to_string(&card).unwrap();
    text.push_str("\nEdited by hand.\n");
    std::fs::write(&card, text).unwrap();
    std::fs::write(baseline.join("notes.txt"), "stray file\n").unwrap();

    let out = tmp.path().join("out");
    let r = run(&[
        "-q",
        "demo",
        "--sample",
        s(&tmp.path().join("sample")),
        "--baseline",
        s(&baseline),
        "--out",
        s(&out),
    ]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for needle in [
        "model_card.md (contents differ)",
        "notes.txt (not in the package just trained)",
        "./dev baseline",
    ] {
        assert!(stderr.contains(needle), "{needle:?} missing: {stderr}");
    }
    // The files that match are not named.
    for same in ["model.onnx", "manifest.json", "roc.svg"] {
        assert!(!stderr.contains(same), "{same} named: {stderr}");
    }
    assert!(out.join("model/model.onnx").is_file());
    assert!(!out.join("scores.parquet").exists());
}
