#!/usr/bin/env python3
"""Tables for docs/BENCHMARKS.md from a bench/dashboard/run.sh result directory.

usage: summarize.py RESULTS_DIR   (RESULTS_DIR holds machine.txt and one <backend>-<persons>/ per case)
"""
import json
import math
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
cases = sorted((d for d in root.iterdir() if d.is_dir() and re.match(r"(sqlite|postgres)-\d+$", d.name)),
               key=lambda d: (int(d.name.split("-")[1]), d.name))


def load1(path):
    """'a–b': the 1-minute load average before and after, from a *.load or *.cmd file."""
    try:
        vals = re.findall(r"loadavg (?:before|after): (\S+)", path.read_text())
    except FileNotFoundError:
        return "?"
    return "–".join(vals) if vals else "?"


def pct(sorted_vals, p):
    return sorted_vals[max(0, math.ceil(p / 100 * len(sorted_vals)) - 1)]


def ms(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}" if x >= 10 else f"{x:,.2f}"


def hf(res, name):
    f = res / f"{name}.hf.json"
    if not f.exists():
        return None
    try:
        r = json.loads(f.read_text())["results"][0]
    except (ValueError, KeyError, IndexError):  # interrupted: no result
        return None
    t = sorted(x * 1000 for x in r["times"])
    return {"n": len(t), "mean": r["mean"] * 1000, "sd": (r["stddev"] or 0) * 1000, "p50": pct(t, 50), "p99": pct(t, 99),
            "min": t[0], "max": t[-1], "load": load1(res / f"{name}.hf.load")}


def gnu_time(res, name):
    f = res / f"{name}.time"
    if not f.exists():
        return None, None
    s = f.read_text()
    m = re.search(r"Elapsed \(wall clock\) time .*: (\S+)", s)
    if not m:  # still running, or killed
        return None, None
    wall = m.group(1)
    secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", s).group(1))
    return secs, rss


def wrk(path):
    if not path.exists():
        return None
    s = path.read_text()
    unit = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}
    lat = {p: float(v) * unit[u] for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", s, re.M)}
    n = re.search(r"(\d+) requests in ([\d.]+)(\w+)", s)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", s)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", s)
    errs = re.search(r"Socket errors: (.*)", s)
    return {"lat": lat, "n": int(n.group(1)) if n else 0, "rps": float(rps.group(1)) if rps else 0,
            "bad": (non2xx.group(1) if non2xx else "0") + (f"; socket errors {errs.group(1)}" if errs else "")}


def seq(path):
    if not path.exists():
        return None
    rows = [l.split() for l in path.read_text().splitlines() if l.strip()]
    codes = sorted({r[0] for r in rows})
    t = sorted(float(r[1]) * 1000 for r in rows)
    return {"n": len(t), "codes": ",".join(codes), "p50": pct(t, 50), "p99": pct(t, 99), "min": t[0], "max": t[-1]}


print(f"Results: `{root}`\n")
print("```\n" + (root / "machine.txt").read_text().strip() + "\n```\n")

print("### Data (generated in SQL; not an issue-7 figure)\n")
print("| backend | persons | enterprises | generation wall | database size | rows | load |")
print("|---|---:|---:|---:|---:|---|---|")
for c in cases:
    backend, n = c.name.split("-")
    secs, _ = gnu_time(c, "generate")
    out = (c / "generate.out").read_text() if (c / "generate.out").exists() else ""
    counts = dict(re.findall(r"^\s*([a-z_ ]+?)\s*\|\s*(\d+)\s*$", out, re.M))
    ent = counts.get("enterprises", "?")
    size = (c / "dbsize.txt").read_text().split() if (c / "dbsize.txt").exists() else []
    size_b = int(size[4]) if backend == "sqlite" and len(size) > 4 else int(size[-1].split("|")[-1]) if size else 0
    rows = ", ".join(f"{k} {int(v):,}" for k, v in counts.items() if k not in ("persons", "enterprises"))
    print(f"| {backend} | {int(n):,} | {int(ent):,} | {secs:,.0f} s | {size_b / 2**30:.2f} GiB | {rows} | {load1(c / 'generate.cmd')} |"
          if secs is not None and ent != "?" else f"| {backend} | {int(n):,} | ? | not finished | | | {load1(c / 'generate.cmd')} |")

