//! L2-regularised logistic regression, the transparent baseline: preprocessing learned on the
//! training rows (clipping at training quantiles, `ln(1 + x)` on counts, standardisation, mean
//! imputation, missing indicators), the fit by Newton's method (the crate's `newton.rs`), and
//! the fitted [`LogisticModel`], which predicts and explains margins. The API takes plain
//! slices.

use serde::{Deserialize, Serialize};

use appfraud_core::declare_params;

use crate::matrix::{check_finite_or_missing, check_row, check_training_inputs};
use crate::newton::{Design, Penalty, fit_newton};
use crate::{ColumnMatrix, TrainError};

declare_params! {
    /// Hyperparameters of [`train_logistic`]: build with the setters (or deserialise from a
    /// config file; unknown keys are refused, missing keys take their defaults), then
    /// [`check`](Self::check).
    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields, default)]
    params LogisticParams;
    /// Validated [`LogisticParams`], the only form [`train_logistic`] accepts.
    #[derive(Serialize)]
    valid ValidLogisticParams;
    /// L2 penalty strength on the coefficients of the standardised features and of the
    /// missing indicators (not on the intercept); scikit-learn's `C` is `1 / alpha`.
    alpha: f64 = 1.0,
        valid "a finite number ≥ 0" if |v| v.is_finite() && *v >= 0.0;
    /// Most Newton steps (it usually needs about ten).
    max_iterations: u64 = 100,
        valid "an integer ≥ 1" if |v| *v >= 1;
    /// The fit stops when the largest component of the objective's gradient, divided by the
    /// number of rows, falls below this.
    gradient_tolerance: f64 = 1e-9,
        valid "a finite number > 0" if |v| v.is_finite() && *v > 0.0;
    /// Each feature is clipped to its training quantiles at this level and at 1 minus it
    /// (linear interpolation, as numpy.quantile), unless they are equal; 0 = no clipping.
    clip_quantile: f64 = 0.005,
        valid "a number in [0, 0.5)" if |v| (0.0..0.5).contains(v);
    /// Replace each count feature (every training value a non-negative integer, the largest
    /// above 1) by ln(1 + value) after clipping; false = every feature stays linear.
    log_counts: bool = true,
        valid "true or false" if |_v| true;
}

/// How one feature is transformed, standardised and imputed (see [`LogisticModel`]).
///
/// A file written without `clip` and `log1p` (before they existed) reads as "not clipped, not
/// a count": the feature is only standardised, as it then was.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureStandardization {
    /// `[low, high]`: a present value is first clipped to this interval (`low ≤ high`, both
    /// finite), the training quantiles at `clip_quantile` and `1 − clip_quantile` of the
    /// non-missing values; `None` = not clipped (`clip_quantile = 0`, or the two quantiles
    /// were equal).
    #[serde(default)]
    pub clip: Option<[f64; 2]>,
    /// Whether the feature is a count: after clipping, its value `c` becomes
    /// `ln(1 + max(c, 0))`.
    #[serde(default)]
    pub log1p: bool,
    /// Mean of the transformed (clipped, then logged for a count) non-missing training values:
    /// their common value if they are all equal, 0 if there were none.
    pub mean: f64,
    /// Divisor: the population standard deviation of the transformed non-missing training
    /// values, or 1 when that was 0 (constant or all-missing feature). Always finite and > 0.
    pub std: f64,
    /// Whether the feature had a `NaN` in training and therefore has a missing indicator.
    pub has_indicator: bool,
}

/// `numpy.quantile(sorted, q)` with its default `method="linear"`, bit for bit: with
/// `h = (n − 1) · q`, `i = ⌊h⌋` and `t = h − i`, the value `v[n − 1]` if `h ≥ n − 1`, else
/// `v[i] + (v[i+1] − v[i]) · t` when `t < 0.5` and `v[i+1] − (v[i+1] − v[i]) · (1 − t)`
/// otherwise (numpy's `_lerp`). `sorted` is ascending and not empty, `q ∈ [0, 1]`.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len() - 1;
    let h = last as f64 * q;
    if h >= last as f64 {
        return sorted[last];
    }
    let i = h.floor();
    let t = h - i;
    let (a, b) = (sorted[i as usize], sorted[i as usize + 1]);
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

