//! Logistic regression: parity with scikit-learn and the model's contracts.
//!
//! Expected values are recomputed at test time by `train/tests/reference/models_reference.py`
//! with the scikit-learn, SciPy and NumPy that `./dev test` installs (see
//! `support/reference.rs`). The script builds the same datasets with the same LCG (it prints
//! them, and the tests check that they are ours), applies the same preprocessing written with
//! numpy (clipping at `numpy.nanquantile(x, [q, 1 - q])`, `numpy.log1p` on count columns,
//! standardisation with the population standard deviation, mean imputation, one missing
//! indicator per feature with a NaN in training) and fits
//! `LogisticRegression(C = 1 / alpha, tol = 1e-12, max_iter = 100000)`. Three fits: alpha 1 and
//! 10 with the default transforms (`clip_quantile = 0.005`, `log_counts`), and alpha 1 with
//! neither (standardisation only).
//!
//! Objective mapping: scikit-learn (lbfgs, L2) minimises `½‖w‖² + C Σ log-loss` and our Newton
//! solver `Σ log-loss + alpha/2 ‖w‖²`, neither scales the penalty by the number of rows and neither
//! penalises the intercept, so `C = 1 / alpha` gives the same minimiser. Two values of alpha are
//! compared; with any other mapping (for example a penalty scaled by `n`) at least one would
//! fail.
//!
//! Tolerances: the clip bounds are numpy's linear interpolation, computed with the same
//! operations (`1e-12`, observed equal); the standardisation (means, standard deviations) is a
//! sum of floats in another order than NumPy's, of logarithms (`ln(1 + x)` against
//! `numpy.log1p`, a few ulps apart) for counts: `1e-12`. Coefficients, intercept and
//! probabilities: `1e-7`. Our solver (Newton) stops when every gradient component is below
//! `1e-9` per row (about `1e-7` in all over these few hundred rows), and the objective's
//! curvature is at least about `alpha ≥ 1` in every direction here, so the parameters lie
//! within about `1e-7` of the exact minimum that scikit-learn approaches with `tol = 1e-12`; the
//! sigmoid is ¼-Lipschitz. Observed: every value agrees to `1e-8`.

#[path = "support/reference.rs"]
mod reference;

use std::sync::Arc;

use appfraud_train::{ColumnMatrix, LogisticModel, LogisticParams, TrainError, train_logistic};
use reference::{bools, float, floats, get};
use serde_json::Value;

const STANDARDIZATION_TOLERANCE: f64 = 1e-12;
const SOLVER_TOLERANCE: f64 = 1e-7;
const CONTRIBUTION_TOLERANCE: f64 = 1e-9;

/// The script's output (run once for all tests of this file).
fn sklearn() -> Arc<Value> {
    reference::run("models_reference.py", &[])
}

/// Rows of `f32` values (NaN = missing) as the script printed them, at `key`.
fn rows_at(value: &Value, key: &str) -> Vec<[f32; 4]> {
    get(value, key)
        .as_array()
        .expect("a list of rows")
        .iter()
        .map(|row| {
            let values = reference::floats_of(row);
            std::array::from_fn(|j| values[j] as f32)
        })
        .collect()
}

/// Rows compared bit for bit (so that NaN equals NaN).
fn bits(rows: &[[f32; 4]]) -> Vec<[u32; 4]> {
    rows.iter().map(|row| row.map(f32::to_bits)).collect()
}

#[track_caller]
fn assert_all_close(actual: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            a == e || (a - e).abs() <= tolerance,
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

/// `logistic_dataset(seed, n)` of the Python script, as four feature columns and the labels.
///
/// f0: bell-shaped on [-3, 3], raises risk; f1: uniform on [0, 10), lowers risk, missing in
/// about 15% of rows (missing raises risk); f2: the constant 3; f3: an integer 0..4, noise.
fn logistic_dataset(seed: u64, n: usize) -> (Vec<Vec<f32>>, Vec<bool>) {
    let mut rng = Lcg(seed);
    let mut columns: Vec<Vec<f32>> = (0..4).map(|_| Vec::with_capacity(n)).collect();
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let f0 = (rng.unit() + rng.unit() + rng.unit() - 1.5) * 2.0;
        let f1 = 10.0 * rng.unit();
        let missing = rng.unit() < 0.15;
        let f3 = ((rng.next_u64() >> 33) % 5) as f64;
        let risk = if missing { f0 + 2.0 } else { f0 - 0.3 * f1 };
        let p = (0.5 + 0.15 * risk).clamp(0.02, 0.98);
        labels.push(rng.unit() < p);
        columns[0].push(f0 as f32);
        columns[1].push(if missing { f32::NAN } else { f1 as f32 });
        columns[2].push(3.0);
        columns[3].push(f3 as f32);
    }
    (columns, labels)
}

