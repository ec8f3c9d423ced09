timeout 300 /work/bench-payments-h/bin-c9e54c7/jiuye --database sqlite:///work/bench-payments-h/db/batch_100000.db ledger verify --format json 
loadavg before: 1.16 0.61 1.33 2/140 28500
loadavg after: 1.23 0.63 1.33 2/140 28517
exit 0
