timeout 300 /work/bench-payments-h/bin-c9e54c7/jiuye --database postgres://postgres@127.0.0.1:5432/jiuye_bench6h_batch_100000 ledger verify --format json 
loadavg before: 1.67 1.39 1.39 2/138 30060
loadavg after: 1.70 1.40 1.39 4/140 30076
exit 0
