timeout 300 /work/bench-payments-h/bin-c9e54c7/jiuye --database sqlite:///work/bench-payments-h/db/ledger_1000000.db ledger verify --format json 
loadavg before: 1.32 0.68 1.34 2/140 28774
loadavg after: 1.32 0.68 1.34 2/140 28792
exit 0
