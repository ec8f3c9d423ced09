//! jiuye-rules side of issue 3's benchmark against OpenFisca (`bench/openfisca/`).
//!
//! Loads `persons.csv` and `enterprises.csv` written by `bench/openfisca/gen_population.py` into
//! `FactColumns` (read 1 MiB at a time, separators found eight bytes at a time, cells parsed from the bytes), scans `hire_unemployed` and
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
use std::io::Write;
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

/// The offsets of the `,` and `\n` bytes of a buffer, in order, found eight bytes at a time: a
/// byte equal to the separator has its high bit set in `zero_bytes(word ^ separator)` (exact, no
/// false positives), so one word costs a few arithmetic operations plus one step per separator.
struct Separators<'a> {
    words: std::slice::ChunksExact<'a, u8>,
    tail: &'a [u8],
    /// Offset of the current word.
    at: usize,
    /// High bits of the separators of the current word not yet returned.
    mask: u64,
    /// Whether the tail (fewer than 8 bytes) has been loaded into `mask`.
    tail_done: bool,
}

impl<'a> Separators<'a> {
    fn new(data: &'a [u8]) -> Self {
        let words = data.chunks_exact(8);
        let tail = words.remainder();
        // `at` starts one word before the first so the first refill lands on 0.
        Self { words, tail, at: usize::MAX - 7, mask: 0, tail_done: false }
    }

    fn mask_of(word: u64) -> u64 {
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        let zero_bytes = |v: u64| !(((v & LOW7).wrapping_add(LOW7)) | v | LOW7);
        zero_bytes(word ^ 0x2c2c_2c2c_2c2c_2c2c) | zero_bytes(word ^ 0x0a0a_0a0a_0a0a_0a0a)
    }
}

impl Iterator for Separators<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.at = self.at.wrapping_add(8);
            match self.words.next() {
                Some(w) => {
                    let mut bytes = [0u8; 8];
                    bytes.copy_from_slice(w);
                    self.mask = Self::mask_of(u64::from_le_bytes(bytes));
                }
                None if !self.tail_done => {
                    self.tail_done = true;
                    let mut bytes = [0u8; 8];
                    bytes.get_mut(..self.tail.len()).unwrap_or_default().copy_from_slice(self.tail);
                    // Padding zeros are neither `,` nor `\n`.
                    self.mask = Self::mask_of(u64::from_le_bytes(bytes));
                }
                None => return None,
            }
        }
        let byte = (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(self.at + byte)
    }
}

/// Reads the lines that start at a byte offset in `start..end` of a file, 1 MiB at a time with
/// positioned reads (so several threads can read parts of one file), as chunks of whole lines.
/// `start` must be 0 or follow a line end, or else the line it falls in is left to the part
/// before. Every chunk ends with `\n` (one is added after a last line without it).
struct Chunks<'f> {
    file: &'f File,
    buf: Vec<u8>,
    /// Bytes of `buf` holding data; `buf[..complete]` is the chunk handed out last.
    filled: usize,
    complete: usize,
    /// File offset of the next read, and of `buf[0]`.
    pos: u64,
    base: u64,
    /// Skip the partial line the part starts in.
    skip: bool,
    eof: bool,
}

impl<'f> Chunks<'f> {
    fn new(file: &'f File, start: u64) -> Res<Self> {
        let mut skip = false;
        if start > 0 {
            let mut prev = [0u8; 1];
            file.read_exact_at(&mut prev, start - 1)?;
            skip = prev[0] != b'\n';
        }
        Ok(Self { file, buf: vec![0u8; 1 << 20], filled: 0, complete: 0, pos: start, base: start, skip, eof: false })
    }

