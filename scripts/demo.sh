#!/usr/bin/env bash
# The README's main command: installs dependencies, builds, runs `xmas demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DXMAS_BUILD_TESTS=OFF -DXMAS_BUILD_BENCH=OFF
exec "${XMAS_BUILD_DIR:-build}/bin/xmas" demo "$@"
