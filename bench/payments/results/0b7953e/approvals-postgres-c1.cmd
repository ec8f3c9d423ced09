/work/target-bench/release/paybench approvals postgres://postgres@127.0.0.1:5432/jiuye_bench6_appr_c1 /work/bench-payments/keys/appr_c1.keys 2000 1 0 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-postgres-c1.json 
loadavg before: 4.05 3.89 4.16 2/280 2309
loadavg after: 3.41 3.75 4.11 3/144 2368
exit 0
