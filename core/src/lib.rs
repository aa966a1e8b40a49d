//! # appfraud-core: the shared vocabulary
//!
//! Every other appfraud crate speaks in the types defined here, and this crate depends on
//! nothing heavy (no polars, no ONNX Runtime) so that any of them can use it.
//!
//! Design:
//!
//! - [`schema`] is the input contract of `docs/input-contract.md` written down once as data: the
//!   tables of a data directory, their columns, logical types and nullability, and the reference
//!   files. The generator writes by it, ingest validates by it; nothing else spells column names.
//! - [`features`] describes features: [`FeatureDef`] (name, family, missing-value policy) and
//!   the ordered [`FeatureSet`] whose SHA-256 [`FeatureSetHash`] ties a model to the pipeline
//!   that computes its inputs.
//! - [`manifest`] is the model package contract (`manifest.json`) between `train` and
//!   `serve`, with the score [`Band`]s and [`ReasonCode`]s.
//! - [`params`] holds `declare_params!`, the one way a parameter table is declared (builder,
//!   `check()` into a validated type, getters, [`ParamInfo`] lists for help), and [`ParamError`],
//!   the one error for a value out of range.
//! - Errors are typed per crate ([`CoreError`] here); binaries decide exit codes.

mod error;
pub mod features;
pub mod manifest;
pub mod params;
pub mod primitives;
pub mod schema;

pub use error::CoreError;
pub use features::{Family, FeatureDef, FeatureSet, FeatureSetHash, MissingPolicy, sha256_hex};
pub use manifest::{
    Band, BandCounts, Bands, DeployedFit, DriftReference, Explainer, FeatureHistogram, Histogram,
    MANIFEST_DIGEST_FIELD, MANIFEST_FILE, MANIFEST_FORMAT_VERSION, ManifestFeature,
    ManifestFeatureSet, MetricInterval, Metrics, ModelManifest, ONNX_FILE, OnnxFile, PackageFile,
    ReasonCode, SplitCounts, SplitMetrics, TrainingSummary, manifest_digest, seal_manifest,
};
pub use params::{ParamError, ParamInfo, ParamTable};
pub use schema::{ColumnSpec, ColumnType, IpKind, ReferenceSpec, TableSpec};
