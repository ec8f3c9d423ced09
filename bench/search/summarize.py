#!/usr/bin/env python3
"""Summarises a bench/search/run.sh result directory as Markdown (stdout)."""
import json
import os
import re
import sys

res = sys.argv[1]
ENGINES = [("ours-rel", "ours, relevance"), ("ours-new", "ours, sort=newest"), ("ilike", "PostgreSQL ILIKE"), ("trgm", "PostgreSQL pg_trgm")]


def rd(name, default=None):
    p = os.path.join(res, name)
    if not os.path.exists(p):
        return default
    with open(p) as f:
        return f.read()


def js(name):
    t = rd(name)
    return json.loads(t) if t else None


def load_of(name):
    t = rd(name + ".load")
    return t.strip() if t else ""


def time_v(name):
    t = rd(name, "")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    w = re.search(r"Elapsed \(wall clock\) time .*: (\S+)", t)
    return (int(m.group(1)) / 1024 if m else None, w.group(1) if w else None)


sizes = sorted({int(m.group(1)) for f in os.listdir(res) for m in [re.match(r"brute-(\d+)\.json", f)] if m})
out = []
p = out.append
p("### Machine\n\n```\n" + (rd("machine.txt", "") or "").strip() + "\n```\n")

p("### Corpus, index build, index size\n")
p("| size | COPY s | our reindex: docs | s | docs/s | index size | reindex peak RSS | load before → after | pg_trgm: 3 GIN + 1 btree build s | docs/s | GIN size (title+description+employer) | btree occupation_code | load before → after |")
p("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|")
for n in sizes:
    copy = rd(f"copy-{n}.txt", "")
    cs = re.search(r"copy_s (\S+)", copy)
    r = js(f"reindex-{n}.json") or {}
    size = (rd(f"index-size-{n}.txt", "0") or "0").split()[0]
    rss, _ = time_v(f"reindex-{n}.time")
    tr = rd(f"trgm-{n}.txt", "")
    tb = re.search(r"trgm_build_s (\S+) load_before (.*) load_after (.*)", tr)
    gin = sum(int(x) for x in re.findall(r"bench_trgm_\w+\|(\d+)", tr))
    bt = re.search(r"bench_occupation_code\|(\d+)", tr)
    docs, secs = r.get("documents"), r.get("seconds")
    if not docs or not cs or rss is None:
        p(f"| {n:,} | (incomplete) |")
        continue
    p(f"| {n:,} | {float(cs.group(1)):.1f} | {docs:,} | {secs:.1f} | {docs / secs:,.0f} | {int(size) / 1e6:,.0f} MB | {rss:,.0f} MiB | {load_of(f'reindex-{n}.json')} | "
      + (f"{float(tb.group(1)):.1f} | {n / float(tb.group(1)):,.0f} | {gin / 1e6:,.0f} MB | {int(bt.group(1)) / 1e6:,.0f} MB | {tb.group(2)} → {tb.group(3)} |" if tb else "– | – | – | – | – |"))
p("")

