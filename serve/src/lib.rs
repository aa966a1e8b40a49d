//! # appfraud-serve: scoring with a trained model package
//!
//! Everything after training: load and verify a model package, compute calibrated
//! probabilities with ONNX Runtime or the native tree evaluator, explain them with reason codes,
//! and score whole data directories or feature tables in parallel. It never links
//! `appfraud-train`: the model package (`model.onnx` + `manifest.json`, described by
//! [`appfraud_core::manifest`]) is the only contract between the two.
//!
//! ## Pipeline of types
//!
//! [`ModelPackage::load`] (a directory) → [`ModelPackage`] (verified) → [`BatchScorer::new`]
//! with an [`EngineChoice`] → [`BatchScorer::probabilities`] on row-major `f32` feature rows →
//! [`ModelPackage::reasons`] for the rows that need them →
//! [`ReasonCode`](appfraud_core::ReasonCode)s.
//!
//! - **Loading.** [`ModelPackage::load`] refuses, naming both values, a manifest of another
//!   format version, a `model.onnx` whose SHA-256 is not the manifest's, and a graph that does
//!   not match the manifest. [`ModelPackage::check_feature_set`] refuses features computed by
//!   another pipeline (the FeatureSet hash). The package reads its graph back
//!   ([`Calibration`], [`TreeEnsemble`] or [`LinearModel`]) for the native engine and for
//!   explanations ([`Explanation`]).
//! - **Engines.** [`EngineChoice::Auto`] is the native tree evaluator ([`NativeTrees`],
//!   compiled from the ONNX file's own attributes and held equal to ONNX Runtime by the parity
//!   tests) for tree packages and ONNX Runtime for every other model; ONNX Runtime runs one
//!   session per worker thread ([`OnnxModel`], one intra-op thread each).
//! - **Reason codes.** For trees, exact path-dependent TreeSHAP
//!   ([`TreeEnsemble::shap_values`], [`ShapScratch`]); for logistic models, coefficient ×
//!   standardised value, after the graph's clipping and `ln(1 + x)` of counts
//!   ([`LinearModel::contributions`]). [`top_reasons`] keeps the features that
//!   pushed the score up most; [`ReasonScratch`] makes repeated calls allocation-free. Each
//!   reason carries the sentence a reviewer reads for its value: the feature catalog's
//!   (`appfraud_features::catalog`) for an input the package lists with the catalog's name,
//!   family and missing-value policy, a generic one naming the input and its value otherwise.
//! - **Batch scoring.** [`score_data_dir`] computes features with the one pipeline of
//!   `appfraud-features` (`--since` scores only the newer applications, the rest is history);
//!   [`score_table`] takes precomputed features ([`feature_rows`] finds the model's columns by
//!   name). Both score in chunks of [`CHUNK_ROWS`] on rayon, report [`ScoreProgress`], compute
//!   reasons for the [`ReasonScope`] asked for in [`ScoreOptions`], and return a [`ScoreRun`]
//!   whose frame has one row per input application, in input order: probability, band, reasons,
//!   model id, and an `error` for a row that could not be scored (never dropped).
//!   [`write_scores`] writes it atomically.
//! - **One application at a time.** [`Scorer`] holds a package and a history
//!   ([`HistorySource`]), scores one application with the one feature pipeline and the batch
//!   path's model and reasons ([`Score`]), and keeps the history current with
//!   [`Scorer::observe`] and [`Scorer::observe_label`]; it is `Send + Sync`. The [`http`]
//!   module (default feature `http`) serves it: `/v1` score, observe and labels, the Open
//!   Inference Protocol v2 routes, Prometheus metrics and an OpenAPI document.
//! - **Runtime.** [`OnnxRuntime`] finds the ONNX Runtime shared library (`ORT_DYLIB_PATH`,
//!   else `.ort/` near the working directory, the executable or this checkout; the search is the
//!   pure [`locate_onnx_runtime`]) and initialises it once per process, before ort is touched,
//!   so a missing library is an error, not a panic. [`self_check`] runs a tiny model through
//!   ONNX Runtime and compares it with the same arithmetic in Rust.
//!
//! Every failure is a [`ServeError`]; [`ServeError::is_user_error`] tells the binary whether to
//! exit with 2 (bad input, usage or environment) or 1 (internal failure). Nothing here panics on
//! user input.

mod batch;
mod embedded;
mod ensemble;
mod error;
mod graph;
#[cfg(feature = "http")]
pub mod http;
mod model;
mod native;
mod package;
mod runtime;
mod scorer;
mod self_check;
mod treeshap;

pub use batch::{
    ReasonScope, ScoreOptions, ScoreProgress, ScoreRun, feature_rows, score_data_dir,
    score_data_dir_with_snapshot, score_table, write_scores,
};
pub use embedded::{HistorySource, Score, Scorer, ScorerOptions};
pub use ensemble::{Branch, InvalidEnsemble, Leaf, Node, Tree, TreeEnsemble};
pub use error::ServeError;
pub use graph::{Calibration, LinearModel};
pub use model::{INPUT_NAME, OUTPUT_NAME, OnnxModel};
pub use native::{Kernel, NativeTrees};
pub use package::{Explanation, ModelPackage, REASON_BATCH, ReasonScratch};
pub use runtime::{
    LIBRARY_DIR, LIBRARY_FILE, ORT_DYLIB_PATH, OnnxRuntime, default_search_dirs,
    locate_onnx_runtime,
};
pub use scorer::{BatchScorer, CHUNK_ROWS, EngineChoice};
pub use self_check::{SELF_CHECK_TOLERANCE, SelfCheck, self_check};
pub use treeshap::{ShapKernel, ShapScratch, top_reasons};
