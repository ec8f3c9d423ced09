timeout 300 /work/bench-payments-h/bin-c9e54c7/jiuye --database postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 ledger verify --format json 
loadavg before: 1.81 1.44 1.41 2/138 30350
loadavg after: 1.81 1.44 1.41 1/138 30366
exit 0
