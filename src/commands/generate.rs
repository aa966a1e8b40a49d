//! `appfraud generate`: a synthetic data directory with documented fraud mechanics.

use std::path::PathBuf;

use anyhow::{Context, Result};
use appfraud_synth::{GenerateParams, SynthError};
use chrono::NaiveDate;
use clap::Args;

use crate::args::parse_date;
use crate::report::Reporter;

/// Arguments of `appfraud generate`.
#[derive(Debug, Args)]
#[command(after_long_help = generate_parameter_help())]
pub struct GenerateArgs {
    /// Output data directory (created if missing; the data files in it are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of applications (default and range: see --help).
    #[arg(long, value_name = "N")]
    pub applications: Option<usize>,
    /// Random seed: the same seed gives identical files (default: see --help).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// First day of the data window (YYYY-MM-DD, UTC; default: see --help).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub start: Option<NaiveDate>,
    /// Number of calendar quarters the window spans (default and range: see --help).
    #[arg(long, value_name = "Q")]
    pub quarters: Option<u32>,
    /// Also write the hidden ground truth (scheme, actor, identity per application) to FILE.parquet.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
}

/// The generator's parameters with their defaults and ranges, from their declaration.
fn generate_parameter_help() -> String {
    format!(
        "Parameters (each set with --NAME VALUE):\n\n{}",
        GenerateParams::help()
    )
}

/// Runs `appfraud generate`.
pub fn run(args: GenerateArgs, report: &Reporter) -> Result<()> {
    let mut params = GenerateParams::new();
    if let Some(n) = args.applications {
        params = params.applications(n);
    }
    if let Some(seed) = args.seed {
        params = params.seed(seed);
    }
    if let Some(start) = args.start {
        params = params.start(start);
    }
    if let Some(q) = args.quarters {
        params = params.quarters(q);
    }
    let params = params.check().map_err(SynthError::from)?;
    report.step(format!(
        "generating {} applications over {} quarters (seed {})",
        params.applications(),
        params.quarters(),
        params.seed()
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
