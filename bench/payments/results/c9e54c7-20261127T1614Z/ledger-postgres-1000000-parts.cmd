/work/bench-payments-h/bin-c9e54c7/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 /work/bench-payments-h/keys/ledger_1000000.keys verify-parts /work/bench-payments-h/results-c9e54c7-20261127T161417Z/ledger-postgres-1000000-parts.json 
loadavg before: 1.10 1.24 1.32 1/139 30959
loadavg after: 1.08 1.23 1.32 3/140 31007
exit 0
