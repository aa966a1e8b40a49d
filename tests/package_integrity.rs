//! The model package is tamper-evident as a whole: a copy of the committed baseline loads, and
//! after any change to any one of its files (each file in turn, then realistic edits: a band
//! threshold, two feature names swapped, a cover, one byte of `model.onnx`, another package's
//! `model.json`, a line of the model card, a plot, a deleted file, an extra file, a manifest of
//! the previous format) [`ModelPackage::load`] refuses it with the error variant naming that
//! file, and leaves the directory as it was.
//!
//! Expected digests are computed here from the bytes with SHA-256 (`appfraud_core::sha256_hex`,
//! itself checked against the FIPS 180-2 test vector), never read back from the error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use appfraud_core::{FeatureSet, sha256_hex};
use appfraud_serve::{ModelPackage, ServeError};
use serde_json::Value;

mod common;
use common::{baseline, ok, run, s};

/// Every file of `dir` by name, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("package directory")
        .map(|e| {
            let e = e.expect("directory entry");
            let bytes = std::fs::read(e.path()).expect("package file");
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// A copy of the committed baseline in a new temporary directory (kept alive by the returned
/// guard) and the copy's path.
fn copy_of_baseline() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("package");
    std::fs::create_dir(&dir).expect("package dir");
    for (name, bytes) in snapshot(&baseline()) {
        std::fs::write(dir.join(name), bytes).expect("copy");
    }
    (tmp, dir)
}

/// The SHA-256 the baseline's manifest records for `name`.
fn recorded(dir: &Path, name: &str) -> String {
    let m = manifest_value(dir);
    let files = m["files"].as_array().expect("files list");
    files
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["sha256"].as_str())
        .unwrap_or_else(|| panic!("{name} is not listed"))
        .to_owned()
}

fn manifest_value(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
        .expect("manifest parses")
}

fn manifest_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("manifest.json")).expect("manifest")
}

/// Loads `dir`, expecting a refusal; asserts the directory is unchanged by the attempt.
fn refused(dir: &Path) -> ServeError {
    let before = snapshot(dir);
    let err = ModelPackage::load(dir).expect_err("the changed package must be refused");
    assert_eq!(
        snapshot(dir),
        before,
        "loading changed the package directory"
    );
    assert!(err.is_user_error(), "{err}");
    err
}