fn matrix(columns: &[Vec<f32>]) -> ColumnMatrix<'_> {
    ColumnMatrix::new(columns.iter().map(Vec::as_slice).collect()).expect("equal columns")
}

/// The model with default parameters but `alpha`.
fn train(alpha: f64) -> LogisticModel {
    train_with(LogisticParams::new().alpha(alpha))
}

fn train_with(params: LogisticParams) -> LogisticModel {
    let (columns, labels) = logistic_dataset(21, 400);
    let params = params.check().expect("valid");
    train_logistic(&params, &matrix(&columns), &labels).expect("trainable")
}

/// The parameters of one fit of the Python script.
fn params_of(fit: &Value) -> LogisticParams {
    LogisticParams::new()
        .alpha(float(fit, "alpha"))
        .clip_quantile(float(fit, "clip_quantile"))
        .log_counts(get(fit, "log_counts").as_bool().expect("a bool"))
}

/// The prediction rows of the Python script: the first six rows of `logistic_dataset(22, 6)`,
/// then f3 missing (no indicator), f1 missing (indicator), everything missing, then two rows
/// beyond every clip bound (f3 a count of 40, and a negative count).
fn test_rows() -> Vec<[f32; 4]> {
    let (columns, _) = logistic_dataset(22, 6);
    let mut rows: Vec<[f32; 4]> = (0..6)
        .map(|i| [columns[0][i], columns[1][i], columns[2][i], columns[3][i]])
        .collect();
    rows.push([0.5, 2.0, 3.0, f32::NAN]);
    rows.push([0.5, f32::NAN, 3.0, 1.0]);
    rows.push([f32::NAN; 4]);
    rows.push([10.0, 20.0, 3.0, 40.0]);
    rows.push([-10.0, -3.0, 3.0, -2.0]);
    rows
}

fn training_rows() -> Vec<[f32; 4]> {
    let (columns, _) = logistic_dataset(21, 400);
    (0..400)
        .map(|i| [columns[0][i], columns[1][i], columns[2][i], columns[3][i]])
        .collect()
}

/// The training rows and labels, and the prediction rows, are the script's.
#[test]
fn dataset_matches_the_python_script() {
    let sk = sklearn();
    let (_, labels) = logistic_dataset(21, 400);
    assert_eq!(
        bits(&training_rows()),
        bits(&rows_at(&sk, "logistic/train_rows"))
    );
    assert_eq!(labels, bools(&sk, "logistic/train_labels"));
    assert_eq!(
        bits(&test_rows()),
        bits(&rows_at(&sk, "logistic/test_rows"))
    );
}

