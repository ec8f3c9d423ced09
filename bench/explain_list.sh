#!/usr/bin/env bash
# Why is the registry list what it is at N persons? Fills a fresh PostgreSQL database and a fresh
# SQLite file with `jiuye demo --persons N --no-serve`, then times the two statements every list
# request runs — the COUNT(*) of the filter and the page (inner query of
# jiuye_store::persons::list_persons: persons alone, ORDER BY name, id LIMIT 50 OFFSET …) — for the
# unfiltered list and township 130527100 page 50, on PostgreSQL with EXPLAIN ANALYZE before and
# after VACUUM ANALYZE, on SQLite with the sqlite3 shell's timer. Cleans up after itself.
#
#   JIUYE_BIN [/tmp/jiuye-bench/target/release/jiuye]  BENCH_OUT [/tmp/jiuye-bench]
#   EXPLAIN_PERSONS [350000]  BENCH_PG [postgres://postgres@127.0.0.1:5432]
set -euo pipefail
BIN=${JIUYE_BIN:-/tmp/jiuye-bench/target/release/jiuye}
OUT=${BENCH_OUT:-/tmp/jiuye-bench}
N=${EXPLAIN_PERSONS:-350000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
pg_rest=${PG#postgres://}; PGUSER_=${pg_rest%%@*}; PGHOSTPORT=${pg_rest#*@}
export PGHOST=${PGHOSTPORT%%:*} PGPORT=${PGHOSTPORT##*:} PGUSER=${PGUSER_%%:*}
W=$OUT/explain
rm -rf "$W"; mkdir -p "$W"; cd "$W"
trap 'dropdb --if-exists jiuye_bench_explain 2>/dev/null || true; rm -f "$W"/e.db* "$W"/jiuye.keys' EXIT
dropdb --if-exists jiuye_bench_explain; createdb jiuye_bench_explain
"$BIN" --database "$PG/jiuye_bench_explain" demo --persons "$N" --no-serve 2>/dev/null | sed -n 1p
"$BIN" --database "sqlite://$W/e.db" demo --persons "$N" --no-serve 2>/dev/null | sed -n 1p

Q_COUNT_ALL="SELECT COUNT(*) FROM persons p"
Q_COUNT_T="SELECT COUNT(*) FROM persons p WHERE p.township_code = '130527100'"
Q_PAGE_ALL="SELECT * FROM persons p ORDER BY p.name, p.id LIMIT 50 OFFSET 0"
Q_PAGE_T="SELECT * FROM persons p WHERE p.township_code = '130527100' ORDER BY p.name, p.id LIMIT 50 OFFSET 2450"
explain_pg() {
    local q
    for q in "$Q_COUNT_ALL" "$Q_COUNT_T" "$Q_PAGE_ALL" "$Q_PAGE_T"; do
        echo "-- $q"
        psql -d jiuye_bench_explain -Atc "EXPLAIN (ANALYZE, COSTS OFF) $q" | grep -E 'Scan|Sort|Gather|Workers Launched|Execution Time'
    done
}
echo "## PostgreSQL, right after the demo data (autovacuum has not run)"
psql -d jiuye_bench_explain -Atc "SELECT 'last_autovacuum=' || coalesce(last_autovacuum::text, 'never') || ' last_autoanalyze=' || coalesce(last_autoanalyze::text, 'never') FROM pg_stat_user_tables WHERE relname = 'persons'"
explain_pg
echo "## PostgreSQL after VACUUM ANALYZE"
psql -d jiuye_bench_explain -qc "VACUUM ANALYZE"
explain_pg
echo "## SQLite (sqlite3 shell, .timer on; each statement run twice)"
for q in "$Q_COUNT_ALL" "$Q_COUNT_T" "$Q_PAGE_ALL" "$Q_PAGE_T"; do
    echo "-- $q"
    printf '.timer on\n.output /dev/null\n%s;\n%s;\n' "$q" "$q" | sqlite3 "$W/e.db" 2>&1 | grep 'Run Time' || true
    sqlite3 "$W/e.db" "EXPLAIN QUERY PLAN $q" | sed 's/^/   plan: /'
done
