#!/usr/bin/env bash
# run_oracle.sh TEXT_ORACLE ORACLE_JS_DIR MODE: the JS oracle writes its ids,
# then xmas's text_oracle compares. Exit 77 (skip) only when node is missing.
set -euo pipefail
bin="$1" oracle="$2" mode="$3"
if ! command -v node >/dev/null; then
  echo "SKIP: node is not installed (scripts/setup.sh installs nodejs); the tokenizer oracle cannot run"
  exit 77
fi
if [ ! -d "$oracle/node_modules/@lenml/tokenizers" ]; then
  echo "FAIL: $oracle/node_modules is missing: run scripts/setup.sh (npm ci in tests/oracle_js)"
  exit 1
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
node "$oracle/encode.mjs" "$out" "$mode"
"$bin" "$mode" "$out"