/// Per fit of the script: `numpy.nanquantile(x, [q, 1 - q], axis=0)` (±inf when q = 0), the
/// count rule, `numpy.nanmean` and `numpy.nanstd` of the transformed values (ddof 0, a constant
/// column centred on its value with std 1), `isnan(X).any(axis=0)`. With the defaults f2 (the
/// constant 3) and f3 (integers 0..4) are counts, f0 (negative values) and f1 (fractions) are
/// not, and f2 is not clipped (equal quantiles).
#[test]
fn preprocessing_matches_numpy() {
    let sk = sklearn();
    let fits = get(&sk, "logistic/fits").as_array().expect("fits");
    assert_eq!(fits.len(), 3);
    for expected in fits {
        let model = train_with(params_of(expected));
        let features = model.features();
        let clip = |side: usize, none: f64| -> Vec<f64> {
            features
                .iter()
                .map(|f| f.clip.map_or(none, |bounds| bounds[side]))
                .collect()
        };
        assert_all_close(
            &clip(0, f64::NEG_INFINITY),
            &floats(expected, "clip_low"),
            STANDARDIZATION_TOLERANCE,
        );
        assert_all_close(
            &clip(1, f64::INFINITY),
            &floats(expected, "clip_high"),
            STANDARDIZATION_TOLERANCE,
        );
        let counts: Vec<bool> = features.iter().map(|f| f.log1p).collect();
        assert_eq!(counts, bools(expected, "is_count"));
        let means: Vec<f64> = features.iter().map(|f| f.mean).collect();
        let stds: Vec<f64> = features.iter().map(|f| f.std).collect();
        assert_all_close(&means, &floats(expected, "mean"), STANDARDIZATION_TOLERANCE);
        assert_all_close(&stds, &floats(expected, "std"), STANDARDIZATION_TOLERANCE);
        let indicators: Vec<bool> = features.iter().map(|f| f.has_indicator).collect();
        assert_eq!(indicators, bools(expected, "has_indicator"));
    }
    let defaults = train(1.0);
    let counts: Vec<bool> = defaults.features().iter().map(|f| f.log1p).collect();
    assert_eq!(counts, [false, false, true, true]);
    // f2 is constant: its two quantiles are equal, so it is not clipped.
    let clipped: Vec<bool> = defaults
        .features()
        .iter()
        .map(|f| f.clip.is_some())
        .collect();
    assert_eq!(clipped, [true, true, false, true]);
}

/// `LogisticRegression(C=1/alpha).coef_` (the four features, then the indicator of f1),
/// `.intercept_` and `.predict_proba(test)[:, 1]` on the preprocessed design matrix, for each
/// fit of the script (alpha 1 and 10 with the default transforms, alpha 1 without them).
#[test]
fn coefficients_and_probabilities_match_sklearn() {
    let sk = sklearn();
    let fits = get(&sk, "logistic/fits").as_array().expect("fits");
    assert_eq!(fits.len(), 3);
    for expected in fits {
        let model = train_with(params_of(expected));
        let coef = floats(expected, "coef");
        assert_all_close(model.coefficients(), &coef[..4], SOLVER_TOLERANCE);
        assert_all_close(model.indicator_coefficients(), &coef[4..], SOLVER_TOLERANCE);
        assert_all_close(
            &[model.intercept()],
            &[float(expected, "intercept")],
            SOLVER_TOLERANCE,
        );
        let probabilities: Vec<f64> = test_rows()
            .iter()
            .map(|row| model.predict_proba(row).expect("valid row"))
            .collect();
        assert_all_close(
            &probabilities,
            &floats(expected, "predict_proba"),
            SOLVER_TOLERANCE,
        );
    }
}

#[test]
fn constant_feature_gets_a_zero_coefficient() {
    // f2 is 3 on every row: centred to 0, so L2 leaves its coefficient at exactly 0.
    assert_eq!(train(1.0).coefficients()[2], 0.0);
}

#[test]
fn contributions_sum_to_the_margin() {
    let model = train(1.0);
    for row in training_rows().iter().chain(&test_rows()) {
        let contributions = model.contributions(row).expect("valid row");
        assert_eq!(contributions.len(), 4);
        let margin = model.predict_margin(row).expect("valid row");
        let sum = model.intercept() + contributions.iter().sum::<f64>();
        assert!(
            (sum - margin).abs() <= CONTRIBUTION_TOLERANCE,
            "{row:?}: {sum} vs {margin}"
        );
    }
}

#[test]
fn batch_predictions_equal_row_predictions_bitwise() {
    let model = train(1.0);
    let rows = test_rows();
    let columns: Vec<Vec<f32>> = (0..4)
        .map(|j| rows.iter().map(|r| r[j]).collect())
        .collect();
    let x = matrix(&columns);
    let margins = model.predict_margins(&x).expect("valid matrix");
    let probabilities = model.predict_probas(&x).expect("valid matrix");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(margins[i], model.predict_margin(row).expect("valid row"));
        assert_eq!(
            probabilities[i],
            model.predict_proba(row).expect("valid row")
        );
    }
}

