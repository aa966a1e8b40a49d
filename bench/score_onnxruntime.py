"""Python onnxruntime's batch throughput on the rows `score_throughput` wrote.

Usage: python bench/score_onnxruntime.py MODEL_DIR OUT_DIR

Reads OUT_DIR/meta.json and OUT_DIR/rows.f32 (row-major float32), runs MODEL_DIR/model.onnx
on all rows in one call with ONNX Runtime's default session options (intra-op threads = all
cores), three timed runs after a warm-up on 4,096 rows, and prints the median as rows/s. Then
compares its probabilities with OUT_DIR/native.f32, the native engine's.
"""

import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort


def main() -> None:
    model_dir, out_dir = sys.argv[1:3]
    meta = json.load(open(os.path.join(out_dir, "meta.json")))
    n, f = meta["rows"], meta["features"]
    rows = np.fromfile(os.path.join(out_dir, "rows.f32"), dtype="<f4").reshape(n, f)
    session = ort.InferenceSession(
        os.path.join(model_dir, "model.onnx"), providers=["CPUExecutionProvider"]
    )
    session.run(["probability"], {"features": rows[:4096]})
    times = []
    for _ in range(3):
        started = time.perf_counter()
        (p,) = session.run(["probability"], {"features": rows})
        times.append(time.perf_counter() - started)
    times.sort()
    median = times[1]
    runs = " ".join(f"{t:.3f}" for t in times)
    print(
        f"onnxruntime-python {ort.__version__}: {n} rows in {median:.3f} s "
        f"(median of 3; runs {runs}), {n / median:.0f} rows/s"
    )
    native = np.fromfile(os.path.join(out_dir, "native.f32"), dtype="<f4")
    diff = np.abs(p.astype(np.float64) - native.astype(np.float64)).max()
    print(f"max |native - onnxruntime-python| = {diff:.2e}")


if __name__ == "__main__":
    main()
