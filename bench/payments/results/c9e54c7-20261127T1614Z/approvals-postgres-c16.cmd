/work/bench-payments-h/bin-c9e54c7/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6h_appr_c16 /work/bench-payments-h/keys/appr_c16.keys 2000 16 0 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-postgres-c16.json 
loadavg before: 1.92 1.36 1.38 2/138 29811
loadavg after: 1.93 1.39 1.39 8/146 29834
exit 0
