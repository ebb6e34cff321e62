#!/usr/bin/env python3
"""Writes a selection input: a LLaVA dataset and its trajectories, in the
authors' JSON layout and as an xmas feature store.

Outputs, under --out:
  data.json                  N lean LLaVA records (ids s0.., coco/gqa/... images;
                             --text-only of them, at seeded random positions, without an image)
  official/checkpoint-<step>_attn_svd_partial_vals_top5.json
                             the authors' per-checkpoint layout {unique_idx: [s1..s5]}
  store/                     the same values as an xmas feature store
                             (manifest.json, ids.txt, valid.npy, svd/checkpoint-<step>.npy)

--structure chooses how the trajectories are distributed (so that k-means is
measured on more than one kind of data):
  tight    64 smooth shapes x a per-example scale, little noise (many clear groups)
  broad    6 shapes, wide scales, strong noise and a per-example drift (few, overlapping groups)
  uniform  every value independent and uniform (no structure at all)
  ties     12 shapes x 3 scales, no noise, 2 decimals (heavy exact duplicates)
--text-rows says what the authors' files hold for text-only records: zeros (a
row of zeros), nan (NaN values, as their extraction can emit) or absent (no
row). The store always has a zero row with valid = 0.

Deterministic for a given set of arguments. Sizes at the defaults (665,000 x
8): about 450 MB of trajectory JSON, 80 MB of data, 110 MB of store.

    python3 bench/gen_official_trajectories.py --out /tmp/sel665k --structure broad
"""
import argparse
import json
import os

import numpy as np

SOURCES = ["coco/train2017", "gqa/images", "ocr_vqa/images", "textvqa/train_images", "vg/VG_100K"]
TOP_K = 5


def npy_bytes(values, descr):
    shape = values.shape
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else ""))
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + values.tobytes()


def per_checkpoint_level(structure, rng, n, t):
    """n x t: the size of each example's top singular value at each checkpoint."""
    steps = np.arange(t) / max(t - 1, 1)
    if structure == "tight":
        shapes = rng.uniform(1, 4, (64, 1)) + rng.uniform(-1, 1, (64, 1)) * steps
        return shapes[rng.integers(0, 64, n)] * rng.uniform(0.5, 1.5, (n, 1)) + rng.normal(0, 0.05, (n, t))
    if structure == "broad":
        shapes = rng.uniform(1, 4, (6, 1)) + rng.uniform(-1.5, 1.5, (6, 1)) * np.sin(np.pi * steps * rng.uniform(0.5, 2, (6, 1)))
        drift = rng.normal(0, 0.6, (n, 1)) * steps
        return shapes[rng.integers(0, 6, n)] * rng.uniform(0.3, 2.0, (n, 1)) + drift + rng.normal(0, 0.4, (n, t))
    if structure == "uniform":
        return rng.uniform(0.5, 4.0, (n, t))
    if structure == "ties":
        shapes = np.round(rng.uniform(1, 4, (12, 1)) + rng.uniform(-1, 1, (12, 1)) * steps, 1)
        return shapes[rng.integers(0, 12, n)] * rng.choice([0.5, 1.0, 1.5], (n, 1))
    raise ValueError(structure)


def singular_values(structure, rng, level, decimals):
    """n x t x TOP_K, descending along the last axis, rounded."""
    ratios = 1.0 / np.arange(1, TOP_K + 1)
    sv = level[:, :, None] * ratios
    if structure != "ties":
        sv = sv + rng.normal(0, 0.02, sv.shape)
    sv = np.round(np.maximum(sv, 0.0), decimals if structure != "ties" else 2)
    return -np.sort(-sv, axis=2)


def write_data(path, n, text_only):
    keys = []
    with open(path, "w") as f:
        f.write("[")
        for i in range(n):
            rec = {"id": "s%d" % i}
            if not text_only[i]:
                rec["image"] = "%s/%012d.jpg" % (SOURCES[i % len(SOURCES)], i)
                keys.append(rec["id"] + "::" + rec["image"])
            else:
                keys.append(rec["id"])
            rec["conversations"] = [{"from": "human", "value": "Hi?" if text_only[i] else "<image>\nWhat is shown?"},
                                    {"from": "gpt", "value": "A thing."}]
            f.write(("\n" if i == 0 else ",\n") + json.dumps(rec))
        f.write("\n]\n")
    return keys


def py_float(v):
    return "NaN" if v != v else repr(v)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--n", type=int, default=665000)
    p.add_argument("--checkpoints", type=int, default=8)
    p.add_argument("--structure", choices=["tight", "broad", "uniform", "ties"], default="tight")
    p.add_argument("--text-only", type=int, default=0, help="records without an image (default 0)")
    p.add_argument("--text-rows", choices=["zeros", "nan", "absent"], default="zeros")
    p.add_argument("--decimals", type=int, default=6, help="digits kept of every singular value")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    n, t = args.n, args.checkpoints
    os.makedirs(os.path.join(args.out, "official"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "store", "svd"), exist_ok=True)
    text_only = np.zeros(n, dtype=bool)
    text_only[rng.choice(n, args.text_only, replace=False)] = True
    keys = write_data(os.path.join(args.out, "data.json"), n, text_only)
    sv = singular_values(args.structure, rng, per_checkpoint_level(args.structure, rng, n, t), args.decimals)
    sv[text_only] = np.nan if args.text_rows == "nan" else 0.0

    with open(os.path.join(args.out, "store", "ids.txt"), "w") as f:
        f.write("".join(k + "\n" for k in keys))
    with open(os.path.join(args.out, "store", "valid.npy"), "wb") as f:
        f.write(npy_bytes((~text_only).astype("<i4"), "<i4"))
    files = {}
    for c in range(t):
        step = 200 * (c + 1)
        name = "checkpoint-%d_attn_svd_partial_vals_top%d.json" % (step, TOP_K)
        rows = sv[:, c, :].tolist()
        items = ("%s: [%s]" % (json.dumps(keys[i]), ", ".join(py_float(v) for v in rows[i]))
                 for i in range(n) if not (text_only[i] and args.text_rows == "absent"))
        with open(os.path.join(args.out, "official", name), "w") as f:
            f.write("{" + ", ".join(items) + "}")
        rel = "svd/checkpoint-%d.npy" % step
        with open(os.path.join(args.out, "store", rel), "wb") as f:
            f.write(npy_bytes(np.nan_to_num(sv[:, c, :], nan=0.0).astype("<f4"), "<f4"))
        files[str(step)] = rel
    manifest = {"format": "xmas-trajectory-store", "version": 1, "num_examples": n,
                "ids_file": "ids.txt", "valid_file": "valid.npy", "top_k": TOP_K,
                "features": {"svd": {"per_checkpoint": True, "dtype": "float32", "shape": [n, TOP_K], "files": files}},
                "settings": {"generator": "bench/gen_official_trajectories.py", "structure": args.structure,
                             "seed": args.seed}}
    with open(os.path.join(args.out, "store", "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
