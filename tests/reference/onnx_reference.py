"""Reference side of the ONNX parity tests (tests/package_parity.rs).

Usage: onnx_reference.py MODEL.onnx ROWS.f32 N_FEATURES OUT.f32

1. Checks MODEL.onnx with onnx.checker.check_model(full_check=True) (onnx from PyPI).
2. Scores ROWS.f32 (little-endian float32, row-major, N_FEATURES per row) with Python
   onnxruntime on the CPU and writes the "probability" output to OUT.f32 (little-endian float32).

Prints one line: the onnx and onnxruntime versions and the number of rows scored.
"""

import sys

import numpy as np
import onnx
import onnxruntime


def main() -> None:
    model_path, rows_path, n_features, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    rows = np.fromfile(rows_path, dtype="<f4").reshape(-1, n_features)
    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    (probability,) = session.run(["probability"], {"features": rows})
    if probability.shape != (rows.shape[0],) or probability.dtype != np.float32:
        raise SystemExit(f"unexpected output {probability.dtype} {probability.shape}")
    probability.astype("<f4").tofile(out_path)
    print(f"onnx {onnx.__version__}, onnxruntime {onnxruntime.__version__}: {rows.shape[0]} rows")


if __name__ == "__main__":
    main()
