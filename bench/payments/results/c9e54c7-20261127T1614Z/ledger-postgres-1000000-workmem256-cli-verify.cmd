timeout 300 /work/bench-payments-h/bin-c9e54c7/jiuye --database postgres://postgres@127.0.0.1:5432/jiuye_bench6h_ledger_1000000\?options=-c%20work_mem%3D256MB ledger verify --format json 
loadavg before: 1.28 1.26 1.32 2/139 31178
loadavg after: 1.24 1.25 1.32 4/141 31228
exit 0
