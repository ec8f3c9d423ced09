#!/usr/bin/env python3
"""Summarise a bench/simulate/run.sh result directory as Markdown (stdout)."""
import json
import pathlib
import re
import statistics
import sys

res = pathlib.Path(sys.argv[1])


def gnu_time(path):
    text = path.read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    parts = [float(p) for p in wall.split(":")]
    secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    user = float(re.search(r"User time \(seconds\): (\S+)", text).group(1))
    sys_ = float(re.search(r"System time \(seconds\): (\S+)", text).group(1))
    status = int(re.search(r"Exit status: (\d+)", text).group(1))
    return secs, rss, user + sys_, status


print(f"# Simulation benchmark: {res.name}\n")
print("```\n" + (res / "machine.txt").read_text() + "```\n")
if (res / "demo.time").exists():
    secs, rss, cpu, status = gnu_time(res / "demo.time")
    tail = (res / "demo.txt").read_text().strip().splitlines()[-1:]
    print(f"demo: {secs:.1f} s, peak RSS {rss / 1024:.0f} MiB, exit {status}; {' '.join(tail)}\n")

print("| case | runs | wall s (each) | median wall s | CPU s (median) | peak RSS MiB (max) | load before→after | result |")
print("|---|---:|---|---:|---:|---:|---|---|")
names = sorted({p.name.rsplit("-", 1)[0] for p in res.glob("*-[0-9].time")}, key=lambda n: min(p.stat().st_mtime for p in res.glob(f"{n}-*.time")))
for name in names:
    walls, rsss, cpus, loads, results = [], [], [], [], set()
    for t in sorted(res.glob(f"{name}-[0-9].time")):
        i = t.stem.rsplit("-", 1)[1]
        secs, rss, cpu, status = gnu_time(t)
        if status != 0:
            print(f"| {name} | run {i} failed (exit {status}): {(res / f'{name}-{i}.err').read_text()[:200]} |")
            continue
        walls.append(secs)
        rsss.append(rss)
        cpus.append(cpu)
        loads.append((res / f"{name}-{i}.load").read_text().replace("before ", "").replace(" after ", "→").strip())
        out = json.loads((res / f"{name}-{i}.json").read_text())
        if "entering" in out:
            changed = [
                f"{p['program']} {p['eligible_before']}→{p['eligible_after']} ({p['amount_before_yuan']}→{p['amount_after_yuan']} 元)"
                for p in out["programs"]
                if p["eligible_before"] != p["eligible_after"] or p["amount_before_yuan"] != p["amount_after_yuan"]
            ]
            results.add(f"+{len(out['entering'])} / −{len(out['leaving'])}; " + "; ".join(changed))
        else:
            scanned = [p for p in out["programs"] if not p.get("skipped")]
            results.add(f"{out['persons']} persons, {out['enterprises']} enterprises, {len(scanned)} programs, {sum(p['eligible'] for p in scanned)} eligible")
    if not walls:
        continue
    print(
        f"| {name} | {len(walls)} | {', '.join(f'{w:.2f}' for w in walls)} | {statistics.median(walls):.2f} | "
        f"{statistics.median(cpus):.2f} | {max(rsss) / 1024:.0f} | {'; '.join(loads)} | {' ‖ '.join(sorted(results))} |"
    )
