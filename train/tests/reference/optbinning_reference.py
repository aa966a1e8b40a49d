"""optbinning's side of train/tests/optbinning_parity.rs, recomputed every time the test runs.

    python optbinning_reference.py

It prints one JSON object on stdout: for each generated table, the inputs it used (the Rust test
checks its own copy against them), the settings, and for each monotone trend what
`optbinning.OptimalBinning(dtype="numerical", solver="cp", monotonic_trend=trend, ...)` finds:
its status, its `splits`, and from `binning_table.build()` the columns `Count`, `Event`, `WoE`
and `IV` of every bin of the non-missing values and of the `Missing` row. Non-finite floats are
written as the strings "inf", "-inf" and "nan", every other float with Python's `repr` (exact
round trip). The Rust test runs it through the Python reference environment that `./dev test`
installs (`.venv-ref/`, or the interpreter in `APPFRAUD_PYTHON`), with the pinned optbinning,
scikit-learn and NumPy of `./dev`.

The generated tables draw three numbers per row from the LCG of common.py: `u` gives the value
and the risk, `m` decides whether the value is missing, `l` the label (`l < risk`). The formulas
use only IEEE-754 +, -, *, floor and comparisons, so both languages produce bit-identical tables.
Three small tables are written out instead (HAND_TABLES), each aimed at one detail of
optbinning's algorithm. Values are computed in float64 and rounded to float32, as the Rust side
stores them; optbinning is given those float32 values converted to float64.
"""

import json
import math
import sys

import numpy as np
import optbinning
import ortools
import sklearn
from optbinning import OptimalBinning
from optbinning.binning.metrics import jeffrey

from common import jsonable, Lcg

# (max_prebins, min_prebin_share, max_bins, min_bin_share), the fields of ScorecardParams.
DEFAULT = (20, 0.05, 10, 0.05)
FINE = (30, 0.02, 6, 0.04)
COARSE = (12, 0.04, 4, 0.1)


def shape(kind, u):
    """The value (before rounding to float32) and the probability of fraud at draw `u`."""
    if kind == "ascending":
        return 100.0 * u, 0.03 + 0.25 * u * u
    if kind == "descending":
        return 5.0 + 50.0 * u, 0.35 - 0.3 * u
    if kind == "u_shaped":
        return 10.0 * u - 5.0, 0.04 + 1.2 * (u - 0.4) * (u - 0.4)
    if kind == "counts":
        x = math.floor(21.0 * u)
        return x, 0.02 + 0.015 * x
    if kind == "skewed":
        return 1000.0 * u * u * u, 0.05 + 0.2 * u
    if kind == "low_signal":
        return u, 0.1 + 0.03 * u
    raise ValueError(kind)


# name, seed, rows, shape, share missing, fraud probability of a missing value, settings.
# Keep in step with TABLES in optbinning_parity.rs.
TABLES = [
    ("ascending", 101, 3000, "ascending", 0.0, 0.0, DEFAULT),
    ("descending", 202, 3000, "descending", 0.0, 0.0, FINE),
    ("u_shaped", 303, 4000, "u_shaped", 0.0, 0.0, DEFAULT),
    ("u_shaped_fine", 304, 4000, "u_shaped", 0.0, 0.0, FINE),
    ("counts", 404, 3000, "counts", 0.05, 0.2, DEFAULT),
    ("skewed_missing", 505, 3000, "skewed", 0.15, 0.3, FINE),
    ("low_signal", 606, 3000, "low_signal", 0.0, 0.0, DEFAULT),
    ("pure_missing", 707, 3000, "ascending", 0.015, 0.0, COARSE),
]


def min_leaf_step():
    """x = 0..1096; fraud on the last 55 rows (55 = ceil(0.05 * 1097)), every row with
    k % 10 == 3 flipped. optbinning asks scikit-learn for a leaf weight of at least
    (55 / 1097) * 1097, which float64 rounds above 55: the step's leaf of 55 rows is refused.
    Binned with two pre-bins at most (one split of the tree), so the split is the step's."""
    k = np.arange(1097)
    return k.astype(np.float32).astype(np.float64), (k >= 1042) != (k % 10 == 3)


def forbidden_boundary():
    """Values 0, 1, 2, 3 with (rows, fraud) = (40, 4), (10, 6), (10, 5), (40, 36), the fraud
    rows first within each value. With at most 2 bins of at least 45 rows the only two-bin
    partition is {0, 1} | {2, 3}, which optbinning's preprocessing forbids (rate 0.6 > 0.5)."""
    values, labels = [], []
    for value, (rows, fraud) in enumerate([(40, 4), (10, 6), (10, 5), (40, 36)]):
        values += [float(value)] * rows
        labels += [i < fraud for i in range(rows)]
    return np.array(values), np.array(labels)


