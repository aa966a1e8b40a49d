//! The bytes as `applications.csv`, as `telemetry.csv` and as `labels.csv` of a data directory,
//! each through the real ingest path ([`read_data_dir`]: CSV reader, contract validation, the
//! questionable-value policy). Any error is fine; a panic, hang or abort is a finding.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use appfraud_core::schema;
use appfraud_features::read_data_dir;
use appfraud_fuzz::{put, scratch_dirs};
use libfuzzer_sys::fuzz_target;

/// A valid applications table, so that telemetry and labels reach the policy's join.
const APPLICATIONS: &[u8] = include_bytes!("../seeds/csv_table/applications.csv");

fn dirs() -> &'static [PathBuf; 3] {
    static DIRS: OnceLock<[PathBuf; 3]> = OnceLock::new();
    DIRS.get_or_init(|| {
        let dirs = scratch_dirs("csv_table", ["applications", "telemetry", "labels"]);
        put(&dirs[1], "applications.csv", APPLICATIONS);
        put(&dirs[2], "applications.csv", APPLICATIONS);
        dirs
    })
}

fn check(dir: &std::path::Path) {
    if let Ok(frames) = read_data_dir(dir) {
        // Accepted tables hold the contract's columns, and applications at least one row.
        assert!(frames.applications.height() > 0);
        assert_eq!(
            frames.applications.width(),
            schema::APPLICATIONS.columns.len()
        );
        if let Some(t) = &frames.telemetry {
            assert_eq!(t.width(), schema::TELEMETRY.columns.len());
        }
        if let Some(l) = &frames.labels {
            assert_eq!(l.width(), schema::LABELS.columns.len());
        }
        let _ = frames.report.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    let [applications, telemetry, labels] = dirs();
    put(applications, "applications.csv", data);
    check(applications);
    put(telemetry, "telemetry.csv", data);
    check(telemetry);
    put(labels, "labels.csv", data);
    check(labels);
});
