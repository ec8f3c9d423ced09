/work/target-bench/release/paybench op sqlite:///work/bench-payments/db/ledger_1000000.db /work/bench-payments/db/ledger_1000000.db.keys verify-parts /work/bench-payments/results-0b7953e-20261127T150821Z/ledger-sqlite-50000-parts.json 
loadavg before: 3.38 4.43 4.52 2/142 9440
loadavg after: 3.27 3.76 4.24 6/173 10373
exit 0
