#!/usr/bin/python3
"""This machine's single-precision matrix-product rate through the same
OpenBLAS libtorch uses (Debian's python3-torch and libtorch link the same
libblas.so.3): GFLOP/s of torch.mm on n x n float32 matrices, per wall second
and per CPU second (the steadier figure on a shared machine).

  bench/sgemm_peak.py [--threads 1] [--sizes 1024,256,128] [--seconds 3]
"""
import argparse
import time

import torch


def rate(n, seconds):
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)  # warm-up
    reps, wall0, cpu0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - wall0 < seconds:
        torch.mm(a, b)
        reps += 1
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    flops = 2.0 * n ** 3 * reps
    return flops / wall / 1e9, flops / cpu / 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sizes", default="1024,256,128")
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    for n in (int(s) for s in args.sizes.split(",")):
        wall, cpu = rate(n, args.seconds)
        print("sgemm n=%d threads=%d: %.1f GFLOP/s (wall), %.1f GFLOP/s per CPU second" % (n, args.threads, wall, cpu))


if __name__ == "__main__":
    main()
