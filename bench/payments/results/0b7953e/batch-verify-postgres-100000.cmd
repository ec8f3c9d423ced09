/work/target-bench/release/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6_batch_100000 /work/bench-payments/keys/batch_100000.keys verify /work/bench-payments/results-0b7953e-20261127T150821Z/batch-verify-postgres-100000.json 
loadavg before: 3.42 3.67 4.05 3/139 2719
loadavg after: 3.42 3.67 4.05 6/142 2795
exit 0
