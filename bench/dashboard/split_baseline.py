#!/usr/bin/env python3
"""Splits baseline_{pg,sqlite}.sql at "-- name:" lines, fills the placeholders for a range and a
township, and writes OUTDIR/<name>.sql plus OUTDIR/total.sql (every query but reports_24m).

usage: split_baseline.py SQLFILE OUTDIR FROM TO [TOWNSHIP_CODE]
"""
import datetime as dt
import pathlib
import re
import sys

src, outdir, frm, to = sys.argv[1:5]
town = sys.argv[5] if len(sys.argv) > 5 else ""
out = pathlib.Path(outdir)
out.mkdir(parents=True, exist_ok=True)


def mi(s):
    y, m = map(int, s.split("-"))
    return y * 12 + m - 1


def first(i):
    return f"{i // 12:04d}-{i % 12 + 1:02d}-01"


fi, ti = mi(frm), mi(to)
subst = {
    "{FROM}": frm, "{TO}": to, "{FROM_I}": str(fi), "{TO_I}": str(ti),
    "{FROM_D}": first(fi), "{TO_D}": first(ti), "{END_D}": first(ti + 1),
}
for key, i in (("{FROM_TS}", fi), ("{END_TS}", ti + 1)):
    d = dt.datetime.fromisoformat(first(i)) - dt.timedelta(hours=8)  # midnight CST in UTC
    subst[key] = d.strftime("%Y-%m-%dT%H:%M:%SZ")

text = open(src, encoding="utf-8").read()
parts = re.split(r"^-- name: (\w+)\s*$", text, flags=re.M)
total = []
for name, body in zip(parts[1::2], parts[2::2]):
    for k, v in subst.items():
        body = body.replace(k, v)
    body = re.sub(r"\{T:(\w+)\}", lambda m: f"AND {m.group(1)}.township_code = '{town}'" if town else "", body)
    assert "{" not in body.replace("'{", ""), f"unfilled placeholder in {name}"
    (out / f"{name}.sql").write_text(body.strip() + "\n", encoding="utf-8")
    if name != "reports_24m":
        total.append(f"-- {name}\n{body.strip()}\n")
(out / "total.sql").write_text("\n".join(total), encoding="utf-8")
print(" ".join(parts[1::2]))
