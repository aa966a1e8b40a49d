//! The committed baseline package `models/baseline/` is exactly what its documented command
//! produces (`./dev baseline`: `appfraud train --data notebooks-data/sample --out
//! models/baseline --config models/baseline.toml`), the same set of files and every file byte
//! for byte, plots included: packages are never edited by hand, and a change to the feature
//! pipeline or to training that moves the model fails here until the baseline is retrained.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

mod common;
use common::{baseline, sample, workspace};

/// Every file of `dir` by name, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 file name")
                .to_owned();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, bytes)
        })
        .collect()
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
    let (fresh, committed) = (files(&package), files(&baseline()));
    let retrain = "retrain it with ./dev baseline and commit the result";
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "models/baseline/ does not hold the files `./dev baseline` writes: {retrain}"
    );
    // model.onnx, manifest.json, model.json, metrics.json, model_card.md and four plots.
    assert!(committed.len() >= 9, "{:?}", committed.keys());
    for (name, bytes) in &fresh {
        assert!(
            committed.get(name) == Some(bytes),
            "models/baseline/{name} differs from what `./dev baseline` produces: {retrain}"
        );
    }
}
