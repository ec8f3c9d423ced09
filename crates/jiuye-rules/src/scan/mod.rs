//! Scan mode: the same program definitions evaluated over many cases held as typed columns
//! (struct of arrays) — not explain mode called per case.
//!
//! Storage is typed: booleans are one byte per case (known true, known false or unknown), dates
//! are packed integers (`packed.rs`), counts are `i64`, money and rates `Decimal`, enum codes one
//! byte, and an ID number only the birth date and sex derived facts read from it. The program
//! is compiled once per scan into a tree of typed nodes (`plan.rs`) and evaluated block by block
//! (`BLOCK` rows at a time) into buffers that each node reuses, so no column as long as the table
//! is ever allocated for an intermediate value. Parameters and literals are constant per
//! *segment*: the stretch of reference dates over which every parameter the program reads keeps
//! one value; they are folded once per segment with the kernels of `expr.rs`, so they cost
//! nothing per case.
//!
//! Agreement with explain mode rests on shared pieces: the kernels of `expr.rs` (for constants and
//! any combination of types without a typed kernel), `derived::compute` (for the derived facts
//! without a typed kernel), `decision::{finish, outcome_of}` semantics and `round_yuan`. The
//! differential tests (`tests/rules/differential.rs`) check the whole on generated cases.

mod builder;
mod packed;
mod plan;

pub use builder::ColumnBuilder;

use std::collections::BTreeMap;

use jiuye_domain::{IdNumber, Sex};
use rust_decimal::Decimal;
use time::Date;

use crate::decision::Outcome;
use crate::error::RulesError;
use crate::facts::{Facts, Grant, input_def};
use crate::programs::Program;
use crate::ruleset::Ruleset;
use crate::value::{Scalar, Value, ValueType};
use crate::vocabulary;

/// A typed column given by the caller; `None` cells are missing facts.
#[derive(Debug, Clone)]
pub enum Column {
    Bool(Vec<Option<bool>>),
    Int(Vec<Option<i64>>),
    Date(Vec<Option<Date>>),
    /// Money, rates and decimals (the fact's type says which).
    Decimal(Vec<Option<Decimal>>),
    /// Enum codes; checked against the vocabulary on insert.
    Enum(Vec<Option<String>>),
    IdNumber(Vec<Option<IdNumber>>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Bool(v) => v.len(),
            Column::Int(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Decimal(v) => v.len(),
            Column::Enum(v) => v.len(),
            Column::IdNumber(v) => v.len(),
        }
    }
}

/// Three-valued booleans, one byte each: bit 0 "known true", bit 1 "known false", neither
/// "unknown". Kleene AND/OR/NOT are then bit operations (`plan.rs`).
pub(crate) const TRUE: u8 = 1;
pub(crate) const FALSE: u8 = 2;
pub(crate) const UNKNOWN: u8 = 0;

pub(crate) fn bool_code(b: Option<bool>) -> u8 {
    match b {
        Some(true) => TRUE,
        Some(false) => FALSE,
        None => UNKNOWN,
    }
}

/// How a column is held for evaluation.
#[derive(Debug, Clone)]
pub(crate) enum Stored {
    /// `TRUE`/`FALSE`/`UNKNOWN` per case.
    Bool(Vec<u8>),
    /// Values and whether each is known (an unknown value is 0).
    Int(Vec<i64>, Vec<bool>),
    Dec(Vec<Decimal>, Vec<bool>),
    /// Packed dates, `packed::NO_DATE` when unknown.
    Date(Vec<i32>),
    /// 1 + the position of the code in the fact's list of values; 0 when unknown.
    Enum(Vec<u8>, &'static [(&'static str, &'static str)]),
    /// From the ID number, only what derived facts read: packed birth date (`NO_DATE` when
    /// unknown) and sex (`true` = male).
    Person(Vec<i32>, Vec<bool>),
}

impl Stored {
    /// The evaluator's view of one cell (the slow path: derived facts without a typed kernel).
    fn scalar(&self, i: usize) -> Option<Scalar> {
        match self {
            Stored::Bool(v) => match v.get(i).copied() {
                Some(TRUE) => Some(Scalar::Bool(true)),
                Some(FALSE) => Some(Scalar::Bool(false)),
                _ => None,
            },
            Stored::Int(v, ok) => ok.get(i).copied().filter(|k| *k).and(v.get(i)).map(|x| Scalar::Num(Decimal::from(*x))),
            Stored::Dec(v, ok) => ok.get(i).copied().filter(|k| *k).and(v.get(i)).map(|x| Scalar::Num(*x)),
            Stored::Date(v) => v.get(i).and_then(|p| packed::unpack(*p)).map(Scalar::Date),
            Stored::Enum(v, values) => {
                let code = usize::from(*v.get(i)?);
                values.get(code.checked_sub(1)?).map(|(c, _)| Scalar::Sym(c))
            }
            Stored::Person(..) => None,
        }
    }

