//! An end-to-end check that ONNX Runtime loads and computes what it should.
//!
//! A logistic model `p = sigmoid(x · w + b)` is built in memory with `appfraud-onnx`
//! (`features [N,3] → MatMul(W [3,1]) → Add(b) → Sigmoid → Reshape([-1]) → probability [N]`),
//! scored by ONNX Runtime, and compared with the same formula evaluated in plain Rust `f64`.

use std::path::PathBuf;

use appfraud_onnx as onnx;

use crate::{INPUT_NAME, OUTPUT_NAME, OnnxModel, OnnxRuntime, ServeError};

/// The largest accepted |ONNX Runtime − reference| difference. The model computes in float32,
/// whose rounding error on these inputs is below 1e-7.
pub const SELF_CHECK_TOLERANCE: f64 = 1e-6;

const WEIGHTS: [f32; 3] = [0.5, -1.25, 2.0];
const BIAS: f32 = 0.25;
/// Rows scored by the self-check: a plain row, zeros, negatives, and values large enough to
/// saturate the sigmoid on both sides.
const ROWS: [[f32; 3]; 5] = [
    [1.0, 2.0, 3.0],
    [0.0, 0.0, 0.0],
    [-1.5, 0.5, -0.75],
    [10.0, -4.0, 3.5],
    [-8.0, 6.0, -2.0],
];

/// The outcome of a successful [`self_check`].
#[derive(Debug, Clone, PartialEq)]
pub struct SelfCheck {
    /// The ONNX Runtime library that was loaded.
    pub library: PathBuf,
    /// Number of rows scored.
    pub rows: usize,
    /// Largest |ONNX Runtime − reference| over the rows.
    pub max_abs_diff: f64,
    /// The tolerance it was checked against ([`SELF_CHECK_TOLERANCE`]).
    pub tolerance: f64,
}

/// Loads ONNX Runtime, scores a hand-built logistic model on a few rows and compares with plain
/// Rust arithmetic. Fails with the runtime's error if it cannot be loaded, and with
/// [`ServeError::SelfCheckMismatch`] if the results differ by more than
/// [`SELF_CHECK_TOLERANCE`].
pub fn self_check() -> Result<SelfCheck, ServeError> {
    let runtime = OnnxRuntime::init()?;
    let bytes = onnx::encode(&logistic_model(&WEIGHTS, BIAS));
    let mut model = OnnxModel::from_bytes(&bytes, 1)?;

    let features: Vec<f32> = ROWS.iter().flatten().copied().collect();
    let scored = model.predict(&features, ROWS.len(), WEIGHTS.len())?;
    crate::scorer::check_output_len("onnxruntime", ROWS.len(), scored.len())?;

    // A NaN difference counts as infinitely wrong (`f64::max` would otherwise skip it).
    let max_abs_diff = ROWS
        .iter()
        .zip(&scored)
        .map(|(row, &p)| (f64::from(p) - reference(row, &WEIGHTS, BIAS)).abs())
        .map(|d| if d.is_nan() { f64::INFINITY } else { d })
        .fold(0.0_f64, f64::max);
    if max_abs_diff > SELF_CHECK_TOLERANCE {
        return Err(ServeError::SelfCheckMismatch {
            max_abs_diff,
            tolerance: SELF_CHECK_TOLERANCE,
        });
    }
    Ok(SelfCheck {
        library: runtime.library_path().to_path_buf(),
        rows: ROWS.len(),
        max_abs_diff,
        tolerance: SELF_CHECK_TOLERANCE,
    })
}

/// `1 / (1 + exp(-(w · x + b)))` in f64.
fn reference(x: &[f32], w: &[f32], b: f32) -> f64 {
    let z = x
        .iter()
        .zip(w)
        .map(|(&x, &w)| f64::from(x) * f64::from(w))
        .sum::<f64>()
        + f64::from(b);
    1.0 / (1.0 + (-z).exp())
}

/// The logistic model over `weights.len()` features as an ONNX graph.
fn logistic_model(weights: &[f32], bias: f32) -> onnx::proto::ModelProto {
    let n_features = weights.len();
    let graph = onnx::graph(
        "appfraud_self_check",
        vec![
            onnx::node("MatMul", &[INPUT_NAME, "W"], &["xw"], vec![]),
            onnx::node("Add", &["xw", "b"], &["z"], vec![]),
            onnx::node("Sigmoid", &["z"], &["p"], vec![]),
            onnx::node("Reshape", &["p", "flat"], &[OUTPUT_NAME], vec![]),
        ],
        vec![onnx::float_input_2d(INPUT_NAME, "N", n_features)],
        vec![onnx::float_output_1d(OUTPUT_NAME, "N")],
        vec![
            onnx::float_tensor(
                "W",
                &[i64::try_from(n_features).unwrap_or(i64::MAX), 1],
                weights,
            ),
            onnx::float_tensor("b", &[1], &[bias]),
            onnx::int64_tensor("flat", &[1], &[-1]),
        ],
    );
    onnx::model(graph, vec![onnx::opset("", onnx::DEFAULT_OPSET)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_matches_worked_example() {
        // z = 0.5·1 − 1.25·2 + 2·3 + 0.25 = 0.5 − 2.5 + 6 + 0.25 = 4.25; p = 1/(1+e^−4.25)
        let p = reference(&[1.0, 2.0, 3.0], &WEIGHTS, BIAS);
        assert!((p - 0.985_936_372_956_754).abs() < 1e-12, "{p}");
        // Zeros leave only the bias: p = 1/(1+e^−0.25)
        let p0 = reference(&[0.0; 3], &WEIGHTS, BIAS);
        assert!((p0 - 0.562_176_500_885_798).abs() < 1e-12, "{p0}");
    }

    #[test]
    fn self_check_model_encodes_and_decodes() {
        let m = logistic_model(&WEIGHTS, BIAS);
        let back = onnx::decode(&onnx::encode(&m)).expect("decodes");
        assert_eq!(back, m);
    }
}
