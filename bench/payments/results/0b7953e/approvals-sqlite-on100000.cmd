/work/target-bench/release/paybench approvals sqlite:///work/bench-payments/db/batch_100000.db /work/bench-payments/db/batch_100000.db.keys 200 4 100000 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-sqlite-on100000.json noverify 
loadavg before: 5.39 4.81 4.63 6/174 7188
loadavg after: 4.83 4.77 4.63 9/284 9193
exit 0
