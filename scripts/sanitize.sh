#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer run of the whole test suite:
# builds every test into build-asan/ (-DXMAS_SANITIZE=ON) and runs ctest there.
# A separate CI target: the build takes several times the normal one and the
# tests run 2-5x slower, so the main test command stays without it.
#   scripts/sanitize.sh [CTEST ARGS...]     e.g. scripts/sanitize.sh -L dataset
# Environment: XMAS_BUILD_DIR (default build-asan), XMAS_JOBS (build jobs),
# XMAS_TEST_JOBS (ctest -j, default 1).
# Any report fails the run (halt_on_error, abort_on_error). libtorch, OpenBLAS
# and libgomp are not instrumented: their one-time allocations that live until
# exit are suppressed from the leak report (only those libraries, by name).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${XMAS_BUILD_DIR:-build-asan}
XMAS_BUILD_DIR=$BUILD_DIR scripts/build.sh -DXMAS_SANITIZE=ON -DXMAS_BUILD_TESTS=ON -DXMAS_BUILD_BENCH=OFF
supp="$PWD/$BUILD_DIR/lsan.supp"
cat >"$supp" <<'SUPP'
leak:libtorch_cpu.so
leak:libc10.so
leak:libgomp.so
leak:libopenblas
leak:libprotobuf.so
leak:libsentencepiece
SUPP
# detect_container_overflow=0: std::vector annotations are only partial when
# uninstrumented libraries (libtorch) share containers with our code.
export ASAN_OPTIONS="abort_on_error=1:halt_on_error=1:detect_leaks=1:detect_container_overflow=0:strict_string_checks=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export OMP_NUM_THREADS=1
cd "$BUILD_DIR"
ctest --output-on-failure -j "${XMAS_TEST_JOBS:-1}" "$@"
