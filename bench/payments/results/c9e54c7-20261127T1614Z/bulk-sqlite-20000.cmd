/work/bench-payments-h/bin-c9e54c7/paybench bulk sqlite:///work/bench-payments-h/db/ledger_1000000.db /work/bench-payments-h/db/ledger_1000000.db.keys ledger 20000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/bulk-sqlite-20000.json 
loadavg before: 1.32 0.68 1.34 2/140 28718
loadavg after: 1.32 0.68 1.34 2/140 28733
exit 0
