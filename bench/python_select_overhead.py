#!/usr/bin/env python3
"""Overhead of xmas.select (Python) against `xmas select` (CLI), one run each.

On the 665k x 8 selection input of bench/gen_official_trajectories.py
(generated into IN if missing): the CLI from the feature store, then in this
process xmas.select from the same store path and from NumPy arrays
([N, 8, 5] singular values loaded from that store), all at budget 20% in
default mode; wall and CPU seconds of each, the report's stages, and a check
that the three subsets are byte-identical.

    PYTHONPATH=build/python python3 bench/python_select_overhead.py build/bin/xmas /tmp/sel665k
"""
import os
import resource
import subprocess
import sys
import time

import xmas

XMAS = sys.argv[1] if len(sys.argv) > 1 else "build/bin/xmas"
IN = sys.argv[2] if len(sys.argv) > 2 else "/tmp/sel665k"
HERE = os.path.dirname(os.path.abspath(__file__))


def uptime():
    with open("/proc/loadavg") as f:
        return "load average " + " ".join(f.read().split()[:3])


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def stages(report):
    return ", ".join(f"{k} {v:.2f}/{report['cpu_seconds'].get(k, 0):.2f}" for k, v in report["timings_seconds"].items())


def main():
    if not os.path.exists(os.path.join(IN, "data.json")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_official_trajectories.py"), "--out", IN,
                        "--text-only", "40000"], check=True)
    data, store_dir = os.path.join(IN, "data.json"), os.path.join(IN, "store")
    xmas.set_log_level("warn")
    print(uptime(), "| commit", subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                                               capture_output=True, text=True).stdout.strip())

    out_cli = os.path.join(IN, "py_bench_cli.json")
    w, c = time.perf_counter(), children_cpu()
    subprocess.run([XMAS, "-q", "select", "--data", data, "--budget", "20%", "--trajectories", store_dir,
                    "-o", out_cli], check=True)
    print(f"CLI from the store:        wall {time.perf_counter() - w:6.2f} s, CPU {children_cpu() - c:6.2f} s")
    print("  stages wall/CPU:", stages(xmas_report(out_cli)), "|", uptime())

    out_path = os.path.join(IN, "py_bench_path.json")
    w, c = time.perf_counter(), self_cpu()
    r = xmas.select(store_dir, "20%", data=data, output=out_path)
    print(f"xmas.select(store path):   wall {time.perf_counter() - w:6.2f} s, CPU {self_cpu() - c:6.2f} s")
    print("  stages wall/CPU:", stages(r.report), "|", uptime())

    w = time.perf_counter()
    store = xmas.Store(store_dir)
    svd, ids, text_only = store.trajectories("svd"), store.ids, ~store.valid
    print(f"(loading the arrays {svd.shape} {svd.dtype}: {time.perf_counter() - w:.2f} s, not counted)")
    out_np = os.path.join(IN, "py_bench_numpy.json")
    w, c = time.perf_counter(), self_cpu()
    r = xmas.select(svd, "20%", data=data, ids=ids, text_only=text_only, steps=store.steps("svd"), output=out_np)
    print(f"xmas.select(NumPy arrays): wall {time.perf_counter() - w:6.2f} s, CPU {self_cpu() - c:6.2f} s")
    print("  stages wall/CPU:", stages(r.report), "|", uptime())
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    same = open(out_cli, "rb").read() == open(out_path, "rb").read() == open(out_np, "rb").read()
    print("subsets byte-identical:", same)


def xmas_report(subset):
    import json
    with open(subset[:-5] + ".report.json") as f:
        return json.load(f)


if __name__ == "__main__":
    main()
