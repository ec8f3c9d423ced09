/work/bench-payments-h/bin-c9e54c7/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6h_appr_c1 /work/bench-payments-h/keys/appr_c1.keys 2000 1 0 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-postgres-c1.json 
loadavg before: 1.69 1.26 1.35 2/138 29704
loadavg after: 1.79 1.31 1.37 7/143 29757
exit 0