#[test]
fn missing_values_are_mean_imputed_or_use_their_indicator() {
    let model = train(1.0);
    let indicator = model.indicator_coefficients()[0];

    // f3 was never missing in training: no indicator, a NaN contributes nothing (mean value).
    let contributions = model
        .contributions(&[0.5, 2.0, 3.0, f32::NAN])
        .expect("valid row");
    assert_eq!(contributions[3], 0.0);

    // f1 was missing in training: a NaN contributes exactly the indicator's coefficient.
    let contributions = model
        .contributions(&[0.5, f32::NAN, 3.0, 1.0])
        .expect("valid row");
    assert_eq!(contributions[1], indicator);

    // Everything missing: the intercept plus the one indicator.
    let margin = model.predict_margin(&[f32::NAN; 4]).expect("valid row");
    assert_eq!(margin, model.intercept() + indicator);
}

#[test]
fn indicators_only_for_features_missing_in_training() {
    let (mut columns, labels) = logistic_dataset(21, 400);
    for value in &mut columns[1] {
        if value.is_nan() {
            *value = 5.0;
        }
    }
    let params = LogisticParams::new().check().expect("valid");
    let model = train_logistic(&params, &matrix(&columns), &labels).expect("trainable");
    assert!(model.features().iter().all(|f| !f.has_indicator));
    assert!(model.indicator_coefficients().is_empty());
    // A NaN at prediction time is still accepted: mean imputation.
    let contributions = model
        .contributions(&[0.5, f32::NAN, 3.0, 1.0])
        .expect("valid row");
    assert_eq!(contributions[1], 0.0);
}

#[test]
fn fraud_is_the_positive_class_whatever_the_majority() {
    // 156 of 400 rows are fraud (the minority); flipping the labels must flip every
    // parameter.
    let (columns, labels) = logistic_dataset(21, 400);
    let flipped: Vec<bool> = labels.iter().map(|label| !label).collect();
    let params = LogisticParams::new().check().expect("valid");
    let model = train_logistic(&params, &matrix(&columns), &labels).expect("trainable");
    let mirror = train_logistic(&params, &matrix(&columns), &flipped).expect("trainable");
    for (a, b) in model.coefficients().iter().zip(mirror.coefficients()) {
        assert!((a + b).abs() <= SOLVER_TOLERANCE, "{a} vs {b}");
    }
    assert!((model.intercept() + mirror.intercept()).abs() <= SOLVER_TOLERANCE);
    assert!(model.coefficients()[0] > 0.0, "f0 raises the risk of fraud");
}

#[test]
fn bad_training_input_is_refused_before_fitting() {
    let params = LogisticParams::new().check().expect("valid");
    let (mut columns, labels) = logistic_dataset(21, 20);

    assert!(matches!(
        train_logistic(&params, &matrix(&columns), &labels[..19]),
        Err(TrainError::LengthMismatch {
            expected: 19,
            found: 20,
            ..
        })
    ));
    let empty: Vec<Vec<f32>> = vec![Vec::new(); 4];
    assert!(matches!(
        train_logistic(&params, &matrix(&empty), &[]),
        Err(TrainError::EmptyInput { .. })
    ));
    assert!(matches!(
        train_logistic(&params, &matrix(&columns), &[true; 20]),
        Err(TrainError::SingleClass {
            positives: 20,
            negatives: 0,
            ..
        })
    ));
    assert!(matches!(
        train_logistic(&params, &matrix(&columns), &[false; 20]),
        Err(TrainError::SingleClass {
            positives: 0,
            negatives: 20,
            ..
        })
    ));
    columns[3][7] = f32::NEG_INFINITY;
    assert_eq!(
        train_logistic(&params, &matrix(&columns), &labels),
        Err(TrainError::NonFiniteFeature {
            what: "training features",
            feature: 3,
            row: 7,
            value: f32::NEG_INFINITY
        })
    );
}

