/work/target-bench/release/paybench bulk sqlite:///work/bench-payments/db/ledger_1000000.db /work/bench-payments/db/ledger_1000000.db.keys ledger 950000 /work/bench-payments/results-0b7953e-20261127T150821Z/bulk-sqlite-1000000.json 
loadavg before: 4.94 4.18 4.34 6/177 12390
loadavg after: 4.99 4.58 4.47 5/172 20672
exit 0
