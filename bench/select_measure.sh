#!/usr/bin/env bash
# Measures `xmas select` on the 665k benchmark input (bench/gen_official_trajectories.py):
# wall time, CPU time (user + sys, all threads) and peak RSS with /usr/bin/time -v,
# from the authors' JSON files and from the feature store, RUNS times each (default 3),
# printing every run and the medians. OFFICIAL=1 also times --compat official once
# (about 20 minutes on the shared 2-core machine).
#   bench/select_measure.sh [XMAS_BINARY] [INPUT_DIR]
set -euo pipefail
XMAS=${1:-build/bin/xmas}
IN=${2:-/tmp/sel665k}
[ -f "$IN/data.json" ] || python3 "$(dirname "$0")/gen_official_trajectories.py" --out "$IN" --text-only 40000
TMP=$IN
source "$(dirname "$0")/lib.sh"
uptime
/usr/bin/time -f "startup (xmas --version): %e s wall, %U+%S s CPU, %M KB peak" "$XMAS" --version >/dev/null
select_measure() {  # name, then select arguments
  local name=$1; shift
  measure "$name" "$XMAS" -q select --data "$IN/data.json" --budget 20% "$@"
  uptime
}
select_measure json  --trajectories "$IN/official" -o "$IN/sub_json.json"
select_measure store --trajectories "$IN/store"    -o "$IN/sub_store.json"
cmp -s "$IN/sub_json.json" "$IN/sub_store.json" && echo "json and store subsets: identical"
if [ "${OFFICIAL:-0}" = 1 ]; then
  RUNS=1 select_measure official --trajectories "$IN/official" -o "$IN/sub_official.json" --compat official
fi
