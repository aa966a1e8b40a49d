//! The committed baseline package `models/baseline/` is exactly what its documented command
//! produces (`./dev baseline`: `appfraud train --data notebooks-data/sample --out
//! models/baseline --config models/baseline.toml`): packages are never edited by hand, and a
//! change to the feature pipeline or to training that moves the model fails here until the
//! baseline is retrained.

use std::path::Path;
use std::process::Command;

mod common;
use common::{baseline, sample, workspace};

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn baseline_package_is_reproduced_by_its_command() {
    let out = tempfile::tempdir().expect("temp dir");
    let package = out.path().join("baseline");
    let status = Command::new(common::BIN)
        .args(["--quiet", "train", "--data"])
        .arg(sample())
        .arg("--out")
        .arg(&package)
        .arg("--config")
        .arg(workspace().join("models/baseline.toml"))
        .status()
        .expect("run appfraud train");
    assert!(status.success(), "training the baseline failed");
    let committed = baseline();
    for file in [
        "model.onnx",
        "manifest.json",
        "model.json",
        "metrics.json",
        "model_card.md",
    ] {
        assert!(
            read(&package.join(file)) == read(&committed.join(file)),
            "models/baseline/{file} differs from what `./dev baseline` produces: retrain it with ./dev baseline and commit the result"
        );
    }
}
