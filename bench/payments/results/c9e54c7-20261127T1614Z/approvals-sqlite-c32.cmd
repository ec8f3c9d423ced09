/work/bench-payments-h/bin-c9e54c7/paybench approvals sqlite:///work/bench-payments-h/db/appr_c32.db /work/bench-payments-h/db/appr_c32.db.keys 2000 32 0 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-sqlite-c32.json 
loadavg before: 0.96 0.52 1.32 3/139 28295
loadavg after: 1.10 0.57 1.33 1/140 28317
exit 0
