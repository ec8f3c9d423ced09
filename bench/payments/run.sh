#!/usr/bin/env bash
# Issue 6 — applications, approvals and the payment ledger (docs/BENCHMARKS.md, the section of
# that name). On each backend (SQLite file, PostgreSQL), each step in a fresh database dropped
# afterwards:
#   1. approvals under concurrent load: per CLIENTS value, a fresh database; N returning migrant
#      workers, N applications submitted, checked and approved through the App with CLIENTS
#      concurrent tokio tasks (harness `paybench approvals`); ops/s and latency per phase; then
#      one ledger entry per approval, `verify_ledger` and the audit chain checked;
#   2. a payment batch of BATCH_N entries: bulk-load BATCH_N approved grants (`paybench bulk …
#      batch`), then `create_batch`, `export_batch` (.xlsx) and `verify_ledger`, each in its own
#      process under GNU time (peak RSS); verify_ledger taken apart (`op verify-parts`);
#      `jiuye ledger verify` (as in 3.) and the plain-SQL GROUP BY baseline under hyperfine;
#      then ON_BATCH more approvals on that ledger;
#   3. `jiuye ledger verify` over ledgers of CURVE sizes and LEDGER_N entries, loaded one after
#      the other into one database (`paybench bulk … ledger`): at each size verify-parts and
#      `jiuye ledger verify --format json` (one run under GNU time with a time limit; hyperfine
#      too when that run was short), at LEDGER_N on PostgreSQL also with work_mem raised (a
#      diagnostic); the GROUP BY baseline (sqlite3 / psql, hyperfine); the plans of the slow
#      statements; then ON_LEDGER approvals on the full ledger.
# Every measured command records the load average before and after (`*.cmd`, `*.load`).
#
# Builds `jiuye` and the harness (bench/payments/harness) in release from a `git archive`
# snapshot of BENCH_COMMIT with CARGO_TARGET_DIR, so edits in the working tree are not measured,
# and copies both binaries to BENCH_BIN, from where they are run.
#
# Environment (defaults in brackets):
#   BENCH_COMMIT [HEAD]  BENCH_BUILD [1]  CARGO_TARGET_DIR [/work/target-bench]
#   BENCH_BIN [$BENCH_WORK/bin-<commit>] (where the built binaries are copied and run from)
#   BENCH_WORK [/work/bench-payments]  (databases, key files, xlsx, results; never the repository)
#   BENCH_RESULTS [$BENCH_WORK/results-<commit>-<UTC time>]
#   BENCH_PG [postgres://postgres@127.0.0.1:5432]  BENCH_DB_PREFIX [jiuye_bench6] (PostgreSQL database names)
#   BENCH_BACKENDS ["sqlite postgres"]
#   BENCH_STEPS ["approvals batch ledger"]
#   BENCH_APPROVALS_N [2000]  BENCH_CLIENTS ["1 4 16 32"]
#   BENCH_BATCH_N [100000]  BENCH_LEDGER_N [1000000]
#   BENCH_ON_LEDGER_CLIENTS [4]  BENCH_ON_BATCH_APPROVALS [200]  BENCH_ON_LEDGER_APPROVALS [40]
#   BENCH_CURVE ["20000 50000"] (ledger sizes measured on the way to LEDGER_N)
#   BENCH_VERIFY_TIMEOUT [300] (s; each `jiuye ledger verify` runs once under GNU time with this limit)
#   BENCH_HF_MAX [60] (s; ... and under hyperfine too when that run finished within this)
#   BENCH_GC_TIMEOUT_FULL [0] (s; limit of the grant-consistency part of verify-parts at LEDGER_N; 0 = not run)
#   BENCH_RUNS [3] (hyperfine runs, after 1 warm-up)  BENCH_KEEP_DB [0]
#   BENCH_STEPS may name `ledger-final` instead of `ledger`: resume on an existing ledger_LEDGER_N
#   database (the measurements after the load), with BENCH_RESULTS set to the interrupted run's directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${BENCH_WORK:-/work/bench-payments}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DBP=${BENCH_DB_PREFIX:-jiuye_bench6}
BACKENDS=${BENCH_BACKENDS:-"sqlite postgres"}
STEPS=${BENCH_STEPS:-"approvals batch ledger"}
APPR_N=${BENCH_APPROVALS_N:-2000}
CLIENTS=${BENCH_CLIENTS:-"1 4 16 32"}
BATCH_N=${BENCH_BATCH_N:-100000}
LEDGER_N=${BENCH_LEDGER_N:-1000000}
ON_C=${BENCH_ON_LEDGER_CLIENTS:-4}
ON_BATCH=${BENCH_ON_BATCH_APPROVALS:-200}
ON_LEDGER=${BENCH_ON_LEDGER_APPROVALS:-40}
RUNS=${BENCH_RUNS:-3}
CURVE=${BENCH_CURVE:-"20000 50000"}
VERIFY_TIMEOUT=${BENCH_VERIFY_TIMEOUT:-300}
HF_MAX=${BENCH_HF_MAX:-60}
GC_TIMEOUT_FULL=${BENCH_GC_TIMEOUT_FULL:-0}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-bench}
COMMIT=$(git -C "$ROOT" rev-parse --short "${BENCH_COMMIT:-HEAD}")
SNAP=${BENCH_SNAP:-/work/bench-snap/$COMMIT}
RES=${BENCH_RESULTS:-$WORK/results-$COMMIT-$(date -u +%Y%m%dT%H%M%SZ)}
# The binaries are copied out of the (shared) target directory before anything is measured, so a
# concurrent build into CARGO_TARGET_DIR cannot swap them in the middle of a run.
BIN=${BENCH_BIN:-$WORK/bin-$COMMIT}
JIUYE=$BIN/jiuye
PAY=$BIN/paybench
mkdir -p "$WORK/db" "$WORK/keys" "$WORK/cli" "$RES"
# One run per work directory: databases, key files and binaries are named by step, not by run
# (a second run in the same BENCH_WORK once removed a running one's binaries). Two runs on one
# PostgreSQL server also need different BENCH_DB_PREFIX values.
exec 9> "$WORK/.run.lock"
flock -n 9 || { echo "another bench/payments/run.sh is using $WORK (lock $WORK/.run.lock)" >&2; exit 1; }
DBS=()

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
log() { printf '[%s] load %s | %s\n' "$(date -u +%H:%M:%S)" "$(loadavg)" "$*" | tee -a "$RES/run.log" >&2; }

