#!/usr/bin/env python3
"""Markdown tables from a run of bench/openfisca/run.sh (reads $WORK/results).

Usage: summarize.py WORK_DIR
"""

import glob
import json
import os
import re
import statistics
import sys


def time_v(path):
    """Fields of a `/usr/bin/time -v` report."""
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path, encoding="utf-8"):
        k, _, v = line.strip().rpartition(": ")
        if k.startswith("Elapsed (wall clock) time"):
            parts = [float(x) for x in v.split(":")]
            out["wall_s"] = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
        elif k == "Maximum resident set size (kbytes)":
            out["rss_kib"] = int(v)
        elif k == "Percent of CPU this job got":
            out["cpu_pct"] = v
        elif k == "User time (seconds)":
            out["user_s"] = float(v)
        elif k == "System time (seconds)":
            out["sys_s"] = float(v)
    return out


def loads(res):
    out = {}
    path = os.path.join(res, "load.log")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            m = re.search(r"^\S+ (\S+) .*load average: ([\d.]+), ([\d.]+), ([\d.]+)", line)
            if m:
                out[m.group(1)] = f"{m.group(2)}, {m.group(3)}, {m.group(4)}"
    return out


def runs(res, engine):
    out = []
    for path in sorted(glob.glob(os.path.join(res, f"{engine}-*.json")), key=lambda p: int(re.findall(r"-(\d+)\.json$", p)[0])):
        i = int(re.findall(r"-(\d+)\.json$", path)[0])
        j = json.loads(open(path, encoding="utf-8").read().strip().splitlines()[-1])
        j["time"] = time_v(os.path.join(res, f"{engine}-{i}.time"))
        j["i"] = i
        out.append(j)
    return out


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def ms(s):
    return f"{s * 1000:,.1f}"


def rng(xs):
    return f"{ms(min(xs))}–{ms(max(xs))}" if len(xs) > 1 else ms(xs[0])


