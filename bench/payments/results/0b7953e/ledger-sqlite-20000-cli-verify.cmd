timeout 300 /work/target-bench/release/jiuye --database sqlite:///work/bench-payments/db/ledger_1000000.db ledger verify --format json 
loadavg before: 4.32 4.67 4.60 2/137 9313
loadavg after: 3.59 4.49 4.54 2/142 9339
exit 0
