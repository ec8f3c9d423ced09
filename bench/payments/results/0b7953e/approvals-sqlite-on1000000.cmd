/work/target-bench/release/paybench approvals sqlite:///work/bench-payments/db/ledger_1000000.db /work/bench-payments/db/ledger_1000000.db.keys 40 4 200000 /work/bench-payments/results-0b7953e-20261127T150821Z/approvals-sqlite-on1000000.json noverify 
loadavg before: 3.27 3.78 4.15 4/152 31623
loadavg after: 3.88 3.86 4.15 7/253 2226
exit 0
