"""LightGBM's side of train/tests/gbdt_lightgbm_parity.rs, recomputed every time the test runs.

    python lightgbm_reference.py auc     # test ROC AUC and log-loss on the continuous dataset
    python lightgbm_reference.py trees   # trees, leaf assignments and raw scores on the
                                         # discrete dataset
    python lightgbm_reference.py trees weighted   # the same with the second configuration

It prints one JSON object on stdout; non-finite floats are written as the strings "inf",
"-inf" and "nan", every other float with Python's `repr` (exact round trip). The Rust test runs
it through the Python reference environment that `./dev test` installs (`.venv-ref/`, or the
interpreter in `APPFRAUD_PYTHON`), with the pinned LightGBM, NumPy and scikit-learn of `./dev`.

Both datasets use only the LCG of common.py, IEEE-754 +, -, *, floor, comparisons and one
`exp` per row (for the label probability; glibc's `exp` is what both Python and Rust call here),
so both languages produce the same features and labels; the Rust test builds them itself and
checks the counts and checksums printed here. Features are rounded to float32 as the Rust side stores them.
"""

import json
import math
import sys

import lightgbm as lgb
import numpy as np
import sklearn
from sklearn.metrics import log_loss, roc_auc_score

from common import jsonable, Lcg


# ---- the continuous dataset: test ROC AUC and log-loss -------------------------------------

AUC_ROWS = 20_000
AUC_TRAIN = 15_000
AUC_SEED = 20_240_601


def auc_dataset():
    """Rows of 10 features (two with missing values) and a label.

    x0, x1 ~ U[-2, 2) interact (x0 * x1); x2 ~ U[0, 2) acts through a step at 1; x3 is an
    integer in 0..=4; x4 ~ U[0, 1) enters squared; x5 is a sum of three uniforms; x6, x9 are
    noise; x7 ~ U[0, 1) is missing completely at random (10 %); x8 ~ U[0, 3) is missing 20 % of
    the time and its missingness raises the log-odds by 1.
    """
    rng = Lcg(AUC_SEED)
    x = np.empty((AUC_ROWS, 10), dtype=np.float64)
    y = np.empty(AUC_ROWS, dtype=bool)
    for i in range(AUC_ROWS):
        u = [rng.unit() for _ in range(14)]
        x0 = u[0] * 4.0 - 2.0
        x1 = u[1] * 4.0 - 2.0
        x2 = u[2] * 2.0
        x3 = math.floor(u[3] * 5.0)
        x4 = u[4]
        x5 = u[5] + u[6] + u[7] - 1.5
        x6 = u[8] * 10.0
        x7 = u[9] if u[10] >= 0.1 else math.nan
        x8 = u[11] * 3.0 if u[12] >= 0.2 else math.nan
        x9 = u[13] - 0.5
        f = (
            0.8 * x0
            - 0.6 * x1
            + 1.2 * x0 * x1
            + (0.8 if x2 > 1.0 else -0.4)
            + 0.3 * x3
            - 1.5 * x4 * x4
            + 0.7 * x5
            + (0.0 if math.isnan(x7) else 0.9 * x7)
            + (1.0 if math.isnan(x8) else -0.5 * x8)
            - 0.8
        )
        p = 1.0 / (1.0 + math.exp(-f))
        y[i] = rng.unit() < p
        x[i] = [x0, x1, x2, x3, x4, x5, x6, x7, x8, x9]
    return x.astype(np.float32), y


AUC_PARAMS = {
    "objective": "binary",
    "num_iterations": 100,
    "num_leaves": 31,
    "learning_rate": 0.1,
    "min_data_in_leaf": 20,
    "min_sum_hessian_in_leaf": 1e-3,
    "lambda_l2": 0.0,
    "bagging_fraction": 1.0,
    "feature_fraction": 1.0,
    "max_bin": 255,
    "num_threads": 1,
    "deterministic": True,
    "seed": 0,
    "verbose": -1,
}


