#!/usr/bin/env python3
"""Baseline for the import benchmark: read a person file with pandas alone (no validation, no
storage) and print one JSON object {"tool", "file", "rows", "columns", "seconds"}.

    python3 bench/pandas_read.py FILE.xlsx   # pandas.read_excel(path, engine="openpyxl", dtype=str)
    python3 bench/pandas_read.py FILE.csv    # pandas.read_csv(path, dtype=str)

`seconds` covers the read call only (the interpreter and the pandas import are not counted; the
wall time of the whole process, from /usr/bin/time -v, is recorded beside it by run_issue2.sh).
"""

import json
import sys
import time

import pandas

path = sys.argv[1]
t = time.perf_counter()
if path.endswith(".xlsx"):
    import openpyxl

    df = pandas.read_excel(path, engine="openpyxl", dtype=str)
    tool = f"pandas {pandas.__version__} read_excel + openpyxl {openpyxl.__version__}"
else:
    df = pandas.read_csv(path, dtype=str)
    tool = f"pandas {pandas.__version__} read_csv"
secs = time.perf_counter() - t
print(json.dumps({"tool": tool, "file": path, "rows": len(df), "columns": len(df.columns), "seconds": secs}))
