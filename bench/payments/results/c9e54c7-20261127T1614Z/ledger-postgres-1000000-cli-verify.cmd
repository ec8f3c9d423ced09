timeout 300 /work/bench-payments-h/bin-c9e54c7/jiuye --database postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000 ledger verify --format json 
loadavg before: 1.08 1.23 1.32 2/139 31018
loadavg after: 1.07 1.22 1.32 4/141 31035
exit 0
