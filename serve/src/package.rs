//! Loading and verifying a model package (`manifest.json` and the files it lists, see
//! [`appfraud_core::manifest`]).
//!
//! [`ModelPackage::load`] refuses, with a typed error naming the file (and both values where
//! there are two): a manifest of another format version; a manifest whose own digest is not
//! that of its text; any listed file whose SHA-256 is not the recorded one; a file in the
//! directory that is not listed, or listed but absent; a FeatureSet hash that is not the hash
//! of the listed features; and a graph whose structure does not match the manifest (feature
//! count, TreeSHAP covers). The FeatureSet check against the pipeline is
//! [`ModelPackage::check_feature_set`], done by whoever computes the features.

use std::path::{Component, Path, PathBuf};

use appfraud_core::{
    Explainer, MANIFEST_FILE, MANIFEST_FORMAT_VERSION, ModelManifest, ReasonCode, manifest_digest,
    sha256_hex,
};
use appfraud_features::catalog::{self, Feature};
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
    /// Per input, the catalog entry whose sentence its reasons carry (`None`: the generic one).
    catalog: Vec<Option<&'static Feature>>,
    explanation: Explanation,
    calibration: Calibration,
}

/// Rows per TreeSHAP call in [`ModelPackage::reasons_of_rows`]: enough that a tree's nodes
/// and table are read once for many rows, few enough that the batch's partial sums (one `f64`
/// per feature and quadrature node, about 7 KiB per row for 110 features) stay in the core's
/// L2 cache.
pub const REASON_BATCH: usize = 32;

/// Scratch memory for [`ModelPackage::reasons`], one per worker thread.
#[derive(Debug, Clone, Default)]
pub struct ReasonScratch {
    shap: ShapScratch,
    contributions: Vec<f64>,
    /// The rows of one batch of [`ModelPackage::reasons_of_rows`].
    rows: Vec<f32>,
}

impl ModelPackage {
    /// Reads and verifies the package in `dir`.
    ///
    /// # Errors
    ///
    /// [`ServeError::PackageUnreadable`] when a file or the directory is unreadable,
    /// [`ServeError::ManifestInvalid`] when the manifest does not parse, is of another format
    /// version or names files outside the package, [`ServeError::ChecksumMismatch`] when a file
    /// (the manifest included) is not the file the manifest was written with,
    /// [`ServeError::PackageFileSet`] when a file is not listed or a listed file is absent,
    /// [`ServeError::FeatureSetHashInconsistent`] when the FeatureSet hash is not that of the
    /// listed features, [`ServeError::PackageInconsistent`] when the graph and the manifest
    /// disagree.
    pub fn load(dir: &Path) -> Result<Self, ServeError> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let manifest_bytes = read_file(&manifest_path)?;
        let manifest = parse_manifest(&manifest_path, &manifest_bytes)?;
        let onnx = verify_files(dir, &manifest)?;
        let onnx_path = dir.join(&manifest.onnx.file);
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
        let catalog = manifest
            .feature_set
            .features
            .iter()
            .map(|f| catalog::lookup(&f.name, &f.family, &f.missing))
            .collect();
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
            onnx,
            feature_names,
            catalog,
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
    /// first (see [`top_reasons`]), each with its sentence: the feature catalog's for an input
    /// the package lists with the catalog's name, family and missing-value policy
    /// ([`appfraud_features::catalog::lookup`]), else the generic one naming the input and its
    /// value ([`appfraud_features::catalog::generic_sentence`]).
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
        self.reason_codes(row, &scratch.contributions, k)
    }

    /// [`ModelPackage::reasons`] of many rows: `k[i]` reason codes for row `i` of `rows`
    /// (row-major, [`ModelPackage::n_features`] values per row), the same codes as row by
    /// row. Rows that want reasons go through TreeSHAP in batches of [`REASON_BATCH`], which
    /// reads each tree once per batch instead of once per row.
    ///
    /// # Panics
    ///
    /// If `rows` does not hold `k.len()` rows of [`ModelPackage::n_features`] values.
    pub fn reasons_of_rows(
        &self,
        rows: &[f32],
        k: &[usize],
        scratch: &mut ReasonScratch,
    ) -> Vec<Vec<ReasonCode>> {
        let f = self.n_features();
        assert_eq!(rows.len(), k.len() * f, "rows and reason counts disagree");
        let mut reasons: Vec<Vec<ReasonCode>> = vec![Vec::new(); k.len()];
        let Explanation::Trees(trees) = &self.explanation else {
            for (i, row) in rows.chunks_exact(f.max(1)).enumerate() {
                reasons[i] = self.reasons(row, k[i], scratch);
            }
            return reasons;
        };
        let wanted: Vec<usize> = (0..k.len()).filter(|&i| k[i] > 0).collect();
        for batch in wanted.chunks(REASON_BATCH) {
            scratch.rows.clear();
            for &i in batch {
                scratch.rows.extend_from_slice(&rows[i * f..(i + 1) * f]);
            }
            scratch.contributions.clear();
            scratch.contributions.resize(batch.len() * f, 0.0);
            trees.shap_values_rows(&scratch.rows, &mut scratch.contributions, &mut scratch.shap);
            for (j, &i) in batch.iter().enumerate() {
                let contributions = &scratch.contributions[j * f..(j + 1) * f];
                reasons[i] = self.reason_codes(&rows[i * f..(i + 1) * f], contributions, k[i]);
            }
        }
        reasons
    }

    /// The `k` reason codes of `row` given its contributions.
    fn reason_codes(&self, row: &[f32], contributions: &[f64], k: usize) -> Vec<ReasonCode> {
        top_reasons(contributions, k)
            .into_iter()
            .map(|(j, contribution)| ReasonCode {
                feature: self.feature_names[j].clone(),
                value: row[j],
                contribution,
                text: catalog::reason_sentence(self.catalog[j], &self.feature_names[j], row[j]),
            })
            .collect()
    }
}

