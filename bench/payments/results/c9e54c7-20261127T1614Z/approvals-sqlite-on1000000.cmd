/work/bench-payments-h/bin-c9e54c7/paybench approvals sqlite:///work/bench-payments-h/db/ledger_1000000.db /work/bench-payments-h/db/ledger_1000000.db.keys 200 4 200000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-sqlite-on1000000.json verify 
loadavg before: 1.52 1.18 1.33 1/138 29648
loadavg after: 1.69 1.26 1.35 2/138 29689
exit 0
