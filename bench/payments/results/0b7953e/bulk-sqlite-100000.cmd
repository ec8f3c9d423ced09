/work/target-bench/release/paybench bulk sqlite:///work/bench-payments/db/batch_100000.db /work/bench-payments/db/batch_100000.db.keys batch 100000 /work/bench-payments/results-0b7953e-20261127T150821Z/bulk-sqlite-100000.json 
loadavg before: 3.42 4.13 4.61 4/154 23601
loadavg after: 3.36 4.10 4.59 4/162 23684
exit 0