# --- build -------------------------------------------------------------------------------------
if [ "${BENCH_BUILD:-1}" = 1 ]; then
  if [ ! -d "$SNAP/crates" ]; then
    mkdir -p "$SNAP" && git -C "$ROOT" archive "$COMMIT" | tar -x -C "$SNAP"
  fi
  rm -rf "$SNAP/bench/payments" && mkdir -p "$SNAP/bench" && cp -r "$ROOT/bench/payments" "$SNAP/bench/payments"
  rm -rf "$SNAP/bench/payments/harness/target" "$SNAP/bench/payments/results"
  cp "$SNAP/Cargo.lock" "$SNAP/bench/payments/harness/Cargo.lock"
  log "build jiuye-cli and harness at $COMMIT (snapshot $SNAP, target $CARGO_TARGET_DIR)"
  (cd "$SNAP" && cargo build --release -q -p jiuye-cli)
  cargo build --release -q --manifest-path "$SNAP/bench/payments/harness/Cargo.toml"
  mkdir -p "$BIN" && cp "$CARGO_TARGET_DIR/release/jiuye" "$CARGO_TARGET_DIR/release/paybench" "$BIN/"
fi
[ -x "$JIUYE" ] && [ -x "$PAY" ] || { echo "no binaries in $BIN (BENCH_BUILD=1 builds them)" >&2; exit 1; }
MACHINE=$RES/machine.txt; [ -e "$MACHINE" ] && MACHINE=$RES/machine-resumed-$(date -u +%H%M%S).txt
{
  echo "commit $(git -C "$ROOT" rev-parse "$COMMIT")"; echo "date $(date -u +%FT%TZ)"; uname -sr; echo "nproc $(nproc)"
  grep -m1 'model name' /proc/cpuinfo; grep MemTotal /proc/meminfo; rustc --version
  psql "$PG/postgres" -Atc 'select version()'; sqlite3 --version; hyperfine --version
  sha256sum "$JIUYE" "$PAY"
  echo "steps: $STEPS; backends: $BACKENDS; PostgreSQL database prefix: $DBP"
  echo "settings: APPROVALS_N=$APPR_N CLIENTS=$CLIENTS BATCH_N=$BATCH_N LEDGER_N=$LEDGER_N CURVE=$CURVE ON_C=$ON_C ON_BATCH=$ON_BATCH ON_LEDGER=$ON_LEDGER RUNS=$RUNS VERIFY_TIMEOUT=$VERIFY_TIMEOUT HF_MAX=$HF_MAX GC_TIMEOUT_FULL=$GC_TIMEOUT_FULL"
} > "$MACHINE"

