"""Reference side of `appfraud import lightgbm`'s tests (tests/import_lightgbm.rs).

Usage: lightgbm_import_reference.py OUT_DIR
       lightgbm_import_reference.py OUT_DIR NAMES_FILE

Trains LightGBM (the pinned Python package) on a generated table holding NaN, exact zeros,
negative values and tiny values, and writes into OUT_DIR:

- `table.csv`: the features (float32 values written exactly; empty = missing) and `label`,
  the training rows followed by probe rows: for every split threshold of the models, a row
  with that feature at float32(threshold) and at the next float32 either side, and rows with
  0, -0, +-1e-35 (LightGBM's kZeroThreshold), its float32 neighbours and NaN in each feature;
- `rows.f32`: the same features as little-endian float32, row-major;
- `MODEL.txt` for each model below (Booster.save_model);

and prints one JSON object: per model its feature names, LightGBM's `predict` (probability),
`predict(raw_score=True)` and `predict(pred_contrib=True)` on every row, and how many of its
nodes have each missing type (and how many zero-type nodes send the zero region against their
threshold, the case the importer rewrites into a chain).

With NAMES_FILE (one feature name a line) it only trains a small model on random data over
those names and writes `pipeline.txt` and `pipeline.csv` (the names, then `label`).

Models: `nan` (default missing handling: features with NaN get missing type NaN, the others
None), `zero` (zero_as_missing=True: missing type Zero), `sigmoid` (`nan`'s parameters with
sigmoid=0.6); refused ones: `categorical`, `multiclass`, `regression`.
"""

import json
import os
import sys

import lightgbm
import numpy as np

K_ZERO = float(np.float32(1e-35))
FEATURES = ["amount", "visits", "ratio", "flag", "delta"]


def generate(n, seed):
    rng = np.random.default_rng(seed)
    amount = rng.lognormal(3.0, 1.0, n)
    amount[rng.random(n) < 0.12] = np.nan
    visits = rng.poisson(1.2, n).astype(float)
    ratio = np.round(rng.normal(0.0, 1.0, n), 2)
    ratio[rng.random(n) < 0.2] = 0.0
    flag = (rng.random(n) < 0.3).astype(float)
    delta = rng.normal(-0.5, 2.0, n)
    delta[rng.random(n) < 0.25] = 0.0
    delta[rng.random(n) < 0.05] = np.nan
    delta[rng.random(n) < 0.03] = K_ZERO * rng.choice([-1.0, 1.0, 0.5, -0.5], 1)[0]
    x = np.column_stack([amount, visits, ratio, flag, delta]).astype(np.float32)
    logit = (
        -2.0
        + 0.4 * np.nan_to_num(np.log1p(x[:, 0].astype(float)), nan=4.0)
        - 0.5 * x[:, 1]
        + 0.8 * x[:, 2]
        + 0.7 * x[:, 3]
        + np.where(np.nan_to_num(x[:, 4], nan=1.0) == 0.0, 1.2, 0.3 * x[:, 4])
    )
    y = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    return x, y.astype(float)


def params(**extra):
    base = dict(
        objective="binary",
        num_leaves=15,
        learning_rate=0.1,
        min_data_in_leaf=10,
        verbose=-1,
        seed=7,
        deterministic=True,
        num_threads=1,
    )
    base.update(extra)
    return base


def train(x, y, rounds, **extra):
    data = lightgbm.Dataset(x.astype(np.float64), y, feature_name=FEATURES, free_raw_data=False)
    return lightgbm.train(params(**extra), data, num_boost_round=rounds)


def thresholds(booster):
    """(feature index, threshold) of every numerical split."""
    out = []

    def walk(node):
        if "split_index" in node:
            if node["decision_type"] == "<=":
                out.append((node["split_feature"], float(node["threshold"])))
            walk(node["left_child"])
            walk(node["right_child"])

    for tree in booster.dump_model()["tree_info"]:
        walk(tree["tree_structure"])
    return out


def missing_stats(booster):
    stats = {"None": 0, "Zero": 0, "NaN": 0, "zero_against_threshold": 0}

    def walk(node):
        if "split_index" in node:
            kind = node["missing_type"]
            stats[kind] += 1
            t = float(node["threshold"])
            if kind == "Zero" and (
                (node["default_left"] and t < -K_ZERO) or (not node["default_left"] and t >= K_ZERO)
            ):
                stats["zero_against_threshold"] += 1
            walk(node["left_child"])
            walk(node["right_child"])

    for tree in booster.dump_model()["tree_info"]:
        walk(tree["tree_structure"])
    return stats


