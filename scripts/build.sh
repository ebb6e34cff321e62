#!/usr/bin/env bash
# Configures and builds xmas into build/ (or $XMAS_BUILD_DIR).
# Extra arguments are passed to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${XMAS_BUILD_DIR:-build}
JOBS=${XMAS_JOBS:-$(nproc)}
# Ninja schedules the whole graph at once (Make recurses per directory) and
# keeps per-step times in .ninja_log; an existing build folder keeps its generator.
GENERATOR=()
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] && command -v ninja >/dev/null; then GENERATOR=(-G Ninja); fi
cmake -S . -B "$BUILD_DIR" "${GENERATOR[@]}" -DCMAKE_BUILD_TYPE=${XMAS_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
