//! # appfraud-train: everything that turns a feature table into a model package
//!
//! Datasets with out-of-time splits, our histogram GBDT and the logistic baseline, probability
//! calibration, the evaluation metrics with bootstrap intervals, the model card and its plots,
//! and the ONNX export. The model package it writes is the only contract with
//! `appfraud-serve`: serving never links this crate.
//!
//! ## Pipeline of types
//!
//! [`TrainConfig`] (from `train.toml` or the setters) → [`TrainConfig::check`] →
//! [`ValidTrainConfig`]; [`Dataset::from_data_dir`] or [`Dataset::from_table`] → [`Dataset`];
//! then [`train`] → [`TrainedModel`] → [`TrainedModel::write`] (the model package: `model.onnx`,
//! `manifest.json`, `model.json`, `metrics.json`, `model_card.md`, plots).
//! [`evaluate_on_data_dir`] recomputes a written [`NativeModel`]'s metrics on labelled data.
//!
//! - **Parameters.** Every parameter table (the top-level keys of [`TrainConfig`],
//!   [`GbdtParams`], [`LogisticParams`]) is declared once with `appfraud_core::declare_params!`:
//!   builder, `check()` into the validated type, getters, and the [`ParamInfo`] lists
//!   (`PARAMETERS`, `TABLES`, `help()`) from which `train --help` is generated. Unknown keys are
//!   refused ([`TrainError::InvalidConfig`]) and every out-of-range value is one
//!   [`TrainError::InvalidParameter`] ([`ParamError`]), all before any data is read.
//! - **Datasets** ([`Dataset`], [`SplitSpec`], [`DatasetSummary`]): the feature frame of the one
//!   pipeline joined with labels, split out of time, each split keeping only the labels known by
//!   its cutoff (label delay), identity clusters kept from straddling splits (the protocol is in
//!   `docs/signals.md`, "Evaluation protocol"). Rows come out as a [`ColumnMatrix`].
//!   [`Dataset::refit`] ([`RefitRows`]) holds the rows of the deployed fit.
//! - **Train what you deploy.** [`train`] evaluates out of time (the evaluation fit), then by
//!   default refits the packaged model on every row labelled before the calibration window
//!   (the test split's dates) with the evaluation fit's tree count, and calibrates it and
//!   chooses its thresholds on the calibration window ([`Deployment`], [`FitPlan`]: which rows
//!   each step used). [`recency_weights`] and [`train_gbdt_weighted`] weight rows by age
//!   (`recency_half_life_days`).
//! - **Models.** [`GbdtParams`] → [`ValidGbdtParams`] → [`train_gbdt`] → [`GbdtTraining`] /
//!   [`GbdtModel`], a plain serialisable model with documented prediction semantics (`x <=
//!   threshold` in `f32`, `NaN` to `default_left`; its design, one stage per file, is on
//!   [`train_gbdt`]). [`LogisticParams`] → [`ValidLogisticParams`] → [`train_logistic`] →
//!   [`LogisticModel`] (standardisation, missing indicators, L2). [`ScorecardParams`] →
//!   [`ValidScorecardParams`] → [`train_scorecard`] → [`ScorecardModel`]: optimal monotone
//!   binning ([`scorecard_bins`], [`Trend`]), weights of evidence, selection by information
//!   value and correlation ([`Candidate`], [`Selection`]), a sign-checked L2 fit, points
//!   ([`PointsScaling`], [`PointsRow`]) and its export as one tree per feature
//!   ([`ScorecardModel::to_gbdt`]). [`Model`] holds any of the three.
//! - **Imported models.** [`LightGbmModel::parse`] reads a LightGBM text model and
//!   [`LightGbmModel::to_gbdt`] rewrites it exactly into a [`GbdtModel`] (routing of every
//!   `f32` input and the TreeSHAP game both LightGBM's); [`Dataset::for_model`] reads its
//!   validation table by feature name and [`import_lightgbm`] makes it a [`TrainedModel`] with
//!   the same calibration, thresholds, metrics and card as [`train`] ([`ModelOrigin`] says
//!   where it came from).
//! - **Calibration** ([`fit_platt`], [`fit_isotonic`] → [`Calibrator`]) on validation margins,
//!   and band thresholds at 1 % and 5 % validation false-positive rate ([`Thresholds`]).
//! - **Metrics**, on plain slices (`labels: &[bool]`, `true` = fraud; `scores: &[f64]`), with
//!   scikit-learn's definitions, ties included: rank metrics ([`roc_auc`], [`roc_curve`],
//!   [`average_precision`], [`precision_recall_curve`]); operating points ([`recall_at_fpr`]
//!   chooses a threshold on one split, [`recall_at_threshold`] and [`fpr_at_threshold`] report
//!   it on another, [`precision_at_k`] measures a review budget); probability quality
//!   ([`brier_score`], [`log_loss`], [`reliability`]). [`bootstrap_ci`] gives any of them a
//!   stratified percentile [`Interval`]; [`evaluate`] computes the whole protocol for a split
//!   ([`Evaluation`]).
//! - **Outputs**: [`export_onnx`] writes the graph `serve` runs (input [`ONNX_INPUT`], output
//!   [`ONNX_OUTPUT`], calibration inside, [`tree_covers`] for TreeSHAP); [`model_card`] and the
//!   SVG plots ([`roc_svg`], [`precision_recall_svg`], [`calibration_svg`],
//!   [`importance_svg`]) describe the model.
//!
//! Inputs are validated at the boundary: empty or mismatched slices, NaN or infinite scores and
//! features, probabilities outside `[0, 1]`, a single class where a metric or a fit is undefined
//! and out-of-range arguments return a [`TrainError`]; nothing panics on user data.
#![warn(missing_docs)]

