//! Loading and verifying a model package (`model.onnx` + `manifest.json`, see
//! [`appfraud_core::manifest`]).
//!
//! [`ModelPackage::load`] refuses, with a typed error naming both values, a manifest of another
//! format version, a `model.onnx` whose SHA-256 is not the manifest's, and a graph whose
//! structure does not match the manifest (feature count, TreeSHAP covers). The FeatureSet check
//! against the pipeline is [`ModelPackage::check_feature_set`], done by whoever computes the
//! features.

use std::path::{Path, PathBuf};

use appfraud_core::{
    Explainer, MANIFEST_FILE, MANIFEST_FORMAT_VERSION, ModelManifest, ReasonCode, sha256_hex,
};
use appfraud_onnx::proto::ModelProto;

use crate::graph::{
    Calibration, LinearModel, read_calibration, read_linear, read_trees, tree_node,
};
use crate::{ServeError, ShapScratch, TreeEnsemble, top_reasons};

/// How reason codes are computed for a package.
#[derive(Debug, Clone)]
pub enum Explanation {
    /// Exact TreeSHAP over the ensemble read from `model.onnx` with the manifest's covers.
    Trees(TreeEnsemble),
    /// Coefficient × standardised value, read from the graph's initializers.
    Linear(LinearModel),
}

/// A verified model package.
#[derive(Debug, Clone)]
pub struct ModelPackage {
    dir: PathBuf,
    manifest: ModelManifest,
    onnx: Vec<u8>,
    feature_names: Vec<String>,
    explanation: Explanation,
    calibration: Calibration,
}

/// Scratch memory for [`ModelPackage::reasons`], one per worker thread.
#[derive(Debug, Clone, Default)]
pub struct ReasonScratch {
    shap: ShapScratch,
    contributions: Vec<f64>,
}

