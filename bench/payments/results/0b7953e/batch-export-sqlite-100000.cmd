/work/target-bench/release/paybench op sqlite:///work/bench-payments/db/batch_100000.db /work/bench-payments/db/batch_100000.db.keys export /work/bench-payments/results-0b7953e-20261127T150821Z/batch-export-sqlite-100000.json /work/bench-payments/batch-sqlite-100000.xlsx 
loadavg before: 3.36 4.10 4.59 4/162 23724
loadavg after: 3.33 4.08 4.58 3/165 23750
exit 0
