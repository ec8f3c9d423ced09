#!/usr/bin/env python3
"""Summarises a bench/payments/run.sh result directory as Markdown (stdout).

Prints only numbers found in the result files: the harness JSON (`approvals-*.json`, `bulk-*.json`,
`batch-*.json`), GNU time (`*.time`: peak RSS, wall), hyperfine (`*.hf.json`) and the load
averages recorded beside each (`*.cmd`, `*.hf.load`).
"""
import json
import os
import re
import sys

res = sys.argv[1]
BACKENDS = [("sqlite", "SQLite"), ("postgres", "PostgreSQL")]


def rd(name, default=None):
    p = os.path.join(res, name)
    if not os.path.exists(p):
        return default
    with open(p) as f:
        return f.read()


def js(name):
    t = rd(name)
    try:
        return json.loads(t) if t else None
    except json.JSONDecodeError:
        return None


def load_cmd(name):
    t = rd(name + ".cmd", "") or ""
    b = re.search(r"loadavg before: (\S+)", t)
    a = re.search(r"loadavg after: (\S+)", t)
    return f"{b.group(1)}–{a.group(1)}" if a and b else "–"


def load_hf(name):
    t = rd(name + ".hf.load", "") or ""
    b = re.search(r"loadavg before: (\S+)", t)
    a = re.search(r"loadavg after: (\S+)", t)
    return f"{b.group(1)}–{a.group(1)}" if a and b else "–"


def rss(name):
    t = rd(name + ".time", "") or ""
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    return f"{int(m.group(1)) / 1024:,.0f} MiB" if m else "–"


def wall(name):
    t = rd(name + ".time", "") or ""
    m = re.search(r"Elapsed \(wall clock\) time .*: (\S+)", t)
    if not m:
        return "–"
    parts = [float(x) for x in m.group(1).split(":")]
    s = 0.0
    for x in parts:
        s = s * 60 + x
    return f"{s:.1f} s"


def hf(name):
    r = js(name + ".hf.json")
    if not r or not r.get("results"):
        return None
    x = r["results"][0]
    return x


def secs(v):
    if v is None:
        return "–"
    return f"{v * 1000:,.0f} ms" if v < 1 else f"{v:,.2f} s"


def ms(v):
    return "–" if v is None else f"{v:,.1f}"


out = []
p = out.append
p("### Machine\n\n```\n" + (rd("machine.txt", "") or "").strip() + "\n```\n")

# --- approvals ------------------------------------------------------------------------------
p("### Approvals under concurrent load (fresh database per row)\n")
p("Each row: N applications submitted (township clerk), checked (bureau staff), approved (leader), each phase with C concurrent tasks; ops/s = completed ÷ phase wall time; latency per call in ms.\n")
p("| backend | C | N | submit /s | submit p50 / p99 ms | check /s | approve /s | approve p50 / p90 / p99 / max ms | approve /s by fifth | errors | one entry per approval, verify ok | verify_ledger | load |")
p("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---|")
for b, label in BACKENDS:
    files = sorted((int(m.group(1)), f) for f in os.listdir(res) for m in [re.match(rf"approvals-{b}-c(\d+)\.json$", f)] if m)
    for c, f in files:
        r = js(f)
        if not r:
            continue
        ph = {x["phase"]: x for x in r["phases"]}
        s, ck, a = ph["submit"], ph["check"], ph["approve"]
        fifths = " / ".join(f"{x:,.0f}" for x in a.get("ops_per_s_by_fifth", []))
        errs = s["errors"] + ck["errors"] + a["errors"]
        good = r["applications_without_exactly_one_grant_entry"] == 0 and r["ledger_grew_by_approvals"] and r["verify_ledger"]["ok"] and r["verify_audit"]["problems"] == 0
        p(f"| {label} | {c} | {r['n']:,} | {s['ops_per_s']:,.1f} | {ms(s['p50_ms'])} / {ms(s['p99_ms'])} | {ck['ops_per_s']:,.1f} | **{a['ops_per_s']:,.1f}** | "
          f"{ms(a['p50_ms'])} / {ms(a['p90_ms'])} / {ms(a['p99_ms'])} / {ms(a['max_ms'])} | {fifths} | {errs} | "
          f"{'yes' if good else '**NO**'} ({r['approved']:,} approved, {r['ledger_entries_after']:,} entries) | {secs(r['verify_ledger']['seconds'])} | {load_cmd(f[:-5])} |")
