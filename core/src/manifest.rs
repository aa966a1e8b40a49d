//! The model package manifest (`manifest.json`): the contract between `train`, which writes a
//! package, and `serve`, which loads one. Plain data with serde; `serve` checks it (format
//! version, `model.onnx` checksum, FeatureSet hash) before it scores anything.
//!
//! A package directory holds:
//!
//! ```text
//! model.onnx      input "features" float32 [N, F]; output "probability" float32 [N] (calibrated)
//! manifest.json   this type
//! model_card.md   purpose, data, metrics with intervals, fairness notes, limits
//! *.svg           ROC, precision-recall, calibration, importance
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// The manifest format this build writes and reads.
pub const MANIFEST_FORMAT_VERSION: u32 = 1;
/// File name of the manifest inside a package.
pub const MANIFEST_FILE: &str = "manifest.json";
/// File name of the ONNX model inside a package.
pub const ONNX_FILE: &str = "model.onnx";

/// Everything a scorer needs to know about a package besides the ONNX graph itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelManifest {
    /// [`MANIFEST_FORMAT_VERSION`] at writing time.
    pub format_version: u32,
    /// Name and version of the model, written into every score row
    /// (`appfraud-gbdt-<FeatureSet hash prefix>-<model.onnx hash prefix>`).
    pub model_id: String,
    /// `gbdt` or `logistic`.
    pub algorithm: String,
    /// The program that wrote the package (`appfraud 0.1.0`).
    pub producer: String,
    /// The model's inputs, in column order, and their hash.
    pub feature_set: ManifestFeatureSet,
    /// How the model's probabilities were calibrated (`platt` or `isotonic`); the calibration is
    /// inside `model.onnx`.
    pub calibration: String,
    /// Score bands on the calibrated probability.
    pub bands: Bands,
    /// The ONNX file and its checksum.
    pub onnx: OnnxFile,
    /// What the model was trained on.
    pub training: TrainingSummary,
    /// Validation and test metrics, each with a bootstrap interval.
    pub metrics: Metrics,
    /// What reason codes need beyond the ONNX graph.
    pub explainer: Explainer,
}

/// The FeatureSet a model was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFeatureSet {
    /// SHA-256 of the FeatureSet's canonical form (`FeatureSet::hash`).
    pub hash: String,
    /// The features in input column order.
    pub features: Vec<ManifestFeature>,
}

/// One input feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFeature {
    /// Column name.
    pub name: String,
    /// Signal family (`Family::as_str`).
    pub family: String,
    /// Missing-value policy (`MissingPolicy::as_str`): `informative` or `never`.
    pub missing: String,
}

/// Probability thresholds of the bands. A probability `p` is `verify` if `p >= verify`, else
/// `review` if `p >= review`, else `clear`. Both were chosen on validation: `verify` at 1 % and
/// `review` at 5 % false-positive rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    /// Lowest probability in the `review` band.
    pub review: f64,
    /// Lowest probability in the `verify` band.
    pub verify: f64,
}

/// The band of a score: where a case goes next. Never an automatic rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// No action.
    Clear,
    /// A human reviewer looks at the application.
    Review,
    /// The applicant is asked for identity verification.
    Verify,
}

impl Band {
    /// `clear`, `review` or `verify`.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Clear => "clear",
            Band::Review => "review",
            Band::Verify => "verify",
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Bands {
    /// The band of probability `p` (a `NaN` is `clear`: callers report unscored rows apart).
    pub fn band(&self, p: f64) -> Band {
        if p >= self.verify {
            Band::Verify
        } else if p >= self.review {
            Band::Review
        } else {
            Band::Clear
        }
    }
}

/// The ONNX file of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnnxFile {
    /// File name inside the package ([`ONNX_FILE`]).
    pub file: String,
    /// SHA-256 of the file, 64 lower-case hex digits.
    pub sha256: String,
    /// Name of the float32 `[N, F]` input.
    pub input: String,
    /// Name of the float32 `[N]` output.
    pub output: String,
}

/// Row and fraud counts of one split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitCounts {
    /// `train`, `validation` or `test`.
    pub split: String,
    /// Labelled rows.
    pub rows: usize,
    /// Of which fraud.
    pub fraud: usize,
}

