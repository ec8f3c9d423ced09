#!/usr/bin/env bash
# Issue 4 — job search benchmark (docs/BENCHMARKS.md, "Issue 4 — job search").
#
#   bench/search/run.sh                     # sizes 200000 and 1000000, then the matching timings
#   BENCH_SIZES="200000" bench/search/run.sh
#
# Builds `jiuye` and the bench programs (bench/search/harness) from a `git archive` snapshot of
# HEAD with CARGO_TARGET_DIR (default /work/target-bench), so edits in the working tree are not
# measured. Per size: generate the corpus (harness `gen`), fresh PostgreSQL database migrated by
# `jiuye migrate`, COPY, `jiuye search reindex`, `jiuye serve` + the baseline server, totals
# (recall) and load runs at 1 and 32 clients for: ours (relevance), ours (sort=newest), ILIKE (no
# trigram index), then create the pg_trgm GIN indexes and measure pg_trgm. Every result file
# has a `.load` line with the load average before and after. Databases are dropped at the end.
#
# Environment: BENCH_WORK (default /work/bench-search), BENCH_SECONDS (default 15: minimum length
# of a load run; a run also lasts until every query has been answered once), BENCH_SEED (2020),
# PG (default postgres://postgres@127.0.0.1:5432), BENCH_KEEP_DB=1 to keep the databases,
# BENCH_COMMIT (default HEAD) the commit to build and measure, BENCH_MATCH=0 to skip matching,
# BENCH_JIUYE=PATH to measure that prebuilt `jiuye` binary instead of building one from the commit
# (e.g. a release build of a working-tree snapshot; its path and sha256 go into machine.txt; the
# bench programs are still built from the commit's snapshot, BENCH_SNAP).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${BENCH_WORK:-/work/bench-search}
SIZES=${BENCH_SIZES:-"200000 1000000"}
SECONDS_PER_RUN=${BENCH_SECONDS:-15}
SEED=${BENCH_SEED:-2020}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-bench}
COMMIT=$(git -C "$ROOT" rev-parse --short "${BENCH_COMMIT:-HEAD}")
SNAP=${BENCH_SNAP:-/work/bench-snap/$COMMIT}
RES=${BENCH_RESULTS:-$WORK/results-$COMMIT-$(date -u +%Y%m%dT%H%M%SZ)}
OURS_PORT=18080
BASE_PORT=18081
mkdir -p "$WORK" "$RES"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "[$(date -u +%H:%M:%S) load $(loadavg)] $*" | tee -a "$RES/run.log"; }
psqlq() { psql "$PG/$1" -v ON_ERROR_STOP=1 -Atq -c "$2"; }

# --- build -------------------------------------------------------------------------------------
if [ ! -d "$SNAP/crates" ]; then
  mkdir -p "$SNAP" && git -C "$ROOT" archive "$COMMIT" | tar -x -C "$SNAP"
fi
rm -rf "$SNAP/bench/search" && mkdir -p "$SNAP/bench" && cp -r "$ROOT/bench/search" "$SNAP/bench/search"
rm -rf "$SNAP/bench/search/harness/target"
cp "$SNAP/Cargo.lock" "$SNAP/bench/search/harness/Cargo.lock"
log "build jiuye-cli and harness at $COMMIT (snapshot $SNAP)"
if [ -z "${BENCH_JIUYE:-}" ]; then (cd "$SNAP" && cargo build --release -q -p jiuye-cli); fi
cargo build --release -q --manifest-path "$SNAP/bench/search/harness/Cargo.toml"
BIN=$CARGO_TARGET_DIR/release
JIUYE=${BENCH_JIUYE:-$BIN/jiuye}
{
  echo "commit $(git -C "$ROOT" rev-parse "$COMMIT")"; echo "date $(date -u +%FT%TZ)"; uname -sr; nproc
  if [ -n "${BENCH_JIUYE:-}" ]; then echo "jiuye prebuilt $JIUYE sha256 $(sha256sum "$JIUYE" | cut -d' ' -f1)"; fi
  grep -m1 'model name' /proc/cpuinfo; grep MemTotal /proc/meminfo; rustc --version
  psql "$PG/postgres" -Atc 'select version()'; wrk --version 2>/dev/null | head -1 || true
} > "$RES/machine.txt"
cp "$ROOT/bench/search/queries.txt" "$RES/queries.txt"

# One measured command: its output file, then the command; the load average before and after.
measure() { local out=$1; shift; local before; before=$(loadavg); "$@"; echo "before $before after $(loadavg)" > "$out.load"; }

