//! Training end to end: a [`Dataset`] in, a calibrated model with its evaluation out, and the
//! model package (`model.onnx`, `manifest.json`, `model.json`, `metrics.json`, `model_card.md`,
//! plots) written.
//!
//! Steps: fit the model on the training split (GBDT with early stopping on validation, the
//! logistic baseline or the scorecard), fit the calibrator on validation margins, choose the
//! band thresholds on calibrated validation probabilities, then evaluate validation and test
//! with bootstrap intervals. That is the evaluation fit; with `refit` (the default) the packaged model is then
//! the deployed fit of the `refit` module, refitted on every row labelled before the
//! calibration window and calibrated on it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::calibration::{Calibrator, fit_isotonic, fit_platt};
use crate::card::{CardInputs, model_card};
use crate::dataset::{Dataset, DatasetSummary, Split, SplitRows};
use crate::evaluation::{BootstrapSettings, Evaluation, Thresholds, evaluate};
use crate::export::{export_onnx, tree_covers};
use crate::gbdt::{GbdtModel, GbdtParams, RoundLoss, ValidGbdtParams, train_gbdt_weighted};
use crate::lightgbm::LightGbmModel;
use crate::logistic::{LogisticModel, LogisticParams, ValidLogisticParams, train_logistic};
use crate::metrics::{precision_recall_curve, roc_curve};
use crate::plots::{calibration_svg, importance_svg, precision_recall_svg, roc_svg};
use crate::refit::{Deployment, card_section, deploy, fit_weights, metrics_json};
use crate::scorecard::{ScorecardModel, ScorecardParams, ValidScorecardParams, train_scorecard};
use crate::{ColumnMatrix, TrainError};
use appfraud_core::{
    Bands, DeployedFit, DriftReference, Explainer, FeatureSet, MANIFEST_FILE,
    MANIFEST_FORMAT_VERSION, ManifestFeatureSet, MetricInterval, Metrics, ModelManifest, ONNX_FILE,
    OnnxFile, PackageFile, SplitCounts, SplitMetrics, TrainingSummary, declare_params,
};

/// Version of the native model format (`model.json`).
pub const NATIVE_FORMAT_VERSION: u32 = 1;

/// Which model to train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// Our histogram gradient-boosted trees.
    #[default]
    Gbdt,
    /// L2 logistic regression on standardised features with missing indicators.
    Logistic,
    /// A scorecard: L2 logistic regression on the weights of evidence of optimally binned
    /// features, read as points per feature and bin.
    Scorecard,
}

impl Algorithm {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Gbdt => "gbdt",
            Algorithm::Logistic => "logistic",
            Algorithm::Scorecard => "scorecard",
        }
    }
}

/// How raw margins become probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CalibrationMethod {
    /// A sigmoid of an affine function of the margin (smooth; two parameters).
    #[default]
    Platt,
    /// A monotone piecewise-linear map (flexible; needs many validation positives).
    Isotonic,
}

declare_params! {
    /// The training configuration, as read from `train.toml` (every key optional; unknown keys
    /// are refused) or built with the setters; [`check`](Self::check) validates it, tables
    /// included, before any data is read:
    ///
    /// ```toml
    /// algorithm = "gbdt"          # or "logistic" or "scorecard"
    /// calibration = "platt"       # or "isotonic"
    /// review_budget = 100         # k of precision at k
    /// bootstrap_resamples = 200   # 0: no intervals
    /// refit = true                # package the deployed fit (false: the evaluation fit)
    /// recency_half_life_days = 0  # weight rows by 0.5^(age / half-life); 0: no weights
    /// [gbdt]
    /// num_trees = 500
    /// [logistic]
    /// alpha = 1.0
    /// [scorecard]
    /// max_bins = 10
    /// ```
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, default)]
    params TrainConfig;
    /// A checked [`TrainConfig`]: only this can train.
    valid ValidTrainConfig;
    /// The model to train: our histogram GBDT, the logistic baseline or the scorecard.
    algorithm: Algorithm = Algorithm::Gbdt, shown "\"gbdt\"",
        valid "\"gbdt\", \"logistic\" or \"scorecard\"" if |_v| true;
    /// How margins become probabilities, fitted on validation (the deployed fit's on the
    /// calibration window): a sigmoid (Platt) or a monotone piecewise-linear map (isotonic,
    /// needs many positives).
    calibration: CalibrationMethod = CalibrationMethod::Platt, shown "\"platt\"",
        valid "\"platt\" or \"isotonic\"" if |_v| true;
    /// Precision is reported among this many highest scores (precision at k).
    review_budget: usize = 100,
        valid "an integer ≥ 1" if |v| *v >= 1;
    /// Bootstrap resamples for the confidence intervals of the metrics; 0 = no intervals.
    bootstrap_resamples: usize = 200,
        valid "any integer ≥ 0" if |_v| true;
    /// Package the deployed fit: after the evaluation fit, refit on every row labelled before
    /// the calibration window (the test split's dates) with the evaluation fit's tree count,
    /// and calibrate it and choose its thresholds on the calibration window; false packages
    /// the evaluation fit itself.
    refit: bool = true,
        valid "true or false" if |_v| true;
    /// Weight each training row by 0.5^(age / this many days), the age from the fit's latest
    /// training row, in the evaluation and the deployed fit alike; 0 = every row weighs 1.
    /// GBDT only.
    recency_half_life_days: f64 = 0.0, shown "0",
        valid "a finite number ≥ 0; 0 = off" if |v| *v >= 0.0 && v.is_finite();
    table
    /// GBDT parameters, used when `algorithm = "gbdt"`.
    gbdt: GbdtParams => ValidGbdtParams;
    table
    /// Logistic-regression parameters, used when `algorithm = "logistic"`.
    logistic: LogisticParams => ValidLogisticParams;
    table
    /// Scorecard parameters (binning, selection, fit, points), used when
    /// `algorithm = "scorecard"`.
    scorecard: ScorecardParams => ValidScorecardParams;
}

impl ValidTrainConfig {
    /// Checks the combinations of parameters that each pass alone: row weights by age
    /// (`recency_half_life_days > 0`) need the GBDT, since the logistic regression takes no
    /// row weights. [`train`] runs it too; a command line runs it before reading data.
    ///
    /// # Errors
    ///
    /// [`ParamError`](appfraud_core::ParamError) naming `recency_half_life_days`.
    pub fn check_combinations(&self) -> Result<(), appfraud_core::ParamError> {
        if self.recency_half_life_days > 0.0 && self.algorithm != Algorithm::Gbdt {
            return Err(appfraud_core::ParamError {
                table: None,
                name: "recency_half_life_days",
                value: format!("{:?}", self.recency_half_life_days),
                expected: "0 unless algorithm = \"gbdt\" (the logistic regression and the scorecard take no row weights)",
            });
        }
        Ok(())
    }
}

