/work/target-bench/release/paybench approvals sqlite:///work/bench-payments/db/appr_c4.db /work/bench-payments/db/appr_c4.db.keys 2000 4 0 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-sqlite-c4.json 
loadavg before: 3.59 4.26 4.67 2/138 23300
loadavg after: 3.42 4.20 4.64 3/159 23403
exit 0
