//! End-to-end tests of `appfraud drift` on data whose drift is known:
//!
//! - the built-in sample against the committed baseline, whose training window it is: the
//!   generator grows the fraud share by 27 % a quarter (`synth` crate docs), so the flag rate
//!   rises quarter by quarter, and the last quarter, the held-out window the score reference
//!   was counted on, has a score PSI of exactly 0;
//! - the same sample by week: weeks of about 200 applications whose score PSI reaches the
//!   `watch` threshold by chance stay `stable`, because the PSI is not above sampling noise;
//! - fresh generated data with one shift injected by hand (every phone removed from the
//!   second quarter): `phone_present` is `act` in exactly the months of the shift, and
//!   `--fail-on act` exits with 3 after writing the report; thresholds from `--config`;
//! - a package written before drift references existed is refused with exit code 2;
//! - a `--since` after the data gives an empty report, stable, and no alarm.

use std::path::Path;

use polars::prelude::*;
use serde_json::Value;

mod common;
use common::{baseline, ok, read, run, s, sample, usage_error};

/// Runs `appfraud drift` and parses the `drift.json` it wrote.
fn drift(model: &Path, data: &Path, out: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "--quiet",
        "drift",
        "--model",
        s(model),
        "--data",
        s(data),
        "--out",
        s(out),
    ];
    args.extend_from_slice(extra);
    ok(&run(&args));
    report(out)
}

fn report(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("drift.json")).expect("drift.json written"))
        .expect("drift.json parses")
}

fn periods(report: &Value) -> &Vec<Value> {
    report["periods"].as_array().expect("periods")
}

/// The status of input `feature` in period `p`.
fn feature_status<'a>(p: &'a Value, feature: &str) -> &'a str {
    p["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["feature"] == feature)
        .and_then(|f| f["comparison"]["status"].as_str())
        .unwrap_or_else(|| panic!("no {feature} in {}", p["period"]))
}

fn flag_share(p: &Value) -> f64 {
    let b = &p["bands"];
    let count = |k: &str| b[k].as_f64().expect("count");
    (count("review") + count("verify")) / (count("clear") + count("review") + count("verify"))
}

