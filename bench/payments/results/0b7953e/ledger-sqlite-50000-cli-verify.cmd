timeout 300 /work/target-bench/release/jiuye --database sqlite:///work/bench-payments/db/ledger_1000000.db ledger verify --format json 
loadavg before: 3.27 3.76 4.24 6/174 10385
loadavg after: 4.94 4.18 4.34 6/177 12267
exit 0
