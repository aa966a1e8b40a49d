//! Probability calibration fitted on validation scores: Platt scaling and isotonic regression,
//! as scikit-learn's `CalibratedClassifierCV(method="sigmoid" | "isotonic")` fits them.
//!
//! A calibrator maps a model's score (a margin for Platt, any score for isotonic) to a
//! probability of fraud. It is fitted on rows the model was not trained on (the validation
//! split of the evaluation protocol), then stored in the model package next to the model.

use serde::{Deserialize, Serialize};

use crate::TrainError;
use crate::logistic::sigmoid;

/// A fitted calibration map from a score to a probability of fraud. Serialises with serde as
/// `{"method": "platt", "a": .., "b": ..}` or `{"method": "isotonic", "thresholds": [..],
/// "values": [..]}`; deserialising checks the invariants below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", try_from = "CalibratorData")]
pub enum Calibrator {
    /// Platt scaling: `p = sigmoid(a · margin + b)`. scikit-learn's `_sigmoid_calibration`
    /// returns `(A, B)` of `1 / (1 + exp(A · f + B))`, so `a = -A`, `b = -B`.
    Platt {
        /// Slope on the margin.
        a: f64,
        /// Offset.
        b: f64,
    },
    /// Isotonic regression: a non-decreasing piecewise-linear map through the points
    /// `(thresholds[i], values[i])`, constant beyond the first and last threshold.
    /// `thresholds` strictly increase, `values` do not decrease and lie in `[0, 1]`, both have
    /// the same non-zero length.
    Isotonic {
        /// Scores at the knots, strictly increasing.
        thresholds: Vec<f64>,
        /// Calibrated probabilities at the knots, non-decreasing, in `[0, 1]`.
        values: Vec<f64>,
    },
}

/// The serialised form of [`Calibrator`], checked before it becomes one.
#[derive(Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
enum CalibratorData {
    Platt {
        a: f64,
        b: f64,
    },
    Isotonic {
        thresholds: Vec<f64>,
        values: Vec<f64>,
    },
}

impl TryFrom<CalibratorData> for Calibrator {
    type Error = TrainError;

    fn try_from(data: CalibratorData) -> Result<Self, TrainError> {
        let invalid = |reason: &str| TrainError::InvalidModel {
            model: "calibrator",
            reason: reason.to_owned(),
        };
        match data {
            CalibratorData::Platt { a, b } => {
                if !a.is_finite() || !b.is_finite() {
                    return Err(invalid("Platt parameters must be finite"));
                }
                Ok(Calibrator::Platt { a, b })
            }
            CalibratorData::Isotonic { thresholds, values } => {
                if thresholds.is_empty() || thresholds.len() != values.len() {
                    return Err(invalid(
                        "isotonic thresholds and values must have the same non-zero length",
                    ));
                }
                if thresholds.iter().any(|t| !t.is_finite())
                    || thresholds.windows(2).any(|w| w[0] >= w[1])
                {
                    return Err(invalid(
                        "isotonic thresholds must be finite and strictly increasing",
                    ));
                }
                if values.iter().any(|v| !(0.0..=1.0).contains(v))
                    || values.windows(2).any(|w| w[0] > w[1])
                {
                    return Err(invalid(
                        "isotonic values must lie in [0, 1] and not decrease",
                    ));
                }
                Ok(Calibrator::Isotonic { thresholds, values })
            }
        }
    }
}

impl Calibrator {
    /// The calibrated probability of fraud for score `x`.
    ///
    /// Platt: `sigmoid(a · x + b)`. Isotonic: `x` is clipped to
    /// `[thresholds[0], thresholds[last]]`, then interpolated linearly between the two
    /// surrounding knots (NumPy's `interp`, which scikit-learn's
    /// `IsotonicRegression(out_of_bounds="clip").predict` uses); exact at a knot. A NaN `x`
    /// gives NaN. A hand-built isotonic calibrator with no knots gives NaN (deserialising or
    /// fitting never produces one).
    pub fn apply(&self, x: f64) -> f64 {
        match self {
            Calibrator::Platt { a, b } => sigmoid(a * x + b),
            Calibrator::Isotonic { thresholds, values } => interpolate(thresholds, values, x),
        }
    }
}

/// `numpy.interp(x, thresholds, values)`, which clips at the ends.
fn interpolate(thresholds: &[f64], values: &[f64], x: f64) -> f64 {
    let n = thresholds.len().min(values.len());
    if n == 0 || x.is_nan() {
        return f64::NAN;
    }
    if x <= thresholds[0] {
        return values[0];
    }
    if x >= thresholds[n - 1] {
        return values[n - 1];
    }
    // thresholds[j] <= x < thresholds[j + 1], with 0 <= j < n - 1.
    let j = thresholds[..n].partition_point(|&t| t <= x) - 1;
    let slope = (values[j + 1] - values[j]) / (thresholds[j + 1] - thresholds[j]);
    slope * (x - thresholds[j]) + values[j]
}

