/work/bench-payments-h/bin-c9e54c7/paybench approvals sqlite:///work/bench-payments-h/db/appr_c4.db /work/bench-payments-h/db/appr_c4.db.keys 2000 4 0 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-sqlite-c4.json 
loadavg before: 0.66 0.45 1.31 1/139 28209
loadavg after: 0.77 0.47 1.32 2/134 28239
exit 0
