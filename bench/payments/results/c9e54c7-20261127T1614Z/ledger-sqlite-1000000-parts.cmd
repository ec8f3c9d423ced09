/work/bench-payments-h/bin-c9e54c7/paybench op sqlite:///work/bench-payments-h/db/ledger_1000000.db /work/bench-payments-h/db/ledger_1000000.db.keys verify-parts /work/bench-payments-h/results-c9e54c7-20261127T161417Z/ledger-sqlite-1000000-parts.json 
loadavg before: 1.04 0.85 1.27 2/139 29330
loadavg after: 1.22 0.91 1.28 2/139 29348
exit 0
