/work/target-bench/release/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6_appr_c32 /work/bench-payments/keys/appr_c32.keys 2000 32 0 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-postgres-c32.json 
loadavg before: 2.98 3.61 4.05 3/146 2529
loadavg after: 3.92 3.78 4.09 6/148 2584
exit 0
