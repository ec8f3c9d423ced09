/work/bench-payments-h/bin-c9e54c7/paybench bulk postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 /work/bench-payments-h/keys/ledger_1000000.keys ledger 20000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/bulk-postgres-20000.json 
loadavg before: 1.88 1.45 1.41 2/138 30290
loadavg after: 1.81 1.44 1.41 2/139 30311
exit 0
