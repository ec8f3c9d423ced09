#!/usr/bin/env bash
# On PostgreSQL, who does the work of an import: the jiuye process or the server? Imports FILE
# (default the 100,000-row CSV) into a fresh database and samples the CPU time (utime+stime from
# /proc/PID/stat, in 1/100 s ticks) of the PostgreSQL backend(s) serving it until the import ends;
# prints it beside the jiuye process's own CPU time. The last sample is taken up to 0.2 s before
# the backend exits, so the backend figure is a lower bound.
#
#   pg_backend_cpu.sh [FILE]   (JIUYE_BIN, BENCH_OUT, BENCH_PG as in run_issue2.sh)
set -u
BIN=${JIUYE_BIN:-/tmp/jiuye-bench/target/release/jiuye}
OUT=${BENCH_OUT:-/tmp/jiuye-bench}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
pg_rest=${PG#postgres://}; PGUSER_=${pg_rest%%@*}; PGHOSTPORT=${pg_rest#*@}
export PGHOST=${PGHOSTPORT%%:*} PGPORT=${PGHOSTPORT##*:} PGUSER=${PGUSER_%%:*}
FILE=$(readlink -f "${1:-$OUT/data/persons-100000-s2020.csv}")
D=$OUT/pgcpu; rm -rf "$D"; mkdir -p "$D"; cd "$D"
dropdb --if-exists jiuye_bench_pgcpu; createdb jiuye_bench_pgcpu
echo "loadavg before: $(cat /proc/loadavg)"
/usr/bin/time -f "jiuye: %e s wall, %U s user, %S s sys" "$BIN" --database "$PG/jiuye_bench_pgcpu" import persons "$FILE" --format json > out.json 2> time.txt &
PID=$!
declare -A last
while kill -0 $PID 2>/dev/null; do
    for p in $(psql -d postgres -Atc "SELECT pid FROM pg_stat_activity WHERE datname = 'jiuye_bench_pgcpu'" 2>/dev/null); do
        [[ -r /proc/$p/stat ]] && last[$p]=$(awk '{print $14 + $15}' "/proc/$p/stat")
    done
    sleep 0.2
done
wait $PID
tail -1 time.txt
for p in "${!last[@]}"; do echo "postgres backend $p: at least $(awk -v t="${last[$p]}" 'BEGIN {printf "%.2f", t / 100}') s CPU"; done
echo "import: $(head -c 220 out.json)"
dropdb jiuye_bench_pgcpu; cd /; rm -rf "$D"
