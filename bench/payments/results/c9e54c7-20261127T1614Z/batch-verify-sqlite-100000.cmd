/work/bench-payments-h/bin-c9e54c7/paybench op sqlite:///work/bench-payments-h/db/batch_100000.db /work/bench-payments-h/db/batch_100000.db.keys verify /work/bench-payments-h/results-c9e54c7-20261127T161417Z/batch-verify-sqlite-100000.json 
loadavg before: 1.09 0.59 1.33 2/140 28414
loadavg after: 1.16 0.61 1.33 1/143 28462
exit 0
