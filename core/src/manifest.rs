//! The model package manifest (`manifest.json`): the contract between `train`, which writes a
//! package, and `serve`, which loads one. Plain data with serde; `serve` verifies a package
//! against it before it scores anything.
//!
//! A package directory holds:
//!
//! ```text
//! model.onnx      input "features" float32 [N, F]; output "probability" float32 [N] (calibrated)
//! manifest.json   this type
//! model.json      the native model
//! metrics.json    every metric
//! model_card.md   purpose, data, metrics with intervals, fairness notes, limits
//! *.svg           ROC, precision-recall, calibration, importance
//! ```
//!
//! The package is tamper-evident as a whole:
//!
//! - [`ModelManifest::files`] lists every other file of the directory with the SHA-256 of its
//!   bytes on disk; a file that is not listed, or listed but absent, is not a package file;
//! - [`ModelManifest::manifest_sha256`] is the SHA-256 of `manifest.json` itself as written,
//!   with that field's value blank ([`manifest_digest`]), so an edit of the manifest (a band
//!   threshold, a cover, the feature list) is seen;
//! - [`ManifestFeatureSet::hash`] is [`FeatureSet::hash`] of the listed features
//!   ([`ManifestFeatureSet::feature_set`]), so the list and its hash cannot disagree.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{CoreError, FeatureDef, FeatureSet, sha256_hex};

/// The manifest format this build writes and reads. Version 2 added [`ModelManifest::files`]
/// and [`ModelManifest::manifest_sha256`]; a package of another version must be retrained.
pub const MANIFEST_FORMAT_VERSION: u32 = 2;
/// Name of the manifest's own digest field ([`ModelManifest::manifest_sha256`]).
pub const MANIFEST_DIGEST_FIELD: &str = "manifest_sha256";
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
    /// SHA-256 of this file's bytes as written, with this field's value blank (the empty
    /// string): see [`manifest_digest`] and [`seal_manifest`].
    pub manifest_sha256: String,
    /// Name and version of the model, written into every score row
    /// (`appfraud-gbdt-<FeatureSet hash prefix>-<model.onnx hash prefix>`).
    pub model_id: String,
    /// `gbdt` or `logistic`.
    pub algorithm: String,
    /// The program that wrote the package (`appfraud 0.1.0`).
    pub producer: String,
    /// The model's inputs, in column order, and their hash.
    pub feature_set: ManifestFeatureSet,
    /// How the model's probabilities were calibrated (`platt` or `isotonic`, or `none` for an
    /// imported model that keeps its own probability); the calibration is inside `model.onnx`.
    pub calibration: String,
    /// Score bands on the calibrated probability.
    pub bands: Bands,
    /// The ONNX file and its graph's input and output names (its checksum is in
    /// [`ModelManifest::files`]).
    pub onnx: OnnxFile,
    /// What the model was trained on.
    pub training: TrainingSummary,
    /// Validation and test metrics, each with a bootstrap interval.
    pub metrics: Metrics,
    /// What reason codes need beyond the ONNX graph.
    pub explainer: Explainer,
    /// Every file of the package but `manifest.json`, by name, with its SHA-256.
    pub files: Vec<PackageFile>,
    /// The training-time distributions `appfraud drift` compares scoring periods with. Absent
    /// from packages written before it existed: such a package scores as before, and `drift`
    /// asks for it to be retrained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift_reference: Option<DriftReference>,
}

impl ModelManifest {
    /// The SHA-256 recorded for the package file `name`, if it is listed.
    pub fn file_sha256(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.sha256.as_str())
    }
}

/// One file of a package and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageFile {
    /// File name inside the package directory (no directory part).
    pub name: String,
    /// SHA-256 of the file, 64 lower-case hex digits.
    pub sha256: String,
}

/// `"manifest_sha256": "<value>"` as a JSON pretty printer writes it.
fn digest_entry(value: &str) -> String {
    format!("\"{MANIFEST_DIGEST_FIELD}\": \"{value}\"")
}