impl TrainConfig {
    /// Reads a TOML configuration: missing keys keep their defaults. Syntax errors, unknown
    /// keys and wrong types return [`TrainError::InvalidConfig`] naming the line; ranges are
    /// checked by [`check`](Self::check).
    pub fn from_toml_str(text: &str) -> Result<TrainConfig, TrainError> {
        from_toml(text)
    }
}

/// Reads a parameter set from TOML text; syntax errors, unknown keys and wrong types become one
/// line of [`TrainError::InvalidConfig`] naming the line.
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, TrainError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .and_then(|span| text.get(..span.start))
            .map(|before| before.matches('\n').count() + 1);
        TrainError::InvalidConfig {
            message: match line {
                Some(line) => format!("line {line}: {}", e.message()),
                None => e.message().to_owned(),
            },
        }
    })
}

/// A trained model of either kind.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "algorithm", content = "model", rename_all = "lowercase")]
pub enum Model {
    /// Gradient-boosted trees.
    Gbdt(GbdtModel),
    /// Logistic regression.
    Logistic(LogisticModel),
    /// Scorecard.
    Scorecard(ScorecardModel),
}

impl Model {
    /// Raw margins (log-odds before calibration) of every row.
    pub fn margins(&self, x: &ColumnMatrix<'_>) -> Result<Vec<f64>, TrainError> {
        match self {
            Model::Gbdt(m) => m.predict_margins(x),
            Model::Logistic(m) => m.predict_margins(x),
            Model::Scorecard(m) => m.predict_margins(x),
        }
    }

    /// Which algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Model::Gbdt(_) => Algorithm::Gbdt,
            Model::Logistic(_) => Algorithm::Logistic,
            Model::Scorecard(_) => Algorithm::Scorecard,
        }
    }

    /// Importance per feature, as shares of the total (gain for trees, |coefficient| of the
    /// standardised feature plus its indicator's for logistic, mean |contribution| over the
    /// training rows for a scorecard).
    pub fn importance(&self) -> Vec<f64> {
        let raw: Vec<f64> = match self {
            Model::Gbdt(m) => m.feature_importance_gain(),
            Model::Logistic(m) => {
                let mut v: Vec<f64> = m.coefficients().iter().map(|c| c.abs()).collect();
                let mut k = 0;
                for (j, f) in m.features().iter().enumerate() {
                    if f.has_indicator {
                        v[j] += m.indicator_coefficients()[k].abs();
                        k += 1;
                    }
                }
                v
            }
            Model::Scorecard(m) => m.importance(),
        };
        let total: f64 = raw.iter().sum();
        raw.iter()
            .map(|v| if total > 0.0 { v / total } else { 0.0 })
            .collect()
    }
}

/// The native model: everything needed to score, in `model.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NativeModel {
    /// [`NATIVE_FORMAT_VERSION`].
    pub format_version: u32,
    /// Name and version, e.g. `appfraud-gbdt-20261122`.
    pub model_id: String,
    /// Feature names in input order.
    pub feature_names: Vec<String>,
    /// Hash of the FeatureSet the model was trained on.
    pub feature_set_hash: String,
    /// The model.
    #[serde(flatten)]
    pub model: Model,
    /// Margin → probability.
    pub calibrator: Calibrator,
    /// Band thresholds on calibrated probabilities.
    pub thresholds: Thresholds,
}

impl NativeModel {
    /// Calibrated probabilities of every row.
    pub fn probabilities(&self, x: &ColumnMatrix<'_>) -> Result<Vec<f64>, TrainError> {
        if x.n_features() != self.feature_names.len() {
            return Err(TrainError::FeatureCountMismatch {
                what: "feature matrix",
                expected: self.feature_names.len(),
                found: x.n_features(),
            });
        }
        Ok(self
            .model
            .margins(x)?
            .into_iter()
            .map(|m| self.calibrator.apply(m))
            .collect())
    }

