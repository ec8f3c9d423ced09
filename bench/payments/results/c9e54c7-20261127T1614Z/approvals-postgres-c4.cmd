/work/bench-payments-h/bin-c9e54c7/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6h_appr_c4 /work/bench-payments-h/keys/appr_c4.keys 2000 4 0 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-postgres-c4.json 
loadavg before: 1.79 1.31 1.37 2/138 29773
loadavg after: 1.92 1.36 1.38 2/139 29795
exit 0
