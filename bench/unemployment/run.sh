#!/usr/bin/env bash
# Issue 5 measurements (docs/BENCHMARKS.md, "Issue 5 — follow-up and zero-employment households"):
# per size N, into a fresh PostgreSQL database jiuye_bench5_N:
#   1. `jiuye demo --persons N --no-serve` (timed, peak RSS);
#   2. `jiuye followup due --format json`, the same with `--township 和阳镇`, and
#      `jiuye households zero-employment --format json` under hyperfine (BENCH_RUNS runs) and once
#      under GNU time for peak RSS;
#   3. the full zero-employment refresh: there is no CLI command that runs only it, so it is timed
#      through `jiuye import persons` of a one-row CSV: an import that inserts/updates a person ends
#      with the full refresh, an import of the same file again (unchanged) does not. The difference
#      of the two is the refresh (plus noise);
#   4. `jiuye serve`, a township clerk of 和阳镇 logged in (one-time password changed), 50
#      sequential GET /followup with curl (p50/p99), then wrk at 8 connections.
# Databases are dropped at the end (trap), the server stopped. Results: $BENCH_OUT/results-N/.
#
# Env: JIUYE_BIN [/work/target-bench/release/jiuye]  BENCH_SIZES ["350000"]  BENCH_RUNS [5]
#      BENCH_PG [postgres://postgres@127.0.0.1:5432]  BENCH_PORT [18090]  BENCH_OUT [/tmp/jiuye-bench5]
#      BENCH_WRK ["-t2 -c8 -d20s --timeout 30s"]  BENCH_BUILD [1]: build first with CARGO_TARGET_DIR=/work/target-bench
set -euo pipefail
SRC=${JIUYE_SRC:-/work/main}
BIN=${JIUYE_BIN:-/work/target-bench/release/jiuye}
SIZES=${BENCH_SIZES:-350000}
RUNS=${BENCH_RUNS:-5}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${BENCH_PORT:-18090}
OUT=${BENCH_OUT:-/tmp/jiuye-bench5}
WRK_ARGS=${BENCH_WRK:--t2 -c8 -d20s --timeout 30s}
NEW_PW=Bench-Ferry-Sky-42
BASE=http://127.0.0.1:$PORT
SERVER_PID=
DBS=()
mkdir -p "$OUT"

