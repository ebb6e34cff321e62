#!/usr/bin/env python3
"""`xmas select` (default mode) on trajectories of different structure, against FAISS.

For each --structures entry (bench/gen_official_trajectories.py: tight, broad,
uniform, ties) at --n x 8 checkpoints (6% text-only records): RUNS runs of
`xmas -q select --budget 20%` from the authors' JSON files and from the
feature store, under /usr/bin/time (wall, CPU = user + sys, peak RSS); the
k-means stage's wall time, iterations and objective from the report; then
python3-faiss's faiss.Kmeans on the same rows (same k, seed, sample and
initial centroids: xmas's default engine uses faiss::rand_perm as FAISS does)
for 100 iterations, at the same thread count: seconds per iteration and the
objective. Prints every run, the load average around each, and a Markdown
table of medians.

    nice bench/select_generators.py --xmas build/bin/xmas          # one command
    RUNS=5 nice bench/select_generators.py --work /tmp/selgen --structures broad
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable

FAISS_REFERENCE = r"""
import json, sys, time
from pathlib import Path
import faiss, numpy as np
store, k, niter = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
m = json.load(open(store / "manifest.json"))
valid = np.load(store / m["valid_file"]) != 0
files = m["features"]["svd"]["files"]
cols = []
for step in sorted(files, key=int):
    v = np.load(store / files[step]).astype(np.float64)       # rows x top-k, largest first
    cols.append(np.sum(-np.sort(-v, axis=1), axis=1).astype(np.float32))
x = np.ascontiguousarray(np.stack(cols, axis=1)[valid])
km = faiss.Kmeans(d=x.shape[1], k=k, niter=niter, seed=1234, max_points_per_centroid=256)
t0, c0 = time.time(), time.process_time()
km.train(x)
wall, cpu = time.time() - t0, time.process_time() - c0
print(json.dumps({"rows": int(x.shape[0]), "wall_per_iter": wall / niter, "cpu_per_iter": cpu / niter,
                  "obj": [float(o) for o in km.obj], "threads": faiss.omp_get_max_threads()}))
"""


def load():
    return os.getloadavg()[0]


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (wall s, cpu s, peak MB)."""
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stderr[-2000:]))
    f = {}
    for line in r.stderr.splitlines():
        key, _, value = line.strip().rpartition(": ")
        f[key] = value
    parts = [float(p) for p in f["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")]
    wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    cpu = float(f["User time (seconds)"]) + float(f["System time (seconds)"])
    return wall, cpu, int(f["Maximum resident set size (kbytes)"]) / 1024


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--xmas", default="build/bin/xmas")
    p.add_argument("--work", default="/tmp/selgen")
    p.add_argument("--n", type=int, default=665000)
    p.add_argument("--structures", nargs="+", default=["tight", "broad", "uniform", "ties"])
    p.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")))
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--faiss-iterations", type=int, default=100, help="0: skip the FAISS reference")
    args = p.parse_args()
    commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print("commit %s, %s UTC, %d CPUs, %d threads, load %.1f" % (
        commit, time.strftime("%Y-%m-%d %H:%M", time.gmtime()), os.cpu_count(), args.threads, load()), flush=True)
    env_threads = {"OMP_NUM_THREADS": str(args.threads)}
    os.environ.update(env_threads)
    rows = []
    for s in args.structures:
        inp = Path(args.work) / s
        if not (inp / "store" / "manifest.json").exists():
            subprocess.run([PY, HERE / "gen_official_trajectories.py", "--out", inp, "--n", str(args.n),
                            "--structure", s, "--text-only", str(args.n * 6 // 100)], check=True,
                           stdout=subprocess.DEVNULL)
        res = {}
        for src, traj in (("json", inp / "official"), ("store", inp / "store")):
            runs = []
            for r in range(args.runs):
                before = load()
                out = inp / ("sub_%s.json" % src)
                wall, cpu, mb = timed([args.xmas, "-q", "select", "--data", str(inp / "data.json"), "--budget", "20%",
                                       "--threads", str(args.threads), "--trajectories", str(traj), "-o", str(out)])
                rep = json.load(open(inp / ("sub_%s.report.json" % src)))
                d = rep["details"]
                km_wall = rep["timings_seconds"]["k-means"]
                km_cpu = rep.get("cpu_seconds", {}).get("k-means", float("nan"))
                runs.append({"wall": wall, "cpu": cpu, "mb": mb, "km_wall": km_wall, "km_cpu": km_cpu, "iters": d["kmeans_iterations_run"],
                             "exhaustive": d["kmeans_exhaustive_iterations"], "obj": d["kmeans_objective"],
                             "k": d["clusters"], "load": (before + load()) / 2})
                print("%s %s run %d: %.2f s wall, %.2f s CPU, %.0f MB; k-means %.2f s (%.2f s CPU), %d iterations "
                      "(%d exhaustive), objective %.6g; load %.1f" % (s, src, r + 1, wall, cpu, mb, km_wall, km_cpu,
                                                                        runs[-1]["iters"],
                                                     runs[-1]["exhaustive"], runs[-1]["obj"], runs[-1]["load"]),
                      flush=True)
            res[src] = runs
        k = res["store"][0]["k"]
        ref = {"wall_per_iter": float("nan"), "cpu_per_iter": float("nan"), "obj": [float("nan")]}
        if args.faiss_iterations > 0:
            ref = json.loads(subprocess.run([PY, "-c", FAISS_REFERENCE, inp / "store", str(k),
                                             str(args.faiss_iterations)], check=True, capture_output=True,
                                            text=True).stdout)
            print("%s FAISS: %d rows, k %d, %.3f s wall / %.3f s CPU per iteration, objective %.6g after %d "
                  "iterations; load %.1f" % (s, ref["rows"], k, ref["wall_per_iter"], ref["cpu_per_iter"],
                                             ref["obj"][-1], args.faiss_iterations, load()), flush=True)
        med = lambda src, key: statistics.median(r[key] for r in res[src])
        ours_iter = med("store", "km_cpu") / med("store", "iters")
        rows.append((s, med("json", "wall"), med("json", "cpu"), med("store", "wall"), med("store", "cpu"),
                     max(med("json", "mb"), med("store", "mb")), ours_iter, ref["cpu_per_iter"], med("store", "iters"),
                     med("store", "exhaustive"), 100 * (med("store", "obj") / ref["obj"][-1] - 1),
                     statistics.median([r["load"] for src in res for r in res[src]])))
    print("\n| data | JSON wall | JSON CPU | store wall | store CPU | peak RSS | k-means CPU s/iter (xmas) | "
          "FAISS CPU s/iter | iterations (exhaustive) | objective vs FAISS | load |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print("| %s | %.2f s | %.2f s | %.2f s | %.2f s | %.0f MB | %.3f | %.3f | %d (%d) | %+.2f%% | %.1f |" % r)


if __name__ == "__main__":
    main()
