/work/target-bench/release/paybench op sqlite:///work/bench-payments/db/ledger_1000000.db /work/bench-payments/db/ledger_1000000.db.keys verify-parts /work/bench-payments/results-0b7953e-20261127T150821Z/ledger-sqlite-1000000-parts.json 
loadavg before: 4.99 4.58 4.47 4/173 20687
loadavg after: 5.17 4.63 4.49 6/306 21458
exit 0
