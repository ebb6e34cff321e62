#!/usr/bin/env bash
# The README's test command: installs dependencies, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DXMAS_BUILD_TESTS=ON -DXMAS_BUILD_BENCH=OFF  # benchmarks: scripts/build.sh
cd "${XMAS_BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" --timeout 600
