/work/bench-payments-h/bin-c9e54c7/paybench op sqlite:///work/bench-payments-h/db/ledger_1000000.db /work/bench-payments-h/db/ledger_1000000.db.keys verify-parts /work/bench-payments-h/results-c9e54c7-20261127T161417Z/ledger-sqlite-50000-parts.json 
loadavg before: 1.29 0.69 1.34 3/140 28984
loadavg after: 1.35 0.71 1.34 2/140 29000
exit 0
