/work/bench-payments-h/bin-c9e54c7/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6h_batch_100000 /work/bench-payments-h/keys/batch_100000.keys verify-parts /work/bench-payments-h/results-c9e54c7-20261127T161417Z/ledger-postgres-100000-parts.json 
loadavg before: 1.67 1.39 1.39 2/138 30034
loadavg after: 1.67 1.39 1.39 4/140 30049
exit 0
