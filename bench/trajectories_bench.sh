#!/usr/bin/env bash
# Trajectory extraction throughput (BENCHMARKS.md, "Trajectories").
#
#   bench/trajectories_bench.sh [BUILD_DIR] [WORK_DIR]
#
# Makes the small demo set, trains the `tiny` proxy for a few steps with a
# checkpoint every 10 steps, then extracts trajectories with the default
# settings (attention mode, all layers, exact top-5) and with every feature,
# printing examples/s per checkpoint (from the extractor's log).
set -euo pipefail
BUILD=${1:-build}
WORK=${2:-/tmp/xmas-traj-bench}
XMAS="$BUILD/bin/xmas"
THREADS=${XMAS_THREADS:-2}
mkdir -p "$WORK"
[ -f "$WORK/demo/train.json" ] || "$XMAS" -q demo-data --out "$WORK/demo" --seed 1
[ -d "$WORK/run/checkpoint-30" ] ||
  "$XMAS" -q train --data "$WORK/demo/train.json" --image-folder "$WORK/demo/images" \
    --config tiny --out "$WORK/run" --overwrite --max-steps 30 --save-every 10 \
    --batch-size 8 --threads "$THREADS"
run() {
  local name=$1; shift
  echo "== $name: $*"
  /usr/bin/time -f "wall %e s, max RSS %M KiB" \
    "$XMAS" trajectories --run "$WORK/run" --data "$WORK/demo/train.json" \
      --image-folder "$WORK/demo/images" --threads "$THREADS" --out "$WORK/$name" --overwrite "$@" \
    2>&1 | grep -E "examples/s|wall"
}
run svd --batch-size 16
run svd-official --batch-size 16 --mode official
run all-features --batch-size 16 --features svd,loss,el2n,embed,clip
run svd-randomized --batch-size 16 --svd randomized
