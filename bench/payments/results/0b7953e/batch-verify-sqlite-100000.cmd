/work/target-bench/release/paybench op sqlite:///work/bench-payments/db/batch_100000.db /work/bench-payments/db/batch_100000.db.keys verify /work/bench-payments/results-0b7953e-20261127T150821Z/batch-verify-sqlite-100000.json 
loadavg before: 3.33 4.08 4.58 3/165 23761
loadavg after: 5.25 4.77 4.62 5/175 7087
exit 0