def near_values():
    """300 rows: 0.5 (fraud when k % 4 == 0), the next float32 above it, 0.5 + 2**-24 (fraud
    when k % 4 != 0), and 0.75 (fraud when k is even). scikit-learn does not split values
    closer than its FEATURE_THRESHOLD (1e-7)."""
    k = np.arange(300)
    values = np.where(k < 100, 0.5, np.where(k < 200, 0.5 + 2.0**-24, 0.75))
    labels = np.where(k < 100, k % 4 == 0, np.where(k < 200, k % 4 != 0, k % 2 == 0))
    return values.astype(np.float32).astype(np.float64), labels


# name, table, settings. Keep in step with TABLES in optbinning_parity.rs.
HAND_TABLES = [
    ("min_leaf_step", min_leaf_step, (2, 0.05, 10, 0.05)),
    ("forbidden_boundary", forbidden_boundary, (20, 0.1, 2, 0.45)),
    ("near_values", near_values, DEFAULT),
]


def table(seed, rows, kind, missing_share, missing_risk):
    rng = Lcg(seed)
    values, labels = [], []
    for _ in range(rows):
        u, m, l = rng.unit(), rng.unit(), rng.unit()
        x, risk = shape(kind, u)
        if m < missing_share:
            x, risk = math.nan, missing_risk
        values.append(np.float32(x))
        labels.append(l < risk)
    return np.array(values, dtype=np.float32).astype(np.float64), np.array(labels)


def fit(values, labels, settings, trend):
    max_prebins, min_prebin_share, max_bins, min_bin_share = settings
    optb = OptimalBinning(
        dtype="numerical",
        solver="cp",
        max_n_prebins=max_prebins,
        min_prebin_size=min_prebin_share,
        min_bin_size=min_bin_share,
        max_n_bins=max_bins,
        monotonic_trend=trend,
    ).fit(values, labels.astype(int))
    built = optb.binning_table.build()
    n_bins = len(optb.splits) + 1
    # Rows: the bins in value order, then "Special" (empty here), "Missing", and "Totals".
    assert list(built["Bin"].iloc[n_bins : n_bins + 2]) == ["Special", "Missing"]
    rows = built.iloc[:n_bins]
    missing = built.iloc[n_bins + 1]
    count = rows["Count"].to_numpy(dtype=np.int64)
    event = rows["Event"].to_numpy(dtype=np.int64)
    non_event = count - event
    # The objective the solver maximises: IV over the non-missing rows only.
    objective = float(
        np.sum(jeffrey(event / event.sum(), non_event / non_event.sum(), return_sum=False))
    )
    return {
        "status": optb.status,
        "splits": np.asarray(optb.splits, dtype=np.float64),
        "bins": {
            "count": count,
            "event": event,
            "woe": rows["WoE"].to_numpy(dtype=np.float64),
            "iv": rows["IV"].to_numpy(dtype=np.float64),
        },
        "missing": {
            "count": int(missing["Count"]),
            "event": int(missing["Event"]),
            "woe": float(missing["WoE"]),
            "iv": float(missing["IV"]),
        },
        "objective": objective,
    }


def section(values, labels, settings):
    max_prebins, min_prebin_share, max_bins, min_bin_share = settings
    return {
        "values": values,
        "labels": labels,
        "settings": {
            "max_prebins": max_prebins,
            "min_prebin_share": min_prebin_share,
            "max_bins": max_bins,
            "min_bin_share": min_bin_share,
        },
        "ascending": fit(values, labels, settings, "ascending"),
        "descending": fit(values, labels, settings, "descending"),
        "peak": fit(values, labels, settings, "peak"),
        "valley": fit(values, labels, settings, "valley"),
    }


result = {
    "versions": {
        "python": sys.version.split()[0],
        "optbinning": optbinning.__version__,
        "ortools": ortools.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    },
    "tables": {
        **{
            name: section(*table(seed, rows, kind, share, risk), settings)
            for name, seed, rows, kind, share, risk, settings in TABLES
        },
        **{name: section(*make(), settings) for name, make, settings in HAND_TABLES},
    },
}
json.dump(jsonable(result), sys.stdout, allow_nan=False)
print()