impl FeatureStandardization {
    /// Learns the transform and standardisation of one training column (no infinite values):
    /// clip bounds at `clip_quantile` (none if 0), the count rule if `log_counts`, then the
    /// mean and standard deviation of the transformed values.
    fn fit(column: &[f32], clip_quantile: f64, log_counts: bool) -> Self {
        let mut sorted: Vec<f64> = column
            .iter()
            .filter(|x| !x.is_nan())
            .map(|&x| f64::from(x))
            .collect();
        let has_indicator = sorted.len() < column.len();
        let mut fitted = Self {
            clip: None,
            log1p: false,
            mean: 0.0,
            std: 1.0,
            has_indicator,
        };
        if sorted.is_empty() {
            return fitted;
        }
        sorted.sort_by(f64::total_cmp);
        if clip_quantile > 0.0 {
            let low = quantile(&sorted, clip_quantile);
            let high = quantile(&sorted, 1.0 - clip_quantile);
            if low < high {
                fitted.clip = Some([low, high]);
            }
        }
        fitted.log1p = log_counts
            && sorted[sorted.len() - 1] > 1.0
            && sorted.iter().all(|&x| x >= 0.0 && x.fract() == 0.0);

        // The transform is non-decreasing: the transformed column is constant exactly when its
        // ends are equal, and then it is centred on that value exactly (not on a rounded mean).
        let (first, last) = (
            fitted.transformed(sorted[0]),
            fitted.transformed(sorted[sorted.len() - 1]),
        );
        if first == last {
            fitted.mean = first;
            return fitted;
        }
        let count = sorted.len() as f64;
        let present = || column.iter().filter(|x| !x.is_nan());
        let mean = present().map(|&x| fitted.transform(x)).sum::<f64>() / count;
        let squares: f64 = present()
            .map(|&x| (fitted.transform(x) - mean).powi(2))
            .sum();
        let std = (squares / count).sqrt();
        fitted.mean = mean;
        fitted.std = if std > 0.0 { std } else { 1.0 };
        fitted
    }

    /// The transformed value of a present `x`, before standardisation: `x` clipped to
    /// [`clip`](Self::clip) if set, then `ln(1 + max(c, 0))` for a count
    /// ([`log1p`](Self::log1p)). `NaN` stays `NaN`.
    pub fn transform(&self, x: f32) -> f64 {
        self.transformed(f64::from(x))
    }

    /// [`transform`](Self::transform) of a value already in `f64`.
    fn transformed(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        let mut c = x;
        if let Some([low, high]) = self.clip {
            c = c.max(low).min(high);
        }
        if self.log1p {
            c = (1.0 + c.max(0.0)).ln();
        }
        c
    }

    /// The standardised value: `(transform(x) - mean) / std`, or 0 for a missing `x`.
    pub fn standardize(&self, x: f32) -> f64 {
        if x.is_nan() {
            0.0
        } else {
            (self.transform(x) - self.mean) / self.std
        }
    }
}

