/work/bench-payments-h/bin-c9e54c7/paybench bulk postgres://postgres@127.0.0.1:5432/jiuye_bench6h_batch_100000 /work/bench-payments-h/keys/batch_100000.keys batch 100000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/bulk-postgres-100000.json 
loadavg before: 1.93 1.42 1.40 3/139 29888
loadavg after: 1.73 1.40 1.39 4/140 29943
exit 0