# --- databases -----------------------------------------------------------------------------------
# fresh BACKEND NAME: sets URL, KEYS, DBFILE (SQLite) for a new empty database.
fresh() {
  local b=$1 name=$2
  if [ "$b" = sqlite ]; then
    DBFILE=$WORK/db/$name.db
    rm -f "$DBFILE" "$DBFILE-wal" "$DBFILE-shm" "$DBFILE.keys"
    URL=sqlite://$DBFILE
    KEYS=$DBFILE.keys            # where `jiuye` looks for it (beside the SQLite file)
    unset JIUYE_KEY_FILE || true
  else
    DBFILE=
    local db=${DBP}_$name
    psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
    DBS+=("$db")
    URL=$PG/$db
    KEYS=$WORK/keys/$name.keys
    rm -f "$KEYS"
    export JIUYE_KEY_FILE=$KEYS  # `jiuye` on PostgreSQL: the key file comes from the settings
  fi
}
existing() {  # existing BACKEND NAME: URL, KEYS, DBFILE of a database made by an earlier step
  local b=$1 name=$2
  if [ "$b" = sqlite ]; then
    DBFILE=$WORK/db/$name.db; URL=sqlite://$DBFILE; KEYS=$DBFILE.keys; unset JIUYE_KEY_FILE || true
  else
    DBFILE=; DBS+=("${DBP}_$name"); URL=$PG/${DBP}_$name; KEYS=$WORK/keys/$name.keys; export JIUYE_KEY_FILE=$KEYS
  fi
}
drop() {
  local b=$1 name=$2
  [ "${BENCH_KEEP_DB:-0}" = 1 ] && return 0
  if [ "$b" = sqlite ]; then rm -f "$WORK/db/$name.db" "$WORK/db/$name.db-wal" "$WORK/db/$name.db-shm"
  else psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS ${DBP}_$name WITH (FORCE)"; fi
}
dbsize() {  # dbsize BACKEND NAME OUT
  if [ "$1" = sqlite ]; then du -cb "$WORK/db/$2.db"* | tail -1 | cut -f1 > "$3"
  else psql "$PG/postgres" -Atc "SELECT pg_database_size('${DBP}_$2')" > "$3"; fi
}
cleanup() {
  [ "${BENCH_KEEP_DB:-0}" = 1 ] && return 0
  for d in "${DBS[@]:-}"; do [ -n "$d" ] && psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" 2>/dev/null || true; done
}
trap cleanup EXIT

