//! Helpers shared by the end-to-end tests: running the `appfraud` binary, checking its exit,
//! locating the workspace's files and reading Parquet output. Each test binary uses a part of
//! them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;

/// The Python of the reference environment (`.venv-ref/`, installed by `./dev test`), or
/// `APPFRAUD_PYTHON` when set.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("APPFRAUD_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = workspace().join(".venv-ref/bin/python");
    assert!(
        venv.is_file(),
        "the Python reference environment is missing: run ./dev test (it installs .venv-ref/) or set APPFRAUD_PYTHON"
    );
    venv
}

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_appfraud");

/// Runs `appfraud ARGS` to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the appfraud binary runs")
}

/// Asserts success (showing stderr otherwise) and returns stdout.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts success (showing stderr otherwise) and returns stderr, where progress goes.
pub fn ok_stderr(out: &Output) -> String {
    ok(out);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts exit code 2 (a user error) and returns stderr.
pub fn usage_error(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

/// The workspace root (the repository).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built-in sample data directory.
pub fn sample() -> PathBuf {
    workspace().join("notebooks-data/sample")
}

/// The committed baseline model package.
pub fn baseline() -> PathBuf {
    workspace().join("models/baseline")
}

/// A path as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A Parquet file as a frame.
pub fn read(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).expect("open"))
        .finish()
        .expect("parquet")
}

/// A timestamp column as µs since the epoch.
pub fn micros(column: &Column) -> Vec<i64> {
    column
        .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .iter()
        .map(|v| v.unwrap())
        .collect()
}

/// A string column without nulls.
pub fn strings(df: &DataFrame, name: &str) -> Vec<String> {
    df.column(name)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap().to_owned())
        .collect()
}

/// Writes `df` as `dir/NAME.parquet`.
pub fn write(dir: &Path, name: &str, mut df: DataFrame) {
    let file = std::fs::File::create(dir.join(format!("{name}.parquet"))).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
}

/// The rows `i` of `df` for which `keep(i)`, in order.
pub fn rows(df: &DataFrame, keep: impl Fn(usize) -> bool) -> DataFrame {
    let idx: Vec<IdxSize> = (0..df.height())
        .filter(|&i| keep(i))
        .map(|i| i as IdxSize)
        .collect();
    df.take(&IdxCa::from_vec("idx".into(), idx)).unwrap()
}

/// The median submission instant (µs) of data directory `data`.
pub fn median_submission(data: &Path) -> i64 {
    let apps = read(&data.join("applications.parquet"));
    let mut submitted = micros(apps.column("submitted_at").unwrap());
    submitted.sort_unstable();
    submitted[submitted.len() / 2]
}

/// Cuts data directory `data` in time at `cut` (µs): `history` gets the applications submitted
/// before it, with their telemetry and labels dated before it, and the reference files; `new`
/// gets the later applications and every session and label dated at or after the cut, those of
/// held applications included (what a night's directory holds). Returns the new applications'
/// ids.
pub fn cut_data(data: &Path, history: &Path, new: &Path, cut: i64) -> Vec<String> {
    use std::collections::HashMap;
    let apps = read(&data.join("applications.parquet"));
    let telemetry = read(&data.join("telemetry.parquet"));
    let labels = read(&data.join("labels.parquet"));
    let submitted = micros(apps.column("submitted_at").unwrap());
    let ids = strings(&apps, "application_id");
    let held: HashMap<&str, bool> = ids
        .iter()
        .zip(&submitted)
        .map(|(id, t)| (id.as_str(), *t < cut))
        .collect();
    std::fs::create_dir_all(history.join("reference")).unwrap();
    std::fs::create_dir_all(new).unwrap();
    for f in ["ip_ranges.csv", "high_risk_institutions.csv"] {
        std::fs::copy(
            data.join("reference").join(f),
            history.join("reference").join(f),
        )
        .unwrap();
    }
    write(history, "applications", rows(&apps, |i| submitted[i] < cut));
    write(new, "applications", rows(&apps, |i| submitted[i] >= cut));
    for (name, df, time) in [
        ("telemetry", &telemetry, "event_at"),
        ("labels", &labels, "labeled_at"),
    ] {
        let owner = strings(df, "application_id");
        let at = micros(df.column(time).unwrap());
        let in_history = |i: usize| held[owner[i].as_str()] && at[i] < cut;
        write(history, name, rows(df, in_history));
        write(new, name, rows(df, |i| !in_history(i)));
    }
    ids.into_iter()
        .zip(submitted)
        .filter(|(_, t)| *t >= cut)
        .map(|(id, _)| id)
        .collect()
}

/// Copies the feature table `features` to `out` with two rows an application cannot be scored
/// from: row 7's `phone_present` (a `never`-missing feature) null, row 11's
/// `ip_kind_residential` infinite.
pub fn break_rows_7_and_11(features: &Path, out: &Path) {
    let mut df = read(features);
    let phone: Float32Chunked = df
        .column("phone_present")
        .unwrap()
        .f32()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, v)| if i == 7 { None } else { v })
        .collect();
    let ip: Float32Chunked = df
        .column("ip_kind_residential")
        .unwrap()
        .f32()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, v)| if i == 11 { Some(f32::INFINITY) } else { v })
        .collect();
    df.with_column(phone.with_name("phone_present".into()).into_column())
        .unwrap();
    df.with_column(ip.with_name("ip_kind_residential".into()).into_column())
        .unwrap();
    ParquetWriter::new(std::fs::File::create(out).unwrap())
        .finish(&mut df)
        .unwrap();
}
