#!/usr/bin/env bash
# Measures reading the 665k LLaVA-shaped dataset (bench/gen_llava665k.py, ~1.04 GiB):
# `xmas data stats`, `xmas data validate` (no image folder: structure and turn rules) and
# the dataset index `xmas select` loads (`select --method random --budget 1`: the index
# plus a one-record subset), RUNS times each (default 3), with /usr/bin/time -v: wall time,
# CPU time (user + sys, all threads), peak RSS; every run with the load average, then
# the medians (the machine is shared: say the load with the figures).
#   bench/dataset_measure.sh [XMAS_BINARY] [DATA_FILE]
set -euo pipefail
XMAS=${1:-build/bin/xmas}
DATA=${2:-/tmp/llava665k.json}
[ -f "$DATA" ] || python3 "$(dirname "$0")/gen_llava665k.py" --out "$DATA"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib.sh"
echo "binary $XMAS, data $DATA ($(stat -c %s "$DATA") bytes), $(date -u +%FT%TZ), nproc $(nproc)"
uptime
measure stats "$XMAS" -q data stats --json "$DATA"
measure validate "$XMAS" -q data validate "$DATA"
measure index "$XMAS" -q select --method random --budget 1 --data "$DATA" -o "$TMP/one.json"
uptime
