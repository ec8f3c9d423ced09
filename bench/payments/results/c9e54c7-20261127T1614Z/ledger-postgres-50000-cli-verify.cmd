timeout 300 /work/bench-payments-h/bin-c9e54c7/jiuye --database postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 ledger verify --format json 
loadavg before: 1.60 1.41 1.40 2/138 30590
loadavg after: 1.60 1.41 1.40 3/139 30606
exit 0
