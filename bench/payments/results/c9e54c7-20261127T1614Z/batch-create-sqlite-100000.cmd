/work/bench-payments-h/bin-c9e54c7/paybench op sqlite:///work/bench-payments-h/db/batch_100000.db /work/bench-payments-h/db/batch_100000.db.keys create-batch /work/bench-payments-h/results-c9e54c7-20261127T161417Z/batch-create-sqlite-100000.json 
loadavg before: 1.10 0.58 1.33 2/140 28357
loadavg after: 1.10 0.58 1.33 2/140 28374
exit 0
