//! The error type of the serving layer.

use std::path::PathBuf;

use appfraud_features::FeatureError;
use polars::prelude::PolarsError;

/// How to make ONNX Runtime available; part of every "library not found" message.
const ORT_FIX: &str =
    "run ./dev ort in the appfraud checkout, or set ORT_DYLIB_PATH to libonnxruntime.so";

/// Everything that can go wrong while loading ONNX Runtime, loading a model or scoring.
///
/// Messages are one sentence that names the file or value at fault and, where the user can act,
/// what to do. [`ServeError::is_user_error`] separates the user's problems (exit code 2) from
/// internal failures (exit code 1).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ServeError {
    /// `ORT_DYLIB_PATH` is set but does not name an existing file.
    #[error(
        "ORT_DYLIB_PATH is set to {}, which is not an existing file; {ORT_FIX}",
        path.display()
    )]
    OnnxRuntimeEnvPathInvalid {
        /// The value of `ORT_DYLIB_PATH`.
        path: PathBuf,
    },

    /// No `.ort/libonnxruntime.so` in any searched directory or its parents.
    #[error(
        "ONNX Runtime library not found: no .ort/libonnxruntime.so in {} or any parent directory; {ORT_FIX}",
        display_paths(searched)
    )]
    OnnxRuntimeNotFound {
        /// The directories whose ancestors were searched.
        searched: Vec<PathBuf>,
    },

    /// The library file exists but could not be loaded or initialised (not a shared library,
    /// wrong architecture, a version older than 1.31, ...).
    #[error("cannot load ONNX Runtime from {}: {reason}", path.display())]
    OnnxRuntimeUnloadable {
        /// The library file.
        path: PathBuf,
        /// What ONNX Runtime or the dynamic loader said.
        reason: String,
    },

    /// ONNX Runtime rejected the model bytes as not a valid ONNX model.
    #[error("invalid ONNX model: {reason}")]
    InvalidModel {
        /// What ONNX Runtime said.
        reason: String,
    },

    /// The model loads but does not follow the package contract (input `features` float32
    /// `[N, F]`, output `probability` float32 `[N]`).
    #[error("the model does not follow the appfraud contract: {reason}")]
    ModelContract {
        /// What is wrong with its inputs or outputs.
        reason: String,
    },

    /// Creating an ONNX Runtime session failed for a reason other than an invalid model.
    #[error("cannot create an ONNX Runtime session: {reason}")]
    Session {
        /// What ONNX Runtime said.
        reason: String,
    },

    /// Running the model failed.
    #[error("ONNX Runtime inference failed: {reason}")]
    Inference {
        /// What ONNX Runtime said.
        reason: String,
    },

    /// The feature matrix handed to the model has the wrong size.
    #[error("wrong feature matrix shape: expected {expected}, found {found}")]
    Shape {
        /// What the shape should have been.
        expected: String,
        /// What was given.
        found: String,
    },

    /// A file of the model package is missing or unreadable.
    #[error("cannot read model package file {}: {reason}", path.display())]
    PackageUnreadable {
        /// The file.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },

    /// `manifest.json` does not parse, or is of a format version this build does not read.
    #[error("invalid model manifest {}: {reason}", path.display())]
    ManifestInvalid {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// A file of the package (`manifest.json` included) is not the file the manifest was
    /// written with (changed or damaged).
    #[error(
        "{} has SHA-256 {actual} but the manifest expects {manifest}: the package file was changed or damaged; retrain or restore the package",
        file.display()
    )]
    ChecksumMismatch {
        /// The package file (`manifest.json` for the manifest's own digest).
        file: PathBuf,
        /// The checksum the manifest records.
        manifest: String,
        /// The checksum of the file on disk.
        actual: String,
    },

    /// The model was trained on another FeatureSet than the pipeline computes.
    #[error(
        "the model was trained on FeatureSet {model} but this pipeline computes FeatureSet {pipeline}; retrain the model with this version of appfraud"
    )]
    FeatureSetMismatch {
        /// The hash in the manifest.
        model: String,
        /// The hash of the pipeline.
        pipeline: String,
    },

    /// The package's graph and manifest do not fit together, or the graph is not one appfraud
    /// writes.
    #[error("inconsistent model package: {reason}")]
    PackageInconsistent {
        /// What does not fit.
        reason: String,
    },

    /// The requested scoring engine cannot run this package.
    #[error("scoring engine unavailable: {reason}")]
    EngineUnavailable {
        /// Why.
        reason: String,
    },

    /// A table of features to score does not fit the package (a feature column missing or of
    /// a type that holds no numbers).
    #[error("{message}")]
    Input {
        /// What is wrong, naming the table and the column.
        message: String,
    },

    /// One application could not be scored: one of its features breaks the model's contract (a
    /// missing value where the model requires one, an infinite value), or the model returned
    /// no finite probability. The batch path reports the same reason in its `error` column.
    #[error("application could not be scored: {reason}")]
    Unscorable {
        /// Why, naming the feature.
        reason: String,
    },

    /// The data directory to score could not be read or turned into features; the feature
    /// crate's error names the file, column and row, and says whether it is the user's to fix.
    #[error(transparent)]
    Features(#[from] FeatureError),

    /// A table operation (polars) failed on data that had already been validated: a bug, not
    /// bad input.
    #[error("internal error in a table operation: {reason}")]
    Polars {
        /// What polars reported.
        reason: String,
    },

    /// Writing the scores failed.
    #[error("cannot write {}: {reason}", file.display())]
    Write {
        /// The output file.
        file: PathBuf,
        /// Why.
        reason: String,
    },

    /// ONNX Runtime and the plain-Rust reference disagree in the self-check.
    #[error(
        "ONNX Runtime self-check failed: max |onnx - reference| = {max_abs_diff:e} exceeds {tolerance:e}"
    )]
    SelfCheckMismatch {
        /// The largest absolute difference seen.
        max_abs_diff: f64,
        /// The allowed difference.
        tolerance: f64,
    },

    /// The package directory holds a file its manifest does not list, or the manifest lists a
    /// file the directory does not hold.
    #[error(
        "model package file {} {}; the package was changed after it was written: retrain or restore the package",
        file.display(),
        if *listed { "is listed in manifest.json but absent" } else { "is not listed in manifest.json" }
    )]
    PackageFileSet {
        /// The file.
        file: PathBuf,
        /// `true`: listed but absent; `false`: present but not listed.
        listed: bool,
    },

    /// The manifest's FeatureSet hash is not the hash of the features it lists.
    #[error(
        "{} records FeatureSet hash {recorded} but the features it lists hash to {computed}: the manifest was changed after it was written; retrain or restore the package",
        file.display()
    )]
    FeatureSetHashInconsistent {
        /// The manifest file.
        file: PathBuf,
        /// The hash the manifest records.
        recorded: String,
        /// The hash of the listed features ([`appfraud_core::FeatureSet::hash`]).
        computed: String,
    },

    /// A scoring engine returned another number of values than it was given rows: a defect,
    /// reported instead of pairing values with the wrong rows.
    #[error("the {engine} engine returned {found} values for {expected} rows")]
    EngineOutputLength {
        /// Which engine or computation.
        engine: String,
        /// Rows given.
        expected: usize,
        /// Values returned.
        found: usize,
    },
}

