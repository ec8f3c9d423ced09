/work/target-bench/release/paybench approvals sqlite:///work/bench-payments/db/appr_c16.db /work/bench-payments/db/appr_c16.db.keys 2000 16 0 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-sqlite-c16.json 
loadavg before: 3.42 4.20 4.64 3/159 23416
loadavg after: 3.40 4.16 4.62 3/158 23533
exit 0