/// A fitted logistic regression: the preprocessing and the linear model on top of it. Plain
/// data: it serialises with serde, and deserialising checks that it is consistent.
///
/// For a row `x` of `p` features the margin (log-odds of fraud) is, in `f64`,
///
/// ```text
/// c_j    = min(max(x_j, low_j), high_j)   if feature j is clipped, else x_j
/// t_j    = ln(1 + max(c_j, 0))            if feature j is a count, else c_j
/// z_j    = 0                              if x_j is NaN
///          (t_j - mean_j) / std_j         otherwise
/// m_j    = 1 if x_j is NaN else 0         (only for features with an indicator)
/// margin = intercept + Σ_j coefficient_j · z_j
///                    + Σ_{j with indicator} indicator_coefficient_j · m_j
/// p      = sigmoid(margin)
/// ```
///
/// The preprocessing ([`FeatureStandardization`], one per feature) is learned on the training
/// rows only, from the non-missing values of each feature:
///
/// - **Clipping** (`clip_quantile = q > 0`): `low_j` and `high_j` are the training quantiles at
///   `q` and `1 − q`, defined as numpy's default `numpy.quantile(values, q)` (linear
///   interpolation between order statistics: with the `n` values sorted, `h = (n − 1) · q`, the
///   value at `h` interpolated between positions `⌊h⌋` and `⌊h⌋ + 1`). A heavy tail then moves
///   the fit no further than `high_j`, and a value beyond the training range at prediction time
///   scores as the bound. `q = 0` clips nothing. A feature whose two quantiles are equal is not
///   clipped: clipping would make it constant, and a rare flag or a rare non-zero count (a link
///   to known fraud on fewer than `q` of the rows) is exactly the signal to keep.
/// - **Counts** (`log_counts`): a feature whose training values are all non-negative integers,
///   the largest above 1, is a count, and its clipped value `c` becomes `ln(1 + c)`. Flags
///   (0/1) and every other feature stay linear. A clipped count is never below its lower bound,
///   a training value, so ≥ 0; without clipping a negative value at prediction time counts as 0.
/// - `mean_j` and `std_j` are the mean and the population standard deviation (divisor `n`, as
///   scikit-learn's `StandardScaler`) of the transformed training values `t_j`. A feature whose
///   transformed training values are all equal (or all missing) gets that value as `mean_j`
///   and `std_j = 1`: it is kept, only centred, and L2 gives it a zero coefficient since it is
///   zero on every training row.
///   A feature missing on every training row gets `mean_j = 0`, no clipping and no log.
/// - A missing value is imputed with the training mean, which is `z_j = 0` after
///   standardising.
/// - A feature that had at least one `NaN` in training also gets a missing indicator `m_j`
///   (0/1, not standardised), so the model can learn that missingness itself carries risk. A
///   feature that was never missing in training gets no indicator: a `NaN` in it at prediction
///   time is mean-imputed and contributes exactly 0 to the margin.
/// - Infinite values are refused, in training and in prediction.
///
/// In ONNX the whole model is computed in float64 with `Cast`, `Max`, `Min`, `Add`, `Log`,
/// `Where`, `IsNaN`, `Sub`, `Div` and `MatMul`:
/// `C = Min(Max(X, low), high)` (`low = −∞`, `high = +∞` for a feature not clipped),
/// `T = Where(count, Log(Add(Max(C, 0), 1)), C)`,
/// `Z = Where(IsNaN(X), 0, Div(Sub(T, mean), std))`,
/// `margin = Add(Add(MatMul(Z, coefficients), MatMul(Cast(IsNaN(X)), v)), intercept)`, where `v`
/// holds `indicator_coefficient_j` for features with an indicator and 0 elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LogisticModelData")]
pub struct LogisticModel {
    features: Vec<FeatureStandardization>,
    coefficients: Vec<f64>,
    indicator_coefficients: Vec<f64>,
    intercept: f64,
}

/// The serialised form of [`LogisticModel`], checked before it becomes one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogisticModelData {
    features: Vec<FeatureStandardization>,
    coefficients: Vec<f64>,
    indicator_coefficients: Vec<f64>,
    intercept: f64,
}

impl TryFrom<LogisticModelData> for LogisticModel {
    type Error = TrainError;

