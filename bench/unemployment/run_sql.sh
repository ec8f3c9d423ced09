#!/usr/bin/env bash
# Issue 5 measurements at district and province sizes with the data generated in SQL
# (docs/BENCHMARKS.md, "Issue 5", "7,000,000 persons … data generated in SQL"). `jiuye demo` is far
# too slow at 7,000,000 persons, so per size N, into a fresh PostgreSQL database jiuye_bench5sql_N:
#   0. `jiuye migrate`; one `jiuye serve` started and stopped on the empty database (it writes the key
#      file and the administrator, as a first start does); gen_pg.sql (villages, households, persons,
#      registrations, contacts with demo's distributions); ANALYZE;
#   1. the first zero-employment derivation, by the application: `jiuye import persons` of a one-row
#      CSV inserts a person and ends with the full `refresh_zero_employment`, which opens a period
#      for every zero-employment household (timed); then gen_post_pg.sql dates the periods back and
#      clears a quarter of the old ones as demo does, and one more import settles the derivation;
#   2. `jiuye followup due --format json` (district and --township 和阳镇) and
#      `jiuye households zero-employment --format json` under hyperfine, once more under GNU time
#      (peak RSS), item count and output size; EXPLAIN (ANALYZE, BUFFERS) of their queries;
#   3. the steady-state full refresh: an import that updates the one person (refresh) minus an import
#      of the same file again (unchanged: no refresh), alternately, 3 × 2 of each; the refresh's own
#      statements are also read from the PostgreSQL log (log_min_duration_statement = 0 on this
#      database during step 3 only);
#   4. `jiuye serve`, a township clerk of 和阳镇 logged in (one-time password changed), once the
#      server's start-up work (zero-employment and dashboard refreshes) has finished: 50 sequential
#      GET /followup with curl (p50/p90/p99), then wrk; server VmRSS/VmHWM after.
# The 1-minute load average is logged before and after every measurement. Databases are dropped at
# the end of each size (and on exit), the server stopped.
#
# Env: BENCH_SIZES ["350000 7000000"]  BENCH_WORK [/work/bench5] (key files, outputs; never the repository)
#      BENCH_OUT [$BENCH_WORK/results-<commit>-<UTC time>]  BENCH_BUILD [1]  BENCH_BIN [copy of the built binary]
#      BENCH_RUNS [5; 3 from 1,000,000 persons]  BENCH_PG [postgres://postgres@127.0.0.1:5432]  BENCH_PORT [18095]
#      BENCH_WRK ["-t2 -c8 -d20s --timeout 30s"; "-t2 -c8 -d60s --timeout 60s" from 1,000,000 persons]  BENCH_GEN_TIMEOUT [3600]  BENCH_KEEP_DB [0]: 1 keeps the databases
#      PG_LOG [/var/log/postgresql/postgresql-15-main.log] (read for step 3; skipped when unreadable)
#      BENCH_TEMPLATE_<N> (e.g. BENCH_TEMPLATE_7000000=jiuye_bench5gen_7000000): instead of migrate + gen_pg.sql, copy
#        this database (CREATE DATABASE … TEMPLATE), already filled by gen_pg.sql -v persons=N and migrated by the
#        same binary; the rest is unchanged. It saves the generation (≈ 20–30 min at 7,000,000 on 2 shared cores).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${JIUYE_SRC:-$(cd "$HERE/../.." && pwd)}
WORK=${BENCH_WORK:-/work/bench5}
SIZES=${BENCH_SIZES:-350000 7000000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${BENCH_PORT:-18095}
WRK_SMALL=${BENCH_WRK:--t2 -c8 -d20s --timeout 30s}
WRK_LARGE=${BENCH_WRK:--t2 -c8 -d60s --timeout 60s}   # from 1,000,000 persons: pages take seconds, 20 s is one wave
GEN_TIMEOUT=${BENCH_GEN_TIMEOUT:-3600}
PG_LOG=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
NEW_PW=Bench-Ferry-Sky-42
BASE=http://127.0.0.1:$PORT
COMMIT=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
OUT=${BENCH_OUT:-$WORK/results-$COMMIT-$(date -u +%Y%m%dT%H%MZ)}
SERVER_PID=
DBS=()
mkdir -p "$OUT"
exec 9> "$WORK/.run_sql.lock"
flock -n 9 || { echo "another bench/unemployment/run_sql.sh is using $WORK" >&2; exit 1; }

log() { printf '[%s] load %s | %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$*" | tee -a "$OUT/run.log" >&2; }
stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -INT "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
drop_dbs() {
    if [[ ${BENCH_KEEP_DB:-0} != 1 ]]; then
        for d in "${DBS[@]}"; do psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" || true; done
    fi
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
hf() {  # hf NAME CMD-STRING
    local name=$1 cmd=$2
    echo "loadavg before: $(cat /proc/loadavg)" > "$RES/$name.hf.load"
    log "hyperfine $name ($RUNS runs)"
    hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$RES/$name.hf.json" "$cmd" > "$RES/$name.hf.txt" 2>&1 || log "FAILED hyperfine $name"
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
start_server() {  # start_server LOGFILE: serve, wait for the login page
    "${J[@]}" serve --bind "127.0.0.1:$PORT" > "$1" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 600); do curl -fsS -o /dev/null "$BASE/login" 2>/dev/null && break; sleep 0.2; done
}
# A one-row persons CSV in 和阳镇 (the first household of the generated data there), phone $2.
person_csv() {
    local file=$1 phone=$2
    python3 - "$file" "$phone" "$URL" <<'PY'
import csv, subprocess, sys
file, phone, db = sys.argv[1:4]
def q(sql): return subprocess.run(["psql", db, "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()
row = q("SELECT t.name || '|' || v.name || '|' || h.household_no FROM households h JOIN townships t ON t.code = h.township_code JOIN villages v ON v.code = h.village_code WHERE t.name = '和阳镇' ORDER BY h.household_no LIMIT 1")
town, village, hh = row.split("|")
base = "13052719900101999"  # 130527 (平乡县), 1990-01-01, sequence 999 (odd: male)
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
idno = base + "10X98765432"[sum(int(c) * k for c, k in zip(base, w)) % 11]
with open(file, "w", newline="", encoding="utf-8") as f:
    c = csv.writer(f)
    c.writerow(["姓名", "公民身份号码", "联系电话", "乡镇(街道)", "村(社区)", "户编号", "人员类别", "学历", "毕业时间"])
    c.writerow(["测试甲", idno, phone, town, village, hh, "", "", ""])
PY
}
zero_counts() { psql "$URL" -Atc "SELECT count(*) FILTER (WHERE cleared_on IS NULL) || ' open, ' || count(*) FILTER (WHERE cleared_on IS NOT NULL) || ' cleared' FROM zero_employment"; }

if [[ ${BENCH_BUILD:-1} == 1 ]]; then
    (cd "$SRC" && CARGO_TARGET_DIR=/work/target-bench cargo build --release -p jiuye-cli)
fi
# Copy the binary out of the shared target directory first (others may rebuild it mid-run).
BIN=${BENCH_BIN:-$WORK/bin-$COMMIT/jiuye}
if [[ -z ${BENCH_BIN:-} ]]; then mkdir -p "$(dirname "$BIN")"; cp /work/target-bench/release/jiuye "$BIN"; fi
{
    echo "date_utc: $(date -u '+%Y-%m-%d %H:%M')"; echo "commit: $COMMIT"
    echo "dirty: $(git -C "$SRC" status --porcelain 2>/dev/null | wc -l) paths"; echo "binary: $BIN sha256 $(sha256sum "$BIN" | cut -c1-16)"
    echo "nproc: $(nproc)"; echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
    echo "mem: $(grep MemTotal /proc/meminfo)"; echo "kernel: $(uname -r)"; echo "loadavg: $(cat /proc/loadavg)"
    echo "postgresql: $(psql "$PG/postgres" -Atc 'SHOW server_version')"
    echo "pg settings: $(psql "$PG/postgres" -Atc "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ' ') FROM pg_settings WHERE name IN ('shared_buffers','work_mem','max_parallel_workers_per_gather','effective_cache_size','jit')")"
    echo "hyperfine: $(hyperfine --version)"; echo "wrk: $(wrk -v 2>&1 | head -1)"; echo "sizes: $SIZES"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

for N in $SIZES; do
    RES=$OUT/results-$N; rm -rf "$RES"; mkdir -p "$RES"
    if (( N >= 1000000 )); then RUNS=${BENCH_RUNS:-3}; WRK_ARGS=$WRK_LARGE; else RUNS=${BENCH_RUNS:-5}; WRK_ARGS=$WRK_SMALL; fi
    DB=jiuye_bench5sql_$N; URL=$PG/$DB; DBS+=("$DB")
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; psql "$PG/postgres" -qc "CREATE DATABASE $DB"
    J=("$BIN" --database "$URL")
    cd "$RES"   # jiuye writes jiuye.keys and logs into the working directory
    log "== persons=$N"

    # 0. Schema by the binary, rows by SQL (or a copy of a database gen_pg.sql filled before).
    TEMPLATE_VAR=BENCH_TEMPLATE_$N; TEMPLATE=${!TEMPLATE_VAR:-}
    if [[ -n $TEMPLATE ]]; then
        psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
        timed clone psql -X -v ON_ERROR_STOP=1 "$PG/postgres" -c "CREATE DATABASE $DB TEMPLATE $TEMPLATE" || { log "clone failed"; drop_dbs; continue; }
        timed migrate "${J[@]}" migrate || { log "migrate failed; skipping"; drop_dbs; continue; }
        # The key file (it is not tied to a database): written by a first start on an empty scratch database.
        psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS ${DB}_keys WITH (FORCE)"; psql "$PG/postgres" -qc "CREATE DATABASE ${DB}_keys"
        "$BIN" --database "$PG/${DB}_keys" serve --bind "127.0.0.1:$PORT" > "$RES/serve-init.log" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 600); do curl -fsS -o /dev/null "$BASE/login" 2>/dev/null && break; sleep 0.2; done
        sleep 1; stop_server; psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS ${DB}_keys WITH (FORCE)"
        echo "copied from $TEMPLATE (generated before by gen_pg.sql -v persons=$N)" > "$RES/generate.out"
    else
        timed migrate "${J[@]}" migrate || { log "migrate failed; skipping"; drop_dbs; continue; }
        start_server "$RES/serve-init.log"; sleep 1; stop_server
        if ! timed generate timeout "$GEN_TIMEOUT" psql -X -v ON_ERROR_STOP=1 -v persons="$N" -f "$HERE/gen_pg.sql" "$URL"; then
            log "generation failed or exceeded ${GEN_TIMEOUT}s; skipping"; drop_dbs; continue
        fi
        grep -A12 ' t  ' "$RES/generate.out" >&2 || true
    fi
    [[ -f $RES/jiuye.keys ]] || { log "no key file written"; drop_dbs; continue; }

    # 1. The first derivation (opens every period), then demo's dating back and clearing, then settle.
    person_csv "$RES/a.csv" 13800000001; person_csv "$RES/b.csv" 13800000002
    timed import_first "${J[@]}" import persons "$RES/a.csv" --format json || true
    log "  after the first derivation: $(zero_counts)"
    timed gen_post psql -X -v ON_ERROR_STOP=1 -f "$HERE/gen_post_pg.sql" "$URL" || { log "gen_post failed"; drop_dbs; continue; }
    timed import_settle "${J[@]}" import persons "$RES/b.csv" --format json || true
    log "  after dating back, clearing and settling: $(zero_counts)"
    psql "$URL" -Atc "SELECT 'persons', count(*) FROM persons UNION ALL SELECT 'households', count(*) FROM households
        UNION ALL SELECT 'registrations', count(*) FROM registrations UNION ALL SELECT 'registrations open', count(*) FROM registrations WHERE closed_on IS NULL
        UNION ALL SELECT 'contacts', count(*) FROM contacts
        UNION ALL SELECT 'zero_employment open', count(*) FROM zero_employment WHERE cleared_on IS NULL
        UNION ALL SELECT 'zero_employment cleared', count(*) FROM zero_employment WHERE cleared_on IS NOT NULL
        UNION ALL SELECT 'zero_employment open 和阳镇', count(*) FROM zero_employment WHERE cleared_on IS NULL AND township_code = '130527100'
        UNION ALL SELECT 'database bytes', pg_database_size(current_database())" > "$RES/counts.txt" 2>&1 || true
    cat "$RES/counts.txt" >&2

    # 2. The lists.
    cmd="${J[*]}"
    hf due "$cmd followup due --format json"
    hf due_township "$cmd followup due --township 和阳镇 --format json"
    hf zero "$cmd households zero-employment --format json"
    timed due_rss "${J[@]}" followup due --format json || true
    timed due_township_rss "${J[@]}" followup due --township 和阳镇 --format json || true
    timed zero_rss "${J[@]}" households zero-employment --format json || true
    for f in due_rss due_township_rss zero_rss; do
        python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[1].split('/')[-1], 'items', len(d), 'bytes', len(open(sys.argv[1],'rb').read()))" "$RES/$f.out" >> "$RES/sizes.txt" 2>&1 || true
    done
    cat "$RES/sizes.txt" >&2
    # The plans of the queries behind them (as the store builds them; dates of today in CST).
    today=$(psql "$URL" -Atc "SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date")
    m0=$(psql "$URL" -Atc "SELECT date_trunc('month', (now() AT TIME ZONE 'Asia/Shanghai'))::date")
    for t in "" "AND r.township_code = '130527100'"; do
        echo "-- due list ${t:-district}"
        psql -X "$URL" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT r.id, r.person_id, p.name, p.id_masked, r.township_code, t.name AS township_name, r.registered_on, r.channel,
                r.registered_by, r.closed_on, r.close_reason, r.close_note, r.closed_by,
                (SELECT MAX(c.contact_on) FROM contacts c WHERE c.registration_id = r.id AND c.contact_on <= '$today') AS last_contact_on,
                r.version, r.created_at, r.updated_at
             FROM registrations r JOIN persons p ON p.id = r.person_id JOIN townships t ON t.code = r.township_code
             WHERE r.registered_on <= '$today' AND (r.closed_on IS NULL OR r.closed_on > '$today') $t
               AND (SELECT COUNT(*) FROM contacts c WHERE c.registration_id = r.id AND c.contact_on >= '$m0' AND c.contact_on <= '$today') = 0
             ORDER BY r.registered_on, r.id"
    done > "$RES/plans.txt" 2>&1 || true
    {
        echo "-- zero-employment list (district, open, LIMIT 100000 as the app asks)"
        psql -X "$URL" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT z.id, z.household_id, h.household_no, z.township_code, t.name AS township_name, z.started_on, z.cleared_on,
            z.cleared_reason FROM zero_employment z JOIN households h ON h.id = z.household_id JOIN townships t ON t.code = z.township_code
            WHERE z.cleared_on IS NULL ORDER BY z.started_on, z.id LIMIT 100000"
        echo "-- the derivation (working-age bounds approximated here: 16 years, men born after today − 60 y 10 m, women after today − 55 y 10 m)"
        psql -X "$URL" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT h.id, h.township_code FROM households h
         WHERE EXISTS (SELECT 1 FROM persons u WHERE u.household_id = h.id AND u.employment_status = 'unemployed' AND u.birth_date <= date '$today' - interval '16 years'
                       AND ((u.sex = 'M' AND u.birth_date > date '$today' - interval '60 years 10 months') OR (u.sex = 'F' AND u.birth_date > date '$today' - interval '55 years 10 months')))
           AND NOT EXISTS (SELECT 1 FROM persons e WHERE e.household_id = h.id AND e.employment_status IN ('employed', 'flexible') AND e.birth_date <= date '$today' - interval '16 years'
                       AND ((e.sex = 'M' AND e.birth_date > date '$today' - interval '60 years 10 months') OR (e.sex = 'F' AND e.birth_date > date '$today' - interval '55 years 10 months')))"
    } >> "$RES/plans.txt" 2>&1 || true

    # 3. The steady-state refresh: changed (refresh) vs unchanged (none), the statements from the log.
    psql "$URL" -qc "ALTER DATABASE $DB SET log_min_duration_statement = 0"
    log_start=$( [[ -r $PG_LOG ]] && stat -c %s "$PG_LOG" || echo 0)
    for i in 1 2 3; do
        timed "import_a_changed_$i" "${J[@]}" import persons "$RES/a.csv" --format json || true
        timed "import_a_unchanged_$i" "${J[@]}" import persons "$RES/a.csv" --format json || true
        timed "import_b_changed_$i" "${J[@]}" import persons "$RES/b.csv" --format json || true
        timed "import_b_unchanged_$i" "${J[@]}" import persons "$RES/b.csv" --format json || true
    done
    psql "$URL" -qc "ALTER DATABASE $DB RESET log_min_duration_statement"
    if [[ -r $PG_LOG ]]; then tail -c +"$((log_start + 1))" "$PG_LOG" | grep -a "$DB\|duration" > "$RES/pg-refresh.log" || true; fi
    log "  after the refresh imports: $(zero_counts)"

    # 4. The task list page as a township clerk, once the server's start-up work is done.
    start_server "$RES/serve.log"
    for _ in $(seq 1200); do grep -q 'dashboard figures refreshed\|dashboard refresh failed' "$RES/serve.log" && break; sleep 1; done
    for _ in $(seq 120); do a=$(cpu_ticks "$SERVER_PID"); sleep 2; b=$(cpu_ticks "$SERVER_PID"); (( b - a < 4 )) && break; done
    "${J[@]}" user create clerk1 --name 测试 --role township_clerk --township 和阳镇 > "$RES/user.out" 2>&1
    PW=$(sed -n 's/.*初始密码 \([^（ ]*\).*/\1/p' "$RES/user.out" | head -1)
    SID=$(login clerk1 "$PW")
    code=$(curl -sS -o "$RES/followup.html" -w '%{http_code}' -H "Cookie: jiuye_sid=$SID" "$BASE/followup")
    log "GET /followup: HTTP $code, $(wc -c < "$RES/followup.html") bytes"
    grep -E 'VmRSS|VmHWM' "/proc/$SERVER_PID/status" > "$RES/serve.mem.before" || true
    echo "loadavg before: $(cat /proc/loadavg)" > "$RES/seq.load"
    for _ in $(seq 50); do
        curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: jiuye_sid=$SID" "$BASE/followup"
    done > "$RES/seq.txt"
    echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/seq.load"
    python3 - "$RES/seq.txt" <<'PY' | tee "$RES/seq.summary" >&2
import sys
rows = [l.split() for l in open(sys.argv[1])]
codes = {r[0] for r in rows}; t = sorted(float(r[1]) * 1000 for r in rows)
pct = lambda p: t[min(len(t) - 1, int(round(p / 100 * len(t) + 0.5)) - 1)]
print(f"n={len(t)} codes={codes} min={t[0]:.1f} p50={pct(50):.1f} p90={pct(90):.1f} p99={pct(99):.1f} max={t[-1]:.1f} ms")
PY
    echo "loadavg before: $(cat /proc/loadavg)" > "$RES/wrk.load"
    # shellcheck disable=SC2086
    wrk $WRK_ARGS --latency -H "Cookie: jiuye_sid=$SID" "$BASE/followup" > "$RES/wrk.txt" 2>&1 || true
    echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/wrk.load"
    grep -E 'Requests/sec|requests in|50%|90%|99%|Non-2xx|Socket' "$RES/wrk.txt" | sed 's/^/    /' >&2 || true
    grep -E 'VmRSS|VmHWM' "/proc/$SERVER_PID/status" > "$RES/serve.mem" || true
    cat "$RES/serve.mem" >&2
    # Not asked by the issue, for the record: the clerk's zero-employment page (10 sequential GETs).
    code=$(curl -sS -o "$RES/zero.html" -w '%{http_code}' -H "Cookie: jiuye_sid=$SID" "$BASE/households/zero")
    log "GET /households/zero: HTTP $code, $(wc -c < "$RES/zero.html") bytes"
    echo "loadavg before: $(cat /proc/loadavg)" > "$RES/zero-seq.load"
    for _ in $(seq 10); do
        curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: jiuye_sid=$SID" "$BASE/households/zero"
    done > "$RES/zero-seq.txt"
    echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/zero-seq.load"
    log "  /households/zero: $(awk '{print $2 * 1000}' "$RES/zero-seq.txt" | sort -n | tr '\n' ' ') ms"
    stop_server
    cd "$OUT"
    drop_dbs
    log "== persons=$N done"
done
python3 "$HERE/summarize_sql.py" "$OUT" > "$OUT/summary.md" 2>/dev/null || log "summarize_sql.py failed or missing"
log "done: $OUT"
