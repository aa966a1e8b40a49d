//! The built-in sample data directory and dates as the datasets count time (µs since the
//! epoch, UTC), for the tests that train on the sample.
#![allow(dead_code)] // each test binary uses part of this module

use std::path::{Path, PathBuf};

/// `notebooks-data/sample`, the built-in sample.
pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample")
}

/// Midnight UTC of `date` (`YYYY-MM-DD`), in µs since the epoch.
pub fn micros(date: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_micros()
}
