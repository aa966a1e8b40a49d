//! Calibration: parity with scikit-learn and the calibrators' contracts.
//!
//! Expected values are recomputed at test time by `train/tests/reference/models_reference.py`
//! with the scikit-learn, SciPy and NumPy that `./dev test` installs (see
//! `support/reference.rs`), on datasets built with the same LCG (the script prints its inputs
//! and the tests check that they are ours):
//!
//! - Platt: `sklearn.calibration._sigmoid_calibration(margins, labels)`, the fit behind
//!   `CalibratedClassifierCV(method="sigmoid")`. It returns `(A, B)` of
//!   `1 / (1 + exp(A f + B))`; ours are `a = -A`, `b = -B`. Tolerance `1e-6`: scikit-learn stops
//!   L-BFGS-B at a projected gradient of `1e-6` (relative cost change `64 ε`) while we run
//!   Newton's method to machine precision on the same objective; observed differences are
//!   below `4e-9`.
//! - Isotonic: `IsotonicRegression(out_of_bounds="clip")`, the fit behind
//!   `CalibratedClassifierCV(method="isotonic")`: its `X_thresholds_`, `y_thresholds_` and
//!   `predict` on the grid `k / 80`, `k = -2..=82`. Tolerance `1e-9` (knots are means of
//!   labels computed in the same order, interpolation is NumPy's formula; observed differences
//!   are 0).

#[path = "support/reference.rs"]
mod reference;

use std::sync::Arc;

use appfraud_train::{Calibrator, TrainError, fit_isotonic, fit_platt};
use reference::{bools, float, floats, get};
use serde_json::Value;

const PLATT_TOLERANCE: f64 = 1e-6;
const ISOTONIC_TOLERANCE: f64 = 1e-9;

/// The script's output (run once for all tests of this file).
fn sklearn() -> Arc<Value> {
    reference::run("models_reference.py", &[])
}

#[track_caller]
fn assert_all_close(actual: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance,
            "index {i}: got {a:?}, scikit-learn gives {e:?} (tolerance {tolerance:e})"
        );
    }
}

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

/// `platt_dataset(seed, n, half_width)` of the Python script: margins uniform on
/// `[-half_width, half_width)`, label drawn with probability `0.1 + 0.8 u²` (`u` the uniform).
fn platt_dataset(seed: u64, n: usize, half_width: f64) -> (Vec<f64>, Vec<bool>) {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|_| {
            let u = rng.unit();
            let margin = (2.0 * u - 1.0) * half_width;
            (margin, rng.unit() < 0.1 + 0.8 * u * u)
        })
        .unzip()
}

/// `scored_dataset(seed)` (also in `sklearn_reference.py`): 200 scores on a grid of 41 values,
/// fraud with probability `0.05 + 0.5 score²`. Returned as (scores, labels).
fn scored_dataset(seed: u64) -> (Vec<f64>, Vec<bool>) {
    let mut rng = Lcg(seed);
    (0..200)
        .map(|_| {
            let score = ((rng.next_u64() >> 33) % 41) as f64 / 40.0;
            (score, rng.unit() < 0.05 + 0.5 * score * score)
        })
        .unzip()
}

/// `probability_dataset(seed)` (also in `sklearn_reference.py`): 200 continuous probabilities
/// `p`, each label drawn with probability `p`. Returned as (scores, labels).
fn probability_dataset(seed: u64) -> (Vec<f64>, Vec<bool>) {
    let mut rng = Lcg(seed);
    (0..200)
        .map(|_| {
            let p = rng.unit();
            (p, rng.unit() < p)
        })
        .unzip()
}

fn platt_parameters(calibrator: &Calibrator) -> (f64, f64) {
    match calibrator {
        Calibrator::Platt { a, b } => (*a, *b),
        other => panic!("expected Platt, got {other:?}"),
    }
}

fn isotonic_knots(calibrator: &Calibrator) -> (&[f64], &[f64]) {
    match calibrator {
        Calibrator::Isotonic { thresholds, values } => (thresholds, values),
        other => panic!("expected isotonic, got {other:?}"),
    }
}

