/work/target-bench/release/paybench op sqlite:///work/bench-payments/db/ledger_1000000.db /work/bench-payments/db/ledger_1000000.db.keys verify-parts /work/bench-payments/results-0b7953e-20261127T150821Z/ledger-sqlite-20000-parts.json 
loadavg before: 4.93 4.80 4.64 4/279 9254
loadavg after: 4.32 4.67 4.60 3/137 9302
exit 0
