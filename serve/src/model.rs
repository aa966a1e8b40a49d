//! One ONNX Runtime session over a model that follows the package contract.

use ort::error::ErrorCode;
use ort::session::Session;
use ort::value::{TensorElementType, TensorRef};

use crate::{OnnxRuntime, ServeError};

/// Name of the model input: float32 `[N, F]`, one row per application.
pub const INPUT_NAME: &str = "features";
/// Name of the model output: float32 `[N]`, the calibrated probability of fraud.
pub const OUTPUT_NAME: &str = "probability";

/// A loaded model: one ONNX Runtime session with input [`INPUT_NAME`] and output [`OUTPUT_NAME`].
///
/// [`OnnxModel::predict`] takes `&mut self` (as ort's `Session::run` does). The model is `Send`,
/// so parallel scoring holds one model per worker thread.
#[derive(Debug)]
pub struct OnnxModel {
    session: Session,
    n_features: Option<usize>,
}

impl OnnxModel {
    /// Loads a model from ONNX bytes, initialising ONNX Runtime first if needed.
    ///
    /// `intra_threads` is the number of threads ONNX Runtime uses inside one operator; use 1 when
    /// several models run in parallel, 0 to let ONNX Runtime choose.
    ///
    /// Fails with [`ServeError::InvalidModel`] if the bytes are not a valid ONNX model and with
    /// [`ServeError::ModelContract`] if its inputs and outputs are not exactly one float32 input
    /// `features` of rank 2 and a float32 output `probability`.
    pub fn from_bytes(bytes: &[u8], intra_threads: usize) -> Result<Self, ServeError> {
        if bytes.is_empty() {
            return Err(ServeError::InvalidModel {
                reason: "the model is empty (0 bytes)".to_owned(),
            });
        }
        let runtime = OnnxRuntime::init()?;
        let session = Session::builder(runtime.environment())
            .map_err(|e| session_error(e.code(), e.to_string()))?
            .with_intra_threads(intra_threads)
            .map_err(|e| session_error(e.code(), e.to_string()))?
            .commit_from_memory(bytes)
            .map_err(|e| session_error(e.code(), e.to_string()))?;
        let n_features = check_contract(&session)?;
        Ok(Self {
            session,
            n_features,
        })
    }

    /// The number of features the model declares (the fixed second dimension of its input), or
    /// `None` if the model leaves it symbolic.
    pub fn n_features(&self) -> Option<usize> {
        self.n_features
    }

    /// Scores `n_rows` rows of `n_features` features each, stored row-major in `features`, and
    /// returns one probability per row.
    ///
    /// Fails with [`ServeError::Shape`] if `features.len() != n_rows * n_features` or if the model
    /// declares a different number of features.
    pub fn predict(
        &mut self,
        features: &[f32],
        n_rows: usize,
        n_features: usize,
    ) -> Result<Vec<f32>, ServeError> {
        let expected_len = n_rows.checked_mul(n_features);
        if expected_len != Some(features.len()) {
            return Err(ServeError::Shape {
                expected: format!(
                    "{n_rows} rows × {n_features} features = {} values",
                    expected_len.map_or_else(|| "too many".to_owned(), |n| n.to_string())
                ),
                found: format!("{} values", features.len()),
            });
        }
        if let Some(model_features) = self.n_features
            && model_features != n_features
        {
            return Err(ServeError::Shape {
                expected: format!("{model_features} features per row (as the model declares)"),
                found: format!("{n_features} features per row"),
            });
        }
        if n_rows == 0 {
            return Ok(Vec::new());
        }

        let input = TensorRef::from_array_view(([n_rows, n_features], features)).map_err(|e| {
            ServeError::Inference {
                reason: e.to_string(),
            }
        })?;
        let outputs = self
            .session
            .run(ort::inputs![INPUT_NAME => input])
            .map_err(|e| ServeError::Inference {
                reason: e.to_string(),
            })?;
        let output = outputs
            .get(OUTPUT_NAME)
            .ok_or_else(|| ServeError::ModelContract {
                reason: format!("it produced no output named {OUTPUT_NAME:?}"),
            })?;
        let (shape, values) =
            output
                .try_extract_tensor::<f32>()
                .map_err(|e| ServeError::ModelContract {
                    reason: format!("output {OUTPUT_NAME:?} is not a float32 tensor: {e}"),
                })?;
        if values.len() != n_rows {
            return Err(ServeError::ModelContract {
                reason: format!(
                    "output {OUTPUT_NAME:?} has shape {shape} for {n_rows} input rows, expected [{n_rows}]"
                ),
            });
        }
        Ok(values.to_vec())
    }
}

/// A model ONNX Runtime cannot parse, validate or implement is the model's fault (the user's
/// file); anything else is ours.
fn session_error(code: ErrorCode, reason: String) -> ServeError {
    match code {
        ErrorCode::InvalidProtobuf
        | ErrorCode::InvalidGraph
        | ErrorCode::NoModel
        | ErrorCode::NotImplemented => ServeError::InvalidModel { reason },
        _ => ServeError::Session { reason },
    }
}

/// Checks the session's inputs and outputs; returns the declared number of features, if fixed.
fn check_contract(session: &Session) -> Result<Option<usize>, ServeError> {
    let contract = |reason: String| ServeError::ModelContract { reason };
    let names = |outlets: &[ort::value::Outlet]| {
        outlets
            .iter()
            .map(|o| format!("{:?}", o.name()))
            .collect::<Vec<_>>()
            .join(", ")
    };

    let inputs = session.inputs();
    let [input] = inputs else {
        return Err(contract(format!(
            "it must have exactly one input {INPUT_NAME:?}, it has [{}]",
            names(inputs)
        )));
    };
    if input.name() != INPUT_NAME {
        return Err(contract(format!(
            "its input is named {:?}, expected {INPUT_NAME:?}",
            input.name()
        )));
    }
    if input.dtype().tensor_type() != Some(TensorElementType::Float32) {
        return Err(contract(format!(
            "input {INPUT_NAME:?} is {}, expected a float32 tensor",
            input.dtype()
        )));
    }
    let n_features = match input.dtype().tensor_shape().map(|s| &s[..]) {
        // A negative dimension is symbolic (unknown until run time).
        Some(&[_, f]) => usize::try_from(f).ok(),
        _ => {
            return Err(contract(format!(
                "input {INPUT_NAME:?} is {}, expected rank 2 [N, F]",
                input.dtype()
            )));
        }
    };

    let outputs = session.outputs();
    let Some(output) = outputs.iter().find(|o| o.name() == OUTPUT_NAME) else {
        return Err(contract(format!(
            "it has no output {OUTPUT_NAME:?}, only [{}]",
            names(outputs)
        )));
    };
    if output.dtype().tensor_type() != Some(TensorElementType::Float32) {
        return Err(contract(format!(
            "output {OUTPUT_NAME:?} is {}, expected a float32 tensor",
            output.dtype()
        )));
    }
    Ok(n_features)
}