/// `_sigmoid_calibration(margins, labels)` on `platt_dataset(seed, n, half_width)` as the
/// script ran it: `(-A, -B)`, after checking that the dataset is the script's.
#[track_caller]
fn assert_platt_matches(expected: &Value) {
    let seed = reference::count(expected, "seed") as u64;
    let n = reference::count(expected, "n");
    let (margins, labels) = platt_dataset(seed, n, float(expected, "half_width"));
    assert_eq!(
        margins,
        floats(expected, "margins"),
        "platt_dataset({seed})"
    );
    assert_eq!(labels, bools(expected, "labels"), "platt_dataset({seed})");
    let (a, b) = platt_parameters(&fit_platt(&margins, &labels).expect("valid input"));
    assert_all_close(
        &[a, b],
        &[float(expected, "a"), float(expected, "b")],
        PLATT_TOLERANCE,
    );
}

/// `platt_dataset(31, 300, 4.0)`.
#[test]
fn platt_matches_sklearn() {
    let sk = sklearn();
    let expected = &get(&sk, "platt").as_array().expect("fits")[0];
    assert_eq!(float(expected, "half_width"), 4.0);
    assert_platt_matches(expected);
}

/// Margins up to ±60 (`platt_dataset(32, 300, 60.0)`), where scikit-learn divides them by
/// their largest absolute value before optimising (`max_abs_prediction_threshold = 30`) and
/// scales `A` back: the same minimum.
#[test]
fn platt_with_large_margins_matches_sklearn() {
    let sk = sklearn();
    let expected = &get(&sk, "platt").as_array().expect("fits")[1];
    assert_eq!(float(expected, "half_width"), 60.0);
    assert_platt_matches(expected);
}

#[test]
fn platt_is_equivariant_to_scaling_the_margins() {
    let (margins, labels) = platt_dataset(31, 300, 4.0);
    let (a, b) = platt_parameters(&fit_platt(&margins, &labels).expect("valid input"));
    let scaled: Vec<f64> = margins.iter().map(|m| m * 10.0).collect();
    let (a10, b10) = platt_parameters(&fit_platt(&scaled, &labels).expect("valid input"));
    assert!((a10 * 10.0 - a).abs() <= 1e-9, "{a10} * 10 vs {a}");
    assert!((b10 - b).abs() <= 1e-9, "{b10} vs {b}");
}

#[test]
fn platt_with_constant_margins_predicts_the_smoothed_base_rate() {
    let labels = [true, false, false, true, false];
    let calibrator = fit_platt(&[1.5; 5], &labels).expect("valid input");
    // Targets: positives (2 + 1) / (2 + 2) = 0.75, negatives 1 / (3 + 2) = 0.2.
    let mean_target = (2.0 * 0.75 + 3.0 * 0.2) / 5.0;
    assert!((calibrator.apply(1.5) - mean_target).abs() <= 1e-9);
}

/// `IsotonicRegression(out_of_bounds="clip").fit(scores, labels)` as the script ran it on
/// `scores, labels`: `X_thresholds_`, `y_thresholds_`, `predict(k / 80 for k in -2..=82)`,
/// after checking that the dataset is the script's.
#[track_caller]
fn assert_isotonic_matches(scores: &[f64], labels: &[bool], expected: &Value) {
    assert_eq!(scores, floats(expected, "scores"));
    assert_eq!(labels, bools(expected, "labels"));
    let calibrator = fit_isotonic(scores, labels).expect("valid input");
    let (thresholds, values) = isotonic_knots(&calibrator);
    assert_all_close(
        thresholds,
        &floats(expected, "X_thresholds_"),
        ISOTONIC_TOLERANCE,
    );
    assert_all_close(
        values,
        &floats(expected, "y_thresholds_"),
        ISOTONIC_TOLERANCE,
    );
    let queries = floats(expected, "queries");
    let ours: Vec<f64> = queries.iter().map(|&q| calibrator.apply(q)).collect();
    assert_eq!(queries, query_grid());
    assert_all_close(&ours, &floats(expected, "predict"), ISOTONIC_TOLERANCE);
}

/// On `scored_dataset(7)` (ties on a grid).
#[test]
fn isotonic_with_ties_matches_sklearn() {
    let (scores, labels) = scored_dataset(7);
    assert_isotonic_matches(
        &scores,
        &labels,
        get(&sklearn(), "isotonic/scored_dataset_7"),
    );
}

