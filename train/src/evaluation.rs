//! Evaluation of a scored split, as the protocol in `docs/signals.md` asks: ROC AUC, PR AUC
//! (average precision), recall at 1 % and 5 % false-positive rate with thresholds chosen on
//! validation and reported on test, precision at a review budget k, Brier score and a reliability
//! table, each point estimate with a stratified bootstrap confidence interval.

use serde::Serialize;

use crate::TrainError;
use crate::bootstrap::{Interval, bootstrap_ci};
use crate::metrics::{
    ReliabilityBin, average_precision, brier_score, fpr_at_threshold, log_loss, precision_at_k,
    recall_at_fpr, recall_at_threshold, reliability, roc_auc,
};

/// The false-positive rates whose thresholds are chosen on validation.
pub const TARGET_FPRS: [f64; 2] = [0.01, 0.05];

/// Score thresholds chosen on the validation split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Thresholds {
    /// Lowest probability flagged at ≤ 1 % validation false-positive rate (the `verify` band).
    pub fpr_1pct: f64,
    /// Lowest probability flagged at ≤ 5 % validation false-positive rate (the `review` band).
    pub fpr_5pct: f64,
}

impl Thresholds {
    /// Chooses the thresholds on validation labels and calibrated probabilities
    /// ([`recall_at_fpr`]: the highest recall within the false-positive budget).
    pub fn choose(labels: &[bool], probabilities: &[f64]) -> Result<Thresholds, TrainError> {
        Ok(Thresholds {
            fpr_1pct: recall_at_fpr(labels, probabilities, TARGET_FPRS[0])?.threshold,
            fpr_5pct: recall_at_fpr(labels, probabilities, TARGET_FPRS[1])?.threshold,
        })
    }
}

/// A metric over labels and scores, as the bootstrap resamples it.
type Metric<'a> = dyn Fn(&[bool], &[f64]) -> Result<f64, TrainError> + Sync + 'a;

/// How the confidence intervals are computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BootstrapSettings {
    /// Resamples (0 = no intervals: low = high = estimate).
    pub resamples: usize,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
    /// Seed of the resampling.
    pub seed: u64,
}

impl Default for BootstrapSettings {
    fn default() -> Self {
        BootstrapSettings {
            resamples: 200,
            level: 0.95,
            seed: 0,
        }
    }
}

/// Metrics of one scored split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Rows scored.
    pub rows: usize,
    /// Fraud rows among them.
    pub positives: usize,
    /// Area under the ROC curve.
    pub roc_auc: Interval,
    /// Area under the precision–recall curve (average precision).
    pub pr_auc: Interval,
    /// Recall at the threshold chosen for 1 % validation FPR, and the FPR it gives here.
    pub recall_at_fpr_1pct: Interval,
    /// The false-positive rate observed here at that threshold.
    pub fpr_at_threshold_1pct: f64,
    /// Recall at the threshold chosen for 5 % validation FPR.
    pub recall_at_fpr_5pct: Interval,
    /// The false-positive rate observed here at that threshold.
    pub fpr_at_threshold_5pct: f64,
    /// The review budget k.
    pub review_budget: usize,
    /// Precision among the k highest scores.
    pub precision_at_k: Interval,
    /// Brier score (mean squared error of the probabilities).
    pub brier: Interval,
    /// Log loss of the probabilities.
    pub log_loss: f64,
    /// Ten equal-width bins of predicted probability.
    pub reliability: Vec<ReliabilityBin>,
}

/// Evaluates calibrated `probabilities` against `labels` with validation `thresholds` and a
/// review budget of `review_budget` applications (capped at the number of rows).
pub fn evaluate(
    labels: &[bool],
    probabilities: &[f64],
    thresholds: &Thresholds,
    review_budget: usize,
    bootstrap: BootstrapSettings,
) -> Result<Evaluation, TrainError> {
    let k = review_budget.clamp(1, labels.len().max(1));
    let ci = |metric: &Metric<'_>| {
        if bootstrap.resamples == 0 {
            let e = metric(labels, probabilities)?;
            return Ok(Interval {
                estimate: e,
                low: e,
                high: e,
                resamples_used: 0,
            });
        }
        bootstrap_ci(
            labels,
            probabilities,
            metric,
            bootstrap.resamples,
            bootstrap.level,
            bootstrap.seed,
        )
    };
    let (t1, t5) = (thresholds.fpr_1pct, thresholds.fpr_5pct);
    Ok(Evaluation {
        rows: labels.len(),
        positives: labels.iter().filter(|l| **l).count(),
        roc_auc: ci(&roc_auc)?,
        pr_auc: ci(&average_precision)?,
        recall_at_fpr_1pct: ci(&|l, s| recall_at_threshold(l, s, t1))?,
        fpr_at_threshold_1pct: fpr_at_threshold(labels, probabilities, t1)?,
        recall_at_fpr_5pct: ci(&|l, s| recall_at_threshold(l, s, t5))?,
        fpr_at_threshold_5pct: fpr_at_threshold(labels, probabilities, t5)?,
        review_budget: k,
        precision_at_k: ci(&|l, s| precision_at_k(l, s, k.min(l.len())))?,
        brier: ci(&brier_score)?,
        log_loss: log_loss(labels, probabilities)?,
        reliability: reliability(labels, probabilities, 10)?,
    })
}
