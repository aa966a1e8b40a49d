//! Proper scoring rules for predicted probabilities: Brier score and log loss.

use super::validate::check_probabilities;
use crate::TrainError;

/// Probabilities are clipped to `[LOG_LOSS_CLIP, 1 - LOG_LOSS_CLIP]` before taking logarithms in
/// [`log_loss`], so a confident mistake costs at most `-ln(LOG_LOSS_CLIP)` ≈ 36.04 per row
/// instead of infinity.
///
/// It is the machine epsilon of `f64`, the value scikit-learn ≥ 1.5 uses for `float64` input
/// (`np.finfo(np.float64).eps`).
pub const LOG_LOSS_CLIP: f64 = f64::EPSILON;

/// Mean of `values` with Neumaier compensation, so long inputs lose no precision.
fn compensated_mean(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut compensation, mut count) = (0.0f64, 0.0f64, 0usize);
    for value in values {
        let next = sum + value;
        compensation += if sum.abs() >= value.abs() {
            (sum - next) + value
        } else {
            (value - next) + sum
        };
        sum = next;
        count += 1;
    }
    (sum + compensation) / count as f64
}

/// Brier score: the mean of `(probability - label)^2` with `label` as 0 or 1. Lower is better;
/// `0.0` is perfect, `0.25` is a constant `0.5`.
///
/// Equals scikit-learn's `brier_score_loss` for binary labels. Valid inputs: `labels` and
/// `probabilities` (of the positive class) of equal, non-zero length, every probability finite
/// and in `[0, 1]`. A single class is fine. O(n).
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`],
/// [`TrainError::NotAProbability`] for a value outside `[0, 1]`.
pub fn brier_score(labels: &[bool], probabilities: &[f64]) -> Result<f64, TrainError> {
    check_probabilities(labels, probabilities)?;
    Ok(compensated_mean(labels.iter().zip(probabilities).map(
        |(&label, &probability)| {
            let error = probability - if label { 1.0 } else { 0.0 };
            error * error
        },
    )))
}

/// Log loss (binary cross-entropy): the mean of `-ln(p)` over positives and `-ln(1 - p)` over
/// negatives, in nats. Lower is better.
///
/// Before the logarithm, the probability given to the true class (`p` for a positive, `1 - p`
/// for a negative) is clipped to `[LOG_LOSS_CLIP, 1 - LOG_LOSS_CLIP]`, exactly as scikit-learn's
/// `log_loss` does for `float64` input, so `p = 0` for a positive costs about 36.04, not
/// infinity. Valid inputs: `labels` and `probabilities` (of the positive class) of equal,
/// non-zero length, every probability finite and in `[0, 1]`. A single class is fine. O(n).
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`],
/// [`TrainError::NotAProbability`] for a value outside `[0, 1]`.
pub fn log_loss(labels: &[bool], probabilities: &[f64]) -> Result<f64, TrainError> {
    check_probabilities(labels, probabilities)?;
    Ok(compensated_mean(labels.iter().zip(probabilities).map(
        |(&label, &probability)| {
            let of_true_class = if label {
                probability
            } else {
                1.0 - probability
            };
            -of_true_class.clamp(LOG_LOSS_CLIP, 1.0 - LOG_LOSS_CLIP).ln()
        },
    )))
}