#[test]
fn the_sample_drifts_as_its_generator_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let r = drift(&baseline(), &sample(), &out, &["--period", "quarter"]);
    let ps = periods(&r);
    let labels: Vec<&str> = ps.iter().map(|p| p["period"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        [
            "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"
        ]
    );
    // The fraud share grows every quarter, and so does the share flagged.
    let shares: Vec<f64> = ps.iter().map(flag_share).collect();
    assert!(
        shares.windows(2).all(|w| w[0] < w[1]),
        "flag shares by quarter: {shares:?}"
    );
    // The last quarter is the score reference's own rows: PSI 0, stable. The first is the
    // furthest from it, and significantly so.
    let last = &ps[7]["score"];
    assert_eq!(last["psi"].as_f64(), Some(0.0));
    assert_eq!(last["status"], "stable");
    let first = &ps[0]["score"];
    assert!(first["significant"].as_bool().unwrap());
    assert_ne!(first["status"], "stable");
    let psis: Vec<f64> = ps
        .iter()
        .map(|p| p["score"]["psi"].as_f64().unwrap())
        .collect();
    assert!(psis[0] > psis[3] && psis[3] > psis[7], "{psis:?}");
    // Every file of the report, the plots referenced from the markdown.
    for f in [
        "drift.md",
        "score_by_period.svg",
        "psi_by_period.svg",
        "top_features.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let md = std::fs::read_to_string(out.join("drift.md")).unwrap();
    assert!(md.contains("| 2024-Q1 | 2095 |"), "{md}");
    assert!(md.contains("](score_by_period.svg)") && md.contains("](top_features.svg)"));
    let svg = std::fs::read_to_string(out.join("score_by_period.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("2025-Q4"));
}

#[test]
fn small_periods_do_not_raise_false_alarms() {
    let dir = tempfile::tempdir().unwrap();
    // The held-out window of the baseline, week by week: the same population as the score
    // reference, in samples of 100 to 270 applications.
    let r = drift(
        &baseline(),
        &sample(),
        dir.path(),
        &["--period", "week", "--since", "2025-10-01"],
    );
    let ps = periods(&r);
    assert!(ps.len() >= 13, "{} weeks", ps.len());
    for p in ps {
        assert_eq!(p["score"]["status"], "stable", "{}", p["period"]);
        assert_eq!(p["bands_comparison"]["status"], "stable", "{}", p["period"]);
    }
    // At least one week reaches the watch threshold by chance and is kept stable by the test:
    // PSI alone would have raised an alarm.
    let watch = r["watch"].as_f64().unwrap();
    let noisy: Vec<&Value> = ps
        .iter()
        .filter(|p| p["score"]["psi"].as_f64().unwrap() >= watch)
        .collect();
    assert!(!noisy.is_empty(), "no week reaches the watch threshold");
    for p in noisy {
        let score = &p["score"];
        assert!(!score["significant"].as_bool().unwrap());
        assert!(score["noise_floor"].as_f64().unwrap() > score["psi"].as_f64().unwrap());
    }
}

/// Removes every phone from the applications submitted at or after `cutoff` (µs).
fn remove_phones_from(data: &Path, cutoff: i64) {
    let path = data.join("applications.parquet");
    let mut df = read(&path);
    let times: Vec<i64> = df
        .column("submitted_at")
        .unwrap()
        .to_physical_repr()
        .i64()
        .unwrap()
        .iter()
        .map(Option::unwrap)
        .collect();
    let phones: StringChunked = df
        .column("phone")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .zip(&times)
        .map(|(p, t)| if *t >= cutoff { None } else { p })
        .collect();
    df.with_column(phones.with_name("phone".into()).into_column())
        .unwrap();
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
}

#[test]
fn an_injected_shift_is_found_where_it_was_injected() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&run(&[
        "--quiet",
        "generate",
        "--out",
        s(&data),
        "--applications",
        "3000",
        "--seed",
        "5",
        "--start",
        "2026-01-01",
        "--quarters",
        "2",
    ]));
    // 2026-04-01T00:00:00Z (date -u -d 2026-04-01 +%s = 1775001600).
    remove_phones_from(&data, 1_775_001_600_000_000);
    let out = dir.path().join("report");
    let r = drift(&baseline(), &data, &out, &["--period", "month"]);
    let ps = periods(&r);
    let labels: Vec<&str> = ps.iter().map(|p| p["period"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        [
            "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"
        ]
    );
    for p in &ps[..3] {
        assert_eq!(
            feature_status(p, "phone_present"),
            "stable",
            "{}",
            p["period"]
        );
    }
    for p in &ps[3..] {
        assert_eq!(feature_status(p, "phone_present"), "act", "{}", p["period"]);
        assert_eq!(p["status"], "act");
    }
    assert_eq!(r["status"], "act");
    let top: Vec<&str> = r["top_features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["feature"].as_str().unwrap())
        .collect();
    assert!(top.contains(&"phone_present"), "{top:?}");

    // A cron job: exit code 3 once the report is written, naming the periods.
    std::fs::remove_dir_all(&out).unwrap();
    let alarm = run(&[
        "--quiet",
        "drift",
        "--model",
        s(&baseline()),
        "--data",
        s(&data),
        "--out",
        s(&out),
        "--period",
        "month",
        "--fail-on",
        "act",
    ]);
    let stderr = String::from_utf8_lossy(&alarm.stderr);
    assert_eq!(alarm.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("drift alarm") && stderr.contains("2026-04"),
        "{stderr}"
    );
    assert_eq!(report(&out)["status"], "act");

    // Thresholds from a config file: with `act` at 50 nothing is at act, and the alarm is quiet.
    let config = dir.path().join("drift.toml");
    std::fs::write(&config, "watch = 0.1\nact = 50.0\n").unwrap();
    let calm = drift(
        &baseline(),
        &data,
        &out,
        &[
            "--period",
            "month",
            "--config",
            s(&config),
            "--fail-on",
            "act",
        ],
    );
    assert_eq!(calm["act"].as_f64(), Some(50.0));
    assert_eq!(calm["status"], "watch");
    // An invalid configuration is a usage error.
    std::fs::write(&config, "watch = 0.3\nact = 0.2\n").unwrap();
    let err = usage_error(&run(&[
        "drift",
        "--model",
        s(&baseline()),
        "--data",
        s(&data),
        "--out",
        s(&out),
        "--config",
        s(&config),
    ]));
    assert!(err.contains("act"), "{err}");
}

#[test]
fn a_package_without_a_reference_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    std::fs::create_dir_all(&old).unwrap();
    for entry in std::fs::read_dir(baseline()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), old.join(entry.file_name())).unwrap();
    }
    // The manifest as a package of the previous version had it: no drift reference, sealed
    // again so that the package is intact.
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(old.join("manifest.json")).unwrap()).unwrap();
    manifest
        .as_object_mut()
        .unwrap()
        .remove("drift_reference")
        .expect("the baseline has a reference");
    manifest["manifest_sha256"] = Value::String(String::new());
    let text = serde_json::to_string_pretty(&manifest).unwrap();
    let sealed = appfraud_core::seal_manifest(text.as_bytes()).expect("one digest entry");
    std::fs::write(old.join("manifest.json"), sealed).unwrap();
    let out = dir.path().join("report");
    let err = usage_error(&run(&[
        "drift",
        "--model",
        s(&old),
        "--data",
        s(&sample()),
        "--out",
        s(&out),
    ]));
    assert!(
        err.contains("no drift reference") && err.contains("retrain"),
        "{err}"
    );
    // It still scores: the reference is needed by drift only.
    let scores = dir.path().join("scores.parquet");
    ok(&run(&[
        "--quiet",
        "score",
        "--model",
        s(&old),
        "--data",
        s(&sample()),
        "--out",
        s(&scores),
    ]));
}

#[test]
fn no_application_in_the_periods_is_a_stable_empty_report() {
    let dir = tempfile::tempdir().unwrap();
    let r = drift(
        &baseline(),
        &sample(),
        dir.path(),
        &["--since", "2030-01-01", "--fail-on", "watch"],
    );
    assert!(periods(&r).is_empty());
    assert_eq!(r["status"], "stable");
    let md = std::fs::read_to_string(dir.path().join("drift.md")).unwrap();
    assert!(md.contains("No application to compare"), "{md}");
    assert!(!dir.path().join("score_by_period.svg").exists());
}