    fn person(&self, i: usize) -> Option<(Date, Sex)> {
        match self {
            Stored::Person(birth, male) => {
                let b = packed::unpack(*birth.get(i)?)?;
                Some((b, if *male.get(i)? { Sex::Male } else { Sex::Female }))
            }
            _ => None,
        }
    }
}

/// Earlier grants of all cases, compressed: case `i` has the entries
/// `offsets[i]..offsets[i + 1]`, each a program (index into `names`) and a packed date.
#[derive(Debug, Clone, Default)]
pub(crate) struct GrantTable {
    offsets: Vec<u32>,
    /// The cases that have at least one entry, in order.
    rows: Vec<u32>,
    programs: Vec<u32>,
    dates: Vec<i32>,
    names: Vec<String>,
}

impl GrantTable {
    fn build(grants: Vec<Vec<Grant>>) -> Option<Self> {
        let mut t = GrantTable { offsets: Vec::with_capacity(grants.len() + 1), ..Default::default() };
        t.offsets.push(0);
        for row in grants {
            for g in row {
                let id = match t.names.iter().position(|n| *n == g.program) {
                    Some(id) => id,
                    None => {
                        t.names.push(g.program);
                        t.names.len() - 1
                    }
                };
                t.programs.push(u32::try_from(id).ok()?);
                t.dates.push(packed::pack(g.date));
            }
            t.offsets.push(u32::try_from(t.programs.len()).ok()?);
        }
        t.rows = rows_with_entries(&t.offsets)?;
        Some(t)
    }
}

/// The cases whose offsets enclose at least one entry.
fn rows_with_entries(offsets: &[u32]) -> Option<Vec<u32>> {
    let mut rows = Vec::new();
    for (i, w) in offsets.windows(2).enumerate() {
        if matches!(w, [a, b] if a != b) {
            rows.push(u32::try_from(i).ok()?);
        }
    }
    Some(rows)
}

/// Facts of many cases, column by column.
#[derive(Debug, Clone, Default)]
pub struct FactColumns {
    len: usize,
    cols: BTreeMap<&'static str, Stored>,
    grants: Option<GrantTable>,
}

impl FactColumns {
    pub fn new(len: usize) -> Self {
        Self { len, cols: BTreeMap::new(), grants: None }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds (or replaces) the column of an input fact, checking name, type and length.
    pub fn insert(&mut self, name: &str, column: Column) -> Result<(), RulesError> {
        let def = input_def(name)?;
        if column.len() != self.len {
            return Err(RulesError::ColumnLength { name: name.to_string(), expected: self.len, got: column.len() });
        }
        let type_err = |got: &str| RulesError::FactType { name: def.name.to_string(), expected: def.ty.label(), got: got.to_string() };
        let stored = match (def.ty, column) {
            (ValueType::Bool, Column::Bool(v)) => Stored::Bool(v.into_iter().map(bool_code).collect()),
            (ValueType::Int, Column::Int(v)) => {
                Stored::Int(v.iter().map(|x| x.unwrap_or(0)).collect(), v.iter().map(Option::is_some).collect())
            }
            (ValueType::Date, Column::Date(v)) => Stored::Date(v.into_iter().map(packed::pack_opt).collect()),
            (ValueType::Money | ValueType::Rate | ValueType::Decimal, Column::Decimal(v)) => {
                Stored::Dec(v.iter().map(|x| x.unwrap_or_default()).collect(), v.iter().map(Option::is_some).collect())
            }
            (ValueType::Enum, Column::Enum(v)) => {
                let mut out = Vec::with_capacity(v.len());
                for code in v {
                    out.push(match code {
                        None => 0,
                        Some(c) => enum_index(def, &c)
                            .ok_or_else(|| RulesError::FactValue {
                                name: def.name.to_string(), message: format!("“{c}”不是可选值之一")
                            })?,
                    });
                }
                Stored::Enum(out, def.values)
            }
            (ValueType::IdNumber, Column::IdNumber(v)) => Stored::Person(
                v.iter().map(|x| packed::pack_opt(x.as_ref().map(IdNumber::birth_date))).collect(),
                v.iter().map(|x| x.as_ref().is_some_and(|id| id.sex() == Sex::Male)).collect(),
            ),
            (_, other) => return Err(type_err(column_kind(&other))),
        };
        self.cols.insert(def.name, stored);
        Ok(())
    }

    /// Earlier grants per case (one list per row).
    pub fn set_prior_grants(&mut self, grants: Vec<Vec<Grant>>) -> Result<(), RulesError> {
        if grants.len() != self.len {
            return Err(RulesError::ColumnLength { name: "prior_grants".into(), expected: self.len, got: grants.len() });
        }
        let total: usize = grants.iter().map(Vec::len).sum();
        let table = GrantTable::build(grants).ok_or_else(|| RulesError::ColumnLength {
            name: "prior_grants".into(),
            expected: u32::MAX as usize,
            got: total,
        })?;
        self.grants = Some(table);
        Ok(())
    }

    /// Earlier grants as `(row, grant)` pairs, for tables where few cases have any (in any
    /// order; rows without a pair have none). Same meaning as `set_prior_grants`, without a list
    /// per case.
    pub fn set_prior_grants_by_row(&mut self, mut grants: Vec<(usize, Grant)>) -> Result<(), RulesError> {
        if let Some((row, _)) = grants.iter().find(|(row, _)| *row >= self.len) {
            return Err(RulesError::ColumnLength { name: "prior_grants".into(), expected: self.len, got: row + 1 });
        }
        grants.sort_by_key(|(row, _)| *row);
        let too_many = || RulesError::ColumnLength { name: "prior_grants".into(), expected: u32::MAX as usize, got: grants.len() };
        let mut table = GrantTable { offsets: Vec::with_capacity(self.len + 1), ..Default::default() };
        table.offsets.push(0);
        let mut next = grants.iter().peekable();
        for row in 0..self.len {
            while let Some((_, g)) = next.next_if(|(r, _)| *r == row) {
                let id = match table.names.iter().position(|n| *n == g.program) {
                    Some(id) => id,
                    None => {
                        table.names.push(g.program.clone());
                        table.names.len() - 1
                    }
                };
                table.programs.push(u32::try_from(id).map_err(|_| too_many())?);
                table.dates.push(packed::pack(g.date));
            }
            table.offsets.push(u32::try_from(table.programs.len()).map_err(|_| too_many())?);
        }
        table.rows = rows_with_entries(&table.offsets).ok_or_else(too_many)?;
        self.grants = Some(table);
        Ok(())
    }

    /// Builds columns from per-case facts (for tests, small batches and the simulator's samples).
    pub fn from_rows(rows: &[Facts]) -> Result<Self, RulesError> {
        let mut out = Self::new(rows.len());
        let mut names: Vec<&'static str> = Vec::new();
        for r in rows {
            for (n, _) in r.iter() {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        for name in names {
            let def = input_def(name)?;
            let cells = rows.iter().map(|r| r.get(name));
            let stored = match def.ty {
                ValueType::IdNumber => {
                    let ids: Vec<Option<(Date, Sex)>> = cells
                        .map(|v| match v {
                            Some(Value::IdNumber(id)) => Some((id.birth_date(), id.sex())),
                            _ => None,
                        })
                        .collect();
                    Stored::Person(
                        ids.iter().map(|x| packed::pack_opt(x.map(|(b, _)| b))).collect(),
                        ids.iter().map(|x| x.is_some_and(|(_, s)| s == Sex::Male)).collect(),
                    )
                }
                ValueType::Bool => Stored::Bool(
                    cells
                        .map(|v| match v {
                            Some(Value::Bool(b)) => bool_code(Some(*b)),
                            _ => UNKNOWN,
                        })
                        .collect(),
                ),
                ValueType::Int => {
                    let v: Vec<Option<i64>> = cells.map(|v| if let Some(Value::Int(i)) = v { Some(*i) } else { None }).collect();
                    Stored::Int(v.iter().map(|x| x.unwrap_or(0)).collect(), v.iter().map(Option::is_some).collect())
                }
                ValueType::Date => {
                    Stored::Date(cells.map(|v| if let Some(Value::Date(d)) = v { packed::pack(*d) } else { packed::NO_DATE }).collect())
                }
                ValueType::Money | ValueType::Rate | ValueType::Decimal => {
                    let v: Vec<Option<Decimal>> = cells
                        .map(|v| match v {
                            Some(Value::Money(m) | Value::Rate(m) | Value::Decimal(m)) => Some(*m),
                            _ => None,
                        })
                        .collect();
                    Stored::Dec(v.iter().map(|x| x.unwrap_or_default()).collect(), v.iter().map(Option::is_some).collect())
                }
                ValueType::Enum => {
                    let mut v = Vec::with_capacity(rows.len());
                    for cell in cells {
                        v.push(match cell {
                            Some(Value::Enum(c)) => enum_index(def, c).ok_or_else(|| RulesError::FactValue {
                                name: def.name.to_string(),
                                message: format!("“{c}”不是可选值之一"),
                            })?,
                            _ => 0,
                        });
                    }
                    Stored::Enum(v, def.values)
                }
                // Facts hold no other types for input facts the evaluator may read; keep them out.
                ValueType::Text => continue,
            };
            out.cols.insert(def.name, stored);
        }
        if rows.iter().any(|r| !r.grants().is_empty()) {
            out.set_prior_grants(rows.iter().map(|r| r.grants().to_vec()).collect())?;
        }
        Ok(out)
    }

    fn stored(&self, name: &str) -> Option<&Stored> {
        self.cols.get(name)
    }
}

/// 1 + the position of `code` in the fact's list (0 is "unknown").
fn enum_index(def: &vocabulary::FactDef, code: &str) -> Option<u8> {
    let at = def.values.iter().position(|(c, _)| *c == code)?;
    u8::try_from(at + 1).ok()
}

fn column_kind(c: &Column) -> &'static str {
    match c {
        Column::Bool(_) => "布尔列",
        Column::Int(_) => "整数列",
        Column::Date(_) => "日期列",
        Column::Decimal(_) => "十进制数列",
        Column::Enum(_) => "枚举列",
        Column::IdNumber(_) => "身份号码列",
    }
}

/// Per-case condition bitmasks, as narrow as the program's condition count allows (most
/// programs have fewer than 8 conditions: one byte per case instead of eight).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Masks {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
}

impl Masks {
    fn get(&self, i: usize) -> Option<u64> {
        match self {
            Masks::U8(v) => v.get(i).map(|m| u64::from(*m)),
            Masks::U16(v) => v.get(i).map(|m| u64::from(*m)),
            Masks::U32(v) => v.get(i).map(|m| u64::from(*m)),
            Masks::U64(v) => v.get(i).copied(),
        }
    }

