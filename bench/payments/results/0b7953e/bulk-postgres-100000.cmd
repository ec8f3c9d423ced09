/work/target-bench/release/paybench bulk postgres://postgres@127.0.0.1:5432/jiuye_bench6_batch_100000 /work/bench-payments/keys/batch_100000.keys batch 100000 /work/bench-payments/results-0b7953e-20261127T150821Z/bulk-postgres-100000.json 
loadavg before: 3.77 3.75 4.08 3/145 2600
loadavg after: 3.37 3.66 4.05 4/146 2622
exit 0
