#!/usr/bin/env bash
# Builds the libFuzzer targets (clang + ASan + UBSan) into build-fuzz/ and runs
# each for SECONDS (default 600) on both cores' worth of jobs.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# A crash leaves its input in build-fuzz/findings/<target>/; fix the bug, then
# copy the input to tests/data/fuzz-regressions/<target>/ so tests replay it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
shift || true
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DXMAS_FUZZ=ON -DXMAS_BUILD_TESTS=OFF -DXMAS_BUILD_BENCH=OFF >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/*_fuzz.cpp; do n=$(basename "$f" _fuzz.cpp); targets+=("$n"); done
fi
for t in "${targets[@]}"; do
  cmake --build build-fuzz --target "fuzz_$t" -j "$(nproc)"
done
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/findings/$t" "fuzz/corpus/$t"
  echo "fuzz: $t for ${SECONDS_EACH}s"
  "build-fuzz/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 \
    -artifact_prefix="build-fuzz/findings/$t/" -print_final_stats=1 \
    "build-fuzz/corpus/$t" "fuzz/corpus/$t" 2>&1 | tail -n 12
done
