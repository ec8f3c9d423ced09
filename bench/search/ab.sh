#!/usr/bin/env bash
# Issue 4 — two `jiuye` binaries, one database, one index, one run (docs/BENCHMARKS.md, "After the
# clause-set cache").
#
#   BENCH_KEEP_DB=1 BENCH_SIZES=1000000 bench/search/run.sh     # first: corpus, database, bench programs
#   bench/search/ab.sh A_JIUYE B_JIUYE [ROUNDS]
#
# Rebuilds the index once with B (`jiuye search reindex`; both binaries read the same tantivy
# format), then per round serves A, then B, on the same port over the same database and index and
# runs the harness's `load totals` (recall against the corpus' brute-force counts) and `load run`
# at 1 and 32 clients, relevance and sort=newest, BENCH_SECONDS each (default 15). Every result has
# a `.load` file (1-minute load average before and after); peak and current RSS of the server after
# its runs. Prints a table of p50/p99/req/s per binary, round, sort and clients.
#
# Environment: N (1000000), BENCH_WORK (/work/bench-search), PG (postgres://postgres@127.0.0.1:5432),
# CARGO_TARGET_DIR (/work/target-bench: where the harness was built), BENCH_RESULTS.
set -euo pipefail
A=$1; B=$2; ROUNDS=${3:-2}
N=${N:-1000000}
WORK=${BENCH_WORK:-/work/bench-search}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
SECS=${BENCH_SECONDS:-15}
LOAD=${CARGO_TARGET_DIR:-/work/target-bench}/release/load
RUNDIR=$WORK/run-$N
CORPUS=$WORK/corpus-$N-s${BENCH_SEED:-2020}
RES=${BENCH_RESULTS:-$WORK/ab-$(date -u +%Y%m%dT%H%M%SZ)}
PORT=18080
mkdir -p "$RES"
export JIUYE_DATABASE_URL=$PG/jiuye_bench_search_$N
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "[$(date -u +%H:%M:%S) load $(loadavg)] $*" | tee -a "$RES/log"; }
measure() { local out=$1; shift; local before; before=$(loadavg); "$@"; echo "before $before after $(loadavg)" > "$out.load"; }
wait_http() { for _ in $(seq 1 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1" >&2; return 1; }
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true' EXIT
{
  echo "date $(date -u +%FT%TZ)"; uname -sr; nproc; grep -m1 'model name' /proc/cpuinfo
  echo "A $A sha256 $(sha256sum "$A" | cut -d' ' -f1)"; echo "B $B sha256 $(sha256sum "$B" | cut -d' ' -f1)"
  echo "database $JIUYE_DATABASE_URL"; cat "$RUNDIR/jiuye.toml"
} > "$RES/machine.txt"
cp "$CORPUS/queries.txt" "$RES/queries.txt"; cp "$CORPUS/brute.json" "$RES/brute.json"
INDEX=$(sed -n 's/^search_dir = "\(.*\)"$/\1/p' "$RUNDIR/jiuye.toml")
rm -rf "$INDEX"
log "reindex with B"
(cd "$RUNDIR" && "$B" search reindex --format json > "$RES/reindex.json")
for r in $(seq 1 "$ROUNDS"); do
  for X in A B; do
    bin=$A; [ "$X" = B ] && bin=$B
    (cd "$RUNDIR" && exec "$bin" serve --bind 127.0.0.1:$PORT > "$RES/serve-$X-r$r.log" 2>&1) &
    SERVER=$!
    wait_http "http://127.0.0.1:$PORT/api/v1/vacancies?q=x&per_page=1"
    for sort in rel new; do
      prefix="/api/v1/vacancies?per_page=20&q="; [ "$sort" = new ] && prefix="/api/v1/vacancies?per_page=20&sort=newest&q="
      "$LOAD" totals "127.0.0.1:$PORT" "$prefix" "$RES/queries.txt" "$RES/totals-$X-r$r-$sort.json"
      for c in 1 32; do
        log "$X round $r $sort clients $c"
        measure "$RES/load-$X-r$r-$sort-c$c.json" "$LOAD" run "127.0.0.1:$PORT" "$prefix" "$RES/queries.txt" "$c" "$SECS" "$RES/load-$X-r$r-$sort-c$c.json" 2>>"$RES/log"
      done
    done
    grep -E 'VmRSS|VmHWM' "/proc/$SERVER/status" > "$RES/mem-$X-r$r.txt"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  done
done
python3 - "$RES" <<'PY' | tee "$RES/summary.md"
import json, pathlib, sys
res = pathlib.Path(sys.argv[1])
brute = json.loads((res / "brute.json").read_text())
print("| binary | round | sort | clients | requests | errors | p50 ms | p99 ms | max ms | req/s | load before → after | recall = 1 on all queries |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
for f in sorted(res.glob("load-*.json")):
    _, x, r, sort, c = f.stem.split("-")
    d = json.loads(f.read_text())
    load = (res / (f.name + ".load")).read_text().split()
    totals = json.loads((res / f"totals-{x}-{r}-{sort}.json").read_text())
    want = {b["q"]: b["count"] for b in brute}
    ok = len(totals) == len(want) and all(t.get("status") == 200 and t.get("total") == want[t["q"]] for t in totals)
    print(f"| {x} | {r[1:]} | {sort} | {c[1:]} | {d['requests']} | {d['errors']} | {d['p50_ms']:.1f} | {d['p99_ms']:.1f} | {d['max_ms']:.1f} | {d['rps']:.0f} | {load[1]} → {load[5]} | {'yes' if ok else 'NO'} |")
PY
log "done: $RES/summary.md"
