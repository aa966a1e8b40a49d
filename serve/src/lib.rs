//! # appfraud-serve: scoring with a trained model package
//!
//! This crate owns everything that happens after training: loading and verifying a model package
//! (`model.onnx` + `manifest.json`), ONNX Runtime sessions, batch scoring in parallel with rayon,
//! reason codes, the embeddable `Scorer` for one application at a time, and the HTTP server. It
//! never depends on the training crate: the model package is the only contract between the two.
//!
//! For now it holds the runtime layer:
//! - [`OnnxRuntime`] finds the ONNX Runtime shared library (`ORT_DYLIB_PATH`, else
//!   `.ort/libonnxruntime.so` in the current directory, next to the executable or in the
//!   checkout this crate was built from, or any of their parents) and initialises it once per
//!   process; [`locate_onnx_runtime`] is the pure search it uses.
//! - [`OnnxModel`] is one ONNX Runtime session over a model with input `features` (float32
//!   `[N, F]`) and output `probability` (float32 `[N]`). `predict` takes `&mut self`: for
//!   parallel scoring hold one model per worker thread, each with one intra-op thread.
//! - [`TreeEnsemble::shap_values`] (or [`TreeEnsemble::shap_values_with`] and a reusable
//!   [`ShapScratch`]) computes exact path-dependent TreeSHAP contributions of each feature to a
//!   row's margin; [`top_reasons`] picks the features that pushed the score up most.
//! - [`self_check`] builds a tiny logistic model in memory, runs it through ONNX Runtime and
//!   compares with the same arithmetic in plain Rust; `appfraud demo` prints its result.
//!
//! Every failure is a [`ServeError`]; [`ServeError::is_user_error`] tells the binary whether to
//! exit with 2 (bad input, usage or environment) or 1 (internal failure). Nothing here panics on
//! user input or on a missing library: ort itself panics when no library is reachable, so the
//! library is located and checked before ort is touched.

mod batch;
mod ensemble;
mod error;
mod graph;
mod model;
mod native;
mod package;
mod runtime;
mod scorer;
mod self_check;
mod treeshap;

pub use batch::{
    ReasonScope, ScoreOptions, ScoreProgress, ScoreRun, feature_rows, score_data_dir, score_table,
    write_scores,
};
pub use ensemble::{Branch, InvalidEnsemble, Leaf, Node, Tree, TreeEnsemble};
pub use error::ServeError;
pub use graph::{Calibration, LinearModel};
pub use model::{INPUT_NAME, OUTPUT_NAME, OnnxModel};
pub use native::{Kernel, NativeTrees};
pub use package::{Explanation, ModelPackage, ReasonScratch};
pub use runtime::{
    LIBRARY_DIR, LIBRARY_FILE, ORT_DYLIB_PATH, OnnxRuntime, default_search_dirs,
    locate_onnx_runtime,
};
pub use scorer::{BatchScorer, CHUNK_ROWS, EngineChoice};
pub use self_check::{SELF_CHECK_TOLERANCE, SelfCheck, self_check};
pub use treeshap::{ShapScratch, top_reasons};