    /// How many cases have bit `bit` set.
    fn count_bit(&self, bit: usize) -> usize {
        fn count<T: Copy + Into<u64>>(v: &[T], bit: usize) -> usize {
            let m = 1u64.checked_shl(u32::try_from(bit).unwrap_or(u32::MAX)).unwrap_or(0);
            v.iter().filter(|x| (**x).into() & m != 0).count()
        }
        match self {
            Masks::U8(v) => count(v, bit),
            Masks::U16(v) => count(v, bit),
            Masks::U32(v) => count(v, bit),
            Masks::U64(v) => count(v, bit),
        }
    }
}

/// Per case: the decision, the amount, and which conditions failed or were unknown.
///
/// The result is compact (7 bytes per case for a program of up to 8 conditions): amounts are an
/// index into a table of distinct values (a program whose amount is a parameter has one value
/// per segment of reference dates) and the condition masks are as narrow as the program allows.
/// Read them with `amount`, `amounts`, `failed_mask` and `unknown_mask`.
#[derive(Debug, Clone)]
pub struct ScanResult {
    pub program: &'static str,
    pub as_of: Date,
    pub ruleset_version: String,
    /// Condition ids in bit order; the exclusivity check, when the program has one, is last.
    pub condition_ids: Vec<&'static str>,
    pub decisions: Vec<Outcome>,
    /// Per case: 0 for no amount, else 1 + the position of the amount in `amount_values`.
    pub(crate) amount_ix: Vec<u32>,
    pub(crate) amount_values: Vec<Decimal>,
    /// Bit `i` set: condition `condition_ids[i]` failed.
    pub(crate) failed: Masks,
    /// Bit `i` set: condition `condition_ids[i]` is unknown.
    pub(crate) unknown: Masks,
}

impl ScanResult {
    pub fn len(&self) -> usize {
        self.decisions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.decisions.is_empty()
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.decisions.iter().filter(|d| **d == outcome).count()
    }

