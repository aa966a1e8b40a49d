//! ROC and precision-recall curves and the areas under them.
//!
//! All four follow scikit-learn (`roc_curve`, `roc_auc_score`, `precision_recall_curve`,
//! `average_precision_score`) for binary labels without sample weights: rows are flagged when
//! `score >= threshold`, and tied scores form a single threshold, so a tie contributes one
//! diagonal step to the ROC curve (trapezoid) and one point to the precision-recall curve.

use super::threshold_counts::ThresholdCounts;
use super::validate::check_scores;
use crate::TrainError;

/// A receiver operating characteristic curve, one point per distinct score.
///
/// Point `i` is the rule "flag rows with `score >= thresholds[i]`". Point 0 has threshold
/// `f64::INFINITY` and flags nothing, so the curve starts at `(0, 0)`; the last point uses the
/// lowest score and flags everything, `(1, 1)`. Thresholds strictly decrease, `fpr` and `tpr`
/// never decrease. Matches scikit-learn's `roc_curve(..., drop_intermediate=False)`.
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    /// False-positive rate: flagged negatives / all negatives.
    pub fpr: Vec<f64>,
    /// True-positive rate (recall): flagged positives / all positives.
    pub tpr: Vec<f64>,
    /// Score thresholds, strictly decreasing, starting at `f64::INFINITY`.
    pub thresholds: Vec<f64>,
}

/// A precision-recall curve, in scikit-learn's order: increasing threshold.
///
/// Point `i < thresholds.len()` is the rule "flag rows with `score >= thresholds[i]`" and
/// `precision[i]`, `recall[i]` are measured with it. `precision` and `recall` hold one more
/// point than `thresholds`: the final `(precision 1, recall 0)` with no threshold, which anchors
/// the curve on the precision axis. Matches scikit-learn's
/// `precision_recall_curve(..., drop_intermediate=False)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionRecallCurve {
    /// Flagged positives / flagged rows at each threshold, then `1.0`.
    pub precision: Vec<f64>,
    /// Flagged positives / all positives at each threshold (non-increasing), then `0.0`.
    pub recall: Vec<f64>,
    /// Distinct scores, strictly increasing.
    pub thresholds: Vec<f64>,
}

fn rate(count: usize, total: usize) -> f64 {
    count as f64 / total as f64
}

/// The ROC curve of `scores` against `labels` (`true` = positive), one point per distinct score.
///
/// Valid inputs: `labels` and `scores` of equal, non-zero length; finite scores; both classes
/// present. O(n log n).
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`] for a
/// NaN or infinite score, [`TrainError::SingleClass`] when either class is absent (one of the
/// rates would be undefined).
pub fn roc_curve(labels: &[bool], scores: &[f64]) -> Result<RocCurve, TrainError> {
    check_scores(labels, scores)?.require_both("roc_curve")?;
    let counts = ThresholdCounts::new(labels, scores);
    let points = counts.len() + 1;
    let mut curve = RocCurve {
        fpr: Vec::with_capacity(points),
        tpr: Vec::with_capacity(points),
        thresholds: Vec::with_capacity(points),
    };
    curve.fpr.push(0.0);
    curve.tpr.push(0.0);
    curve.thresholds.push(f64::INFINITY);
    for i in 0..counts.len() {
        curve
            .fpr
            .push(rate(counts.false_positives[i], counts.negatives));
        curve
            .tpr
            .push(rate(counts.true_positives[i], counts.positives));
        curve.thresholds.push(counts.thresholds[i]);
    }
    Ok(curve)
}

/// Area under the ROC curve: the probability that a random positive scores above a random
/// negative, a tie counting one half.
///
/// Equals scikit-learn's `roc_auc_score` (trapezoid over distinct thresholds). The area is
/// accumulated exactly in integers and rounded once, so the result does not depend on row
/// order. Valid inputs and errors as for [`roc_curve`]; `1.0` is a perfect ranking, `0.5` a
/// constant score.
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`],
/// [`TrainError::SingleClass`] when either class is absent.
pub fn roc_auc(labels: &[bool], scores: &[f64]) -> Result<f64, TrainError> {
    check_scores(labels, scores)?.require_both("roc_auc")?;
    let counts = ThresholdCounts::new(labels, scores);
    // Twice the area in units of (1 negative) x (1 positive): sum of trapezoids
    // (fp_i - fp_{i-1}) * (tp_i + tp_{i-1}); it fits in u128 for any slice length.
    let mut doubled_area: u128 = 0;
    let (mut previous_fp, mut previous_tp) = (0usize, 0usize);
    for (&fp, &tp) in counts.false_positives.iter().zip(&counts.true_positives) {
        doubled_area += (fp - previous_fp) as u128 * (tp + previous_tp) as u128;
        (previous_fp, previous_tp) = (fp, tp);
    }
    let doubled_total = 2 * counts.positives as u128 * counts.negatives as u128;
    Ok(doubled_area as f64 / doubled_total as f64)
}

/// The precision-recall curve of `scores` against `labels`, one point per distinct score.
///
/// Valid inputs: `labels` and `scores` of equal, non-zero length; finite scores; at least one
/// positive (recall is undefined without). Negatives may be absent. O(n log n).
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`],
/// [`TrainError::SingleClass`] when there is no positive label.
pub fn precision_recall_curve(
    labels: &[bool],
    scores: &[f64],
) -> Result<PrecisionRecallCurve, TrainError> {
    check_scores(labels, scores)?.require_positives("precision_recall_curve")?;
    let counts = ThresholdCounts::new(labels, scores);
    let mut curve = PrecisionRecallCurve {
        precision: Vec::with_capacity(counts.len() + 1),
        recall: Vec::with_capacity(counts.len() + 1),
        thresholds: Vec::with_capacity(counts.len()),
    };
    for i in (0..counts.len()).rev() {
        let tp = counts.true_positives[i];
        let flagged = tp + counts.false_positives[i];
        curve.precision.push(rate(tp, flagged));
        curve.recall.push(rate(tp, counts.positives));
        curve.thresholds.push(counts.thresholds[i]);
    }
    curve.precision.push(1.0);
    curve.recall.push(0.0);
    Ok(curve)
}

/// Average precision: `sum_n (R_n - R_{n-1}) * P_n` over distinct thresholds from the highest
/// score down, with `R_0 = 0` (a step function, no interpolation).
///
/// Equals scikit-learn's `average_precision_score`. Tied scores form one threshold. The result
/// lies in `(0, 1]`; a constant score gives the positive rate. Valid inputs and errors as for
/// [`precision_recall_curve`].
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`],
/// [`TrainError::SingleClass`] when there is no positive label.
pub fn average_precision(labels: &[bool], scores: &[f64]) -> Result<f64, TrainError> {
    check_scores(labels, scores)?.require_positives("average_precision")?;
    let counts = ThresholdCounts::new(labels, scores);
    let mut weighted_precision = 0.0;
    let mut previous_tp = 0usize;
    for (&tp, &fp) in counts.true_positives.iter().zip(&counts.false_positives) {
        weighted_precision += (tp - previous_tp) as f64 * rate(tp, tp + fp);
        previous_tp = tp;
    }
    Ok(weighted_precision / counts.positives as f64)
}
