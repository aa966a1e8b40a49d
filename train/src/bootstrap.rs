//! Bootstrap confidence intervals for any metric of `(labels, scores)`: stratified percentile
//! bootstrap, parallel and deterministic under a seed.

use appfraud_core::primitives::SplitMix64;
use rayon::prelude::*;
use serde::Serialize;

use crate::TrainError;

/// A metric's value on the data with its bootstrap confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// The metric on the full data.
    pub estimate: f64,
    /// Lower bound: the `(1 - level) / 2` quantile of the resampled metric.
    pub low: f64,
    /// Upper bound: the `(1 + level) / 2` quantile of the resampled metric.
    pub high: f64,
    /// Number of resamples the bounds were computed from: those on which the metric returned
    /// a finite value (see [`bootstrap_ci`]).
    pub resamples_used: usize,
}

/// The generator of resample `index`: seeded with output number `index` (from 0) of
/// SplitMix64(`seed`), computed directly.
fn resample_rng(seed: u64, index: u64) -> SplitMix64 {
    let mut stream = SplitMix64::new(seed.wrapping_add(index.wrapping_mul(SplitMix64::GAMMA)));
    SplitMix64::new(stream.next_u64())
}

/// A uniform index in `0..n` (`n > 0`) by multiply-shift; the bias, at most `n / 2⁶⁴`, is
/// negligible.
fn below(rng: &mut SplitMix64, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// The `q`-quantile of sorted `values` with linear interpolation between order statistics
/// (NumPy's default `percentile` method).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let fraction = position - below as f64;
    sorted[below] + fraction * (sorted[above] - sorted[below])
}

/// The metric on `(labels, scores)` with a stratified percentile bootstrap confidence interval
/// at confidence `level` (for example `0.95`), from `resamples` resamples.
///
/// Each resample draws `n₊` rows with replacement from the positives and `n₋` from the
/// negatives, so every resample keeps the class counts of the data (and both classes, which
/// rank metrics need). The bounds are the `(1 - level) / 2` and `(1 + level) / 2` quantiles of
/// the resampled values, interpolated linearly between order statistics (NumPy's default
/// `percentile`).
///
/// Determinism: resample `r` draws from its own SplitMix64 generator, seeded with output `r`
/// (from 0) of SplitMix64(`seed`). Resamples run in parallel on the current rayon pool and are
/// collected in index order, so the result depends on the arguments only, not on the number of
/// threads.
///
/// `metric` is any function of `(labels, scores)`, such as [`roc_auc`](crate::roc_auc) or a
/// closure around [`recall_at_threshold`](crate::recall_at_threshold). It runs once on the
/// data, then once per resample, in parallel. The rows of a resample are the drawn positives
/// followed by the drawn negatives. A resample on which the metric fails or is not finite is
/// left out and not counted in `resamples_used`; if all are, the first such resample's error
/// is returned. Identical results for identical arguments, whatever the number of threads.
///
/// # Errors
///
/// [`TrainError::InvalidArgument`] for `level` outside the open interval `(0, 1)` or
/// `resamples == 0`; [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`],
/// [`TrainError::SingleClass`] (stratification needs both classes); the metric's own error on
/// the full data, or [`TrainError::NonFinite`] when it is not finite there; the first
/// resample's failure when no resample succeeded.
pub fn bootstrap_ci(
    labels: &[bool],
    scores: &[f64],
    metric: impl Fn(&[bool], &[f64]) -> Result<f64, TrainError> + Sync,
    resamples: usize,
    level: f64,
    seed: u64,
) -> Result<Interval, TrainError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(TrainError::InvalidArgument {
            name: "level",
            value: level.to_string(),
            expected: "a confidence level strictly between 0 and 1".to_owned(),
        });
    }
    if resamples == 0 {
        return Err(TrainError::InvalidArgument {
            name: "resamples",
            value: resamples.to_string(),
            expected: "at least 1 resample".to_owned(),
        });
    }
    if scores.len() != labels.len() {
        return Err(TrainError::LengthMismatch {
            what: "scores",
            expected: labels.len(),
            found: scores.len(),
        });
    }
    if labels.is_empty() {
        return Err(TrainError::EmptyInput { what: "labels" });
    }
    let (positives, negatives): (Vec<usize>, Vec<usize>) =
        (0..labels.len()).partition(|&i| labels[i]);
    if positives.is_empty() || negatives.is_empty() {
        return Err(TrainError::SingleClass {
            metric: "bootstrap_ci",
            positives: positives.len(),
            negatives: negatives.len(),
        });
    }

    let estimate = metric(labels, scores)?;
    if !estimate.is_finite() {
        return Err(TrainError::NonFinite {
            what: "metric on the full data",
            index: 0,
            value: estimate,
        });
    }

    let resample_labels: Vec<bool> = positives
        .iter()
        .chain(&negatives)
        .map(|&i| labels[i])
        .collect();
    let outcomes: Vec<Result<f64, TrainError>> = (0..resamples)
        .into_par_iter()
        .map_init(
            || Vec::with_capacity(labels.len()),
            |resample_scores, r| {
                let mut rng = resample_rng(seed, r as u64);
                resample_scores.clear();
                for stratum in [&positives, &negatives] {
                    for _ in 0..stratum.len() {
                        resample_scores.push(scores[stratum[below(&mut rng, stratum.len())]]);
                    }
                }
                let value = metric(&resample_labels, resample_scores)?;
                if value.is_finite() {
                    Ok(value)
                } else {
                    Err(TrainError::NonFinite {
                        what: "metric on a bootstrap resample",
                        index: r,
                        value,
                    })
                }
            },
        )
        .collect();

    let mut values = Vec::with_capacity(resamples);
    let mut first_failure = None;
    for outcome in outcomes {
        match outcome {
            Ok(value) => values.push(value),
            Err(error) => {
                first_failure.get_or_insert(error);
            }
        }
    }
    if values.is_empty() {
        return Err(first_failure.expect("resamples >= 1, so some outcome exists"));
    }
    values.sort_by(f64::total_cmp);
    Ok(Interval {
        estimate,
        low: quantile(&values, (1.0 - level) / 2.0),
        high: quantile(&values, (1.0 + level) / 2.0),
        resamples_used: values.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resample_rng_starts_at_the_seed_streams_output() {
        // Exact: resample 2 starts from the third output of SplitMix64(42).
        let mut stream = SplitMix64::new(42);
        stream.next_u64();
        stream.next_u64();
        let third = stream.next_u64();
        assert_eq!(resample_rng(42, 2).state(), third);
    }

    #[test]
    fn quantile_interpolates_like_numpy() {
        let v = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 8.0);
        // numpy.percentile([1, 2, 4, 8], 50) = 3.0; 25 -> 1.75.
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.25), 1.75);
        assert_eq!(quantile(&[5.0], 0.3), 5.0);
    }
}
