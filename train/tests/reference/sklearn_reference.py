"""Reference values for train/tests/sklearn_parity.rs, computed with scikit-learn.

Run with any Python that has scikit-learn and NumPy, e.g. a throwaway venv:

    python3 -m venv .venv-skl && .venv-skl/bin/pip install scikit-learn==1.9.1 numpy
    .venv-skl/bin/python train/tests/reference/sklearn_reference.py

It prints every value the Rust tests pin, with full float precision (repr). The datasets are
defined identically in the Rust test file; the LCG and the formulas use only IEEE-754 +, *, /
and comparisons, so both languages produce bit-identical inputs.
"""

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

MASK = 2**64 - 1


class Lcg:
    """Knuth's MMIX LCG; `unit` takes the top 53 bits as a float in [0, 1)."""

    def __init__(self, seed):
        self.state = seed

    def next_u64(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK
        return self.state

    def unit(self):
        return (self.next_u64() >> 11) * 2.0**-53


def scored_dataset(seed, n=200):
    """Scores on a grid of 41 values (many ties); P(fraud) = 0.05 + 0.5 * score^2."""
    rng = Lcg(seed)
    labels, scores = [], []
    for _ in range(n):
        score = ((rng.next_u64() >> 33) % 41) / 40.0
        labels.append(rng.unit() < 0.05 + 0.5 * score * score)
        scores.append(score)
    return np.array(labels), np.array(scores)


def probability_dataset(seed, n=200):
    """Continuous probabilities p, label drawn with P(label) = p (perfectly calibrated)."""
    rng = Lcg(seed)
    labels, probs = [], []
    for _ in range(n):
        p = rng.unit()
        labels.append(rng.unit() < p)
        probs.append(p)
    return np.array(labels), np.array(probs)


def precision_at_k(y, s, k):
    """Tie-shared precision at k (expected precision under random tie-breaking)."""
    t = np.sort(s)[::-1][k - 1]
    above, tie = s > t, s == t
    return (y[above].sum() + (k - above.sum()) * y[tie].mean()) / k


def recall_at_fpr(y, s, m):
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    ok = fpr <= m
    i = np.flatnonzero(ok & (tpr == tpr[ok].max()))[0]
    return thr[i], tpr[i], fpr[i]


def fpr_at(y, s, t):
    tn, fp, fn, tp = confusion_matrix(y, s >= t).ravel()
    return fp / (fp + tn)


def show(name, value):
    if isinstance(value, (list, tuple, np.ndarray)):
        print(f"{name} = [{', '.join(repr(float(v)) for v in value)}]")
    else:
        print(f"{name} = {float(value)!r}")


print("scikit-learn", sklearn.__version__, "numpy", np.__version__)

SMALL_Y = np.array([1, 0, 1, 0, 1, 1, 0, 0, 1, 0], dtype=bool)
SMALL_S = np.array([0.8, 0.8, 0.35, 0.1, 0.9, 0.35, 0.35, 0.6, 0.2, 0.2])
print("-- small with ties")
show("roc_auc", roc_auc_score(SMALL_Y, SMALL_S))
show("average_precision", average_precision_score(SMALL_Y, SMALL_S))
fpr, tpr, thr = roc_curve(SMALL_Y, SMALL_S, drop_intermediate=False)
show("roc fpr", fpr); show("roc tpr", tpr); show("roc thresholds", thr)
p, r, t = precision_recall_curve(SMALL_Y, SMALL_S, drop_intermediate=False)
show("pr precision", p); show("pr recall", r); show("pr thresholds", t)
for m in (0.0, 0.2, 0.4, 1.0):
    show(f"recall_at_fpr({m})", recall_at_fpr(SMALL_Y, SMALL_S, m))
for k in (1, 2, 3, 6):
    show(f"precision_at_k({k})", precision_at_k(SMALL_Y, SMALL_S, k))
# No tie at the cut-off for k = 1 (score 0.9) and k = 3 (scores 0.9, 0.8, 0.8): plain precision.
show("precision_score(y, s >= 0.9)", precision_score(SMALL_Y, SMALL_S >= 0.9))
show("precision_score(y, s >= 0.8)", precision_score(SMALL_Y, SMALL_S >= 0.8))

EQ_Y = np.array([1, 0, 0, 1, 0], dtype=bool)
EQ_S = np.full(5, 0.5)
print("-- all-equal scores")
show("roc_auc", roc_auc_score(EQ_Y, EQ_S))
show("average_precision", average_precision_score(EQ_Y, EQ_S))
fpr, tpr, thr = roc_curve(EQ_Y, EQ_S, drop_intermediate=False)
show("roc fpr", fpr); show("roc tpr", tpr); show("roc thresholds", thr)
p, r, t = precision_recall_curve(EQ_Y, EQ_S, drop_intermediate=False)
show("pr precision", p); show("pr recall", r); show("pr thresholds", t)
show("precision_at_k(2)", precision_at_k(EQ_Y, EQ_S, 2))
show("recall_at_fpr(0.5)", recall_at_fpr(EQ_Y, EQ_S, 0.5))

print("-- lcg scored dataset, seed 7 (validation) and seed 8 (test)")
VY, VS = scored_dataset(7)
TY, TS = scored_dataset(8)
show("first five labels (int)", VY[:5].astype(int)); show("first five scores", VS[:5])
show("positives", VY.sum())
show("roc_auc", roc_auc_score(VY, VS))
show("average_precision", average_precision_score(VY, VS))
fpr, tpr, thr = roc_curve(VY, VS, drop_intermediate=False)
show("roc fpr", fpr); show("roc tpr", tpr); show("roc thresholds", thr)
p, r, t = precision_recall_curve(VY, VS, drop_intermediate=False)
show("pr precision", p); show("pr recall", r); show("pr thresholds", t)
for m in (0.01, 0.05, 0.2):
    thr_m, rec, f = recall_at_fpr(VY, VS, m)
    show(f"validation recall_at_fpr({m})", (thr_m, rec, f))
    show(f"  test recall_score at {thr_m}", recall_score(TY, TS >= thr_m))
    show(f"  test fpr at {thr_m}", fpr_at(TY, TS, thr_m))
for k in (10, 20, 50, 200):
    show(f"precision_at_k({k})", precision_at_k(VY, VS, k))
    show(f"  tie group at cut-off size", (VS == np.sort(VS)[::-1][k - 1]).sum())

print("-- lcg probability dataset, seed 11")
PY, PP = probability_dataset(11)
show("first five labels (int)", PY[:5].astype(int)); show("first five probs", PP[:5])
show("brier_score_loss", brier_score_loss(PY, PP))
show("log_loss", log_loss(PY, PP))
for n_bins in (10, 7):
    prob_true, prob_pred = calibration_curve(PY, PP, n_bins=n_bins, strategy="uniform")
    binids = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], PP)
    show(f"calibration n_bins={n_bins} counts", np.bincount(binids, minlength=n_bins))
    show(f"  prob_true", prob_true); show(f"  prob_pred", prob_pred)

print("-- probabilities at the extremes and on bin edges")
EX_Y = np.array([1, 0, 1, 0, 1, 0, 0, 1], dtype=bool)
EX_P = np.array([0.0, 1.0, 1.0, 0.0, 0.3, 0.3, 0.5, 0.7])
show("brier_score_loss", brier_score_loss(EX_Y, EX_P))
show("log_loss", log_loss(EX_Y, EX_P))
show("log_loss single class", log_loss(np.ones(3, dtype=bool), [0.9, 0.5, 1.0], labels=[False, True]))
show("brier single class", brier_score_loss(np.ones(3, dtype=bool), [0.9, 0.5, 1.0], pos_label=True))
prob_true, prob_pred = calibration_curve(EX_Y, EX_P, n_bins=10)
binids = np.searchsorted(np.linspace(0, 1, 11)[1:-1], EX_P)
show("calibration n_bins=10 counts", np.bincount(binids, minlength=10))
show("  prob_true", prob_true); show("  prob_pred", prob_pred)
