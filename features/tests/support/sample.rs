//! Helpers shared by the sample tests: where the built-in sample lives, timestamp columns as
//! microseconds, and counts of a signal by label.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use polars::prelude::*;

pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample")
}

pub fn micros(column: &Column) -> Vec<Option<i64>> {
    column
        .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .iter()
        .collect()
}

/// Counts of one signal among the labeled fraud, labeled legitimate and unlabeled applications.
#[derive(Debug, Default)]
pub struct ByLabel {
    fraud: (usize, usize),
    legit: (usize, usize),
    unlabeled: (usize, usize),
}

impl ByLabel {
    pub fn add(&mut self, label: Option<bool>, known: bool, hit: bool) {
        let slot = match label {
            Some(true) => &mut self.fraud,
            Some(false) => &mut self.legit,
            None => &mut self.unlabeled,
        };
        slot.0 += usize::from(known && hit);
        slot.1 += usize::from(known);
    }

    pub fn show(&self) -> String {
        let rate = |(n, of): (usize, usize)| n as f64 / of.max(1) as f64;
        format!(
            "fraud {}/{} ({:.3}), legitimate {}/{} ({:.3}), unlabeled {}/{} ({:.3})",
            self.fraud.0,
            self.fraud.1,
            rate(self.fraud),
            self.legit.0,
            self.legit.1,
            rate(self.legit),
            self.unlabeled.0,
            self.unlabeled.1,
            rate(self.unlabeled)
        )
    }
}
