/work/bench-payments-h/bin-c9e54c7/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 /work/bench-payments-h/keys/ledger_1000000.keys verify-parts /work/bench-payments-h/results-c9e54c7-20261127T161417Z/ledger-postgres-50000-parts.json 
loadavg before: 1.60 1.41 1.40 2/138 30563
loadavg after: 1.60 1.41 1.40 3/139 30579
exit 0
