//! `appfraud train`: arguments → validated options → `appfraud-train`.

use std::path::PathBuf;

use anyhow::Result;
use appfraud_train::{Algorithm, CalibrationMethod, Dataset, SplitSpec, TrainConfig, TrainError};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::args::{UsageError, applications_file, date_micros, parse_date};
use crate::report::{self, Reporter};
use crate::training::{read_config, source_name, train_package};

/// The model to train (`--algo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgoArg {
    /// The histogram gradient-boosted trees.
    Gbdt,
    /// The logistic regression baseline.
    Logistic,
    /// A scorecard: binned features, weights of evidence, points.
    Scorecard,
}

/// The calibration (`--calibration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CalibrationArg {
    /// Platt scaling.
    Platt,
    /// Isotonic regression.
    Isotonic,
}

/// Where the training data comes from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Source {
    /// A data directory (docs/input-contract.md): features come from the pipeline, labels from
    /// labels.parquet.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Any Parquet or CSV table, its columns used as features as they are (needs --label).
    #[arg(long, value_name = "FILE")]
    pub table: Option<PathBuf>,
}

/// Arguments of `appfraud train`.
#[derive(Debug, Args)]
#[command(after_long_help = parameter_help())]
pub struct TrainArgs {
    #[command(flatten)]
    pub source: Source,
    /// With --table: the label column (boolean, 0/1 or true/false/yes/no).
    #[arg(long, value_name = "COL", requires = "table")]
    pub label: Option<String>,
    /// With --table: a time column for an out-of-time split (else a 70/15/15 hash split).
    #[arg(long, value_name = "COL", requires = "table")]
    pub time: Option<String>,
    /// With --table: an id column.
    #[arg(long, value_name = "COL", requires = "table")]
    pub id: Option<String>,
    /// Output model package directory (model.onnx, manifest.json, model.json, metrics.json,
    /// model_card.md, plots).
    #[arg(long, value_name = "MODEL_DIR")]
    pub out: PathBuf,
    /// The model (overrides the config file).
    #[arg(long, value_enum)]
    pub algo: Option<AlgoArg>,
    /// Calibration fitted on validation, or on the calibration window for the deployed fit
    /// (overrides the config file).
    #[arg(long, value_enum)]
    pub calibration: Option<CalibrationArg>,
    /// TOML file with the parameters (see below); command-line options win.
    #[arg(long, value_name = "train.toml")]
    pub config: Option<PathBuf>,
    /// Add a section to the model card on how the flags fall across the groups of this column
    /// (held-out rows): a column of the applications table, or of the --groups table. Never a
    /// model input.
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// A side table (Parquet or CSV) with `application_id` and the --group column.
    #[arg(long, value_name = "FILE", requires = "group")]
    pub groups: Option<PathBuf>,
    /// First day of the validation split (YYYY-MM-DD); default: the quarter before the test one.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub valid_from: Option<NaiveDate>,
    /// First day of the test split (YYYY-MM-DD); default: the last quarter with labels.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub test_from: Option<NaiveDate>,
    /// Package the evaluation fit itself instead of refitting on every row labelled before the
    /// calibration window (the test split's dates); same as `refit = false`.
    #[arg(long)]
    pub no_refit: bool,
    /// Weight training rows by 0.5^(age / DAYS), the age from the fit's latest training row
    /// (GBDT only; 0 = no weights); overrides `recency_half_life_days`.
    #[arg(long, value_name = "DAYS")]
    pub recency_half_life_days: Option<f64>,
}

/// Every parameter of every table of `train.toml`, with its default and range, from their
/// declarations.
fn parameter_help() -> String {
    format!(
        "Parameters (train.toml: the top-level keys, then the [gbdt] and [logistic] tables; \
         --algo, --calibration, --no-refit and --recency-half-life-days override the file):\n\n{}",
        TrainConfig::help()
    )
}

/// Runs `appfraud train`.
pub fn run(args: TrainArgs, report: &Reporter) -> Result<()> {
    // Every option is checked before any data is read.
    let mut config = match &args.config {
        Some(path) => read_config(path)?,
        None => TrainConfig::default(),
    };
    if let Some(a) = args.algo {
        config = config.algorithm(match a {
            AlgoArg::Gbdt => Algorithm::Gbdt,
            AlgoArg::Logistic => Algorithm::Logistic,
            AlgoArg::Scorecard => Algorithm::Scorecard,
        });
    }
    if let Some(c) = args.calibration {
        config = config.calibration(match c {
            CalibrationArg::Platt => CalibrationMethod::Platt,
            CalibrationArg::Isotonic => CalibrationMethod::Isotonic,
        });
    }
    if args.no_refit {
        config = config.refit(false);
    }
    if let Some(days) = args.recency_half_life_days {
        config = config.recency_half_life_days(days);
    }
    let config = config.check().map_err(TrainError::from)?;
    config.check_combinations().map_err(TrainError::from)?;
    if config.recency_half_life_days() > 0.0 && args.source.table.is_some() && args.time.is_none() {
        return Err(UsageError(
            "recency_half_life_days weights rows by age: with --table it needs --time COL".into(),
        )
        .into());
    }
    appfraud_train::check_package_dir(&args.out)?;
    let spec = SplitSpec {
        valid_from: args.valid_from.map(date_micros),
        test_from: args.test_from.map(date_micros),
    };
    // The groups are read before the data, so that a wrong column fails at once.
    let groups = match &args.group {
        Some(column) => {
            let path = match (&args.groups, &args.source.data) {
                (Some(file), _) => file.clone(),
                (None, Some(dir)) => applications_file(dir)?,
                (None, None) => {
                    return Err(UsageError(format!(
                        "--group {column} with --table needs --groups FILE: a group column of \
                         the training table would be a model input"
                    ))
                    .into());
                }
            };
            Some((column.as_str(), appfraud_train::read_groups(&path, column)?))
        }
        None => None,
    };
    let (dataset, source) = match (&args.source.data, &args.source.table) {
        (Some(dir), None) => {
            report.step(format!(
                "reading {} and computing its features",
                dir.display()
            ));
            (Dataset::from_data_dir(dir, spec)?, source_name(dir))
        }
        (None, Some(file)) => {
            let label = args
                .label
                .as_deref()
                .ok_or_else(|| UsageError("--table needs --label COL (the label column)".into()))?;
            report.step(format!("reading {}", file.display()));
            (
                Dataset::from_table(file, label, args.time.as_deref(), args.id.as_deref(), spec)?,
                source_name(file),
            )
        }
        _ => {
            return Err(UsageError("give exactly one of --data DIR or --table FILE".into()).into());
        }
    };
    report::dataset(report, &dataset);
    if let Some((column, _)) = &groups
        && dataset
            .feature_set
            .features()
            .iter()
            .any(|f| f.name == *column)
    {
        return Err(UsageError(format!(
            "--group {column}: the training table has a column of that name, which train would \
             use as a model input; a group attribute must never be one: move it into the \
             --groups table"
        ))
        .into());
    }
    train_package(
        &dataset,
        &config,
        &args.out,
        &source,
        groups.as_ref().map(|(c, g)| (*c, g)),
        report,
    )?;
    Ok(())
}
