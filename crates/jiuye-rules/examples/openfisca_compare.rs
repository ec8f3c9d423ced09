//! jiuye-rules side of issue 3's benchmark against OpenFisca (`bench/openfisca/`).
//!
//! Loads `persons.csv` and `enterprises.csv` written by `bench/openfisca/gen_population.py` into
//! `FactColumns` (read 1 MiB at a time, cells parsed from the bytes), scans `hire_unemployed` and
//! `unemployment_supplement` over the persons and `stable_post_refund` over the enterprises with
//! `Ruleset::default_2020()?.scan(program, &columns, as_of)`, writes `<out>/<program>.csv`
//! (`id,amount_yuan` of the eligible cases, sorted by id) and prints one JSON line of timings.
//!
//! ```sh
//! cargo run --release -p jiuye-rules --example openfisca_compare -- --data DIR --out DIR [--as-of 2020-06-30]
//! ```
//!
//! Timings: `startup` = process start → ruleset built; `load` = files → columns; per program
//! `compute` = the `scan` call alone (single-threaded, as the engine is); `write`; `end_to_end` =
//! process start → outputs written; `*_cpu_s` the same in CPU time of the thread (Linux).

use std::collections::BTreeMap;
use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::Instant;

use jiuye_rules::{ColumnBuilder, FactColumns, Grant, Outcome, Ruleset, ScanResult, yuan_string};
use rust_decimal::Decimal;
use time::{Date, Month};

type Res<T> = Result<T, Box<dyn Error>>;

const PERSON_FACTS: &[&str] = &[
    "person.registered_unemployed_since",
    "hire.date",
    "hire.contract_months",
    "hire.social_insurance_paid",
    "person.employed",
    "person.insured_unemployed",
    "person.entitled_to_unemployment_benefit",
    "person.unemployment_benefit_ended_on",
];

const ENTERPRISE_FACTS: &[&str] = &[
    "enterprise.size_class",
    "enterprise.unemployment_insured",
    "enterprise.insured_staff",
    "enterprise.average_insured_staff",
    "enterprise.staff_total",
    "enterprise.layoffs_in_period",
    "enterprise.ui_contributions_last_year_yuan",
];

const PROGRAMS: &[(&str, Table)] =
    &[("hire_unemployed", Table::Persons), ("stable_post_refund", Table::Enterprises), ("unemployment_supplement", Table::Persons)];

#[derive(Clone, Copy, PartialEq)]
enum Table {
    Persons,
    Enterprises,
}

/// A decimal integer with an optional sign, overflow checked.
fn parse_int(s: &[u8]) -> Res<i64> {
    let bad = || format!("not an integer: {:?}", String::from_utf8_lossy(s));
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(bad().into());
    }
    let mut v: i64 = 0;
    for c in digits {
        if !c.is_ascii_digit() {
            return Err(bad().into());
        }
        let d = i64::from(c - b'0');
        v = v.checked_mul(10).and_then(|v| if negative { v.checked_sub(d) } else { v.checked_add(d) }).ok_or_else(bad)?;
    }
    Ok(v)
}

/// `YYYY-MM-DD`, strictly.
fn parse_date(b: &[u8]) -> Res<Date> {
    let bad = || format!("not a date: {:?}", String::from_utf8_lossy(b));
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *b else {
        return Err(bad().into());
    };
    let mut digits = [0u16; 8];
    for (out, c) in digits.iter_mut().zip([y1, y2, y3, y4, m1, m2, d1, d2]) {
        if !c.is_ascii_digit() {
            return Err(bad().into());
        }
        *out = u16::from(c - b'0');
    }
    let [a, b2, c, d, e, f, g, h] = digits;
    let (y, m, d) = (a * 1000 + b2 * 100 + c * 10 + d, e * 10 + f, g * 10 + h);
    Ok(Date::from_calendar_date(i32::from(y), Month::try_from(u8::try_from(m)?)?, u8::try_from(d)?)?)
}

/// One table: ids, fact columns, earlier grants.
struct Loaded {
    ids: Vec<u64>,
    columns: FactColumns,
}

