//! `appfraud score`: batch scoring with a model package, with reason codes; prints the band
//! counts and the top flagged applications with the sentences of their reasons.

use std::path::PathBuf;

use anyhow::Result;
use appfraud_serve::{ModelPackage, ScoreOptions, ScoreProgress};
use chrono::NaiveDate;
use clap::Args;

use crate::args::{ScoringArgs, UsageError, date_micros, parse_date, require_parquet};
use crate::report::{self, ProgressSlot, Reporter};

/// Arguments of `appfraud score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Model package directory (model.onnx + manifest.json), as `appfraud train --out` writes it.
    #[arg(long, value_name = "DIR")]
    pub model: PathBuf,
    /// Input data directory (docs/input-contract.md: applications, telemetry, labels, reference/);
    /// the features are computed with the pipeline the model was trained with.
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with = "table",
        required_unless_present = "table"
    )]
    pub data: Option<PathBuf>,
    /// Instead of --data: a Parquet or CSV table of precomputed features, one column per model
    /// feature named as in manifest.json (as `appfraud features` writes them); application_id
    /// and submitted_at are carried over when present.
    #[arg(long, value_name = "FILE")]
    pub table: Option<PathBuf>,
    /// Output Parquet file: application_id, submitted_at, probability, band, reasons, model,
    /// error. Written atomically (a temporary file, then a rename).
    #[arg(long, value_name = "FILE.parquet")]
    pub out: PathBuf,
    /// Score only applications submitted on or after DATE (YYYY-MM-DD, UTC); earlier rows are
    /// history.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    #[command(flatten)]
    pub scoring: ScoringArgs,
    /// A history snapshot (`appfraud snapshot build`): --data then holds only new rows, and
    /// only its applications are scored, with features computed against the snapshot's history
    /// plus the new rows (the same values as a full run over both). The file is not changed.
    #[arg(long, value_name = "FILE", requires = "data")]
    pub snapshot: Option<PathBuf>,
}

/// Runs `appfraud score`.
pub fn run(args: ScoreArgs, report: &Reporter) -> Result<()> {
    require_parquet("--out", &args.out, "scores are")?;
    let out_dir = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    if !out_dir.is_dir() {
        return Err(UsageError(format!(
            "--out {}: the directory {} does not exist",
            args.out.display(),
            out_dir.display()
        ))
        .into());
    }
    if args.table.is_some() && args.since.is_some() {
        return Err(UsageError(
            "--since applies to --data (features are computed from history); a --table already holds its features"
                .into(),
        )
        .into());
    }
    let package = ModelPackage::load(&args.model)?;
    let m = package.manifest();
    report.step(format!(
        "model {} ({}, {} features, bands: review >= {:.4}, verify >= {:.4})",
        m.model_id,
        m.algorithm,
        package.n_features(),
        m.bands.review,
        m.bands.verify
    ));
    let options = ScoreOptions {
        since_micros: args.since.map(date_micros),
        reasons: args.scoring.reasons,
        reasons_for: args.scoring.reasons_for.into(),
        engine: args.scoring.engine.into(),
    };
    let bar = ProgressSlot::default();
    let on_progress = |p: ScoreProgress| match p {
        ScoreProgress::Features(stage) => report::stage(report, stage),
        ScoreProgress::ScoringStarted { total, engine } => {
            report.step(format!("scoring {total} applications ({engine} engine)"));
            bar.start(report, total);
        }
        ScoreProgress::Scored { done } => bar.advance(done),
    };
    let run = match (&args.data, &args.table) {
        (Some(data), None) => match &args.snapshot {
            None => {
                report.step(format!("reading {}", data.display()));
                appfraud_serve::score_data_dir(&package, data, options, &on_progress)
            }
            Some(path) => {
                let mut history = report::load_snapshot(report, path)?;
                report.step(format!("reading {}", data.display()));
                appfraud_serve::score_data_dir_with_snapshot(
                    &package,
                    &mut history,
                    data,
                    options,
                    &on_progress,
                )
            }
        },
        (None, Some(table)) => {
            report.step(format!("reading {}", table.display()));
            appfraud_serve::score_table(&package, table, options, &on_progress)
        }
        _ => {
            return Err(UsageError("give exactly one of --data DIR or --table FILE".into()).into());
        }
    };
    bar.finish();
    let mut run = run?;
    report::score_run(report, &run);
    // The band counts are the last step line before the write; the top flagged applications
    // are printed once the scores are on disk.
    appfraud_serve::write_scores(&mut run.frame, &args.out)?;
    report::top_flagged(report, &run.frame, 3, "")?;
    report.step(format!(
        "wrote {} ({} rows)",
        args.out.display(),
        run.frame.height()
    ));
    Ok(())
}
