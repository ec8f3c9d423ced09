#!/usr/bin/env python3
"""Checks that the baseline answers the same figures the snapshot stores: compares the baseline's
results (baseline-{district,township}/*.result) with cells-sample.txt (stat_cells after the refresh)
for registered unemployed at month end (township × month), key groups (township × tag) and
follow-up (registered in the month, contacted in the month; district or township × month).

usage: check.py RESULTS_DIR [TOWNSHIP_CODE, default 130527100]
"""
import pathlib
import sys

TAGS = ["graduate", "unemployed_graduate", "migrant_worker", "returning_migrant", "school_leaver", "veteran",
        "unemployed", "employment_difficult", "disabled", "poor_household", "minimum_living"]


def rows(path):
    if not path.exists():
        return []
    return [[x.strip() for x in line.split("|")] for line in path.read_text().splitlines() if "|" in line]


root = pathlib.Path(sys.argv[1])
town = sys.argv[2] if len(sys.argv) > 2 else "130527100"
for case in sorted(d for d in root.iterdir() if d.is_dir() and (d / "cells-sample.txt").exists()):
    cells = {tuple(r[:4]): int(r[4]) for r in rows(case / "cells-sample.txt") if len(r) == 5 and r[4].lstrip("-").isdigit()}
    if not cells:
        continue
    for view in ("district", "township"):
        out = []
        ue = [r for r in rows(case / f"baseline-{view}/unemployed_end.result") if len(r) == 3 and r[2].isdigit()]
        out.append(("unemployed_end", len(ue), sum(cells.get(("unemployed_end", m, t, ""), 0) != int(v) for t, m, v in ue)))
        kg = [r for r in rows(case / f"baseline-{view}/key_groups.result") if len(r) == 12 and r[1].isdigit()]
        out.append(("key_group", len(kg) * 11, sum(cells.get(("key_group", "now", r[0], tag), 0) != int(r[i + 1])
                                                  for r in kg for i, tag in enumerate(TAGS))))
        fu = [r for r in rows(case / f"baseline-{view}/followup.result") if len(r) == 2 and r[1].isdigit()]
        act, con = {}, {}
        for (metric, period, township, _), v in cells.items():
            if view == "township" and township != town:
                continue
            if metric == "unemployed_active":
                act[period] = act.get(period, 0) + v
            elif metric == "contacted":
                con[period] = con.get(period, 0) + v
        half = len(fu) // 2
        out.append(("unemployed_active", half, sum(act.get(m) != int(v) for m, v in fu[:half])))
        out.append(("contacted", len(fu) - half, sum(con.get(m) != int(v) for m, v in fu[half:])))
        print(f"{case.name} {view}: " + "; ".join(f"{name} {n} values, {bad} different" for name, n, bad in out))