/// Calls `f` with each non-empty line (without its line end) that starts at a byte offset in
/// `start..end` of the file, reading 1 MiB at a time with positioned reads (so several threads
/// can read parts of one file). `start` must be 0 or follow a line end, or else the line it
/// falls in is left to the part before.
fn for_each_line_in(file: &File, start: u64, end: u64, mut f: impl FnMut(&[u8]) -> Res<()>) -> Res<()> {
    let mut buf = vec![0u8; 1 << 20];
    let mut filled = 0;
    // `pos`: file offset of the next read; `base`: file offset of buf[0].
    let (mut pos, mut base) = (start, start);
    let mut skip = false;
    if start > 0 {
        let mut prev = [0u8; 1];
        file.read_exact_at(&mut prev, start - 1)?;
        skip = prev[0] != b'\n';
    }
    loop {
        let n = file.read_at(buf.get_mut(filled..).unwrap_or_default(), pos)?;
        pos += n as u64;
        filled += n;
        let data = buf.get(..filled).unwrap_or_default();
        let complete = if n == 0 {
            filled
        } else {
            match data.iter().rposition(|b| *b == b'\n') {
                Some(p) => p + 1,
                None => {
                    if filled == buf.len() {
                        buf.resize(buf.len() * 2, 0);
                    }
                    continue;
                }
            }
        };
        let mut at = 0;
        for line in data.get(..complete).unwrap_or_default().split_inclusive(|b| *b == b'\n') {
            let line_start = base + at as u64;
            at += line.len();
            if std::mem::take(&mut skip) {
                continue;
            }
            if line_start >= end {
                return Ok(());
            }
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.is_empty() {
                f(line)?;
            }
        }
        buf.copy_within(complete..filled, 0);
        filled -= complete;
        base += complete as u64;
        if n == 0 {
            return Ok(());
        }
    }
}

/// Per CSV column: what to do with its cells.
#[derive(Clone, Copy)]
enum Slot {
    Id,
    Fact(usize),
    GrantProgram,
    GrantDate,
    Ignore,
}

/// One part of a table, read by one thread.
struct Part {
    ids: Vec<u64>,
    columns: Vec<ColumnBuilder>,
    /// Earlier grants by row within the part.
    grants: Vec<(usize, Grant)>,
}

/// Reads the rows of the part `start..end` of the file (byte offsets; see `for_each_line_in`).
fn load_part(file: &File, start: u64, end: u64, slots: &[Slot], facts: &[&str], rows_hint: usize) -> Res<Part> {
    let mut part = Part {
        ids: Vec::with_capacity(rows_hint),
        columns: facts.iter().map(|name| ColumnBuilder::new(name, rows_hint)).collect::<Result<_, _>>()?,
        grants: Vec::new(),
    };
    for_each_line_in(file, start, end, |line| {
        let row = part.ids.len();
        let (mut program, mut date): (&[u8], &[u8]) = (b"", b"");
        let mut cells = 0;
        for (cell, slot) in line.split(|b| *b == b',').zip(slots) {
            cells += 1;
            match slot {
                Slot::Id => part.ids.push(u64::try_from(parse_int(cell).map_err(|e| format!("row +{row}: id: {e}"))?)?),
                Slot::Fact(k) => {
                    part.columns.get_mut(*k).ok_or("bad fact index")?.push_text(cell).map_err(|e| format!("row +{row}: {e}"))?
                }
                Slot::GrantProgram => program = cell,
                Slot::GrantDate => date = cell,
                Slot::Ignore => {}
            }
        }
        if cells != slots.len() {
            return Err(format!("row +{row}: {cells} cells, expected {}", slots.len()).into());
        }
        if !program.is_empty() {
            part.grants.push((row, Grant { program: std::str::from_utf8(program)?.to_string(), date: parse_date(date)? }));
        }
        Ok(())
    })?;
    Ok(part)
}