def auc_section():
    if sys.argv[2:]:
        sys.exit(f"usage: {sys.argv[0]} auc")
    x, y = auc_dataset()
    x_train, y_train = x[:AUC_TRAIN], y[:AUC_TRAIN]
    x_test, y_test = x[AUC_TRAIN:], y[AUC_TRAIN:]
    booster = lgb.train(AUC_PARAMS, lgb.Dataset(x_train, label=y_train.astype(np.float64)))
    p_test = booster.predict(x_test)
    return {
        "params": AUC_PARAMS,
        "dataset": dataset_summary(x, y, AUC_TRAIN),
        "test_roc_auc": roc_auc_score(y_test, p_test),
        "test_log_loss": log_loss(y_test, p_test),
    }


# ---- the discrete dataset: the same trees ---------------------------------------------------

TREE_ROWS = 12_000
TREE_TRAIN = 9_000
TREE_SEED = 20_251_206


def tree_dataset():
    """Rows of 6 features with few distinct values each (every value on hundreds of rows, so
    both libraries give each value a bin of its own), two of them with missing values, and a
    label.

    a is an integer in 0..=4 and b one in -3..=3 (negative, zero and positive values); c takes
    the six values 0, 0.25, ..., 1.25 and acts through a step at 0.5 whose sign depends on a;
    d is an integer in 0..=2, missing 15 % of the time (missing raises the log-odds); e, an
    integer in 0..=9, is noise; f is 0 or 1, missing 30 % of the time.
    """
    rng = Lcg(TREE_SEED)
    x = np.empty((TREE_ROWS, 6), dtype=np.float64)
    y = np.empty(TREE_ROWS, dtype=bool)
    for i in range(TREE_ROWS):
        u = [rng.unit() for _ in range(9)]
        a = math.floor(u[0] * 5.0)
        b = math.floor(u[1] * 7.0) - 3.0
        c = math.floor(u[2] * 6.0) * 0.25
        d = math.floor(u[3] * 3.0) if u[4] >= 0.15 else math.nan
        e = math.floor(u[5] * 10.0)
        f = (1.0 if u[6] < 0.5 else 0.0) if u[7] >= 0.3 else math.nan
        logit = (
            0.5 * a
            - 0.3 * b
            + (1.2 if c > 0.5 else -0.6) * (1.0 if a >= 2.0 else -0.5)
            + (0.8 if math.isnan(d) else 0.4 * d - 0.4)
            + (0.6 if math.isnan(f) else 0.9 * f - 0.45)
            - 0.9
        )
        y[i] = u[8] < 1.0 / (1.0 + math.exp(-logit))
        x[i] = [a, b, c, d, e, f]
    return x.astype(np.float32), y


TREE_PARAMS = {
    "objective": "binary",
    "num_iterations": 30,
    "num_leaves": 15,
    "learning_rate": 0.1,
    "lambda_l2": 1.0,
    # The minimum hessian is the binding constraint. LightGBM checks min_data_in_leaf against
    # counts estimated from hessians (round(hessian * rows / node hessian)), not true counts;
    # with min_data_in_leaf = 1 that estimate is at least 1 whenever the hessian check passes
    # (a node's mean hessian is at most 1/4, 3/4 with positives weighted 3, so 5 is at least 6
    # estimated rows).
    "min_data_in_leaf": 1,
    "min_sum_hessian_in_leaf": 5.0,
    "min_data_in_bin": 1,
    "max_bin": 255,
    "feature_pre_filter": False,
    "bagging_fraction": 1.0,
    "bagging_freq": 0,
    "feature_fraction": 1.0,
    "boost_from_average": True,
    "num_threads": 1,
    "deterministic": True,
    "force_row_wise": True,
    "seed": 0,
    "verbose": -1,
}


def flatten(node, nodes):
    """Appends `node` and its subtree to `nodes` in pre-order; returns its index."""
    index = len(nodes)
    nodes.append(None)
    if "split_index" in node:
        left = flatten(node["left_child"], nodes)
        right = flatten(node["right_child"], nodes)
        nodes[index] = {
            "feature": node["split_feature"],
            "threshold": node["threshold"],
            "default_left": node["default_left"],
            "missing_type": node["missing_type"],
            "count": node["internal_count"],
            "left": left,
            "right": right,
        }
    else:
        nodes[index] = {
            "leaf_index": node.get("leaf_index", 0),
            "value": node["leaf_value"],
            "count": node.get("leaf_count"),
            "hessian": node.get("leaf_weight"),
        }
    return index