#[test]
fn bad_prediction_input_is_refused() {
    let model = train(1.0);
    assert_eq!(
        model.predict_margin(&[0.0; 3]),
        Err(TrainError::FeatureCountMismatch {
            what: "row",
            expected: 4,
            found: 3
        })
    );
    assert_eq!(
        model.contributions(&[0.0, f32::INFINITY, 0.0, 0.0]),
        Err(TrainError::NonFiniteFeature {
            what: "row",
            feature: 1,
            row: 0,
            value: f32::INFINITY
        })
    );
    let columns = vec![
        vec![0.0f32, 1.0],
        vec![2.0, f32::INFINITY],
        vec![0.0; 2],
        vec![0.0; 2],
    ];
    assert!(matches!(
        model.predict_probas(&matrix(&columns)),
        Err(TrainError::NonFiniteFeature {
            what: "feature matrix",
            feature: 1,
            row: 1,
            ..
        })
    ));
    assert!(matches!(
        model.predict_margins(&matrix(&columns[..2])),
        Err(TrainError::FeatureCountMismatch {
            expected: 4,
            found: 2,
            ..
        })
    ));
}

#[test]
fn model_round_trips_through_json_and_inconsistent_files_are_refused() {
    let model = train(1.0);
    let json = serde_json::to_string(&model).expect("serialisable");
    let back: LogisticModel = serde_json::from_str(&json).expect("valid model");
    assert_eq!(back, model);

    let mut value: serde_json::Value = serde_json::from_str(&json).expect("json");
    value["indicator_coefficients"] = serde_json::json!([]);
    assert!(serde_json::from_value::<LogisticModel>(value.clone()).is_err());
    value["indicator_coefficients"] = serde_json::json!([1.0]);
    value["features"][0]["std"] = serde_json::json!(0.0);
    assert!(serde_json::from_value::<LogisticModel>(value.clone()).is_err());
    value["features"][0]["std"] = serde_json::json!(1.0);
    value["unexpected"] = serde_json::json!(1);
    assert!(serde_json::from_value::<LogisticModel>(value).is_err());
}

/// A `model.json` written before clipping and counts existed (its features without `clip` and
/// `log1p`) reads as standardisation only: the margin is `intercept + Σ coefficient_j ·
/// (x_j − mean_j) / std_j` (+ indicators), recomputed here from the file's numbers, to 1e-12.
#[test]
fn a_model_file_without_clip_and_log1p_predicts_by_standardisation_only() {
    let model = train(1.0);
    let mut value = serde_json::to_value(&model).expect("serialisable");
    for feature in value["features"].as_array_mut().expect("features") {
        let feature = feature.as_object_mut().expect("an object");
        assert!(feature.remove("clip").is_some());
        assert!(feature.remove("log1p").is_some());
    }
    let old: LogisticModel = serde_json::from_value(value).expect("the old layout reads");
    assert!(old.features().iter().all(|f| f.clip.is_none() && !f.log1p));
    for row in test_rows() {
        let mut expected = old.intercept();
        let mut indicators = old.indicator_coefficients().iter();
        for (j, f) in old.features().iter().enumerate() {
            let indicator = if f.has_indicator {
                indicators.next()
            } else {
                None
            };
            if row[j].is_nan() {
                expected += indicator.copied().unwrap_or(0.0);
            } else {
                expected += old.coefficients()[j] * ((f64::from(row[j]) - f.mean) / f.std);
            }
        }
        let margin = old.predict_margin(&row).expect("valid row");
        assert!(
            (margin - expected).abs() <= 1e-12,
            "{row:?}: {margin} vs {expected}"
        );
    }
    // Rows beyond the bounds score differently with and without the transforms.
    let beyond = [10.0, 20.0, 3.0, 40.0];
    assert_ne!(
        old.predict_margin(&beyond).expect("valid row"),
        model.predict_margin(&beyond).expect("valid row")
    );

    let mut value = serde_json::to_value(&model).expect("serialisable");
    value["features"][0]["clip"] = serde_json::json!([2.0, 1.0]);
    assert!(serde_json::from_value::<LogisticModel>(value).is_err());
}

#[test]
fn unpenalised_fit_is_allowed() {
    let (columns, labels) = logistic_dataset(21, 400);
    let params = LogisticParams::new().alpha(0.0).check().expect("valid");
    let model = train_logistic(&params, &matrix(&columns), &labels).expect("trainable");
    // Less shrinkage than alpha = 1.
    assert!(model.coefficients()[0] > train(1.0).coefficients()[0]);
}

#[test]
fn model_and_params_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<LogisticModel>();
    assert_send_sync::<LogisticParams>();
    assert_send_sync::<appfraud_train::ValidLogisticParams>();
}