/// Loads a table on `threads` threads, each parsing a contiguous part of the file straight into
/// typed columns (`ColumnBuilder`); the parts are appended in file order.
fn load(path: &Path, facts: &[&str], threads: usize) -> Res<Loaded> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let size = file.metadata()?.len();
    let mut first = Vec::new();
    for_each_line_in(&file, 0, 1, |line| {
        first = line.to_vec();
        Ok(())
    })?;
    let header: Vec<&[u8]> = first.split(|b| *b == b',').collect();
    let position =
        |name: &str| header.iter().position(|h| *h == name.as_bytes()).ok_or_else(|| format!("{}: no column {name}", path.display()));
    let mut slots = vec![Slot::Ignore; header.len()];
    let mut set = |i: usize, s: Slot| -> Res<()> {
        *slots.get_mut(i).ok_or("bad column index")? = s;
        Ok(())
    };
    set(position("id")?, Slot::Id)?;
    set(position("prior_grant.program")?, Slot::GrantProgram)?;
    set(position("prior_grant.date")?, Slot::GrantDate)?;
    for (k, name) in facts.iter().enumerate() {
        set(position(name)?, Slot::Fact(k))?;
    }
    // The body starts after the header line; split it into equal byte ranges.
    let body = first.len() as u64 + 1;
    let threads = threads.max(1) as u64;
    let step = size.saturating_sub(body).div_ceil(threads).max(1);
    // No line is shorter than 16 bytes: room for every row of a part.
    let rows_hint = usize::try_from(step)? / 16 + 16;
    let parts: Vec<Result<Part, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let (start, end) = ((body + k * step).min(size), (body + (k + 1) * step).min(size));
                let (file, slots) = (&file, &slots);
                s.spawn(move || load_part(file, start, end, slots, facts, rows_hint).map_err(|e| e.to_string()))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a loader thread panicked".to_string()))).collect()
    });
    let mut ids: Vec<u64> = Vec::new();
    let mut columns: Vec<ColumnBuilder> = Vec::new();
    let mut grants: Vec<(usize, Grant)> = Vec::new();
    for part in parts {
        let part = part.map_err(|e| format!("{}: {e}", path.display()))?;
        let offset = ids.len();
        if ids.is_empty() {
            ids = part.ids;
        } else {
            ids.extend_from_slice(&part.ids);
        }
        grants.extend(part.grants.into_iter().map(|(row, g)| (row + offset, g)));
        if columns.is_empty() {
            columns = part.columns;
        } else {
            for (a, b) in columns.iter_mut().zip(part.columns) {
                a.append(b)?;
            }
        }
    }
    let mut table = FactColumns::new(ids.len());
    for c in columns {
        table.insert_built(c)?;
    }
    table.set_prior_grants_by_row(grants)?;
    Ok(Loaded { ids, columns: table })
}

fn write_eligible(path: &Path, ids: &[u64], scan: &ScanResult) -> Res<()> {
    let mut rows: Vec<(u64, Decimal)> = Vec::new();
    for (i, (id, d)) in ids.iter().zip(&scan.decisions).enumerate() {
        if *d == Outcome::Eligible {
            rows.push((*id, scan.amount(i).ok_or_else(|| format!("eligible case {id} without an amount"))?));
        }
    }
    rows.sort_by_key(|(id, _)| *id);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(w, "id,amount_yuan")?;
    // Amounts repeat (one subsidy standard per program): format each distinct one once.
    let mut last: Option<(Decimal, String)> = None;
    for (id, a) in rows {
        if last.as_ref().is_none_or(|(d, _)| *d != a) {
            last = Some((a, yuan_string(a)));
        }
        let shown = last.as_ref().map_or("", |(_, s)| s.as_str());
        writeln!(w, "{id},{shown}")?;
    }
    w.flush()?;
    Ok(())
}

/// CPU time of this (only) thread so far, in seconds: the first field of
/// `/proc/thread-self/schedstat` (nanoseconds on a CPU). On a shared machine the wall clock also
/// counts the time spent waiting for a core; this does not. `None` off Linux.
fn cpu_s() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

