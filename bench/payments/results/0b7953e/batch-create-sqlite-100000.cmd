/work/target-bench/release/paybench op sqlite:///work/bench-payments/db/batch_100000.db /work/bench-payments/db/batch_100000.db.keys create-batch /work/bench-payments/results-0b7953e-20261127T150821Z/batch-create-sqlite-100000.json 
loadavg before: 3.36 4.10 4.59 3/162 23695
loadavg after: 3.36 4.10 4.59 4/162 23713
exit 0
