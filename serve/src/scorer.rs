//! Scoring feature rows with a package's model, in parallel: one engine behind one interface.
//!
//! - [`EngineChoice::OnnxRuntime`]: `model.onnx` in ONNX Runtime, one session per rayon worker
//!   (a session's `run` takes `&mut self`), each with one intra-op thread so that sessions do
//!   not fight rayon for the cores.
//! - [`EngineChoice::Native`]: for tree packages, the [`NativeTrees`] evaluator compiled from
//!   the same ONNX attributes; proven equal to ONNX Runtime by the parity tests.
//! - [`EngineChoice::Auto`] (the default): native for trees, ONNX Runtime for every other model.

use std::sync::Mutex;

use rayon::prelude::*;

use crate::native::{Kernel, NativeTrees};
use crate::package::{Explanation, ModelPackage};
use crate::{OnnxModel, ServeError};

/// Rows per parallel work item.
pub const CHUNK_ROWS: usize = 2048;

/// Which engine computes probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineChoice {
    /// Native for tree packages, ONNX Runtime otherwise.
    #[default]
    Auto,
    /// ONNX Runtime, always.
    OnnxRuntime,
    /// The native tree evaluator (tree packages only).
    Native,
}

enum Engine {
    OnnxRuntime(SessionPool),
    Native(NativeTrees),
}

/// ONNX Runtime sessions, one per rayon worker (plus one for callers outside the pool), each
/// created on first use.
struct SessionPool {
    bytes: Vec<u8>,
    sessions: Vec<Mutex<Option<OnnxModel>>>,
}

impl SessionPool {
    fn new(bytes: Vec<u8>) -> Result<Self, ServeError> {
        // Load once up front, so a broken model or a missing library fails before any work.
        let first = OnnxModel::from_bytes(&bytes, 1)?;
        let slots = rayon::current_num_threads() + 1;
        let mut sessions: Vec<Mutex<Option<OnnxModel>>> =
            (0..slots).map(|_| Mutex::new(None)).collect();
        sessions[slots - 1] = Mutex::new(Some(first));
        Ok(Self { bytes, sessions })
    }

    fn predict(
        &self,
        rows: &[f32],
        n_rows: usize,
        n_features: usize,
    ) -> Result<Vec<f32>, ServeError> {
        let slot = rayon::current_thread_index()
            .filter(|&i| i + 1 < self.sessions.len())
            .unwrap_or(self.sessions.len() - 1);
        let mut guard = self.sessions[slot]
            .lock()
            .map_err(|_| ServeError::Session {
                reason: "a scoring thread panicked while holding its session".into(),
            })?;
        if guard.is_none() {
            *guard = Some(OnnxModel::from_bytes(&self.bytes, 1)?);
        }
        match guard.as_mut() {
            Some(model) => model.predict(rows, n_rows, n_features),
            None => Err(ServeError::Session {
                reason: "no session".into(),
            }),
        }
    }
}

/// Computes calibrated probabilities of feature rows with one package's model.
pub struct BatchScorer {
    engine: Engine,
    n_features: usize,
}

impl std::fmt::Debug for BatchScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchScorer")
            .field("engine", &self.engine_name())
            .field("n_features", &self.n_features)
            .finish()
    }
}

impl BatchScorer {
    /// A scorer for `package` on the chosen engine.
    ///
    /// # Errors
    ///
    /// [`ServeError::EngineUnavailable`] for [`EngineChoice::Native`] on a linear package;
    /// ONNX Runtime's errors (library not found, invalid model) for the ONNX Runtime engine.
    pub fn new(package: &ModelPackage, choice: EngineChoice) -> Result<Self, ServeError> {
        let native = || match package.explanation() {
            Explanation::Trees(trees) => NativeTrees::compile(trees, package.calibration().clone())
                .ok_or(ServeError::EngineUnavailable {
                    reason: "the tree ensemble is too large for the native evaluator".into(),
                }),
            Explanation::Linear(_) => Err(ServeError::EngineUnavailable {
                reason: "the native evaluator runs tree models only; this package is linear".into(),
            }),
        };
        let engine = match (choice, package.explanation()) {
            (EngineChoice::Native, _) | (EngineChoice::Auto, Explanation::Trees(_)) => {
                Engine::Native(native()?)
            }
            (EngineChoice::OnnxRuntime, _) | (EngineChoice::Auto, Explanation::Linear(_)) => {
                Engine::OnnxRuntime(SessionPool::new(package.onnx_bytes().to_vec())?)
            }
        };
        Ok(Self {
            engine,
            n_features: package.n_features(),
        })
    }

