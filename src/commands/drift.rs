//! `appfraud drift`: how far each scoring period has moved from the population a package was
//! trained on, as a markdown report with SVG plots and JSON, and an exit code for cron jobs.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use appfraud_train::{DriftConfig, DriftReport, DriftStatus, NativeModel, Period};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::args::{UsageError, date_micros, parse_date};
use crate::report::Reporter;

/// The exit code of `appfraud drift --fail-on LEVEL` when a period reaches LEVEL: distinct from
/// bad input (2) and internal failure (1), so that a cron job can tell an alarm from a fault.
pub const ALARM_EXIT_CODE: u8 = 3;

/// Arguments of `appfraud drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// Model directory written by `appfraud train` (its manifest holds the training-time
    /// reference).
    #[arg(long, value_name = "MODEL_DIR")]
    pub model: PathBuf,
    /// Data directory (docs/input-contract.md) to compare; labels are not needed.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Compare only applications submitted on or after DATE (YYYY-MM-DD); earlier rows are
    /// history for the features.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// Length of the periods compared with the reference.
    #[arg(long, value_enum, default_value_t = PeriodArg::Month)]
    pub period: PeriodArg,
    /// Report directory: drift.md, drift.json and the SVG plots are written into it.
    #[arg(long, value_name = "REPORT_DIR")]
    pub out: PathBuf,
    /// Thresholds (TOML: watch, act, alpha, top_features); defaults 0.10, 0.25, 0.01, 10.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Exit with code 3 when any period reaches this status (after writing the report).
    #[arg(long, value_name = "STATUS")]
    pub fail_on: Option<FailOn>,
}

/// The period length, as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// ISO weeks (Monday to Sunday, UTC).
    Week,
    /// Calendar months (UTC).
    Month,
    /// Calendar quarters (UTC).
    Quarter,
}

/// The status at which `--fail-on` raises the alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A period at `watch` or `act`.
    Watch,
    /// A period at `act`.
    Act,
}

/// A drift alarm: the report was written and a period reached the `--fail-on` status. `main`
/// exits with [`ALARM_EXIT_CODE`] for it.
#[derive(Debug, thiserror::Error)]
#[error("drift alarm: {0}")]
pub struct DriftAlarm(pub String);

/// Runs `appfraud drift`.
pub fn run(args: DriftArgs, report: &Reporter) -> Result<()> {
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?;
            DriftConfig::from_toml_str(&text)
                .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?
        }
        None => DriftConfig::default(),
    };
    let config = config
        .check_all()
        .map_err(|e| UsageError(format!("drift configuration: {e}")))?;
    // The package is verified as a whole (every file's checksum) before it is used.
    let package = appfraud_serve::ModelPackage::load(&args.model)?;
    let model = NativeModel::read(&args.model)?;
    report.step(format!(
        "model {} ({} features)",
        model.model_id,
        model.feature_names.len()
    ));
    let period = match args.period {
        PeriodArg::Week => Period::Week,
        PeriodArg::Month => Period::Month,
        PeriodArg::Quarter => Period::Quarter,
    };
    let drift = appfraud_train::drift_on_data_dir(
        &model,
        package.manifest(),
        &args.data,
        args.since.map(date_micros),
        period,
        &config,
    )?;
    write_report(&drift, &args.out)?;
    if drift.periods.is_empty() {
        report.step("no application to compare in the periods asked for (see --since)");
    }
    for p in &drift.periods {
        report.step(format!(
            "{}: {} applications, score PSI {:.3} ({}), {}",
            p.period,
            p.rows,
            p.score.psi,
            p.score.status.as_str(),
            p.status.as_str()
        ));
    }
    report.step(format!(
        "overall {}; report in {}",
        drift.status.as_str(),
        args.out.display()
    ));
    let threshold = args.fail_on.map(|f| match f {
        FailOn::Watch => DriftStatus::Watch,
        FailOn::Act => DriftStatus::Act,
    });
    if let Some(threshold) = threshold {
        let hit: Vec<&str> = drift
            .periods
            .iter()
            .filter(|p| p.status >= threshold)
            .map(|p| p.period.as_str())
            .collect();
        if !hit.is_empty() {
            return Err(DriftAlarm(format!(
                "{} period(s) at {} or above: {} (report in {})",
                hit.len(),
                threshold.as_str(),
                hit.join(", "),
                args.out.display()
            ))
            .into());
        }
    }
    Ok(())
}

/// Writes `drift.md`, `drift.json` and the plots into `dir` (created if needed). Each file is
/// written to a temporary name and renamed, so a reader never sees half a file.
fn write_report(drift: &DriftReport, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut files: Vec<(&str, String)> = vec![
        ("drift.md", appfraud_train::drift_markdown(drift)),
        (
            "drift.json",
            serde_json::to_string_pretty(drift).context("serialising the drift report")?,
        ),
    ];
    if !drift.periods.is_empty() {
        files.push((
            "score_by_period.svg",
            appfraud_train::drift_score_svg(drift, "Score distribution by period")?,
        ));
        files.push((
            "psi_by_period.svg",
            appfraud_train::drift_psi_svg(drift, "Score and band drift by period")?,
        ));
    }
    if !drift.top_features.is_empty() {
        files.push((
            "top_features.svg",
            appfraud_train::drift_top_svg(drift, "Top drifting inputs")?,
        ));
    }
    // A plot this report does not have must not survive from an earlier report.
    for stale in [
        "score_by_period.svg",
        "psi_by_period.svg",
        "top_features.svg",
    ] {
        let path = dir.join(stale);
        if !files.iter().any(|(name, _)| *name == stale) && path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    for (name, text) in files {
        let path = dir.join(name);
        let partial = dir.join(format!(".{name}.partial"));
        std::fs::write(&partial, text).with_context(|| format!("writing {}", partial.display()))?;
        std::fs::rename(&partial, &path).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
