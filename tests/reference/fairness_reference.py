"""Recomputes appfraud's fairness metrics with fairlearn (the reference of tests/fairness_reference.rs).

Usage: python fairness_reference.py ROWS.csv THRESHOLD

ROWS.csv has the columns group, label (0/1, 1 = fraud) and score. An application is flagged when
its score is at or above THRESHOLD; fairlearn's "selection" is a flag. Prints JSON: per group the
count, flag rate (selection_rate), false-positive rate and true-positive rate, and across groups
the ratios fairlearn's MetricFrame.ratio() gives (smallest over largest): of the pass rate
(1 - selection rate) and of the false-positive rate.
"""

import json
import sys

import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)


def pass_rate(y_true, y_pred):
    return 1.0 - selection_rate(y_true, y_pred)


def main():
    rows = pd.read_csv(sys.argv[1], dtype={"group": str})
    threshold = float(sys.argv[2])
    y_true = rows["label"].to_numpy(dtype=int)
    y_pred = (rows["score"].to_numpy(dtype=float) >= threshold).astype(int)
    frame = MetricFrame(
        metrics={
            "count": count,
            "flag_rate": selection_rate,
            "pass_rate": pass_rate,
            "false_positive_rate": false_positive_rate,
            "true_positive_rate": true_positive_rate,
        },
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=rows["group"],
    )
    by_group = frame.by_group
    ratios = frame.ratio(method="between_groups")
    out = {
        "groups": {
            str(g): {k: float(v) for k, v in by_group.loc[g].items()} for g in by_group.index
        },
        "min_impact_ratio": float(ratios["pass_rate"]),
        "min_fpr_ratio": float(ratios["false_positive_rate"]),
    }
    json.dump(out, sys.stdout, allow_nan=True)


if __name__ == "__main__":
    main()