/// Checks `(scores, labels)` for a calibration fit: same non-zero length, finite scores, both
/// classes. Returns the number of positives.
fn check_fit_input(
    scores: &[f64],
    labels: &[bool],
    what: &'static str,
    fit: &'static str,
) -> Result<usize, TrainError> {
    if scores.len() != labels.len() {
        return Err(TrainError::LengthMismatch {
            what,
            expected: labels.len(),
            found: scores.len(),
        });
    }
    if labels.is_empty() {
        return Err(TrainError::EmptyInput { what: "labels" });
    }
    if let Some((index, &value)) = scores.iter().enumerate().find(|(_, s)| !s.is_finite()) {
        return Err(TrainError::NonFinite { what, index, value });
    }
    let positives = labels.iter().filter(|&&label| label).count();
    if positives == 0 || positives == labels.len() {
        return Err(TrainError::SingleClass {
            metric: fit,
            positives,
            negatives: labels.len() - positives,
        });
    }
    Ok(positives)
}

/// `ln(1 + e^u)` without overflow.
fn softplus(u: f64) -> f64 {
    u.max(0.0) + (-u.abs()).exp().ln_1p()
}

/// Fits Platt scaling `p = sigmoid(a · margin + b)` to validation `margins` and `labels`
/// (`true` = fraud), as scikit-learn's `sklearn.calibration._sigmoid_calibration`.
///
/// The labels are smoothed as Platt proposed: positives get the target
/// `(n₊ + 1) / (n₊ + 2)`, negatives `1 / (n₋ + 2)`; `(a, b)` minimise the cross-entropy to
/// those targets. The minimum is found by Newton's method with a backtracking line search
/// (Lin, Lin and Weng, 2007) from `a = 0`, `b = ln((n₊ + 1) / (n₋ + 1))`, to machine
/// precision; scikit-learn reaches the same minimum with L-BFGS-B to its tolerance.
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`] for
/// a NaN or infinite margin, [`TrainError::SingleClass`] when one class is absent.
pub fn fit_platt(margins: &[f64], labels: &[bool]) -> Result<Calibrator, TrainError> {
    const MAX_NEWTON_STEPS: usize = 100;
    // A tiny ridge on the Hessian keeps it invertible when all margins are equal.
    const RIDGE: f64 = 1e-12;
    const ARMIJO: f64 = 1e-4;
    const MIN_STEP: f64 = 1e-10;

    let positives = check_fit_input(margins, labels, "margins", "fit_platt")? as f64;
    let negatives = labels.len() as f64 - positives;
    let target_positive = (positives + 1.0) / (positives + 2.0);
    let target_negative = 1.0 / (negatives + 2.0);
    let targets: Vec<f64> = labels
        .iter()
        .map(|&label| {
            if label {
                target_positive
            } else {
                target_negative
            }
        })
        .collect();
    let loss = |a: f64, b: f64| -> f64 {
        margins
            .iter()
            .zip(&targets)
            .map(|(&f, &t)| {
                let z = a * f + b;
                t * softplus(-z) + (1.0 - t) * softplus(z)
            })
            .sum()
    };

    let (mut a, mut b) = (0.0, ((positives + 1.0) / (negatives + 1.0)).ln());
    let mut current = loss(a, b);
    for _ in 0..MAX_NEWTON_STEPS {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&f, &t) in margins.iter().zip(&targets) {
            let p = sigmoid(a * f + b);
            let d = p - t;
            let w = p * (1.0 - p);
            ga += d * f;
            gb += d;
            haa += w * f * f;
            hab += w * f;
            hbb += w;
        }
        haa += RIDGE;
        hbb += RIDGE;
        let det = haa * hbb - hab * hab;
        if det.is_nan() || det <= 0.0 {
            break;
        }
        let da = -(hbb * ga - hab * gb) / det;
        let db = -(haa * gb - hab * ga) / det;
        let slope = ga * da + gb * db;
        if slope.is_nan() || slope >= 0.0 {
            break; // at the minimum to machine precision
        }
        let mut step = 1.0;
        let accepted = loop {
            let (na, nb) = (a + step * da, b + step * db);
            let next = loss(na, nb);
            if next <= current + ARMIJO * step * slope {
                break Some((na, nb, next));
            }
            step /= 2.0;
            if step < MIN_STEP {
                break None;
            }
        };
        let Some((na, nb, next)) = accepted else {
            break;
        };
        let moved = (na - a).abs().max((nb - b).abs());
        (a, b, current) = (na, nb, next);
        if moved <= 1e-15 * (1.0 + a.abs().max(b.abs())) {
            break;
        }
    }
    Ok(Calibrator::Platt { a, b })
}

/// Fits isotonic regression of `labels` (`true` = 1) on validation `scores`, as
/// scikit-learn's `IsotonicRegression(out_of_bounds="clip").fit(scores, labels)`.
///
/// Steps, each as scikit-learn: sort by score; merge scores closer than `1e-15` to the first
/// of their group (NumPy's `float64` resolution) into one point whose value is the mean label;
/// pool adjacent violators, weighting each point by its row count; keep only the knots needed
/// for interpolation (drop a knot whose value equals both neighbours'). O(n log n).
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`], [`TrainError::NonFinite`] for
/// a NaN or infinite score, [`TrainError::SingleClass`] when one class is absent.
pub fn fit_isotonic(scores: &[f64], labels: &[bool]) -> Result<Calibrator, TrainError> {
    const MERGE_RESOLUTION: f64 = 1e-15;

    check_fit_input(scores, labels, "scores", "fit_isotonic")?;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&i, &j| {
        scores[i]
            .partial_cmp(&scores[j])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(labels[i].cmp(&labels[j]))
    });

    let (mut xs, mut ys, mut ws) = (Vec::new(), Vec::new(), Vec::new());
    let mut group_x = scores[order[0]];
    let (mut group_sum, mut group_count) = (0.0f64, 0.0f64);
    for &i in &order {
        let x = scores[i];
        if x - group_x >= MERGE_RESOLUTION {
            xs.push(group_x);
            ys.push(group_sum / group_count);
            ws.push(group_count);
            (group_x, group_sum, group_count) = (x, 0.0, 0.0);
        }
        group_sum += f64::from(u8::from(labels[i]));
        group_count += 1.0;
    }
    xs.push(group_x);
    ys.push(group_sum / group_count);
    ws.push(group_count);

    pool_adjacent_violators(&mut ys, &mut ws);

    let n = ys.len();
    let keep = |k: usize| k == 0 || k == n - 1 || ys[k] != ys[k - 1] || ys[k] != ys[k + 1];
    let (thresholds, values) = (0..n).filter(|&k| keep(k)).map(|k| (xs[k], ys[k])).unzip();
    Ok(Calibrator::Isotonic { thresholds, values })
}