    /// The amount of case `i`: set for eligible cases of programs with an amount, else `None`.
    pub fn amount(&self, i: usize) -> Option<Decimal> {
        let ix = usize::try_from(*self.amount_ix.get(i)?).ok()?;
        self.amount_values.get(ix.checked_sub(1)?).copied()
    }

    /// The amounts of all cases, in order.
    pub fn amounts(&self) -> impl Iterator<Item = Option<Decimal>> + '_ {
        (0..self.amount_ix.len()).map(|i| self.amount(i))
    }

    /// Sum of the amounts of eligible cases (loan ceilings included: check `amount_kind`).
    pub fn total_amount(&self) -> Decimal {
        // Count the cases per amount, then multiply: one addition per distinct amount.
        let mut per_value = vec![0u64; self.amount_values.len() + 1];
        for ix in &self.amount_ix {
            if let Some(c) = usize::try_from(*ix).ok().and_then(|k| per_value.get_mut(k)) {
                *c += 1;
            }
        }
        self.amount_values.iter().zip(per_value.iter().skip(1)).map(|(v, n)| *v * Decimal::from(*n)).sum()
    }

    /// Bit `b` set: condition `condition_ids[b]` failed for case `i`.
    pub fn failed_mask(&self, i: usize) -> u64 {
        self.failed.get(i).unwrap_or(0)
    }

