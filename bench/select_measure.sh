#!/usr/bin/env bash
# Measures `xmas select` on the 665k benchmark input (bench/gen_official_trajectories.py):
# wall time, CPU time and peak memory with /usr/bin/time -v, from the authors'
# JSON files and from the feature store, default and official modes.
#   bench/select_measure.sh [XMAS_BINARY] [INPUT_DIR]
set -euo pipefail
XMAS=${1:-build/bin/xmas}
IN=${2:-/tmp/sel665k}
[ -f "$IN/data.json" ] || python3 "$(dirname "$0")/gen_official_trajectories.py" --out "$IN" --text-only 40000
uptime
run() {
  local name=$1; shift
  /usr/bin/time -v "$XMAS" select --data "$IN/data.json" --budget 20% "$@" 2> "$IN/$name.time" >/dev/null
  grep -E "Elapsed|User time|System time|Maximum resident" "$IN/$name.time" | sed "s/^/$name: /"
}
run json     --trajectories "$IN/official" -o "$IN/sub_json.json"
run store    --trajectories "$IN/store"    -o "$IN/sub_store.json"
run official --trajectories "$IN/official" -o "$IN/sub_official.json" --compat official
