/work/target-bench/release/paybench approvals sqlite:///work/bench-payments/db/appr_c32.db /work/bench-payments/db/appr_c32.db.keys 2000 32 0 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-sqlite-c32.json 
loadavg before: 3.40 4.16 4.62 3/158 23546
loadavg after: 3.42 4.13 4.61 2/154 23588
exit 0
