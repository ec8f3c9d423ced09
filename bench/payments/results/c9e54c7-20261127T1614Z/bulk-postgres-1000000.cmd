/work/bench-payments-h/bin-c9e54c7/paybench bulk postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 /work/bench-payments-h/keys/ledger_1000000.keys ledger 950000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/bulk-postgres-1000000.json 
loadavg before: 1.56 1.40 1.39 2/138 30768
loadavg after: 1.10 1.24 1.32 1/139 30946
exit 0
