//! `appfraud evaluate`: a model's metrics recomputed on a labelled data directory.

use std::path::PathBuf;

use anyhow::{Context, Result};
use appfraud_train::NativeModel;
use chrono::NaiveDate;
use clap::Args;

use crate::args::{date_micros, parse_date};
use crate::report::{self, Reporter};

/// Arguments of `appfraud evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Model directory written by `appfraud train`.
    #[arg(long, value_name = "MODEL_DIR")]
    pub model: PathBuf,
    /// Data directory (docs/input-contract.md) with labels.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Evaluate only applications submitted on or after DATE (YYYY-MM-DD); earlier rows are
    /// history for the features.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// Precision is reported among this many highest scores.
    #[arg(long, value_name = "K", default_value_t = 100)]
    pub review_budget: usize,
}

/// Runs `appfraud evaluate`: the metrics on stderr, then as JSON on stdout.
pub fn run(args: EvaluateArgs, report: &Reporter) -> Result<()> {
    // The package is verified as a whole (every file's checksum) before its model.json is used.
    appfraud_serve::ModelPackage::load(&args.model)?;
    let model = NativeModel::read(&args.model)?;
    report.step(format!(
        "model {} ({} features)",
        model.model_id,
        model.feature_names.len()
    ));
    let since = args.since.map(date_micros);
    let e = appfraud_train::evaluate_on_data_dir(&model, &args.data, since, args.review_budget)?;
    report::metrics(report, "evaluation", &e);
    println!(
        "{}",
        serde_json::to_string_pretty(&e).context("printing the evaluation")?
    );
    Ok(())
}
