"""What the reference scripts beside this file share: the generator the Rust tests reproduce,
the two small datasets several of them score, and JSON output with non-finite floats spelled
out. Each script imports it from its own directory (Python puts a script's directory first on
`sys.path`)."""

import math

import numpy as np

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


def jsonable(value):
    """`value` as JSON data; non-finite floats become the strings "inf", "-inf", "nan"."""
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        if math.isfinite(value):
            return value
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