p("")

# --- approvals on a large ledger ---------------------------------------------------------------
p("### Approvals on a database that already holds a large ledger\n")
p("| backend | ledger before | N | C | submit /s | submit p50 ms | check /s | check p50 ms | approve /s | approve p50 / p99 ms | errors | verify ok | verify_ledger | load |")
p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|")
for b, label in BACKENDS:
    files = sorted((int(m.group(1)), f) for f in os.listdir(res) for m in [re.match(rf"approvals-{b}-on(\d+)\.json$", f)] if m)
    for _, f in files:
        r = js(f)
        if not r:
            continue
        ph = {x["phase"]: x for x in r["phases"]}
        s, ck, a = ph["submit"], ph["check"], ph["approve"]
        errs = s["errors"] + ck["errors"] + a["errors"]
        p(f"| {label} | {r['ledger_entries_before']:,} | {r['n']:,} | {r['clients']} | {s['ops_per_s']:,.1f} | {ms(s['p50_ms'])} | {ck['ops_per_s']:,.1f} | {ms(ck['p50_ms'])} | "
          f"**{a['ops_per_s']:,.1f}** | {ms(a['p50_ms'])} / {ms(a['p99_ms'])} | {errs} | {'yes' if r['verify_ledger']['ok'] else '**NO**'} | {secs(r['verify_ledger']['seconds'])} | {load_cmd(f[:-5])} |")
p("")

# --- bulk loads ------------------------------------------------------------------------------
p("### Bulk loads (set-up, not an issue-6 figure)\n")
p("| backend | mode | entries | grants / cancels / clawbacks | load s | entries/s | process peak RSS | database size | load |")
p("|---|---|---:|---|---:|---:|---:|---:|---|")
for b, label in BACKENDS:
    files = sorted((int(m.group(1)), f) for f in os.listdir(res) for m in [re.match(rf"bulk-{b}-(\d+)\.json$", f)] if m)
    for n, f in files:
        r = js(f)
        if not r:
            continue
        size = (rd(f"dbsize-{b}-{n}.txt", "") or "").strip()
        size = f"{int(size) / 2**20:,.0f} MiB" if size else "–"
        p(f"| {label} | {r['mode']} | {r['ledger_entries']:,} | {r['grants']:,} / {r['cancels']:,} / {r['clawbacks']:,} | {r['load_s']:,.1f} | {r['added_entries'] / r['load_s']:,.0f} | {rss(f[:-5])} | {size} | {load_cmd(f[:-5])} |")
p("")

# --- the batch ---------------------------------------------------------------------------------
p("### A payment batch (create, export to .xlsx, verify)\n")
p("\"call\" = the App call alone (from the harness JSON); \"process\" = the whole harness process under GNU time (connect, migrations, key file, call).\n")
p("| backend | step | items | call | process wall | peak RSS | result | load |")
p("|---|---|---:|---:|---:|---:|---|---|")
for b, label in BACKENDS:
    ns = sorted({int(m.group(1)) for f in os.listdir(res) for m in [re.match(rf"batch-create-{b}-(\d+)\.json$", f)] if m})
    for n in ns:
        for step, what in (("create", "create_batch"), ("export", "export_batch"), ("verify", "verify_ledger")):
            name = f"batch-{step}-{b}-{n}"
            r = js(name + ".json")
            if not r:
                p(f"| {label} | {what} | {n:,} | (failed) | {wall(name)} | {rss(name)} | – | {load_cmd(name)} |")
                continue
            if step == "verify":
                items = r["entries"]
                result = f"ok={r['ok']}, {r['batches']} batch(es), {r['problems']} problems"
            elif step == "export":
                items = r["item_count"]
                result = f"{r['xlsx_bytes'] / 2**20:,.1f} MiB .xlsx, total {r['total_fen']:,} fen"
            else:
                items = r["item_count"]
                result = f"total {r['total_fen']:,} fen"
            p(f"| {label} | {what} | {items:,} | **{secs(r['seconds'])}** | {wall(name)} | {rss(name)} | {result} | {load_cmd(name)} |")
p("")

# --- ledger verify via the CLI and the GROUP BY floor ----------------------------------------------
def exit_code(name):
    m = re.search(r"^exit (\d+)", rd(name + ".cmd", "") or "", re.M)
    return int(m.group(1)) if m else None


