/work/target-bench/release/paybench approvals sqlite:///work/bench-payments/db/appr_c1.db /work/bench-payments/db/appr_c1.db.keys 2000 1 0 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-sqlite-c1.json 
loadavg before: 3.78 4.32 4.69 2/138 23218
loadavg after: 3.59 4.26 4.67 2/138 23287
exit 0
