/work/bench-payments-h/bin-c9e54c7/paybench bulk sqlite:///work/bench-payments-h/db/ledger_1000000.db /work/bench-payments-h/db/ledger_1000000.db.keys ledger 30000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/bulk-sqlite-50000.json 
loadavg before: 1.29 0.69 1.34 2/140 28954
loadavg after: 1.29 0.69 1.34 2/140 28970
exit 0
