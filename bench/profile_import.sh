#!/usr/bin/env bash
# Where does `jiuye import persons` spend its time? perf record (sampling, no call graph) of one
# import of a smaller person file into a fresh SQLite and a fresh PostgreSQL database, from CSV and
# XLSX, then the top symbols by thread (comm) and by symbol. Run it after run_issue2.sh, never at
# the same time. Output: $OUT/profile/*.txt (and the perf.data files beside them).
#
#   JIUYE_BIN [/tmp/jiuye-bench/target/release/jiuye]  BENCH_OUT [/tmp/jiuye-bench]
#   PROFILE_ROWS [100000]  BENCH_PG [postgres://postgres@127.0.0.1:5432]
set -euo pipefail
BIN=${JIUYE_BIN:-/tmp/jiuye-bench/target/release/jiuye}
OUT=${BENCH_OUT:-/tmp/jiuye-bench}
ROWS=${PROFILE_ROWS:-100000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
pg_rest=${PG#postgres://}; PGUSER_=${pg_rest%%@*}; PGHOSTPORT=${pg_rest#*@}
export PGHOST=${PGHOSTPORT%%:*} PGPORT=${PGHOSTPORT##*:} PGUSER=${PGUSER_%%:*}
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
P=$OUT/profile
rm -rf "$P"; mkdir -p "$P" "$OUT/data"
CSV=$OUT/data/persons-$ROWS-s2020.csv
XLSX=$OUT/data/persons-$ROWS-s2020.xlsx
[[ -s $CSV && -s $XLSX ]] || python3 "$BENCH_DIR/gen_persons.py" --rows "$ROWS" --csv "$CSV" --xlsx "$XLSX"
trap 'dropdb --if-exists jiuye_bench_profile 2>/dev/null || true; rm -rf "$P/work"' EXIT

for be in sqlite pg; do
    for fmt in csv xlsx; do
        file=$CSV; [[ $fmt == xlsx ]] && file=$XLSX
        rm -rf "$P/work"; mkdir -p "$P/work"
        if [[ $be == sqlite ]]; then url=sqlite://$P/work/p.db
        else dropdb --if-exists jiuye_bench_profile; createdb jiuye_bench_profile; url=$PG/jiuye_bench_profile; fi
        name=$be-$fmt
        (cd "$P/work" && perf record -F 999 -o "$P/$name.data" "$BIN" --database "$url" import persons "$file" --format json) \
            > "$P/$name.json" 2> "$P/$name.perf.err"
        {   # (head closes the pipe early: no pipefail here)
            set +o pipefail
            echo "# $name: $(cat "$P/$name.json" | head -c 300)"
            echo "## by thread"
            perf report -i "$P/$name.data" --no-children --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8
            echo "## by thread, shared object and symbol (top 30)"
            perf report -i "$P/$name.data" --no-children --sort comm,dso,sym --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -30
            set -o pipefail
        } > "$P/$name.txt"
        echo "$P/$name.txt"
    done
done
