//! The nightly job of the README (`deploy/nightly/appfraud-nightly.sh`), run as written on the
//! built-in sample cut at its last day: the history before 2025-12-31 in a snapshot, the last
//! day's rows as the night's directory, the sample itself as the full export.
//!
//! Reference: `appfraud score --data SAMPLE --since 2025-12-31`, the full run; the job's scores
//! must equal it exactly (f32 bits, bands) on its normal path (score against the snapshot, then
//! update it) and on its fallback (a damaged snapshot is rebuilt from the export). Exit codes:
//! 0 when no week is at `act` (thresholds from a config), 3 with the default thresholds, which
//! the sample's history-count inputs reach in its last weeks, after the scores are written.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{BIN, baseline, ok, read, run, s, sample, strings, usage_error, workspace};

/// 2025-12-31T00:00:00Z in µs (date -u -d 2025-12-31 +%s = 1767139200).
const LAST_DAY: i64 = 1_767_139_200_000_000;
const DAY: &str = "2025-12-31";

/// A job root: the snapshot of the history before the last day, and the night's directory.
fn job_root(root: &Path) {
    let history = root.join("history");
    common::cut_data(
        &sample(),
        &history,
        &root.join("incoming").join(DAY),
        LAST_DAY,
    );
    ok(&run(&[
        "--quiet",
        "snapshot",
        "build",
        "--data",
        s(&history),
        "--out",
        s(&root.join("history.snapshot")),
    ]));
}

fn nightly(root: &Path, config: Option<&Path>) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(workspace().join("deploy/nightly/appfraud-nightly.sh"))
        .arg(DAY)
        .env("APPFRAUD", BIN)
        .env("APPFRAUD_ROOT", root)
        .env("APPFRAUD_MODEL", baseline())
        .env("APPFRAUD_EXPORT", sample())
        .env("APPFRAUD_DRIFT_WEEKDAYS", "*");
    if let Some(c) = config {
        cmd.env("APPFRAUD_DRIFT_CONFIG", c);
    }
    cmd.output().expect("bash runs")
}

/// (probability bits, band) by application id.
fn scores(path: &Path) -> HashMap<String, (u32, String)> {
    let df = read(path);
    let p = df.column("probability").unwrap().f32().unwrap().clone();
    strings(&df, "application_id")
        .into_iter()
        .zip(p.iter().map(|v| v.unwrap().to_bits()))
        .zip(strings(&df, "band"))
        .map(|((id, p), band)| (id, (p, band)))
        .collect()
}

fn reference(dir: &Path) -> HashMap<String, (u32, String)> {
    let out = dir.join("reference.parquet");
    ok(&run(&[
        "--quiet",
        "score",
        "--model",
        s(&baseline()),
        "--data",
        s(&sample()),
        "--since",
        DAY,
        "--out",
        s(&out),
    ]));
    scores(&out)
}

#[test]
fn the_nightly_job_scores_updates_and_raises_drift_alarms() {
    let tmp = tempfile::tempdir().unwrap();
    let expected = reference(tmp.path());
    assert!(
        expected.len() > 10,
        "{} applications on the last day",
        expected.len()
    );
    let calm = tmp.path().join("drift.toml");
    std::fs::write(&calm, "act = 50.0\n").unwrap();

    // The normal path: scores equal the full run, the snapshot takes the night, the drift
    // report is written and nothing is at act.
    let root = tmp.path().join("normal");
    job_root(&root);
    let out = nightly(&root, Some(&calm));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        scores(&root.join("scores").join(format!("{DAY}.parquet"))),
        expected
    );
    assert!(root.join("drift").join(DAY).join("drift.md").is_file());
    // The night is in the snapshot now: adding it again is refused.
    let again = usage_error(&run(&[
        "snapshot",
        "update",
        "--snapshot",
        s(&root.join("history.snapshot")),
        "--data",
        s(&root.join("incoming").join(DAY)),
    ]));
    assert!(again.contains("already"), "{again}");

    // Default thresholds: the alarm exits with 3, after the scores and the snapshot are done.
    let root = tmp.path().join("alarm");
    job_root(&root);
    let out = nightly(&root, None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("drift alarm"), "{stderr}");
    assert_eq!(
        scores(&root.join("scores").join(format!("{DAY}.parquet"))),
        expected
    );

    // The fallback: a damaged snapshot is rebuilt from the export, with the same scores.
    let root = tmp.path().join("fallback");
    job_root(&root);
    let snapshot = root.join("history.snapshot");
    let bytes = std::fs::read(&snapshot).unwrap();
    std::fs::write(&snapshot, &bytes[..bytes.len() / 2]).unwrap();
    let out = nightly(&root, Some(&calm));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("rebuilding the snapshot"), "{stderr}");
    assert_eq!(
        scores(&root.join("scores").join(format!("{DAY}.parquet"))),
        expected
    );
    // The rebuilt snapshot holds the night (the export has it).
    let held = usage_error(&run(&[
        "snapshot",
        "update",
        "--snapshot",
        s(&snapshot),
        "--data",
        s(&root.join("incoming").join(DAY)),
    ]));
    assert!(held.contains("already"), "{held}");
}
