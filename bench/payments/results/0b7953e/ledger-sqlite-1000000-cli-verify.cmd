timeout 300 /work/target-bench/release/jiuye --database sqlite:///work/bench-payments/db/ledger_1000000.db ledger verify --format json 
loadavg before: 5.17 4.63 4.49 4/306 21469
loadavg after: 3.33 3.80 4.17 7/173 31126
exit 124
