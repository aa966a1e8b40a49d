//! The reliability (calibration) table: predicted against observed rates per probability bin.

use super::validate::check_probabilities;
use crate::TrainError;

/// Upper bound on `n_bins` in [`reliability`], to keep a bad argument from allocating without
/// limit.
const MAX_BINS: usize = 10_000;

/// One equal-width probability bin of a [`reliability`] table.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReliabilityBin {
    /// Lower edge. The bin holds probabilities `p` with `lower < p <= upper`; the first bin
    /// also holds `p = 0`.
    pub lower: f64,
    /// Upper edge (`1.0` for the last bin).
    pub upper: f64,
    /// Number of rows whose probability falls in the bin.
    pub count: usize,
    /// Number of those rows labelled positive.
    pub positives: usize,
    /// Mean predicted probability of the rows in the bin; `None` when the bin is empty.
    pub mean_predicted: Option<f64>,
    /// Observed positive rate `positives / count`; `None` when the bin is empty.
    pub observed_rate: Option<f64>,
}

/// The reliability table of `probabilities` against `labels` over `n_bins` equal-width bins of
/// `[0, 1]`, every bin reported (empty ones with `count == 0`).
///
/// Bin edges and assignment follow scikit-learn's `calibration_curve(..., strategy="uniform")`:
/// edge `i` is `i * (1 / n_bins)` as `np.linspace(0, 1, n_bins + 1)` computes it (the last is
/// exactly `1.0`), and a probability lying exactly on an inner edge belongs to the lower bin. The
/// non-empty bins' `observed_rate` and `mean_predicted` are that function's `prob_true` and
/// `prob_pred`.
///
/// Valid inputs: `labels` and `probabilities` (of the positive class) of equal, non-zero
/// length, every probability finite and in `[0, 1]`; `1 <= n_bins <= 10_000`. A single class is
/// fine. O(n log n_bins).
///
/// # Errors
///
/// [`TrainError::InvalidArgument`] for `n_bins` out of range, [`TrainError::LengthMismatch`],
/// [`TrainError::EmptyInput`], [`TrainError::NonFinite`], [`TrainError::NotAProbability`] for a
/// value outside `[0, 1]`.
pub fn reliability(
    labels: &[bool],
    probabilities: &[f64],
    n_bins: usize,
) -> Result<Vec<ReliabilityBin>, TrainError> {
    if !(1..=MAX_BINS).contains(&n_bins) {
        return Err(TrainError::InvalidArgument {
            name: "n_bins",
            value: n_bins.to_string(),
            expected: format!("an integer in 1..={MAX_BINS}"),
        });
    }
    check_probabilities(labels, probabilities)?;

    let step = 1.0 / n_bins as f64;
    let mut edges: Vec<f64> = (0..n_bins).map(|i| i as f64 * step).collect();
    edges.push(1.0);
    let inner_edges = &edges[1..n_bins];

    let mut counts = vec![0usize; n_bins];
    let mut positives = vec![0usize; n_bins];
    let mut probability_sums = vec![0.0f64; n_bins];
    for (&label, &probability) in labels.iter().zip(probabilities) {
        let bin = inner_edges.partition_point(|&edge| edge < probability);
        counts[bin] += 1;
        positives[bin] += usize::from(label);
        probability_sums[bin] += probability;
    }

    Ok((0..n_bins)
        .map(|bin| {
            let count = counts[bin];
            let mean = |total: f64| (count > 0).then(|| total / count as f64);
            ReliabilityBin {
                lower: edges[bin],
                upper: edges[bin + 1],
                count,
                positives: positives[bin],
                mean_predicted: mean(probability_sums[bin]),
                observed_rate: mean(positives[bin] as f64),
            }
        })
        .collect())
}
