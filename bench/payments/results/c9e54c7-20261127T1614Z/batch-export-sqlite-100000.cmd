/work/bench-payments-h/bin-c9e54c7/paybench op sqlite:///work/bench-payments-h/db/batch_100000.db /work/bench-payments-h/db/batch_100000.db.keys export /work/bench-payments-h/results-c9e54c7-20261127T161417Z/batch-export-sqlite-100000.json /work/bench-payments-h/batch-sqlite-100000.xlsx 
loadavg before: 1.10 0.58 1.33 2/140 28385
loadavg after: 1.09 0.59 1.33 1/140 28403
exit 0
