/work/bench-payments-h/bin-c9e54c7/paybench approvals sqlite:///work/bench-payments-h/db/batch_100000.db /work/bench-payments-h/db/batch_100000.db.keys 200 4 100000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-sqlite-on100000.json verify 
loadavg before: 1.35 0.68 1.34 2/140 28683
loadavg after: 1.32 0.68 1.34 2/140 28704
exit 0
