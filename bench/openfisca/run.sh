#!/usr/bin/env bash
# Issue 3's benchmark: jiuye-rules vs OpenFisca on the same generated population.
#
#   bench/openfisca/run.sh [STEP...]     steps: setup gen build compare memory explain sensitivity http summary
#                                        (default: all but http, in that order)
#
# Environment: WORK (data and results, default /tmp/jiuye-of-bench), VENV (Python venv with
# openfisca-core and pandas, default /tmp/jiuye-of-venv), RUNS (timed runs per engine, default 3),
# PERSONS (1000000), ENTERPRISES (50000), SEED (2020), AS_OF (2020-06-30), CARGO_TARGET_DIR (where
# `build` puts the examples, default $ROOT/target).
# Results land in $WORK/results; `summary` prints the markdown tables of docs/BENCHMARKS.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/openfisca"
WORK="${WORK:-/tmp/jiuye-of-bench}"
VENV="${VENV:-/tmp/jiuye-of-venv}"
RUNS="${RUNS:-3}"
PERSONS="${PERSONS:-1000000}"
ENTERPRISES="${ENTERPRISES:-50000}"
SEED="${SEED:-2020}"
AS_OF="${AS_OF:-2020-06-30}"
DATA="$WORK/data"
RES="$WORK/results"
PY="$VENV/bin/python"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
JIUYE_EX="$TARGET/release/examples/openfisca_compare"
EXPLAIN_EX="$TARGET/release/examples/explain_latency"
# numpy/pandas on one thread (they are single-threaded for these operations anyway).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1

load() { echo "$(date -u +%FT%TZ) $1 $(uptime)" >>"$RES/load.log"; }

setup() {
  [ -x "$PY" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q openfisca-core pandas
  "$VENV/bin/pip" list 2>/dev/null | grep -Ei '^(openfisca-core|numpy|pandas) ' | tee "$WORK/versions.txt"
}

gen() {
  mkdir -p "$WORK"
  "$PY" "$HERE/gen_population.py" --persons "$PERSONS" --enterprises "$ENTERPRISES" --seed "$SEED" --out "$DATA"
  # Memory baseline (no rows) and persons only (memory per person).
  "$PY" "$HERE/gen_population.py" --persons 0 --enterprises 0 --out "$WORK/empty"
  mkdir -p "$WORK/persons-only"
  ln -sf "$DATA/persons.csv" "$WORK/persons-only/persons.csv"
  cp "$WORK/empty/enterprises.csv" "$WORK/persons-only/enterprises.csv"
  (cd "$DATA" && sha256sum persons.csv enterprises.csv && wc -l persons.csv enterprises.csv) | tee "$WORK/data.sha256"
}

build() {
  (cd "$ROOT" && cargo build --release -p jiuye-rules --example openfisca_compare && cargo build --release -p jiuye-rules --example explain_latency)
}

compare() {
  mkdir -p "$RES"
  for i in $(seq 1 "$RUNS"); do
    load "jiuye-$i"
    /usr/bin/time -v -o "$RES/jiuye-$i.time" "$JIUYE_EX" --data "$DATA" --out "$RES/out-jiuye" --as-of "$AS_OF" >"$RES/jiuye-$i.json"
    load "openfisca-$i"
    /usr/bin/time -v -o "$RES/openfisca-$i.time" "$PY" "$HERE/run_openfisca.py" --data "$DATA" --out "$RES/out-openfisca" --as-of "$AS_OF" >"$RES/openfisca-$i.json"
  done
  load "compare"
  python3 "$HERE/compare.py" "$RES/out-jiuye" "$RES/out-openfisca" --data "$DATA" | tee "$RES/compare.txt"
}

memory() {
  mkdir -p "$RES"
  for i in 1 2; do
    load "memory-empty-$i"
    /usr/bin/time -v -o "$RES/mem-empty-$i.time" "$JIUYE_EX" --data "$WORK/empty" --out "$RES/out-mem" --as-of "$AS_OF" >"$RES/mem-empty-$i.json"
    load "memory-persons-$i"
    /usr/bin/time -v -o "$RES/mem-persons-$i.time" "$JIUYE_EX" --data "$WORK/persons-only" --out "$RES/out-mem" --as-of "$AS_OF" >"$RES/mem-persons-$i.json"
  done
}

explain() {
  mkdir -p "$RES"
  for i in 1 2; do
    load "explain-$i"
    "$EXPLAIN_EX" 100000 >"$RES/explain-$i.json"
  done
}

sensitivity() {
  # Does the equality check see a one-character change at each boundary? And what do float32 money
  # and float rates (OpenFisca's `value_type = float`) change?
  mkdir -p "$RES"
  load "sensitivity"
  bash "$HERE/sensitivity.sh" "$DATA" "$RES/out-jiuye" "$PY" | tee "$RES/sensitivity.txt"
}

http() {
  # p50/p99 of POST /api/v1/policy/hire_unemployed/evaluate on loopback (wrk on the same machine):
  # 1 connection (latency alone) and 16 connections (under load).
  mkdir -p "$RES"
  local bin="$ROOT/target/release/jiuye" db=/tmp/of.db port=18095
  if [ ! -x "$bin" ] || [ "$ROOT/Cargo.lock" -nt "$bin" ] ||
    [ -n "$(find "$ROOT/crates" -type f -newer "$bin" -not -path '*/examples/*' -not -path '*/tests/*' | head -1)" ]; then
    (cd "$ROOT" && cargo build --release -p jiuye-cli)
  fi
  rm -f "$db" "$db.keys"
  "$bin" --database "sqlite://$db" serve --bind "127.0.0.1:$port" >"$RES/serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS -X POST -H 'Content-Type: application/json' --data @"$HERE/http_facts.json" \
    "http://127.0.0.1:$port/api/v1/policy/hire_unemployed/evaluate?as_of=$AS_OF" >"$RES/http-sample.json"
  for c in 1 16; do
    for i in 1 2; do
      load "wrk-c$c-$i"
      HTTP_FACTS="$HERE/http_facts.json" wrk -t"$(( c < 2 ? c : 2 ))" -c"$c" -d15s --latency -s "$HERE/wrk_evaluate.lua" \
        "http://127.0.0.1:$port/api/v1/policy/hire_unemployed/evaluate?as_of=$AS_OF" >"$RES/wrk-c$c-$i.txt"
    done
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

summary() {
  python3 "$HERE/summarize.py" "$WORK"
}

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(setup gen build compare memory explain sensitivity summary)
mkdir -p "$RES"
for s in "${steps[@]}"; do
  echo "== $s" >&2
  "$s"
done
