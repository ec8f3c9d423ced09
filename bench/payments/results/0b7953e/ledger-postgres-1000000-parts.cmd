/work/target-bench/release/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6_ledger_1000000 /work/bench-payments/keys/ledger_1000000.keys verify-parts /work/bench-payments/results-0b7953e-20261127T150821Z/ledger-postgres-1000000-parts.json 
loadavg before: 4.42 4.18 4.13 3/152 10700