# A second configuration: no L2 penalty, a depth limit, longer shrinkage steps and positives
# weighted 3 to 1. LightGBM leaves scale_pos_weight out of its starting score and we do not,
# so it gets ours explicitly (init_score = ln(3 P / N), the minimiser of the weighted loss);
# with an init_score it does not boost from the average, its trees hold no starting score and
# its raw predictions leave the init_score out (the script adds it back).
WEIGHTED_TREE_PARAMS = {
    **TREE_PARAMS,
    "num_iterations": 20,
    "num_leaves": 12,
    "max_depth": 4,
    "learning_rate": 0.2,
    "lambda_l2": 0.0,
    "scale_pos_weight": 3.0,
}


def tree_section():
    """The default configuration (TREE_PARAMS), or the weighted one with argument `weighted`."""
    weighted = sys.argv[2:] == ["weighted"]
    if sys.argv[2:] not in ([], ["weighted"]):
        sys.exit(f"usage: {sys.argv[0]} trees [weighted]")
    params = WEIGHTED_TREE_PARAMS if weighted else TREE_PARAMS
    x, y = tree_dataset()
    x_train, y_train = x[:TREE_TRAIN], y[:TREE_TRAIN]
    positives = float(y_train.sum())
    negatives = float(TREE_TRAIN) - positives
    if weighted:
        init_score = math.log(params["scale_pos_weight"] * positives / negatives)
        data = lgb.Dataset(
            x_train,
            label=y_train.astype(np.float64),
            init_score=np.full(TREE_TRAIN, init_score),
        )
        # The trees hold no starting score; raw scores are init_score + the sum of the leaves.
        first_tree_bias, score_offset = 0.0, init_score
    else:
        # LightGBM's starting score (BinaryLogloss::BoostFromScore) is added to the first tree's
        # leaves, so the test subtracts it there.
        pavg = positives / float(TREE_TRAIN)
        init_score = math.log(pavg / (1.0 - pavg))
        data = lgb.Dataset(x_train, label=y_train.astype(np.float64))
        first_tree_bias, score_offset = init_score, 0.0
    booster = lgb.train(params, data)
    trees = []
    for info in booster.dump_model()["tree_info"]:
        nodes = []
        flatten(info["tree_structure"], nodes)
        trees.append(nodes)
    leaves = booster.predict(x_train, pred_leaf=True).astype(np.int64)
    return {
        "params": params,
        "dataset": dataset_summary(x, y, TREE_TRAIN),
        "init_score": init_score,
        "first_tree_bias": first_tree_bias,
        "score_offset": score_offset,
        "trees": trees,
        # train_leaves[t][i]: the leaf index of training row i in tree t.
        "train_leaves": leaves.T.tolist(),
        "train_raw_scores": (score_offset + booster.predict(x_train, raw_score=True)).tolist(),
        "test_raw_scores": (
            score_offset + booster.predict(x[TREE_TRAIN:], raw_score=True)
        ).tolist(),
    }


# ---- shared ---------------------------------------------------------------------------------


def dataset_summary(x, y, n_train):
    """What the Rust test checks its own copy of the dataset against."""
    present = ~np.isnan(x)
    return {
        "positives_train": int(y[:n_train].sum()),
        "positives_test": int(y[n_train:].sum()),
        "missing": int((~present).sum()),
        # The sum of the float32 bit patterns of the present values.
        "checksum": int(x.view(np.uint32)[present].astype(np.uint64).sum()),
    }


SECTIONS = {"auc": auc_section, "trees": tree_section}

if len(sys.argv) < 2 or sys.argv[1] not in SECTIONS:
    sys.exit(f"usage: {sys.argv[0]} auc | trees [weighted]")
result = {
    "versions": {
        "python": sys.version.split()[0],
        "lightgbm": lgb.__version__,
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
    },
    **SECTIONS[sys.argv[1]](),
}
json.dump(jsonable(result), sys.stdout, allow_nan=False)
print()
