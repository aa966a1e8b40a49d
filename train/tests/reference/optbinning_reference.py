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

Every table draws three numbers per row from the LCG of common.py: `u` gives the value and the
risk, `m` decides whether the value is missing, `l` the label (`l < risk`). The formulas use only
IEEE-754 +, -, *, floor and comparisons, so both languages produce bit-identical tables. Values
are computed in float64 and rounded to float32, as the Rust side stores them; optbinning is given
those float32 values converted to float64.
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


def section(name, seed, rows, kind, missing_share, missing_risk, settings):
    values, labels = table(seed, rows, kind, missing_share, missing_risk)
    max_prebins, min_prebin_share, max_bins, min_bin_share = settings
    return {
        "seed": seed,
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
    }


result = {
    "versions": {
        "python": sys.version.split()[0],
        "optbinning": optbinning.__version__,
        "ortools": ortools.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    },
    "tables": {t[0]: section(*t) for t in TABLES},
}
json.dump(jsonable(result), sys.stdout, allow_nan=False)
print()
