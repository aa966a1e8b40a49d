"""scikit-learn's side of train/tests/logistic.rs and train/tests/calibration.rs (logistic
regression, Platt and isotonic calibration), recomputed every time the tests run.

    python models_reference.py

It prints one JSON object on stdout: for each fit, the inputs it used (the Rust tests check
their own copies against them) and every value the Rust tests compare with. NaN is written as
the string "nan" (infinities as "inf", "-inf"), every other float with Python's `repr` (exact
round trip). The Rust tests run it through the Python reference environment that `./dev test`
installs (`.venv-ref/`, or the interpreter in `APPFRAUD_PYTHON`), with the pinned scikit-learn,
SciPy and NumPy of `./dev`.

The datasets are defined identically in the Rust tests with the same LCG as
sklearn_reference.py; they use only IEEE-754 +, -, *, /, comparisons and the rounding of float64
to float32, so both languages produce bit-identical inputs.
"""

import json
import math
import sys

import numpy as np
import scipy
import sklearn
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from common import jsonable, Lcg, probability_dataset, scored_dataset


def logistic_dataset(seed, n):
    """Four float32 features and a label.

    f0: sum of three uniforms, centred and doubled (bell-shaped on [-3, 3]), raises risk;
    f1: uniform on [0, 10), lowers risk, missing (NaN) in about 15% of rows, and missing raises
        risk; f2: the constant 3 (standard deviation 0); f3: an integer 0..4, pure noise.
    P(label) = clip(0.5 + 0.15 * (f0 - 0.3 * f1 + [f1 missing] * 2), 0.02, 0.98).
    """
    rng = Lcg(seed)
    rows, labels = [], []
    for _ in range(n):
        f0 = (rng.unit() + rng.unit() + rng.unit() - 1.5) * 2.0
        f1 = 10.0 * rng.unit()
        missing = rng.unit() < 0.15
        f3 = float((rng.next_u64() >> 33) % 5)
        risk = f0 - 0.3 * f1 if not missing else f0 + 2.0
        p = min(max(0.5 + 0.15 * risk, 0.02), 0.98)
        labels.append(rng.unit() < p)
        rows.append([f0, np.nan if missing else f1, 3.0, f3])
    return np.array(rows, dtype=np.float32), np.array(labels)


def preprocess(x_train, x, clip_quantile, log_counts):
    """The preprocessing of appfraud's logistic model, learned on `x_train`, applied to `x`, in
    float64, written independently of the Rust code with numpy:

    1. clip bounds `np.nanquantile(x_train, [q, 1 - q], axis=0)` (numpy's default "linear"
       method) with q = clip_quantile, unless q = 0; a column whose two bounds are equal is not
       clipped (bounds -inf, inf); `np.clip` to them;
    2. a column is a count when every non-missing training value is a non-negative integer
       and the largest is above 1; a count's clipped value c becomes `np.log1p(max(c, 0))`;
    3. `np.nanmean` and `np.nanstd` (ddof 0) of the transformed training values; a column whose
       transformed values are all equal (`nanmax == nanmin`) gets that value as mean and std 1;
    4. z = 0 for a missing value (mean imputation), one 0/1 indicator per column with a NaN in
       training, appended after the z columns.
    """
    x_train = x_train.astype(np.float64)
    x = x.astype(np.float64)
    n_features = x_train.shape[1]
    if clip_quantile > 0:
        low, high = np.nanquantile(x_train, [clip_quantile, 1.0 - clip_quantile], axis=0)
        equal = low == high
        low[equal], high[equal] = -np.inf, np.inf
    else:
        low, high = np.full(n_features, -np.inf), np.full(n_features, np.inf)
    is_count = np.zeros(n_features, dtype=bool)
    if log_counts:
        for j in range(n_features):
            v = x_train[~np.isnan(x_train[:, j]), j]
            is_count[j] = v.size > 0 and (v >= 0).all() and (v == np.floor(v)).all() and v.max() > 1

    def transform(values):
        clipped = np.clip(values, low, high)
        return np.where(is_count, np.log1p(np.maximum(clipped, 0.0)), clipped)

    t = transform(x_train)
    mean = np.nanmean(t, axis=0)
    std = np.nanstd(t, axis=0)
    constant = np.nanmax(t, axis=0) == np.nanmin(t, axis=0)
    mean[constant] = np.nanmax(t, axis=0)[constant]
    std[constant] = 1.0
    has_indicator = np.isnan(x_train).any(axis=0)
    z = np.where(np.isnan(x), 0.0, (transform(x) - mean) / std)
    indicators = np.isnan(x[:, has_indicator]).astype(np.float64)
    return {
        "design": np.hstack([z, indicators]),
        "clip_low": low,
        "clip_high": high,
        "is_count": is_count,
        "mean": mean,
        "std": std,
        "has_indicator": has_indicator,
    }