wait_http() { for _ in $(seq 1 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1" >&2; return 1; }

run_engine() { # name prefix port size
  local name=$1 prefix=$2 port=$3 n=$4
  measure "$RES/totals-$name-$n.json" "$BIN/load" totals "127.0.0.1:$port" "$prefix" "$RES/queries.txt" "$RES/totals-$name-$n.json"
  for c in 1 32; do
    log "load $name n=$n clients=$c"
    measure "$RES/load-$name-$n-c$c.json" "$BIN/load" run "127.0.0.1:$port" "$prefix" "$RES/queries.txt" "$c" "$SECONDS_PER_RUN" "$RES/load-$name-$n-c$c.json" 2>>"$RES/run.log"
  done
}

for N in $SIZES; do
  CORPUS=$WORK/corpus-$N-s$SEED
  if [ ! -f "$CORPUS/brute.json" ] || ! cmp -s "$CORPUS/queries.txt" "$RES/queries.txt"; then
    log "gen $N"
    rm -rf "$CORPUS"; mkdir -p "$CORPUS"; cp "$RES/queries.txt" "$CORPUS/queries.txt"
    measure "$RES/gen-$N" /usr/bin/time -v -o "$RES/gen-$N.time" "$BIN/gen" "$N" "$SEED" "$CORPUS" "$RES/queries.txt"
  fi
  cp "$CORPUS/brute.json" "$RES/brute-$N.json"

  DB=jiuye_bench_search_$N
  export JIUYE_DATABASE_URL=$PG/$DB
  export JIUYE_SEARCH_DIR=$WORK/index-$N
  # At 8a210d1 the JIUYE_* environment filter in jiuye-cli's settings does not pass JIUYE_SEARCH_DIR
  # through, so the search directory is set in a jiuye.toml in the working directory (which also
  # holds jiuye.keys).
  RUNDIR=$WORK/run-$N; rm -rf "$RUNDIR"; mkdir -p "$RUNDIR"
  echo "search_dir = \"$JIUYE_SEARCH_DIR\"" > "$RUNDIR/jiuye.toml"
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  (cd "$RUNDIR" && "$JIUYE" migrate > "$RES/migrate-$N.txt" 2>&1)
  # Only `serve` and `demo` create the key file (jiuye.keys); start the server once on the empty
  # database so that `search reindex` can open the app.
  (cd "$RUNDIR" && exec "$JIUYE" serve --bind 127.0.0.1:$OURS_PORT > "$RES/serve-keys-$N.log" 2>&1) &
  KPID=$!; PIDS+=("$KPID")
  wait_http "http://127.0.0.1:$OURS_PORT/api/v1/vacancies?q=x&per_page=1"
  kill "$KPID"; wait "$KPID" 2>/dev/null || true
  log "COPY $N vacancies"
  cols=$(cat "$CORPUS/columns.txt")
  t0=$(date +%s.%N)
  for part in 0 1; do
    psql "$PG/$DB" -v ON_ERROR_STOP=1 -q -c "\\copy vacancies ($cols) FROM '$CORPUS/vacancies.$part.csv' WITH (FORMAT csv)"
    psql "$PG/$DB" -v ON_ERROR_STOP=1 -q -c "\\copy vacancy_changes (vacancy_id, at) FROM '$CORPUS/changes.$part.csv' WITH (FORMAT csv)"
  done
  psqlq "$DB" "ANALYZE"
  echo "copy_s $(echo "$(date +%s.%N) - $t0" | bc)" > "$RES/copy-$N.txt"
  psqlq "$DB" "SELECT count(*), pg_total_relation_size('vacancies') FROM vacancies WHERE status='published'" >> "$RES/copy-$N.txt"

  # --- our index ---------------------------------------------------------------------------------
  rm -rf "$JIUYE_SEARCH_DIR"
  log "reindex $N"
  measure "$RES/reindex-$N.json" bash -c "cd '$RUNDIR' && /usr/bin/time -v -o '$RES/reindex-$N.time' '$JIUYE' search reindex --format json > '$RES/reindex-$N.json'"
  du -sb "$JIUYE_SEARCH_DIR" > "$RES/index-size-$N.txt"

  log "serve $N"
  (cd "$RUNDIR" && exec "$JIUYE" serve --bind 127.0.0.1:$OURS_PORT > "$RES/serve-$N.log" 2>&1) &
  OURS_PID=$!; PIDS+=("$OURS_PID")
  "$BIN/baseline" 127.0.0.1:$BASE_PORT "$PG/$DB" 8 > "$RES/baseline-$N.log" 2>&1 &
  BASE_PID=$!; PIDS+=("$BASE_PID")
  # In the first full run the baseline server was found gone (no output, no exit message) before
  # its first measurement at 1,000,000; restart it if so, and say so in the log.
  ensure_baseline() {
    if ! kill -0 "$BASE_PID" 2>/dev/null; then
      log "baseline server $BASE_PID is gone; restarting it"
      "$BIN/baseline" 127.0.0.1:$BASE_PORT "$PG/$DB" 8 >> "$RES/baseline-$N.log" 2>&1 &
      BASE_PID=$!; PIDS+=("$BASE_PID")
      wait_http "http://127.0.0.1:$BASE_PORT/ilike?q=x"
    fi
  }
  wait_http "http://127.0.0.1:$OURS_PORT/api/v1/vacancies?q=x&per_page=1"
  wait_http "http://127.0.0.1:$BASE_PORT/ilike?q=x"
  # `jiuye serve` runs under a subshell's exec: its pid is the subshell's.
  grep -E 'VmRSS|VmHWM' /proc/$OURS_PID/status > "$RES/mem-ours-$N-start.txt"

  run_engine ours-rel "/api/v1/vacancies?per_page=20&q=" $OURS_PORT "$N"
  run_engine ours-new "/api/v1/vacancies?per_page=20&sort=newest&q=" $OURS_PORT "$N"
  grep -E 'VmRSS|VmHWM' /proc/$OURS_PID/status > "$RES/mem-ours-$N.txt"

  for f in title description employer_name; do psqlq "$DB" "DROP INDEX IF EXISTS bench_trgm_$f"; done
  psqlq "$DB" "DROP INDEX IF EXISTS bench_occupation_code"
  ensure_baseline
  run_engine ilike "/ilike?per_page=20&q=" $BASE_PORT "$N"

  # --- pg_trgm ---------------------------------------------------------------------------------
  log "pg_trgm indexes $N"
  psqlq "$DB" "CREATE EXTENSION IF NOT EXISTS pg_trgm"
  t0=$(date +%s.%N); before=$(loadavg)
  for f in title description employer_name; do
    psqlq "$DB" "CREATE INDEX bench_trgm_$f ON vacancies USING gin ($f gin_trgm_ops)"
  done
  psqlq "$DB" "CREATE INDEX bench_occupation_code ON vacancies (occupation_code)"
  psqlq "$DB" "ANALYZE vacancies"
  echo "trgm_build_s $(echo "$(date +%s.%N) - $t0" | bc) load_before $before load_after $(loadavg)" > "$RES/trgm-$N.txt"
  psqlq "$DB" "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c WHERE c.relname LIKE 'bench_%' ORDER BY 1" >> "$RES/trgm-$N.txt"
  for q in 焊 焊工 电焊工 "焊工 和阳镇" 飞行员; do
    echo "== $q" >> "$RES/explain-trgm-$N.txt"
    curl -s "http://127.0.0.1:$BASE_PORT/explain?q=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$q")" >> "$RES/explain-trgm-$N.txt"
    echo >> "$RES/explain-trgm-$N.txt"
  done
  ensure_baseline
  run_engine trgm "/trgm?per_page=20&q=" $BASE_PORT "$N"

  grep -E 'VmRSS|VmHWM' /proc/$BASE_PID/status > "$RES/mem-baseline-$N.txt"
  psqlq "$DB" "SELECT pg_database_size('$DB')" > "$RES/db-size-$N.txt"
  kill "$OURS_PID" "$BASE_PID"; wait "$OURS_PID" "$BASE_PID" 2>/dev/null || true
  PIDS=()
  [ "${BENCH_KEEP_DB:-0}" = 1 ] || psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB"
  rm -rf "$JIUYE_SEARCH_DIR"
done

# --- matching ------------------------------------------------------------------------------------
if [ "${BENCH_MATCH:-1}" = 1 ]; then
  log "matching district"
  measure "$RES/match-district.json" "$BIN/matchbench" 5000 20000 20 "$SEED" "$RES/match-district.json"
  log "matching city"
  measure "$RES/match-city.json" "$BIN/matchbench" 200000 1000000 10 "$SEED" "$RES/match-city.json"
fi

python3 "$ROOT/bench/search/summarize.py" "$RES" > "$RES/summary.md"
log "done: $RES/summary.md"
