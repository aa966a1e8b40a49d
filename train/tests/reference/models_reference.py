"""Reference values for train/tests/models_parity.rs (logistic regression and calibration).

Run with any Python that has scikit-learn and NumPy, e.g. a throwaway venv:

    python3 -m venv .venv-skl && .venv-skl/bin/pip install scikit-learn==1.9.1 numpy
    .venv-skl/bin/python train/tests/reference/models_reference.py

It prints every value the Rust tests pin, with full float precision (repr). The datasets are
defined identically in the Rust test file with the same LCG as sklearn_reference.py; they use
only IEEE-754 +, -, *, /, comparisons and the rounding of float64 to float32, so both languages
produce bit-identical inputs.
"""

import numpy as np
import scipy
import sklearn
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

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


def standardize(x_train, x):
    """The preprocessing of appfraud's logistic model, in float64."""
    x_train = x_train.astype(np.float64)
    x = x.astype(np.float64)
    mean = np.nanmean(x_train, axis=0)
    std = np.nanstd(x_train, axis=0)
    std[std == 0] = 1.0
    has_indicator = np.isnan(x_train).any(axis=0)
    z = np.where(np.isnan(x), 0.0, (x - mean) / std)
    indicators = np.isnan(x[:, has_indicator]).astype(np.float64)
    return np.hstack([z, indicators]), mean, std, has_indicator


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


def scored_dataset(seed, n=200):
    """As in sklearn_reference.py: scores on a grid of 41 values, P(fraud) = 0.05 + 0.5 s^2."""
    rng = Lcg(seed)
    labels, scores = [], []
    for _ in range(n):
        score = ((rng.next_u64() >> 33) % 41) / 40.0
        labels.append(rng.unit() < 0.05 + 0.5 * score * score)
        scores.append(score)
    return np.array(labels), np.array(scores)


def probability_dataset(seed, n=200):
    """As in sklearn_reference.py: continuous p, label drawn with P(label) = p."""
    rng = Lcg(seed)
    labels, probs = [], []
    for _ in range(n):
        p = rng.unit()
        labels.append(rng.unit() < p)
        probs.append(p)
    return np.array(labels), np.array(probs)


def show(name, value):
    if isinstance(value, (list, tuple, np.ndarray)):
        print(f"{name} = [{', '.join(repr(float(v)) for v in value)}]")
    else:
        print(f"{name} = {float(value)!r}")


print(
    "scikit-learn", sklearn.__version__, "numpy", np.__version__, "scipy", scipy.__version__
)

print("-- logistic regression, train = logistic_dataset(21, 400)")
X, Y = logistic_dataset(21, 400)
show("first row", X[0]); show("positives", Y.sum())
# Prediction rows: the first six of logistic_dataset(22, 6), then f3 missing (no indicator:
# mean-imputed), f1 missing (indicator), everything missing.
XT, _ = logistic_dataset(22, 6)
XT = np.vstack([
    XT,
    np.array([[0.5, 2.0, 3.0, np.nan], [0.5, np.nan, 3.0, 1.0], [np.nan] * 4], dtype=np.float32),
])
design, mean, std, has_indicator = standardize(X, X)
show("mean", mean); show("std", std); show("has_indicator (int)", has_indicator.astype(int))
test_design, *_ = standardize(X, XT)
for alpha in (1.0, 10.0):
    # scikit-learn minimises 1/2 |w|^2 + C sum(log-loss), intercept unpenalised (lbfgs); linfa
    # minimises sum(log-loss) + alpha/2 |w|^2: the same minimiser when C = 1 / alpha.
    model = LogisticRegression(C=1.0 / alpha, tol=1e-12, max_iter=100_000).fit(design, Y)
    print(f"- LogisticRegression(C=1/{alpha}, tol=1e-12, max_iter=100000)")
    show("  coef", model.coef_[0]); show("  intercept", model.intercept_[0])
    show("  predict_proba test rows", model.predict_proba(test_design)[:, 1])

print("-- Platt: _sigmoid_calibration(margins, labels); appfraud's (a, b) = (-A, -B)")
for seed, n, half_width in ((31, 300, 4.0), (32, 300, 60.0)):
    F, Yp = platt_dataset(seed, n, half_width)
    A, B = _sigmoid_calibration(F, Yp)
    print(f"- platt_dataset({seed}, {n}, {half_width})")
    show("  positives", Yp.sum()); show("  a = -A", -A); show("  b = -B", -B)

print("-- Isotonic: IsotonicRegression(out_of_bounds='clip')")
# Queries k / 80 for k = -2..=82: outside both ends, on the knots of the grid dataset (multiples
# of 0.025) and half-way between them.
QUERIES = [k / 80.0 for k in range(-2, 83)]
for name, (Yi, Si) in (
    ("scored_dataset(7)", scored_dataset(7)),
    ("probability_dataset(11)", probability_dataset(11)),
):
    iso = IsotonicRegression(out_of_bounds="clip").fit(Si, Yi)
    print(f"- {name}")
    show("  X_thresholds_", iso.X_thresholds_); show("  y_thresholds_", iso.y_thresholds_)
    show("  predict(QUERIES)", iso.predict(QUERIES))