    /// The next chunk and the file offset of its first byte; `None` at end of file.
    fn next_chunk(&mut self) -> Res<Option<(u64, &[u8])>> {
        self.buf.copy_within(self.complete..self.filled, 0);
        self.filled -= self.complete;
        self.base += self.complete as u64;
        self.complete = 0;
        loop {
            if self.eof {
                if self.filled == 0 {
                    return Ok(None);
                }
                // A last line without a line end.
                if self.buf.get(self.filled - 1) != Some(&b'\n') {
                    self.buf.truncate(self.filled);
                    self.buf.push(b'\n');
                    self.filled += 1;
                }
                self.complete = self.filled;
            } else {
                let n = self.file.read_at(self.buf.get_mut(self.filled..).unwrap_or_default(), self.pos)?;
                self.pos += n as u64;
                self.filled += n;
                self.eof = n == 0;
                match memchr::memrchr(b'\n', self.buf.get(..self.filled).unwrap_or_default()) {
                    Some(p) if !self.eof => self.complete = p + 1,
                    _ if self.eof => continue,
                    _ => {
                        if self.filled == self.buf.len() {
                            self.buf.resize(self.buf.len() * 2, 0);
                        }
                        continue;
                    }
                }
            }
            let mut from = 0;
            if std::mem::take(&mut self.skip) {
                let chunk = self.buf.get(..self.complete).unwrap_or_default();
                from = memchr::memchr(b'\n', chunk).map_or(self.complete, |p| p + 1);
            }
            let chunk = self.buf.get(from..self.complete).unwrap_or_default();
            return Ok(Some((self.base + from as u64, chunk)));
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

/// Reads the rows of the part `start..end` of the file (byte offsets; see [`Chunks`]): one pass
/// over the bytes finds the separators ([`Separators`]) and hands each cell to its column as
/// soon as its end is found. Cells are split on `,` without quoting (the generated files have
/// none); a line end may be `\r\n`; empty lines are skipped.
fn load_part(file: &File, start: u64, end: u64, slots: &[Slot], facts: &[&str], rows_hint: usize) -> Res<Part> {
    let mut part = Part {
        ids: Vec::with_capacity(rows_hint),
        columns: facts.iter().map(|name| ColumnBuilder::new(name, rows_hint)).collect::<Result<_, _>>()?,
        grants: Vec::new(),
    };
    let mut chunks = Chunks::new(file, start)?;
    // Index of the current row within the part (for messages and grants).
    let mut row = 0usize;
    let (mut program, mut date): (Vec<u8>, Vec<u8>) = (Vec::new(), Vec::new());
    while let Some((base, data)) = chunks.next_chunk()? {
        let (mut cell_start, mut k) = (0usize, 0usize);
        if base >= end {
            break;
        }
        for p in Separators::new(data) {
            let newline = data.get(p) == Some(&b'\n');
            let mut cell = data.get(cell_start..p).unwrap_or_default();
            if newline {
                cell = cell.strip_suffix(b"\r").unwrap_or(cell);
                if k == 0 && cell.is_empty() {
                    // An empty line.
                    cell_start = p + 1;
                    if base + cell_start as u64 >= end {
                        return Ok(part);
                    }
                    continue;
                }
            }
            match slots.get(k) {
                Some(Slot::Id) => part.ids.push(u64::try_from(parse_int(cell).map_err(|e| format!("row +{row}: id: {e}"))?)?),
                Some(Slot::Fact(f)) => {
                    part.columns.get_mut(*f).ok_or("bad fact index")?.push_text(cell).map_err(|e| format!("row +{row}: {e}"))?
                }
                Some(Slot::GrantProgram) => cell.clone_into(&mut program),
                Some(Slot::GrantDate) => cell.clone_into(&mut date),
                Some(Slot::Ignore) => {}
                None => return Err(format!("row +{row}: more than {} cells", slots.len()).into()),
            }
            k += 1;
            cell_start = p + 1;
            if newline {
                if k != slots.len() {
                    return Err(format!("row +{row}: {k} cells, expected {}", slots.len()).into());
                }
                if !program.is_empty() {
                    part.grants.push((row, Grant { program: std::str::from_utf8(&program)?.to_string(), date: parse_date(&date)? }));
                    program.clear();
                }
                k = 0;
                row += 1;
                // `cell_start` is now the next line's start.
                if base + cell_start as u64 >= end {
                    return Ok(part);
                }
            }
        }
    }
    Ok(part)
}

/// Loads a table on `threads` threads, each parsing a contiguous part of the file straight into
/// typed columns (`ColumnBuilder`); the parts are appended in file order.
fn load(path: &Path, facts: &[&str], threads: usize) -> Res<Loaded> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let size = file.metadata()?.len();
    let mut chunks = Chunks::new(&file, 0)?;
    let first = chunks.next_chunk()?.map(|(_, data)| data).unwrap_or_default();
    let first = first.get(..memchr::memchr(b'\n', first).unwrap_or(0)).unwrap_or_default();
    let body = first.len() as u64 + 1;
    let first = first.strip_suffix(b"\r").unwrap_or(first);
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
    // The file is formatted in memory without `fmt` (a third of the time went to `writeln!`) and
    // written at once. Amounts repeat (one subsidy standard per program): each distinct one is
    // formatted once.
    let mut text: Vec<u8> = Vec::with_capacity(32 * rows.len() + 16);
    text.extend_from_slice(b"id,amount_yuan\n");
    let mut last: Option<(Decimal, String)> = None;
    for (id, a) in rows {
        if last.as_ref().is_none_or(|(d, _)| *d != a) {
            last = Some((a, yuan_string(a)));
        }
        push_decimal(&mut text, id);
        text.push(b',');
        text.extend_from_slice(last.as_ref().map_or("", |(_, s)| s.as_str()).as_bytes());
        text.push(b'\n');
    }
    File::create(path)?.write_all(&text)?;
    Ok(())
}

/// Appends the decimal digits of `n`.
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(at..).unwrap_or_default());
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
