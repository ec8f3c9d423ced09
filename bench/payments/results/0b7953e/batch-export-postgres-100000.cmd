/work/target-bench/release/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6_batch_100000 /work/bench-payments/keys/batch_100000.keys export /work/bench-payments/results-0b7953e-20261127T150821Z/batch-export-postgres-100000.json /work/bench-payments/batch-postgres-100000.xlsx 
loadavg before: 3.37 3.66 4.05 3/139 2669
loadavg after: 3.42 3.67 4.05 2/139 2708
exit 0
