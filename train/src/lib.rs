//! # appfraud-train: everything that turns a feature table into a model package
//!
//! This crate will own the training side of the pipeline (`DESIGN.md`): datasets with
//! out-of-time splits and a label-delay embargo, a histogram GBDT built one stage per file
//! (binning, histograms, split finding, tree growing; the objective only computes gradients),
//! logistic regression, probability calibration, evaluation metrics, the model card and its plots,
//! and ONNX export. The model package is the only contract with `appfraud-serve`: serving never
//! links this crate, so nothing here is needed to score.
//!
//! Today it holds:
//!
//! - a histogram gradient-boosted tree classifier: [`GbdtParams`] → [`ValidGbdtParams`] →
//!   [`train_gbdt`] → [`GbdtModel`], a plain serialisable model with documented prediction
//!   semantics (`x <= threshold` in `f32`, `NaN` to `default_left`) that the ONNX export,
//!   TreeSHAP and serving read. Its design, one stage per file, is described in the `gbdt`
//!   module and on [`train_gbdt`];
//! - the evaluation metrics for binary classifiers that training and `appfraud evaluate` use
//!   (the protocol is in `SIGNALS.md`, "Evaluation protocol"):
//!
//!   - rank metrics: [`roc_auc`], [`roc_curve`], [`average_precision`],
//!     [`precision_recall_curve`];
//!   - operating points: [`recall_at_fpr`] chooses a threshold on one split,
//!     [`recall_at_threshold`] and [`fpr_at_threshold`] report it on another;
//!     [`precision_at_k`] measures a review budget;
//!   - probability quality: [`brier_score`], [`log_loss`], and the [`reliability`] table.
//!
//! Design of the metrics:
//!
//! - Metrics take plain slices, `labels: &[bool]` (`true` = fraud) and `scores: &[f64]`, so
//!   they do not care where the scores came from (native model, ONNX Runtime, another tool).
//! - Definitions follow scikit-learn, ties included, and the tests pin values computed with it.
//!   Rank metrics sort once: O(n log n).
//! - Inputs are validated at the boundary: empty or mismatched slices, NaN/inf scores,
//!   probabilities outside `[0, 1]`, a single class where the metric is undefined and
//!   out-of-range arguments return a [`TrainError`]; nothing panics on user data.
#![warn(missing_docs)]

mod bootstrap;
mod calibration;
mod card;
mod dataset;
mod error;
mod evaluation;
mod export;
mod gbdt;
mod logistic;
mod matrix;
mod metrics;
mod params;
mod plots;
mod trainer;

pub use bootstrap::{Interval, bootstrap_ci};
pub use calibration::{Calibrator, fit_isotonic, fit_platt};
pub use card::{CardInputs, model_card};
pub use dataset::{Dataset, DatasetSummary, Split, SplitRows, SplitSpec};
pub use error::TrainError;
pub use evaluation::{BootstrapSettings, Evaluation, TARGET_FPRS, Thresholds, evaluate};
pub use export::{BATCH_DIM, INPUT as ONNX_INPUT, OUTPUT as ONNX_OUTPUT, export_onnx, tree_covers};
pub use gbdt::{
    GbdtModel, GbdtParams, GbdtTraining, LeafNode, Node, ParamDoc, RoundLoss, SplitNode, Tree,
    ValidGbdtParams, parameter_docs as gbdt_parameter_docs, train_gbdt,
};
pub use logistic::{
    FeatureStandardization, LogisticModel, LogisticParams, ValidLogisticParams, train_logistic,
};
pub use matrix::ColumnMatrix;
pub use metrics::{
    LOG_LOSS_CLIP, OperatingPoint, PrecisionRecallCurve, ReliabilityBin, RocCurve,
    average_precision, brier_score, fpr_at_threshold, log_loss, precision_at_k,
    precision_recall_curve, recall_at_fpr, recall_at_threshold, reliability, roc_auc, roc_curve,
};
pub use params::ParamInfo;
pub use plots::{
    MAX_IMPORTANCE_BARS, calibration_svg, importance_svg, precision_recall_svg, roc_svg,
};
pub use trainer::{
    Algorithm, CalibrationMethod, Model, NATIVE_FORMAT_VERSION, NativeModel, PLOTS, TestCurves,
    TrainConfig, TrainedModel, ValidTrainConfig, check_package_dir, evaluate_on_data_dir, train,
};