/// Asserts `err` says that file `name` of `dir` was changed: recorded digest `expected`, actual
/// digest the SHA-256 of the file's bytes now.
fn assert_changed(err: &ServeError, dir: &Path, name: &str, expected: &str) {
    let actual_now = sha256_hex(&std::fs::read(dir.join(name)).expect("file"));
    match err {
        ServeError::ChecksumMismatch {
            file,
            manifest,
            actual,
        } => {
            assert_eq!(file, &dir.join(name), "{err}");
            assert_eq!(manifest, expected, "{err}");
            assert_eq!(actual, &actual_now, "{err}");
            assert_ne!(actual, manifest, "{err}");
        }
        other => panic!("{name}: expected ChecksumMismatch, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(name), "{message}");
}

/// The manifest's own digest as recorded, and the digest a reader computes for the text now:
/// SHA-256 of the text with the digest field's value blank (the documented rule, applied here
/// with plain string replacement).
fn manifest_digests(dir: &Path) -> (String, String) {
    let text = manifest_text(dir);
    let recorded = manifest_value(dir)["manifest_sha256"]
        .as_str()
        .expect("digest field")
        .to_owned();
    let blank = text.replacen(
        &format!("\"manifest_sha256\": \"{recorded}\""),
        "\"manifest_sha256\": \"\"",
        1,
    );
    (recorded, sha256_hex(blank.as_bytes()))
}

/// Asserts `err` says `manifest.json` itself was changed.
fn assert_manifest_changed(err: &ServeError, dir: &Path, original_digest: &str) {
    let (recorded, actual_now) = manifest_digests(dir);
    assert_eq!(recorded, original_digest);
    match err {
        ServeError::ChecksumMismatch {
            file,
            manifest,
            actual,
        } => {
            assert_eq!(file, &dir.join("manifest.json"), "{err}");
            assert_eq!(manifest, original_digest, "{err}");
            assert_eq!(actual, &actual_now, "{err}");
            assert_ne!(actual, manifest, "{err}");
        }
        other => panic!("expected ChecksumMismatch of manifest.json, got {other:?}"),
    }
}

#[test]
fn the_committed_baseline_verifies_and_lists_every_other_file() {
    let (_tmp, dir) = copy_of_baseline();
    let package = ModelPackage::load(&dir).expect("the baseline loads");
    let (recorded, computed) = manifest_digests(&dir);
    assert_eq!(recorded, computed);
    assert_eq!(package.manifest().manifest_sha256, recorded);
    let mut listed: Vec<&str> = package
        .manifest()
        .files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    listed.sort_unstable();
    let on_disk: Vec<String> = snapshot(&dir)
        .into_keys()
        .filter(|n| n != "manifest.json")
        .collect();
    assert_eq!(listed, on_disk);
    for f in &package.manifest().files {
        let bytes = std::fs::read(dir.join(&f.name)).expect("listed file");
        assert_eq!(sha256_hex(&bytes), f.sha256, "{}", f.name);
    }
}

#[test]
fn one_changed_byte_in_any_file_is_refused_naming_that_file() {
    let names: Vec<String> = snapshot(&baseline()).into_keys().collect();
    assert!(names.len() >= 9, "{names:?}");
    assert!(names.iter().filter(|n| n.ends_with(".svg")).count() >= 4);
    for name in names {
        let (_tmp, dir) = copy_of_baseline();
        let original_digest = manifest_digests(&dir).0;
        let expected = (name != "manifest.json").then(|| recorded(&dir, &name));
        let path = dir.join(&name);
        let mut bytes = std::fs::read(&path).expect("file");
        // A byte in the middle of the file; in the manifest, a digit of a number (not of the
        // digest field) so the text still parses.
        let at = if name == "manifest.json" {
            let text = String::from_utf8(bytes.clone()).expect("UTF-8");
            let key = text.find("\"covers\"").expect("covers");
            key + text[key..]
                .find(|c: char| c.is_ascii_digit() && c != '0')
                .expect("a digit")
        } else {
            bytes.len() / 2
        };
        bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
        std::fs::write(&path, &bytes).expect("write");
        let err = refused(&dir);
        match expected {
            Some(expected) => assert_changed(&err, &dir, &name, &expected),
            None => assert_manifest_changed(&err, &dir, &original_digest),
        }
    }
}

/// A named edit of a parsed manifest.
type ManifestEdit = (&'static str, fn(Value) -> Value);

#[test]
fn realistic_edits_of_the_manifest_are_refused() {
    // A band threshold lowered, two feature names swapped, a cover changed.
    let edits: [ManifestEdit; 3] = [
        ("band threshold", |mut m| {
            let review = m["bands"]["review"].as_f64().expect("review threshold");
            m["bands"]["review"] = Value::from(review / 2.0);
            m
        }),
        ("feature names swapped", |mut m| {
            let features = m["feature_set"]["features"]
                .as_array_mut()
                .expect("features");
            let (a, b) = (features[0]["name"].clone(), features[1]["name"].clone());
            features[0]["name"] = b;
            features[1]["name"] = a;
            m
        }),
        ("cover changed", |mut m| {
            let cover = &mut m["explainer"]["covers"][0][0];
            *cover = Value::from(cover.as_f64().expect("cover") + 1.0);
            m
        }),
    ];
    for (what, edit) in edits {
        let (_tmp, dir) = copy_of_baseline();
        let original = manifest_value(&dir);
        let original_digest = manifest_digests(&dir).0;
        let edited = edit(original.clone());
        assert_ne!(edited, original, "{what}");
        std::fs::write(
            dir.join("manifest.json"),
            serde_json::to_vec_pretty(&edited).expect("serialises"),
        )
        .expect("write");
        let err = refused(&dir);
        assert_manifest_changed(&err, &dir, &original_digest);
    }
}

#[test]
fn a_resealed_manifest_whose_features_do_not_hash_to_its_feature_set_hash_is_refused() {
    // The manifest's own digest recomputed after swapping two feature names: the digest holds,
    // but the listed features no longer hash to the recorded FeatureSet hash.
    let (_tmp, dir) = copy_of_baseline();
    let mut m = manifest_value(&dir);
    let original_hash = m["feature_set"]["hash"].as_str().expect("hash").to_owned();
    let features = m["feature_set"]["features"]
        .as_array_mut()
        .expect("features");
    features.swap(0, 1);
    m["manifest_sha256"] = Value::String(String::new());
    let unsealed = serde_json::to_vec_pretty(&m).expect("serialises");
    let sealed = appfraud_core::seal_manifest(&unsealed).expect("one digest field");
    std::fs::write(dir.join("manifest.json"), sealed).expect("write");

    // Reference: the pipeline's FeatureSet with its first two features swapped.
    let mut defs = appfraud_features::feature_set().features().to_vec();
    assert_eq!(
        appfraud_features::feature_set().hash().as_str(),
        original_hash
    );
    defs.swap(0, 1);
    let swapped_hash = FeatureSet::new(defs).expect("valid set").hash().to_string();

    match refused(&dir) {
        ServeError::FeatureSetHashInconsistent {
            file,
            recorded,
            computed,
        } => {
            assert_eq!(file, dir.join("manifest.json"));
            assert_eq!(recorded, original_hash);
            assert_eq!(computed, swapped_hash);
        }
        other => panic!("expected FeatureSetHashInconsistent, got {other:?}"),
    }
}

#[test]
fn another_packages_model_json_is_refused() {
    // Another package: a generic table trained as it is.
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("id,amount,label\n");
    for i in 0..600u32 {
        let amount = (i * 37) % 100;
        csv.push_str(&format!("t{i},{amount},{}\n", amount > 80 || i % 17 == 0));
    }
    let table = tmp.path().join("t.csv");
    std::fs::write(&table, csv).expect("table");
    let config = tmp.path().join("train.toml");
    std::fs::write(
        &config,
        "bootstrap_resamples = 0\n[gbdt]\nnum_trees = 5\nmin_data_in_leaf = 5\n",
    )
    .expect("config");
    let other = tmp.path().join("other");
    ok(&run(&[
        "--quiet",
        "train",
        "--table",
        s(&table),
        "--label",
        "label",
        "--id",
        "id",
        "--out",
        s(&other),
        "--config",
        s(&config),
    ]));
    ModelPackage::load(&other).expect("the other package is valid on its own");

    let (_tmp, dir) = copy_of_baseline();
    let expected = recorded(&dir, "model.json");
    std::fs::copy(other.join("model.json"), dir.join("model.json")).expect("swap model.json");
    assert_changed(&refused(&dir), &dir, "model.json", &expected);
}

#[test]
fn edits_of_the_card_and_a_plot_are_refused() {
    let (_tmp, dir) = copy_of_baseline();
    let expected = recorded(&dir, "model_card.md");
    let card = std::fs::read_to_string(dir.join("model_card.md")).expect("card");
    let line = card
        .lines()
        .find(|l| l.contains("ROC AUC"))
        .expect("a metric line");
    let edited = card.replacen(line, &line.replace("0.", "0.9"), 1);
    assert_ne!(edited, card);
    std::fs::write(dir.join("model_card.md"), edited).expect("write");
    assert_changed(&refused(&dir), &dir, "model_card.md", &expected);

    let (_tmp, dir) = copy_of_baseline();
    let expected = recorded(&dir, "roc.svg");
    let svg = std::fs::read_to_string(dir.join("roc.svg")).expect("svg");
    let edited = svg.replacen("</svg>", "<text x=\"1\" y=\"1\">edited</text></svg>", 1);
    assert_ne!(edited, svg);
    std::fs::write(dir.join("roc.svg"), edited).expect("write");
    assert_changed(&refused(&dir), &dir, "roc.svg", &expected);
}

#[test]
fn a_deleted_or_an_extra_file_is_refused_naming_it() {
    for name in ["importance.svg", "model.onnx", "metrics.json"] {
        let (_tmp, dir) = copy_of_baseline();
        std::fs::remove_file(dir.join(name)).expect("delete");
        match refused(&dir) {
            ServeError::PackageFileSet { file, listed } => {
                assert_eq!(file, dir.join(name));
                assert!(listed, "{name}");
            }
            other => panic!("{name}: expected PackageFileSet, got {other:?}"),
        }
    }

    let (_tmp, dir) = copy_of_baseline();
    std::fs::write(dir.join("notes.txt"), "threshold lowered by hand\n").expect("extra");
    let err = refused(&dir);
    match &err {
        ServeError::PackageFileSet { file, listed } => {
            assert_eq!(file, &dir.join("notes.txt"));
            assert!(!listed);
        }
        other => panic!("expected PackageFileSet, got {other:?}"),
    }
    assert!(err.to_string().contains("notes.txt"), "{err}");
}

#[test]
fn a_manifest_of_the_previous_format_is_refused_with_the_fix() {
    let (_tmp, dir) = copy_of_baseline();
    let mut m = manifest_value(&dir);
    // Format 1 had neither the file list nor the manifest's own digest.
    let object = m.as_object_mut().expect("object");
    object.remove("files");
    object.remove("manifest_sha256");
    object.insert("format_version".into(), Value::from(1));
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec_pretty(&m).expect("serialises"),
    )
    .expect("write");
    let err = refused(&dir);
    assert!(
        matches!(&err, ServeError::ManifestInvalid { path, .. } if path == &dir.join("manifest.json")),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("format version 1"), "{message}");
    assert!(message.contains("retrain"), "{message}");
}

#[test]
fn a_resealed_manifest_naming_a_file_outside_the_package_is_refused_without_reading_it() {
    // A manifest may name only files of its own directory: a path that climbs out, or an
    // absolute one, would let a package make the loader read (and report the digest of) any file.
    for outside in ["../secret.txt", "/etc/hostname", "sub/model.onnx"] {
        let (tmp, dir) = copy_of_baseline();
        std::fs::write(tmp.path().join("secret.txt"), "not part of the package\n").expect("write");
        let mut m = manifest_value(&dir);
        let files = m["files"].as_array_mut().expect("files");
        files.push(serde_json::json!({"name": outside, "sha256": "0".repeat(64)}));
        m["manifest_sha256"] = Value::String(String::new());
        let unsealed = serde_json::to_vec_pretty(&m).expect("serialises");
        let sealed = appfraud_core::seal_manifest(&unsealed).expect("one digest field");
        std::fs::write(dir.join("manifest.json"), sealed).expect("write");

        match refused(&dir) {
            ServeError::ManifestInvalid { path, reason } => {
                assert_eq!(path, dir.join("manifest.json"));
                assert!(reason.contains(outside), "{outside}: {reason}");
            }
            other => panic!("{outside}: expected ManifestInvalid, got {other:?}"),
        }
    }
}
