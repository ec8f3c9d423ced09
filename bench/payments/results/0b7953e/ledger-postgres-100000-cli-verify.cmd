/work/target-bench/release/jiuye --database postgres://postgres@127.0.0.1:5432/jiuye_bench6_batch_100000 ledger verify --format json 
loadavg before: 3.31 3.64 4.04 4/139 2901
loadavg after: 3.20 3.61 4.02 5/141 2938
exit 0
