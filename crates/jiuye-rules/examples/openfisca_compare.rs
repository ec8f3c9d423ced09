//! jiuye-rules side of issue 3's benchmark against OpenFisca (`bench/openfisca/`).
//!
//! Loads `persons.csv` and `enterprises.csv` written by `bench/openfisca/gen_population.py` into
//! `FactColumns` (streaming, line by line), scans `hire_unemployed` and `unemployment_supplement`
//! over the persons and `stable_post_refund` over the enterprises with
//! `Ruleset::default_2020()?.scan(program, &columns, as_of)`, writes `<out>/<program>.csv`
//! (`id,amount_yuan` of the eligible cases, sorted by id) and prints one JSON line of timings.
//!
//! ```sh
//! cargo run --release -p jiuye-rules --example openfisca_compare -- --data DIR --out DIR [--as-of 2020-06-30]
//! ```
//!
//! Timings: `startup` = process start → ruleset built; `load` = files → columns; per program
//! `compute` = the `scan` call alone (single-threaded, as the engine is); `write`; `end_to_end` =
//! process start → outputs written.

use std::collections::BTreeMap;
use std::error::Error;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::str::FromStr;
use std::time::Instant;

use jiuye_rules::{Column, FactColumns, Grant, Outcome, Ruleset, yuan_string};
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

    fn push(&mut self, cell: &str) -> Res<()> {
        let present = !cell.is_empty();
        match self {
            Builder::Bool(v) => v.push(if present { Some(parse_bool(cell)?) } else { None }),
            Builder::Int(v) => v.push(if present { Some(cell.parse::<i64>()?) } else { None }),
            Builder::Date(v) => v.push(if present { Some(parse_date(cell)?) } else { None }),
            Builder::Decimal(v) => v.push(if present { Some(Decimal::from_str(cell)?) } else { None }),
            Builder::Enum(v) => v.push(if present { Some(cell.to_string()) } else { None }),
        }
        Ok(())
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

fn parse_bool(s: &str) -> Res<bool> {
    match s {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("not a boolean: {other:?}").into()),
    }
}

/// `YYYY-MM-DD`, strictly.
fn parse_date(s: &str) -> Res<Date> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Res<u32> {
        let part = b.get(r).ok_or_else(|| format!("not a date: {s:?}"))?;
        part.iter().try_fold(0u32, |acc, c| {
            if c.is_ascii_digit() { Ok(acc * 10 + u32::from(c - b'0')) } else { Err(format!("not a date: {s:?}").into()) }
        })
    };
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return Err(format!("not a date: {s:?}").into());
    }
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    Ok(Date::from_calendar_date(i32::try_from(y)?, Month::try_from(u8::try_from(m)?)?, u8::try_from(d)?)?)
}

/// One table: ids, fact columns, earlier grants.
struct Loaded {
    ids: Vec<u64>,
    columns: FactColumns,
}

fn load(path: &Path, facts: &[(&'static str, Kind)]) -> Res<Loaded> {
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path).map_err(|e| format!("{}: {e}", path.display()))?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let header: Vec<String> = line.trim_end().split(',').map(str::to_string).collect();
    let position = |name: &str| header.iter().position(|h| h == name).ok_or_else(|| format!("{}: no column {name}", path.display()));
    // Per CSV column: what to do with its cells.
    enum Slot {
        Id,
        Fact(usize),
        GrantProgram,
        GrantDate,
        Ignore,
    }
    let mut slots: Vec<Slot> = header.iter().map(|_| Slot::Ignore).collect();
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
    let mut builders: Vec<Builder> = facts.iter().map(|(_, kind)| Builder::new(*kind)).collect();
    let mut ids = Vec::new();
    let mut grants: Vec<Vec<Grant>> = Vec::new();
    let mut row = 1usize;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        row += 1;
        let (mut program, mut date) = ("", "");
        let mut cells = 0;
        for (cell, slot) in line.trim_end_matches(['\n', '\r']).split(',').zip(&slots) {
            cells += 1;
            match slot {
                Slot::Id => ids.push(cell.parse::<u64>().map_err(|e| format!("{} row {row}: id: {e}", path.display()))?),
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
        grants.push(if program.is_empty() { Vec::new() } else { vec![Grant { program: program.to_string(), date: parse_date(date)? }] });
    }
    let mut columns = FactColumns::new(ids.len());
    for ((name, _), b) in facts.iter().zip(builders) {
        columns.insert(name, b.finish())?;
    }
    columns.set_prior_grants(grants)?;
    Ok(Loaded { ids, columns })
}

fn write_eligible(path: &Path, ids: &[u64], decisions: &[Outcome], amounts: &[Option<Decimal>]) -> Res<()> {
    let mut rows: Vec<(u64, Decimal)> = Vec::new();
    for ((id, d), a) in ids.iter().zip(decisions).zip(amounts) {
        if *d == Outcome::Eligible {
            rows.push((*id, a.ok_or_else(|| format!("eligible case {id} without an amount"))?));
        }
    }
    rows.sort_by_key(|(id, _)| *id);
    let mut w = BufWriter::new(File::create(path)?);
    writeln!(w, "id,amount_yuan")?;
    for (id, a) in rows {
        writeln!(w, "{id},{}", yuan_string(a))?;
    }
    w.flush()?;
    Ok(())
}

fn main() -> Res<()> {
    let t0 = Instant::now();
    let mut args: BTreeMap<String, String> = BTreeMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().ok_or_else(|| format!("{k} needs a value"))?;
        args.insert(k, v);
    }
    let data = Path::new(args.get("--data").ok_or("--data DIR is required")?).to_path_buf();
    let out = Path::new(args.get("--out").ok_or("--out DIR is required")?).to_path_buf();
    let as_of = parse_date(args.get("--as-of").map_or("2020-06-30", String::as_str))?;
    std::fs::create_dir_all(&out)?;

    let rules = Ruleset::default_2020()?;
    let t_startup = t0.elapsed().as_secs_f64();
    let t = Instant::now();
    let persons = load(&data.join("persons.csv"), PERSON_FACTS)?;
    let enterprises = load(&data.join("enterprises.csv"), ENTERPRISE_FACTS)?;
    let t_load = t.elapsed().as_secs_f64();

    let mut programs = serde_json::Map::new();
    let mut results = Vec::new();
    let mut compute_total = 0.0;
    for (program, table) in PROGRAMS {
        let loaded = if *table == Table::Persons { &persons } else { &enterprises };
        let t = Instant::now();
        let scan = rules.scan(program, &loaded.columns, as_of)?;
        let dt = t.elapsed().as_secs_f64();
        compute_total += dt;
        programs.insert(
            (*program).to_string(),
            serde_json::json!({
                "eligible": scan.count(Outcome::Eligible),
                "ineligible": scan.count(Outcome::Ineligible),
                "needs_facts": scan.count(Outcome::NeedsFacts),
                "total_yuan": yuan_string(scan.total_amount()),
                "compute_s": dt,
            }),
        );
        results.push((*program, &loaded.ids, scan));
    }
    let t = Instant::now();
    for (program, ids, scan) in &results {
        write_eligible(&out.join(format!("{program}.csv")), ids, &scan.decisions, &scan.amounts)?;
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
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{report}")?;
    Ok(())
}
