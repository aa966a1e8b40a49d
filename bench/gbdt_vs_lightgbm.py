"""LightGBM on the splits written by the `gbdt_vs_lightgbm` bench binary.

Usage: python bench/gbdt_vs_lightgbm.py OUT_DIR

Reads OUT_DIR/meta.json, {train,test}_features.f32 (little-endian f32, column-major, NaN =
missing) and {train,test}_labels.u8; trains LightGBM with the parameters our bench uses (500
trees, 63 leaves, learning rate 0.05, 2 threads, min_data_in_leaf 20, max_bin 255, everything
else LightGBM's default, row-wise or column-wise histograms as LightGBM chooses). The timed
section is Dataset construction (binning) plus training. Prints
`lightgbm: train X s, test ROC AUC Y`, and, when OUT_DIR/ours_test_scores.f64 exists, our
model's test AUC recomputed with scikit-learn as a cross-check of the Rust metric.
"""

import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np
from sklearn.metrics import roc_auc_score

PARAMS = {
    "objective": "binary",
    "num_iterations": 500,
    "num_leaves": 63,
    "learning_rate": 0.05,
    "num_threads": 2,
    "min_data_in_leaf": 20,
    "max_bin": 255,
    "verbose": -1,
    "deterministic": True,
}


def read_split(out_dir: Path, split: str, n_rows: int, n_features: int):
    """Features as a row-major (n_rows, n_features) float32 array, labels as 0/1 int8."""
    columns = np.fromfile(out_dir / f"{split}_features.f32", dtype="<f4")
    if columns.size != n_rows * n_features:
        sys.exit(f"{split}_features.f32: {columns.size} values, expected {n_rows} x {n_features}")
    labels = np.fromfile(out_dir / f"{split}_labels.u8", dtype=np.uint8)
    if labels.size != n_rows:
        sys.exit(f"{split}_labels.u8: {labels.size} rows, expected {n_rows}")
    # Column-major on disk: the transpose of a (features, rows) array. LightGBM copies a
    # non-contiguous array itself; make the copy here, outside the timed section.
    x = np.ascontiguousarray(columns.reshape(n_features, n_rows).T)
    return x, labels.astype(np.int8)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: gbdt_vs_lightgbm.py OUT_DIR")
    out_dir = Path(sys.argv[1])
    meta = json.loads((out_dir / "meta.json").read_text())
    names = meta["features"]
    x_train, y_train = read_split(out_dir, "train", meta["rows"]["train"], len(names))
    x_test, y_test = read_split(out_dir, "test", meta["rows"]["test"], len(names))
    print(
        f"  lightgbm {lgb.__version__}: {x_train.shape[0]} train rows, "
        f"{x_test.shape[0]} test rows, {len(names)} features"
    )

    started = time.perf_counter()
    train_set = lgb.Dataset(x_train, label=y_train, feature_name=names, params=PARAMS)
    booster = lgb.train(PARAMS, train_set)
    train_time = time.perf_counter() - started

    started = time.perf_counter()
    scores = booster.predict(x_test, num_threads=PARAMS["num_threads"])
    predict_time = time.perf_counter() - started
    auc = roc_auc_score(y_test, scores)
    print(
        f"  {booster.num_trees()} trees; predicting {x_test.shape[0]} test rows "
        f"took {predict_time:.2f} s"
    )
    ours = out_dir / "ours_test_scores.f64"
    if ours.exists():
        ours_auc = roc_auc_score(y_test, np.fromfile(ours, dtype="<f8"))
        print(f"  ours: test ROC AUC {ours_auc:.6f} (scikit-learn, cross-check)")
    print(f"lightgbm: train {train_time:.2f} s, test ROC AUC {auc:.6f}")


if __name__ == "__main__":
    main()