print("\n### Refresh: `jiuye stats refresh --format json`\n")
print("| backend | persons | hyperfine mean ± σ | min–max | runs | cells | millis (own) | peak RSS | load |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
for c in cases:
    backend, n = c.name.split("-")
    h = hf(c, "refresh")
    _, rss = gnu_time(c, "refresh_rss")
    try:
        last = json.loads((c / "refresh_last.json").read_text())
    except Exception:
        last = {}
    if h:
        print(f"| {backend} | {int(n):,} | **{h['mean'] / 1000:,.2f} ± {h['sd'] / 1000:.2f} s** | {h['min'] / 1000:,.2f}–{h['max'] / 1000:,.2f} s | {h['n']} "
              f"| {last.get('cells', '?')} | {last.get('millis', '?')} | {rss / 1024 if rss else 0:,.0f} MiB | {h['load']} |")

print("\nThe refresh's grouped reads, each run once on its own (GNU time wall, client process included):\n")
qnames = ["registration_spells", "contacts", "contact_months", "person_tags", "open_posts", "posts_published", "seekers", "reports", "alerts",
          "committed", "paid"]
print("| backend | persons | " + " | ".join(qnames) + " | sum |")
print("|---|---:|" + "---:|" * (len(qnames) + 1))
for c in cases:
    backend, n = c.name.split("-")
    vals = [gnu_time(c, f"refresh-q-{q}")[0] for q in qnames]
    if all(v is None for v in vals):
        continue
    # The sum is that of the reads the refresh makes: contact_months where it was timed, else contacts.
    now = [v for q, v in zip(qnames, vals) if v and not (q == "contacts" and vals[2] is not None)]
    print(f"| {backend} | {int(n):,} | " + " | ".join(f"{v * 1000:,.0f} ms" if v is not None else "–" for v in vals)
          + f" | {sum(now) * 1000:,.0f} ms |")

print("\n### Dashboard page: `GET /dashboard` (bureau staff, 12 months)\n")
print("| backend | persons | view | HTML | curl ×N: p50 / p99 (max) | wrk -t1 -c1: requests, p50 / p90 / p99 | req/s | non-2xx | load (curl; wrk) |")
print("|---|---:|---|---:|---|---|---:|---|---|")
for c in cases:
    backend, n = c.name.split("-")
    for view in ("district", "township"):
        s, w = seq(c / f"page-{view}.seq.txt"), wrk(c / f"page-{view}.wrk.txt")
        if not s:
            continue
        html = (c / f"page-{view}.html").stat().st_size if (c / f"page-{view}.html").exists() else 0
        wl = w["lat"] if w else {}
        wcol = f"{w['n']:,}; **{ms(wl.get('50', 0))} / {ms(wl.get('90', 0))} / {ms(wl.get('99', 0))} ms**" if w else "–"
        print(f"| {backend} | {int(n):,} | {view} | {html / 1024:,.0f} KiB | {s['n']} (HTTP {s['codes']}): {ms(s['p50'])} / {ms(s['p99'])} ms ({ms(s['max'])}) "
              f"| {wcol} | {w['rps'] if w else 0:,.1f} | {w['bad'] if w else '–'} | {load1(c / f'page-{view}.seq.load')}; {load1(c / f'page-{view}.wrk.load')} |")

print("\n### Baseline: plain GROUP BY over the raw tables (hyperfine, sqlite3 / psql process included)\n")
names = ["total", "noop", "unemployed_end", "followup", "flows", "key_groups", "supply", "monitoring", "alerts", "subsidies", "reports_24m"]
for view in ("district", "township"):
    print(f"\n#### {view}\n")
    print("| query | " + " | ".join(f"{c.name.split('-')[0]} {int(c.name.split('-')[1]):,}" for c in cases) + " |")
    print("|---|" + "---:|" * len(cases))
    for name in names:
        cells = []
        for c in cases:
            h = hf(c, f"baseline-{view}-{name}")
            cells.append(f"{ms(h['p50'])} / {ms(h['p99'])} ms (n={h['n']})" if h else "–")
        label = {"total": "**total (the page)**", "noop": "client alone (`SELECT 1`)"}.get(name, name)
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("| load (total) | " + " | ".join((hf(c, f'baseline-{view}-total') or {}).get("load", "–") for c in cases) + " |")

print("\n### Page against baseline (p50)\n")
print("| backend | persons | view | page p50 (wrk) | baseline total p50 | ratio |")
print("|---|---:|---|---:|---:|---:|")
for c in cases:
    backend, n = c.name.split("-")
    for view in ("district", "township"):
        w, h = wrk(c / f"page-{view}.wrk.txt"), hf(c, f"baseline-{view}-total")
        if w and h and w["lat"].get("50"):
            print(f"| {backend} | {int(n):,} | {view} | {ms(w['lat']['50'])} ms | {ms(h['p50'])} ms | {h['p50'] / w['lat']['50']:,.0f}× |")