fn main() -> Res<()> {
    let t0 = Instant::now();
    let c0 = cpu_s();
    let mut args: BTreeMap<String, String> = BTreeMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().ok_or_else(|| format!("{k} needs a value"))?;
        args.insert(k, v);
    }
    let data = Path::new(args.get("--data").ok_or("--data DIR is required")?).to_path_buf();
    let out = Path::new(args.get("--out").ok_or("--out DIR is required")?).to_path_buf();
    let as_of = parse_date(args.get("--as-of").map_or("2020-06-30", String::as_str).as_bytes())?;
    std::fs::create_dir_all(&out)?;

    let rules = Ruleset::default_2020()?;
    let t_startup = t0.elapsed().as_secs_f64();
    let t = Instant::now();
    // Loading uses both cores (`JIUYE_LOAD_THREADS`, default 2); the scans run on one thread.
    let threads: usize = std::env::var("JIUYE_LOAD_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
    let persons = load(&data.join("persons.csv"), PERSON_FACTS, threads)?;
    let enterprises = load(&data.join("enterprises.csv"), ENTERPRISE_FACTS, threads)?;
    let t_load = t.elapsed().as_secs_f64();

    let repeat: usize = std::env::var("JIUYE_SCAN_REPEAT").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut programs = serde_json::Map::new();
    let mut results = Vec::new();
    let (mut compute_total, mut compute_cpu_total) = (0.0, 0.0);
    for (program, table) in PROGRAMS {
        let loaded = if *table == Table::Persons { &persons } else { &enterprises };
        let (t, c) = (Instant::now(), cpu_s());
        let scan = rules.scan(program, &loaded.columns, as_of)?;
        let dt = t.elapsed().as_secs_f64();
        let dc = cpu_s().zip(c).map(|(b, a)| b - a);
        // For profiling only (`JIUYE_SCAN_REPEAT=N` scans N more times, only the program named by
        // `JIUYE_SCAN_PROFILE` if set; the timings above are those of the first scan, as in the
        // benchmark, and `compute_best_of_repeats_s` the fastest of all).
        let mut best = dt;
        let profiled = std::env::var("JIUYE_SCAN_PROFILE").map_or(true, |only| only == *program);
        for _ in 0..if profiled { repeat } else { 0 } {
            let t = Instant::now();
            std::hint::black_box(rules.scan(program, &loaded.columns, as_of)?);
            best = best.min(t.elapsed().as_secs_f64());
        }
        compute_total += dt;
        compute_cpu_total += dc.unwrap_or(0.0);
        programs.insert(
            (*program).to_string(),
            serde_json::json!({
                "eligible": scan.count(Outcome::Eligible),
                "ineligible": scan.count(Outcome::Ineligible),
                "needs_facts": scan.count(Outcome::NeedsFacts),
                "total_yuan": yuan_string(scan.total_amount()),
                "compute_s": dt,
                "compute_cpu_s": dc,
                "compute_best_of_repeats_s": best,
            }),
        );
        results.push((*program, &loaded.ids, scan));
    }
    // The three files are written on threads of their own (two cores; the largest file alone is
    // most of the work).
    let t = Instant::now();
    let written: Vec<Result<(), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = results
            .iter()
            .map(|(program, ids, scan)| {
                let path = out.join(format!("{program}.csv"));
                s.spawn(move || write_eligible(&path, ids, scan).map_err(|e| e.to_string()))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a writer thread panicked".to_string()))).collect()
    });
    for w in written {
        w?;
    }
    let t_write = t.elapsed().as_secs_f64();
    let report = serde_json::json!({
        "engine": "jiuye-rules",
        "ruleset_version": rules.version(),
        "as_of": jiuye_rules::value::iso_date(as_of),
        "persons": persons.ids.len(),
        "enterprises": enterprises.ids.len(),
        "startup_s": t_startup,
        "load_s": t_load,
        "programs": programs,
        "compute_s": compute_total,
        "write_s": t_write,
        "end_to_end_s": t0.elapsed().as_secs_f64(),
        "compute_cpu_s": compute_cpu_total,
        "end_to_end_cpu_s": cpu_s().zip(c0).map(|(b, a)| b - a),
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{report}")?;
    Ok(())
}