/// On `probability_dataset(11)` (continuous scores).
#[test]
fn isotonic_continuous_matches_sklearn() {
    let (scores, labels) = probability_dataset(11);
    assert_isotonic_matches(
        &scores,
        &labels,
        get(&sklearn(), "isotonic/probability_dataset_11"),
    );
}

/// `k / 80` for `k = -2..=82`: outside both ends, on the knots of the grid dataset (multiples
/// of 0.025) and half-way between them.
fn query_grid() -> Vec<f64> {
    (-2..=82).map(|k| f64::from(k) / 80.0).collect()
}

#[test]
fn calibrated_probabilities_do_not_decrease() {
    let (margins, labels) = platt_dataset(31, 300, 4.0);
    let (scores, score_labels) = scored_dataset(7);
    for calibrator in [
        fit_platt(&margins, &labels).expect("valid input"),
        fit_isotonic(&scores, &score_labels).expect("valid input"),
    ] {
        let curve: Vec<f64> = (-500..=500)
            .map(|k| calibrator.apply(f64::from(k) / 100.0))
            .collect();
        assert!(curve.windows(2).all(|w| w[0] <= w[1]), "{calibrator:?}");
        assert!(curve.iter().all(|p| (0.0..=1.0).contains(p)));
    }
}

#[test]
fn bad_input_is_refused() {
    for fit in [fit_platt, fit_isotonic] {
        assert!(matches!(
            fit(&[0.1, 0.2], &[true, false, true]),
            Err(TrainError::LengthMismatch {
                expected: 3,
                found: 2,
                ..
            })
        ));
        assert!(matches!(fit(&[], &[]), Err(TrainError::EmptyInput { .. })));
        assert!(matches!(
            fit(&[0.1, f64::NAN], &[true, false]),
            Err(TrainError::NonFinite { index: 1, .. })
        ));
        assert!(matches!(
            fit(&[0.1, f64::INFINITY], &[true, false]),
            Err(TrainError::NonFinite { index: 1, .. })
        ));
        assert!(matches!(
            fit(&[0.1, 0.2], &[true, true]),
            Err(TrainError::SingleClass {
                positives: 2,
                negatives: 0,
                ..
            })
        ));
    }
}

#[test]
fn calibrators_round_trip_through_json() {
    let (margins, labels) = platt_dataset(31, 300, 4.0);
    let (scores, score_labels) = probability_dataset(11);
    for calibrator in [
        fit_platt(&margins, &labels).expect("valid input"),
        fit_isotonic(&scores, &score_labels).expect("valid input"),
    ] {
        let json = serde_json::to_string(&calibrator).expect("serialisable");
        assert_eq!(
            serde_json::from_str::<Calibrator>(&json).expect("valid calibrator"),
            calibrator
        );
    }
    let platt: Calibrator =
        serde_json::from_str(r#"{"method": "platt", "a": 2.0, "b": -1.0}"#).expect("valid");
    assert_eq!(platt, Calibrator::Platt { a: 2.0, b: -1.0 });
    assert_eq!(platt.apply(0.5), 0.5);
}

#[test]
fn inconsistent_calibrator_files_are_refused() {
    for json in [
        r#"{"method": "isotonic", "thresholds": [], "values": []}"#,
        r#"{"method": "isotonic", "thresholds": [0.0, 1.0], "values": [0.5]}"#,
        r#"{"method": "isotonic", "thresholds": [1.0, 0.0], "values": [0.1, 0.2]}"#,
        r#"{"method": "isotonic", "thresholds": [0.0, 1.0], "values": [0.3, 0.2]}"#,
        r#"{"method": "isotonic", "thresholds": [0.0, 1.0], "values": [0.3, 1.2]}"#,
        r#"{"method": "platt", "a": 1.0}"#,
        r#"{"method": "platt", "a": 1.0, "b": 0.0, "c": 0.0}"#,
        r#"{"method": "beta", "a": 1.0, "b": 0.0}"#,
    ] {
        assert!(serde_json::from_str::<Calibrator>(json).is_err(), "{json}");
    }
}

#[test]
fn calibrator_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Calibrator>();
}
