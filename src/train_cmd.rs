//! `appfraud train` and `appfraud evaluate`: arguments → validated options → `appfraud-train`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use appfraud_train::{
    Algorithm, CalibrationMethod, Dataset, Evaluation, NativeModel, SplitSpec, TrainConfig,
};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::cli::{Reporter, UsageError, date_micros, parse_date};

/// The model to train (`--algo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgoArg {
    Gbdt,
    Logistic,
}

/// The calibration (`--calibration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CalibrationArg {
    Platt,
    Isotonic,
}

/// Where the training data comes from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Source {
    /// A data directory (SCHEMA.md): features come from the pipeline, labels from labels.parquet.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Any Parquet or CSV table, its columns used as features as they are (needs --label).
    #[arg(long, value_name = "FILE")]
    pub table: Option<PathBuf>,
}

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
    /// Calibration fitted on validation (overrides the config file).
    #[arg(long, value_enum)]
    pub calibration: Option<CalibrationArg>,
    /// TOML file with the parameters (see below); command-line options win.
    #[arg(long, value_name = "train.toml")]
    pub config: Option<PathBuf>,
    /// First day of the validation split (YYYY-MM-DD); default: the quarter before the test one.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub valid_from: Option<NaiveDate>,
    /// First day of the test split (YYYY-MM-DD); default: the last quarter with labels.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub test_from: Option<NaiveDate>,
}

impl TrainArgs {
    /// `train --data DIR --out OUT --config CONFIG`, everything else by default.
    pub fn for_data_dir(
        data: &std::path::Path,
        out: &std::path::Path,
        config: &std::path::Path,
    ) -> Self {
        TrainArgs {
            source: Source {
                data: Some(data.to_path_buf()),
                table: None,
            },
            label: None,
            time: None,
            id: None,
            out: out.to_path_buf(),
            algo: None,
            calibration: None,
            config: Some(config.to_path_buf()),
            valid_from: None,
            test_from: None,
        }
    }
}

/// The name a package records for its training data: the last path component, so that the
/// package is the same whatever directory training ran from (and holds no machine path).
fn source_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn parameter_help() -> String {
    let mut s = String::from(
        "Parameters (train.toml: top-level algorithm, calibration, review_budget, \
         bootstrap_resamples; then [gbdt] and [logistic] tables):\n\n[gbdt]\n",
    );
    for p in appfraud_train::gbdt_parameter_docs() {
        s.push_str(&format!(
            "  {:<24} default {:<8} {}: {}\n",
            p.name, p.default, p.valid, p.doc
        ));
    }
    s.push_str("\n[logistic]\n");
    for p in appfraud_train::LogisticParams::PARAMETERS {
        s.push_str(&format!(
            "  {:<24} default {:<8} {}: {}\n",
            p.name,
            p.default,
            p.range,
            p.doc.trim().replace('\n', " ")
        ));
    }
    s
}

pub fn train(args: TrainArgs, report: &Reporter) -> Result<()> {
    // Every option is checked before any data is read.
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?;
            TrainConfig::from_toml_str(&text)
                .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?
        }
        None => TrainConfig::default(),
    };
    if let Some(a) = args.algo {
        config.algorithm = match a {
            AlgoArg::Gbdt => Algorithm::Gbdt,
            AlgoArg::Logistic => Algorithm::Logistic,
        };
    }
    if let Some(c) = args.calibration {
        config.calibration = match c {
            CalibrationArg::Platt => CalibrationMethod::Platt,
            CalibrationArg::Isotonic => CalibrationMethod::Isotonic,
        };
    }
    let config = config.check()?;
    appfraud_train::check_package_dir(&args.out)?;
    let spec = SplitSpec {
        valid_from: args.valid_from.map(date_micros),
        test_from: args.test_from.map(date_micros),
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
    let s = &dataset.summary;
    report.step(format!(
        "dataset: {} rows in, {} unlabelled, {} dropped for label delay, {} for cluster overlap",
        s.input_rows, s.unlabeled, s.dropped_label_delay, s.dropped_cluster_overlap
    ));
    for (split, rows, pos) in &s.counts {
        report.step(format!(
            "  {:<5} {rows:>8} rows, {pos:>6} fraud",
            split.as_str()
        ));
    }
    let algo = config.algorithm().as_str();
    let model_id = format!(
        "appfraud-{algo}-{}",
        &dataset.feature_set.hash().as_str()[..12]
    );
    report.step(format!("training {algo}"));
    let trained = appfraud_train::train(&dataset, &config, &model_id)?;
    if let Some(last) = trained.history.last() {
        report.step(format!(
            "  {} trees, final train log-loss {:.5}{}",
            last.trees,
            last.train_log_loss,
            last.valid_log_loss
                .map(|v| format!(", validation {v:.5}"))
                .unwrap_or_default()
        ));
    }
    print_metrics(report, "validation", &trained.validation);
    print_metrics(report, "test", &trained.test);
    let model_id = trained
        .write(&args.out, &source)
        .with_context(|| format!("writing {}", args.out.display()))?;
    report.step(format!("wrote {} ({model_id})", args.out.display()));
    Ok(())
}

fn print_metrics(report: &Reporter, split: &str, e: &Evaluation) {
    report.step(format!(
        "{split}: ROC AUC {:.4} [{:.4}, {:.4}], PR AUC {:.4} [{:.4}, {:.4}], recall@1%FPR {:.3} (FPR {:.4}), recall@5%FPR {:.3} (FPR {:.4}), precision@{} {:.3}, Brier {:.5}",
        e.roc_auc.estimate,
        e.roc_auc.low,
        e.roc_auc.high,
        e.pr_auc.estimate,
        e.pr_auc.low,
        e.pr_auc.high,
        e.recall_at_fpr_1pct.estimate,
        e.fpr_at_threshold_1pct,
        e.recall_at_fpr_5pct.estimate,
        e.fpr_at_threshold_5pct,
        e.review_budget,
        e.precision_at_k.estimate,
        e.brier.estimate
    ));
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Model directory written by `appfraud train`.
    #[arg(long, value_name = "MODEL_DIR")]
    pub model: PathBuf,
    /// Data directory (SCHEMA.md) with labels.
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

pub fn evaluate(args: EvaluateArgs, report: &Reporter) -> Result<()> {
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
    print_metrics(report, "evaluation", &e);
    println!(
        "{}",
        serde_json::to_string_pretty(&e).context("printing the evaluation")?
    );
    Ok(())
}
