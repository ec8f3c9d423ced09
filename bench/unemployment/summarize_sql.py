#!/usr/bin/env python3
"""Prints the numbers of a bench/unemployment/run_sql.sh output directory (arg: the directory holding
machine.txt and results-N/) as markdown-ish lines, one block per size."""
import json, pathlib, re, statistics, sys


def load(d, f):
    p = d / f
    m = re.findall(r"loadavg (?:before|after): (\S+)", p.read_text()) if p.exists() else []
    return "–".join(m) if m else "?"


def gtime(d, name):
    p = d / f"{name}.time"
    if not p.exists():
        return "?", "?"
    t = p.read_text()
    w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t)
    r = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    return (w.group(1) if w else "?"), (int(r.group(1)) // 1024 if r else "?")


def seconds(d, f):
    try:
        return json.loads((d / f).read_text())["seconds"]
    except Exception:
        return None


root = pathlib.Path(sys.argv[1])
print((root / "machine.txt").read_text())
for d in sorted(root.glob("results-*"), key=lambda p: int(p.name.split("-")[1])):
    print(f"## {d.name}")
    if (d / "counts.txt").exists():
        print((d / "counts.txt").read_text().strip().replace("\n", "; "))
    for name in ["migrate", "generate", "import_first", "gen_post", "import_settle"]:
        wall, rss = gtime(d, name)
        s = seconds(d, f"{name}.out") if name.startswith("import") else None
        print(f"{name}: wall {wall}, peak RSS {rss} MiB" + (f", import says {s:.3f} s" if s is not None else "") + f", load {load(d, name + '.cmd')}")
    sizes = {}
    if (d / "sizes.txt").exists():
        sizes = {l.split()[0]: l.split()[1:] for l in (d / "sizes.txt").read_text().splitlines() if l.strip()}
    print("| command | mean ± σ | min–max | runs | peak RSS | output | load |")
    for n in ["due", "due_township", "zero"]:
        try:
            r = json.load(open(d / f"{n}.hf.json"))["results"][0]
        except Exception:
            print(f"| {n} | ? |")
            continue
        _, rss = gtime(d, f"{n}_rss")
        s = sizes.get(f"{n}_rss.out", ["items", "?", "bytes", "0"])
        print(f"| {n} | {r['mean']*1000:.0f} ± {r['stddev']*1000:.0f} ms | {min(r['times'])*1000:.0f}–{max(r['times'])*1000:.0f} ms "
              f"| {len(r['times'])} | {rss} MiB | {s[1]} items, {int(s[3])/1e6:.1f} MB | {load(d, n + '.hf.load')} |")
    ch = [x for x in (seconds(d, f"import_{a}_changed_{i}.out") for a in "ab" for i in (1, 2, 3)) if x is not None]
    un = [x for x in (seconds(d, f"import_{a}_unchanged_{i}.out") for a in "ab" for i in (1, 2, 3)) if x is not None]
    if ch and un:
        loads = [load(d, f"import_{a}_changed_{i}.cmd") for a in "ab" for i in (1, 2, 3)]
        print(f"refresh imports: changed median {statistics.median(ch)*1000:.0f} ms (min {min(ch)*1000:.0f}, max {max(ch)*1000:.0f}, n {len(ch)}); "
              f"unchanged median {statistics.median(un)*1000:.1f} ms (n {len(un)}); refresh ≈ {(statistics.median(ch)-statistics.median(un))*1000:.0f} ms; "
              f"loads {loads[0]} … {loads[-1]}")
        rss = [gtime(d, f"import_{a}_changed_{i}")[1] for a in "ab" for i in (1, 2, 3)]
        print(f"  import (with refresh) peak RSS: {min(rss)}–{max(rss)} MiB")
    p = d / "pg-refresh.log"
    if p.exists():
        txt = p.read_text(errors="replace")
        durs = {"derive": [], "open": [], "count": []}
        for m in re.finditer(r"duration: ([\d.]+) ms\s+(?:execute|statement)[^:]*: (.*)", txt):
            ms, sql = float(m.group(1)), m.group(2)
            if sql.startswith("SELECT h.id, h.township_code FROM households h"):
                durs["derive"].append(ms)
            elif "SELECT household_id FROM zero_employment WHERE cleared_on IS NULL" in sql and "AND household_id" not in sql:
                durs["open"].append(ms)
        for k, v in durs.items():
            if v:
                print(f"  pg log, {k} statement (execute): n {len(v)}, median {statistics.median(v):.0f} ms, min {min(v):.0f}, max {max(v):.0f}")
    if (d / "seq.summary").exists():
        print("seq GET /followup:", (d / "seq.summary").read_text().strip(), "load", load(d, "seq.load"),
              "bytes", (d / "followup.html").stat().st_size if (d / "followup.html").exists() else "?")
    if (d / "wrk.txt").exists():
        w = (d / "wrk.txt").read_text()
        g = lambda k: (re.search(r"^\s*" + k + r"\s+(\S+)", w, re.M) or [None, "?"])[1]
        nreq = (re.search(r"(\d+) requests in", w) or [0, "?"])[1]
        tmo = (re.search(r"timeout (\d+)", w) or [0, "0"])[1]
        non2 = (re.search(r"Non-2xx or 3xx responses: (\d+)", w) or [0, "0"])[1]
        print(f"wrk: {g('Requests/sec:')} req/s, p50 {g('50%')}, p90 {g('90%')}, p99 {g('99%')}, requests {nreq}, timeouts {tmo}, "
              f"non2xx {non2}, load {load(d, 'wrk.load')}")
    if (d / "zero-seq.txt").exists():
        t = sorted(float(l.split()[1]) * 1000 for l in (d / "zero-seq.txt").read_text().splitlines() if l.strip())
        codes = {l.split()[0] for l in (d / "zero-seq.txt").read_text().splitlines() if l.strip()}
        print(f"seq GET /households/zero: n={len(t)} codes={codes} min={t[0]:.0f} median={statistics.median(t):.0f} max={t[-1]:.0f} ms, "
              f"bytes {(d / 'zero.html').stat().st_size}, load {load(d, 'zero-seq.load')}")
    for f in ["serve.mem.before", "serve.mem"]:
        if (d / f).exists():
            print(f"server {f}:", " ".join((d / f).read_text().split()))
    print()