    /// Bit `b` set: condition `condition_ids[b]` is unknown for case `i`.
    pub fn unknown_mask(&self, i: usize) -> u64 {
        self.unknown.get(i).unwrap_or(0)
    }

    /// How many cases have condition `condition_ids[bit]` unknown.
    pub fn unknown_count(&self, bit: usize) -> usize {
        self.unknown.count_bit(bit)
    }

    /// Cases one known condition short: exactly one failed, none unknown ("close" in `jiuye scan`).
    pub fn one_condition_short(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|i| self.failed_mask(*i).count_ones() == 1 && self.unknown_mask(*i) == 0)
    }

    /// Ids of the conditions that failed for case `i`.
    pub fn failed_conditions(&self, i: usize) -> Vec<&'static str> {
        let bits = self.failed_mask(i);
        self.condition_ids.iter().enumerate().filter(|(b, _)| bits & (1u64 << b) != 0).map(|(_, id)| *id).collect()
    }

    /// Ids of the conditions that were unknown for case `i`.
    pub fn unknown_conditions(&self, i: usize) -> Vec<&'static str> {
        let bits = self.unknown_mask(i);
        self.condition_ids.iter().enumerate().filter(|(b, _)| bits & (1u64 << b) != 0).map(|(_, id)| *id).collect()
    }
}

pub(crate) fn scan(rs: &Ruleset, program: &Program, cols: &FactColumns, as_of: Date) -> Result<ScanResult, RulesError> {
    plan::run(rs, program, cols, as_of).map_err(|m| RulesError::definition(program.id, m))
}