mod bootstrap;
mod calibration;
mod card;
mod dataset;
mod drift;
mod error;
mod evaluation;
mod export;
mod fairness;
mod gbdt;
mod lightgbm;
mod logistic;
mod matrix;
mod metrics;
mod newton;
mod plots;
mod refit;
mod scorecard;
mod trainer;

pub use appfraud_core::{ParamError, ParamInfo, ParamTable};
pub use bootstrap::{Interval, bootstrap_ci};
pub use calibration::{Calibrator, fit_isotonic, fit_platt};
pub use card::{CardInputs, model_card};
pub use dataset::{Dataset, DatasetSummary, Population, RefitRows, Split, SplitRows, SplitSpec};
pub use drift::{
    Comparison, DRIFT_BINS, DriftConfig, DriftInputs, DriftReport, DriftStatus, FeatureDrift,
    Period, PeriodDrift, TopFeature, ValidDriftConfig, chi_square_quantile, chi_square_sf, compare,
    drift_markdown, drift_reference, drift_report, reference_edges, reference_histogram,
};
pub use error::TrainError;
pub use evaluation::{BootstrapSettings, Evaluation, TARGET_FPRS, Thresholds, evaluate};
pub use export::{BATCH_DIM, INPUT as ONNX_INPUT, OUTPUT as ONNX_OUTPUT, export_onnx, tree_covers};
pub use fairness::{
    FOUR_FIFTHS, FairnessReport, GroupFairness, Rate, Ratio, fairness, fairness_markdown,
    groups_of, katz_ratio, read_groups, wilson,
};
pub use gbdt::{
    GbdtModel, GbdtParams, GbdtTraining, LeafNode, Node, RoundLoss, SplitNode, Tree,
    ValidGbdtParams, train_gbdt, train_gbdt_weighted,
};
pub use lightgbm::{LIGHTGBM_MAX_DEPTH, LIGHTGBM_MAX_NODES, LightGbmModel, lightgbm_threshold_f32};
pub use logistic::{
    FeatureStandardization, LogisticModel, LogisticParams, ValidLogisticParams, train_logistic,
};
pub use matrix::ColumnMatrix;
pub use metrics::{
    LOG_LOSS_CLIP, OperatingPoint, PrecisionRecallCurve, ReliabilityBin, RocCurve,
    average_precision, brier_score, fpr_at_threshold, log_loss, precision_at_k,
    precision_recall_curve, recall_at_fpr, recall_at_threshold, reliability, roc_auc, roc_curve,
};
pub use plots::{
    BinBar, MAX_IMPORTANCE_BARS, bins_svg, calibration_svg, drift_psi_svg, drift_score_svg,
    drift_top_svg, importance_svg, precision_recall_svg, roc_svg,
};
pub use refit::{Deployment, FitPlan, FitStep, recency_weights};
pub use scorecard::{
    Candidate, PointsRow, PointsScaling, ScoreBin, ScorecardFeature, ScorecardModel,
    ScorecardParams, Selection, Trend, ValidScorecardParams, scorecard_bins, train_scorecard,
};
pub use trainer::{
    Algorithm, CalibrationMethod, ImportOptions, LabelledScores, Model, ModelOrigin,
    NATIVE_FORMAT_VERSION, NativeModel, PLOTS, TestCurves, TrainConfig, TrainedModel,
    ValidTrainConfig, check_package_dir, drift_on_data_dir, evaluate_on_data_dir, import_lightgbm,
    score_labelled_data_dir, train,
};
