#!/usr/bin/env bash
# The measurements of issue 2 ("Measured, in docs/BENCHMARKS.md"), in one sequential run:
#   1. build the release binary;
#   2. generate the 1,000,000-person import file as CSV and XLSX (bench/gen_persons.py);
#   3. import it with `jiuye import persons` into fresh SQLite and PostgreSQL databases, from CSV and
#      from XLSX, plus a re-import of the CSV into the same SQLite database;
#   4. the baseline: the same files read by pandas (+ openpyxl) alone (bench/pandas_read.py),
#      interleaved with our imports so both see the same machine load;
#   5. `jiuye demo --persons 350000` into SQLite and PostgreSQL, then the registry list page and
#      API under wrk on loopback, with the server's memory before and after.
# Every timing is repeated BENCH_REPEATS times (default 2). Raw outputs go to $OUT/results;
# bench/summarize.py turns them into the tables of docs/BENCHMARKS.md ($OUT/results/summary.md).
#
# Idempotent: it drops/removes only the databases it creates (PostgreSQL databases named
# jiuye_bench_*, files under $OUT/db) before and after, and regenerates the data files only when
# missing. Needs: cargo, python3 with pandas, openpyxl and xlsxwriter, psql/createdb/dropdb,
# wrk, curl, GNU time (/usr/bin/time).
#
# Environment (defaults in brackets):
#   JIUYE_SRC [/work/main]           the repository
#   BENCH_BUILD [worktree]           worktree: `cargo build --release -p jiuye-cli` in JIUYE_SRC;
#                                    head: build a clean `git archive HEAD` snapshot under
#                                    $OUT/src with CARGO_TARGET_DIR=$OUT/target (use when the
#                                    working tree has someone's uncommitted changes);
#                                    none: use JIUYE_BIN as is
#   JIUYE_BIN                        the binary (set automatically unless BENCH_BUILD=none)
#   BENCH_OUT [/tmp/jiuye-bench]     data, databases and results (keep it out of the repository)
#   BENCH_ROWS [1000000]  BENCH_SEED [2020]  BENCH_REPEATS [2]  BENCH_LIST_PERSONS [350000]
#   BENCH_PG [postgres://postgres@127.0.0.1:5432]   server for the PostgreSQL runs
#   BENCH_PORT [18090]  BENCH_WRK ["-t2 -c16 -d20s"]
#   BENCH_STEPS [build,data,import,list,list_pg,list_pg_vacuum]   which parts to run
#                                    (list_pg_vacuum: the PostgreSQL list again, after VACUUM ANALYZE)
#   BENCH_RESULTS [$BENCH_OUT/results]  where the raw results go (emptied at the start)
set -euo pipefail

SRC=${JIUYE_SRC:-/work/main}
BUILD=${BENCH_BUILD:-worktree}
OUT=${BENCH_OUT:-/tmp/jiuye-bench}
ROWS=${BENCH_ROWS:-1000000}
SEED=${BENCH_SEED:-2020}
REPEATS=${BENCH_REPEATS:-2}
LIST_PERSONS=${BENCH_LIST_PERSONS:-350000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${BENCH_PORT:-18090}
WRK_ARGS=${BENCH_WRK:--t2 -c16 -d20s}
STEPS=${BENCH_STEPS:-build,data,import,list,list_pg,list_pg_vacuum}
NEW_PW=Bench-Ferry-Sky-42
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)