/// The SHA-256 of manifest text `json` whose digest field holds `recorded`, computed over
/// `json` with that value replaced by the empty string: what [`seal_manifest`] recorded if
/// the text is unchanged. `None` when the entry `"manifest_sha256": "<recorded>"` does not
/// occur exactly once (inside a JSON string its quotes would be escaped, so only the key
/// itself matches).
pub fn manifest_digest(json: &[u8], recorded: &str) -> Option<String> {
    let text = std::str::from_utf8(json).ok()?;
    let entry = digest_entry(recorded);
    if text.matches(&entry).count() != 1 {
        return None;
    }
    Some(sha256_hex(
        text.replacen(&entry, &digest_entry(""), 1).as_bytes(),
    ))
}

/// Fills in the digest of manifest text `json`, written with an empty digest field: the
/// returned bytes are `json` with `"manifest_sha256": ""` replaced by the SHA-256 of `json`.
/// `None` when that entry does not occur exactly once.
pub fn seal_manifest(json: &[u8]) -> Option<Vec<u8>> {
    let digest = manifest_digest(json, "")?;
    let text = std::str::from_utf8(json).ok()?;
    Some(
        text.replacen(&digest_entry(""), &digest_entry(&digest), 1)
            .into_bytes(),
    )
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

impl ManifestFeatureSet {
    /// The listed features as a [`FeatureSet`] (without descriptions), whose
    /// [`FeatureSet::hash`] a consistent manifest records in [`ManifestFeatureSet::hash`].
    ///
    /// # Errors
    ///
    /// [`CoreError::UnknownVariant`] for an unknown family or missing-value policy,
    /// [`CoreError::DuplicateFeature`] or [`CoreError::InvalidFeatureName`] for a name the
    /// FeatureSet refuses.
    pub fn feature_set(&self) -> Result<FeatureSet, CoreError> {
        let defs = self
            .features
            .iter()
            .map(|f| {
                Ok(FeatureDef::new(
                    f.name.clone(),
                    f.family.parse()?,
                    f.missing.parse()?,
                    "",
                ))
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        FeatureSet::new(defs)
    }
}

impl From<&FeatureSet> for ManifestFeatureSet {
    /// The manifest's listing of `set`: its hash and, in column order, each feature's name,
    /// family and missing-value policy (descriptions are not part of the contract).
    fn from(set: &FeatureSet) -> Self {
        ManifestFeatureSet {
            hash: set.hash().to_string(),
            features: set
                .features()
                .iter()
                .map(|f| ManifestFeature {
                    name: f.name.clone(),
                    family: f.family.as_str().to_owned(),
                    missing: f.missing.as_str().to_owned(),
                })
                .collect(),
        }
    }
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
    /// When the package holds the deployed fit (refitted after the evaluation fit that the
    /// counts above and the metrics describe): its rows and calibration window. Absent when
    /// the package holds the evaluation fit itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed_fit: Option<DeployedFit>,
}

/// The rows of a deployed fit: what the packaged model learned from, and the calibration
/// window its calibration and band thresholds were fitted on (rows it did not learn from).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployedFit {
    /// First and last time (RFC 3339) of the rows the deployed model learned from.
    pub train_window: Option<(String, String)>,
    /// Rows it learned from, and fraud among them.
    pub train: SplitCounts,
    /// First and last time (RFC 3339) of the calibration window's rows.
    pub calibration_window: Option<(String, String)>,
    /// Calibration-window rows, and fraud among them.
    pub calibration: SplitCounts,
    /// Trees of a tree model (the evaluation fit's tree count).
    pub trees: Option<usize>,
    /// Rows before the calibration window left out because their identity cluster reaches it.
    pub dropped_cluster_overlap: usize,
}

/// Binned distributions of the model's inputs and of its score at training time: the reference
/// `appfraud drift` measures each scoring period against. Counts per bin only, never a row.
///
/// - The features are counted over every row of the training window, labelled or not: the
///   labelled rows are not a random sample of the applications (some are never investigated,
///   recent ones not yet), and every application is scored.
/// - The score and the bands are counted over every row of the held-out window (the test
///   split's dates, which are the deployed fit's calibration window): scores of rows a model
///   learned from are more extreme than the scores it gives new applicants, so only held-out
///   scores are a fair reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftReference {
    /// First and last time (RFC 3339) of the rows the features were counted on.
    pub features_window: Option<(String, String)>,
    /// Rows the features were counted on.
    pub features_rows: usize,
    /// One histogram per model input, in the model's column order.
    pub features: Vec<FeatureHistogram>,
    /// First and last time (RFC 3339) of the rows the score was counted on.
    pub score_window: Option<(String, String)>,
    /// The calibrated probability over the held-out rows.
    pub score: Histogram,
    /// Rows per band over the same held-out rows, at the package's band thresholds.
    pub bands: BandCounts,
}

/// One input's histogram in a [`DriftReference`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureHistogram {
    /// The feature's column name.
    pub name: String,
    /// Its histogram.
    pub histogram: Histogram,
}

