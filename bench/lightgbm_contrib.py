"""LightGBM's per-feature contributions (`predict(pred_contrib=True)`, its TreeSHAP) as the
yardstick of our reason codes, and the shape of its trees.

Usage:
  python bench/lightgbm_contrib.py train SPLIT_DIR MODEL_FILE
  python bench/lightgbm_contrib.py contrib MODEL_FILE MANIFEST ROWS_DIR ROWS
  python bench/lightgbm_contrib.py shape MODEL_FILE

`train` fits LightGBM with the parameters of bench/gbdt_vs_lightgbm.py (500 trees, 63 leaves,
learning rate 0.05, 2 threads, min_data_in_leaf 20, 255 bins: the shape of
bench/score_throughput.toml) on the training split the `gbdt_vs_lightgbm` bench binary wrote to
SPLIT_DIR, and saves it as MODEL_FILE (LightGBM's text format).

`contrib` reads the first ROWS rows of ROWS_DIR/rows.f32 (row-major little-endian float32 in the
column order of MANIFEST's features, as the `score_throughput` bench binary writes them with
ROWS_DIR/meta.json), refuses a model whose feature names are not MANIFEST's in that order, and
times `predict(pred_contrib=True, num_threads=2)` on them: a warm-up on 256 rows, then three
timed runs; prints the median as rows/s. It checks that every row's contributions plus the
expected value add up to LightGBM's raw score (the property TreeSHAP guarantees), so a broken
call cannot pass for a fast one.

`shape` prints the shape of the model's trees from `booster.dump_model()`, one `label: value`
per line with the labels of the `tree_depths` bench binary (serve/benches/tree_depths.rs), so
the two reports line up: trees, leaves, leaves per tree, tree depth (the longest root-to-leaf
path, in branches), mean leaf depth (over leaves, and weighted by leaf cover = hessian sum,
averaged over trees), distinct features on a root-to-leaf path, and the histogram of tree
depths.
"""

import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np

from gbdt_vs_lightgbm import PARAMS, read_split

THREADS = 2
WARM_UP_ROWS = 256
REPEATS = 3
# |sum of contributions - raw score| allowed, in log-odds: LightGBM accumulates both in float64
# over 500 trees; 1e-6 leaves room for rounding and none for a missing tree or feature.
ADDITIVITY_TOLERANCE = 1e-6


def train(split_dir: Path, model_file: Path) -> None:
    meta = json.loads((split_dir / "meta.json").read_text())
    names = meta["features"]
    x, y = read_split(split_dir, "train", meta["rows"]["train"], len(names))
    started = time.perf_counter()
    booster = lgb.train(PARAMS, lgb.Dataset(x, label=y, feature_name=names, params=PARAMS))
    print(
        f"  lightgbm {lgb.__version__}: trained {booster.num_trees()} trees on {x.shape[0]} "
        f"rows in {time.perf_counter() - started:.1f} s"
    )
    model_file.parent.mkdir(parents=True, exist_ok=True)
    partial = model_file.with_suffix(".partial")
    booster.save_model(str(partial))
    partial.replace(model_file)


def contrib(model_file: Path, manifest: Path, rows_dir: Path, n: int) -> None:
    booster = lgb.Booster(model_file=str(model_file))
    expected = [f["name"] for f in json.loads(manifest.read_text())["feature_set"]["features"]]
    if booster.feature_name() != expected:
        sys.exit(f"{model_file}: its features are not those of {manifest}, in that order")
    meta = json.loads((rows_dir / "meta.json").read_text())
    f = meta["features"]
    if f != len(expected):
        sys.exit(f"{rows_dir}/meta.json: {f} features, the manifest lists {len(expected)}")
    n = min(n, meta["rows"])
    x = np.fromfile(rows_dir / "rows.f32", dtype="<f4", count=n * f).reshape(n, f)
    booster.predict(x[:WARM_UP_ROWS], pred_contrib=True, num_threads=THREADS)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        contributions = booster.predict(x, pred_contrib=True, num_threads=THREADS)
        times.append(time.perf_counter() - started)
    times.sort()
    median = times[REPEATS // 2]
    runs = " ".join(f"{t:.3f}" for t in times)
    raw = booster.predict(x, raw_score=True, num_threads=THREADS)
    # The last column is the expected value; the others are the features'.
    worst = np.abs(contributions.sum(axis=1) - raw).max()
    if not worst <= ADDITIVITY_TOLERANCE:
        sys.exit(f"contributions do not add up to the raw score: max difference {worst:.3e}")
    print(
        f"lightgbm-contrib {lgb.__version__}: {n} rows in {median:.3f} s "
        f"(median of {REPEATS}; runs {runs}), {n / median:.0f} rows/s"
    )
    print(f"  max |sum of contributions - raw score| = {worst:.2e}")


def leaves(node: dict, depth: int, tested: dict):
    """(depth, distinct features on the path, cover) of every leaf under `node`."""
    if "split_feature" not in node:
        yield depth, len(tested), float(node.get("leaf_weight", 0.0))
        return
    feature = node["split_feature"]
    tested[feature] = tested.get(feature, 0) + 1
    for child in ("left_child", "right_child"):
        yield from leaves(node[child], depth + 1, tested)
    tested[feature] -= 1
    if tested[feature] == 0:
        del tested[feature]


def shape(model_file: Path) -> None:
    booster = lgb.Booster(model_file=str(model_file))
    trees = [list(leaves(t["tree_structure"], 0, {})) for t in booster.dump_model()["tree_info"]]
    all_leaves = [leaf for tree in trees for leaf in tree]
    per_tree = [len(tree) for tree in trees]
    depths = [max(d for d, _, _ in tree) for tree in trees]
    weighted = []
    for tree in trees:
        cover = sum(c for _, _, c in tree)
        weighted.append(sum(d * c for d, _, c in tree) / cover if cover > 0 else 0.0)
    distinct = [k for _, k, _ in all_leaves]
    print(f"trees: {len(trees)}")
    print(f"leaves: {len(all_leaves)}")
    print(
        f"leaves per tree (min / mean / max): {min(per_tree)} / {np.mean(per_tree):.2f} / "
        f"{max(per_tree)}"
    )
    print(
        f"tree depth (min / mean / max): {min(depths)} / {np.mean(depths):.2f} / {max(depths)}"
    )
    print(f"mean leaf depth: {np.mean([d for d, _, _ in all_leaves]):.2f}")
    print(f"cover-weighted mean leaf depth: {np.mean(weighted):.2f}")
    print(
        f"distinct features on a root-to-leaf path (mean / max): {np.mean(distinct):.2f} / "
        f"{max(distinct)}"
    )
    for depth in sorted(set(depths)):
        print(f"trees of depth {depth:>2}: {depths.count(depth)}")


def main() -> None:
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "train" and len(args) == 2:
        train(Path(args[0]), Path(args[1]))
    elif command == "contrib" and len(args) == 4:
        contrib(Path(args[0]), Path(args[1]), Path(args[2]), int(args[3]))
    elif command == "shape" and len(args) == 1:
        shape(Path(args[0]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
