/work/target-bench/release/paybench bulk sqlite:///work/bench-payments/db/ledger_1000000.db /work/bench-payments/db/ledger_1000000.db.keys ledger 20000 /work/bench-payments/results-0b7953e-20261127T150821Z/bulk-sqlite-20000.json 
loadavg before: 4.83 4.77 4.63 12/277 9211
loadavg after: 4.93 4.80 4.64 3/279 9240
exit 0