    fn try_from(data: LogisticModelData) -> Result<Self, TrainError> {
        let invalid = |reason: String| TrainError::InvalidModel {
            model: "logistic model",
            reason,
        };
        if data.features.is_empty() {
            return Err(invalid("it has no features".to_owned()));
        }
        if data.coefficients.len() != data.features.len() {
            return Err(invalid(format!(
                "{} coefficients for {} features",
                data.coefficients.len(),
                data.features.len()
            )));
        }
        let indicators = data.features.iter().filter(|f| f.has_indicator).count();
        if data.indicator_coefficients.len() != indicators {
            return Err(invalid(format!(
                "{} indicator coefficients for {indicators} features with an indicator",
                data.indicator_coefficients.len()
            )));
        }
        if let Some((j, _)) = data
            .features
            .iter()
            .enumerate()
            .find(|(_, f)| !f.mean.is_finite() || !f.std.is_finite() || f.std <= 0.0)
        {
            return Err(invalid(format!(
                "feature {j} needs a finite mean and a finite std > 0"
            )));
        }
        if let Some((j, _)) = data.features.iter().enumerate().find(|(_, f)| {
            f.clip
                .is_some_and(|[low, high]| !(low.is_finite() && high.is_finite() && low <= high))
        }) {
            return Err(invalid(format!(
                "feature {j} needs finite clip bounds with low <= high"
            )));
        }
        if data
            .coefficients
            .iter()
            .chain(&data.indicator_coefficients)
            .chain([&data.intercept])
            .any(|w| !w.is_finite())
        {
            return Err(invalid(
                "a coefficient or the intercept is not finite".to_owned(),
            ));
        }
        Ok(Self {
            features: data.features,
            coefficients: data.coefficients,
            indicator_coefficients: data.indicator_coefficients,
            intercept: data.intercept,
        })
    }
}

/// `1 / (1 + e^-margin)`, without overflow for large negative margins.
pub(crate) fn sigmoid(margin: f64) -> f64 {
    if margin >= 0.0 {
        1.0 / (1.0 + (-margin).exp())
    } else {
        let e = margin.exp();
        e / (1.0 + e)
    }
}

impl LogisticModel {
    /// Number of (original) features the model takes.
    pub fn n_features(&self) -> usize {
        self.features.len()
    }

    /// Transform, standardisation and imputation of each feature, in feature order.
    pub fn features(&self) -> &[FeatureStandardization] {
        &self.features
    }

    /// Coefficient of each standardised feature, in feature order.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// Coefficient of each missing indicator, in the order of the features that have one.
    pub fn indicator_coefficients(&self) -> &[f64] {
        &self.indicator_coefficients
    }

    /// The intercept (margin of a row at the training means, with no indicator set).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Each feature's term of the margin for value `x`, in feature order: `coefficient_j · z_j`,
    /// or `indicator_coefficient_j` for a missing value of a feature with an indicator (0 for
    /// a missing value of a feature without one). Calls `add(j, term)` for every feature.
    fn for_each_term(&self, mut value: impl FnMut(usize) -> f32, mut add: impl FnMut(usize, f64)) {
        let mut indicators = self.indicator_coefficients.iter();
        for (j, (feature, &coefficient)) in self.features.iter().zip(&self.coefficients).enumerate()
        {
            let indicator = if feature.has_indicator {
                indicators.next().copied()
            } else {
                None
            };
            let x = value(j);
            let term = match (x.is_nan(), indicator) {
                (true, Some(indicator_coefficient)) => indicator_coefficient,
                (true, None) => 0.0,
                (false, _) => coefficient * feature.standardize(x),
            };
            add(j, term);
        }
    }

    /// The margin (log-odds of fraud) of one row of features (`NaN` = missing).
    ///
    /// It equals `intercept()` plus the sum of [`contributions`](Self::contributions), added in
    /// feature order.
    ///
    /// # Errors
    ///
    /// [`TrainError::FeatureCountMismatch`] if `row.len() != n_features()`,
    /// [`TrainError::NonFiniteFeature`] (`what: "row"`, `row: 0`) for an infinite value.
    pub fn predict_margin(&self, row: &[f32]) -> Result<f64, TrainError> {
        check_row(row, self.n_features())?;
        let mut margin = self.intercept;
        self.for_each_term(|j| row[j], |_, term| margin += term);
        Ok(margin)
    }

    /// The probability of fraud of one row: `sigmoid(predict_margin(row))`.
    ///
    /// # Errors
    ///
    /// As [`predict_margin`](Self::predict_margin).
    pub fn predict_proba(&self, row: &[f32]) -> Result<f64, TrainError> {
        self.predict_margin(row).map(sigmoid)
    }