# timed NAME CMD...: GNU time -v; stdout -> NAME.out, stderr -> NAME.err, time -> NAME.time,
# command line and load average before/after -> NAME.cmd
timed() {
  local name=$1; shift
  { printf '%q ' "$@"; echo; echo "loadavg before: $(cat /proc/loadavg)"; } > "$RES/$name.cmd"
  log "run $name"
  local rc=0
  (cd "$WORK/cli" && /usr/bin/time -v -o "$RES/$name.time" "$@" > "$RES/$name.out" 2> "$RES/$name.err") || rc=$?
  echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/$name.cmd"
  echo "exit $rc" >> "$RES/$name.cmd"
  [ $rc = 0 ] || log "FAILED $name (exit $rc): $(tail -2 "$RES/$name.err" | tr '\n' ' ')"
  log "  $name: wall $(grep 'Elapsed (wall' "$RES/$name.time" | awk '{print $NF}'), maxrss $(grep 'Maximum resident' "$RES/$name.time" | awk '{print $NF}') KiB"
}
# hf NAME CMD-STRING...: hyperfine, RUNS runs after one warm-up
hf() {
  local name=$1; shift
  echo "loadavg before: $(cat /proc/loadavg)" > "$RES/$name.hf.load"
  log "hyperfine $name"
  (cd "$WORK/cli" && hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$RES/$name.hf.json" "$@" > "$RES/$name.hf.txt" 2>&1) || log "FAILED hyperfine $name"
  echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/$name.hf.load"
  grep -E 'Time|Range' "$RES/$name.hf.txt" | sed 's/^/    /' >&2 || true
}
GROUPBY="SELECT fund_code, program, year, COUNT(*), SUM(amount_fen) FROM ledger_entries GROUP BY 1, 2, 3"
baseline() {  # baseline BACKEND NAME
  if [ "$1" = sqlite ]; then
    sqlite3 "$DBFILE" "$GROUPBY" > "$RES/$2.groupby.out"
    hf "$2-groupby" "sqlite3 $DBFILE '$GROUPBY'"
  else
    psql "$URL" -Atq -c "$GROUPBY" > "$RES/$2.groupby.out"
    hf "$2-groupby" "psql $URL -Atq -c '$GROUPBY'"
  fi
}
cli_verify() {  # cli_verify PREFIX [URL]: one run under GNU time, limited to VERIFY_TIMEOUT s (peak
  # RSS, the JSON report); when it finished within HF_MAX s, hyperfine as well. At 0b7953e the
  # grant-consistency query of `ledger verify` grows with the square of the ledger on SQLite, and
  # on PostgreSQL once its NOT EXISTS no longer fits work_mem (see the doc), hence the limit.
  local u=${2:-$URL}
  timed "$1-cli-verify" timeout "$VERIFY_TIMEOUT" "$JIUYE" --database "$u" ledger verify --format json
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("cli verify: ok" if not r["problems"] else "cli verify: PROBLEMS", r["entries"], "entries", r["batches"], "batches", len(r["problems"]), "problems")' "$RES/$1-cli-verify.out" 2>/dev/null | tee -a "$RES/run.log" >&2 || log "  (no report: $1)"
  local code w
  code=$(sed -n 's/^exit //p' "$RES/$1-cli-verify.cmd")
  w=$(python3 -c 'import re,sys; m=re.search(r"Elapsed \(wall clock\) time .*: (\S+)", open(sys.argv[1]).read()); p=[float(x) for x in m.group(1).split(":")]; s=0
for x in p: s=s*60+x
print(int(s))' "$RES/$1-cli-verify.time" 2>/dev/null || echo 999999)
  if [ "$code" = 0 ] && [ "$w" -le "$HF_MAX" ]; then
    hf "$1-cli-verify" "$JIUYE --database $u ledger verify --format json"
  fi
}
# The statements behind the slow parts, with their plans (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE).
Q_GC="SELECT l.id, CASE WHEN a.status NOT IN ('approved', 'paid', 'cancelled') THEN 'application status ' || a.status WHEN a.amount_fen IS NULL OR a.amount_fen <> l.amount_fen THEN 'amount differs from the application' ELSE 'no grant claim' END FROM ledger_entries l JOIN applications a ON a.id = l.application_id WHERE l.kind = 'grant' AND (a.status NOT IN ('approved', 'paid', 'cancelled') OR a.amount_fen IS NULL OR a.amount_fen <> l.amount_fen OR NOT EXISTS (SELECT 1 FROM grant_claims c WHERE c.application_id = l.application_id)) ORDER BY l.id"
Q_GRANTS="SELECT l.program, l.created_at FROM ledger_entries l WHERE l.subject_id = SUBJ AND l.kind = 'grant' AND NOT EXISTS (SELECT 1 FROM ledger_entries c WHERE c.corrects_entry_id = l.id AND c.kind = 'cancel')"
Q_ENTRIES="SELECT * FROM ledger_entries WHERE application_id = SUBJ ORDER BY id"
explain() {  # explain BACKEND NAME (SUBJ: an id that matches nothing); PostgreSQL: EXPLAIN ANALYZE
  # under a 120 s statement_timeout, the plain EXPLAIN when that runs out
  local f=$RES/explain-$1-$2.txt q
  for q in "$Q_GC" "$Q_GRANTS" "$Q_ENTRIES"; do
    echo "== $q"
    if [ "$1" = sqlite ]; then sqlite3 "$DBFILE" "EXPLAIN QUERY PLAN ${q//SUBJ/X\'00\'}" || true
    else
      q=${q//SUBJ/\'00000000-0000-0000-0000-000000000000\'::uuid}
      psql "$URL" -Atq -c "SET statement_timeout = '120s'" -c "EXPLAIN (ANALYZE, BUFFERS) $q" \
        || { echo "-- EXPLAIN ANALYZE did not finish in 120 s; the plan:"; psql "$URL" -Atq -c "EXPLAIN $q"; } || true
    fi
  done > "$f" 2>&1
}
parts() {  # parts NAME [GC_TIMEOUT]: verify_ledger taken apart (harness op verify-parts)
  PAYBENCH_GC_TIMEOUT=${2:-600} timed "$1-parts" "$PAY" op "$URL" "$KEYS" verify-parts "$RES/$1-parts.json"
}

for B in $BACKENDS; do
  # --- 1. approvals under concurrent load ------------------------------------------------------
  if [[ " $STEPS " == *" approvals "* ]]; then
    for C in $CLIENTS; do
      fresh "$B" "appr_c$C"
      timed "approvals-$B-c$C" "$PAY" approvals "$URL" "$KEYS" "$APPR_N" "$C" 0 "$RES/approvals-$B-c$C.json"
      drop "$B" "appr_c$C"
    done
  fi

  # --- 2. a payment batch of BATCH_N entries ---------------------------------------------------
  if [[ " $STEPS " == *" batch "* ]]; then
    N=batch_$BATCH_N
    fresh "$B" "$N"
    timed "bulk-$B-$BATCH_N" "$PAY" bulk "$URL" "$KEYS" batch "$BATCH_N" "$RES/bulk-$B-$BATCH_N.json"
    timed "batch-create-$B-$BATCH_N" "$PAY" op "$URL" "$KEYS" create-batch "$RES/batch-create-$B-$BATCH_N.json"
    timed "batch-export-$B-$BATCH_N" "$PAY" op "$URL" "$KEYS" export "$RES/batch-export-$B-$BATCH_N.json" "$WORK/batch-$B-$BATCH_N.xlsx"
    timed "batch-verify-$B-$BATCH_N" "$PAY" op "$URL" "$KEYS" verify "$RES/batch-verify-$B-$BATCH_N.json"
    parts "ledger-$B-$BATCH_N"
    cli_verify "ledger-$B-$BATCH_N"
    baseline "$B" "ledger-$B-$BATCH_N"
    dbsize "$B" "$N" "$RES/dbsize-$B-$BATCH_N.txt"
    # More approvals on this ledger; their final verify_ledger only when `ledger verify` finished above.
    v=noverify; [ "$(sed -n 's/^exit //p' "$RES/ledger-$B-$BATCH_N-cli-verify.cmd")" = 0 ] && v=verify
    timed "approvals-$B-on$BATCH_N" "$PAY" approvals "$URL" "$KEYS" "$ON_BATCH" "$ON_C" 100000 "$RES/approvals-$B-on$BATCH_N.json" "$v"
    rm -f "$WORK/batch-$B-$BATCH_N.xlsx"
    drop "$B" "$N"
  fi

  # --- 3. ledger verify over LEDGER_N entries, with smaller sizes on the way ----------------------
  # Step `ledger-final` resumes on an existing ledger_LEDGER_N database (after an interrupted run).
  if [[ " $STEPS " == *" ledger "* ]]; then
    N=ledger_$LEDGER_N
    fresh "$B" "$N"
    have=0
    for size in $CURVE $LEDGER_N; do
      timed "bulk-$B-$size" "$PAY" bulk "$URL" "$KEYS" ledger "$((size - have))" "$RES/bulk-$B-$size.json"
      have=$size
      dbsize "$B" "$N" "$RES/dbsize-$B-$size.txt"
      if [ "$size" = "$LEDGER_N" ]; then
        parts "ledger-$B-$size" "$GC_TIMEOUT_FULL"
      else
        parts "ledger-$B-$size"
        cli_verify "ledger-$B-$size"
        baseline "$B" "ledger-$B-$size"
      fi
    done
  fi
  if [[ " $STEPS " == *" ledger "* || " $STEPS " == *" ledger-final "* ]]; then
    N=ledger_$LEDGER_N
    existing "$B" "$N"
    cli_verify "ledger-$B-$LEDGER_N"
    if [ "$B" = postgres ]; then
      # Diagnostic: the same with work_mem raised from the default 4 MB (sqlx's `options` URL parameter).
      cli_verify "ledger-$B-$LEDGER_N-workmem256" "$URL?options=-c%20work_mem%3D256MB"
    fi
    baseline "$B" "ledger-$B-$LEDGER_N"
    explain "$B" "$LEDGER_N"
    # The final verify_ledger of the approvals only when `ledger verify` finished above.
    v=noverify; [ "$(sed -n 's/^exit //p' "$RES/ledger-$B-$LEDGER_N-cli-verify.cmd")" = 0 ] && v=verify
    timed "approvals-$B-on$LEDGER_N" "$PAY" approvals "$URL" "$KEYS" "$ON_LEDGER" "$ON_C" 200000 "$RES/approvals-$B-on$LEDGER_N.json" "$v"
    drop "$B" "$N"
  fi
done

python3 "$ROOT/bench/payments/summarize.py" "$RES" > "$RES/summary.md" || log "summarize failed"
log "done: $RES/summary.md"