    /// Reads `model.json` from a model directory.
    pub fn read(dir: &Path) -> Result<NativeModel, TrainError> {
        let path = dir.join("model.json");
        let text = std::fs::read_to_string(&path).map_err(|e| TrainError::UnreadableTable {
            file: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let m: NativeModel = serde_json::from_str(&text).map_err(|e| TrainError::InvalidModel {
            model: "model.json",
            reason: e.to_string(),
        })?;
        if m.format_version != NATIVE_FORMAT_VERSION {
            return Err(TrainError::InvalidModel {
                model: "model.json",
                reason: format!(
                    "format version {} (this build reads {NATIVE_FORMAT_VERSION})",
                    m.format_version
                ),
            });
        }
        Ok(m)
    }
}

/// Curves of the test split, for the plots.
#[derive(Debug, Clone)]
pub struct TestCurves {
    /// ROC curve.
    pub roc: crate::metrics::RocCurve,
    /// Precision–recall curve.
    pub pr: crate::metrics::PrecisionRecallCurve,
    /// Fraud share of the test split.
    pub base_rate: f64,
}

/// A trained, calibrated, evaluated model.
#[derive(Debug, Clone)]
pub struct TrainedModel {
    /// What `model.json` holds.
    pub native: NativeModel,
    /// Metrics on validation.
    pub validation: Evaluation,
    /// Metrics on test.
    pub test: Evaluation,
    /// (feature, share of importance), largest first.
    pub importance: Vec<(String, f64)>,
    /// How the dataset was made.
    pub dataset: DatasetSummary,
    /// Per boosting round log-loss (GBDT only).
    pub history: Vec<RoundLoss>,
    /// The parameters used, as (name, value).
    pub parameters: Vec<(String, String)>,
    /// Calibration method; `None`: the model's own probability (an imported model's link).
    pub calibration: Option<CalibrationMethod>,
    /// Test curves for the plots.
    pub curves: TestCurves,
    /// The FeatureSet the model was trained on (names, families, missing policies).
    pub feature_set: FeatureSet,
    /// Trained here or imported.
    pub origin: ModelOrigin,
    /// How the packaged model was fitted when it is the deployed fit (refitted after the
    /// evaluation fit, see [`Deployment`]); `None`: the packaged model is the evaluation fit.
    pub deployment: Option<Deployment>,
    /// The training-time distributions `appfraud drift` compares with (see
    /// [`DriftReference`]); set once the packaged model is final.
    pub drift_reference: Option<DriftReference>,
    /// Flags across the groups of a column, on the held-out rows, when asked for
    /// ([`TrainedModel::assess_fairness`]); the card gets a section on it.
    pub fairness: Option<crate::FairnessReport>,
}

impl TrainedModel {
    /// Reports how the packaged model's flags fall across the groups of `column` on the
    /// dataset's held-out rows (the test split: the deployed fit's calibration window), each
    /// labelled as the dataset labels it; `groups` maps application ids to their group (absent
    /// or `None`: unknown). The card then has a section on it. The groups are never an input.
    ///
    /// # Errors
    ///
    /// Those of [`crate::fairness`], and of scoring the held-out rows.
    pub fn assess_fairness(
        &mut self,
        dataset: &Dataset,
        column: &str,
        groups: &std::collections::HashMap<String, Option<String>>,
    ) -> Result<(), TrainError> {
        let rows = dataset.rows(Split::Test);
        let probabilities = self.native.probabilities(&rows.matrix()?)?;
        self.fairness = Some(crate::fairness(
            column,
            &crate::groups_of(&rows.ids, groups),
            &rows.labels,
            &probabilities,
            self.native.thresholds.fpr_5pct,
            0.95,
        )?);
        Ok(())
    }
}

/// Trains, calibrates and evaluates on `dataset`. `model_id` names the model (manifest, card,
/// scores). With `refit` (the default) the packaged model is then the deployed fit
/// ([`Deployment`]: refitted on every row labelled before the calibration window, calibrated
/// and thresholded on it); the metrics stay the evaluation fit's.
///
/// # Errors
///
/// [`TrainError::InvalidParameter`] for row weights with the logistic regression;
/// [`TrainError::Data`] for row weights without row times; the fits', calibration's and
/// metrics' errors.
pub fn train(
    dataset: &Dataset,
    config: &ValidTrainConfig,
    model_id: &str,
) -> Result<TrainedModel, TrainError> {
    config.check_combinations()?;
    let train_rows = dataset.rows(Split::Train);
    let valid_rows = dataset.rows(Split::Valid);
    let test_rows = dataset.rows(Split::Test);
    let (xt, xv) = (train_rows.matrix()?, valid_rows.matrix()?);
    let weights = fit_weights(dataset.times_of(Split::Train).as_deref(), config)?;
    let (model, history, parameters) = match config.algorithm {
        Algorithm::Gbdt => {
            let t = train_gbdt_weighted(
                &config.gbdt,
                &xt,
                &train_rows.labels,
                weights.as_deref(),
                Some((&xv, &valid_rows.labels)),
            )?;
            let mut params = describe(&config.gbdt);
            if weights.is_some() {
                params.push((
                    "recency_half_life_days".to_owned(),
                    config.recency_half_life_days.to_string(),
                ));
            }
            (Model::Gbdt(t.model), t.history, params)
        }
        Algorithm::Logistic => {
            let m = train_logistic(&config.logistic, &xt, &train_rows.labels)?;
            let params = vec![
                ("alpha".to_owned(), config.logistic.alpha().to_string()),
                (
                    "max_iterations".to_owned(),
                    config.logistic.max_iterations().to_string(),
                ),
                (
                    "gradient_tolerance".to_owned(),
                    config.logistic.gradient_tolerance().to_string(),
                ),
                (
                    "clip_quantile".to_owned(),
                    config.logistic.clip_quantile().to_string(),
                ),
                (
                    "log_counts".to_owned(),
                    config.logistic.log_counts().to_string(),
                ),
            ];
            (Model::Logistic(m), Vec::new(), params)
        }
        Algorithm::Scorecard => {
            let m = train_scorecard(
                &config.scorecard,
                &xt,
                &train_rows.labels,
                &feature_names(dataset),
            )?;
            (Model::Scorecard(m), Vec::new(), describe(&config.scorecard))
        }
    };
    let evaluated = finish(
        Fitted {
            model,
            history,
            parameters,
            origin: ModelOrigin::Trained,
        },
        CalibrationSpec::Fit(config.calibration),
        dataset,
        (&valid_rows, &test_rows),
        Reporting {
            review_budget: config.review_budget,
            bootstrap_resamples: config.bootstrap_resamples,
        },
        model_id,
    )?;
    let packaged = if config.refit {
        deploy(evaluated, dataset, config)?
    } else {
        evaluated
    };
    with_drift_reference(packaged, dataset)
}

/// `trained` with its [`DriftReference`], from `dataset`'s [`crate::Population`]: every input
/// over every row of the input, the score and the bands of the packaged model over every row of
/// the held-out window (rows it did not learn from).
fn with_drift_reference(
    mut trained: TrainedModel,
    dataset: &Dataset,
) -> Result<TrainedModel, TrainError> {
    let population = &dataset.population;
    let held_out: Vec<&[f32]> = population.held_out.iter().map(Vec::as_slice).collect();
    let probabilities = trained
        .native
        .probabilities(&ColumnMatrix::new(held_out)?)?;
    let time = |t: i64| {
        chrono::DateTime::from_timestamp_micros(t).map_or_else(|| t.to_string(), |d| d.to_rfc3339())
    };
    let window = |w: Option<(i64, i64)>| w.map(|(a, b)| (time(a), time(b)));
    let bands = Bands {
        review: trained.native.thresholds.fpr_5pct,
        verify: trained.native.thresholds.fpr_1pct,
    };
    trained.drift_reference = Some(crate::drift::drift_reference(
        &trained.native.feature_names,
        &population.features,
        population.rows,
        window(population.window),
        &probabilities,
        window(population.held_out_window),
        &bands,
    )?);
    Ok(trained)
}

/// A fitted (or imported) model with what the card says about how it came to be.
struct Fitted {
    model: Model,
    history: Vec<RoundLoss>,
    parameters: Vec<(String, String)>,
    origin: ModelOrigin,
}

/// How [`finish`] turns margins into probabilities.
enum CalibrationSpec {
    /// Fitted on the validation margins.
    Fit(CalibrationMethod),
    /// The model's own link, `sigmoid(slope · margin)`, kept as it is.
    Own {
        /// The slope on the margin.
        slope: f64,
    },
}

/// The evaluation settings of [`finish`].
#[derive(Clone, Copy)]
struct Reporting {
    review_budget: usize,
    bootstrap_resamples: usize,
}

/// Everything after fitting, shared by [`train`] and [`import_lightgbm`]: the calibrator on
/// validation margins, the band thresholds on calibrated validation probabilities, the
/// evaluation of validation and test with bootstrap intervals, importance and test curves.
fn finish(
    fitted: Fitted,
    calibration: CalibrationSpec,
    dataset: &Dataset,
    (valid_rows, test_rows): (&SplitRows, &SplitRows),
    reporting: Reporting,
    model_id: &str,
) -> Result<TrainedModel, TrainError> {
    let Fitted {
        model,
        history,
        parameters,
        origin,
    } = fitted;
    let (xv, xs) = (valid_rows.matrix()?, test_rows.matrix()?);
    let names: Vec<String> = dataset
        .feature_set
        .features()
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let valid_margins = model.margins(&xv)?;
    let (calibrator, method) = match calibration {
        CalibrationSpec::Fit(CalibrationMethod::Platt) => (
            fit_platt(&valid_margins, &valid_rows.labels)?,
            Some(CalibrationMethod::Platt),
        ),
        CalibrationSpec::Fit(CalibrationMethod::Isotonic) => (
            fit_isotonic(&valid_margins, &valid_rows.labels)?,
            Some(CalibrationMethod::Isotonic),
        ),
        CalibrationSpec::Own { slope } => (Calibrator::Platt { a: slope, b: 0.0 }, None),
    };
    let valid_p: Vec<f64> = valid_margins.iter().map(|m| calibrator.apply(*m)).collect();
    let test_p: Vec<f64> = model
        .margins(&xs)?
        .iter()
        .map(|m| calibrator.apply(*m))
        .collect();
    let thresholds = Thresholds::choose(&valid_rows.labels, &valid_p)?;
    let bootstrap = BootstrapSettings {
        resamples: reporting.bootstrap_resamples,
        ..BootstrapSettings::default()
    };
    let validation = evaluate(
        &valid_rows.labels,
        &valid_p,
        &thresholds,
        reporting.review_budget,
        bootstrap,
    )?;
    let test = evaluate(
        &test_rows.labels,
        &test_p,
        &thresholds,
        reporting.review_budget,
        bootstrap,
    )?;
    let mut importance: Vec<(String, f64)> =
        names.iter().cloned().zip(model.importance()).collect();
    importance.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let curves = TestCurves {
        roc: roc_curve(&test_rows.labels, &test_p)?,
        pr: precision_recall_curve(&test_rows.labels, &test_p)?,
        base_rate: test.positives as f64 / test.rows.max(1) as f64,
    };
    Ok(TrainedModel {
        native: NativeModel {
            format_version: NATIVE_FORMAT_VERSION,
            model_id: model_id.to_owned(),
            feature_names: names,
            feature_set_hash: dataset.feature_set.hash().to_string(),
            model,
            calibrator,
            thresholds,
        },
        validation,
        test,
        importance,
        dataset: dataset.summary.clone(),
        history,
        parameters,
        calibration: method,
        curves,
        feature_set: dataset.feature_set.clone(),
        origin,
        deployment: None,
        drift_reference: None,
        fairness: None,
    })
}

/// Where a packaged model came from, for its card.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelOrigin {
    /// Trained by [`train`] on the dataset's training split.
    Trained,
    /// Imported from a LightGBM text model by [`import_lightgbm`].
    LightGbm {
        /// The model file's name.
        file: String,
        /// Number of trees.
        trees: usize,
        /// The `sigmoid:` of its binary objective.
        sigmoid: f64,
    },
}

/// The settings of [`import_lightgbm`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImportOptions {
    /// `None` keeps LightGBM's own probability, `sigmoid(sigmoid · margin)`, exactly; otherwise
    /// the calibration fitted on the table's margins.
    pub calibration: Option<CalibrationMethod>,
    /// Precision is reported among this many highest scores (precision at k).
    pub review_budget: usize,
    /// Bootstrap resamples for the confidence intervals of the metrics; 0 = no intervals.
    pub bootstrap_resamples: usize,
}

