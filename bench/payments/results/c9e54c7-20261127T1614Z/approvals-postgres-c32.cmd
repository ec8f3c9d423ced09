/work/bench-payments-h/bin-c9e54c7/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6h_appr_c32 /work/bench-payments-h/keys/appr_c32.keys 2000 32 0 /work/bench-payments-h/results-c9e54c7-20261127T161417Z/approvals-postgres-c32.json 
loadavg before: 1.93 1.39 1.39 1/138 29850
loadavg after: 1.93 1.42 1.40 1/138 29872
exit 0