    /// The margin of every row of `x`; bit-identical to [`predict_margin`](Self::predict_margin)
    /// row by row.
    ///
    /// # Errors
    ///
    /// [`TrainError::FeatureCountMismatch`] if `x` has another number of features,
    /// [`TrainError::NonFiniteFeature`] for the first infinite value (column by column).
    pub fn predict_margins(&self, x: &ColumnMatrix) -> Result<Vec<f64>, TrainError> {
        if x.n_features() != self.n_features() {
            return Err(TrainError::FeatureCountMismatch {
                what: "feature matrix",
                expected: self.n_features(),
                found: x.n_features(),
            });
        }
        check_finite_or_missing("feature matrix", x)?;
        let mut margins = vec![self.intercept; x.n_rows()];
        for (i, margin) in margins.iter_mut().enumerate() {
            self.for_each_term(|j| x.column(j)[i], |_, term| *margin += term);
        }
        Ok(margins)
    }

    /// The probability of fraud of every row of `x`.
    ///
    /// # Errors
    ///
    /// As [`predict_margins`](Self::predict_margins).
    pub fn predict_probas(&self, x: &ColumnMatrix) -> Result<Vec<f64>, TrainError> {
        let mut margins = self.predict_margins(x)?;
        for m in &mut margins {
            *m = sigmoid(*m);
        }
        Ok(margins)
    }

    /// Each original feature's contribution to the margin of `row`, in feature order:
    /// `coefficient_j · z_j` for a present value, the indicator's coefficient for a missing
    /// value of a feature with an indicator, 0 for a missing value of a feature without one.
    /// `intercept() + Σ contributions = predict_margin(row)` (up to the order of the
    /// additions).
    ///
    /// # Errors
    ///
    /// As [`predict_margin`](Self::predict_margin).
    pub fn contributions(&self, row: &[f32]) -> Result<Vec<f64>, TrainError> {
        check_row(row, self.n_features())?;
        let mut contributions = vec![0.0; self.n_features()];
        self.for_each_term(|j| row[j], |j, term| contributions[j] = term);
        Ok(contributions)
    }
}

