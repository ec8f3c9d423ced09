/work/target-bench/release/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6_batch_100000 /work/bench-payments/keys/batch_100000.keys create-batch /work/bench-payments/results-0b7953e-20261127T150821Z/batch-create-postgres-100000.json 
loadavg before: 3.37 3.66 4.05 2/144 2633
loadavg after: 3.37 3.66 4.05 4/141 2658
exit 0
