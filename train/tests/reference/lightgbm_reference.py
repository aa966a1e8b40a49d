"""Reference value for train/tests/gbdt_lightgbm_parity.rs: LightGBM's test ROC AUC on a
synthetic dataset that the Rust test builds identically.

Run with a throwaway venv:

    python3 -m venv .venv-lgb && .venv-lgb/bin/pip install lightgbm==4.7.0 numpy scikit-learn
    .venv-lgb/bin/python train/tests/reference/lightgbm_reference.py

The dataset uses only the LCG below, IEEE-754 +, -, *, floor, comparisons and one `exp` per
row (for the label probability; glibc's `exp` is what both Python and Rust call here), so both
languages produce the same features and labels. Features are rounded to float32 as the Rust
side stores them.
"""

import math

import lightgbm as lgb
import numpy as np
import sklearn
from sklearn.metrics import log_loss, roc_auc_score

MASK = 2**64 - 1
N_ROWS = 20_000
N_TRAIN = 15_000
N_FEATURES = 10
SEED = 20_240_601


class Lcg:
    """Knuth's MMIX LCG; `unit` takes the top 53 bits as a float in [0, 1)."""

    def __init__(self, seed):
        self.state = seed

    def next_u64(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK
        return self.state

    def unit(self):
        return (self.next_u64() >> 11) * 2.0**-53


def dataset():
    """Rows of 10 features (two with missing values) and a label.

    x0, x1 ~ U[-2, 2) interact (x0 * x1); x2 ~ U[0, 2) acts through a step at 1; x3 is an
    integer in 0..=4; x4 ~ U[0, 1) enters squared; x5 is a sum of three uniforms; x6, x9 are
    noise; x7 ~ U[0, 1) is missing completely at random (10 %); x8 ~ U[0, 3) is missing 20 % of
    the time and its missingness raises the log-odds by 1.
    """
    rng = Lcg(SEED)
    x = np.empty((N_ROWS, N_FEATURES), dtype=np.float64)
    y = np.empty(N_ROWS, dtype=bool)
    for i in range(N_ROWS):
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


PARAMS = {
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

x, y = dataset()
x_train, y_train, x_test, y_test = x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]
booster = lgb.train(PARAMS, lgb.Dataset(x_train, label=y_train.astype(np.float64)))
p_test = booster.predict(x_test)

print("lightgbm", lgb.__version__, "numpy", np.__version__, "scikit-learn", sklearn.__version__)
print("params", PARAMS)
print(f"positives: train {int(y_train.sum())} of {N_TRAIN}, test {int(y_test.sum())} of {N_ROWS - N_TRAIN}")
present = ~np.isnan(x)
bits_checksum = int(x.view(np.uint32)[present].astype(np.uint64).sum())
print(f"feature checksum (sum of the float32 bit patterns of present values) = {bits_checksum}")
print(f"missing values = {int(np.isnan(x).sum())}")
print(f"test roc_auc = {roc_auc_score(y_test, p_test)!r}")
print(f"test log_loss = {log_loss(y_test, p_test)!r}")
