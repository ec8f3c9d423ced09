/work/bench-payments-h/bin-c9e54c7/paybench approvals sqlite:///work/bench-payments-h/db/appr_c16.db /work/bench-payments-h/db/appr_c16.db.keys 2000 16 0 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-sqlite-c16.json 
loadavg before: 0.77 0.47 1.32 2/134 28252
loadavg after: 0.96 0.52 1.32 2/139 28282
exit 0
