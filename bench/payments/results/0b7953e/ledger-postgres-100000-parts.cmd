/work/target-bench/release/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6_batch_100000 /work/bench-payments/keys/batch_100000.keys verify-parts /work/bench-payments/results-0b7953e-20261127T150821Z/ledger-postgres-100000-parts.json 
loadavg before: 3.42 3.67 4.05 4/139 2806
loadavg after: 3.42 3.67 4.05 2/139 2822
exit 0
