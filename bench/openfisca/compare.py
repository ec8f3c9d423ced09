#!/usr/bin/env python3
"""Checks that jiuye-rules and OpenFisca found exactly the same eligible cases and amounts.

Usage: compare.py JIUYE_OUT_DIR OPENFISCA_OUT_DIR [--data DIR]

Each directory holds `<program>.csv` (`id,amount_yuan`). Prints, per program, the eligible counts
and totals of both, the ids only one engine found and the ids with different amounts (the first
ten of each, with their input rows when --data is given); exits 1 on any difference.
"""

import argparse
import csv
import os
import sys
from decimal import Decimal

PROGRAMS = {"hire_unemployed": "persons.csv", "stable_post_refund": "enterprises.csv", "unemployment_supplement": "persons.csv"}


def read(path):
    with open(path, encoding="utf-8") as f:
        return {int(r["id"]): Decimal(r["amount_yuan"]) for r in csv.DictReader(f)}


def rows(data, table, ids):
    want, out = set(ids), {}
    if not data or not want:
        return out
    with open(os.path.join(data, table), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if int(r["id"]) in want:
                out[int(r["id"])] = r
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jiuye")
    ap.add_argument("openfisca")
    ap.add_argument("--data")
    a = ap.parse_args()
    ok = True
    for program, table in PROGRAMS.items():
        j = read(os.path.join(a.jiuye, f"{program}.csv"))
        o = read(os.path.join(a.openfisca, f"{program}.csv"))
        only_j = sorted(set(j) - set(o))
        only_o = sorted(set(o) - set(j))
        differ = sorted(i for i in set(j) & set(o) if j[i] != o[i])
        same = not (only_j or only_o or differ)
        ok &= same
        print(f"{program}: jiuye {len(j)} eligible, total {sum(j.values(), Decimal(0))} yuan; "
              f"openfisca {len(o)} eligible, total {sum(o.values(), Decimal(0))} yuan; "
              f"only jiuye {len(only_j)}, only openfisca {len(only_o)}, amounts differ {len(differ)} -> "
              f"{'IDENTICAL' if same else 'DIFFERENT'}")
        detail = rows(a.data, table, only_j[:10] + only_o[:10] + differ[:10])
        for label, ids in (("only jiuye", only_j), ("only openfisca", only_o), ("amount differs", differ)):
            for i in ids[:10]:
                print(f"  {label}: id {i} jiuye {j.get(i)} openfisca {o.get(i)} {detail.get(i, '')}")
    print("RESULT: eligible sets and amounts identical" if ok else "RESULT: DIFFERENT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