def wall_s(name):
    t = rd(name + ".time", "") or ""
    m = re.search(r"Elapsed \(wall clock\) time .*: (\S+)", t)
    if not m:
        return None
    s = 0.0
    for x in m.group(1).split(":"):
        s = s * 60 + float(x)
    return s


p("### `jiuye ledger verify --format json`, its parts, and the plain GROUP BY\n")
p("PostgreSQL: hyperfine (`-N`, 1 warm-up) and one more run under GNU time (peak RSS, the report). SQLite: one run under GNU time with a time limit. "
  "Parts: `verify_ledger` taken apart in the harness (`op verify-parts`): the chain walk (pages of 20,000 entries, SM3 of each, totals recomputed), "
  "the batch control totals, the grant-consistency query. GROUP BY = `SELECT fund_code, program, year, COUNT(*), SUM(amount_fen) FROM ledger_entries GROUP BY 1, 2, 3` "
  "through the sqlite3 / psql client (its process start included).\n")
p("| backend | database | entries | `ledger verify` | runs | peak RSS | report | load | parts: chain walk | batch checks | grant consistency | GROUP BY mean ± σ | verify ÷ GROUP BY |")
p("|---|---|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|")
for b, label in BACKENDS:
    ns = sorted({int(m.group(1)) for f in os.listdir(res) for m in [re.match(rf"ledger-{b}-(\d+)-(?:parts\.json|cli-verify\.cmd)$", f)] if m})
    # The PostgreSQL diagnostic with work_mem raised (run.sh: `…-workmem256`) follows its size.
    rows = []
    for n in ns:
        rows.append((n, f"ledger-{b}-{n}", ""))
        if rd(f"ledger-{b}-{n}-workmem256-cli-verify.cmd"):
            rows.append((n, f"ledger-{b}-{n}-workmem256", " (work_mem 256 MB)"))
    for n, pre, note in rows:
        v, g = hf(pre + "-cli-verify"), hf(pre + "-groupby")
        rep = js(pre + "-cli-verify.out")
        report = f"{rep['entries']:,} entries, {len(rep['problems'])} problems" if rep else "–"
        mean = None
        if v:
            mean = v["mean"]
            vs = f"**{secs(v['mean'])}** ± {secs(v['stddev'])} (min {secs(v['min'])}, max {secs(v['max'])})"
            runs = str(len(v["times"]))
            ld = load_hf(pre + "-cli-verify")
        elif rd(pre + "-cli-verify.cmd"):
            w, code = wall_s(pre + "-cli-verify"), exit_code(pre + "-cli-verify")
            if code == 124:
                vs = f"**not finished** after {w:,.0f} s (stopped)"
                report = "–"
            else:
                mean = w
                vs = f"**{secs(w)}**" + ("" if code == 0 else f" (exit {code})")
            runs = "1"
            ld = load_cmd(pre + "-cli-verify")
        else:
            vs, runs, ld = "–", "0", "–"
        pt = (js(pre + "-parts.json") or {}) if not note else {}
        ents = rep["entries"] if rep else pt.get("entries", n)
        chain = f"{secs(pt['chain_s'])}" if pt else "–"
        bc = f"{secs(pt['batch_checks_s'])}" if pt else "–"
        gc = pt.get("grant_consistency", {}) if pt else {}
        if "seconds" in gc:
            gcs = f"{secs(gc['seconds'])}"
        elif "timed_out_after_s" in gc:
            gcs = f"not finished in {gc['timed_out_after_s']} s"
        elif gc.get("skipped"):
            gcs = "not run"
        else:
            gcs = "–"
        gs = f"{secs(g['mean'])} ± {secs(g['stddev'])}" if g else "–"
        ratio = (f"{mean / g['mean']:,.1f}×" if mean / g["mean"] < 10 else f"{mean / g['mean']:,.0f}×") if mean and g else "–"
        kind = (js(f"bulk-{b}-{n}.json") or {}).get("mode", "–") + note
        p(f"| {label} | {kind} | {ents:,} | {vs} | {runs} | {rss(pre + '-cli-verify')} | {report} | {ld} | {chain} | {bc} | {gcs} | {gs} | {ratio} |")
p("")

p("### Plans of the statements behind the slow parts\n")
for f in sorted(x for x in os.listdir(res) if x.startswith("explain-")):
    p(f"`{f}`:\n\n```\n" + (rd(f, "") or "").strip() + "\n```\n")
print("\n".join(out))
