#!/usr/bin/env python3
"""Parity of `xmas select --compat official` with the authors' FAISS run.

  make-golden  Generates a case (bench/gen_official_trajectories.py), runs the
               authors' kmeans_clustering.py and cluster_data_selection.py
               (from --authors, their XMAS/ folder; nothing of theirs is
               copied here) once per thread count, and stores inputs and
               outputs gzip-compressed under --out (tests/fixtures/official-golden-*).
  check        (CTest) Generates a larger case and compares xmas's cluster and
               stability files with the reference, per thread count, byte
               for byte: the authors' scripts when XMAS_AUTHORS_DIR names
               their XMAS/ folder (then the subsets too), otherwise
               python3-faiss called as their kmeans_clustering.py calls it
               (faiss.Kmeans(d, 1000, niter=100), OMP_NUM_THREADS threads).

The authors' scripts run unchanged through a small runner that provides an
empty `matplotlib` (imported, never used) and seeds Python's `random` (their
text-only draw is unseeded) with the seed xmas gets as --seed.
"""
import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATOR = HERE.parent.parent / "bench" / "gen_official_trajectories.py"
STABILITY = "attn_svd_stability_vals_top-5_singular_vals.json"
CLUSTERS = "attn_svd_cluster_idxs.json"

RUNNER = r"""
import os, random, runpy, sys, types
random.seed(int(os.environ["XMAS_PARITY_SEED"]))
mpl = types.ModuleType("matplotlib"); mpl.pyplot = types.ModuleType("matplotlib.pyplot")
sys.modules["matplotlib"] = mpl; sys.modules["matplotlib.pyplot"] = mpl.pyplot
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

# python3-faiss as kmeans_clustering.py calls it, for machines without their scripts.
FAISS_ONLY = r"""
import json, math, sys
from pathlib import Path
import faiss, numpy as np  # the thread count comes from OMP_NUM_THREADS, as torch would set it
metric_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
step = lambda p: int(p.name.split("_")[0].split("-")[1])
files = sorted(metric_dir.glob("*_attn_svd_*.json"), key=step)
ids, cols = None, []
for p in files:
    d = json.load(open(p))
    ids = ids or list(d)
    cols.append(np.array([sum(sorted(d[i], reverse=True)[:5]) for i in ids], dtype=np.float32))
x = np.ascontiguousarray(np.stack(cols, axis=1))
x[np.isnan(x)] = 0
km = faiss.Kmeans(d=x.shape[1], k=1000, niter=100, verbose=False)
km.train(x)
_, I = km.index.search(x, 1)
json.dump({ids[i]: int(I[i, 0]) for i in range(len(ids))}, open(out / "attn_svd_cluster_idxs.json", "w"), indent=4)
"""


def run(cmd, env=None, **kw):
    cmd = [str(c) for c in cmd]
    r = subprocess.run(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, **kw)
    if r.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (r.returncode, " ".join(map(str, cmd)), r.stdout[-3000:]))
    return r.stdout


def generate(case, out):
    run([sys.executable, GENERATOR, "--out", out, "--n", case["n"], "--checkpoints", case["checkpoints"],
         "--structure", case["structure"], "--text-only", case["text_only"], "--text-rows", case["text_rows"],
         "--decimals", case["decimals"], "--seed", case["seed"]])
    data = json.load(open(Path(out) / "data.json"))
    unique2orig = {(r["id"] + "::" + r["image"]) if "image" in r else r["id"]: i for i, r in enumerate(data)}
    json.dump(unique2orig, open(Path(out) / "unique2orig.json", "w"))


def run_authors(authors, inp, out, threads, budgets, seed):
    """Their two scripts, unchanged, with OMP_NUM_THREADS=threads."""
    env = {"OMP_NUM_THREADS": str(threads), "XMAS_PARITY_SEED": str(seed)}
    run([sys.executable, "-c", RUNNER, Path(authors) / "kmeans_clustering.py", "--metric", "attn_svd",
         "--metric_dir", Path(inp) / "official", "--stability_save_dir_path", out, "--k", "5"], env)
    for b in budgets:
        run([sys.executable, "-c", RUNNER, Path(authors) / "cluster_data_selection.py",
             "--cluster_vals", Path(out) / CLUSTERS, "--stability_vals", Path(out) / STABILITY,
             "--data", Path(inp) / "data.json", "--unique2orig", Path(inp) / "unique2orig.json",
             "--save_path", Path(out) / ("subset_%d.json" % b), "--percentage", str(b)], env)


def gz(src, dst):
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as f, gzip.GzipFile(dst, "wb", mtime=0) as g:
        shutil.copyfileobj(f, g)


def openblas_core():
    """The kernel set OpenBLAS picked (OPENBLAS_CORETYPE or the CPU): FAISS's sums depend on it."""
    import ctypes
    try:
        f = ctypes.CDLL("libblas.so.3").openblas_get_corename
    except (OSError, AttributeError):
        return "not OpenBLAS"
    f.restype = ctypes.c_char_p
    return f().decode()


