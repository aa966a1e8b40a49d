//! End-to-end tests of `appfraud score`: the committed baseline package on the built-in sample
//! (one row per application in input order, bands from the manifest's thresholds, reason codes
//! that match the feature frame of `appfraud features`), the native evaluator against ONNX
//! Runtime, `--since`, refusal of a changed or foreign package, the atomic write under SIGKILL,
//! and exit code 2 for usage errors.
//!
//! The default run on the sample takes about ten seconds in a debug build; it is computed once
//! per test binary ([`baseline_run`]) and shared by the tests that compare against it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use appfraud_features::catalog;
use polars::prelude::*;
use serde_json::Value;

mod common;
use common::{BIN, baseline, ok, ok_stderr, read, run, s, sample, usage_error};

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn generate(dir: &Path, extra: &[&str]) {
    let mut args = vec!["--quiet", "generate", "--out", s(dir), "--seed", "11"];
    args.extend_from_slice(extra);
    ok(&run(&args));
}

/// Copies the files of package `from` into a new directory `to`.
fn copy_package(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// Names of the files in `dir`.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// One reason code as read back from the output.
#[derive(Debug, Clone)]
struct Reason {
    feature: String,
    value: f32,
    contribution: f64,
    text: String,
}

/// Exact equality, with a missing value (`NaN`) equal to itself.
impl PartialEq for Reason {
    fn eq(&self, other: &Self) -> bool {
        self.feature == other.feature
            && same_value(self.value, other.value)
            && self.contribution.to_bits() == other.contribution.to_bits()
            && self.text == other.text
    }
}

/// Checks that every reason's text is the feature catalog's sentence for its feature and value
/// (the reference: `appfraud_features::catalog`, looked up with the family and missing policy
/// the package lists for the feature, which are the catalog's for a package trained on the
/// pipeline's features).
fn check_reason_texts(manifest: &Value, rows: &[Vec<Reason>]) {
    let listed: HashMap<&str, (&str, &str)> = manifest["feature_set"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap(),
                (
                    f["family"].as_str().unwrap(),
                    f["missing"].as_str().unwrap(),
                ),
            )
        })
        .collect();
    let mut checked = 0;
    for (i, r) in rows.iter().enumerate() {
        for reason in r {
            let (family, missing) = listed[reason.feature.as_str()];
            let entry = catalog::lookup(&reason.feature, family, missing)
                .unwrap_or_else(|| panic!("row {i}: {} is not in the catalog", reason.feature));
            assert_eq!(
                reason.text,
                entry.sentence(reason.value),
                "row {i}: {reason:?}"
            );
            assert!(
                !reason.text.is_empty() && !reason.text.contains('_'),
                "row {i}: {reason:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
}

/// The same float32 value, any NaN equal to any NaN.
fn same_value(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn strings(df: &DataFrame, column: &str) -> Vec<Option<String>> {
    df.column(column)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

fn ids(df: &DataFrame) -> Vec<String> {
    strings(df, "application_id")
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

fn probabilities(df: &DataFrame) -> Vec<Option<f32>> {
    df.column("probability")
        .unwrap()
        .f32()
        .unwrap()
        .iter()
        .collect()
}

fn micros(df: &DataFrame, column: &str) -> Vec<i64> {
    df.column(column)
        .unwrap()
        .to_physical_repr()
        .i64()
        .unwrap()
        .iter()
        .map(Option::unwrap)
        .collect()
}

/// The `reasons` column, one vector per row.
fn reasons(df: &DataFrame) -> Vec<Vec<Reason>> {
    let list = df.column("reasons").unwrap().list().unwrap();
    list.series_iter()
        .map(|row| {
            let row = row.expect("reasons is an empty list, never null");
            let row = row.struct_().unwrap();
            let feature = row.field_by_name("feature").unwrap();
            let value = row.field_by_name("value").unwrap();
            let contribution = row.field_by_name("contribution").unwrap();
            let text = row.field_by_name("text").unwrap();
            feature
                .str()
                .unwrap()
                .iter()
                .zip(value.f32().unwrap().iter())
                .zip(contribution.f64().unwrap().iter())
                .zip(text.str().unwrap().iter())
                .map(|(((f, v), c), t)| Reason {
                    feature: f.unwrap().to_owned(),
                    value: v.unwrap(),
                    contribution: c.unwrap(),
                    text: t.unwrap().to_owned(),
                })
                .collect()
        })
        .collect()
}

/// The band of probability `p` under the manifest's thresholds, transcribed from the manifest
/// contract: `p >= verify` → verify, else `p >= review` → review, else clear.
fn expected_band(p: f32, manifest: &Value) -> &'static str {
    let review = manifest["bands"]["review"].as_f64().unwrap();
    let verify = manifest["bands"]["verify"].as_f64().unwrap();
    let p = f64::from(p);
    if p >= verify {
        "verify"
    } else if p >= review {
        "review"
    } else {
        "clear"
    }
}

/// A finished `appfraud score` run, read into memory.
struct Scored {
    frame: DataFrame,
    stderr: String,
}

/// `appfraud score` with the baseline on the sample plus `extra`, read back.
fn score_sample(extra: &[&str]) -> Scored {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("scores.parquet");
    let (model, data) = (baseline(), sample());
    let mut args = vec![
        "score",
        "--model",
        s(&model),
        "--data",
        s(&data),
        "--out",
        s(&out),
    ];
    args.extend_from_slice(extra);
    let stderr = ok_stderr(&run(&args));
    // The temporary file was renamed into place: nothing else is left in the directory.
    assert_eq!(files_in(tmp.path()), ["scores.parquet"]);
    Scored {
        frame: read(&out),
        stderr,
    }
}

/// The default run (`--reasons 3 --reasons-for flagged --engine auto`), computed once.
fn baseline_run() -> &'static Scored {
    static RUN: OnceLock<Scored> = OnceLock::new();
    RUN.get_or_init(|| score_sample(&[]))
}

#[test]
fn sample_scores_follow_the_manifest_and_reasons_match_the_feature_frame() {
    let m = manifest(&baseline());
    let shared = baseline_run();
    let df = &shared.frame;
    // Auto picks the native evaluator for a tree package.
    assert!(
        shared.stderr.contains("(native engine)"),
        "{}",
        shared.stderr
    );

    // Columns and types of the output contract.
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "application_id",
            "submitted_at",
            "probability",
            "band",
            "reasons",
            "model",
            "error"
        ]
    );
    assert_eq!(
        df.column("probability").unwrap().dtype(),
        &DataType::Float32
    );
    assert_eq!(
        df.column("reasons").unwrap().dtype(),
        &DataType::List(Box::new(DataType::Struct(vec![
            Field::new("feature".into(), DataType::String),
            Field::new("value".into(), DataType::Float32),
            Field::new("contribution".into(), DataType::Float64),
            Field::new("text".into(), DataType::String),
        ])))
    );

    // Rows out = rows in, in input order, with the input's submission times.
    let apps = read(&sample().join("applications.parquet"));
    assert_eq!(apps.height(), 20_000);
    assert_eq!(df.height(), apps.height());
    assert_eq!(ids(df), ids(&apps));
    assert_eq!(
        micros(df, "submitted_at"),
        micros(&apps, "submitted_at"),
        "submitted_at"
    );

    // Every application of the sample is scored: a probability in [0, 1], no error.
    let probability: Vec<f32> = probabilities(df)
        .into_iter()
        .enumerate()
        .map(|(i, p)| p.unwrap_or_else(|| panic!("row {i} unscored")))
        .collect();
    for (i, p) in probability.iter().enumerate() {
        assert!((0.0..=1.0).contains(p), "row {i}: probability {p}");
    }
    assert_eq!(df.column("error").unwrap().null_count(), df.height());

    // Bands: the manifest's thresholds applied to every row (exact, no tolerance: the band is
    // defined on the written float32 probability).
    let band = strings(df, "band");
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (i, (p, b)) in probability.iter().zip(&band).enumerate() {
        let expected = expected_band(*p, &m);
        assert_eq!(b.as_deref(), Some(expected), "row {i}: probability {p}");
        *counts.entry(expected).or_default() += 1;
    }
    // The sample has applications in every band, so the checks above cover all three.
    for b in ["clear", "review", "verify"] {
        assert!(counts.get(b).copied().unwrap_or(0) > 0, "{counts:?}");
    }
    let model_id = m["model_id"].as_str().unwrap();
    assert!(
        strings(df, "model")
            .iter()
            .all(|v| v.as_deref() == Some(model_id))
    );

    // Reasons: only for flagged rows (the default), at most 3, positive, largest first, named
    // features of the manifest, each carrying the application's feature value.
    let feature_names: Vec<&str> = m["feature_set"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let features_out = tmp.path().join("features.parquet");
    ok(&run(&[
        "--quiet",
        "features",
        "--data",
        s(&sample()),
        "--out",
        s(&features_out),
    ]));
    let features = read(&features_out);
    assert_eq!(ids(&features), ids(df));
    let columns: HashMap<&str, Vec<Option<f32>>> = feature_names
        .iter()
        .map(|&name| {
            let c = features.column(name).unwrap().f32().unwrap();
            (name, c.iter().collect())
        })
        .collect();

    let rows = reasons(df);
    let mut reasons_seen = 0;
    for (i, (r, b)) in rows.iter().zip(&band).enumerate() {
        let flagged = b.as_deref() != Some("clear");
        assert_eq!(!r.is_empty(), flagged, "row {i} ({b:?}): {r:?}");
        assert!(r.len() <= 3, "row {i}: {r:?}");
        check_reason_order(i, r);
        for reason in r {
            let column = columns
                .get(reason.feature.as_str())
                .unwrap_or_else(|| panic!("row {i}: {} is not a model feature", reason.feature));
            // Reference: the frame of `appfraud features` for the same application; exact (the
            // same float32 value), a missing feature (null or NaN) shows as NaN.
            let expected = column[i].unwrap_or(f32::NAN);
            assert!(
                same_value(reason.value, expected),
                "row {i}: reason {reason:?}, feature frame value {expected}"
            );
        }
        let distinct: std::collections::HashSet<&str> =
            r.iter().map(|x| x.feature.as_str()).collect();
        assert_eq!(distinct.len(), r.len(), "row {i}: a feature twice: {r:?}");
        reasons_seen += r.len();
    }
    assert!(reasons_seen > 0);
    // Each reason reads as the catalog's sentence for its feature and value, and the top
    // flagged applications are printed with those sentences.
    check_reason_texts(&m, &rows);
    let top = rows
        .iter()
        .zip(&probability)
        .zip(&band)
        .filter(|((r, _), b)| !r.is_empty() && b.as_deref() != Some("clear"))
        .max_by(|((_, p), _), ((_, q), _)| p.total_cmp(q));
    let ((top_reasons, _), _) = top.expect("a flagged application");
    for reason in top_reasons {
        assert!(
            shared.stderr.contains(&format!("- {} (", reason.text)),
            "{reason:?} not printed:\n{}",
            shared.stderr
        );
    }

    // --reasons-for all --reasons 5: every row gets 1..=5 reasons; the scores are those of the
    // default run (the same engine: equal bit for bit), and a flagged row's first reasons are
    // its default reasons (top-k is a prefix of top-5).
    let all = score_sample(&["--reasons-for", "all", "--reasons", "5"]);
    assert_eq!(ids(&all.frame), ids(df));
    assert_eq!(probabilities(&all.frame), probabilities(df));
    check_reason_texts(&m, &reasons(&all.frame));
    for (i, (r5, r3)) in reasons(&all.frame).iter().zip(&rows).enumerate() {
        assert!((1..=5).contains(&r5.len()), "row {i}: {r5:?}");
        check_reason_order(i, r5);
        if !r3.is_empty() {
            assert_eq!(r5[..r3.len()], r3[..], "row {i}");
        }
        for reason in r5 {
            assert!(
                columns.contains_key(reason.feature.as_str()),
                "row {i}: {reason:?}"
            );
        }
    }
}

/// Contributions strictly positive (a reason raised the score) and in descending order.
fn check_reason_order(row: usize, reasons: &[Reason]) {
    for r in reasons {
        assert!(r.contribution > 0.0, "row {row}: {reasons:?}");
    }
    for w in reasons.windows(2) {
        assert!(
            w[0].contribution >= w[1].contribution,
            "row {row}: {reasons:?}"
        );
    }
}

#[test]
fn native_and_onnxruntime_engines_agree() {
    let native = score_sample(&["--quiet", "--engine", "native"]);
    let ort = score_sample(&["--engine", "onnxruntime"]);
    assert!(
        ort.stderr.contains("(onnxruntime engine)"),
        "{}",
        ort.stderr
    );
    assert_eq!(ids(&native.frame), ids(&ort.frame));
    let (a, b) = (probabilities(&native.frame), probabilities(&ort.frame));
    let mut max_diff = 0.0f32;
    for (i, (a, b)) in a.iter().zip(&b).enumerate() {
        let (a, b) = (a.unwrap(), b.unwrap());
        max_diff = max_diff.max((a - b).abs());
        // Reference: ONNX Runtime 1.31 on the same model.onnx; tolerance 1e-6 absolute.
        assert!(
            (a - b).abs() <= 1e-6,
            "row {i}: native {a}, onnxruntime {b}"
        );
    }
    eprintln!("max |native - onnxruntime| = {max_diff:e}");
    assert_eq!(strings(&native.frame, "band"), strings(&ort.frame, "band"));
    // Reasons come from TreeSHAP on the package whichever engine scores: identical.
    assert_eq!(reasons(&native.frame), reasons(&ort.frame));
}

#[test]
fn since_scores_only_later_applications_with_the_full_run_probabilities() {
    let full = &baseline_run().frame;
    let since = score_sample(&["--quiet", "--since", "2025-10-01"]).frame;
    let cut = chrono::NaiveDate::from_ymd_opt(2025, 10, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_micros();
    let keep: Vec<usize> = micros(full, "submitted_at")
        .iter()
        .enumerate()
        .filter(|(_, t)| **t >= cut)
        .map(|(i, _)| i)
        .collect();
    assert!(!keep.is_empty() && keep.len() < full.height());
    assert!(micros(&since, "submitted_at").iter().all(|t| *t >= cut));
    let full_ids = ids(full);
    let expected: Vec<&String> = keep.iter().map(|&i| &full_ids[i]).collect();
    let got = ids(&since);
    assert_eq!(got.iter().collect::<Vec<_>>(), expected);

    let (pf, ps) = (probabilities(full), probabilities(&since));
    let (bf, bs) = (strings(full, "band"), strings(&since, "band"));
    let (rf, rs) = (reasons(full), reasons(&since));
    for (k, &i) in keep.iter().enumerate() {
        let (a, b) = (pf[i].unwrap(), ps[k].unwrap());
        // Reference: the full run's probability of the same application, to the bit: the
        // features are point in time (earlier rows as history give the same values) and the
        // same engine scores each row on its own, whatever else is in the batch.
        assert_eq!(a.to_bits(), b.to_bits(), "{}: full {a}, since {b}", got[k]);
        assert_eq!(bf[i], bs[k], "{}", got[k]);
        assert_eq!(rf[i], rs[k], "{}", got[k]);
    }
}

/// Runs `score` on `package` and `data`, expecting a usage error (exit 2); returns stderr.
fn refused_score(package: &Path, data: &Path, out: &Path) -> String {
    usage_error(&run(&[
        "score",
        "--model",
        s(package),
        "--data",
        s(data),
        "--out",
        s(out),
    ]))
}

/// A copy of the baseline package at `to` whose manifest is replaced by `manifest`.
fn package_with_manifest(to: &Path, manifest: &Value) {
    copy_package(&baseline(), to);
    std::fs::write(
        to.join("manifest.json"),
        serde_json::to_vec_pretty(manifest).unwrap(),
    )
    .unwrap();
}

#[test]
fn a_tampered_model_onnx_is_refused_naming_both_checksums() {
    let tmp = tempfile::tempdir().unwrap();
    let package = tmp.path().join("package");
    copy_package(&baseline(), &package);
    let onnx = package.join("model.onnx");
    let mut bytes = std::fs::read(&onnx).unwrap();
    let expected = manifest(&package)["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "model.onnx")
        .and_then(|f| f["sha256"].as_str())
        .unwrap()
        .to_owned();
    // The committed package is intact before the change.
    assert_eq!(appfraud_core::sha256_hex(&bytes), expected);
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&onnx, &bytes).unwrap();
    let actual = appfraud_core::sha256_hex(&bytes);
    assert_ne!(actual, expected);

    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("scores.parquet");
    let stderr = refused_score(&package, &sample(), &out);
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains(&actual), "{stderr}");
    assert!(stderr.contains("model.onnx"), "{stderr}");
    // Refused before the data is read, and nothing written (not even a temporary file).
    assert!(!stderr.contains("computing"), "{stderr}");
    assert!(!out.exists());
    assert!(files_in(&out_dir).is_empty());
}

/// `manifest` with its own digest recomputed ([`appfraud_core::seal_manifest`]), as a package
/// written by another build of appfraud would hold it.
fn sealed(manifest: &Value) -> Vec<u8> {
    let mut m = manifest.clone();
    m["manifest_sha256"] = Value::String(String::new());
    appfraud_core::seal_manifest(&serde_json::to_vec_pretty(&m).unwrap()).unwrap()
}

#[test]
fn a_foreign_feature_set_or_format_version_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    generate(&data, &["--applications", "1500"]);
    let pipeline_hash = appfraud_features::feature_set().hash().as_str().to_owned();
    let original = manifest(&baseline());
    assert_eq!(
        original["feature_set"]["hash"].as_str(),
        Some(&*pipeline_hash)
    );

    // A package of another pipeline, consistent in itself: a feature renamed, the FeatureSet
    // hash of the listed features, the manifest's digest recomputed.
    let package = tmp.path().join("foreign");
    let mut m = original.clone();
    m["feature_set"]["features"][0]["name"] = Value::from("phone_present_v0");
    let listed: appfraud_core::ManifestFeatureSet =
        serde_json::from_value(m["feature_set"].clone()).unwrap();
    let foreign = listed.feature_set().unwrap().hash().to_string();
    assert_ne!(foreign, pipeline_hash);
    m["feature_set"]["hash"] = Value::String(foreign.clone());
    copy_package(&baseline(), &package);
    std::fs::write(package.join("manifest.json"), sealed(&m)).unwrap();
    let out = tmp.path().join("scores.parquet");
    let stderr = refused_score(&package, &data, &out);
    assert!(stderr.contains(&foreign), "{stderr}");
    assert!(stderr.contains(&pipeline_hash), "{stderr}");
    assert!(!out.exists());

    // A manifest of a format version this build does not read.
    let package = tmp.path().join("future");
    let mut m = original.clone();
    m["format_version"] = Value::from(99);
    package_with_manifest(&package, &m);
    let stderr = refused_score(&package, &data, &out);
    assert!(stderr.contains("format version 99"), "{stderr}");
    assert!(stderr.contains("manifest.json"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn an_edited_package_is_refused_before_any_output_by_score_and_evaluate() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("scores.parquet");

    // The review threshold lowered by hand in manifest.json.
    let package = tmp.path().join("threshold");
    let mut m = manifest(&baseline());
    let review = m["bands"]["review"].as_f64().unwrap();
    m["bands"]["review"] = Value::from(review / 2.0);
    package_with_manifest(&package, &m);
    let stderr = refused_score(&package, &sample(), &out);
    assert!(stderr.contains("manifest.json"), "{stderr}");
    assert!(
        stderr.contains(m["manifest_sha256"].as_str().unwrap()),
        "{stderr}"
    );
    assert!(!stderr.contains("computing"), "{stderr}");
    assert!(files_in(&out_dir).is_empty());

    // A line of the model card edited: score and evaluate both refuse it, naming the file.
    let package = tmp.path().join("card");
    copy_package(&baseline(), &package);
    let card = std::fs::read_to_string(package.join("model_card.md")).unwrap();
    std::fs::write(
        package.join("model_card.md"),
        card.replacen("never", "always", 1),
    )
    .unwrap();
    let stderr = refused_score(&package, &sample(), &out);
    assert!(stderr.contains("model_card.md"), "{stderr}");
    assert!(files_in(&out_dir).is_empty());
    let stderr = usage_error(&run(&[
        "evaluate",
        "--model",
        s(&package),
        "--data",
        s(&sample()),
    ]));
    assert!(stderr.contains("model_card.md"), "{stderr}");
    assert!(!stderr.contains("computing"), "{stderr}");
}

/// Starts `appfraud score` of the sample into `out` and reads its stderr until a line contains
/// `marker`; returns the running child.
fn score_until(out: &Path, marker: &str) -> Child {
    let mut child = spawn_score(out);
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut line = String::new();
    while !line.contains(marker) {
        line.clear();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 {
            let status = child.wait().unwrap();
            panic!("the run ended ({status:?}) before {marker:?}:\n{seen}");
        }
        seen.push_str(&line);
    }
    child
}

/// `appfraud score` of the sample into `out`, stderr piped (not quiet: the steps are read).
fn spawn_score(out: &Path) -> Child {
    Command::new(BIN)
        .args([
            "score",
            "--model",
            s(&baseline()),
            "--data",
            s(&sample()),
            "--out",
            s(out),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the appfraud binary runs")
}

/// SIGKILL before the rename leaves the output path as it was: the previous file byte for
/// byte, or no file. A temporary file (`.<name>.<pid>.tmp`) may remain beside it after
/// SIGKILL, since nothing runs to remove it; only the real output path is asserted.
#[test]
fn a_killed_run_leaves_the_previous_output_intact_or_none() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("scores.parquet");
    let previous = b"previous scores, not to be touched".to_vec();

    // Killed while computing features: exactly the previous bytes.
    std::fs::write(&out, &previous).unwrap();
    let mut child = score_until(&out, "computing");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal: {status:?}");
    assert_eq!(std::fs::read(&out).unwrap(), previous);

    // Killed while computing features, no previous file: still none.
    std::fs::remove_file(&out).unwrap();
    let mut child = score_until(&out, "computing");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.exists());

    // Killed during the write: after the last step before it (`bands: ...`) the directory is
    // polled, and the kill sent as soon as the temporary file `.scores.parquet.<pid>.tmp`
    // appears or the output path changes (as it would under a writer that is not atomic). The
    // write can still finish and rename in between, so the path holds the previous bytes or
    // the complete new file, never a partial one.
    std::fs::write(&out, &previous).unwrap();
    let mut child = score_until(&out, "] bands:");
    let tmp_file = tmp
        .path()
        .join(format!(".scores.parquet.{}.tmp", child.id()));
    let finished = loop {
        if tmp_file.exists() || std::fs::read(&out).map_or(true, |b| b != previous) {
            child.kill().unwrap();
            break false;
        }
        if child.try_wait().unwrap().is_some() {
            break true;
        }
        std::thread::sleep(std::time::Duration::from_micros(200));
    };
    let status = child.wait().unwrap();
    let now = std::fs::read(&out).unwrap();
    if now == previous {
        assert!(!finished, "the run succeeded without writing: {status:?}");
        eprintln!(
            "killed during the write ({status:?}); temporary file left: {}",
            tmp_file.exists()
        );
    } else {
        eprintln!("the output changed before the kill ({status:?})");
        let complete = ParquetReader::new(std::fs::File::open(&out).unwrap())
            .finish()
            .unwrap_or_else(|e| panic!("the output path holds a partial file ({status:?}): {e}"));
        assert_eq!(complete.height(), 20_000);
    }
}

#[test]
fn usage_errors_exit_with_2_before_any_compute() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("scores.parquet");
    let (model, data) = (baseline(), sample());
    let base = ["score", "--model", s(&model), "--data", s(&data)];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        run(&args)
    };

    let csv = tmp.path().join("scores.csv");
    let stderr = usage_error(&with(&["--out", s(&csv)]));
    assert!(stderr.contains(".parquet"), "{stderr}");
    assert!(!csv.exists());

    let stderr = usage_error(&run(&["score", "--model", s(&model), "--out", s(&out)]));
    assert!(stderr.contains("--data"), "{stderr}");

    let nowhere = tmp.path().join("nowhere");
    let stderr = usage_error(&run(&[
        "score",
        "--model",
        s(&nowhere),
        "--data",
        s(&data),
        "--out",
        s(&out),
    ]));
    assert!(stderr.contains("manifest.json"), "{stderr}");

    for bad in [
        &["--out", s(&out), "--engine", "turbo"][..],
        &["--out", s(&out), "--reasons-for", "some"],
        &["--out", s(&out), "--reasons", "-1"],
        &["--out", s(&out), "--since", "yesterday"],
    ] {
        usage_error(&with(bad));
    }
    assert!(files_in(tmp.path()).is_empty());
}

#[test]
fn a_logistic_package_scores_with_onnxruntime_and_refuses_the_native_engine() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    generate(&data, &["--applications", "3000", "--quarters", "4"]);
    let cfg = tmp.path().join("train.toml");
    std::fs::write(
        &cfg,
        "bootstrap_resamples = 0\n[logistic]\nmax_iterations = 60\n",
    )
    .unwrap();
    let package = tmp.path().join("logistic");
    ok(&run(&[
        "--quiet",
        "train",
        "--data",
        s(&data),
        "--out",
        s(&package),
        "--algo",
        "logistic",
        "--config",
        s(&cfg),
    ]));
    let out = tmp.path().join("scores.parquet");
    let score = |engine: &str| {
        run(&[
            "score",
            "--model",
            s(&package),
            "--data",
            s(&data),
            "--out",
            s(&out),
            "--engine",
            engine,
        ])
    };

    let stderr = usage_error(&score("native"));
    assert!(stderr.contains("native"), "{stderr}");
    assert!(stderr.contains("linear"), "{stderr}");
    assert!(!out.exists());

    // Auto falls back to ONNX Runtime for a linear package; reasons come from the coefficients.
    let stderr = ok_stderr(&score("auto"));
    assert!(stderr.contains("(onnxruntime engine)"), "{stderr}");
    let df = read(&out);
    assert_eq!(ids(&df), ids(&read(&data.join("applications.parquet"))));
    let m = manifest(&package);
    let band = strings(&df, "band");
    for (i, ((p, b), r)) in probabilities(&df)
        .iter()
        .zip(&band)
        .zip(reasons(&df))
        .enumerate()
    {
        let p = p.unwrap();
        assert_eq!(b.as_deref(), Some(expected_band(p, &m)), "row {i}");
        assert_eq!(!r.is_empty(), b.as_deref() != Some("clear"), "row {i}");
        check_reason_order(i, &r);
    }
    // The logistic model's reasons carry the catalog's sentences too.
    check_reason_texts(&m, &reasons(&df));
}