def probe_rows(x, models, seed):
    rng = np.random.default_rng(seed)
    rows = []
    for booster in models:
        for feature, t in thresholds(booster):
            t32 = np.float32(t)
            for v in (t32, np.nextafter(t32, np.float32(np.inf)), np.nextafter(t32, np.float32(-np.inf))):
                row = x[rng.integers(len(x))].copy()
                row[feature] = v
                rows.append(row)
    k = np.float32(K_ZERO)
    specials = [0.0, -0.0, k, -k, np.nan]
    specials += [np.nextafter(k, np.float32(np.inf)), np.nextafter(k, np.float32(0))]
    specials += [np.nextafter(-k, np.float32(-np.inf)), np.nextafter(-k, np.float32(0))]
    for feature in range(x.shape[1]):
        for v in specials:
            for _ in range(3):
                row = x[rng.integers(len(x))].copy()
                row[feature] = v
                rows.append(row)
    return np.array(rows, dtype=np.float32)


def exact(v):
    """A float32 as decimal text that reads back as the same float32 (empty for NaN)."""
    v = float(v)
    return "" if np.isnan(v) else repr(v)


def named_model(out, names_file):
    with open(names_file) as f:
        names = [line.strip() for line in f if line.strip()]
    rng = np.random.default_rng(5)
    x = rng.normal(size=(400, len(names))).astype(np.float32)
    y = (x[:, 0] + rng.normal(size=400) > 0.5).astype(float)
    data = lightgbm.Dataset(x.astype(np.float64), y, feature_name=names)
    lightgbm.train(params(), data, num_boost_round=5).save_model(os.path.join(out, "pipeline.txt"))
    with open(os.path.join(out, "pipeline.csv"), "w") as f:
        f.write(",".join(names + ["label"]) + "\n")
        for row, label in zip(x, y):
            f.write(",".join([exact(v) for v in row] + [str(int(label))]) + "\n")
    print(json.dumps({"lightgbm": lightgbm.__version__, "features": len(names)}))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    if len(sys.argv) > 2:
        named_model(out, sys.argv[2])
        return
    x, y = generate(3000, 11)
    models = {
        "nan": train(x, y, 40),
        "zero": train(x, y, 40, zero_as_missing=True),
        "sigmoid": train(x, y, 25, sigmoid=0.6),
    }
    probes = probe_rows(x, [models["nan"], models["zero"]], 12)
    table = np.vstack([x, probes])
    labels = np.concatenate([y, (np.arange(len(probes)) % 3 == 0).astype(float)])
    with open(os.path.join(out, "table.csv"), "w") as f:
        f.write(",".join(FEATURES + ["label"]) + "\n")
        for row, label in zip(table, labels):
            f.write(",".join([exact(v) for v in row] + [str(int(label))]) + "\n")
    table.astype("<f4").tofile(os.path.join(out, "rows.f32"))

    report = {"lightgbm": lightgbm.__version__, "numpy": np.__version__, "rows": len(table), "models": {}}
    for name, booster in models.items():
        path = os.path.join(out, f"{name}.txt")
        booster.save_model(path)
        report["models"][name] = {
            "features": booster.feature_name(),
            "probability": booster.predict(table).tolist(),
            "raw": booster.predict(table, raw_score=True).tolist(),
            "contrib": booster.predict(table, pred_contrib=True).tolist(),
            "missing_types": missing_stats(booster),
        }

    # Models appfraud refuses.
    cat = x.copy()
    cat[:, 1] = np.minimum(cat[:, 1], 4)
    data = lightgbm.Dataset(cat.astype(np.float64), y, feature_name=FEATURES, categorical_feature=[1])
    lightgbm.train(params(min_data_per_group=5, cat_smooth=1.0), data, num_boost_round=5).save_model(
        os.path.join(out, "categorical.txt")
    )
    classes = (np.nan_to_num(x[:, 0]) > 20).astype(float) + y
    data = lightgbm.Dataset(x.astype(np.float64), classes, feature_name=FEATURES)
    lightgbm.train(params(objective="multiclass", num_class=3), data, num_boost_round=3).save_model(
        os.path.join(out, "multiclass.txt")
    )
    data = lightgbm.Dataset(x.astype(np.float64), y, feature_name=FEATURES)
    lightgbm.train(params(objective="regression"), data, num_boost_round=3).save_model(
        os.path.join(out, "regression.txt")
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
