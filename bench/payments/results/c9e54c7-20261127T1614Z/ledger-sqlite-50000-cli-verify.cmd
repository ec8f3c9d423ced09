timeout 300 /work/bench-payments-h/bin-c9e54c7/jiuye --database sqlite:///work/bench-payments-h/db/ledger_1000000.db ledger verify --format json 
loadavg before: 1.35 0.71 1.34 2/140 29011
loadavg after: 1.35 0.71 1.34 2/140 29028
exit 0