impl ModelPackage {
    /// Reads and verifies the package in `dir`.
    ///
    /// # Errors
    ///
    /// [`ServeError::PackageUnreadable`] when a file is missing or unreadable,
    /// [`ServeError::ManifestInvalid`] when the manifest does not parse or is of another format
    /// version, [`ServeError::ChecksumMismatch`] when `model.onnx` is not the file the manifest
    /// names, [`ServeError::PackageInconsistent`] when the graph and the manifest disagree.
    pub fn load(dir: &Path) -> Result<Self, ServeError> {
        let read = |path: PathBuf| {
            std::fs::read(&path).map_err(|e| ServeError::PackageUnreadable {
                path: path.clone(),
                reason: e.to_string(),
            })
        };
        let manifest_path = dir.join(MANIFEST_FILE);
        let manifest_bytes = read(manifest_path.clone())?;
        let invalid = |reason: String| ServeError::ManifestInvalid {
            path: manifest_path.clone(),
            reason,
        };
        let manifest: ModelManifest =
            serde_json::from_slice(&manifest_bytes).map_err(|e| invalid(e.to_string()))?;
        if manifest.format_version != MANIFEST_FORMAT_VERSION {
            return Err(invalid(format!(
                "format version {} (this build reads {MANIFEST_FORMAT_VERSION})",
                manifest.format_version
            )));
        }
        let onnx_path = dir.join(&manifest.onnx.file);
        let onnx = read(onnx_path.clone())?;
        let actual = sha256_hex(&onnx);
        if actual != manifest.onnx.sha256 {
            return Err(ServeError::ChecksumMismatch {
                file: onnx_path,
                manifest: manifest.onnx.sha256.clone(),
                actual,
            });
        }
        let model = appfraud_onnx::decode(&onnx).map_err(|e| ServeError::InvalidModel {
            reason: format!("{}: {e}", onnx_path.display()),
        })?;
        let feature_names: Vec<String> = manifest
            .feature_set
            .features
            .iter()
            .map(|f| f.name.clone())
            .collect();
        check_input_width(&model, feature_names.len())?;
        let n = feature_names.len();
        let explanation = match (&manifest.explainer, tree_node(&model)?) {
            (Explainer::TreeShap { covers }, Some(node)) => {
                Explanation::Trees(read_trees(node, n, covers)?)
            }
            (Explainer::Linear, None) => Explanation::Linear(read_linear(&model, n)?),
            (Explainer::TreeShap { .. }, None) => {
                return Err(ServeError::PackageInconsistent {
                    reason: "the manifest describes trees but model.onnx has no tree ensemble"
                        .into(),
                });
            }
            (Explainer::Linear, Some(_)) => {
                return Err(ServeError::PackageInconsistent {
                    reason: "the manifest describes a linear model but model.onnx holds trees"
                        .into(),
                });
            }
        };
        let calibration = read_calibration(&model)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
            onnx,
            feature_names,
            explanation,
            calibration,
        })
    }

    /// The package directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The manifest.
    pub fn manifest(&self) -> &ModelManifest {
        &self.manifest
    }

    /// The bytes of `model.onnx`.
    pub fn onnx_bytes(&self) -> &[u8] {
        &self.onnx
    }

    /// Feature names in input column order.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// Number of input features.
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// How reasons are computed.
    pub fn explanation(&self) -> &Explanation {
        &self.explanation
    }

    /// The calibration inside the graph.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// Refuses a pipeline whose FeatureSet hash is not the model's.
    ///
    /// # Errors
    ///
    /// [`ServeError::FeatureSetMismatch`] naming both hashes.
    pub fn check_feature_set(&self, pipeline_hash: &str) -> Result<(), ServeError> {
        if pipeline_hash == self.manifest.feature_set.hash {
            Ok(())
        } else {
            Err(ServeError::FeatureSetMismatch {
                model: self.manifest.feature_set.hash.clone(),
                pipeline: pipeline_hash.to_owned(),
            })
        }
    }

    /// The margin (log-odds before calibration) of one row, and each feature's contribution to
    /// it into `contributions` (zeroed first); contributions add up to the margin minus the
    /// model's expected margin (trees) or intercept (linear).
    ///
    /// # Panics
    ///
    /// If `row` or `contributions` do not hold [`ModelPackage::n_features`] values.
    pub fn contributions(&self, row: &[f32], contributions: &mut [f64], shap: &mut ShapScratch) {
        contributions.fill(0.0);
        match &self.explanation {
            Explanation::Trees(trees) => trees.shap_values_with(row, contributions, shap),
            Explanation::Linear(linear) => linear.contributions(row, contributions),
        }
    }

    /// The `k` reason codes of one row: the features that pushed its score up most, largest
    /// first (see [`top_reasons`]).
    ///
    /// # Panics
    ///
    /// If `row` does not hold [`ModelPackage::n_features`] values.
    pub fn reasons(&self, row: &[f32], k: usize, scratch: &mut ReasonScratch) -> Vec<ReasonCode> {
        if k == 0 {
            return Vec::new();
        }
        scratch.contributions.resize(self.n_features(), 0.0);
        self.contributions(row, &mut scratch.contributions, &mut scratch.shap);
        top_reasons(&scratch.contributions, k)
            .into_iter()
            .map(|(j, contribution)| ReasonCode {
                feature: self.feature_names[j].clone(),
                value: row[j],
                contribution,
            })
            .collect()
    }
}

/// Checks that the graph's input declares `n` features.
fn check_input_width(model: &ModelProto, n: usize) -> Result<(), ServeError> {
    use appfraud_onnx::proto::{tensor_shape_proto::dimension::Value, type_proto};
    let width = model
        .graph
        .as_ref()
        .and_then(|g| g.input.first())
        .and_then(|i| i.r#type.as_ref())
        .and_then(|t| match &t.value {
            Some(type_proto::Value::TensorType(t)) => t.shape.as_ref(),
            _ => None,
        })
        .and_then(|s| s.dim.get(1))
        .and_then(|d| match d.value {
            Some(Value::DimValue(v)) => usize::try_from(v).ok(),
            _ => None,
        });
    match width {
        Some(w) if w == n => Ok(()),
        Some(w) => Err(ServeError::PackageInconsistent {
            reason: format!("model.onnx takes {w} features, the manifest lists {n}"),
        }),
        None => Err(ServeError::PackageInconsistent {
            reason: "model.onnx does not declare a fixed number of input features".into(),
        }),
    }
}