/// What the model was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingSummary {
    /// The data directory or table, as given on the command line (its last component).
    pub data_source: String,
    /// First and last time of the rows used (RFC 3339), when the data has times.
    pub window: Option<(String, String)>,
    /// Start of the validation split (RFC 3339), for an out-of-time split.
    pub valid_from: Option<String>,
    /// Start of the test split (RFC 3339), for an out-of-time split.
    pub test_from: Option<String>,
    /// Per split, labelled rows and fraud.
    pub label_counts: Vec<SplitCounts>,
    /// Rows without a usable label.
    pub unlabeled: usize,
    /// Training rows dropped because their label came after the validation start.
    pub dropped_label_delay: usize,
    /// Training rows dropped because their identity cluster reaches a later split.
    pub dropped_cluster_overlap: usize,
}

/// A metric with its bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricInterval {
    /// On the full split.
    pub estimate: f64,
    /// Lower bound of the interval.
    pub low: f64,
    /// Upper bound of the interval.
    pub high: f64,
}

/// Metrics of one split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitMetrics {
    /// Labelled rows.
    pub rows: usize,
    /// Of which fraud.
    pub positives: usize,
    /// ROC AUC.
    pub roc_auc: MetricInterval,
    /// PR AUC (average precision).
    pub pr_auc: MetricInterval,
    /// Recall at the `verify` threshold.
    pub recall_at_verify: MetricInterval,
    /// Recall at the `review` threshold.
    pub recall_at_review: MetricInterval,
    /// Review budget `k` of `precision_at_k`.
    pub review_budget: usize,
    /// Precision among the `k` highest scores.
    pub precision_at_k: MetricInterval,
    /// Brier score.
    pub brier: MetricInterval,
}

/// Validation and test metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// On the validation split (where calibration and thresholds were fitted).
    pub validation: SplitMetrics,
    /// On the test split (held out).
    pub test: SplitMetrics,
}

/// What reason codes need beyond the ONNX graph.
///
/// - Trees: the ONNX `TreeEnsembleClassifier` holds the structure and leaf values but not how
///   many training rows reached each node, which exact TreeSHAP weighs paths by. `covers[t][n]`
///   is the cover (sum of training hessians) of node id `n` of tree `t`.
/// - Linear: everything (means, standard deviations, coefficients) is read from the graph's
///   initializers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Explainer {
    /// Exact TreeSHAP over the tree ensemble.
    TreeShap {
        /// Per tree, per ONNX node id, the node's cover.
        covers: Vec<Vec<f64>>,
    },
    /// Coefficient × standardised value (plus the missing indicator's coefficient).
    Linear,
}

/// A reason code: one feature's contribution to an application's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonCode {
    /// The feature.
    pub feature: String,
    /// Its value for the application (`NaN` = missing).
    pub value: f32,
    /// Its contribution to the log-odds of fraud (TreeSHAP value, or coefficient × standardised
    /// value). Reasons list the largest positive contributions: what pushed the score up.
    pub contribution: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_closed_below() {
        let b = Bands {
            review: 0.2,
            verify: 0.6,
        };
        assert_eq!(b.band(0.0), Band::Clear);
        assert_eq!(b.band(0.199_999), Band::Clear);
        assert_eq!(b.band(0.2), Band::Review);
        assert_eq!(b.band(0.599_999), Band::Review);
        assert_eq!(b.band(0.6), Band::Verify);
        assert_eq!(b.band(1.0), Band::Verify);
        assert_eq!(b.band(f64::NAN), Band::Clear);
        assert_eq!(Band::Verify.to_string(), "verify");
    }

    #[test]
    fn explainer_serialises_with_a_kind_tag() {
        let e = Explainer::TreeShap {
            covers: vec![vec![3.0, 1.0, 2.0]],
        };
        let text = serde_json::to_string(&e).expect("serialises");
        assert_eq!(text, r#"{"kind":"tree_shap","covers":[[3.0,1.0,2.0]]}"#);
        let back: Explainer = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, e);
        let linear: Explainer = serde_json::from_str(r#"{"kind":"linear"}"#).expect("parses");
        assert_eq!(linear, Explainer::Linear);
    }
}
