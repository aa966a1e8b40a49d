//! The loss being minimised. An objective turns labels and current raw scores (margins) into
//! per-row gradients and hessians; it knows nothing about trees, bins or splits.

use rayon::prelude::*;

use super::model::sigmoid;

/// Rows per parallel task when computing gradients.
const ROWS_PER_TASK: usize = 4096;

/// A twice-differentiable loss over raw scores.
pub(crate) trait Objective: Sync {
    /// The constant raw score that minimises the loss over `labels` (the model's base score).
    fn initial_score(&self, labels: &[bool]) -> f64;

    /// First and second derivatives of each row's loss with respect to its raw score.
    fn gradients(
        &self,
        labels: &[bool],
        margins: &[f64],
        gradients: &mut [f64],
        hessians: &mut [f64],
    );
}

/// Binary log-loss on the logit scale, positives weighted by `scale_pos_weight`:
/// `loss = w·log(1 + e^(−m))` for a positive, `log(1 + e^m)` for a negative, so with
/// `p = sigmoid(m)` the gradient is `w·(p − y)` and the hessian `w·p·(1 − p)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BinaryLogLoss {
    pub scale_pos_weight: f64,
}

impl BinaryLogLoss {
    fn weight(&self, label: bool) -> f64 {
        if label { self.scale_pos_weight } else { 1.0 }
    }

    /// The base score with row weights: the log-odds of the weighted base rate,
    /// `ln(w·Σ weights of positives / Σ weights of negatives)`, which minimises the weighted
    /// loss over constants; `None` is [`Objective::initial_score`]. Both classes must carry
    /// weight (checked before training).
    pub(crate) fn initial_score_weighted(&self, labels: &[bool], weights: Option<&[f64]>) -> f64 {
        let Some(weights) = weights else {
            return self.initial_score(labels);
        };
        let (mut positives, mut negatives) = (0.0, 0.0);
        for (&label, &weight) in labels.iter().zip(weights) {
            if label {
                positives += weight;
            } else {
                negatives += weight;
            }
        }
        (self.scale_pos_weight * positives / negatives).ln()
    }
}

impl Objective for BinaryLogLoss {
    /// Log-odds of the weighted base rate, `ln(w·positives / negatives)`. (LightGBM leaves
    /// `scale_pos_weight` out of its starting score; with the weight in, the starting score is
    /// the constant that minimises the weighted loss.) Both classes must be present.
    fn initial_score(&self, labels: &[bool]) -> f64 {
        let positives = labels.iter().filter(|&&y| y).count() as f64;
        let negatives = labels.len() as f64 - positives;
        (self.scale_pos_weight * positives / negatives).ln()
    }

    fn gradients(
        &self,
        labels: &[bool],
        margins: &[f64],
        gradients: &mut [f64],
        hessians: &mut [f64],
    ) {
        gradients
            .par_iter_mut()
            .zip(hessians.par_iter_mut())
            .zip(labels.par_iter().zip(margins.par_iter()))
            .with_min_len(ROWS_PER_TASK)
            .for_each(|((gradient, hessian), (&label, &margin))| {
                let p = sigmoid(margin);
                let w = self.weight(label);
                *gradient = w * (p - if label { 1.0 } else { 0.0 });
                *hessian = w * p * (1.0 - p);
            });
    }
}

/// Mean (unweighted) log-loss of raw scores, `mean(log(1 + e^(−m)))` over positives and
/// `log(1 + e^m)` over negatives, computed without overflow. Rows are summed in order within
/// fixed blocks of [`ROWS_PER_TASK`] and the block sums in block order, so the result does not
/// depend on the number of threads. This is the metric reported in the training history and
/// used for early stopping.
pub(crate) fn mean_log_loss(labels: &[bool], margins: &[f64]) -> f64 {
    let blocks: Vec<f64> = labels
        .par_chunks(ROWS_PER_TASK)
        .zip(margins.par_chunks(ROWS_PER_TASK))
        .map(|(labels, margins)| {
            labels
                .iter()
                .zip(margins)
                .map(|(&label, &margin)| softplus(if label { -margin } else { margin }))
                .sum::<f64>()
        })
        .collect();
    blocks.iter().sum::<f64>() / labels.len() as f64
}

/// `log(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: the closed form `ln(w·P/N)`; tolerance 1e-15 (one rounding of `ln`).
    #[test]
    fn initial_score_is_weighted_log_odds() {
        let labels = [true, false, false, false, true, false];
        let objective = BinaryLogLoss {
            scale_pos_weight: 3.0,
        };
        let expected = (3.0_f64 * 2.0 / 4.0).ln();
        assert!((objective.initial_score(&labels) - expected).abs() <= 1e-15);
    }

    /// Reference: the closed form `ln(w·Σw₊/Σw₋)` = ln(3·(2 + 0.5)/(1 + 4 + 0.25 + 1)); with
    /// unit weights, the unweighted score. Tolerance 1e-15 (one rounding of `ln`).
    #[test]
    fn weighted_initial_score_is_weighted_log_odds() {
        let labels = [true, false, false, false, true, false];
        let weights = [2.0, 1.0, 4.0, 0.25, 0.5, 1.0];
        let objective = BinaryLogLoss {
            scale_pos_weight: 3.0,
        };
        let expected = (3.0_f64 * 2.5 / 6.25).ln();
        let got = objective.initial_score_weighted(&labels, Some(&weights));
        assert!((got - expected).abs() <= 1e-15, "{got} vs {expected}");
        let ones = [1.0; 6];
        assert!(
            (objective.initial_score_weighted(&labels, Some(&ones))
                - objective.initial_score(&labels))
            .abs()
                <= 1e-15
        );
    }

    /// Reference: central finite differences of the per-row loss (step 1e-5); tolerance 1e-8 for
    /// gradients, 1e-4 for hessians (a second difference loses about 1e-6 to rounding).
    #[test]
    fn gradients_match_finite_differences() {
        let objective = BinaryLogLoss {
            scale_pos_weight: 2.5,
        };
        let labels = [true, false, true, false];
        let margins = [-1.3, 0.4, 2.0, -0.2];
        let mut g = [0.0; 4];
        let mut h = [0.0; 4];
        objective.gradients(&labels, &margins, &mut g, &mut h);
        let loss = |label: bool, m: f64| {
            let w = if label { 2.5 } else { 1.0 };
            w * softplus(if label { -m } else { m })
        };
        let dm = 1e-5;
        for i in 0..4 {
            let (y, m) = (labels[i], margins[i]);
            let fd_g = (loss(y, m + dm) - loss(y, m - dm)) / (2.0 * dm);
            let fd_h = (loss(y, m + dm) - 2.0 * loss(y, m) + loss(y, m - dm)) / (dm * dm);
            assert!(
                (g[i] - fd_g).abs() < 1e-8,
                "gradient {i}: {} vs {fd_g}",
                g[i]
            );
            assert!(
                (h[i] - fd_h).abs() < 1e-4,
                "hessian {i}: {} vs {fd_h}",
                h[i]
            );
        }
    }

    /// Reference: `ln 2` for margin 0, and the asymptote `|m|` for large margins; tolerance 1e-15.
    #[test]
    fn log_loss_is_stable() {
        let ln2 = std::f64::consts::LN_2;
        assert!((mean_log_loss(&[true, false], &[0.0, 0.0]) - ln2).abs() <= 1e-15);
        assert_eq!(mean_log_loss(&[true], &[-800.0]), 800.0);
        assert_eq!(mean_log_loss(&[false], &[-800.0]), 0.0);
    }
}
