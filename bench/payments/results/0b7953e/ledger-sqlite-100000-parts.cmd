/work/target-bench/release/paybench op sqlite:///work/bench-payments/db/batch_100000.db /work/bench-payments/db/batch_100000.db.keys verify-parts /work/bench-payments/results-0b7953e-20261127T150821Z/ledger-sqlite-100000-parts.json 
loadavg before: 5.25 4.77 4.62 6/175 7098
loadavg after: 5.39 4.81 4.63 8/174 7150
exit 0
