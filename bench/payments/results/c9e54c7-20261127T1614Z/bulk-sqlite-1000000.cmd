/work/bench-payments-h/bin-c9e54c7/paybench bulk sqlite:///work/bench-payments-h/db/ledger_1000000.db /work/bench-payments-h/db/ledger_1000000.db.keys ledger 950000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/bulk-sqlite-1000000.json 
loadavg before: 1.32 0.72 1.34 2/140 29187
loadavg after: 1.04 0.85 1.27 2/139 29316
exit 0
