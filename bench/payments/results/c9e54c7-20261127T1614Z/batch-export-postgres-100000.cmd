/work/bench-payments-h/bin-c9e54c7/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6h_batch_100000 /work/bench-payments-h/keys/batch_100000.keys export /work/bench-payments-h/results-c9e54c7-20261127T161417Z/batch-export-postgres-100000.json /work/bench-payments-h/batch-postgres-100000.xlsx 
loadavg before: 1.67 1.39 1.39 1/138 29980
loadavg after: 1.67 1.39 1.39 1/138 29997
exit 0