# psql/createdb/dropdb connection from BENCH_PG (postgres://user[:pw]@host:port)
pg_rest=${PG#postgres://}
PGUSER_=${pg_rest%%@*}
PGHOSTPORT=${pg_rest#*@}
export PGHOST=${PGHOSTPORT%%:*} PGPORT=${PGHOSTPORT##*:} PGUSER=${PGUSER_%%:*}
[[ $PGUSER_ == *:* ]] && export PGPASSWORD=${PGUSER_#*:}

RES=${BENCH_RESULTS:-$OUT/results}
DB=$OUT/db
DATA=$OUT/data
CSV=$DATA/persons-$ROWS-s$SEED.csv
XLSX=$DATA/persons-$ROWS-s$SEED.xlsx
SERVER_PID=

has_step() { [[ ",$STEPS," == *",$1,"* ]]; }
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RES/run.log" >&2; }

stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -INT "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}

drop_pg_dbs() {
    local d
    for d in $(psql -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'jiuye\_bench\_%'"); do
        dropdb --if-exists "$d"
    done
}

cleanup() {
    stop_server
    rm -rf "$DB"
    drop_pg_dbs || true
}
trap cleanup EXIT

# A timed command: $1 = result name; the rest = the command. Writes $RES/$1.out (stdout),
# $RES/$1.time (GNU time -v, stderr of the command included) and $RES/$1.cmd (the command line
# and the load average just before it).
timed() {
    local name=$1; shift
    { printf '%q ' "$@"; echo; echo "cwd: $PWD"; echo "loadavg before: $(cat /proc/loadavg)"; } > "$RES/$name.cmd"
    log "run $name: $*"
    /usr/bin/time -v -o "$RES/$name.time" "$@" > "$RES/$name.out" 2> "$RES/$name.err" || {
        log "FAILED ($?) $name — see $RES/$name.err"; return 0; }
    echo "loadavg after: $(cat /proc/loadavg)" >> "$RES/$name.cmd"
}

machine_info() {
    {
        echo "date_utc: $(date -u '+%Y-%m-%d %H:%M')"
        echo "nproc: $(nproc)"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
        echo "mem_total: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
        echo "kernel: $(uname -r)"
        echo "disk_for_out: $(df -h "$OUT" | awk 'NR==2 {print $1" "$2}')"
        echo "loadavg_at_start: $(cat /proc/loadavg)"
        echo "rustc: $(rustc --version 2>/dev/null)"
        echo "postgresql: $(psql -d postgres -Atc 'SHOW server_version' 2>/dev/null)"
        echo "python: $(python3 -c 'import sys, pandas, openpyxl; print(sys.version.split()[0], "pandas", pandas.__version__, "openpyxl", openpyxl.__version__)')"
        echo "wrk: $(wrk -v 2>&1 | head -1)"
    } > "$RES/machine.txt"
}

build() {
    case $BUILD in
        worktree)
            echo "source: $SRC worktree, HEAD $(git -C "$SRC" rev-parse --short HEAD), dirty files: $(git -C "$SRC" status --porcelain | wc -l)" > "$RES/source.txt"
            (cd "$SRC" && timed build cargo build --release -p jiuye-cli)
            JIUYE_BIN=${CARGO_TARGET_DIR:-$SRC/target}/release/jiuye ;;
        head)
            local commit; commit=$(git -C "$SRC" rev-parse --short HEAD)
            echo "source: clean snapshot of $SRC HEAD $commit (git archive), target dir $OUT/target" > "$RES/source.txt"
            rm -rf "$OUT/src"; mkdir -p "$OUT/src" "$OUT/target"
            git -C "$SRC" archive HEAD | tar -x -C "$OUT/src"
            (cd "$OUT/src" && export CARGO_TARGET_DIR=$OUT/target && timed build cargo build --release -p jiuye-cli)
            JIUYE_BIN=$OUT/target/release/jiuye ;;
        none)
            echo "source: prebuilt $JIUYE_BIN" > "$RES/source.txt" ;;
        *) echo "BENCH_BUILD must be worktree, head or none" >&2; exit 1 ;;
    esac
    [[ -x $JIUYE_BIN ]] || { echo "no binary at $JIUYE_BIN" >&2; exit 1; }
    echo "binary: $JIUYE_BIN ($(stat -c %s "$JIUYE_BIN") bytes)" >> "$RES/source.txt"
}

gen_data() {
    mkdir -p "$DATA"
    if [[ ! -s $CSV || ! -s $XLSX ]]; then
        timed gen_data python3 "$BENCH_DIR/gen_persons.py" --rows "$ROWS" --seed "$SEED" --csv "$CSV" --xlsx "$XLSX"
    else
        log "data files exist, not regenerated: $CSV $XLSX"
    fi
    ls -l "$CSV" "$XLSX" > "$RES/data_files.txt"
    python3 - "$XLSX" >> "$RES/data_files.txt" <<'EOF'
import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    if i.filename.startswith("xl/"):
        print(f"  {i.filename}: {i.file_size} bytes uncompressed, {i.compress_size} compressed")
EOF
}

# One import into a fresh database. $1 = sqlite|pg, $2 = csv|xlsx, $3 = repetition.
import_run() {
    local be=$1 fmt=$2 rep=$3 file url work
    file=$CSV; [[ $fmt == xlsx ]] && file=$XLSX
    if [[ $be == sqlite ]]; then
        rm -f "$DB/import-$fmt-$rep.db"*
        url=sqlite://$DB/import-$fmt-$rep.db
        (cd "$DB" && timed "import-sqlite-$fmt-$rep" "$JIUYE_BIN" --database "$url" import persons "$file" --format json)
        if [[ $fmt == csv ]]; then
            ls -l "$DB/import-$fmt-$rep.db"* > "$RES/import-sqlite-$fmt-$rep.dbsize"
            # Re-import of the same file into the same database: every row unchanged.
            (cd "$DB" && timed "reimport-sqlite-csv-$rep" "$JIUYE_BIN" --database "$url" import persons "$file" --format json)
        fi
        rm -f "$DB/import-$fmt-$rep.db"*
    else
        local name=jiuye_bench_import_${fmt}_$rep
        dropdb --if-exists "$name"; createdb "$name"
        work=$DB/pg-$fmt-$rep; rm -rf "$work"; mkdir -p "$work"   # jiuye.keys lands here
        (cd "$work" && timed "import-pg-$fmt-$rep" "$JIUYE_BIN" --database "$PG/$name" import persons "$file" --format json)
        psql -d postgres -Atc "SELECT pg_size_pretty(pg_database_size('$name'))" > "$RES/import-pg-$fmt-$rep.dbsize"
        dropdb "$name"; rm -rf "$work"
    fi
}

baseline_run() { # $1 = csv|xlsx, $2 = repetition
    local file=$CSV; [[ $1 == xlsx ]] && file=$XLSX
    timed "pandas-$1-$2" python3 "$BENCH_DIR/pandas_read.py" "$file"
}

imports() {
    local rep
    for rep in $(seq "$REPEATS"); do
        baseline_run csv "$rep"
        import_run sqlite csv "$rep"
        import_run pg csv "$rep"
        baseline_run xlsx "$rep"
        import_run sqlite xlsx "$rep"
        import_run pg xlsx "$rep"
    done
}

rss() { # $1 = label, $2 = file
    echo "$1 $(awk '/^VmRSS|^VmHWM/ {printf "%s %s kB  ", $1, $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo gone)" >> "$2"
}

# Logs in as admin with the one-time password $2 and sets the new password; prints the session id.
login() {
    local base=$1 pw=$2 jar csrf code sid
    jar=$(mktemp)
    csrf=$(curl -fsS -c "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" -H "Origin: $base" \
        --data-urlencode "csrf=$csrf" --data-urlencode login=admin --data-urlencode "password=$pw" "$base/login")
    [[ $code == 303 ]] || { log "login failed: HTTP $code"; return 1; }
    csrf=$(curl -fsS -b "$jar" -c "$jar" "$base/account/password" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" -H "Origin: $base" \
        --data-urlencode "csrf=$csrf" --data-urlencode "current=$pw" --data-urlencode "new_password=$NEW_PW" \
        --data-urlencode "confirm=$NEW_PW" "$base/account/password")
    [[ $code == 303 ]] || { log "password change failed: HTTP $code"; return 1; }
    sid=$(awk '$6 == "jiuye_sid" {print $7}' "$jar")
    rm -f "$jar"
    [[ -n $sid ]] || { log "no session cookie"; return 1; }
    echo "$sid"
}

# $1 = sqlite|pg|pgvac: demo data (timed, REPEATS times; the last database is served), then wrk.
# pgvac: PostgreSQL with a VACUUM ANALYZE of the database after the demo data (timed too).
list_bench() {
    local be=$1 rep url work pw base sid name path
    work=$DB/list-$be; rm -rf "$work"; mkdir -p "$work"
    for rep in $(seq "$REPEATS"); do
        if [[ $be == sqlite ]]; then
            rm -f "$work/list.db"*; url=sqlite://$work/list.db
        else
            dropdb --if-exists jiuye_bench_list; createdb jiuye_bench_list; rm -f "$work/jiuye.keys"
            url=$PG/jiuye_bench_list
        fi
        (cd "$work" && timed "demo-$be-$rep" "$JIUYE_BIN" --database "$url" demo --persons "$LIST_PERSONS" --no-serve)
    done
    if [[ $be == sqlite ]]; then ls -l "$work/list.db"* > "$RES/demo-sqlite.dbsize"
    else psql -d postgres -Atc "SELECT pg_size_pretty(pg_database_size('jiuye_bench_list'))" > "$RES/demo-$be.dbsize"; fi
    if [[ $be == pgvac ]]; then
        timed "vacuum-pgvac" psql -d jiuye_bench_list -c "VACUUM ANALYZE"
    fi
    pw=$(sed -n 's/.*初始密码 \([^ （]*\).*/\1/p' "$RES/demo-$be-$REPEATS.out" | head -1)
    base=http://127.0.0.1:$PORT
    (cd "$work" && exec "$JIUYE_BIN" --database "$url" serve --bind "127.0.0.1:$PORT") > "$RES/serve-$be.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break; sleep 0.2; done
    local mem=$RES/serve-$be.rss
    : > "$mem"; rss "started" "$mem"
    sid=$(login "$base" "$pw")
    local urls=(
        "list_page /persons"
        "list_page_township_p50 /persons?township=130527100&page=50"
        "api_list /api/v1/persons?per_page=50"
        "api_name /api/v1/persons?name=%E7%8E%8B"
    )
    for rep in $(seq "$REPEATS"); do
        for u in "${urls[@]}"; do
            name=${u%% *}; path=${u#* }
            # Check the URL answers 200 with this session (a redirect to /login would look fast).
            curl -sS -o "$RES/resp-$be-$name.body" -w '%{http_code} %{size_download} %{time_total}\n' \
                -H "Cookie: jiuye_sid=$sid" "$base$path" > "$RES/resp-$be-$name-$rep.status"
            rss "before $name $rep" "$mem"
            echo "wrk $WRK_ARGS --latency -H 'Cookie: jiuye_sid=<session>' '$base$path'" > "$RES/wrk-$be-$name-$rep.cmd"
            echo "loadavg before: $(cat /proc/loadavg)" >> "$RES/wrk-$be-$name-$rep.cmd"
            log "wrk $be $name $rep"
            # shellcheck disable=SC2086
            wrk $WRK_ARGS --latency -H "Cookie: jiuye_sid=$sid" "$base$path" > "$RES/wrk-$be-$name-$rep.txt" 2>&1 || true
            rss "after $name $rep" "$mem"
        done
    done
    stop_server
    if [[ $be != sqlite ]]; then dropdb jiuye_bench_list; fi
    rm -rf "$work"
}

main() {
    mkdir -p "$OUT"
    rm -rf "$RES"; mkdir -p "$RES" "$DB"
    drop_pg_dbs
    machine_info
    if has_step build; then build; else echo "source: prebuilt $JIUYE_BIN" > "$RES/source.txt"; fi
    JIUYE_BIN=$(readlink -f "$JIUYE_BIN")
    has_step data && gen_data
    has_step import && imports
    has_step list && list_bench sqlite
    has_step list_pg && list_bench pg
    has_step list_pg_vacuum && list_bench pgvac
    python3 "$BENCH_DIR/summarize.py" "$RES" > "$RES/summary.md"
    log "done: $RES/summary.md"
}

main "$@"
