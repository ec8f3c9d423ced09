/work/bench-payments-h/bin-c9e54c7/paybench bulk sqlite:///work/bench-payments-h/db/batch_100000.db /work/bench-payments-h/db/batch_100000.db.keys batch 100000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/bulk-sqlite-100000.json 
loadavg before: 1.10 0.57 1.33 2/140 28330
loadavg after: 1.10 0.58 1.33 1/140 28346
exit 0
