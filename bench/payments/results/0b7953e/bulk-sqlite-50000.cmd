/work/target-bench/release/paybench bulk sqlite:///work/bench-payments/db/ledger_1000000.db /work/bench-payments/db/ledger_1000000.db.keys ledger 30000 /work/bench-payments/results-0b7953e-20261127T150821Z/bulk-sqlite-50000.json 
loadavg before: 3.59 4.49 4.54 2/142 9409
loadavg after: 3.38 4.43 4.52 1/142 9426
exit 0
