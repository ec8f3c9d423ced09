/work/bench-payments-h/bin-c9e54c7/paybench op sqlite:///work/bench-payments-h/db/batch_100000.db /work/bench-payments-h/db/batch_100000.db.keys verify-parts /work/bench-payments-h/results-c9e54c7-20261127T161417Z/ledger-sqlite-100000-parts.json 
loadavg before: 1.16 0.61 1.33 2/143 28473
loadavg after: 1.16 0.61 1.33 2/140 28489
exit 0