/// Counts of values in right-closed bins, plus missing values.
///
/// Bin `i` holds the values `v` with `edges[i - 1] < v <= edges[i]`, the first bin everything
/// up to `edges[0]` and the last everything above the last edge, so `counts` has one more
/// entry than `edges`; `NaN` is counted in `missing`. Edges are strictly increasing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Histogram {
    /// Upper bounds of every bin but the last, strictly increasing.
    pub edges: Vec<f64>,
    /// Values per bin: `edges.len() + 1` entries.
    pub counts: Vec<u64>,
    /// `NaN` values.
    pub missing: u64,
}

impl Histogram {
    /// Counts `values` into the bins of `edges` (which must be strictly increasing).
    pub fn count(edges: &[f64], values: impl IntoIterator<Item = f64>) -> Histogram {
        let mut counts = vec![0u64; edges.len() + 1];
        let mut missing = 0;
        for v in values {
            if v.is_nan() {
                missing += 1;
            } else {
                counts[edges.partition_point(|e| *e < v)] += 1;
            }
        }
        Histogram {
            edges: edges.to_vec(),
            counts,
            missing,
        }
    }

    /// Every value counted, missing included.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.missing
    }

    /// The bin counts followed by the missing count: the cells a comparison runs over.
    pub fn cells(&self) -> Vec<u64> {
        let mut cells = self.counts.clone();
        cells.push(self.missing);
        cells
    }

    /// Whether the edges are finite and strictly increasing and the counts one more than the
    /// edges: what [`Histogram::count`] writes, and what a manifest read back must hold.
    pub fn is_well_formed(&self) -> bool {
        self.counts.len() == self.edges.len() + 1
            && self.edges.iter().all(|e| e.is_finite())
            && self.edges.windows(2).all(|w| w[0] < w[1])
    }
}

/// Rows per band.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandCounts {
    /// Rows in the `clear` band.
    pub clear: u64,
    /// Rows in the `review` band.
    pub review: u64,
    /// Rows in the `verify` band.
    pub verify: u64,
}

impl BandCounts {
    /// Counts the bands of `probabilities` at `bands`' thresholds.
    pub fn count(bands: &Bands, probabilities: impl IntoIterator<Item = f64>) -> BandCounts {
        let mut c = BandCounts::default();
        for p in probabilities {
            match bands.band(p) {
                Band::Clear => c.clear += 1,
                Band::Review => c.review += 1,
                Band::Verify => c.verify += 1,
            }
        }
        c
    }

    /// The counts in band order (`clear`, `review`, `verify`).
    pub fn cells(&self) -> [u64; 3] {
        [self.clear, self.review, self.verify]
    }

