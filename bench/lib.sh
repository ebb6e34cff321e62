# Shared by the bench/*_measure.sh scripts (source it): one run under
# /usr/bin/time -v and the medians of several.
#   time_run TIMEFILE CMD...  runs CMD (stdout discarded), prints "wall cpu peak_mb"
#                             (CPU = user + sys over all threads); on failure
#                             shows the end of TIMEFILE and exits
#   measure NAME CMD...       RUNS (default 3) time_runs of CMD: every run, then the
#                             medians; TMP must name a scratch folder

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

time_run() {
  local file=$1; shift
  /usr/bin/time -v "$@" 2> "$file" >/dev/null || { tail -3 "$file" >&2; exit 1; }
  awk -F': ' '/Elapsed/ {n=split($2,t,":"); w=(n==3)?t[1]*3600+t[2]*60+t[3]:t[1]*60+t[2]}
              /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {m=$2}
              END {printf "%.2f %.2f %.0f\n", w, u+s, m/1024}' "$file"
}

measure() {
  local name=$1; shift
  local rows=()
  for r in $(seq "${RUNS:-3}"); do
    rows+=("$(time_run "$TMP/$name.time" "$@")")
    echo "$name run $r: wall/s cpu/s peak/MB = ${rows[-1]}, load $(cut -d' ' -f1 /proc/loadavg)"
  done
  printf '%s\n' "${rows[@]}" | awk '{print $1}' | median | xargs printf "$name median: wall %s s, "
  printf '%s\n' "${rows[@]}" | awk '{print $2}' | median | xargs printf "CPU %s s, "
  printf '%s\n' "${rows[@]}" | awk '{print $3}' | median | xargs printf "peak %s MB\n"
}
