#!/usr/bin/env bash
# Issue 2: the floor under any import of the 1,000,000-person CSV on this machine, beside the
# pandas baseline, in one run. Measures, on the same file:
#   1. pandas.read_csv(dtype=str)  (the issue's baseline, reading only: bench/pandas_read.py)
#   2. the sqlite3 shell's `.import` into a table with no index and no constraint, in one
#      transaction, journal off — no validation, no encryption, no dedupe, no index: SQLite's floor
#   3. PostgreSQL `COPY … FROM` into an UNLOGGED table with no index: PostgreSQL's floor
# and prints the issue's goal (pandas ÷ 5) beside them. Usage:
#   bench/import_floor.sh [CSV]     (default /tmp/jiuye-bench/persons-1000000-s2020.csv, generated if missing)
# Environment: PG (default postgres://postgres@127.0.0.1:5432), PY (python with pandas, default
# /tmp/jiuye-of-venv/bin/python, see bench/openfisca/run.sh setup).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSV=${1:-/tmp/jiuye-bench/persons-1000000-s2020.csv}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PY=${PY:-/tmp/jiuye-of-venv/bin/python}
WORK=$(mktemp -d /tmp/jiuye-floor.XXXX)
trap 'rm -rf "$WORK"; psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS jiuye_floor" >/dev/null 2>&1 || true' EXIT
if [ ! -f "$CSV" ]; then
  mkdir -p "$(dirname "$CSV")"
  python3 "$ROOT/bench/gen_persons.py" --rows 1000000 --seed 2020 --csv "$CSV"
fi
echo "file $CSV: $(wc -c <"$CSV") bytes, $(($(wc -l <"$CSV") - 1)) rows; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
cols='name, id_number, phone, township, village, household, tags, education, graduated'
secs() { python3 -c "import sys; print(f'{float(sys.argv[1]):.3f}')" "$1"; }
for run in 1 2; do
  pandas=$("$PY" "$ROOT/bench/pandas_read.py" "$CSV" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
  db="$WORK/floor-$run.db"
  sqlite3 "$db" "PRAGMA journal_mode=OFF; CREATE TABLE p($cols);" >/dev/null
  t0=$(date +%s.%N)
  sqlite3 "$db" >/dev/null <<EOF
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
.mode csv
.import --skip 1 $CSV p
EOF
  t1=$(date +%s.%N)
  n=$(sqlite3 "$db" 'SELECT count(*) FROM p')
  psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS jiuye_floor" >/dev/null
  psql "$PG/postgres" -qAtc "CREATE DATABASE jiuye_floor" >/dev/null
  psql "$PG/jiuye_floor" -qAtc "CREATE UNLOGGED TABLE p(name text, id_number text, phone text, township text, village text, household text, tags text, education text, graduated text)"
  t2=$(date +%s.%N)
  psql "$PG/jiuye_floor" -qAtc "\\copy p FROM '$CSV' WITH (FORMAT csv, HEADER true)"
  t3=$(date +%s.%N)
  m=$(psql "$PG/jiuye_floor" -qAtc 'SELECT count(*) FROM p')
  echo "run $run: pandas read_csv $(secs "$pandas") s | goal (pandas / 5) $(secs "$(python3 -c "print($pandas/5)")") s | sqlite3 .import, no index $(secs "$(python3 -c "print($t1-$t0)")") s ($n rows) | PostgreSQL COPY, unlogged, no index $(secs "$(python3 -c "print($t3-$t2)")") s ($m rows) | load $(cut -d' ' -f1-3 /proc/loadavg)"
done