/// Fits the preprocessing and an L2 logistic regression on `x` (column-major, `NaN` =
/// missing) and `y` (`true` = fraud). [`LogisticModel`] describes the model and its
/// preprocessing (clip bounds at `params.clip_quantile()`, `ln(1 + x)` on counts if
/// `params.log_counts()`, standardisation, missing indicators), all learned on `x` alone.
///
/// The coefficients minimise, over the preprocessed design matrix `[Z | M]` (transformed and
/// standardised features, then the missing indicators) and labels `y ∈ {0, 1}`,
///
/// ```text
/// Σ_i log-loss(y_i, margin_i) + alpha / 2 · (‖coefficients‖² + ‖indicator_coefficients‖²)
/// ```
///
/// with the intercept not penalised, by Newton's method (a Cholesky solve of the Hessian per
/// step, with a backtracking line search). The penalty is not divided by the number of rows,
/// so this is the minimiser of scikit-learn's `LogisticRegression(C = 1 / alpha)` (L2), whose
/// objective `½‖w‖² + C Σ log-loss` is ours divided by `alpha`; `alpha = 0` is scikit-learn's
/// unpenalised fit (which does not exist when the classes are separable).
///
/// The fit stops when the largest component of the objective's gradient is at most
/// `gradient_tolerance` times the number of rows; [`TrainError::FitFailed`] when that takes
/// more than `max_iterations` steps.
///
/// # Errors
///
/// Checked before any compute, in this order: [`TrainError::LengthMismatch`] when `x` has
/// another number of rows than `y`, [`TrainError::EmptyInput`] without rows,
/// [`TrainError::NonFiniteFeature`] for a ±∞ feature value, [`TrainError::SingleClass`] when
/// `y` holds one class only. [`TrainError::FitFailed`] if the solver fails.
pub fn train_logistic(
    params: &ValidLogisticParams,
    x: &ColumnMatrix,
    y: &[bool],
) -> Result<LogisticModel, TrainError> {
    check_training_inputs(x, y, "train_logistic")?;

    let features: Vec<FeatureStandardization> = x
        .columns()
        .iter()
        .map(|column| {
            FeatureStandardization::fit(column, params.clip_quantile(), params.log_counts())
        })
        .collect();
    let with_indicator: Vec<usize> = (0..features.len())
        .filter(|&j| features[j].has_indicator)
        .collect();
    let width = features.len() + with_indicator.len();
    // Row-major `[Z | M]`.
    let mut design = vec![0.0; y.len() * width];
    for (j, feature) in features.iter().enumerate() {
        for (i, &value) in x.column(j).iter().enumerate() {
            design[i * width + j] = feature.standardize(value);
        }
    }
    for (k, &j) in with_indicator.iter().enumerate() {
        for (i, value) in x.column(j).iter().enumerate() {
            if value.is_nan() {
                design[i * width + features.len() + k] = 1.0;
            }
        }
    }
    let (weights, intercept) = fit_newton(
        &Design {
            values: &design,
            columns: width,
        },
        y,
        Penalty {
            alpha: params.alpha(),
            max_iterations: params.max_iterations(),
            tolerance: params.gradient_tolerance(),
        },
        "logistic regression",
    )?;
    if let Some(w) = weights.iter().chain([&intercept]).find(|w| !w.is_finite()) {
        return Err(TrainError::FitFailed {
            model: "logistic regression",
            reason: format!("the solver returned a non-finite parameter ({w})"),
        });
    }
    let indicator_coefficients = weights[features.len()..].to_vec();
    let mut coefficients = weights;
    coefficients.truncate(features.len());
    Ok(LogisticModel {
        features,
        coefficients,
        indicator_coefficients,
        intercept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_declared_once_and_checked() {
        let names: Vec<&str> = LogisticParams::PARAMETERS.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "alpha",
                "max_iterations",
                "gradient_tolerance",
                "clip_quantile",
                "log_counts"
            ]
        );
        assert_eq!(LogisticParams::PARAMETERS[2].default, "1e-9");
        let valid = LogisticParams::new().check().expect("defaults are valid");
        assert_eq!(
            (
                valid.alpha(),
                valid.max_iterations(),
                valid.gradient_tolerance(),
                valid.clip_quantile(),
                valid.log_counts()
            ),
            (1.0, 100, 1e-9, 0.005, true)
        );
        for (bad, name) in [
            (LogisticParams::new().alpha(-1.0), "alpha"),
            (LogisticParams::new().alpha(f64::NAN), "alpha"),
            (LogisticParams::new().max_iterations(0), "max_iterations"),
            (
                LogisticParams::new().gradient_tolerance(0.0),
                "gradient_tolerance",
            ),
            (
                LogisticParams::new().gradient_tolerance(f64::INFINITY),
                "gradient_tolerance",
            ),
            (LogisticParams::new().clip_quantile(0.5), "clip_quantile"),
            (LogisticParams::new().clip_quantile(-0.01), "clip_quantile"),
            (
                LogisticParams::new().clip_quantile(f64::NAN),
                "clip_quantile",
            ),
        ] {
            let err = bad.check().expect_err(name);
            assert_eq!((err.table, err.name), (None, name));
        }
        assert!(LogisticParams::new().alpha(0.0).check().is_ok());
        assert!(LogisticParams::new().clip_quantile(0.0).check().is_ok());
        assert!(LogisticParams::new().clip_quantile(0.49).check().is_ok());
    }

    #[test]
    fn params_deserialize_with_defaults_and_refuse_unknown_keys() {
        let params: LogisticParams = serde_json::from_str(r#"{"alpha": 0.5}"#).expect("valid");
        assert_eq!(params, LogisticParams::new().alpha(0.5));
        assert!(serde_json::from_str::<LogisticParams>(r#"{"C": 0.5}"#).is_err());
    }

    #[test]
    fn standardization_handles_constant_missing_and_empty_columns() {
        let constant = FeatureStandardization::fit(&[3.0, 3.0, 3.0], 0.0, false);
        assert_eq!((constant.mean, constant.std), (3.0, 1.0));
        assert!(!constant.has_indicator);
        let missing = FeatureStandardization::fit(&[1.0, f32::NAN, 3.0], 0.0, false);
        assert_eq!((missing.mean, missing.std), (2.0, 1.0));
        assert!(missing.has_indicator);
        assert_eq!(missing.standardize(f32::NAN), 0.0);
        for (clip_quantile, log_counts) in [(0.0, false), (0.1, true)] {
            let empty =
                FeatureStandardization::fit(&[f32::NAN, f32::NAN], clip_quantile, log_counts);
            assert_eq!(
                empty,
                FeatureStandardization {
                    clip: None,
                    log1p: false,
                    mean: 0.0,
                    std: 1.0,
                    has_indicator: true
                }
            );
        }
        // A constant count: ln(1 + 3) on every row, so std 0 becomes 1; its equal quantiles
        // do not clip.
        let constant_count = FeatureStandardization::fit(&[3.0, 3.0, 3.0], 0.1, true);
        assert!(constant_count.log1p);
        assert_eq!(constant_count.clip, None);
        assert_eq!((constant_count.mean, constant_count.std), (4f64.ln(), 1.0));
        assert_eq!(constant_count.standardize(3.0), 0.0);
    }

    /// `numpy.quantile(v, q)` (method "linear") on `v = [0, 1, 2, 3, 4, 5, 6, 7, 8, 100]`,
    /// worked by hand: `h = 9 q`; q = 0 → 0, q = 1 → 100, q = 0.1 → h = 0.9, 0 + 0.9 · 1 = 0.9,
    /// q = 0.9 → h = 8.1, 8 + 0.1 · 92 = 17.2, q = 0.5 → h = 4.5, 4 + 0.5 · 1 = 4.5; one value:
    /// that value. Tolerance 1e-12 (the decimal fractions are not exact in binary).
    #[test]
    fn quantile_is_numpy_linear_interpolation() {
        let v = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 100.0];
        for (q, expected) in [
            (0.0, 0.0),
            (0.1, 0.9),
            (0.5, 4.5),
            (1.0 - 0.1, 17.2),
            (1.0, 100.0),
        ] {
            let got = quantile(&v, q);
            assert!(
                (got - expected).abs() <= 1e-12,
                "q = {q}: {got} vs {expected}"
            );
        }
        assert_eq!(quantile(&[7.5], 0.3), 7.5);
        assert_eq!(quantile(&[2.0, 2.0, 2.0], 0.005), 2.0);
    }

    /// The whole transform of one column, worked by hand with `clip_quantile = 0.1`: the
    /// non-missing values sorted are `0..=8, 100`, so the bounds are 0.9 and 17.2
    /// ([`quantile_is_numpy_linear_interpolation`]); all are non-negative integers with maximum
    /// 100 > 1, so the column is a count; the transformed values are `ln 1.9, ln 2, …, ln 9,
    /// ln 18.2`, whose mean is `(ln 1.9 + ln 9! + ln 18.2) / 10 = 1.6345102960336615` and whose
    /// population standard deviation is `0.6680067586534326` (both by Python's `math` on the
    /// ten logarithms). Tolerance 1e-12.
    #[test]
    fn transform_of_a_count_column_matches_hand_worked_values() {
        const TOLERANCE: f64 = 1e-12;
        let column = [3.0, f32::NAN, 0.0, 1.0, 100.0, 2.0, 5.0, 4.0, 8.0, 7.0, 6.0];
        let f = FeatureStandardization::fit(&column, 0.1, true);
        let [low, high] = f.clip.expect("clipped");
        assert!((low - 0.9).abs() <= TOLERANCE, "{low}");
        assert!((high - 17.2).abs() <= TOLERANCE, "{high}");
        assert!(f.log1p);
        assert!(f.has_indicator);
        let hand_mean = (1.9f64.ln() + 362_880f64.ln() + 18.2f64.ln()) / 10.0;
        assert!((hand_mean - 1.634_510_296_033_661_5).abs() <= TOLERANCE);
        assert!((f.mean - hand_mean).abs() <= TOLERANCE, "{}", f.mean);
        assert!(
            (f.std - 0.668_006_758_653_432_6).abs() <= TOLERANCE,
            "{}",
            f.std
        );

        // Below the lower bound, on it, inside, on the upper bound, beyond it, negative.
        for (x, t) in [
            (0.0f32, 1.9f64.ln()),
            (-5.0, 1.9f64.ln()),
            (3.0, 4f64.ln()),
            (17.0, 18f64.ln()),
            (50.0, 18.2f64.ln()),
            (1e9, 18.2f64.ln()),
        ] {
            assert!((f.transform(x) - t).abs() <= TOLERANCE, "{x}");
            let z = (t - hand_mean) / 0.668_006_758_653_432_6;
            assert!((f.standardize(x) - z).abs() <= 1e-11, "{x}");
        }
        assert_eq!(f.standardize(f32::NAN), 0.0);
        assert!(f.transform(f32::NAN).is_nan());

        // Without the log: clipped values 0.9, 1, …, 8, 17.2, mean 54.1 / 10.
        let linear = FeatureStandardization::fit(&column, 0.1, false);
        assert!(!linear.log1p);
        assert!((linear.mean - 5.41).abs() <= TOLERANCE, "{}", linear.mean);
        assert!((linear.transform(1e9) - 17.2).abs() <= TOLERANCE);
        // Without clipping: the raw mean 136 / 10.
        let raw = FeatureStandardization::fit(&column, 0.0, false);
        assert_eq!((raw.clip, raw.mean), (None, 13.6));
    }

    /// A rare flag: 300 zeros and one 1. With `clip_quantile = 0.005`, by hand, `h = 300 ·
    /// 0.005 = 1.5` and `h = 300 · 0.995 = 298.5` both fall between two zeros, so both
    /// quantiles are 0: the flag is not clipped (clipping would make it constant). With 199
    /// zeros and one 1 the upper quantile is `h = 199 · 0.995 = 198.005`, `0 + 0.005 · (1 − 0)
    /// = 0.005`: clipped to `[0, 0.005]`, still two distinct values. Tolerance 1e-12.
    #[test]
    fn equal_quantiles_do_not_clip_a_rare_flag_away() {
        let mut column = vec![0.0f32; 300];
        column.push(1.0);
        let f = FeatureStandardization::fit(&column, 0.005, true);
        assert_eq!(f.clip, None);
        assert!(!f.log1p);
        assert!(f.standardize(1.0) > 10.0, "{}", f.standardize(1.0));
        let mut column = vec![0.0f32; 199];
        column.push(1.0);
        let f = FeatureStandardization::fit(&column, 0.005, true);
        let [low, high] = f.clip.expect("clipped");
        assert_eq!(low, 0.0);
        assert!((high - 0.005).abs() <= 1e-12, "{high}");
        // Two values either way: standardised, the flag is the same feature.
        let unclipped = FeatureStandardization::fit(&column, 0.0, true);
        assert!((f.standardize(1.0) - unclipped.standardize(1.0)).abs() <= 1e-9);
    }

    /// Flags, fractions, negatives and counts with a maximum of 1 stay linear; only a column of
    /// non-negative integers reaching above 1 is a count.
    #[test]
    fn only_non_negative_integer_columns_above_one_are_counts() {
        for (column, count) in [
            (&[0.0f32, 1.0, 1.0, 0.0][..], false),
            (&[0.0, 0.5, 2.0], false),
            (&[-1.0, 2.0, 3.0], false),
            (&[1.0, 1.0, f32::NAN], false),
            (&[0.0, 2.0, f32::NAN], true),
            (&[2.0, 2.0], true),
        ] {
            let f = FeatureStandardization::fit(column, 0.0, true);
            assert_eq!(f.log1p, count, "{column:?}");
            assert!(!FeatureStandardization::fit(column, 0.0, false).log1p);
        }
        // Without clipping a negative value at prediction time counts as 0.
        let f = FeatureStandardization::fit(&[0.0, 2.0], 0.0, true);
        assert_eq!(f.transform(-3.0), 0.0);
    }

    #[test]
    fn sigmoid_is_stable() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert!((sigmoid(2.0) + sigmoid(-2.0) - 1.0).abs() < 1e-15);
    }
}