def main():
    work = sys.argv[1]
    res = os.path.join(work, "results")
    ld = loads(res)
    j, o = runs(res, "jiuye"), runs(res, "openfisca")
    p = print
    for name in ("versions.txt", "data.sha256"):
        path = os.path.join(work, name)
        if os.path.exists(path):
            p(f"`{name}`:\n```\n{open(path, encoding='utf-8').read().strip()}\n```\n")
    if j and o:
        p("Runs (alternating, one process each; load average = `uptime` just before the run):\n")
        p("| run | engine | load average (1, 5, 15 min) | end to end, in process (ms) | wall, /usr/bin/time (ms) | CPU | max RSS (MiB) |")
        p("|---|---|---|---:|---:|---:|---:|")
        for a, b in zip(j, o):
            for r, eng in ((a, "jiuye"), (b, "openfisca")):
                t = r["time"]
                key = f"{eng}-{r['i']}"
                p(f"| {r['i']} | {eng} | {ld.get(key, '?')} | {ms(r['end_to_end_s'])} | {ms(t.get('wall_s', float('nan')))} | "
                  f"{t.get('cpu_pct', '?')} | {t.get('rss_kib', 0) / 1024:,.0f} |")
        p("")
        p(f"Computation per program, median of {len(j)} runs (range), ms — jiuye: `Ruleset::scan` alone; OpenFisca: "
          "`simulation.calculate` of `<program>_eligible` and `<program>_amount_fen`:\n")
        p("| program | cases | eligible (both) | jiuye-rules scan | OpenFisca calculate | OpenFisca ÷ jiuye |")
        p("|---|---:|---:|---:|---:|---:|")
        for prog in j[0]["programs"]:
            jt = [r["programs"][prog]["compute_s"] for r in j]
            ot = [r["programs"][prog]["compute_s"] for r in o]
            cases = j[0]["enterprises"] if prog == "stable_post_refund" else j[0]["persons"]
            p(f"| `{prog}` | {cases:,} | {j[0]['programs'][prog]['eligible']:,} | {ms(med(jt))} ({rng(jt)}) | {ms(med(ot))} ({rng(ot)}) | "
              f"{med(ot) / med(jt):.2f}× |")
        jt = [r["compute_s"] for r in j]
        ot = [r["compute_s"] for r in o]
        p(f"| all three | | | {ms(med(jt))} ({rng(jt)}) | {ms(med(ot))} ({rng(ot)}) | {med(ot) / med(jt):.2f}× |")
        p("")
        p(f"End to end, median of {len(j)} runs, ms (in process, from the first line of `main` / the first Python statement):\n")
        p("| phase | jiuye-rules | OpenFisca | OpenFisca ÷ jiuye |")
        p("|---|---:|---:|---:|")
        rows = [
            ("start-up (jiuye: `Ruleset::default_2020`; OpenFisca: imports + tax-benefit system)", "startup_s", "startup_s"),
            ("load the two CSV files into columns / arrays", "load_s", "load_s"),
            ("build the simulation (`set_input`)", None, "build_s"),
            ("compute the three programs", "compute_s", "compute_s"),
            ("write eligible ids and amounts", "write_s", "write_s"),
            ("**end to end**", "end_to_end_s", "end_to_end_s"),
        ]
        for label, jk, ok in rows:
            jv = med([r[jk] for r in j]) if jk else None
            ov = med([r[ok] for r in o])
            p(f"| {label} | {ms(jv) if jv is not None else '—'} | {ms(ov)} | {f'{ov / jv:.2f}×' if jv else ''} |")
        jw = [r["time"].get("wall_s") for r in j if r["time"].get("wall_s")]
        ow = [r["time"].get("wall_s") for r in o if r["time"].get("wall_s")]
        if jw and ow:
            p(f"| process wall clock (`/usr/bin/time`) | {ms(med(jw))} | {ms(med(ow))} | {med(ow) / med(jw):.2f}× |")
        p("")
        p("Eligible counts and totals (jiuye also reports its other outcomes):\n")
        p("| program | eligible | total (yuan) | jiuye ineligible | jiuye needs_facts |")
        p("|---|---:|---:|---:|---:|")
        for prog, v in j[0]["programs"].items():
            p(f"| `{prog}` | {v['eligible']:,} | {v['total_yuan']} | {v['ineligible']:,} | {v['needs_facts']:,} |")
        p("")
    path = os.path.join(res, "compare.txt")
    if os.path.exists(path):
        p("Equality check (`compare.py`):\n```\n" + open(path, encoding="utf-8").read().strip() + "\n```\n")
    e = [time_v(os.path.join(res, f"mem-empty-{i}.time")) for i in (1, 2)]
    f = [time_v(os.path.join(res, f"mem-persons-{i}.time")) for i in (1, 2)]
    if all(e) and all(f):
        p("Memory in scan mode (`openfisca_compare`, peak RSS from `/usr/bin/time -v`):\n")
        n = json.loads(open(os.path.join(res, "mem-persons-1.json"), encoding="utf-8").read())["persons"]
        p(f"| run | 0 persons (KiB) | {n:,} persons, 0 enterprises (KiB) | per person (bytes) |")
        p("|---|---:|---:|---:|")
        for i, (a, b) in enumerate(zip(e, f), 1):
            p(f"| {i} | {a['rss_kib']:,} | {b['rss_kib']:,} | {(b['rss_kib'] - a['rss_kib']) * 1024 / max(n, 1):,.0f} |")
        p("")
    ex = sorted(glob.glob(os.path.join(res, "explain-*.json")))
    if ex:
        data = [json.loads(open(x, encoding="utf-8").read()) for x in ex]
        p("One explained decision in process (`explain_latency`, mean over 100,000 calls after 10,000 warm-up calls):\n")
        p("| program | " + " | ".join(f"run {i} evaluate (µs)" for i in range(1, len(data) + 1)) + " | "
          + " | ".join(f"run {i} evaluate + JSON (µs)" for i in range(1, len(data) + 1)) + " | JSON bytes |")
        p("|---|" + "---:|" * (2 * len(data) + 1))
        for prog in [k for k, v in data[0].items() if isinstance(v, dict)]:
            p(f"| `{prog}` | " + " | ".join(f"{d[prog]['evaluate_us']:.2f}" for d in data) + " | "
              + " | ".join(f"{d[prog]['evaluate_and_json_us']:.2f}" for d in data) + f" | {data[0][prog]['json_bytes']:,} |")
        if "scan_cell_bytes" in data[0]:
            p(f"\nOne cell of a scan column (`Option<Scalar>`): {data[0]['scan_cell_bytes']} bytes.")
        p("")
    wr = sorted(glob.glob(os.path.join(res, "wrk-c*.txt")))
    if wr:
        p("HTTP on loopback (`wrk -d15s --latency`, 1 thread for 1 connection, 2 threads for 16; wrk runs on the same 2 cores; POST /api/v1/policy/hire_unemployed/evaluate):\n")
        p("| run | connections | load average | requests/s | p50 (ms) | p90 (ms) | p99 (ms) | non-2xx |")
        p("|---|---:|---|---:|---:|---:|---:|---:|")
        for w in wr:
            t = open(w, encoding="utf-8").read()
            name = os.path.basename(w)[:-4]
            c = re.findall(r"wrk-c(\d+)-", w)[0]
            rps = re.findall(r"Requests/sec:\s+([\d.]+)", t)
            pct = dict(re.findall(r"latency p([\d.]+): ([\d.]+) ms", t))
            non = re.findall(r"non-200 responses: (\d+)", t)
            p(f"| {name} | {c} | {ld.get(name, '?')} | {float(rps[0]) if rps else float('nan'):,.0f} | {pct.get('50', '?')} | "
              f"{pct.get('90', '?')} | {pct.get('99', '?')} | {non[0] if non else '?'} |")
        p("")
    path = os.path.join(res, "sensitivity.txt")
    if os.path.exists(path):
        p("Sensitivity of the check (`sensitivity.sh`):\n```\n" + open(path, encoding="utf-8").read().strip() + "\n```")


if __name__ == "__main__":
    main()
