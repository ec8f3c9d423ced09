/work/bench-payments-h/bin-c9e54c7/paybench approvals sqlite:///work/bench-payments-h/db/appr_c1.db /work/bench-payments-h/db/appr_c1.db.keys 2000 1 0 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-sqlite-c1.json 
loadavg before: 0.41 0.39 1.30 2/139 28176
loadavg after: 0.66 0.45 1.31 2/139 28196
exit 0
