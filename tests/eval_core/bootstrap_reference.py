#!/usr/bin/env python3
"""NumPy reference for xmas::eval::PairedBootstrap (src/xmas/eval/paired_bootstrap.h).

Reads {"method": [...], "baseline": [...], "resamples": B, "confidence": c,
"seed": s} from the file named on the command line and prints
{"mean_difference", "low", "high"} as JSON. The resampled indices come from
the same SplitMix64 stream as the C++ code (rejection sampling for an
unbiased index); the means and percentiles are NumPy's.
"""
import json
import sys

import numpy as np

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        limit = MASK - MASK % n
        while True:
            x = self.next()
            if x < limit:
                return x % n


def main():
    with open(sys.argv[1]) as f:
        case = json.load(f)
    d = np.asarray(case["method"], dtype=np.float64) - np.asarray(case["baseline"], dtype=np.float64)
    n, b = len(d), int(case["resamples"])
    rng = SplitMix64(int(case["seed"]))
    idx = np.array([[rng.below(n) for _ in range(n)] for _ in range(b)], dtype=np.int64)
    means = d[idx].mean(axis=1)
    c = float(case["confidence"])
    low, high = np.percentile(means, [100 * (1 - c) / 2, 100 * (1 + c) / 2])
    print(json.dumps({"mean_difference": float(d.mean()), "low": float(low), "high": float(high)}))


if __name__ == "__main__":
    main()
