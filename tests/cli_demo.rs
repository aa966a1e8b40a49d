//! `appfraud demo` checks that the package it trains from the sample with the baseline's
//! configuration is the baseline, file for file, and fails (exit code 1) naming every differing
//! file when it is not, before scoring anything. A baseline edited by hand is not stale but
//! tampered with: the demo refuses it on load (exit code 2), before any work. The sample and
//! baselines here are small ones made for the test, so that it runs in seconds.

use std::path::Path;

mod common;
use common::{ok, run, s, workspace};

/// A small sample data directory, and a baseline package trained on it with `config`, with the
/// committed baseline configuration beside it as `baseline.toml` (as the demo expects).
fn sample_and_baseline(dir: &Path, config: &str) {
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
    let trained_with = dir.join("trained_with.toml");
    std::fs::write(&trained_with, config).unwrap();
    ok(&run(&[
        "-q",
        "train",
        "--data",
        s(&dir.join("sample")),
        "--out",
        s(&dir.join("baseline")),
        "--config",
        s(&trained_with),
    ]));
    std::fs::copy(
        workspace().join("models/baseline.toml"),
        dir.join("baseline.toml"),
    )
    .unwrap();
}

/// Runs the demo on the test's sample and baseline.
fn demo(dir: &Path) -> std::process::Output {
    run(&[
        "-q",
        "demo",
        "--sample",
        s(&dir.join("sample")),
        "--baseline",
        s(&dir.join("baseline")),
        "--out",
        s(&dir.join("out")),
    ])
}

#[test]
fn a_stale_baseline_fails_the_demo_naming_each_differing_file() {
    let tmp = tempfile::tempdir().unwrap();
    // A valid package, but trained with a learning rate the committed configuration no longer
    // has: what a baseline left behind by a change to training looks like.
    let committed = std::fs::read_to_string(workspace().join("models/baseline.toml")).unwrap();
    let stale = committed.replace("learning_rate = 0.1", "learning_rate = 0.2");
    assert_ne!(
        stale, committed,
        "the committed configuration sets learning_rate = 0.1"
    );
    sample_and_baseline(tmp.path(), &stale);

    let r = demo(tmp.path());
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for needle in [
        "model.onnx (contents differ)",
        "model.json (contents differ)",
        "manifest.json (contents differ)",
        "./dev baseline",
    ] {
        assert!(stderr.contains(needle), "{needle:?} missing: {stderr}");
    }
    let out = tmp.path().join("out");
    assert!(out.join("model/model.onnx").is_file());
    assert!(!out.join("scores.parquet").exists());
}

#[test]
fn a_hand_edited_baseline_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let committed = std::fs::read_to_string(workspace().join("models/baseline.toml")).unwrap();
    sample_and_baseline(tmp.path(), &committed);
    let card = tmp.path().join("baseline/model_card.md");
    let mut text = std::fs::read_to_string(&card).unwrap();
    text.push_str("\nEdited by hand.\n");
    std::fs::write(&card, text).unwrap();

    let r = demo(tmp.path());
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("model_card.md"), "{stderr}");
    assert!(
        !tmp.path().join("out/data").exists(),
        "nothing generated: {stderr}"
    );
}
