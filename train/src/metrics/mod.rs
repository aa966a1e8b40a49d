//! Evaluation metrics for binary classifiers, one metric family per file.
//!
//! - `validate`: the input checks every metric runs first.
//! - `threshold_counts`: the shared sorting stage, cumulative true/false positives at each
//!   distinct score (scikit-learn's `confusion_matrix_at_thresholds`).
//! - `ranking`: ROC and precision-recall curves and their areas.
//! - `operating_point`: recall and false-positive rate at a chosen threshold.
//! - `top_k`: precision within a review budget.
//! - `scoring_rules`: Brier score and log loss.
//! - `reliability`: the calibration table.

mod operating_point;
mod ranking;
mod reliability;
mod scoring_rules;
mod threshold_counts;
mod top_k;
mod validate;

pub use operating_point::{OperatingPoint, fpr_at_threshold, recall_at_fpr, recall_at_threshold};
pub use ranking::{
    PrecisionRecallCurve, RocCurve, average_precision, precision_recall_curve, roc_auc, roc_curve,
};
pub use reliability::{ReliabilityBin, reliability};
pub use scoring_rules::{LOG_LOSS_CLIP, brier_score, log_loss};
pub use top_k::precision_at_k;
