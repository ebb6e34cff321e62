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
RUNS=${RUNS:-3}
[ -f "$IN/data.json" ] || python3 "$(dirname "$0")/gen_official_trajectories.py" --out "$IN" --text-only 40000
uptime
/usr/bin/time -f "startup (xmas --version): %e s wall, %U+%S s CPU, %M KB peak" "$XMAS" --version >/dev/null
one() {  # name, then select arguments; prints "wall cpu peak_mb"
  local name=$1; shift
  /usr/bin/time -v "$XMAS" -q select --data "$IN/data.json" --budget 20% "$@" 2> "$IN/$name.time" >/dev/null
  awk -F': ' '/Elapsed/ {n=split($2,t,":"); w=(n==3)?t[1]*3600+t[2]*60+t[3]:t[1]*60+t[2]}
              /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {m=$2}
              END {printf "%.2f %.2f %.0f\n", w, u+s, m/1024}' "$IN/$name.time"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  local name=$1; shift
  local rows=()
  for r in $(seq "$RUNS"); do
    rows+=("$(one "$name" "$@")")
    echo "$name run $r: wall/s cpu/s peak/MB = ${rows[-1]}"
  done
  printf '%s\n' "${rows[@]}" | awk '{print $1}' | median | xargs printf "$name median: wall %s s, "
  printf '%s\n' "${rows[@]}" | awk '{print $2}' | median | xargs printf "CPU %s s, "
  printf '%s\n' "${rows[@]}" | awk '{print $3}' | median | xargs printf "peak %s MB\n"
  uptime
}
measure json  --trajectories "$IN/official" -o "$IN/sub_json.json"
measure store --trajectories "$IN/store"    -o "$IN/sub_store.json"
cmp -s "$IN/sub_json.json" "$IN/sub_store.json" && echo "json and store subsets: identical"
if [ "${OFFICIAL:-0}" = 1 ]; then
  RUNS=1 measure official --trajectories "$IN/official" -o "$IN/sub_official.json" --compat official
fi