def platt_dataset(seed, n, half_width):
    """Margins uniform on [-half_width, half_width); P(label) = 0.1 + 0.8 * u^2 (u the uniform),
    so the margins are informative but not logistic-calibrated."""
    rng = Lcg(seed)
    margins, labels = [], []
    for _ in range(n):
        u = rng.unit()
        margins.append((2.0 * u - 1.0) * half_width)
        labels.append(rng.unit() < 0.1 + 0.8 * u * u)
    return np.array(margins), np.array(labels)


# (alpha, clip_quantile, log_counts) of each fit; the first is the default preprocessing, the
# last none of the robust transforms (standardisation only).
LOGISTIC_FITS = ((1.0, 0.005, True), (10.0, 0.005, True), (1.0, 0.0, False))


def logistic():
    """Logistic regression on `logistic_dataset(21, 400)`, predicting the first six rows of
    `logistic_dataset(22, 6)`, then f3 missing (no indicator: mean-imputed), f1 missing
    (indicator), everything missing, and two rows beyond every clip bound (f3 a count of 40 and
    a negative count)."""
    x, y = logistic_dataset(21, 400)
    xt, _ = logistic_dataset(22, 6)
    xt = np.vstack([
        xt,
        np.array([
            [0.5, 2.0, 3.0, np.nan],
            [0.5, np.nan, 3.0, 1.0],
            [np.nan] * 4,
            [10.0, 20.0, 3.0, 40.0],
            [-10.0, -3.0, 3.0, -2.0],
        ], dtype=np.float32),
    ])
    fits = []
    for alpha, clip_quantile, log_counts in LOGISTIC_FITS:
        train = preprocess(x, x, clip_quantile, log_counts)
        test = preprocess(x, xt, clip_quantile, log_counts)
        # scikit-learn minimises 1/2 |w|^2 + C sum(log-loss), intercept unpenalised (lbfgs);
        # linfa minimises sum(log-loss) + alpha/2 |w|^2: the same minimiser when C = 1 / alpha.
        model = LogisticRegression(C=1.0 / alpha, tol=1e-12, max_iter=100_000).fit(train["design"], y)
        fits.append({
            "alpha": alpha,
            "clip_quantile": clip_quantile,
            "log_counts": log_counts,
            "clip_low": train["clip_low"],
            "clip_high": train["clip_high"],
            "is_count": train["is_count"],
            "mean": train["mean"],
            "std": train["std"],
            "has_indicator": train["has_indicator"],
            "coef": model.coef_[0],
            "intercept": model.intercept_[0],
            "predict_proba": model.predict_proba(test["design"])[:, 1],
        })
    return {
        # Every training value (NaN as "nan") and label, for the Rust test to check its copy.
        "train_rows": x.astype(np.float64),
        "train_labels": y,
        "test_rows": xt.astype(np.float64),
        "fits": fits,
    }


def platt():
    """`_sigmoid_calibration(margins, labels)`, the fit behind CalibratedClassifierCV(method=
    "sigmoid"); it returns (A, B) of 1 / (1 + exp(A f + B)), appfraud's (a, b) are (-A, -B)."""
    fits = []
    for seed, n, half_width in ((31, 300, 4.0), (32, 300, 60.0)):
        f, y = platt_dataset(seed, n, half_width)
        a, b = _sigmoid_calibration(f, y)
        fits.append({
            "seed": seed,
            "n": n,
            "half_width": half_width,
            "margins": f,
            "labels": y,
            "a": -a,
            "b": -b,
        })
    return fits


# Queries k / 80 for k = -2..=82: outside both ends, on the knots of the grid dataset (multiples
# of 0.025) and half-way between them.
QUERIES = [k / 80.0 for k in range(-2, 83)]


def isotonic():
    """IsotonicRegression(out_of_bounds="clip"), the fit behind CalibratedClassifierCV(method=
    "isotonic"), on scored_dataset(7) (ties on a grid) and probability_dataset(11)."""
    result = {}
    for name, (y, s) in (
        ("scored_dataset_7", scored_dataset(7)),
        ("probability_dataset_11", probability_dataset(11)),
    ):
        iso = IsotonicRegression(out_of_bounds="clip").fit(s, y)
        result[name] = {
            "scores": s,
            "labels": y,
            "queries": QUERIES,
            "X_thresholds_": iso.X_thresholds_,
            "y_thresholds_": iso.y_thresholds_,
            "predict": iso.predict(QUERIES),
        }
    return result


result = {
    "versions": {
        "python": sys.version.split()[0],
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    },
    "logistic": logistic(),
    "platt": platt(),
    "isotonic": isotonic(),
}
json.dump(jsonable(result), sys.stdout, allow_nan=False)
print()
