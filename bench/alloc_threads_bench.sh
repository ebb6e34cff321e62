#!/usr/bin/env bash
# Allocator and OpenMP waiting policy of `xmas trajectories`, measured A/B
# in one run (BENCHMARKS.md, "Memory that stays" and "Threads").
#
#   bench/alloc_threads_bench.sh alloc   [BUILD_DIR] [WORK_DIR]
#   bench/alloc_threads_bench.sh threads [BUILD_DIR] [WORK_DIR]
#
# Needs the `tiny` run of bench/model_loop_bench.sh in WORK_DIR (default
# /tmp/xmas-model-loop). REPS rounds (default 3), the variants interleaved
# within each round; prints every run (wall, user+sys, minor page faults,
# peak RSS) and the medians.
#   alloc:   BUILD_DIR's xmas-torch as built (tcmalloc-minimal linked in);
#            and, from GLIBC_BUILD (a build folder configured with
#            -DXMAS_FAST_MALLOC=OFF; skipped when unset), glibc malloc as is,
#            glibc with fixed thresholds (GLIBC_TUNABLES: mmap_threshold 32
#            MiB, trim_threshold 512 MiB, i.e. what mallopt(M_MMAP_THRESHOLD /
#            M_TRIM_THRESHOLD) sets) and jemalloc by LD_PRELOAD. One thread.
#   threads: 2 threads alone and beside a CPU-bound busy loop (a second
#            process, `sh -c 'while :; do :; done'`), with libgomp's default
#            (OMP_WAIT_POLICY unset: spin 300k rounds, then sleep), with a
#            short spin (GOMP_SPINCOUNT=10000) and with OMP_WAIT_POLICY=PASSIVE
#            (sleep at once).
set -euo pipefail
MODE=${1:?alloc or threads}
BUILD=$(cd "${2:-build}" && pwd)
WORK=${3:-/tmp/xmas-model-loop}
# xmas-torch directly: `xmas` would set OMP_WAIT_POLICY=PASSIVE when unset.
XMAS="$BUILD/bin/xmas-torch"
REPS=${REPS:-3}
DIR="$WORK/tiny"
[ -d "$DIR/run" ] || { echo "no $DIR/run: run bench/model_loop_bench.sh first"; exit 1; }
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
GLIBC_XMAS=${GLIBC_BUILD:+$(cd "$GLIBC_BUILD" && pwd)/bin/xmas-torch}
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

# one NAME THREADS [env assignments...]: one extraction, one result line
# (BIN=path in the assignments picks another xmas-torch).
one() {
  local name=$1 threads=$2; shift 2
  local t; t=$(mktemp)
  local bin=$XMAS
  for a in "$@"; do [[ $a == BIN=* ]] && bin=${a#BIN=}; done
  env "$@" /usr/bin/time -f "%e %U %S %R %M" -o "$t" "$bin" -q trajectories --run "$DIR/run" \
    --data "$DIR/data.json" --image-folder "$WORK/demo/images" --batch-size "${BATCH:-8}" \
    --threads "$threads" --out "$WORK/ab-$name" --overwrite
  read -r wall user sys minflt rss <"$t"; rm -f "$t"
  local cpu; cpu=$(echo "$user + $sys" | bc)
  echo "$name wall=$wall cpu=$cpu minflt=$minflt rss_kb=$rss load=$(cut -d' ' -f1 /proc/loadavg)"
  echo "$name $wall $cpu $minflt $rss" >>"$RESULTS"
}

busy() { sh -c 'while :; do :; done' & echo $!; }

for round in $(seq "$REPS"); do
  echo "-- round $round"
  if [ "$MODE" = alloc ]; then
    one tcmalloc 1 OMP_NUM_THREADS=1
    if [ -n "$GLIBC_XMAS" ]; then
      one glibc 1 OMP_NUM_THREADS=1 BIN="$GLIBC_XMAS"
      one glibc-tuned 1 OMP_NUM_THREADS=1 BIN="$GLIBC_XMAS" \
        GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=536870912
      one jemalloc 1 OMP_NUM_THREADS=1 BIN="$GLIBC_XMAS" LD_PRELOAD=$JEMALLOC
    fi
  else
    for policy in spin spin10k PASSIVE; do
      case $policy in
        spin) setting=(-u OMP_WAIT_POLICY) ;;
        spin10k) setting=(-u OMP_WAIT_POLICY GOMP_SPINCOUNT=10000) ;;
        *) setting=(OMP_WAIT_POLICY=PASSIVE) ;;
      esac
      one "alone-$policy" 2 "${setting[@]}"
      pid=$(busy)
      one "busy-$policy" 2 "${setting[@]}"
      kill "$pid"
    done
  fi
done
echo
echo "| variant | runs | wall (median) | CPU user+sys (median) | minor page faults (median) | peak RSS MiB (median) |"
echo "|---|---:|---:|---:|---:|---:|"
python3 - "$RESULTS" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, *v = line.split()
    rows.setdefault(name, []).append([float(x) for x in v])
for name, runs in rows.items():
    med = [statistics.median(r[i] for r in runs) for i in range(4)]
    print("| %s | %d | %.1f s | %.1f s | %d | %.0f |" % (name, len(runs), med[0], med[1], med[2], med[3] / 1024))
EOF
