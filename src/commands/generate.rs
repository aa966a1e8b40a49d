//! `appfraud generate`: a synthetic data directory with documented fraud mechanics.

use std::path::PathBuf;

use anyhow::{Context, Result};
use appfraud_synth::GenerateParams;
use chrono::NaiveDate;
use clap::Args;

use crate::args::parse_date;
use crate::report::Reporter;

/// Arguments of `appfraud generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Output data directory (created if missing; the data files in it are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of applications.
    #[arg(long, value_name = "N", default_value_t = GenerateParams::default().applications)]
    pub applications: usize,
    /// Random seed: the same seed gives identical files.
    #[arg(long, value_name = "S", default_value_t = GenerateParams::default().seed)]
    pub seed: u64,
    /// First day of the data window (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE", default_value_t = GenerateParams::default().start, value_parser = parse_date)]
    pub start: NaiveDate,
    /// Number of calendar quarters the window spans.
    #[arg(long, value_name = "Q", default_value_t = GenerateParams::default().quarters)]
    pub quarters: u32,
    /// Also write the hidden ground truth (scheme, actor, identity per application) to FILE.parquet.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
}

/// Runs `appfraud generate`.
pub fn run(args: GenerateArgs, report: &Reporter) -> Result<()> {
    let params = GenerateParams::new()
        .applications(args.applications)
        .seed(args.seed)
        .start(args.start)
        .quarters(args.quarters)
        .check()?;
    report.step(format!(
        "generating {} applications over {} quarters (seed {})",
        args.applications, args.quarters, args.seed
    ));
    let data = appfraud_synth::generate(&params);
    report.step(format!(
        "generated {} applications and {} telemetry rows",
        data.applications(),
        data.telemetry_rows()
    ));
    let summary = data
        .write(&args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    for (path, rows) in &summary.rows {
        report.step(format!("wrote {} ({rows} rows)", path.display()));
    }
    if let Some(truth) = &args.truth {
        data.write_truth(truth)?;
        report.step(format!("wrote {} (ground truth)", truth.display()));
    }
    Ok(())
}
