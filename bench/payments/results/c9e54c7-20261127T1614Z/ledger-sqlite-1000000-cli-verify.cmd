timeout 300 /work/bench-payments-h/bin-c9e54c7/jiuye --database sqlite:///work/bench-payments-h/db/ledger_1000000.db ledger verify --format json 
loadavg before: 1.22 0.91 1.28 2/139 29359
loadavg after: 1.40 0.98 1.29 1/138 29409
exit 0
