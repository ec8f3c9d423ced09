/work/bench-payments-h/bin-c9e54c7/paybench bulk postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 /work/bench-payments-h/keys/ledger_1000000.keys ledger 30000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/bulk-postgres-50000.json 
loadavg before: 1.81 1.44 1.41 2/138 30528
loadavg after: 1.60 1.41 1.40 2/138 30550
exit 0
