//! `appfraud features`: the point-in-time feature frame of a data directory, as Parquet.

use std::path::PathBuf;

use anyhow::Result;
use appfraud_features::{DirProgress, FeatureOptions};
use chrono::NaiveDate;
use clap::Args;

use crate::args::{date_micros, parse_date, require_parquet};
use crate::report::{self, Reporter};

/// Arguments of `appfraud features`.
#[derive(Debug, Args)]
pub struct FeaturesArgs {
    /// Input data directory (docs/input-contract.md: applications, telemetry, labels, reference/).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Output Parquet file: application_id, submitted_at, then the features in FeatureSet order.
    #[arg(long, value_name = "FILE.parquet")]
    pub out: PathBuf,
    /// Write only applications submitted on or after DATE (YYYY-MM-DD, UTC); earlier rows are
    /// still used as history.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// A history snapshot (`appfraud snapshot build`): --data then holds only new rows, and
    /// only its applications get a row, computed against the snapshot's history plus the new
    /// rows (the same values as a full run over both). The snapshot file is not changed.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
}

/// Runs `appfraud features`.
pub fn run(args: FeaturesArgs, report: &Reporter) -> Result<()> {
    require_parquet("--out", &args.out, "the feature frame is")?;
    if args.snapshot.is_none() {
        report.step(format!("reading {}", args.data.display()));
    }
    let options = FeatureOptions {
        since_micros: args.since.map(date_micros),
    };
    let progress = |p: DirProgress<'_>| report::dir_progress(report, p);
    let Some(path) = &args.snapshot else {
        // Rows are written as they are computed, in blocks: the whole frame is never held.
        let written = appfraud_features::write_features_from_data_dir(
            &args.data, options, &args.out, &progress,
        )?;
        report.step(format!(
            "wrote {} rows x {} features (feature set {}) to {}",
            written.rows,
            written.feature_set.len(),
            &written.feature_set.hash().as_str()[..12],
            args.out.display()
        ));
        return Ok(());
    };
    let mut history = report::load_snapshot(report, path)?;
    report.step(format!("reading {}", args.data.display()));
    let added = history.extend_from_data_dir(&args.data, &progress)?;
    let mut frame = history.features_of(&added, options, &|stage| report.step(stage.describe()))?;
    report.step(format!(
        "writing {} rows x {} features (feature set {})",
        frame.frame.height(),
        frame.feature_set.len(),
        &frame.feature_set.hash().as_str()[..12]
    ));
    appfraud_features::write_feature_frame(&mut frame.frame, &args.out)?;
    report.step(format!("wrote {}", args.out.display()));
    Ok(())
}