log() { printf '[%s] load %s | %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$*" | tee -a "$OUT/run.log" >&2; }
stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -INT "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
cleanup() { stop_server; for d in "${DBS[@]}"; do psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" || true; done; }
trap cleanup EXIT

# timed NAME CMD...: GNU time -v; stdout -> NAME.out, time -> NAME.time, command+load -> NAME.cmd
timed() {
    local name=$1; shift
    { printf '%q ' "$@"; echo; echo "loadavg before: $(cat /proc/loadavg)"; } > "$RES/$name.cmd"
    log "run $name"
    /usr/bin/time -v -o "$RES/$name.time" "$@" > "$RES/$name.out" 2> "$RES/$name.err" || log "FAILED $name ($?)"
    echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/$name.cmd"
    log "  $name: wall $(grep 'Elapsed (wall' "$RES/$name.time" | awk '{print $NF}'), maxrss $(grep 'Maximum resident' "$RES/$name.time" | awk '{print $NF}') KiB"
}
hf() {  # hf NAME CMD-STRING
    local name=$1 cmd=$2
    echo "loadavg before: $(cat /proc/loadavg)" > "$RES/$name.hf.load"
    log "hyperfine $name"
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

# A one-row persons CSV in 和阳镇 (a village and household taken from the demo data), phone $2.
person_csv() {
    local file=$1 phone=$2 db=$3
    python3 - "$file" "$phone" "$db" <<'PY'
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

if [[ ${BENCH_BUILD:-1} == 1 ]]; then
    (cd "$SRC" && CARGO_TARGET_DIR=/work/target-bench cargo build --release -p jiuye-cli)
fi
{
    echo "date_utc: $(date -u '+%Y-%m-%d %H:%M')"; echo "commit: $(git -C "$SRC" rev-parse --short HEAD)"
    echo "dirty: $(git -C "$SRC" status --porcelain | wc -l) paths"; echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"; echo "loadavg: $(cat /proc/loadavg)"
    echo "postgresql: $(psql "$PG/postgres" -Atc 'SHOW server_version')"; echo "hyperfine: $(hyperfine --version)"; echo "wrk: $(wrk -v 2>&1 | head -1)"
} > "$OUT/machine.txt"

for N in $SIZES; do
    RES=$OUT/results-$N; rm -rf "$RES"; mkdir -p "$RES"
    DB=jiuye_bench5_$N; URL=$PG/$DB; DBS+=("$DB")
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB"; psql "$PG/postgres" -qc "CREATE DATABASE $DB"
    J=("$BIN" --database "$URL")
    cd "$RES"   # demo/serve write jiuye.keys and logs into the working directory

    timed demo "${J[@]}" demo --persons "$N" --no-serve
    psql "$URL" -Atc "SELECT 'persons', count(*) FROM persons UNION ALL SELECT 'households', count(*) FROM households
        UNION ALL SELECT 'zero_employment open', count(*) FROM zero_employment WHERE cleared_on IS NULL
        UNION ALL SELECT 'zero_employment cleared', count(*) FROM zero_employment WHERE cleared_on IS NOT NULL" > "$RES/counts.txt" 2>&1 || true
    cat "$RES/counts.txt" >&2

    cmd="${J[*]}"
    hf due "$cmd followup due --format json"
    hf due_township "$cmd followup due --township 和阳镇 --format json"
    hf zero "$cmd households zero-employment --format json"
    timed due_rss "${J[@]}" followup due --format json
    timed due_township_rss "${J[@]}" followup due --township 和阳镇 --format json
    timed zero_rss "${J[@]}" households zero-employment --format json
    for f in due_rss due_township_rss zero_rss; do
        python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[1], 'items', len(d) if isinstance(d, list) else {k: (len(v) if isinstance(v, list) else v) for k, v in d.items()}, 'bytes', len(open(sys.argv[1],'rb').read()))" "$RES/$f.out" >> "$RES/sizes.txt" 2>&1 || true
    done
    cat "$RES/sizes.txt" >&2

    # Full refresh via import: A inserted (refresh), then B/A alternately changed (refresh) and unchanged (none).
    person_csv "$RES/a.csv" 13800000001 "$URL"; person_csv "$RES/b.csv" 13800000002 "$URL"
    timed import_a_insert "${J[@]}" import persons "$RES/a.csv" --format json
    for i in 1 2 3; do
        timed "import_b_changed_$i" "${J[@]}" import persons "$RES/b.csv" --format json
        timed "import_b_unchanged_$i" "${J[@]}" import persons "$RES/b.csv" --format json
        timed "import_a_changed_$i" "${J[@]}" import persons "$RES/a.csv" --format json
        timed "import_a_unchanged_$i" "${J[@]}" import persons "$RES/a.csv" --format json
    done

    # Task list page as a township clerk.
    "${J[@]}" serve --bind "127.0.0.1:$PORT" > "$RES/serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 150); do curl -fsS -o /dev/null "$BASE/login" 2>/dev/null && break; sleep 0.2; done
    "${J[@]}" user create clerk1 --name 测试 --role township_clerk --township 和阳镇 > "$RES/user.out" 2>&1
    PW=$(sed -n 's/.*初始密码 \([^（ ]*\).*/\1/p' "$RES/user.out" | head -1)
    SID=$(login clerk1 "$PW")
    code=$(curl -sS -o "$RES/followup.html" -w '%{http_code}' -H "Cookie: jiuye_sid=$SID" "$BASE/followup")
    log "GET /followup: HTTP $code, $(wc -c < "$RES/followup.html") bytes"
    echo "loadavg before: $(cat /proc/loadavg)" > "$RES/seq.load"
    for i in $(seq 50); do
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
    grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket' "$RES/wrk.txt" >&2 || true
    grep -E 'VmRSS|VmHWM' /proc/$SERVER_PID/status > "$RES/serve.mem" || true
    stop_server
    cd "$OUT"
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB"
done
log done
