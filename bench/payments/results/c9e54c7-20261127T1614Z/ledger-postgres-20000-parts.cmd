/work/bench-payments-h/bin-c9e54c7/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 /work/bench-payments-h/keys/ledger_1000000.keys verify-parts /work/bench-payments-h/results-c9e54c7-20261127T161417Z/ledger-postgres-20000-parts.json 
loadavg before: 1.81 1.44 1.41 2/138 30324
loadavg after: 1.81 1.44 1.41 1/138 30339
exit 0
