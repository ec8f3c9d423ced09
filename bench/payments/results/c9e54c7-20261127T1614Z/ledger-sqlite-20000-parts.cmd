/work/bench-payments-h/bin-c9e54c7/paybench op sqlite:///work/bench-payments-h/db/ledger_1000000.db /work/bench-payments-h/db/ledger_1000000.db.keys verify-parts /work/bench-payments-h/results-c9e54c7-20261127T161417Z/ledger-sqlite-20000-parts.json 
loadavg before: 1.32 0.68 1.34 2/140 28747
loadavg after: 1.32 0.68 1.34 2/140 28763
exit 0
