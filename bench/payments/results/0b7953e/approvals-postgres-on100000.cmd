/work/target-bench/release/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6_batch_100000 /work/bench-payments/keys/batch_100000.keys 200 4 100000 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-postgres-on100000.json verify 
loadavg before: 3.20 3.61 4.02 3/139 3057
loadavg after: 3.15 3.57 4.00 7/149 3092
exit 0