impl ServeError {
    /// `true` when the user can fix the problem (bad input, usage or environment: a missing or
    /// broken ONNX Runtime library, an invalid or foreign model, a feature matrix of the wrong
    /// size, data the pipeline refuses, an unwritable output); `false` for internal failures
    /// (ONNX Runtime failing on a valid model, a failed table operation on validated data, a
    /// failed self-check). A wrapped [`FeatureError`] answers for itself. The binary exits with
    /// 2 for the first, 1 for the second.
    pub fn is_user_error(&self) -> bool {
        match self {
            Self::OnnxRuntimeEnvPathInvalid { .. }
            | Self::OnnxRuntimeNotFound { .. }
            | Self::OnnxRuntimeUnloadable { .. }
            | Self::InvalidModel { .. }
            | Self::ModelContract { .. }
            | Self::Shape { .. }
            | Self::PackageUnreadable { .. }
            | Self::ManifestInvalid { .. }
            | Self::ChecksumMismatch { .. }
            | Self::FeatureSetMismatch { .. }
            | Self::PackageInconsistent { .. }
            | Self::EngineUnavailable { .. }
            | Self::Input { .. }
            | Self::Unscorable { .. }
            | Self::Write { .. } => true,
            Self::Features(e) => e.is_user_error(),
            Self::PackageFileSet { .. } | Self::FeatureSetHashInconsistent { .. } => true,
            Self::Session { .. }
            | Self::Inference { .. }
            | Self::Polars { .. }
            | Self::SelfCheckMismatch { .. }
            | Self::EngineOutputLength { .. } => false,
        }
    }
}

impl From<PolarsError> for ServeError {
    fn from(e: PolarsError) -> Self {
        ServeError::Polars {
            reason: e.to_string(),
        }
    }
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "(no directories)".to_owned();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_errors_are_told_apart_from_internal_ones() {
        let user = ServeError::Shape {
            expected: "6 values".into(),
            found: "5 values".into(),
        };
        let internal = ServeError::Inference {
            reason: "boom".into(),
        };
        assert!(user.is_user_error());
        assert!(!internal.is_user_error());
        let truncated = ServeError::EngineOutputLength {
            engine: "native".into(),
            expected: 3,
            found: 2,
        };
        assert!(!truncated.is_user_error());
        let unlisted = ServeError::PackageFileSet {
            file: PathBuf::from("extra.txt"),
            listed: false,
        };
        assert!(unlisted.is_user_error());
        assert!(unlisted.to_string().contains("extra.txt"), "{unlisted}");
    }

    #[test]
    fn a_wrapped_feature_error_keeps_its_message_and_its_classification() {
        let missing = FeatureError::Ingest(appfraud_features::IngestError::MissingFile {
            dir: PathBuf::from("data"),
            stem: "applications",
        });
        let user = ServeError::from(missing.clone());
        assert_eq!(user, ServeError::Features(missing.clone()));
        assert_eq!(user.to_string(), missing.to_string());
        assert!(user.is_user_error());

        let bug = ServeError::from(FeatureError::Internal {
            reason: "a column vanished".into(),
        });
        assert!(!bug.is_user_error(), "{bug}");
    }

    #[test]
    fn table_failures_are_internal_and_bad_tables_the_users() {
        let polars = ServeError::from(PolarsError::ShapeMismatch("lengths differ".into()));
        assert!(matches!(polars, ServeError::Polars { .. }), "{polars:?}");
        assert!(!polars.is_user_error(), "{polars}");
        let bad_table = ServeError::Input {
            message: "t.parquet: column `x` is missing".into(),
        };
        assert!(bad_table.is_user_error());
    }

    #[test]
    fn not_found_lists_every_searched_directory_and_the_fix() {
        let e = ServeError::OnnxRuntimeNotFound {
            searched: vec![PathBuf::from("one"), PathBuf::from("two")],
        };
        let msg = e.to_string();
        assert!(msg.contains("one, two"), "{msg}");
        assert!(msg.contains(ORT_FIX), "{msg}");
    }
}
