/work/target-bench/release/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6_appr_c4 /work/bench-payments/keys/appr_c4.keys 2000 4 0 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-postgres-c4.json 
loadavg before: 3.41 3.75 4.11 2/143 2384
loadavg after: 3.24 3.70 4.09 1/138 2453
exit 0