impl Default for ImportOptions {
    /// No calibration, and `train`'s defaults for the rest.
    fn default() -> Self {
        let defaults = TrainConfig::default();
        ImportOptions {
            calibration: None,
            review_budget: defaults.review_budget,
            bootstrap_resamples: defaults.bootstrap_resamples,
        }
    }
}

/// Packages the LightGBM model `lightgbm` (read from the file named `file`) with `dataset` as
/// its validation set (every row in the validation split, as [`Dataset::for_model`] builds
/// it): its trees become a [`GbdtModel`] ([`LightGbmModel::to_gbdt`]), then calibration, band
/// thresholds, metrics and the card come from the table exactly as [`train`] makes them from
/// its validation split. The test metrics are computed on the same rows (the card says so).
///
/// # Errors
///
/// [`TrainError::Data`] when `dataset` does not hold the model's features in its order; the
/// conversion's errors; [`TrainError::SingleClass`] when the table holds one
/// class; the calibration's and the metrics' errors.
pub fn import_lightgbm(
    lightgbm: &LightGbmModel,
    file: &str,
    dataset: &Dataset,
    options: ImportOptions,
    model_id: &str,
) -> Result<TrainedModel, TrainError> {
    let names: Vec<&str> = dataset
        .feature_set
        .features()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    if names != lightgbm.feature_names() {
        return Err(TrainError::Data {
            reason: "the dataset's features are not the LightGBM model's (by name, in its \
                     order); build it with Dataset::for_model"
                .to_owned(),
        });
    }
    let rows = dataset.rows(Split::Valid);
    let gbdt = lightgbm.to_gbdt()?;
    let parameters = vec![
        (
            "imported_from".to_owned(),
            format!("`{file}` (LightGBM text model)"),
        ),
        ("format_version".to_owned(), lightgbm.version().to_owned()),
        ("trees".to_owned(), lightgbm.n_trees().to_string()),
        (
            "objective".to_owned(),
            format!("binary sigmoid:{}", lightgbm.sigmoid()),
        ),
    ];
    let imported = finish(
        Fitted {
            model: Model::Gbdt(gbdt),
            history: Vec::new(),
            parameters,
            origin: ModelOrigin::LightGbm {
                file: file.to_owned(),
                trees: lightgbm.n_trees(),
                sigmoid: lightgbm.sigmoid(),
            },
        },
        match options.calibration {
            Some(method) => CalibrationSpec::Fit(method),
            None => CalibrationSpec::Own {
                slope: lightgbm.sigmoid(),
            },
        },
        dataset,
        (&rows, &rows),
        Reporting {
            review_budget: options.review_budget,
            bootstrap_resamples: options.bootstrap_resamples,
        },
        model_id,
    )?;
    with_drift_reference(imported, dataset)
}

/// The dataset's feature names, in column order.
pub(crate) fn feature_names(dataset: &Dataset) -> Vec<String> {
    dataset
        .feature_set
        .features()
        .iter()
        .map(|f| f.name.clone())
        .collect()
}

/// A parameter struct as (name, value) pairs, in declaration order.
fn describe(params: &impl Serialize) -> Vec<(String, String)> {
    match serde_json::to_value(params) {
        Ok(serde_json::Value::Object(map)) => {
            map.into_iter().map(|(k, v)| (k, v.to_string())).collect()
        }
        _ => Vec::new(),
    }
}

/// The files of a written model directory.
pub const PLOTS: [(&str, &str); 4] = [
    ("ROC curve (test)", "roc.svg"),
    ("Precision-recall curve (test)", "precision_recall.svg"),
    ("Calibration (test)", "calibration.svg"),
    ("Feature importance", "importance.svg"),
];

