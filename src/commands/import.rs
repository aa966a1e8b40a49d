//! `appfraud import`: arguments → validated options → `appfraud-train`'s importers.

use std::path::PathBuf;

use anyhow::{Context, Result};
use appfraud_train::{CalibrationMethod, Dataset, ImportOptions, LightGbmModel};
use clap::{Args, Subcommand, ValueEnum};

use crate::report::{self, Reporter};
use crate::training::{source_name, write_package};

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Package a LightGBM text model (Booster.save_model) for `appfraud score`, with reason
    /// codes equal to LightGBM's pred_contrib.
    #[command(long_about = LIGHTGBM_ABOUT)]
    Lightgbm(LightgbmArgs),
}

const LIGHTGBM_ABOUT: &str = "Package a LightGBM text model (what Booster.save_model writes, \
format v3 or v4) for `appfraud score`.\n\n\
The trees are rewritten exactly: every float32 input reaches the leaf LightGBM reaches (its \
float64 thresholds, missing types None, Zero and NaN and their default directions included), \
and the TreeSHAP reason codes equal LightGBM's pred_contrib (covers from its internal_count \
and leaf_count). Binary models only (objective=binary, any sigmoid); categorical splits, \
several classes, other objectives and linear trees are refused.\n\n\
Features are matched to the table's columns by name. The table is the model's validation set: \
it gives the calibration, the review/verify band thresholds (5 % and 1 % false-positive rate), \
the metrics and the model card. When the model's features are the pipeline's FeatureSet, in \
its order, the package also scores --data directories; otherwise --table only.";

/// Arguments of `appfraud import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: ImportCommand,
}

/// The calibration of an imported model (`--calibration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportCalibration {
    /// Platt scaling fitted on the table.
    Platt,
    /// Isotonic regression fitted on the table.
    Isotonic,
    /// None: the package outputs LightGBM's own probability.
    None,
}

/// Arguments of `appfraud import lightgbm`.
#[derive(Debug, Args)]
pub struct LightgbmArgs {
    /// The LightGBM text model.
    #[arg(long, value_name = "MODEL.txt")]
    pub model: PathBuf,
    /// Parquet or CSV validation table: the model's features (by name) and a label.
    #[arg(long, value_name = "FILE")]
    pub table: PathBuf,
    /// The label column (boolean, 0/1 or true/false/yes/no).
    #[arg(long, value_name = "COL")]
    pub label: String,
    /// A time column (its range is recorded as the data window).
    #[arg(long, value_name = "COL")]
    pub time: Option<String>,
    /// An id column.
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Output model package directory.
    #[arg(long, value_name = "MODEL_DIR")]
    pub out: PathBuf,
    /// Calibration fitted on the table, or none (LightGBM's own probability).
    #[arg(long, value_enum, default_value_t = ImportCalibration::Platt)]
    pub calibration: ImportCalibration,
}

/// Runs `appfraud import`.
pub fn run(args: ImportArgs, report: &Reporter) -> Result<()> {
    match args.command {
        ImportCommand::Lightgbm(args) => lightgbm(args, report),
    }
}

fn lightgbm(args: LightgbmArgs, report: &Reporter) -> Result<()> {
    appfraud_train::check_package_dir(&args.out)?;
    let text = std::fs::read_to_string(&args.model)
        .map_err(|e| crate::args::UsageError(format!("--model {}: {e}", args.model.display())))?;
    let file = source_name(&args.model);
    let model = LightGbmModel::parse(&text).with_context(|| format!("reading {file}"))?;
    report.step(format!(
        "read {file}: {} trees on {} features",
        model.n_trees(),
        model.feature_names().len()
    ));
    report.step(format!("reading {}", args.table.display()));
    let dataset = Dataset::for_model(
        &args.table,
        &args.label,
        args.time.as_deref(),
        args.id.as_deref(),
        model.feature_names(),
    )?;
    report::dataset(report, &dataset);
    let options = ImportOptions {
        calibration: match args.calibration {
            ImportCalibration::Platt => Some(CalibrationMethod::Platt),
            ImportCalibration::Isotonic => Some(CalibrationMethod::Isotonic),
            ImportCalibration::None => None,
        },
        ..ImportOptions::default()
    };
    let model_id = format!(
        "appfraud-lightgbm-{}",
        &dataset.feature_set.hash().as_str()[..12]
    );
    let imported = appfraud_train::import_lightgbm(&model, &file, &dataset, options, &model_id)?;
    write_package(&imported, &args.out, &source_name(&args.table), report)?;
    Ok(())
}