    /// All rows.
    pub fn total(&self) -> u64 {
        self.clear + self.review + self.verify
    }
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

/// A reason code: one feature's contribution to an application's score, with the sentence a
/// reviewer reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonCode {
    /// The feature.
    pub feature: String,
    /// Its value for the application (`NaN` = missing).
    pub value: f32,
    /// Its contribution to the log-odds of fraud (TreeSHAP value, or coefficient × standardised
    /// value). Reasons list the largest positive contributions: what pushed the score up.
    pub contribution: f64,
    /// What the value means, in plain English a reviewer can act on ("applied from a
    /// hosting-provider (data-centre) network"): the feature catalog's sentence for this value,
    /// or, for a feature the catalog does not describe, the feature's name and value ("col_a =
    /// 3.2 raised the score"). Never empty; holds only fixed text and the value, never
    /// personal data. The numbers stay in their own fields: nothing needs to parse it.
    pub text: String,
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
    fn a_reason_code_serialises_its_sentence_beside_its_numbers() {
        let r = ReasonCode {
            feature: "ip_kind_hosting".into(),
            value: 1.0,
            contribution: 0.5,
            text: "applied from a hosting-provider (data-centre) network".into(),
        };
        let text = serde_json::to_string(&r).expect("serialises");
        assert_eq!(
            text,
            r#"{"feature":"ip_kind_hosting","value":1.0,"contribution":0.5,"text":"applied from a hosting-provider (data-centre) network"}"#
        );
        let back: ReasonCode = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, r);
        // The sentence is part of the contract: a reason without one does not parse.
        let without = r#"{"feature":"x","value":1.0,"contribution":0.5}"#;
        assert!(serde_json::from_str::<ReasonCode>(without).is_err());
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

    #[test]
    fn a_sealed_manifest_verifies_and_any_edit_changes_its_digest() {
        let unsealed = "{\n  \"format_version\": 2,\n  \"manifest_sha256\": \"\",\n  \"bands\": {\"review\": 0.2}\n}";
        let sealed = seal_manifest(unsealed.as_bytes()).expect("one digest entry");
        let sealed = String::from_utf8(sealed).expect("UTF-8");
        // Reference: the digest is SHA-256 of the text with the field blank, i.e. of `unsealed`.
        let expected = sha256_hex(unsealed.as_bytes());
        assert_eq!(
            sealed,
            unsealed.replace(
                "\"manifest_sha256\": \"\"",
                &format!("\"manifest_sha256\": \"{expected}\"")
            )
        );
        assert_eq!(
            manifest_digest(sealed.as_bytes(), &expected).as_deref(),
            Some(expected.as_str())
        );
        let edited = sealed.replace("0.2", "0.3");
        let digest = manifest_digest(edited.as_bytes(), &expected).expect("entry present");
        assert_ne!(digest, expected);
        // A recorded value that is not the one in the text, or an entry present twice, has no
        // digest.
        assert_eq!(manifest_digest(sealed.as_bytes(), "00"), None);
        let twice = format!("{unsealed}{unsealed}");
        assert_eq!(seal_manifest(twice.as_bytes()), None);
    }

    #[test]
    fn the_listed_features_rebuild_the_feature_set_they_were_listed_from() {
        use crate::{Family, MissingPolicy};
        let set = FeatureSet::new(vec![
            FeatureDef::new("a_ms", Family::Time, MissingPolicy::Informative, "x"),
            FeatureDef::new("b_count", Family::Velocity, MissingPolicy::Never, "y"),
        ])
        .expect("valid set");
        let listed = ManifestFeatureSet::from(&set);
        assert_eq!(listed.hash, set.hash().to_string());
        assert_eq!(listed.features[1].name, "b_count");
        assert_eq!(
            (
                listed.features[1].family.as_str(),
                listed.features[1].missing.as_str()
            ),
            ("velocity", "never")
        );
        assert_eq!(listed.feature_set().expect("parses").hash(), set.hash());
        let mut swapped = listed.clone();
        swapped.features.swap(0, 1);
        assert_ne!(swapped.feature_set().expect("parses").hash(), set.hash());
        let mut unknown = listed;
        unknown.features[0].family = "astrology".into();
        assert!(matches!(
            unknown.feature_set(),
            Err(CoreError::UnknownVariant { .. })
        ));
    }
}
