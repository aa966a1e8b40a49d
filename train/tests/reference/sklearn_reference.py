"""scikit-learn's side of train/tests/sklearn_parity.rs, recomputed every time the test runs.

    python sklearn_reference.py

It prints one JSON object on stdout: for each dataset, the inputs it used (the Rust test checks
its own copy against them) and every value the Rust tests compare with. Non-finite floats are
written as the strings "inf", "-inf" and "nan", every other float with Python's `repr` (exact
round trip). The Rust test runs it through the Python reference environment that `./dev test`
installs (`.venv-ref/`, or the interpreter in `APPFRAUD_PYTHON`), with the pinned scikit-learn
and NumPy of `./dev`.

The pseudo-random datasets come from the LCG of common.py, written identically in the Rust
test; the formulas use only IEEE-754 +, *, / and comparisons, so both languages produce
bit-identical inputs.
"""

import json
import math
import sys

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    log_loss,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

from common import jsonable, Lcg, probability_dataset, scored_dataset


def precision_at_k(y, s, k):
    """Tie-shared precision at k (expected precision under random tie-breaking); scikit-learn
    has no precision-at-k for binary labels."""
    t = np.sort(s)[::-1][k - 1]
    above, tie = s > t, s == t
    return (y[above].sum() + (k - above.sum()) * y[tie].mean()) / k


def recall_at_fpr(y, s, m):
    """The point of `roc_curve` with the highest recall among those with fpr <= m (the first,
    i.e. highest threshold, on a tie)."""
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    ok = fpr <= m
    i = np.flatnonzero(ok & (tpr == tpr[ok].max()))[0]
    return {"max_fpr": m, "threshold": thr[i], "recall": tpr[i], "fpr": fpr[i]}


def fpr_at(y, s, t):
    tn, fp, fn, tp = confusion_matrix(y, s >= t).ravel()
    return fp / (fp + tn)


def curves(y, s):
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    precision, recall, pr_thr = precision_recall_curve(y, s, drop_intermediate=False)
    return {
        "roc_auc": roc_auc_score(y, s),
        "average_precision": average_precision_score(y, s),
        "roc": {"fpr": fpr, "tpr": tpr, "thresholds": thr},
        "pr": {"precision": precision, "recall": recall, "thresholds": pr_thr},
    }


def reliability(y, p, n_bins):
    """`calibration_curve(strategy="uniform")` (non-empty bins only) and the count of every bin,
    with the bin assignment calibration_curve uses."""
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
    binids = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], p)
    return {
        "n_bins": n_bins,
        "counts": np.bincount(binids, minlength=n_bins),
        "prob_true": prob_true,
        "prob_pred": prob_pred,
    }


def small():
    """Ten rows, three tie groups (0.8 mixed, 0.35 mixed, 0.2 mixed)."""
    y = np.array([1, 0, 1, 0, 1, 1, 0, 0, 1, 0], dtype=bool)
    s = np.array([0.8, 0.8, 0.35, 0.1, 0.9, 0.35, 0.35, 0.6, 0.2, 0.2])
    return {
        "labels": y,
        "scores": s,
        **curves(y, s),
        "recall_at_fpr": [recall_at_fpr(y, s, m) for m in (0.0, 0.2, 0.4, 1.0)],
        "precision_at_k": [{"k": k, "value": precision_at_k(y, s, k)} for k in (1, 2, 3, 6)],
        # No tie at the cut-off for k = 1 (score 0.9) and k = 3 (0.9, 0.8, 0.8): plain precision.
        "precision_score_at_0.9": precision_score(y, s >= 0.9),
        "precision_score_at_0.8": precision_score(y, s >= 0.8),
    }


def all_equal():
    y = np.array([1, 0, 0, 1, 0], dtype=bool)
    s = np.full(5, 0.5)
    return {
        "labels": y,
        "scores": s,
        **curves(y, s),
        "precision_at_k": [{"k": 2, "value": precision_at_k(y, s, 2)}],
        "recall_at_fpr": [recall_at_fpr(y, s, 0.5)],
    }


def scored():
    """`scored_dataset(7)` (validation) and `scored_dataset(8)` (test)."""
    vy, vs = scored_dataset(7)
    ty, ts = scored_dataset(8)
    operating_points = []
    for m in (0.01, 0.05, 0.2):
        point = recall_at_fpr(vy, vs, m)
        t = point["threshold"]
        operating_points.append(
            {**point, "test_recall": recall_score(ty, ts >= t), "test_fpr": fpr_at(ty, ts, t)}
        )
    return {
        "labels": vy,
        "scores": vs,
        "test_labels": ty,
        "test_scores": ts,
        **curves(vy, vs),
        "operating_points": operating_points,
        "precision_at_k": [
            {
                "k": k,
                "value": precision_at_k(vy, vs, k),
                "tie_size": int((vs == np.sort(vs)[::-1][k - 1]).sum()),
            }
            for k in (10, 20, 50, 200)
        ],
    }


def probabilities():
    """`probability_dataset(11)`."""
    y, p = probability_dataset(11)
    return {
        "labels": y,
        "probabilities": p,
        "brier_score_loss": brier_score_loss(y, p),
        "log_loss": log_loss(y, p),
        "reliability": [reliability(y, p, n_bins) for n_bins in (10, 7)],
    }


def extremes():
    """Probabilities at 0 and 1 (two confident mistakes, clipped) and on bin edges."""
    y = np.array([1, 0, 1, 0, 1, 0, 0, 1], dtype=bool)
    p = np.array([0.0, 1.0, 1.0, 0.0, 0.3, 0.3, 0.5, 0.7])
    single = np.ones(3, dtype=bool)
    single_p = np.array([0.9, 0.5, 1.0])
    return {
        "labels": y,
        "probabilities": p,
        "brier_score_loss": brier_score_loss(y, p),
        "log_loss": log_loss(y, p),
        "single_class_probabilities": single_p,
        "single_class_log_loss": log_loss(single, single_p, labels=[False, True]),
        "single_class_brier_score_loss": brier_score_loss(single, single_p, pos_label=True),
        "reliability": reliability(y, p, 10),
    }


result = {
    "versions": {
        "python": sys.version.split()[0],
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    },
    "small": small(),
    "all_equal": all_equal(),
    "scored": scored(),
    "probabilities": probabilities(),
    "extremes": extremes(),
}
json.dump(jsonable(result), sys.stdout, allow_nan=False)
print()
