#!/usr/bin/env bash
# Measures reading the 665k LLaVA-shaped dataset (bench/gen_llava665k.py, ~1.04 GiB):
# `xmas data stats`, `xmas data validate` (no image folder: structure and turn rules) and
# the dataset index `xmas select` loads (`select --method random --budget 1`: the index
# plus a one-record subset), RUNS times each (default 3), with /usr/bin/time -v: wall time,
# CPU time (user + sys, all threads), peak RSS; every run, then the medians, and `uptime`
# before and after each command (the machine is shared: say the load with the figures).
#   bench/dataset_measure.sh [XMAS_BINARY] [DATA_FILE]
set -euo pipefail
XMAS=${1:-build/bin/xmas}
DATA=${2:-/tmp/llava665k.json}
RUNS=${RUNS:-3}
[ -f "$DATA" ] || python3 "$(dirname "$0")/gen_llava665k.py" --out "$DATA"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "binary $XMAS, data $DATA ($(stat -c %s "$DATA") bytes), $(date -u +%FT%TZ), nproc $(nproc)"
one() {  # name, then the xmas arguments; prints "wall cpu peak_mb"
  local name=$1; shift
  /usr/bin/time -v "$XMAS" -q "$@" 2> "$TMP/$name.time" >/dev/null || {
    tail -3 "$TMP/$name.time" >&2; exit 1; }
  awk -F': ' '/Elapsed/ {n=split($2,t,":"); w=(n==3)?t[1]*3600+t[2]*60+t[3]:t[1]*60+t[2]}
              /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {m=$2}
              END {printf "%.2f %.2f %.0f\n", w, u+s, m/1024}' "$TMP/$name.time"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  local name=$1; shift
  local rows=()
  uptime
  for r in $(seq "$RUNS"); do
    rows+=("$(one "$name" "$@")")
    echo "$name run $r: wall/s cpu/s peak/MB = ${rows[-1]}"
  done
  printf '%s\n' "${rows[@]}" | awk '{print $1}' | median | xargs printf "$name median: wall %s s, "
  printf '%s\n' "${rows[@]}" | awk '{print $2}' | median | xargs printf "CPU %s s, "
  printf '%s\n' "${rows[@]}" | awk '{print $3}' | median | xargs printf "peak %s MB\n"
}
measure stats data stats --json "$DATA"
measure validate data validate "$DATA"
measure index select --method random --budget 1 --data "$DATA" -o "$TMP/one.json"
uptime
