/work/bench-payments-h/bin-c9e54c7/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 /work/bench-payments-h/keys/ledger_1000000.keys 200 4 200000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-postgres-on1000000.json verify 
loadavg before: 1.26 1.25 1.32 3/138 31412
loadavg after: 1.20 1.24 1.31 2/139 31471
exit 0