    /// `onnxruntime` or `native`.
    pub fn engine_name(&self) -> &'static str {
        match self.engine {
            Engine::OnnxRuntime(_) => "onnxruntime",
            Engine::Native(_) => "native",
        }
    }

    /// Number of features per row.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The walk of the native evaluator on this machine ([`NativeTrees::kernel`]); `None` for
    /// ONNX Runtime.
    pub fn native_kernel(&self) -> Option<Kernel> {
        match &self.engine {
            Engine::OnnxRuntime(_) => None,
            Engine::Native(trees) => Some(trees.kernel()),
        }
    }

    /// Probabilities of the rows of `rows` (row-major, [`BatchScorer::n_features`] per row) on
    /// the calling thread.
    ///
    /// # Errors
    ///
    /// [`ServeError::Shape`] if `rows` is not a whole number of rows; the engine's errors.
    pub fn probabilities_here(&self, rows: &[f32]) -> Result<Vec<f32>, ServeError> {
        let n_rows = self.rows_in(rows)?;
        let p = match &self.engine {
            Engine::OnnxRuntime(pool) => pool.predict(rows, n_rows, self.n_features)?,
            Engine::Native(trees) => {
                let mut out = vec![0.0; n_rows];
                trees.probabilities(rows, &mut out);
                out
            }
        };
        check_output_len(self.engine_name(), n_rows, p.len())?;
        Ok(p)
    }

    /// Probabilities of the rows of `rows`, in parallel chunks of [`CHUNK_ROWS`] on the rayon
    /// pool, in row order. `progress` is called with the number of rows of each finished
    /// chunk.
    ///
    /// # Errors
    ///
    /// As [`BatchScorer::probabilities_here`].
    pub fn probabilities(
        &self,
        rows: &[f32],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<f32>, ServeError> {
        self.rows_in(rows)?;
        let f = self.n_features.max(1);
        let parts: Vec<Vec<f32>> = rows
            .par_chunks(CHUNK_ROWS * f)
            .map(|chunk| {
                let p = self.probabilities_here(chunk)?;
                progress(p.len());
                Ok(p)
            })
            .collect::<Result<_, ServeError>>()?;
        Ok(parts.concat())
    }

    fn rows_in(&self, rows: &[f32]) -> Result<usize, ServeError> {
        let f = self.n_features;
        if f == 0 || !rows.len().is_multiple_of(f) {
            return Err(ServeError::Shape {
                expected: format!("a multiple of {f} values ({f} features per row)"),
                found: format!("{} values", rows.len()),
            });
        }
        Ok(rows.len() / f)
    }
}

/// Checks that `engine` returned one value per row (`found` values for `rows` rows) before the
/// values are paired with their rows, which would otherwise silently drop or shift some.
pub(crate) fn check_output_len(engine: &str, rows: usize, found: usize) -> Result<(), ServeError> {
    if rows == found {
        Ok(())
    } else {
        Err(ServeError::EngineOutputLength {
            engine: engine.to_owned(),
            expected: rows,
            found,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_output_of_another_length_is_an_internal_error() {
        assert_eq!(check_output_len("native", 3, 3), Ok(()));
        let err = check_output_len("onnxruntime", 3, 2).expect_err("one value short");
        assert_eq!(
            err,
            ServeError::EngineOutputLength {
                engine: "onnxruntime".into(),
                expected: 3,
                found: 2,
            }
        );
        assert!(!err.is_user_error());
        assert!(check_output_len("native", 0, 1).is_err());
    }
}
