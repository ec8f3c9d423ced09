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
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::str::FromStr;
use std::time::Instant;

use jiuye_rules::{Column, FactColumns, Grant, Outcome, Ruleset, ScanResult, yuan_string};
use rust_decimal::Decimal;
use time::{Date, Month};

type Res<T> = Result<T, Box<dyn Error>>;

/// How a CSV column is read.
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Date,
    Decimal,
    Enum,
}

const PERSON_FACTS: &[(&str, Kind)] = &[
    ("person.registered_unemployed_since", Kind::Date),
    ("hire.date", Kind::Date),
    ("hire.contract_months", Kind::Int),
    ("hire.social_insurance_paid", Kind::Bool),
    ("person.employed", Kind::Bool),
    ("person.insured_unemployed", Kind::Bool),
    ("person.entitled_to_unemployment_benefit", Kind::Bool),
    ("person.unemployment_benefit_ended_on", Kind::Date),
];

const ENTERPRISE_FACTS: &[(&str, Kind)] = &[
    ("enterprise.size_class", Kind::Enum),
    ("enterprise.unemployment_insured", Kind::Bool),
    ("enterprise.insured_staff", Kind::Int),
    ("enterprise.average_insured_staff", Kind::Decimal),
    ("enterprise.staff_total", Kind::Int),
    ("enterprise.layoffs_in_period", Kind::Int),
    ("enterprise.ui_contributions_last_year_yuan", Kind::Decimal),
];

const PROGRAMS: &[(&str, Table)] =
    &[("hire_unemployed", Table::Persons), ("stable_post_refund", Table::Enterprises), ("unemployment_supplement", Table::Persons)];

#[derive(Clone, Copy, PartialEq)]
enum Table {
    Persons,
    Enterprises,
}

/// A column being filled.
enum Builder {
    Bool(Vec<Option<bool>>),
    Int(Vec<Option<i64>>),
    Date(Vec<Option<Date>>),
    Decimal(Vec<Option<Decimal>>),
    Enum(Vec<Option<String>>),
}

impl Builder {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Bool => Builder::Bool(Vec::new()),
            Kind::Int => Builder::Int(Vec::new()),
            Kind::Date => Builder::Date(Vec::new()),
            Kind::Decimal => Builder::Decimal(Vec::new()),
            Kind::Enum => Builder::Enum(Vec::new()),
        }
    }

    /// Parses one cell straight from the file's bytes (no per-field allocation except for enum
    /// codes and decimals, which only the 50,000 enterprises have).
    fn push(&mut self, cell: &[u8]) -> Res<()> {
        let present = !cell.is_empty();
        match self {
            Builder::Bool(v) => v.push(if present { Some(parse_bool(cell)?) } else { None }),
            Builder::Int(v) => v.push(if present { Some(parse_int(cell)?) } else { None }),
            Builder::Date(v) => v.push(if present { Some(parse_date(cell)?) } else { None }),
            Builder::Decimal(v) => v.push(if present { Some(Decimal::from_str(std::str::from_utf8(cell)?)?) } else { None }),
            Builder::Enum(v) => v.push(if present { Some(std::str::from_utf8(cell)?.to_string()) } else { None }),
        }
        Ok(())
    }

    fn reserve(&mut self, n: usize) {
        match self {
            Builder::Bool(v) => v.reserve(n),
            Builder::Int(v) => v.reserve(n),
            Builder::Date(v) => v.reserve(n),
            Builder::Decimal(v) => v.reserve(n),
            Builder::Enum(v) => v.reserve(n),
        }
    }

    fn finish(self) -> Column {
        match self {
            Builder::Bool(v) => Column::Bool(v),
            Builder::Int(v) => Column::Int(v),
            Builder::Date(v) => Column::Date(v),
            Builder::Decimal(v) => Column::Decimal(v),
            Builder::Enum(v) => Column::Enum(v),
        }
    }
}

