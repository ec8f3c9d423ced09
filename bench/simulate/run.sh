#!/usr/bin/env bash
# Issue 3 — what-if simulation at 350,000 persons (docs/BENCHMARKS.md, "What-if simulation at 350,000
# persons").
#
#   JIUYE=/path/to/release/jiuye bench/simulate/run.sh
#
# Fresh SQLite database (the embedded default) filled by `jiuye demo --persons $N --no-serve`, then
# per case RUNS runs of `jiuye simulate … --format json` and, for comparison, of `jiuye scan` over
# the same programs (a simulation is two scans and their difference). Every run: wall clock and
# peak RSS from GNU time, the 1-minute load average before and after, and the JSON output
# (entering/leaving counts and per-program totals go into summary.md).
#
# JIUYE_BASE=/path/to/another/jiuye runs each case with that binary too, alternating run by run
# (results named CASE-base-i), so that two builds are compared in one window.
#
# Environment: JIUYE (required: a release build), N (350000), RUNS (3), AS_OF (2020-06-30),
# WORK (/work/bench-sim), PG_URL (empty; set to a PostgreSQL database URL to run on PostgreSQL).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
: "${JIUYE:?set JIUYE to a release jiuye binary}"
N=${N:-350000}
RUNS=${RUNS:-3}
AS_OF=${AS_OF:-2020-06-30}
WORK=${WORK:-/work/bench-sim}
RES=${RES:-$WORK/results-$(date -u +%Y%m%dT%H%M%SZ)}
DIR=$WORK/db-$N
mkdir -p "$RES"
loadavg() { cut -d' ' -f1 /proc/loadavg; }
log() { echo "[$(date -u +%H:%M:%S) load $(loadavg)] $*" | tee -a "$RES/run.log"; }
if [ -n "${PG_URL:-}" ]; then DB=(--database "$PG_URL"); else DB=(--database "sqlite://$DIR/jiuye.db"); fi
{
  echo "date $(date -u +%FT%TZ)"; uname -sr; nproc; grep -m1 'model name' /proc/cpuinfo
  echo "jiuye $JIUYE sha256 $(sha256sum "$JIUYE" | cut -d' ' -f1)"; echo "database ${DB[1]}"
  [ -z "${JIUYE_BASE:-}" ] || echo "base $JIUYE_BASE sha256 $(sha256sum "$JIUYE_BASE" | cut -d' ' -f1)"
} > "$RES/machine.txt"

if [ ! -f "$DIR/done" ]; then
  rm -rf "$DIR"; mkdir -p "$DIR"
  log "demo $N"
  (cd "$DIR" && /usr/bin/time -v -o "$RES/demo.time" "$JIUYE" "${DB[@]}" demo --persons "$N" --no-serve > "$RES/demo.txt" 2>&1)
  touch "$DIR/done"
fi

# name | arguments after the subcommand
CASES=(
  "refund_target|simulate --program stable_post_refund --set stable_post_refund.control_target=0.03"
  "loan_ceiling|simulate --program startup_loan --set startup_loan.ceiling_yuan=300000"
  "all_three|simulate --set stable_post_refund.control_target=0.03 --set startup_loan.ceiling_yuan=300000 --set unemployment_supplement.ratio=0.9"
  "scan_loan|scan --program startup_loan"
  "scan_all|scan"
)
for c in "${CASES[@]}"; do
  name=${c%%|*}; args=${c#*|}
  for i in $(seq 1 "$RUNS"); do
    for variant in ${JIUYE_BASE:+base} new; do
      bin=$JIUYE; tag=$name; [ "$variant" = base ] && { bin=$JIUYE_BASE; tag=$name-base; }
      before=$(loadavg)
      # shellcheck disable=SC2086
      (cd "$DIR" && /usr/bin/time -v -o "$RES/$tag-$i.time" "$bin" "${DB[@]}" $args --as-of "$AS_OF" --format json > "$RES/$tag-$i.json" 2> "$RES/$tag-$i.err")
      echo "before $before after $(loadavg)" > "$RES/$tag-$i.load"
      log "$tag run $i done"
    done
  done
done
python3 "$HERE/summarize.py" "$RES" > "$RES/summary.md"
log "done: $RES/summary.md"
