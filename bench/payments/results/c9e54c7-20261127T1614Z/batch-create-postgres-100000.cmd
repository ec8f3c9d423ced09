/work/bench-payments-h/bin-c9e54c7/paybench op postgres://postgres@127.0.0.1:5432/jiuye_bench6h_batch_100000 /work/bench-payments-h/keys/batch_100000.keys create-batch /work/bench-payments-h/results-c9e54c7-20261127T161417Z/batch-create-postgres-100000.json 
loadavg before: 1.73 1.40 1.39 2/138 29954
loadavg after: 1.67 1.39 1.39 2/139 29969
exit 0