fn parse_bool(s: &[u8]) -> Res<bool> {
    match s {
        b"true" => Ok(true),
        b"false" => Ok(false),
        other => Err(format!("not a boolean: {:?}", String::from_utf8_lossy(other)).into()),
    }
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

/// Calls `f` with each non-empty line of the file (without its line end), reading 1 MiB at a time.
fn for_each_line(path: &Path, mut f: impl FnMut(&[u8]) -> Res<()>) -> Res<()> {
    let mut file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut filled = 0;
    loop {
        let n = file.read(buf.get_mut(filled..).unwrap_or_default())?;
        filled += n;
        let data = buf.get(..filled).unwrap_or_default();
        // Complete lines only, unless the file has ended.
        let end = if n == 0 {
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
        for line in data.get(..end).unwrap_or_default().split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.is_empty() {
                f(line)?;
            }
        }
        buf.copy_within(end..filled, 0);
        filled -= end;
        if n == 0 {
            return Ok(());
        }
    }
}

/// Per CSV column: what to do with its cells.
enum Slot {
    Id,
    Fact(usize),
    GrantProgram,
    GrantDate,
    Ignore,
}

fn load(path: &Path, facts: &[(&'static str, Kind)]) -> Res<Loaded> {
    let mut slots: Vec<Slot> = Vec::new();
    let mut builders: Vec<Builder> = facts.iter().map(|(_, kind)| Builder::new(*kind)).collect();
    // No line is shorter than 16 bytes: room for every row, and the unused capacity of a
    // vector is never touched, so it costs address space only.
    let rows_max = usize::try_from(std::fs::metadata(path)?.len())? / 16 + 16;
    builders.iter_mut().for_each(|b| b.reserve(rows_max));
    let mut ids: Vec<u64> = Vec::with_capacity(rows_max);
    let mut grants: Vec<(usize, Grant)> = Vec::new();
    let mut row = 0usize;
    for_each_line(path, |line| {
        row += 1;
        if row == 1 {
            let header: Vec<&[u8]> = line.split(|b| *b == b',').collect();
            let position = |name: &str| {
                header.iter().position(|h| *h == name.as_bytes()).ok_or_else(|| format!("{}: no column {name}", path.display()))
            };
            slots = header.iter().map(|_| Slot::Ignore).collect();
            let mut set = |i: usize, s: Slot| -> Res<()> {
                *slots.get_mut(i).ok_or("bad column index")? = s;
                Ok(())
            };
            set(position("id")?, Slot::Id)?;
            set(position("prior_grant.program")?, Slot::GrantProgram)?;
            set(position("prior_grant.date")?, Slot::GrantDate)?;
            for (k, (name, _)) in facts.iter().enumerate() {
                set(position(name)?, Slot::Fact(k))?;
            }
            return Ok(());
        }
        let (mut program, mut date): (&[u8], &[u8]) = (b"", b"");
        let mut cells = 0;
        for (cell, slot) in line.split(|b| *b == b',').zip(&slots) {
            cells += 1;
            match slot {
                Slot::Id => ids.push(u64::try_from(parse_int(cell).map_err(|e| format!("{} row {row}: id: {e}", path.display()))?)?),
                Slot::Fact(k) => {
                    builders.get_mut(*k).ok_or("bad fact index")?.push(cell).map_err(|e| format!("{} row {row}: {e}", path.display()))?
                }
                Slot::GrantProgram => program = cell,
                Slot::GrantDate => date = cell,
                Slot::Ignore => {}
            }
        }
        if cells != slots.len() {
            return Err(format!("{} row {row}: {cells} cells, expected {}", path.display(), slots.len()).into());
        }
        if !program.is_empty() {
            grants
                .push((ids.len().saturating_sub(1), Grant { program: std::str::from_utf8(program)?.to_string(), date: parse_date(date)? }));
        }
        Ok(())
    })?;
    let mut columns = FactColumns::new(ids.len());
    for ((name, _), b) in facts.iter().zip(builders) {
        columns.insert(name, b.finish())?;
    }
    columns.set_prior_grants_by_row(grants)?;
    Ok(Loaded { ids, columns })
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
    let persons = load(&data.join("persons.csv"), PERSON_FACTS)?;
    let enterprises = load(&data.join("enterprises.csv"), ENTERPRISE_FACTS)?;
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
    let t = Instant::now();
    for (program, ids, scan) in &results {
        write_eligible(&out.join(format!("{program}.csv")), ids, scan)?;
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
