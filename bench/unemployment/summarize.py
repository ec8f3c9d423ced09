#!/usr/bin/env python3
"""Prints the numbers of bench/unemployment/run.sh results dirs (args: results-N dirs) as markdown."""
import json, pathlib, re, statistics, sys

def load(d, f):
    p = d / f
    m = re.findall(r"loadavg (?:before|after): (\S+)", p.read_text()) if p.exists() else []
    return "–".join(m) if m else "?"

for d in map(pathlib.Path, sys.argv[1:]):
    print(f"## {d}")
    demo = (d / "demo.out").read_text().strip()
    t = (d / "demo.time").read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) // 1024
    print(f"demo: wall {wall}, peak RSS {rss} MiB, load {load(d, 'demo.cmd')}\n  {demo}")
    print((d / "counts.txt").read_text().strip().replace("\n", "; "))
    sizes = {l.split()[0].split("/")[-1]: l.split()[2:] for l in (d / "sizes.txt").read_text().splitlines()}
    for n in ["due", "due_township", "zero"]:
        r = json.load(open(d / f"{n}.hf.json"))["results"][0]
        tm = (d / f"{n}_rss.time").read_text()
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", tm).group(1)) // 1024
        s = sizes.get(f"{n}_rss.out", ["?", "?", "?"])
        print(f"| {n} | {r['mean']*1000:.0f} ± {r['stddev']*1000:.0f} ms | {min(r['times'])*1000:.0f}–{max(r['times'])*1000:.0f} ms "
              f"| {len(r['times'])} | {rss} MiB | {s[0]} items, {int(s[2])/1e6:.1f} MB | {load(d, n + '.hf.load')} |")
    sec = lambda f: json.load(open(d / f))["seconds"]
    ch = [sec(f"import_{x}_changed_{i}.out") for x in "ab" for i in (1, 2, 3)]
    un = [sec(f"import_{x}_unchanged_{i}.out") for x in "ab" for i in (1, 2, 3)]
    print(f"import (printed seconds) changed: median {statistics.median(ch)*1000:.0f} ms (min {min(ch)*1000:.0f}, max {max(ch)*1000:.0f}); "
          f"unchanged: median {statistics.median(un)*1000:.1f} ms; refresh ≈ {(statistics.median(ch)-statistics.median(un))*1000:.0f} ms; "
          f"insert run {sec('import_a_insert.out')*1000:.0f} ms; load {load(d, 'import_a_insert.cmd')}")
    print("seq GET /followup:", (d / "seq.summary").read_text().strip(), "load", load(d, "seq.load"),
          "bytes", (d / "followup.html").stat().st_size)
    w = (d / "wrk.txt").read_text()
    g = lambda k: (re.search(r"^\s*" + k + r"\s+(\S+)", w, re.M) or [None, "?"])[1]
    nreq = re.search(r"(\d+) requests in", w).group(1)
    tmo = (re.search(r"timeout (\d+)", w) or [0, "0"])[1]
    non2 = (re.search(r"Non-2xx or 3xx responses: (\d+)", w) or [0, "0"])[1]
    print(f"wrk: {g('Requests/sec:')} req/s, p50 {g('50%')}, p90 {g('90%')}, p99 {g('99%')}, requests {nreq}, timeouts {tmo}, non2xx {non2}, load {load(d, 'wrk.load')}")
    print("server mem:", (d / "serve.mem").read_text().split())