impl TrainedModel {
    /// Logistic coefficients as (feature, coefficient, indicator coefficient), largest
    /// |coefficient| first; empty for trees.
    pub fn coefficients(&self) -> Vec<(String, f64, Option<f64>)> {
        let Model::Logistic(m) = &self.native.model else {
            return Vec::new();
        };
        let mut indicators = m.indicator_coefficients().iter();
        let mut out: Vec<(String, f64, Option<f64>)> = self
            .native
            .feature_names
            .iter()
            .zip(m.coefficients())
            .zip(m.features())
            .map(|((name, c), f)| {
                let ind = if f.has_indicator {
                    indicators.next().copied()
                } else {
                    None
                };
                (name.clone(), *c, ind)
            })
            .collect();
        out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// Writes the model package into `dir` (created if missing): `model.onnx`, `manifest.json`,
    /// `model.json` (the native model, for `evaluate`), `metrics.json`, `model_card.md` and the
    /// plots. Each file is written to a temporary name and renamed, the manifest last, so a
    /// crash never leaves a half-written file; each file's SHA-256 in the manifest is of the
    /// bytes read back from disk, and the manifest is sealed with its own digest
    /// ([`appfraud_core::seal_manifest`]). Returns the model id: the native id followed by the
    /// first 8 hex digits of `model.onnx`'s SHA-256.
    ///
    /// # Errors
    ///
    /// [`TrainError::Write`] when a file cannot be written or read back, or when `dir` already
    /// holds a file that is not part of a package (the package would be refused on load).
    pub fn write(&self, dir: &Path, data_source: &str) -> Result<String, TrainError> {
        let io = |path: &Path, e: std::io::Error| TrainError::Write {
            file: path.display().to_string(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        check_package_dir(dir)?;
        // Written first: the model id names the bytes on disk.
        let onnx_sha = write_package_file(
            dir,
            ONNX_FILE,
            &appfraud_onnx::encode(&export_onnx(&self.native)?),
        )?;
        // The version of the model is its ONNX file: the id ends with the start of its hash.
        let native = NativeModel {
            model_id: format!("{}-{}", self.native.model_id, &onnx_sha[..8]),
            ..self.native.clone()
        };
        let model_json = pretty_json("model.json", &native)?;
        let coefficients = self.coefficients();
        let mut metrics = serde_json::json!({
            "coefficients": coefficients,
            "model_id": native.model_id,
            "thresholds": native.thresholds,
            "validation": self.validation,
            "test": self.test,
            "dataset": self.dataset,
            "importance": self.importance,
        });
        if let (Some(d), Some(map)) = (&self.deployment, metrics.as_object_mut()) {
            map.insert("deployed_fit".to_owned(), metrics_json(d));
        }
        if let (Model::Scorecard(m), Some(map)) = (&native.model, metrics.as_object_mut()) {
            map.insert(
                "scorecard".to_owned(),
                crate::scorecard::points_json(m, &native.feature_names),
            );
        }
        let metrics_json = pretty_json("metrics.json", &metrics)?;
        let top: Vec<(String, f64)> = self.importance.iter().take(20).cloned().collect();
        let algorithm = native.model.algorithm();
        let description = match (&self.origin, algorithm) {
            (ModelOrigin::LightGbm { file, trees, .. }, _) => format!(
                "LightGBM gradient-boosted trees imported from the text model `{file}` ({trees} \
                 trees), not trained by appfraud; its trees route and score exactly as in LightGBM"
            ),
            (ModelOrigin::Trained, Algorithm::Gbdt) if self.deployment.is_some() => {
                "histogram gradient-boosted trees (binary log-loss, leaf-wise growth, learned default directions for missing values), refitted on every row labelled before the calibration window with the evaluation fit's tree count".to_owned()
            }
            (ModelOrigin::Trained, Algorithm::Gbdt) => {
                "histogram gradient-boosted trees (binary log-loss, leaf-wise growth, learned default directions for missing values), early-stopped on validation".to_owned()
            }
            (ModelOrigin::Trained, Algorithm::Logistic) => {
                "L2 logistic regression on standardised features, each first clipped to its training quantiles and count features taken as ln(1 + count), with a missing-value indicator per feature that had missing values in training".to_owned()
            }
            (ModelOrigin::Trained, Algorithm::Scorecard) => {
                "scorecard: L2 logistic regression on the weights of evidence of optimally binned features (monotone event rate per feature, missing values in a bin of their own), exported as one tree per feature".to_owned()
            }
        };
        let provenance = match &self.origin {
            ModelOrigin::LightGbm { file, .. } => Some(format!(
                "This model was trained outside appfraud with LightGBM and imported from `{file}`. \
                 The table it was imported with is its validation set: calibration, band \
                 thresholds and both metric columns below are computed on that one table, so \
                 the test column is not a held-out estimate."
            )),
            ModelOrigin::Trained => None,
        };
        let deployment = self.deployment.as_ref().map(|d| {
            card_section(
                d,
                match self.calibration {
                    Some(CalibrationMethod::Isotonic) => "isotonic regression",
                    _ => "Platt scaling",
                },
                &native.thresholds,
            )
        });
        let (scorecard_section, scorecard_plots) = match &native.model {
            Model::Scorecard(m) => (
                Some(crate::scorecard::card_section(m, &native.feature_names)),
                crate::scorecard::card_plots(m, &native.feature_names)?,
            ),
            _ => (None, Vec::new()),
        };
        let card = model_card(&CardInputs {
            model_id: &native.model_id,
            algorithm: algorithm.as_str(),
            algorithm_description: &description,
            provenance: provenance.as_deref(),
            data_source,
            feature_set_hash: &native.feature_set_hash,
            n_features: native.feature_names.len(),
            parameters: &self.parameters,
            calibration: match (self.calibration, &self.origin) {
                (Some(CalibrationMethod::Platt), _) if self.deployment.is_some() => {
                    "Platt scaling (fitted on the calibration window, on the deployed model's margins)"
                }
                (Some(CalibrationMethod::Isotonic), _) if self.deployment.is_some() => {
                    "isotonic regression (fitted on the calibration window, on the deployed model's margins)"
                }
                (Some(CalibrationMethod::Platt), _) => {
                    "Platt scaling (fitted on the validation split)"
                }
                (Some(CalibrationMethod::Isotonic), _) => {
                    "isotonic regression (fitted on the validation split)"
                }
                (None, ModelOrigin::LightGbm { .. }) => {
                    "none: LightGBM's own probability, sigmoid of the margin times the objective's sigmoid parameter"
                }
                (None, ModelOrigin::Trained) => "none: the sigmoid of the margin",
            },
            dataset: &self.dataset,
            thresholds: &native.thresholds,
            validation: &self.validation,
            test: &self.test,
            importance: &top,
            importance_kind: match algorithm {
                Algorithm::Gbdt => "share of total split gain",
                Algorithm::Logistic => "share of |standardised coefficient|",
                Algorithm::Scorecard => {
                    "share of mean |points − expected points| over the training rows"
                }
            },
            coefficients: &coefficients,
            plots: &PLOTS,
            deployment: deployment.as_deref(),
            scorecard: scorecard_section.as_deref(),
            fairness: self.fairness.as_ref(),
        });
        let files: Vec<(&str, Vec<u8>)> = vec![
            ("model.json", model_json.into_bytes()),
            ("metrics.json", metrics_json.into_bytes()),
            ("model_card.md", card.into_bytes()),
            (
                PLOTS[0].1,
                roc_svg(&self.curves.roc, self.test.roc_auc.estimate, PLOTS[0].0)?.into_bytes(),
            ),
            (
                PLOTS[1].1,
                precision_recall_svg(
                    &self.curves.pr,
                    self.test.pr_auc.estimate,
                    self.curves.base_rate,
                    PLOTS[1].0,
                )?
                .into_bytes(),
            ),
            (
                PLOTS[2].1,
                calibration_svg(&self.test.reliability, PLOTS[2].0)?.into_bytes(),
            ),
            (
                PLOTS[3].1,
                importance_svg(&self.importance, 20, PLOTS[3].0)?.into_bytes(),
            ),
        ];
        let mut files = files;
        files.extend(
            scorecard_plots
                .iter()
                .map(|(name, svg)| (name.as_str(), svg.clone().into_bytes())),
        );
        let mut listed = vec![PackageFile {
            name: ONNX_FILE.to_owned(),
            sha256: onnx_sha,
        }];
        for (name, bytes) in files {
            listed.push(PackageFile {
                name: name.to_owned(),
                sha256: write_package_file(dir, name, &bytes)?,
            });
        }
        listed.sort_by(|a, b| a.name.cmp(&b.name));
        let manifest = self.manifest(&native, listed, data_source);
        let unsealed = pretty_json(MANIFEST_FILE, &manifest)?;
        let sealed =
            appfraud_core::seal_manifest(unsealed.as_bytes()).ok_or_else(|| TrainError::Write {
                file: MANIFEST_FILE.into(),
                reason: "the manifest text does not hold its digest field exactly once".into(),
            })?;
        // Last: a directory with a manifest is a complete package.
        write_package_file(dir, MANIFEST_FILE, &sealed)?;
        Ok(native.model_id)
    }

    /// The package manifest of `native` (the model as written) listing the package `files`,
    /// with its own digest blank (filled in by [`appfraud_core::seal_manifest`]).
    fn manifest(
        &self,
        native: &NativeModel,
        files: Vec<PackageFile>,
        data_source: &str,
    ) -> ModelManifest {
        let time = |t: i64| {
            chrono::DateTime::from_timestamp_micros(t)
                .map_or_else(|| t.to_string(), |d| d.to_rfc3339())
        };
        let interval = |i: &crate::Interval| MetricInterval {
            estimate: i.estimate,
            low: i.low,
            high: i.high,
        };
        let split_metrics = |e: &Evaluation| SplitMetrics {
            rows: e.rows,
            positives: e.positives,
            roc_auc: interval(&e.roc_auc),
            pr_auc: interval(&e.pr_auc),
            recall_at_verify: interval(&e.recall_at_fpr_1pct),
            recall_at_review: interval(&e.recall_at_fpr_5pct),
            review_budget: e.review_budget,
            precision_at_k: interval(&e.precision_at_k),
            brier: interval(&e.brier),
        };
        let d = &self.dataset;
        ModelManifest {
            format_version: MANIFEST_FORMAT_VERSION,
            manifest_sha256: String::new(),
            model_id: native.model_id.clone(),
            algorithm: native.model.algorithm().as_str().to_owned(),
            producer: format!("appfraud {}", env!("CARGO_PKG_VERSION")),
            feature_set: ManifestFeatureSet::from(&self.feature_set),
            calibration: match self.calibration {
                Some(CalibrationMethod::Platt) => "platt",
                Some(CalibrationMethod::Isotonic) => "isotonic",
                None => "none",
            }
            .to_owned(),
            bands: Bands {
                review: native.thresholds.fpr_5pct,
                verify: native.thresholds.fpr_1pct,
            },
            onnx: OnnxFile {
                file: ONNX_FILE.to_owned(),
                input: crate::export::INPUT.to_owned(),
                output: crate::export::OUTPUT.to_owned(),
            },
            training: TrainingSummary {
                data_source: data_source.to_owned(),
                window: d.window.map(|(a, b)| (time(a), time(b))),
                valid_from: d.valid_from.map(time),
                test_from: d.test_from.map(time),
                label_counts: d
                    .counts
                    .iter()
                    .map(|(split, rows, fraud)| SplitCounts {
                        split: split.as_str().to_owned(),
                        rows: *rows,
                        fraud: *fraud,
                    })
                    .collect(),
                unlabeled: d.unlabeled,
                dropped_label_delay: d.dropped_label_delay,
                dropped_cluster_overlap: d.dropped_cluster_overlap,
                deployed_fit: self.deployment.as_ref().map(|dep| {
                    let step = |name: &str| dep.plan.steps.iter().find(|s| s.step == name);
                    let window =
                        |name: &str| step(name).and_then(|s| Some((time(s.from?), time(s.to?))));
                    let counts = |name: &str, split: &str| SplitCounts {
                        split: split.to_owned(),
                        rows: step(name).map_or(0, |s| s.rows),
                        fraud: step(name).map_or(0, |s| s.positives),
                    };
                    DeployedFit {
                        train_window: window("deployed train"),
                        train: counts("deployed train", "deployed_train"),
                        calibration_window: window("calibration window"),
                        calibration: counts("calibration window", "calibration"),
                        trees: dep.trees,
                        dropped_cluster_overlap: dep.dropped_cluster_overlap,
                    }
                }),
            },
            metrics: Metrics {
                validation: split_metrics(&self.validation),
                test: split_metrics(&self.test),
            },
            explainer: match tree_covers(&native.model) {
                Some(covers) => Explainer::TreeShap { covers },
                None => Explainer::Linear,
            },
            files,
            drift_reference: self.drift_reference.clone(),
        }
    }
}

/// The files [`TrainedModel::write`] writes into a package directory.
fn package_file_names() -> impl Iterator<Item = &'static str> {
    [
        ONNX_FILE,
        MANIFEST_FILE,
        "model.json",
        "metrics.json",
        "model_card.md",
    ]
    .into_iter()
    .chain(PLOTS.iter().map(|p| p.1))
}

/// Refuses an existing directory that holds an entry other than a package file (or the
/// temporary file of an interrupted write of one, which [`TrainedModel::write`] overwrites): a
/// package written there would list only its own files and be refused on load. A directory
/// that does not exist yet is fine.
///
/// # Errors
///
/// [`TrainError::Write`] naming the foreign entries, or when the directory cannot be listed.
pub fn check_package_dir(dir: &Path) -> Result<(), TrainError> {
    if !dir.exists() {
        return Ok(());
    }
    let io = |e: std::io::Error| TrainError::Write {
        file: dir.display().to_string(),
        reason: e.to_string(),
    };
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let name = entry.map_err(io)?.file_name();
        let name = name.to_string_lossy();
        // A package file, or the temporary file of an interrupted write (rewritten first).
        let bare = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp"));
        let ours = package_file_names().any(|f| name == f || name == format!(".{f}.tmp"))
            || crate::scorecard::is_card_plot(&name)
            || bare.is_some_and(crate::scorecard::is_card_plot);
        if !ours {
            foreign.push(name.into_owned());
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    Err(TrainError::Write {
        file: dir.display().to_string(),
        reason: format!(
            "the directory holds {} that {} not part of a model package; write the package into a new or empty directory",
            foreign.join(", "),
            if foreign.len() == 1 { "is" } else { "are" }
        ),
    })
}

/// Writes `bytes` to `dir/name` through a temporary file renamed into place, then returns the
/// SHA-256 of the file as read back from disk.
fn write_package_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<String, TrainError> {
    let io = |path: &Path, e: std::io::Error| TrainError::Write {
        file: path.display().to_string(),
        reason: e.to_string(),
    };
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
    let written = std::fs::read(&path).map_err(|e| io(&path, e))?;
    Ok(appfraud_core::sha256_hex(&written))
}

/// `value` as pretty JSON, for file `file`.
fn pretty_json(file: &str, value: &impl Serialize) -> Result<String, TrainError> {
    serde_json::to_string_pretty(value).map_err(|e| TrainError::Invariant {
        reason: format!("{file} cannot be serialised: {e}"),
    })
}

/// Evaluates `model` on the applications of data directory `dir` submitted at or after `since`
/// (all when `None`; earlier rows are history for the features), against every label known in
/// the directory (the last one per application), with the model's own thresholds.
///
/// # Errors
///
/// [`TrainError::FeatureSetMismatch`] when the pipeline's FeatureSet is not the model's;
/// [`TrainError::Features`] for unreadable data; [`TrainError::SingleClass`] when the labelled
/// rows hold one class.
pub fn evaluate_on_data_dir(
    model: &NativeModel,
    dir: &Path,
    since: Option<i64>,
    review_budget: usize,
) -> Result<Evaluation, TrainError> {
    score_labelled_data_dir(model, dir, since)?.evaluate(model, review_budget)
}

/// The labelled applications of a data directory, scored by a model: what
/// [`evaluate_on_data_dir`] and a fairness report are computed on.
#[derive(Debug, Clone)]
pub struct LabelledScores {
    /// Application ids.
    pub ids: Vec<String>,
    /// Whether each is fraud (its latest label).
    pub labels: Vec<bool>,
    /// The calibrated probability of each.
    pub probabilities: Vec<f64>,
}

impl LabelledScores {
    /// The evaluation protocol's metrics at the model's thresholds.
    pub fn evaluate(
        &self,
        model: &NativeModel,
        review_budget: usize,
    ) -> Result<Evaluation, TrainError> {
        evaluate(
            &self.labels,
            &self.probabilities,
            &model.thresholds,
            review_budget,
            BootstrapSettings::default(),
        )
    }
}

/// The feature frame of data directory `dir` (applications at or after `since` only) for
/// `model`, and the labels table ingest read.
///
/// # Errors
///
/// [`TrainError::FeatureSetMismatch`] when the pipeline's FeatureSet is not the model's; the
/// pipeline's errors.
fn model_frame(
    model: &NativeModel,
    dir: &Path,
    since: Option<i64>,
) -> Result<
    (
        appfraud_features::FeatureFrame,
        Option<polars::prelude::DataFrame>,
    ),
    TrainError,
> {
    use appfraud_features::{DirProgress, FeatureOptions, features_from_data_dir};
    // The labels come from the tables ingest validated; the frame is built from the same read.
    let labels = std::cell::RefCell::new(None);
    let frame = features_from_data_dir(
        dir,
        FeatureOptions {
            since_micros: since,
        },
        &|p| {
            if let DirProgress::Ingested { frames: raw, .. } = p {
                *labels.borrow_mut() = raw.labels.clone();
            }
        },
    )?;
    let pipeline_hash = frame.feature_set.hash().to_string();
    if pipeline_hash != model.feature_set_hash {
        return Err(TrainError::FeatureSetMismatch {
            model: model.feature_set_hash.clone(),
            pipeline: pipeline_hash,
        });
    }
    Ok((frame, labels.into_inner()))
}

/// Scores every labelled application of data directory `dir` (at or after `since`) with
/// `model`, labelled with its latest label.
///
/// # Errors
///
/// [`TrainError::Data`] without a labels table; [`TrainError::FeatureSetMismatch`] when the
/// pipeline's FeatureSet is not the model's; the pipeline's errors.
pub fn score_labelled_data_dir(
    model: &NativeModel,
    dir: &Path,
    since: Option<i64>,
) -> Result<LabelledScores, TrainError> {
    let (frame, labels) = model_frame(model, dir, since)?;
    let labels = labels.ok_or_else(|| TrainError::Data {
        reason: format!("{}: labels are required to evaluate", dir.display()),
    })?;
    let latest = crate::dataset::latest_labels(&labels)?;
    let ids = frame
        .frame
        .column("application_id")
        .and_then(|c| c.str().cloned())?;
    let keep: Vec<(usize, bool, String)> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some((i, *latest.get(id?)?, id?.to_owned())))
        .collect();
    let rows: Vec<usize> = keep.iter().map(|(i, _, _)| *i).collect();
    let columns = crate::dataset::feature_rows(&frame.frame, &rows)?;
    let x = ColumnMatrix::new(columns.iter().map(Vec::as_slice).collect())?;
    let probabilities = model.probabilities(&x)?;
    Ok(LabelledScores {
        labels: keep.iter().map(|k| k.1).collect(),
        ids: keep.into_iter().map(|k| k.2).collect(),
        probabilities,
    })
}

/// Compares the applications of data directory `dir` (at or after `since`), period by period,
/// with the training-time reference in `manifest`, the manifest of the package `model` came
/// from (see [`crate::drift_report`]). Labels are not needed.
///
/// # Errors
///
/// [`TrainError::Data`] when the package has no drift reference (written before it existed);
/// [`TrainError::FeatureSetMismatch`], the pipeline's errors, and those of
/// [`crate::drift_report`].
pub fn drift_on_data_dir(
    model: &NativeModel,
    manifest: &ModelManifest,
    dir: &Path,
    since: Option<i64>,
    period: crate::Period,
    config: &crate::ValidDriftConfig,
) -> Result<crate::DriftReport, TrainError> {
    let reference = manifest
        .drift_reference
        .as_ref()
        .ok_or_else(|| TrainError::Data {
            reason: format!(
                "model {} has no drift reference in its manifest: it was packaged before drift \
             reports existed; retrain it with this version",
                manifest.model_id
            ),
        })?;
    let (frame, _) = model_frame(model, dir, since)?;
    let all: Vec<usize> = (0..frame.frame.height()).collect();
    let columns = crate::dataset::feature_rows(&frame.frame, &all)?;
    let slices: Vec<&[f32]> = columns.iter().map(Vec::as_slice).collect();
    let probabilities = if all.is_empty() {
        Vec::new()
    } else {
        model.probabilities(&ColumnMatrix::new(slices.clone())?)?
    };
    let times = crate::dataset::micros_column(&frame.frame, "submitted_at")?;
    crate::drift::drift_report(
        &manifest.model_id,
        reference,
        &manifest.bands,
        crate::DriftInputs {
            names: &model.feature_names,
            columns: &slices,
            probabilities: &probabilities,
            times: &times,
        },
        period,
        config,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use appfraud_core::ParamError;

    #[test]
    fn an_empty_config_is_every_default() {
        let config = TrainConfig::from_toml_str("").expect("empty TOML is valid");
        assert_eq!(config, TrainConfig::default());
        let valid = config.check().expect("defaults are valid");
        assert_eq!(valid.algorithm(), Algorithm::Gbdt);
        assert_eq!(valid.calibration(), CalibrationMethod::Platt);
        assert_eq!(
            (valid.review_budget(), valid.bootstrap_resamples()),
            (100, 200)
        );
        assert_eq!(valid.gbdt(), &GbdtParams::default().check().unwrap());
        assert_eq!(
            valid.logistic(),
            &LogisticParams::default().check().unwrap()
        );
    }

    #[test]
    fn keys_reach_their_tables() {
        let text = "algorithm = \"logistic\"\ncalibration = \"isotonic\"\nreview_budget = 7\n\
                    bootstrap_resamples = 0\n[gbdt]\nnum_trees = 3\n[logistic]\nalpha = 0.5\n";
        let config = TrainConfig::from_toml_str(text).expect("valid TOML");
        let expected = TrainConfig::new()
            .algorithm(Algorithm::Logistic)
            .calibration(CalibrationMethod::Isotonic)
            .review_budget(7)
            .bootstrap_resamples(0)
            .gbdt(GbdtParams::new().num_trees(3))
            .logistic(LogisticParams::new().alpha(0.5));
        assert_eq!(config, expected);
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_key_and_line() {
        for (text, key, line) in [
            ("review_budgte = 5\n", "review_budgte", 1),
            (
                "algorithm = \"gbdt\"\n[gbdt]\nnum_leaves = 8\n",
                "num_leaves",
                3,
            ),
            ("[logistic]\nC = 1.0\n", "C", 2),
            ("[lightgbm]\nnum_trees = 1\n", "lightgbm", 1),
        ] {
            match TrainConfig::from_toml_str(text) {
                Err(TrainError::InvalidConfig { message }) => {
                    assert!(message.contains(key), "{text}: {message}");
                    assert!(message.starts_with(&format!("line {line}:")), "{message}");
                }
                other => panic!("{text}: expected InvalidConfig, got {other:?}"),
            }
        }
        for text in [
            "algorithm = \"xgboost\"\n",
            "review_budget = \"many\"\n",
            "[gbdt]\nnum_trees = -1\n",
        ] {
            assert!(
                matches!(
                    TrainConfig::from_toml_str(text),
                    Err(TrainError::InvalidConfig { .. })
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn out_of_range_values_are_one_error_naming_their_table() {
        let cases: [(&str, Option<&'static str>, &str, &str); 3] = [
            ("review_budget = 0\n", None, "review_budget", "0"),
            (
                "[gbdt]\nlearning_rate = 1.5\n",
                Some("gbdt"),
                "learning_rate",
                "1.5",
            ),
            (
                "[logistic]\nmax_iterations = 0\n",
                Some("logistic"),
                "max_iterations",
                "0",
            ),
        ];
        for (text, table, name, value) in cases {
            let config = TrainConfig::from_toml_str(text).expect("parses");
            let err = TrainError::from(config.check().expect_err(text));
            match &err {
                TrainError::InvalidParameter(ParamError {
                    table: t,
                    name: n,
                    value: v,
                    ..
                }) => assert_eq!((*t, *n, v.as_str()), (table, name, value), "{text}"),
                other => panic!("{text}: expected InvalidParameter, got {other:?}"),
            }
            assert!(err.is_user_error());
        }
        let err = TrainConfig::from_toml_str("[gbdt]\nlearning_rate = 1.5\n")
            .unwrap()
            .check()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "parameter gbdt.learning_rate = 1.5 is invalid; expected a number in (0, 1]"
        );
    }

    #[test]
    fn help_lists_every_parameter_of_every_table_with_its_default() {
        let help = TrainConfig::help();
        let names: Vec<&str> = TrainConfig::TABLES.iter().map(|t| t.name).collect();
        assert_eq!(names, ["gbdt", "logistic", "scorecard"]);
        assert_eq!(TrainConfig::TABLES[0].params, GbdtParams::PARAMETERS);
        assert_eq!(TrainConfig::TABLES[1].params, LogisticParams::PARAMETERS);
        assert_eq!(TrainConfig::TABLES[2].params, ScorecardParams::PARAMETERS);
        for line in [
            "  algorithm = \"gbdt\"  (\"gbdt\", \"logistic\" or \"scorecard\")",
            "  review_budget = 100  (an integer ≥ 1)",
            "  bootstrap_resamples = 200  (any integer ≥ 0)",
            "[gbdt]  GBDT parameters, used when `algorithm = \"gbdt\"`.",
            "  num_trees = 500  (an integer ≥ 1)",
            "  monotone_constraints = []  (empty, or one of -1, 0, 1 per feature)",
            "[logistic]  Logistic-regression parameters, used when `algorithm = \"logistic\"`.",
            "  gradient_tolerance = 1e-9  (a finite number > 0)",
            "  points_pdo = 20  (a finite number > 0)",
            "  ascending = []  (feature names)",
        ] {
            assert!(
                help.lines().any(|l| l == line),
                "{line:?} missing from:\n{help}"
            );
        }
        // Each parameter is one line indented by two spaces, its doc the next, indented by six.
        let count = TrainConfig::PARAMETERS.len()
            + GbdtParams::PARAMETERS.len()
            + LogisticParams::PARAMETERS.len()
            + ScorecardParams::PARAMETERS.len();
        assert_eq!(count, 6 + 18 + 5 + 18);
        let params = help
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "));
        assert_eq!(params.count(), count);
    }
}