def make_golden(args):
    case = {"n": args.n, "checkpoints": args.checkpoints, "structure": args.structure, "text_only": args.text_only,
            "text_rows": args.text_rows, "decimals": args.decimals, "seed": args.seed, "threads": args.threads,
            "budgets": args.budgets, "random_seed": args.random_seed, "openblas_core": openblas_core()}
    out = Path(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        generate(case, tmp)
        gz(Path(tmp) / "data.json", out / "data.json.gz")
        for p in sorted((Path(tmp) / "official").iterdir()):
            gz(p, out / "attn_svd_files" / (p.name + ".gz"))
        stability, clusters = set(), {}
        for t in args.threads:
            o = Path(tmp) / ("out-%d" % t)
            run_authors(args.authors, tmp, o, t, args.budgets, args.random_seed)
            stability.add((o / STABILITY).read_bytes())
            clusters[t] = (o / CLUSTERS).read_bytes()
            gz(o / CLUSTERS, out / ("threads-%d" % t) / (CLUSTERS + ".gz"))
            for b in args.budgets:
                gz(o / ("subset_%d.json" % b), out / ("threads-%d" % t) / ("subset_%d.json.gz" % b))
        assert len(stability) == 1, "stability depends on the thread count?"
        gz(o / STABILITY, out / (STABILITY + ".gz"))
        case["clusters_differ_between_threads"] = len(set(clusters.values())) > 1
    json.dump(case, open(out / "case.json", "w"), indent=2)
    print(json.dumps(case))


def check(args):
    case = {"n": args.n, "checkpoints": args.checkpoints, "structure": args.structure, "text_only": args.text_only,
            "text_rows": args.text_rows, "decimals": 6, "seed": args.seed}
    authors = os.environ.get("XMAS_AUTHORS_DIR")
    budgets = [10, 30]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        generate(case, tmp)
        ref_clusters = {}
        for t in args.threads:
            ref, ours = Path(tmp) / ("ref-%d" % t), Path(tmp) / ("ours-%d" % t)
            ref.mkdir()
            ours.mkdir()
            if authors:
                run_authors(authors, tmp, ref, t, budgets, args.seed)
            else:
                run([sys.executable, "-c", FAISS_ONLY, Path(tmp) / "official", ref], {"OMP_NUM_THREADS": str(t)})
            for b in budgets:
                sub = ours / ("subset_%d.json" % b)
                run([args.xmas, "-q", "select", "--compat", "official", "--official-format", "--threads", str(t),
                     "--trajectories", Path(tmp) / "official", "--data", Path(tmp) / "data.json",
                     "--budget", "%d%%" % b, "--seed", str(args.seed), "-o", sub, "--write-official", ours])
                if authors and sub.read_bytes() != (ref / sub.name).read_bytes():
                    failures.append("threads %d: subset %d%% differs" % (t, b))
            names = [CLUSTERS] + ([STABILITY] if authors else [])
            for name in names:
                a, b = json.load(open(ref / name)), json.load(open(ours / name))
                if list(a.items()) != list(b.items()):
                    differ = sum(1 for k in a if a[k] != b.get(k))
                    failures.append("threads %d: %s: %d of %d values differ" % (t, name, differ, len(a)))
            ref_clusters[t] = (ref / CLUSTERS).read_bytes()
        print("reference:", "the authors' scripts" if authors else "python3-faiss as their kmeans_clustering.py",
              "| clusters differ between thread counts:", len(set(ref_clusters.values())) > 1)
    if failures:
        sys.exit("\n".join(failures))
    print("identical for threads", args.threads)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("make-golden", "check"):
        s = sub.add_parser(name)
        s.add_argument("--n", type=int, required=True)
        s.add_argument("--checkpoints", type=int, required=True)
        s.add_argument("--structure", default="broad")
        s.add_argument("--text-only", type=int, default=0)
        s.add_argument("--text-rows", default="zeros")
        s.add_argument("--seed", type=int, default=1)
        s.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    g = sub.choices["make-golden"]
    g.add_argument("--authors", required=True, help="the authors' XMAS/ folder")
    g.add_argument("--out", required=True)
    g.add_argument("--budgets", type=int, nargs="+", default=[10, 30])
    g.add_argument("--decimals", type=int, default=4)
    g.add_argument("--random-seed", type=int, default=1234)
    sub.choices["check"].add_argument("--xmas", required=True)
    args = p.parse_args()
    make_golden(args) if args.cmd == "make-golden" else check(args)


if __name__ == "__main__":
    main()