/// The bytes of `path`.
fn read_file(path: &Path) -> Result<Vec<u8>, ServeError> {
    std::fs::read(path).map_err(|e| ServeError::PackageUnreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The manifest in `bytes` (read from `path`), of this build's format version, whose own
/// digest and FeatureSet hash are those of its content.
fn parse_manifest(path: &Path, bytes: &[u8]) -> Result<ModelManifest, ServeError> {
    let invalid = |reason: String| ServeError::ManifestInvalid {
        path: path.to_path_buf(),
        reason,
    };
    // The one field every format version has, read before the fields of this version.
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
    let version = &value["format_version"];
    if version.as_u64() != Some(u64::from(MANIFEST_FORMAT_VERSION)) {
        return Err(invalid(format!(
            "format version {version} (this build reads {MANIFEST_FORMAT_VERSION}); retrain the model with this version of appfraud"
        )));
    }
    let manifest: ModelManifest =
        serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
    let recorded = &manifest.manifest_sha256;
    let actual = manifest_digest(bytes, recorded).ok_or_else(|| {
        invalid(format!(
            "its digest field {recorded:?} does not occur exactly once in its text"
        ))
    })?;
    if actual != *recorded {
        return Err(ServeError::ChecksumMismatch {
            file: path.to_path_buf(),
            manifest: recorded.clone(),
            actual,
        });
    }
    let computed = manifest
        .feature_set
        .feature_set()
        .map_err(|e| invalid(format!("its feature list: {e}")))?
        .hash()
        .to_string();
    if computed != manifest.feature_set.hash {
        return Err(ServeError::FeatureSetHashInconsistent {
            file: path.to_path_buf(),
            recorded: manifest.feature_set.hash.clone(),
            computed,
        });
    }
    Ok(manifest)
}

/// Checks that `dir` holds exactly the manifest and the files it lists, each with its recorded
/// SHA-256; returns the bytes of the ONNX file.
fn verify_files(dir: &Path, manifest: &ModelManifest) -> Result<Vec<u8>, ServeError> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let invalid = |reason: String| ServeError::ManifestInvalid {
        path: manifest_path.clone(),
        reason,
    };
    let mut names: Vec<&str> = Vec::with_capacity(manifest.files.len());
    for file in &manifest.files {
        let plain = matches!(
            Path::new(&file.name).components().collect::<Vec<_>>().as_slice(),
            [Component::Normal(n)] if *n == file.name.as_str()
        );
        if !plain || file.name == MANIFEST_FILE || names.contains(&file.name.as_str()) {
            return Err(invalid(format!(
                "it lists {:?}, which is not a file name of its own in the package",
                file.name
            )));
        }
        names.push(&file.name);
    }
    if !names.contains(&manifest.onnx.file.as_str()) {
        return Err(invalid(format!(
            "its ONNX file {:?} is not among the files it lists",
            manifest.onnx.file
        )));
    }
    let unreadable = |e: std::io::Error| ServeError::PackageUnreadable {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    let mut unlisted = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let name = entry.map_err(unreadable)?.file_name();
        let listed = name
            .to_str()
            .is_some_and(|n| n == MANIFEST_FILE || names.contains(&n));
        if !listed {
            unlisted.push(dir.join(name));
        }
    }
    let mut onnx = Vec::new();
    for file in &manifest.files {
        let path = dir.join(&file.name);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ServeError::PackageFileSet {
                    file: path,
                    listed: true,
                });
            }
            Err(e) => {
                return Err(ServeError::PackageUnreadable {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        let actual = sha256_hex(&bytes);
        if actual != file.sha256 {
            return Err(ServeError::ChecksumMismatch {
                file: path,
                manifest: file.sha256.clone(),
                actual,
            });
        }
        if file.name == manifest.onnx.file {
            onnx = bytes;
        }
    }
    unlisted.sort();
    match unlisted.into_iter().next() {
        Some(file) => Err(ServeError::PackageFileSet {
            file,
            listed: false,
        }),
        None => Ok(onnx),
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
