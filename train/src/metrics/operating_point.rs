//! Operating points: choose a threshold on one split, report it on another.
//!
//! The rule is always "flag rows with `score >= threshold`". `docs/signals.md` asks for recall at
//! 1% and 5% false-positive rate with the threshold chosen on validation and reported on test:
//! [`recall_at_fpr`] on validation, then [`recall_at_threshold`] and [`fpr_at_threshold`] with
//! its threshold on test.

use super::threshold_counts::ThresholdCounts;
use super::validate::{check_scores, check_threshold};
use crate::TrainError;

/// A threshold and the rates it achieves on the data it was chosen on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OperatingPoint {
    /// Rows with `score >= threshold` are flagged. `f64::INFINITY` flags nothing.
    pub threshold: f64,
    /// Flagged positives / all positives.
    pub recall: f64,
    /// Flagged negatives / all negatives.
    pub fpr: f64,
}

/// The threshold with the largest recall whose false-positive rate is at most `max_fpr`.
///
/// Candidates are the distinct scores (a threshold never splits a tie) plus `f64::INFINITY`,
/// which flags nothing and always qualifies. Among candidates with `fpr <= max_fpr`, the one with
/// the largest recall wins; if several reach that recall, the highest threshold (lowest
/// false-positive rate) wins. The returned threshold is therefore an observed score, or
/// `f64::INFINITY` when even the top score exceeds the budget. The rates are computed as in
/// scikit-learn's `roc_curve`, so the choice equals picking, among its points with
/// `fpr <= max_fpr`, the first with the largest `tpr`.
///
/// Valid inputs: `labels` and `scores` of equal, non-zero length; finite scores; both classes
/// present; `max_fpr` in `[0, 1]`. O(n log n).
///
/// # Errors
///
/// [`TrainError::InvalidArgument`] for `max_fpr` outside `[0, 1]` or NaN,
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`],
/// [`TrainError::SingleClass`] when either class is absent.
pub fn recall_at_fpr(
    labels: &[bool],
    scores: &[f64],
    max_fpr: f64,
) -> Result<OperatingPoint, TrainError> {
    if !(0.0..=1.0).contains(&max_fpr) {
        return Err(TrainError::InvalidArgument {
            name: "max_fpr",
            value: max_fpr.to_string(),
            expected: "a rate in [0, 1]".to_owned(),
        });
    }
    check_scores(labels, scores)?.require_both("recall_at_fpr")?;
    let counts = ThresholdCounts::new(labels, scores);
    let mut best = OperatingPoint {
        threshold: f64::INFINITY,
        recall: 0.0,
        fpr: 0.0,
    };
    let mut best_tp = 0usize;
    for i in 0..counts.len() {
        let fpr = counts.false_positives[i] as f64 / counts.negatives as f64;
        if fpr > max_fpr {
            // False-positive rates only grow as the threshold falls.
            break;
        }
        let tp = counts.true_positives[i];
        if tp > best_tp {
            best_tp = tp;
            best = OperatingPoint {
                threshold: counts.thresholds[i],
                recall: tp as f64 / counts.positives as f64,
                fpr,
            };
        }
    }
    Ok(best)
}

/// Share of positives with `score >= threshold`: the recall of a threshold chosen elsewhere.
///
/// Valid inputs: `labels` and `scores` of equal, non-zero length; finite scores; at least one
/// positive; `threshold` not NaN (`f64::INFINITY` flags nothing, `f64::NEG_INFINITY` flags
/// everything). O(n).
///
/// # Errors
///
/// [`TrainError::InvalidArgument`] for a NaN threshold, [`TrainError::LengthMismatch`],
/// [`TrainError::EmptyInput`], [`TrainError::NonFinite`], [`TrainError::SingleClass`] when there
/// is no positive label.
pub fn recall_at_threshold(
    labels: &[bool],
    scores: &[f64],
    threshold: f64,
) -> Result<f64, TrainError> {
    check_threshold(threshold)?;
    let classes = check_scores(labels, scores)?.require_positives("recall_at_threshold")?;
    let flagged = flagged_with_label(labels, scores, threshold, true);
    Ok(flagged as f64 / classes.positives as f64)
}

/// Share of negatives with `score >= threshold`: the false-positive rate of a threshold chosen
/// elsewhere.
///
/// Valid inputs: `labels` and `scores` of equal, non-zero length; finite scores; at least one
/// negative; `threshold` not NaN (infinities allowed as for [`recall_at_threshold`]). O(n).
///
/// # Errors
///
/// [`TrainError::InvalidArgument`] for a NaN threshold, [`TrainError::LengthMismatch`],
/// [`TrainError::EmptyInput`], [`TrainError::NonFinite`], [`TrainError::SingleClass`] when there
/// is no negative label.
pub fn fpr_at_threshold(
    labels: &[bool],
    scores: &[f64],
    threshold: f64,
) -> Result<f64, TrainError> {
    check_threshold(threshold)?;
    let classes = check_scores(labels, scores)?.require_negatives("fpr_at_threshold")?;
    let flagged = flagged_with_label(labels, scores, threshold, false);
    Ok(flagged as f64 / classes.negatives as f64)
}

fn flagged_with_label(labels: &[bool], scores: &[f64], threshold: f64, class: bool) -> usize {
    labels
        .iter()
        .zip(scores)
        .filter(|&(&label, &score)| label == class && score >= threshold)
        .count()
}
