//! Precision within a review budget.

use super::threshold_counts::ThresholdCounts;
use super::validate::check_scores;
use crate::TrainError;

/// Precision among the `k` highest-scoring rows: the share of fraud in a review queue of size
/// `k`.
///
/// Ties at the cut-off are shared, not broken by row order: when the `k`-th highest score is
/// tied across a group of `g` rows holding `p` positives of which `t` fit into the budget, those
/// `t` slots count `t * p / g` positives. The result is the expected precision when ties are
/// broken uniformly at random; it is deterministic and does not depend on row order. Without a
/// tie at the cut-off it is the plain precision of the top `k` rows.
///
/// Valid inputs: `labels` and `scores` of equal, non-zero length; finite scores;
/// `1 <= k <= labels.len()`. A single class is fine (the result is `0.0` or `1.0`). O(n log n).
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`],
/// [`TrainError::InvalidArgument`] for `k == 0` or `k > labels.len()`.
pub fn precision_at_k(labels: &[bool], scores: &[f64], k: usize) -> Result<f64, TrainError> {
    check_scores(labels, scores)?;
    if k == 0 || k > labels.len() {
        return Err(TrainError::InvalidArgument {
            name: "k",
            value: k.to_string(),
            expected: format!("an integer in 1..={}", labels.len()),
        });
    }
    let counts = ThresholdCounts::new(labels, scores);
    let flagged_at = |i: usize| counts.true_positives[i] + counts.false_positives[i];
    // The first tie group whose inclusion reaches the budget; it exists because k <= n.
    let cut = (0..counts.len())
        .find(|&i| flagged_at(i) >= k)
        .unwrap_or(counts.len() - 1);
    let (above_rows, above_positives) = match cut.checked_sub(1) {
        Some(previous) => (flagged_at(previous), counts.true_positives[previous]),
        None => (0, 0),
    };
    let group_rows = flagged_at(cut) - above_rows;
    let group_positives = counts.true_positives[cut] - above_positives;
    let taken = k - above_rows;
    // precision = (above_positives + taken * group_positives / group_rows) / k, in integers.
    let numerator =
        above_positives as u128 * group_rows as u128 + taken as u128 * group_positives as u128;
    let denominator = group_rows as u128 * k as u128;
    Ok(numerator as f64 / denominator as f64)
}
