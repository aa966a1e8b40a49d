//! Calibration: parity with scikit-learn and the calibrators' contracts.
//!
//! Reference values were computed with **scikit-learn 1.9.1** (NumPy 2.4.6, SciPy 1.17.1,
//! Python 3.11.7) by `train/tests/reference/models_reference.py`, on datasets built with the same
//! LCG:
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

use appfraud_train::{Calibrator, TrainError, fit_isotonic, fit_platt};

const PLATT_TOLERANCE: f64 = 1e-6;
const ISOTONIC_TOLERANCE: f64 = 1e-9;

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

/// `_sigmoid_calibration(margins, labels)` on `platt_dataset(31, 300, 4.0)` (124 positives):
/// `(-A, -B)`.
#[test]
fn platt_matches_sklearn() {
    let (margins, labels) = platt_dataset(31, 300, 4.0);
    assert_eq!(labels.iter().filter(|&&label| label).count(), 124);
    let (a, b) = platt_parameters(&fit_platt(&margins, &labels).expect("valid input"));
    assert_all_close(
        &[a, b],
        &[0.6480930607733459, -0.552291364158738],
        PLATT_TOLERANCE,
    );
}

/// Margins up to ±60, where scikit-learn divides them by their largest absolute value before
/// optimising (`max_abs_prediction_threshold = 30`) and scales `A` back: the same minimum.
/// `platt_dataset(32, 300, 60.0)` (112 positives).
#[test]
fn platt_with_large_margins_matches_sklearn() {
    let (margins, labels) = platt_dataset(32, 300, 60.0);
    assert_eq!(labels.iter().filter(|&&label| label).count(), 112);
    let (a, b) = platt_parameters(&fit_platt(&margins, &labels).expect("valid input"));
    assert_all_close(
        &[a, b],
        &[0.028885873132934562, -0.6757353556758228],
        PLATT_TOLERANCE,
    );
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

const GRID_THRESHOLDS: [f64; 18] = [
    0.0, 0.025, 0.05, 0.15, 0.175, 0.325, 0.35, 0.375, 0.4, 0.5, 0.525, 0.75, 0.775, 0.8, 0.825,
    0.925, 0.95, 1.0,
];
const GRID_VALUES: [f64; 18] = [
    0.0,
    0.0,
    0.045454545454545456,
    0.045454545454545456,
    0.05555555555555555,
    0.05555555555555555,
    0.08333333333333333,
    0.08333333333333333,
    0.17647058823529413,
    0.17647058823529413,
    0.23404255319148937,
    0.23404255319148937,
    0.3333333333333333,
    0.3333333333333333,
    0.4230769230769231,
    0.4230769230769231,
    0.6875,
    0.6875,
];
const GRID_PREDICTIONS: [f64; 85] = [
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.02272727272727272,
    0.045454545454545456,
    0.045454545454545456,
    0.045454545454545456,
    0.045454545454545456,
    0.045454545454545456,
    0.045454545454545456,
    0.045454545454545456,
    0.045454545454545456,
    0.045454545454545456,
    0.05050505050505051,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.05555555555555555,
    0.06944444444444448,
    0.08333333333333333,
    0.08333333333333333,
    0.08333333333333333,
    0.12990196078431374,
    0.17647058823529413,
    0.17647058823529413,
    0.17647058823529413,
    0.17647058823529413,
    0.17647058823529413,
    0.17647058823529413,
    0.17647058823529413,
    0.17647058823529413,
    0.17647058823529413,
    0.20525657071339162,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.23404255319148937,
    0.2836879432624111,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3782051282051282,
    0.4230769230769231,
    0.4230769230769231,
    0.4230769230769231,
    0.4230769230769231,
    0.4230769230769231,
    0.4230769230769231,
    0.4230769230769231,
    0.4230769230769231,
    0.4230769230769231,
    0.5552884615384616,
    0.6875,
    0.6875,
    0.6875,
    0.6875,
    0.6875,
    0.6875,
    0.6875,
];
const CONTINUOUS_THRESHOLDS: [f64; 16] = [
    0.005096615935361926,
    0.07872010734540158,
    0.08519667900529126,
    0.21426299820738515,
    0.2186700078709487,
    0.3604490748028599,
    0.36920090658001026,
    0.5558135669039092,
    0.5592482350240456,
    0.672378580411231,
    0.6836847194843599,
    0.7627645901286341,
    0.7658155635450599,
    0.8557594790214305,
    0.858618341974748,
    0.9985339140921871,
];
const CONTINUOUS_VALUES: [f64; 16] = [
    0.0,
    0.0,
    0.1875,
    0.1875,
    0.3333333333333333,
    0.3333333333333333,
    0.40476190476190477,
    0.40476190476190477,
    0.7333333333333333,
    0.7333333333333333,
    0.7727272727272727,
    0.7727272727272727,
    0.8666666666666667,
    0.8666666666666667,
    1.0,
    1.0,
];
const CONTINUOUS_PREDICTIONS: [f64; 85] = [
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.1875,
    0.1875,
    0.1875,
    0.1875,
    0.1875,
    0.1875,
    0.1875,
    0.1875,
    0.1875,
    0.1875,
    0.1875,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3333333333333333,
    0.3500720756525185,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.40476190476190477,
    0.7333333333333333,
    0.7333333333333333,
    0.7333333333333333,
    0.7333333333333333,
    0.7333333333333333,
    0.7333333333333333,
    0.7333333333333333,
    0.7333333333333333,
    0.7333333333333333,
    0.7424671361052706,
    0.7727272727272727,
    0.7727272727272727,
    0.7727272727272727,
    0.7727272727272727,
    0.7727272727272727,
    0.7727272727272727,
    0.7727272727272727,
    0.8666666666666667,
    0.8666666666666667,
    0.8666666666666667,
    0.8666666666666667,
    0.8666666666666667,
    0.8666666666666667,
    0.8666666666666667,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
];

/// `IsotonicRegression(out_of_bounds="clip").fit(scores, labels)` on `scored_dataset(7)`
/// (ties on a grid): `X_thresholds_`, `y_thresholds_`, `predict(k / 80 for k in -2..=82)`.
#[test]
fn isotonic_with_ties_matches_sklearn() {
    let (scores, labels) = scored_dataset(7);
    let calibrator = fit_isotonic(&scores, &labels).expect("valid input");
    let (thresholds, values) = isotonic_knots(&calibrator);
    assert_all_close(thresholds, &GRID_THRESHOLDS, ISOTONIC_TOLERANCE);
    assert_all_close(values, &GRID_VALUES, ISOTONIC_TOLERANCE);
    assert_all_close(
        &predict_queries(&calibrator),
        &GRID_PREDICTIONS,
        ISOTONIC_TOLERANCE,
    );
}

/// The same on `probability_dataset(11)` (continuous scores).
#[test]
fn isotonic_continuous_matches_sklearn() {
    let (scores, labels) = probability_dataset(11);
    let calibrator = fit_isotonic(&scores, &labels).expect("valid input");
    let (thresholds, values) = isotonic_knots(&calibrator);
    assert_all_close(thresholds, &CONTINUOUS_THRESHOLDS, ISOTONIC_TOLERANCE);
    assert_all_close(values, &CONTINUOUS_VALUES, ISOTONIC_TOLERANCE);
    assert_all_close(
        &predict_queries(&calibrator),
        &CONTINUOUS_PREDICTIONS,
        ISOTONIC_TOLERANCE,
    );
}

fn predict_queries(calibrator: &Calibrator) -> Vec<f64> {
    (-2..=82)
        .map(|k| calibrator.apply(f64::from(k) / 80.0))
        .collect()
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
