//! A data directory as it stood at an earlier instant, cut from a later one: what a user who
//! trained "as of" that instant had, and what they learned afterwards. Shared by the
//! out-of-time tests of training (`tests/cli_refit.rs`) and the out-of-time bench
//! (`benches/refit_out_of_time.rs`).
//!
//! [`as_of`] keeps the applications submitted before the cutoff, their telemetry sampled
//! before it and the labels known before it, so nothing in the result could have been seen
//! later. [`with_later_labels`] keeps the applications submitted before an end and every label
//! of theirs the full directory holds, however late: the outcome of a window scored at the
//! cutoff, once its investigations have come in. The reference files are copied as they are.
#![allow(dead_code)]

use std::path::Path;

use polars::prelude::*;

/// Microseconds since the epoch of midnight UTC on `date` (`YYYY-MM-DD`).
pub fn day_micros(date: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap_or_else(|e| panic!("{date}: {e}"))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp_micros()
}

/// Writes into `out` the data directory `full` as it stood just before `cutoff` (µs since the
/// epoch): applications with `submitted_at < cutoff`, their telemetry with `event_at < cutoff`,
/// labels with `labeled_at < cutoff` of those applications.
pub fn as_of(full: &Path, cutoff: i64, out: &Path) {
    let apps = filter_before(&read(full, "applications"), "submitted_at", cutoff);
    let kept = apps.column("application_id").expect("application_id");
    let telemetry = filter_before(&read(full, "telemetry"), "event_at", cutoff);
    let telemetry = filter_ids(&telemetry, kept);
    let labels = filter_before(&read(full, "labels"), "labeled_at", cutoff);
    let labels = filter_ids(&labels, kept);
    write_dir(full, out, apps, telemetry, labels);
}

/// Writes into `out` the applications of `full` submitted before `end` (µs since the epoch)
/// with their telemetry sampled before `end` and every label `full` holds for them, whenever
/// it became known.
pub fn with_later_labels(full: &Path, end: i64, out: &Path) {
    let apps = filter_before(&read(full, "applications"), "submitted_at", end);
    let kept = apps.column("application_id").expect("application_id");
    let telemetry = filter_before(&read(full, "telemetry"), "event_at", end);
    let telemetry = filter_ids(&telemetry, kept);
    let labels = filter_ids(&read(full, "labels"), kept);
    write_dir(full, out, apps, telemetry, labels);
}

fn read(dir: &Path, stem: &str) -> DataFrame {
    let path = dir.join(format!("{stem}.parquet"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetReader::new(file)
        .finish()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The timestamp column `column` of `df` in µs since the epoch (`None` where null).
pub fn micros(df: &DataFrame, column: &str) -> Vec<Option<i64>> {
    let c = df
        .column(column)
        .unwrap_or_else(|e| panic!("{column}: {e}"));
    let per_micro = match c.dtype() {
        DataType::Datetime(TimeUnit::Nanoseconds, _) => 1000,
        DataType::Datetime(TimeUnit::Microseconds, _) => 1,
        DataType::Datetime(TimeUnit::Milliseconds, _) => -1000,
        other => panic!("{column} is {other}, not a timestamp"),
    };
    let physical = c.to_physical_repr();
    physical
        .i64()
        .expect("timestamps are i64")
        .iter()
        .map(|v| {
            v.map(|v| {
                if per_micro < 0 {
                    v * 1000
                } else {
                    v / per_micro
                }
            })
        })
        .collect()
}

/// The rows of `df` whose timestamp column `column` lies before `cutoff` (µs since the epoch).
fn filter_before(df: &DataFrame, column: &str, cutoff: i64) -> DataFrame {
    let mask: BooleanChunked = micros(df, column)
        .into_iter()
        .map(|t| t.map(|t| t < cutoff))
        .collect();
    df.filter(&mask).expect("filter")
}

/// The rows of `df` whose `application_id` is one of `ids`.
fn filter_ids(df: &DataFrame, ids: &Column) -> DataFrame {
    let wanted: std::collections::HashSet<&str> =
        ids.str().expect("ids are text").iter().flatten().collect();
    let mask: BooleanChunked = df
        .column("application_id")
        .expect("application_id")
        .str()
        .expect("ids are text")
        .iter()
        .map(|id| Some(id.is_some_and(|id| wanted.contains(id))))
        .collect();
    df.filter(&mask).expect("filter")
}

fn write_dir(
    full: &Path,
    out: &Path,
    mut apps: DataFrame,
    mut telemetry: DataFrame,
    mut labels: DataFrame,
) {
    std::fs::create_dir_all(out.join("reference")).expect("create the directory");
    for (stem, df) in [
        ("applications", &mut apps),
        ("telemetry", &mut telemetry),
        ("labels", &mut labels),
    ] {
        let path = out.join(format!("{stem}.parquet"));
        let file =
            std::fs::File::create(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        ParquetWriter::new(file)
            .finish(df)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    for entry in std::fs::read_dir(full.join("reference")).expect("reference files") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("a file name");
        std::fs::copy(&path, out.join("reference").join(name)).expect("copy a reference file");
    }
}
