#!/usr/bin/env bash
# Builds the libFuzzer targets (clang + ASan + UBSan) into build-fuzz/ and runs
# each for SECONDS (default 600), one after the other, one process each.
#   scripts/fuzz.sh [SECONDS] [TARGET...]       targets: fuzz/<target>_fuzz.cpp
# Exit status 1 if any target found something. A finding leaves its input in
# build-fuzz/findings/<target>/ (replay: build-fuzz/fuzz/fuzz_<target> FILE);
# fix the bug, then copy the input to tests/fixtures/fuzz-regressions/<target>/
# so test_reliability replays it. Seeds: fuzz/corpus/<target>/ (made by
# fuzz/make_seeds.py); the growing corpus stays in build-fuzz/corpus/<target>/.
# A single allocation over 512 MB counts as a finding: inputs are <= 64 KiB,
# so such an allocation is a size the file chose.
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
  [ -d "fuzz/corpus/$t" ] || python3 fuzz/make_seeds.py
  cmake --build build-fuzz --target "fuzz_$t" -j "${XMAS_JOBS:-$(nproc)}"
done
status=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/findings/$t"
  echo "fuzz: $t for ${SECONDS_EACH}s"
  if ! "build-fuzz/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=25 \
      -rss_limit_mb=2048 -malloc_limit_mb=512 -artifact_prefix="build-fuzz/findings/$t/" \
      -print_final_stats=1 "build-fuzz/corpus/$t" "fuzz/corpus/$t" >"build-fuzz/findings/$t.log" 2>&1; then
    status=1
    echo "fuzz: $t FOUND something: see build-fuzz/findings/$t.log and build-fuzz/findings/$t/"
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)|^Done" \
    "build-fuzz/findings/$t.log" || true
done
exit $status
