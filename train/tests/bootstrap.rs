//! Bootstrap confidence intervals: coverage of the estimate, shrinking width, determinism
//! (including across thread counts), agreement with the normal approximation, argument checks.

use std::sync::atomic::{AtomicUsize, Ordering};

use appfraud_train::{Interval, TrainError, bootstrap_ci, roc_auc};

struct Lcg(u64);

impl Lcg {
    fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9007199254740992.0)
    }
}

/// `n` continuous scores `p`, each label drawn with probability `p` (the
/// `probability_dataset` of the reference scripts, with a length).
fn dataset(seed: u64, n: usize) -> (Vec<bool>, Vec<f64>) {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|_| {
            let p = rng.unit();
            (rng.unit() < p, p)
        })
        .unzip()
}

fn mean_score(_labels: &[bool], scores: &[f64]) -> Result<f64, TrainError> {
    Ok(scores.iter().sum::<f64>() / scores.len() as f64)
}

fn auc_interval(n: usize, seed: u64) -> Interval {
    let (labels, scores) = dataset(11, n);
    bootstrap_ci(&labels, &scores, roc_auc, 500, 0.95, seed).expect("valid input")
}

#[test]
fn interval_contains_the_estimate() {
    let interval = auc_interval(400, 1);
    let (labels, scores) = dataset(11, 400);
    assert_eq!(interval.estimate, roc_auc(&labels, &scores).expect("valid"));
    assert!(interval.low < interval.estimate && interval.estimate < interval.high);
    assert_eq!(interval.resamples_used, 500);
}

#[test]
fn width_shrinks_with_more_rows() {
    let small = auc_interval(200, 1);
    let large = auc_interval(2000, 1);
    // The width scales like 1 / sqrt(n): about 0.32 for 10 times the rows.
    assert!(
        large.high - large.low < 0.6 * (small.high - small.low),
        "{small:?} vs {large:?}"
    );
}

#[test]
fn same_seed_same_interval_whatever_the_thread_count() {
    let run = |threads: usize, seed: u64| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| auc_interval(300, seed))
    };
    let reference = run(1, 42);
    assert_eq!(run(1, 42), reference);
    assert_eq!(run(3, 42), reference);
    assert_eq!(auc_interval(300, 42), reference);
    assert_ne!(run(3, 43), reference);
}

/// For the mean score, stratified resampling (class counts `n₊`, `n₋` fixed) has standard error
/// `sqrt(n₊ σ₊² + n₋ σ₋²) / n`, with `σ²` the population variance of the scores within each
/// class, and for n = 2000 the resampled mean is close to normal. Tolerance: 10% of the
/// half-width `1.96 SE`. With 4000 resamples the Monte Carlo standard deviation of a 2.5%
/// quantile is about `sqrt(0.025 · 0.975 / 4000) / φ(1.96) ≈ 0.043 SE`, about 2% of the
/// half-width, so 10% is over four of them.
#[test]
fn mean_score_interval_matches_the_normal_approximation() {
    let (labels, scores) = dataset(5, 2000);
    let interval = bootstrap_ci(&labels, &scores, mean_score, 4000, 0.95, 9).expect("valid");

    let mut variance_sum = 0.0;
    for class in [true, false] {
        let members: Vec<f64> = labels
            .iter()
            .zip(&scores)
            .filter(|(label, _)| **label == class)
            .map(|(_, &score)| score)
            .collect();
        let count = members.len() as f64;
        let mean = members.iter().sum::<f64>() / count;
        let variance = members.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / count;
        variance_sum += count * variance;
    }
    let standard_error = variance_sum.sqrt() / scores.len() as f64;
    let half_width = 1.959_963_984_540_054 * standard_error;
    let tolerance = 0.1 * half_width;
    assert!(
        (interval.low - (interval.estimate - half_width)).abs() <= tolerance,
        "{interval:?}, normal half-width {half_width}"
    );
    assert!(
        (interval.high - (interval.estimate + half_width)).abs() <= tolerance,
        "{interval:?}, normal half-width {half_width}"
    );
}

#[test]
fn higher_level_gives_a_wider_interval() {
    let (labels, scores) = dataset(11, 400);
    let narrow = bootstrap_ci(&labels, &scores, roc_auc, 500, 0.5, 3).expect("valid");
    let wide = bootstrap_ci(&labels, &scores, roc_auc, 500, 0.99, 3).expect("valid");
    assert!(wide.low < narrow.low && narrow.high < wide.high);
}

#[test]
fn bad_arguments_are_refused() {
    let (labels, scores) = dataset(11, 50);
    for level in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert!(
            matches!(
                bootstrap_ci(&labels, &scores, roc_auc, 100, level, 1),
                Err(TrainError::InvalidArgument { name: "level", .. })
            ),
            "level {level}"
        );
    }
    assert!(matches!(
        bootstrap_ci(&labels, &scores, roc_auc, 0, 0.95, 1),
        Err(TrainError::InvalidArgument {
            name: "resamples",
            ..
        })
    ));
    assert!(matches!(
        bootstrap_ci(&labels, &scores[..49], roc_auc, 100, 0.95, 1),
        Err(TrainError::LengthMismatch {
            expected: 50,
            found: 49,
            ..
        })
    ));
    assert!(matches!(
        bootstrap_ci(&[], &[], roc_auc, 100, 0.95, 1),
        Err(TrainError::EmptyInput { .. })
    ));
    assert!(matches!(
        bootstrap_ci(&[true, true], &[0.1, 0.2], mean_score, 100, 0.95, 1),
        Err(TrainError::SingleClass {
            positives: 2,
            negatives: 0,
            ..
        })
    ));
}

#[test]
fn metric_errors_are_reported() {
    let (labels, scores) = dataset(11, 50);
    let failing = |_: &[bool], _: &[f64]| -> Result<f64, TrainError> {
        Err(TrainError::EmptyInput { what: "test" })
    };
    assert_eq!(
        bootstrap_ci(&labels, &scores, failing, 10, 0.95, 1),
        Err(TrainError::EmptyInput { what: "test" })
    );
    let not_finite = |_: &[bool], _: &[f64]| -> Result<f64, TrainError> { Ok(f64::NAN) };
    assert!(matches!(
        bootstrap_ci(&labels, &scores, not_finite, 10, 0.95, 1),
        Err(TrainError::NonFinite { .. })
    ));

    // Succeeds on the full data only: every resample fails, so the error is returned.
    let calls = AtomicUsize::new(0);
    let first_call_only = |labels: &[bool], scores: &[f64]| {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            mean_score(labels, scores)
        } else {
            Err(TrainError::EmptyInput { what: "resample" })
        }
    };
    assert_eq!(
        bootstrap_ci(&labels, &scores, first_call_only, 10, 0.95, 1),
        Err(TrainError::EmptyInput { what: "resample" })
    );
}

#[test]
fn failed_resamples_are_left_out_and_counted() {
    let (labels, scores) = dataset(11, 200);
    let full_mean = mean_score(&labels, &scores).expect("valid");
    // Fails on the resamples whose mean exceeds the full data's (about half of them).
    let below_full_mean = |labels: &[bool], scores: &[f64]| {
        let mean = mean_score(labels, scores)?;
        if mean <= full_mean {
            Ok(mean)
        } else {
            Err(TrainError::EmptyInput { what: "resample" })
        }
    };
    let interval = bootstrap_ci(&labels, &scores, below_full_mean, 400, 0.95, 1).expect("valid");
    assert!(
        (100..300).contains(&interval.resamples_used),
        "{interval:?}"
    );
    assert!(interval.high <= full_mean);
}
