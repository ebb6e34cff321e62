#!/usr/bin/env python3
"""Writes a LLaVA-665k-sized selection benchmark input (no numpy needed).

Outputs, under --out:
  data.json                  N lean LLaVA records (ids s0.., coco/gqa/... images,
                             --text-only of them without an image, at the end)
  official/checkpoint-<step>_attn_svd_partial_vals_top5.json
                             the authors' per-checkpoint layout {unique_idx: [s1..s5]}
  store/                     the same values as an xmas feature store
                             (manifest.json, ids.txt, valid.npy, svd/checkpoint-<step>.npy)

Trajectories follow one of 64 smooth shapes plus noise, so they cluster.
Deterministic for a given --seed. Sizes at the defaults (665,000 x 8): about
560 MB of trajectory JSON, 80 MB of data, 110 MB of store.

    python3 bench/gen_official_trajectories.py --out /tmp/sel665k
"""
import argparse
import array
import json
import os
import random

SOURCES = ["coco/train2017", "gqa/images", "ocr_vqa/images", "textvqa/train_images", "vg/VG_100K"]


def npy_bytes(values, shape, descr):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else ""))
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + values.tobytes()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--n", type=int, default=665000)
    p.add_argument("--checkpoints", type=int, default=8)
    p.add_argument("--text-only", type=int, default=0, help="records without an image (default 0)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rng = random.Random(args.seed)
    n, t = args.n, args.checkpoints
    os.makedirs(os.path.join(args.out, "official"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "store", "svd"), exist_ok=True)
    images = n - args.text_only

    keys = []
    with open(os.path.join(args.out, "data.json"), "w") as f:
        f.write("[")
        for i in range(n):
            rec = {"id": "s%d" % i}
            if i < images:
                rec["image"] = "%s/%012d.jpg" % (SOURCES[i % len(SOURCES)], i)
                keys.append(rec["id"] + "::" + rec["image"])
            else:
                keys.append(rec["id"])
            rec["conversations"] = [{"from": "human", "value": "<image>\nWhat is shown?" if i < images else "Hi?"},
                                    {"from": "gpt", "value": "A thing."}]
            f.write(("\n" if i == 0 else ",\n") + json.dumps(rec))
        f.write("\n]\n")

    shapes = [[rng.uniform(1, 4) + rng.uniform(-1, 1) * s / t for s in range(t)] for _ in range(64)]
    shape_of = [rng.randrange(64) for _ in range(n)]
    scale = [rng.uniform(0.5, 1.5) for _ in range(n)]
    with open(os.path.join(args.out, "store", "ids.txt"), "w") as f:
        f.write("".join(k + "\n" for k in keys))
    valid = array.array("i", [1] * images + [0] * (n - images))
    with open(os.path.join(args.out, "store", "valid.npy"), "wb") as f:
        f.write(npy_bytes(valid, (n,), "<i4"))
    files = {}
    for c in range(t):
        step = 200 * (c + 1)
        vals = array.array("f")
        name = "checkpoint-%d_attn_svd_partial_vals_top5.json" % step
        with open(os.path.join(args.out, "official", name), "w") as f:
            f.write("{")
            for i in range(n):
                base = shapes[shape_of[i]][c] * scale[i] + rng.gauss(0, 0.05)
                sv = sorted((round(max(0.0, base / (j + 1) + rng.gauss(0, 0.02)), 6) for j in range(5)), reverse=True)
                if i >= images:
                    sv = [0.0] * 5
                vals.extend(sv)
                f.write(("" if i == 0 else ", ") + json.dumps(keys[i]) + ": [" + ", ".join(repr(v) for v in sv) + "]")
            f.write("}")
        rel = "svd/checkpoint-%d.npy" % step
        with open(os.path.join(args.out, "store", rel), "wb") as f:
            f.write(npy_bytes(vals, (n, 5), "<f4"))
        files[str(step)] = rel
        print("wrote", name, flush=True)
    manifest = {"format": "xmas-trajectory-store", "version": 1, "num_examples": n,
                "ids_file": "ids.txt", "valid_file": "valid.npy", "top_k": 5,
                "features": {"svd": {"per_checkpoint": True, "dtype": "float32", "shape": [n, 5], "files": files}},
                "settings": {"generator": "bench/gen_official_trajectories.py", "seed": args.seed}}
    with open(os.path.join(args.out, "store", "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
