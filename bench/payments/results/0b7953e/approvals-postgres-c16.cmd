/work/target-bench/release/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6_appr_c16 /work/bench-payments/keys/appr_c16.keys 2000 16 0 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-postgres-c16.json 
loadavg before: 3.24 3.70 4.09 2/138 2469
loadavg after: 2.98 3.61 4.05 3/146 2513
exit 0
