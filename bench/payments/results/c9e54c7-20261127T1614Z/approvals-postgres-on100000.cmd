/work/bench-payments-h/bin-c9e54c7/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6h_batch_100000 /work/bench-payments-h/keys/batch_100000.keys 200 4 100000 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-postgres-on100000.json verify 
loadavg before: 1.88 1.45 1.41 2/138 30252
loadavg after: 1.88 1.45 1.41 6/142 30273
exit 0
