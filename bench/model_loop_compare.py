#!/usr/bin/python3
"""One markdown table row per preset from bench/model_loop_bench.sh's logs:

  model_loop_compare.py WORK PRESET     # the row
  model_loop_compare.py --header        # the header

Rates: trajectories in examples/s over the checkpoints after the first (the
vision features cached in both), from each tool's own per-checkpoint log
lines; training in tokens/s of the optimizer steps (xmas's log line, the
reference's step timers). CPU = user + system seconds of the whole process,
RSS = its peak (/usr/bin/time). `diff` = the largest difference between the
two: trajectory values relative to the row's largest value; training losses
absolute, over the first 5 steps and over all. Trajectories are compared with
two reference runs: "same work" (xmas's batches and skipped layer part) and
"plain script" (consecutive batches, every hooked layer whole).
"""
import glob
import json
import os
import re
import sys

import numpy as np

HEADER = ("| preset | what | xmas | reference | xmas / ref | xmas CPU s | ref CPU s | xmas RSS MiB | "
          "ref RSS MiB | diff |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|")


def time_fields(path):
    text = open(path).read().strip().splitlines()[-1]
    f = dict(kv.split("=") for kv in text.split()[1:])
    return float(f["user"]) + float(f["sys"]), float(f["maxrss_kb"]) / 1024.0, float(f["wall"])


def xmas_traj_rate(log):
    rows = [(int(m.group(1)), float(m.group(2)))
            for m in re.finditer(r"checkpoint-\d+: (\d+) examples in ([0-9.e+-]+) s", open(log).read())]
    later = rows[1:] or rows
    return sum(n for n, _ in later) / sum(s for _, s in later), rows[0][0] / rows[0][1]


def ref_traj_rate(log):
    rows = [json.loads(l) for l in open(log) if l.startswith('{"checkpoint"')]
    later = rows[1:] or rows
    return (sum(r["examples"] for r in later) / sum(r["seconds"] for r in later),
            rows[0]["examples"] / rows[0]["seconds"])


def traj_diff(work, preset, ref_dir):
    worst = 0.0
    for ref in glob.glob(os.path.join(work, preset, ref_dir, "svd", "*.npy")):
        a = np.load(ref).astype(np.float64)
        b = np.load(os.path.join(work, preset, "traj-xmas", "svd", os.path.basename(ref))).astype(np.float64)
        scale = np.maximum(np.abs(a).max(1, keepdims=True), 1e-12)
        worst = max(worst, float((np.abs(a - b) / scale).max()))
    return worst


def train_rows(work, preset):
    log = open(os.path.join(work, preset + "-train-xmas.log")).read()
    m = re.search(r"\(([0-9.e+-]+) tokens/s this run\)", log)
    xmas_rate = float(m.group(1))
    lines = open(os.path.join(work, preset + "-train-ref.log")).read().splitlines()
    ref = [json.loads(l) for l in lines if l.startswith('{"step"')]
    summary = [json.loads(l)["summary"] for l in lines if l.startswith('{"summary"')][0]
    ref_rate = sum(r["tokens"] for r in ref) / sum(r["seconds"] for r in ref)
    mine = [json.loads(l) for l in open(os.path.join(work, preset, "run", "metrics.jsonl"))]
    d = [abs(a["loss"] - b["loss"]) for a, b in zip(mine, ref)]
    # The same batches, so the same matrix-product FLOPs (ref_model.train_flops) per token.
    flop_per_token = summary["gflop"] / summary["tokens"]
    diff = ("loss: first 5 steps %.1e, all %d steps %.1e (final %.4f vs %.4f); GFLOP/s %.1f vs %.1f" % (
        max(d[:5]), len(d), max(d), mine[-1]["loss"], ref[-1]["loss"], flop_per_token * xmas_rate,
        flop_per_token * ref_rate))
    return xmas_rate, ref_rate, diff


def row(work, preset):
    out = []
    if os.path.exists(os.path.join(work, preset + "-train-ref.log")):
        x, r, diff = train_rows(work, preset)
        xc, xm, _ = time_fields(os.path.join(work, preset + "-train-xmas.time"))
        rc, rm, _ = time_fields(os.path.join(work, preset + "-train-ref.time"))
        out.append("| %s | train tokens/s | %.0f | %.0f | **%.2f** | %.1f | %.1f | %.0f | %.0f | %s |"
                   % (preset, x, r, x / r, xc, rc, xm, rm, diff))
    x, x1 = xmas_traj_rate(os.path.join(work, preset + "-traj-xmas.log"))
    xc, xm, _ = time_fields(os.path.join(work, preset + "-traj-xmas.time"))
    for suffix, what in (("", "same work"), ("-plain", "plain script")):
        name = preset + "-traj-ref" + suffix
        if not os.path.exists(os.path.join(work, name + ".log")):
            continue
        r, r1 = ref_traj_rate(os.path.join(work, name + ".log"))
        rc, rm, _ = time_fields(os.path.join(work, name + ".time"))
        out.append("| %s | traj examples/s vs %s (first checkpoint: %.2f vs %.2f) | %.2f | %.2f | **%.2f** | %.1f "
                   "| %.1f | %.0f | %.0f | values: %.1e relative |"
                   % (preset, what, x1, r1, x, r, x / r, xc, rc, xm, rm, traj_diff(work, preset, "traj-ref" + suffix)))
    return "\n".join(out)


def main():
    if sys.argv[1] == "--header":
        print(HEADER)
    else:
        print(row(sys.argv[1], sys.argv[2]))


if __name__ == "__main__":
    main()