p("### Latency and throughput over HTTP (loopback)\n")
p("| size | engine | clients | requests | errors | p50 ms | p99 ms | max ms | req/s | load before → after |")
p("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
for n in sizes:
    for e, label in ENGINES:
        for c in (1, 32):
            r = js(f"load-{e}-{n}-c{c}.json")
            if not r:
                continue
            p(f"| {n:,} | {label} | {c} | {r['requests']:,} | {r['errors']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | {r['rps']:.1f} | {load_of(f'load-{e}-{n}-c{c}.json')} |")
p("")

p("### Ratios (ours, relevance, vs baseline)\n")
p("| size | vs | p50 ratio, 1 client | p99 ratio, 1 client | req/s ratio, 32 clients |")
p("|---:|---|---:|---:|---:|")
for n in sizes:
    o1, o32 = js(f"load-ours-rel-{n}-c1.json"), js(f"load-ours-rel-{n}-c32.json")
    for e, label in ENGINES[2:]:
        b1, b32 = js(f"load-{e}-{n}-c1.json"), js(f"load-{e}-{n}-c32.json")
        if o1 and b1 and o32 and b32:
            p(f"| {n:,} | {label} | {b1['p50_ms'] / o1['p50_ms']:.1f}× | {b1['p99_ms'] / o1['p99_ms']:.1f}× | {o32['rps'] / b32['rps']:.1f}× |")
p("")

p("### Recall against the brute-force scan\n")
for n in sizes:
    brute = js(f"brute-{n}.json")
    if not js(f"totals-ours-rel-{n}.json"):
        continue
    tot = {e: {x["q"]: x for x in (js(f"totals-{e}-{n}.json") or [])} for e, _ in ENGINES}
    p(f"**{n:,} vacancies.** total of each engine = brute-force count unless shown.\n")
    p("| query | terms | brute force | ours | ILIKE | pg_trgm | p50 ms at 1 client: ours rel / ours newest / ILIKE / pg_trgm |")
    p("|---|---|---:|---:|---:|---:|---|")
    per = {e: {x["q"]: x for x in (js(f"load-{e}-{n}-c1.json") or {}).get("per_query", [])} for e, _ in ENGINES}
    sums = {e: [0, 0] for e, _ in ENGINES}
    for b in brute:
        q, cnt = b["q"], b["count"]
        cells = []
        for e in ("ours-rel", "ilike", "trgm"):
            t = tot[e].get(q, {}).get("total")
            if t is None:
                cells.append("–")
                continue
            sums[e][0] += min(t, cnt)
            sums[e][1] += cnt
            cells.append("=" if t == cnt else f"**{t:,}**")
        lat = " / ".join(f"{per[e].get(q, {}).get('p50_ms', float('nan')):.1f}" for e, _ in ENGINES)
        p(f"| {q} | {' '.join(b['terms'])} | {cnt:,} | {' | '.join(cells)} | {lat} |")
    p("")
    p("| engine | queries with total = brute force | recall (Σ min(total, brute) ÷ Σ brute) |")
    p("|---|---:|---:|")
    for e, label in ENGINES:
        if not tot[e]:
            continue
        ok = sum(1 for b in brute if tot[e].get(b["q"], {}).get("total") == b["count"])
        recall = sum(min(tot[e].get(b["q"], {}).get("total") or 0, b["count"]) for b in brute) / max(1, sum(b["count"] for b in brute))
        p(f"| {label} | {ok} / {len(brute)} | {recall:.4f} |")
    p("")

p("### Memory\n")
p("| size | `jiuye serve` after start: VmRSS | after the load runs: VmRSS | VmHWM | baseline server VmHWM | PostgreSQL database size (with GIN) |")
p("|---:|---:|---:|---:|---:|---:|")
for n in sizes:
    def kb(name, key):
        m = re.search(key + r":\s+(\d+) kB", rd(name, "") or "")
        return f"{int(m.group(1)) / 1024:,.0f} MiB" if m else "–"
    dbs = (rd(f"db-size-{n}.txt", "") or "").strip()
    p(f"| {n:,} | {kb(f'mem-ours-{n}-start.txt', 'VmRSS')} | {kb(f'mem-ours-{n}.txt', 'VmRSS')} | {kb(f'mem-ours-{n}.txt', 'VmHWM')} | {kb(f'mem-baseline-{n}.txt', 'VmHWM')} | {int(dbs) / 1e6:,.0f} MB |" if dbs else f"| {n:,} | – | – | – | – | – |")
p("")

p("### Matching (pure functions, k = 50)\n")
p("| size | vacancies | seekers | rounds | top 50 vacancies for a seeker p50 / max ms | top 50 seekers for a vacancy p50 / max ms | load before → after |")
p("|---|---:|---:|---:|---:|---:|---|")
for name in ("district", "city"):
    r = js(f"match-{name}.json")
    if r:
        a, b = r["vacancies_for_seeker"], r["seekers_for_vacancy"]
        p(f"| {name} | {r['vacancies']:,} | {r['seekers']:,} | {r['rounds']} | {a['p50_ms']:.1f} / {a['max_ms']:.1f} | {b['p50_ms']:.1f} / {b['max_ms']:.1f} | {load_of(f'match-{name}.json')} |")
print("\n".join(out))