/// Non-decreasing weighted least-squares fit of `y` in place: scikit-learn's
/// `_inplace_contiguous_isotonic_regression`, a single pass with backtracking, O(n). `w` is
/// overwritten.
fn pool_adjacent_violators(y: &mut [f64], w: &mut [f64]) {
    let n = y.len();
    // Blocks: if [i..=j] is a block, target[i] = j and target[j] = i. A block start holds the
    // block's weighted mean in y[i] and total weight in w[i].
    let mut target: Vec<usize> = (0..n).collect();
    let mut i = 0;
    while i < n {
        let mut k = target[i] + 1;
        if k == n {
            break;
        }
        if y[i] < y[k] {
            i = k;
            continue;
        }
        let mut sum_wy = w[i] * y[i];
        let mut sum_w = w[i];
        loop {
            let prev_y = y[k];
            sum_wy += w[k] * y[k];
            sum_w += w[k];
            k = target[k] + 1;
            if k == n || prev_y < y[k] {
                y[i] = sum_wy / sum_w;
                w[i] = sum_w;
                target[i] = k - 1;
                target[k - 1] = i;
                if i > 0 {
                    i = target[i - 1];
                }
                break;
            }
        }
    }
    let mut i = 0;
    while i < n {
        let k = target[i] + 1;
        let block_value = y[i];
        y[i + 1..k].fill(block_value);
        i = k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pava_pools_violators() {
        let mut y = vec![1.0, 3.0, 2.0, 4.0, 0.0];
        let mut w = vec![1.0; 5];
        pool_adjacent_violators(&mut y, &mut w);
        // [1, 3, 2, 4, 0] -> [1, 2.5, 2.5, 2.5, 2.5]: 3,2 pool to 2.5, then 4,0 pool to 2,
        // which violates 2.5, so all four pool to (3 + 2 + 4 + 0) / 4 = 2.25.
        assert_eq!(y, vec![1.0, 2.25, 2.25, 2.25, 2.25]);
    }

    #[test]
    fn interpolation_clips_and_is_exact_at_knots() {
        let t = [0.0, 1.0, 3.0];
        let v = [0.1, 0.3, 0.7];
        assert_eq!(interpolate(&t, &v, -5.0), 0.1);
        assert_eq!(interpolate(&t, &v, 9.0), 0.7);
        assert_eq!(interpolate(&t, &v, 1.0), 0.3);
        assert!((interpolate(&t, &v, 2.0) - 0.5).abs() < 1e-15);
        assert!(interpolate(&t, &v, f64::NAN).is_nan());
        assert!(interpolate(&[], &[], 0.0).is_nan());
    }
}
