#!/usr/bin/env bash
# Issue 7 measurements (docs/BENCHMARKS.md, "Issue 7 — dashboards"): dashboard latency at district
# and province sizes on SQLite and PostgreSQL, against a plain SQL GROUP BY over the raw tables.
# Per case BACKEND:PERSONS:ENTERPRISES, into a fresh database (SQLite file $WORK/db/…, PostgreSQL
# jiuye_bench7_<backend>_<persons>), dropped at the end of the case:
#   0. `jiuye migrate`, then the raw rows generated in SQL (gen_pg.sql / gen_sqlite.sql; timed, not an
#      issue-7 figure), ANALYZE, row counts, database size;
#   1. `jiuye stats refresh --format json`: once under GNU time (peak RSS), then hyperfine;
#   2. the baseline: baseline_<backend>.sql split by split_baseline.py into one file per figure and
#      `total` (the whole page), for the district and one township (和阳镇, 130527100), each under
#      hyperfine through `sqlite3 DB .read` / `psql -f`;
#   3. `jiuye serve`, a bureau_staff user logged in through the web form (one-time password
#      changed), GET /dashboard?from=&to= (district) and &township=130527100: 30 sequential curl
#      requests (every status checked) then wrk -t1 -c1 (sequential requests, latency histogram).
# The 1-minute load average is logged before and after every measurement (*.load, *.cmd, run.log).
#
# Env: BENCH_CASES ["sqlite:350000:10000 postgres:350000:10000 postgres:7000000:300000 sqlite:7000000:300000"]
#      BENCH_WORK [/tmp/jiuye-bench7] (databases, binaries, results; never the repository)
#      BENCH_OUT [$BENCH_WORK/results-<commit>-<UTC time>]  BENCH_BUILD [1]  BENCH_BIN [copy of the built binary]
#      BENCH_PG [postgres://postgres@127.0.0.1:5432]  BENCH_PORT [18097]
#      BENCH_FROM [2025-12] BENCH_TO [2026-11] (the 12-month range)  BENCH_TOWNSHIP [130527100]
#      BENCH_REFRESH_RUNS [5; 3 from 1,000,000 persons]  BENCH_BASE_RUNS [20; 3 from 1,000,000 persons]
#      BENCH_PAGE_RUNS [30]  BENCH_WRK_SECS [20]  BENCH_GEN_TIMEOUT [2400] (seconds; the case is skipped past it)
#      BENCH_STEPS ["generate refresh queries baseline page"]: the parts to run. Without `generate` the
#        case reuses the database a previous run left (BENCH_KEEP=1). `check` runs the three baseline
#        queries check.py compares (unemployed_end, key_groups, followup; district and township) once,
#        untimed, instead of the whole timed `baseline`.
#      BENCH_HF_WARMUP [1]: hyperfine warm-up runs (the refresh is run once under GNU time just before)
#      BENCH_KEEP [0]: 1 keeps the databases after the case (for a later run without `generate`)
#      BENCH_KEYS_FROM: a PostgreSQL case's jiuye.keys to copy into a reusing run's case directory
#        (not needed when the reusing run has the same BENCH_OUT)
#      BENCH_PG_PREFIX [jiuye_bench7]: PostgreSQL databases are <prefix>_<backend>_<persons>
#      BENCH_COMMIT: the commit the binary was built from (a clean export has no .git to ask)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${JIUYE_SRC:-$(cd "$HERE/../.." && pwd)}
WORK=${BENCH_WORK:-/tmp/jiuye-bench7}
CASES=${BENCH_CASES:-sqlite:350000:10000 postgres:350000:10000 postgres:7000000:300000 sqlite:7000000:300000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${BENCH_PORT:-18097}
FROM=${BENCH_FROM:-2025-12}
TO=${BENCH_TO:-2026-11}
TOWN=${BENCH_TOWNSHIP:-130527100}
PAGE_RUNS=${BENCH_PAGE_RUNS:-30}
WRK_SECS=${BENCH_WRK_SECS:-20}
GEN_TIMEOUT=${BENCH_GEN_TIMEOUT:-2400}
NEW_PW=Bench-Ferry-Sky-42
BASE=http://127.0.0.1:$PORT
STEPS=" ${BENCH_STEPS:-generate refresh queries baseline page} "
step() { [[ $STEPS == *" $1 "* ]]; }
KEEP=${BENCH_KEEP:-0}
COMMIT=${BENCH_COMMIT:-$(git -C "$SRC" rev-parse --short HEAD)}
OUT=${BENCH_OUT:-$WORK/results-$COMMIT-$(date -u +%Y%m%dT%H%MZ)}
SERVER_PID=
DBS=()
mkdir -p "$WORK/db" "$OUT"
exec 9> "$WORK/.run.lock"
flock -n 9 || { echo "another bench/dashboard/run.sh is using $WORK" >&2; exit 1; }

log() { printf '[%s] load %s | %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$*" | tee -a "$OUT/run.log" >&2; }
stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -INT "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
drop_dbs() {
    [[ $KEEP == 1 ]] && { DBS=(); return; }
    for d in "${DBS[@]}"; do
        if [[ $d == sqlite:* ]]; then rm -rf "${d#sqlite:}" "${d#sqlite:}"-wal "${d#sqlite:}"-shm "${d#sqlite:}".keys "${d#sqlite:}".search
        else psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" || true; fi
    done
    DBS=()
}
cleanup() { stop_server; drop_dbs; }
trap cleanup EXIT

# timed NAME CMD...: GNU time -v; stdout -> NAME.out, time -> NAME.time, command + load -> NAME.cmd
timed() {
    local name=$1; shift
    { printf '%q ' "$@"; echo; echo "loadavg before: $(cat /proc/loadavg)"; } > "$RES/$name.cmd"
    log "run $name"
    local rc=0
    /usr/bin/time -v -o "$RES/$name.time" "$@" > "$RES/$name.out" 2> "$RES/$name.err" || rc=$?
    echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/$name.cmd"; echo "exit: $rc" >> "$RES/$name.cmd"
    log "  $name: exit $rc, wall $(grep 'Elapsed (wall' "$RES/$name.time" | awk '{print $NF}'), maxrss $(grep 'Maximum resident' "$RES/$name.time" | awk '{print $NF}') KiB"
    return $rc
}
hf() {  # hf NAME RUNS CMD-STRING
    local name=$1 runs=$2 cmd=$3
    echo "loadavg before: $(cat /proc/loadavg)" > "$RES/$name.hf.load"
    log "hyperfine $name ($runs runs)"
    hyperfine -N --warmup "${BENCH_HF_WARMUP:-1}" --runs "$runs" --export-json "$RES/$name.hf.json" "$cmd" > "$RES/$name.hf.txt" 2>&1 || log "FAILED hyperfine $name"
    echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/$name.hf.load"
    grep -E 'Time|Range' "$RES/$name.hf.txt" | sed 's/^/    /' >&2 || true
}
login() {  # login USER PASSWORD -> session id
    local who=$1 pw=$2 jar csrf code sid
    jar=$(mktemp)
    csrf=$(curl -fsS -c "$jar" "$BASE/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" -H "Origin: $BASE" \
        --data-urlencode "csrf=$csrf" --data-urlencode "login=$who" --data-urlencode "password=$pw" "$BASE/login")
    [[ $code == 303 ]] || { log "login failed: HTTP $code"; return 1; }
    csrf=$(curl -fsS -b "$jar" -c "$jar" "$BASE/account/password" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" -H "Origin: $BASE" \
        --data-urlencode "csrf=$csrf" --data-urlencode "current=$pw" --data-urlencode "new_password=$NEW_PW" \
        --data-urlencode "confirm=$NEW_PW" "$BASE/account/password")
    [[ $code == 303 ]] || { log "password change failed: HTTP $code"; return 1; }
    sid=$(awk '$6 == "jiuye_sid" {print $7}' "$jar"); rm -f "$jar"
    [[ -n $sid ]] || { log "no session cookie"; return 1; }
    echo "$sid"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

if [[ ${BENCH_BUILD:-1} == 1 ]]; then
    (cd "$SRC" && CARGO_TARGET_DIR=/work/target-bench cargo build --release -p jiuye-cli)
fi
# Copy the binary out of the shared target directory first (others may rebuild it mid-run).
BIN=${BENCH_BIN:-$WORK/bin-$COMMIT/jiuye}
if [[ -z ${BENCH_BIN:-} ]]; then mkdir -p "$(dirname "$BIN")"; cp /work/target-bench/release/jiuye "$BIN"; fi
{
    echo "date_utc: $(date -u '+%Y-%m-%d %H:%M')"; echo "commit: $COMMIT"
    if [[ -n ${BENCH_COMMIT:-} ]]; then echo "source: BENCH_COMMIT (binary built from a clean export of it)"
    else echo "dirty: $(git -C "$SRC" status --porcelain | wc -l) paths"; fi
    echo "steps:$STEPS"; echo "binary: $BIN sha256 $(sha256sum "$BIN" | cut -c1-16)"
    echo "nproc: $(nproc)"; echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
    echo "mem: $(grep MemTotal /proc/meminfo)"; echo "kernel: $(uname -r)"; echo "loadavg: $(cat /proc/loadavg)"
    echo "postgresql: $(psql "$PG/postgres" -Atc 'SHOW server_version')"
    echo "pg settings: $(psql "$PG/postgres" -Atc "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ' ') FROM pg_settings WHERE name IN ('shared_buffers','work_mem','max_parallel_workers_per_gather','effective_cache_size')")"
    echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1)"; echo "hyperfine: $(hyperfine --version)"; echo "wrk: $(wrk -v 2>&1 | head -1)"
    echo "range: $FROM..$TO township $TOWN"; echo "cases: $CASES"
} > "$OUT/machine-$$.txt"
cat "$OUT/machine-$$.txt" | tee -a "$OUT/machine.txt" >&2; rm -f "$OUT/machine-$$.txt"   # appended: runs may share $OUT

for CASE in $CASES; do
    IFS=: read -r BACKEND N E <<< "$CASE"
    RES=$OUT/$BACKEND-$N; mkdir -p "$RES"
    if (( N >= 1000000 )); then REFRESH_RUNS=${BENCH_REFRESH_RUNS:-3}; BASE_RUNS=${BENCH_BASE_RUNS:-3}
    else REFRESH_RUNS=${BENCH_REFRESH_RUNS:-5}; BASE_RUNS=${BENCH_BASE_RUNS:-20}; fi
    if [[ $BACKEND == sqlite ]]; then
        DBFILE=$WORK/db/bench7-$N.db
        if step generate; then rm -rf "$DBFILE" "$DBFILE"-wal "$DBFILE"-shm "$DBFILE".keys "$DBFILE".search
        elif [[ ! -f $DBFILE ]]; then log "no $DBFILE to reuse; skipping case"; continue; fi
        URL=sqlite://$DBFILE; DBS+=("sqlite:$DBFILE")
        SQL=(sqlite3 -bail "$DBFILE")
    else
        DB=${BENCH_PG_PREFIX:-jiuye_bench7}_${BACKEND}_$N; URL=$PG/$DB; DBS+=("$DB")
        if step generate; then psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; psql "$PG/postgres" -qc "CREATE DATABASE $DB"
        elif [[ -z $(psql "$PG/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then log "no database $DB to reuse; skipping case"; DBS=(); continue; fi
        SQL=(psql -X -q -v ON_ERROR_STOP=1 "$URL")
    fi
    J=("$BIN" --database "$URL")
    cd "$RES"   # jiuye writes jiuye.keys (PostgreSQL) and logs into the working directory
    log "== case $BACKEND persons=$N enterprises=$E"

    # 0. Schema by the binary, rows by SQL.
    if step generate; then
    timed migrate "${J[@]}" migrate || { log "migrate failed; skipping case"; drop_dbs; continue; }
    # The key file and the administrator are created by the first `serve` (or `demo`); `demo` would
    # add its own rows, so the server is started once on the empty database and stopped.
    "${J[@]}" serve --bind "127.0.0.1:$PORT" > "$RES/serve-init.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 300); do curl -fsS -o /dev/null "$BASE/login" 2>/dev/null && break; sleep 0.2; done
    sleep 1; stop_server
    if [[ $BACKEND == sqlite ]]; then
        sed -e "s/@PERSONS@/$N/g" -e "s/@ENTERPRISES@/$E/g" "$HERE/gen_sqlite.sql" > "$RES/gen.sql"
        gen=(timeout "$GEN_TIMEOUT" sqlite3 -bail "$DBFILE" ".read $RES/gen.sql")
    else
        cp "$HERE/gen_pg.sql" "$RES/gen.sql"
        gen=(timeout "$GEN_TIMEOUT" psql -X -v ON_ERROR_STOP=1 -v persons="$N" -v enterprises="$E" -f "$RES/gen.sql" "$URL")
    fi
    if ! timed generate "${gen[@]}"; then log "generation failed or exceeded ${GEN_TIMEOUT}s; skipping case"; drop_dbs; continue; fi
    if [[ $BACKEND == sqlite ]]; then
        ls -l "$DBFILE" > "$RES/dbsize.txt"
    else
        psql "$URL" -Atc "SELECT pg_size_pretty(pg_database_size(current_database())), pg_database_size(current_database())" > "$RES/dbsize.txt"
    fi
    log "database size: $(cat "$RES/dbsize.txt")"
    # contact_months (migration 0011, from 0807978) is filled by its trigger as the contacts are inserted.
    cm="SELECT count(*) FROM contact_months"
    if [[ $BACKEND == sqlite ]]; then "${SQL[@]}" "$cm"; else "${SQL[@]}" -Atc "$cm"; fi > "$RES/contact_months.txt" 2>&1 || true
    log "contact_months rows: $(cat "$RES/contact_months.txt")"
    fi
    # A reused PostgreSQL database keeps its key file in the generating run's case directory.
    if [[ $BACKEND == postgres && ! -f $RES/jiuye.keys && -n ${BENCH_KEYS_FROM:-} ]]; then cp "$BENCH_KEYS_FROM" "$RES/jiuye.keys"; fi

    # 1. The price of the snapshot.
    if step refresh; then
    timed refresh_rss "${J[@]}" stats refresh --format json || true
    log "  refresh: $(cat "$RES/refresh_rss.out")"
    hf refresh "$REFRESH_RUNS" "${J[*]} stats refresh --format json"
    "${J[@]}" stats refresh --format json > "$RES/refresh_last.json" 2>/dev/null || true
    if [[ $BACKEND == sqlite ]]; then "${SQL[@]}" "SELECT metric, count(*) FROM stat_cells GROUP BY 1 ORDER BY 1"
    else "${SQL[@]}" -Atc "SELECT metric, count(*) FROM stat_cells GROUP BY 1 ORDER BY 1"; fi > "$RES/cells.txt" 2>&1 || true
    # Some stored figures, to check the baseline's answers against (same months, district).
    cq="SELECT metric, period, township_code, dim, value FROM stat_cells WHERE metric IN ('unemployed_end', 'contacted', 'unemployed_active', 'key_group', 'reports', 'headcount_end', 'paid_fen') AND (period = 'now' OR period BETWEEN '$FROM' AND '$TO') ORDER BY 1, 2, 3, 4"
    if [[ $BACKEND == sqlite ]]; then "${SQL[@]}" "$cq"; else "${SQL[@]}" -Atc "$cq"; fi > "$RES/cells-sample.txt" 2>&1 || true
    fi

    # 1b. Where the refresh's time goes: each of its grouped reads once (GNU time), and its plan.
    if step queries; then
    rq=$RES/refresh-queries
    for name in $(python3 "$HERE/split_baseline.py" "$HERE/refresh_queries_${BACKEND/postgres/pg}.sql" "$rq" "$FROM" "$TO"); do
        if [[ $BACKEND == sqlite ]]; then
            timed "refresh-q-$name" sqlite3 "$DBFILE" ".read $rq/$name.sql" || true
            { echo "-- $name"; sed 's/^SELECT/EXPLAIN QUERY PLAN SELECT/' "$rq/$name.sql" | sqlite3 "$DBFILE"; } >> "$RES/refresh-plans.txt" 2>&1 || true
        else
            timed "refresh-q-$name" psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -f "$rq/$name.sql" "$URL" || true
            { echo "-- $name"; sed 's/^SELECT/EXPLAIN (ANALYZE, BUFFERS) SELECT/' "$rq/$name.sql" | psql -X "$URL"; } >> "$RES/refresh-plans.txt" 2>&1 || true
        fi
    done

    fi

    # 2b. Only the baseline answers check.py compares, once, untimed.
    if step check && ! step baseline; then
        for view in district township; do
            q=$RES/baseline-$view; t=""; [[ $view == township ]] && t=$TOWN
            python3 "$HERE/split_baseline.py" "$HERE/baseline_${BACKEND/postgres/pg}.sql" "$q" "$FROM" "$TO" $t > /dev/null
            for name in unemployed_end key_groups followup; do
                log "check query $view $name"
                if [[ $BACKEND == sqlite ]]; then "${SQL[@]}" ".read $q/$name.sql" > "$q/$name.result" 2>&1 || log "FAILED baseline $name"
                else psql -X -q -v ON_ERROR_STOP=1 -f "$q/$name.sql" "$URL" > "$q/$name.result" 2>&1 || log "FAILED baseline $name"; fi
            done
        done
    fi

    # 2. The baseline: the plain GROUP BYs, per figure and for the whole page.
    if step baseline; then
    for view in district township; do
        q=$RES/baseline-$view; t=""; [[ $view == township ]] && t=$TOWN
        names=$(python3 "$HERE/split_baseline.py" "$HERE/baseline_${BACKEND/postgres/pg}.sql" "$q" "$FROM" "$TO" $t)
        echo "SELECT 1;" > "$q/noop.sql"   # the client process alone: start, connect, one trivial query
        for name in total noop $names; do
            if [[ $BACKEND == sqlite ]]; then cmd="sqlite3 $DBFILE \".read $q/$name.sql\""
                "${SQL[@]}" ".read $q/$name.sql" > "$q/$name.result" 2>&1 || log "FAILED baseline $name"
            else cmd="psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -f $q/$name.sql $URL"
                psql -X -q -v ON_ERROR_STOP=1 -f "$q/$name.sql" "$URL" > "$q/$name.result" 2>&1 || log "FAILED baseline $name"
            fi
            hf "baseline-$view-$name" "$BASE_RUNS" "$cmd"
        done
    done
    # Plans of the page's two heaviest kinds of query (for the record).
    if [[ $BACKEND == sqlite ]]; then
        for name in unemployed_end followup key_groups; do
            { echo "-- $name"; sed 's/^SELECT/EXPLAIN QUERY PLAN SELECT/; s/^WITH/EXPLAIN QUERY PLAN WITH/' "$RES/baseline-district/$name.sql" | sqlite3 "$DBFILE"; } >> "$RES/plans.txt" 2>&1 || true
        done
    else
        for name in unemployed_end followup key_groups; do
            { echo "-- $name"; sed 's/^SELECT/EXPLAIN (ANALYZE, BUFFERS) SELECT/; s/^WITH/EXPLAIN (ANALYZE, BUFFERS) WITH/' "$RES/baseline-district/$name.sql" | psql -X "$URL"; } >> "$RES/plans.txt" 2>&1 || true
        done
    fi

    fi

    # 3. The page.
    if step page; then
    t0=$(date +%s)
    "${J[@]}" serve --bind "127.0.0.1:$PORT" > "$RES/serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 300); do curl -fsS -o /dev/null "$BASE/login" 2>/dev/null && break; sleep 0.2; done
    # The server refreshes the figures at start: wait for it, then for its background work to settle.
    for _ in $(seq 900); do grep -q 'dashboard figures refreshed\|dashboard refresh failed' "$RES/serve.log" && break; sleep 1; done
    grep -m1 'dashboard figures refreshed\|dashboard refresh failed' "$RES/serve.log" >&2 || log "no refresh line in serve.log"
    echo "refresh line after $(( $(date +%s) - t0 )) s (polled every 1 s)" > "$RES/serve.mem-startup"
    for _ in $(seq 60); do a=$(cpu_ticks "$SERVER_PID"); sleep 2; b=$(cpu_ticks "$SERVER_PID"); (( b - a < 4 )) && break; done
    { echo "after the startup refresh and settling, $(( $(date +%s) - t0 )) s after start; loadavg $(cat /proc/loadavg)"
      grep -E 'VmRSS|VmHWM' "/proc/$SERVER_PID/status"; } >> "$RES/serve.mem-startup" || true
    log "server memory after its startup refresh: $(tr '\n' ' ' < "$RES/serve.mem-startup")"
    "${J[@]}" user create bench7 --name 统计测试 --role bureau_staff > "$RES/user.out" 2>&1
    PW=$(sed -n 's/.*初始密码 \([^（ ]*\).*/\1/p' "$RES/user.out" | head -1)
    SID=$(login bench7 "$PW")
    for view in district township; do
        url="$BASE/dashboard?from=$FROM&to=$TO"; [[ $view == township ]] && url="$url&township=$TOWN"
        code=$(curl -sS -o "$RES/page-$view.html" -w '%{http_code}' -H "Cookie: jiuye_sid=$SID" "$url")
        log "GET $url: HTTP $code, $(wc -c < "$RES/page-$view.html") bytes"
        echo "loadavg before: $(cat /proc/loadavg)" > "$RES/page-$view.seq.load"
        for _ in $(seq "$PAGE_RUNS"); do
            curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: jiuye_sid=$SID" "$url"
        done > "$RES/page-$view.seq.txt"
        echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/page-$view.seq.load"
        echo "loadavg before: $(cat /proc/loadavg)" > "$RES/page-$view.wrk.load"
        wrk -t1 -c1 -d"${WRK_SECS}s" --timeout 30s --latency -H "Cookie: jiuye_sid=$SID" "$url" > "$RES/page-$view.wrk.txt" 2>&1 || true
        echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/page-$view.wrk.load"
        grep -E 'Requests/sec|requests in|50%|90%|99%|Non-2xx|Socket' "$RES/page-$view.wrk.txt" | sed 's/^/    /' >&2 || true
    done
    grep -E 'VmRSS|VmHWM' "/proc/$SERVER_PID/status" > "$RES/serve.mem" || true
    stop_server
    fi
    cd "$OUT"
    drop_dbs
    log "== case $BACKEND $N done"
done
python3 "$HERE/summarize.py" "$OUT" > "$OUT/summary.md" || log "summarize failed"
log "done: $OUT"
