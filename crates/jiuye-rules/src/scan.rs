//! Scan mode: the same program definitions evaluated over many cases held as columns
//! (struct of arrays), one expression node at a time over the whole batch — not explain mode
//! called per case. Constants (literals, parameters at a shared date) stay scalars and are
//! broadcast; only per-row values are materialised.
//!
//! Agreement with explain mode rests on shared pieces: the kernels of `expr.rs`,
//! `derived::compute`, `decision::{outcome_of, finish, blocking_grant}`. The differential test
//! (`tests/rules/differential.rs`) checks the whole on generated cases.

use std::collections::BTreeMap;

use jiuye_domain::{IdNumber, Sex};
use rust_decimal::Decimal;
use time::Date;

use crate::decision::{Outcome, blocking_grant, finish, outcome_of};
use crate::derived::{self, Inputs};
use crate::error::RulesError;
use crate::expr::{self, Expr, K};
use crate::facts::{Facts, Grant, input_def};
use crate::params::Params;
use crate::programs::Program;
use crate::ruleset::Ruleset;
use crate::value::{Scalar, Value, ValueType};
use crate::vocabulary::{self, FactKind};

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

/// How a column is held for evaluation: scalars, or (for the ID number) just what derived facts
/// read from it — birth date and sex — so the number itself is not kept.
#[derive(Debug, Clone)]
enum Stored {
    Scalars(Vec<Option<Scalar>>),
    Person(Vec<Option<(Date, Sex)>>),
}

/// Facts of many cases, column by column.
#[derive(Debug, Clone, Default)]
pub struct FactColumns {
    len: usize,
    cols: BTreeMap<&'static str, Stored>,
    grants: Option<Vec<Vec<Grant>>>,
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
            (ValueType::Bool, Column::Bool(v)) => Stored::Scalars(v.into_iter().map(|x| x.map(Scalar::Bool)).collect()),
            (ValueType::Int, Column::Int(v)) => Stored::Scalars(v.into_iter().map(|x| x.map(|i| Scalar::Num(Decimal::from(i)))).collect()),
            (ValueType::Date, Column::Date(v)) => Stored::Scalars(v.into_iter().map(|x| x.map(Scalar::Date)).collect()),
            (ValueType::Money | ValueType::Rate | ValueType::Decimal, Column::Decimal(v)) => {
                Stored::Scalars(v.into_iter().map(|x| x.map(Scalar::Num)).collect())
            }
            (ValueType::Enum, Column::Enum(v)) => {
                let mut out = Vec::with_capacity(v.len());
                for code in v {
                    out.push(match code {
                        None => None,
                        Some(c) => Some(Scalar::Sym(vocabulary::enum_code(def, &c).ok_or_else(|| RulesError::FactValue {
                            name: def.name.to_string(),
                            message: format!("“{c}”不是可选值之一"),
                        })?)),
                    });
                }
                Stored::Scalars(out)
            }
            (ValueType::IdNumber, Column::IdNumber(v)) => {
                Stored::Person(v.into_iter().map(|x| x.map(|id| (id.birth_date(), id.sex()))).collect())
            }
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
        self.grants = Some(grants);
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
            let stored = if def.ty == ValueType::IdNumber {
                Stored::Person(
                    rows.iter()
                        .map(|r| match r.get(name) {
                            Some(Value::IdNumber(id)) => Some((id.birth_date(), id.sex())),
                            _ => None,
                        })
                        .collect(),
                )
            } else {
                Stored::Scalars(rows.iter().map(|r| r.get(name).and_then(Value::scalar)).collect())
            };
            out.cols.insert(def.name, stored);
        }
        if rows.iter().any(|r| !r.grants().is_empty()) {
            out.grants = Some(rows.iter().map(|r| r.grants().to_vec()).collect());
        }
        Ok(out)
    }

    fn scalars(&self, name: &str) -> Option<&[Option<Scalar>]> {
        match self.cols.get(name) {
            Some(Stored::Scalars(v)) => Some(v),
            _ => None,
        }
    }

    fn person(&self, i: usize) -> Option<(Date, Sex)> {
        match self.cols.get("person.id_number") {
            Some(Stored::Person(v)) => v.get(i).copied().flatten(),
            _ => None,
        }
    }
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

/// Per case: the decision, the amount, and which conditions failed or were unknown.
#[derive(Debug, Clone)]
pub struct ScanResult {
    pub program: &'static str,
    pub as_of: Date,
    pub ruleset_version: String,
    /// Condition ids in bit order; the exclusivity check, when the program has one, is last.
    pub condition_ids: Vec<&'static str>,
    pub decisions: Vec<Outcome>,
    pub amounts: Vec<Option<Decimal>>,
    /// Bit `i` set: condition `condition_ids[i]` failed.
    pub failed: Vec<u64>,
    /// Bit `i` set: condition `condition_ids[i]` is unknown.
    pub unknown: Vec<u64>,
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

    /// Sum of the amounts of eligible cases (loan ceilings included: check `amount_kind`).
    pub fn total_amount(&self) -> Decimal {
        self.amounts.iter().flatten().copied().sum()
    }

    /// Cases one known condition short: exactly one failed, none unknown ("close" in `jiuye scan`).
    pub fn one_condition_short(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len())
            .filter(|i| self.failed.get(*i).is_some_and(|f| f.count_ones() == 1) && self.unknown.get(*i).is_some_and(|u| *u == 0))
    }

    /// Ids of the conditions that failed for case `i`.
    pub fn failed_conditions(&self, i: usize) -> Vec<&'static str> {
        let bits = self.failed.get(i).copied().unwrap_or(0);
        self.condition_ids.iter().enumerate().filter(|(b, _)| bits & (1u64 << b) != 0).map(|(_, id)| *id).collect()
    }
}

/// A column of intermediate values: a broadcast constant, a borrowed input column, or computed.
enum Col<'a> {
    Const(Option<Scalar>),
    Borrowed(&'a [Option<Scalar>]),
    Owned(Vec<Option<Scalar>>),
}

impl Col<'_> {
    fn get(&self, i: usize) -> Option<Scalar> {
        match self {
            Col::Const(v) => *v,
            Col::Borrowed(v) => v.get(i).copied().flatten(),
            Col::Owned(v) => v.get(i).copied().flatten(),
        }
    }
}

struct Batch<'a> {
    cols: &'a FactColumns,
    params: &'a Params,
    as_of: Date,
    /// Per-row reference dates when the program is judged at a fact date; `None`: `as_of`.
    refs: Option<Vec<Option<Date>>>,
}

impl Batch<'_> {
    fn reference(&self, i: usize) -> Option<Date> {
        match &self.refs {
            None => Some(self.as_of),
            Some(r) => r.get(i).copied().flatten(),
        }
    }
}

fn zip2<'a>(a: Col<'a>, b: Col<'a>, n: usize, f: impl Fn(Option<Scalar>, Option<Scalar>) -> K) -> Result<Col<'a>, String> {
    if let (Col::Const(x), Col::Const(y)) = (&a, &b) {
        return Ok(Col::Const(f(*x, *y)?));
    }
    (0..n).map(|i| f(a.get(i), b.get(i))).collect::<Result<Vec<_>, _>>().map(Col::Owned)
}

fn map1<'a>(a: Col<'a>, n: usize, f: impl Fn(Option<Scalar>) -> K) -> Result<Col<'a>, String> {
    if let Col::Const(x) = a {
        return Ok(Col::Const(f(x)?));
    }
    (0..n).map(|i| f(a.get(i))).collect::<Result<Vec<_>, _>>().map(Col::Owned)
}

/// One row seen by `derived::compute`.
struct RowInputs<'a> {
    batch: &'a Batch<'a>,
    i: usize,
}

impl Inputs for RowInputs<'_> {
    fn as_of(&self) -> Date {
        self.batch.as_of
    }
    fn input(&mut self, name: &'static str) -> Option<Scalar> {
        self.batch.cols.scalars(name).and_then(|v| v.get(self.i).copied().flatten())
    }
    fn person_id(&mut self) -> Option<(Date, Sex)> {
        self.batch.cols.person(self.i)
    }
    fn param(&mut self, id: &'static str) -> Result<Option<Scalar>, String> {
        let p = self.batch.params.get(id).ok_or_else(|| format!("未知的参数 {id}"))?;
        Ok(self.batch.reference(self.i).and_then(|d| p.lookup(d)).map(|f| f.value))
    }
    fn note_missing(&mut self, _name: &'static str) {}
}

fn eval_col<'a>(e: &Expr, b: &'a Batch<'a>) -> Result<Col<'a>, String> {
    let n = b.cols.len;
    Ok(match e {
        Expr::Fact(name) => {
            let def = vocabulary::fact(name).ok_or_else(|| format!("未知的事实 {name}"))?;
            match def.kind {
                FactKind::Input => b.cols.scalars(def.name).map_or(Col::Const(None), Col::Borrowed),
                FactKind::Derived { .. } => {
                    Col::Owned((0..n).map(|i| derived::compute(def.name, &mut RowInputs { batch: b, i })).collect::<Result<Vec<_>, _>>()?)
                }
            }
        }
        Expr::Param(id) => {
            let p = b.params.get(id).ok_or_else(|| format!("未知的参数 {id}"))?;
            match &b.refs {
                None => Col::Const(p.lookup(b.as_of).map(|f| f.value)),
                Some(refs) => {
                    // Rows often share dates; remember the last lookup.
                    let mut last: Option<(Date, Option<Scalar>)> = None;
                    let mut out = Vec::with_capacity(n);
                    for d in refs {
                        out.push(match d {
                            None => None,
                            Some(d) => match last {
                                Some((ld, v)) if ld == *d => v,
                                _ => {
                                    let v = p.lookup(*d).map(|f| f.value);
                                    last = Some((*d, v));
                                    v
                                }
                            },
                        });
                    }
                    Col::Owned(out)
                }
            }
        }
        Expr::AsOf => Col::Const(Some(Scalar::Date(b.as_of))),
        Expr::Lit(l) => Col::Const(Some(expr::lit(*l))),
        Expr::Cmp(op, x, y) => zip2(eval_col(x, b)?, eval_col(y, b)?, n, |p, q| expr::compare(*op, p, q))?,
        Expr::And(xs) => xs.iter().try_fold(Col::Const(Some(Scalar::Bool(true))), |acc, x| zip2(acc, eval_col(x, b)?, n, expr::and2))?,
        Expr::Or(xs) => xs.iter().try_fold(Col::Const(Some(Scalar::Bool(false))), |acc, x| zip2(acc, eval_col(x, b)?, n, expr::or2))?,
        Expr::Not(x) => map1(eval_col(x, b)?, n, expr::not1)?,
        Expr::In(x, codes) => map1(eval_col(x, b)?, n, |v| expr::member(v, codes))?,
        Expr::Arith(op, x, y) => zip2(eval_col(x, b)?, eval_col(y, b)?, n, |p, q| expr::arith(*op, p, q))?,
        Expr::If(c, x, y) => {
            let (c, x, y) = (eval_col(c, b)?, eval_col(x, b)?, eval_col(y, b)?);
            if let (Col::Const(c), Col::Const(x), Col::Const(y)) = (&c, &x, &y) {
                Col::Const(expr::choose(*c, *x, *y)?)
            } else {
                Col::Owned((0..n).map(|i| expr::choose(c.get(i), x.get(i), y.get(i))).collect::<Result<Vec<_>, _>>()?)
            }
        }
        Expr::AddMonths(x, y) => zip2(eval_col(x, b)?, eval_col(y, b)?, n, expr::months_after)?,
        Expr::Year(x) => map1(eval_col(x, b)?, n, expr::year_of)?,
    })
}

fn as_met(v: Option<Scalar>) -> Result<Option<bool>, String> {
    match v {
        None => Ok(None),
        Some(Scalar::Bool(b)) => Ok(Some(b)),
        Some(other) => Err(format!("条件应为布尔值，得到 {other:?}")),
    }
}

pub(crate) fn scan(rs: &Ruleset, program: &Program, cols: &FactColumns, as_of: Date) -> Result<ScanResult, RulesError> {
    let def_err = |m: String| RulesError::definition(program.id, m);
    let n = cols.len;
    let refs = program.reference_date.map(|f| {
        let col = cols.scalars(f);
        (0..n)
            .map(|i| match col.and_then(|c| c.get(i).copied().flatten()) {
                Some(Scalar::Date(d)) => Some(d),
                _ => None,
            })
            .collect::<Vec<_>>()
    });
    let batch = Batch { cols, params: rs.params(), as_of, refs };
    let mut met_cols = Vec::with_capacity(program.conditions.len() + 1);
    for c in &program.conditions {
        met_cols.push(eval_col(&c.expr, &batch).map_err(def_err)?);
    }
    let mut condition_ids: Vec<&'static str> = program.conditions.iter().map(|c| c.id).collect();
    let exclusive = program.exclusivity.is_active();
    if exclusive {
        condition_ids.push(crate::decision::EXCLUSIVITY_CONDITION);
    }
    let amount_col = match &program.amount {
        Some(a) => Some(eval_col(&a.expr, &batch).map_err(def_err)?),
        None => None,
    };
    let mut out = ScanResult {
        program: program.id,
        as_of,
        ruleset_version: rs.version().to_string(),
        condition_ids,
        decisions: Vec::with_capacity(n),
        amounts: Vec::with_capacity(n),
        failed: Vec::with_capacity(n),
        unknown: Vec::with_capacity(n),
    };
    let no_grants: &[Grant] = &[];
    let mut mets: Vec<Option<bool>> = Vec::with_capacity(met_cols.len() + 1);
    for i in 0..n {
        mets.clear();
        for c in &met_cols {
            mets.push(as_met(c.get(i)).map_err(def_err)?);
        }
        if exclusive {
            let grants = cols.grants.as_ref().and_then(|g| g.get(i)).map_or(no_grants, Vec::as_slice);
            let reference = batch.reference(i).unwrap_or(as_of);
            mets.push(Some(blocking_grant(program, grants, as_of, reference).is_none()));
        }
        let (mut failed, mut unknown) = (0u64, 0u64);
        for (bit, m) in mets.iter().enumerate() {
            match m {
                Some(false) => failed |= 1 << bit,
                None => unknown |= 1 << bit,
                Some(true) => {}
            }
        }
        let outcome = outcome_of(mets.iter().copied());
        let (outcome, amount) = finish(outcome, amount_col.as_ref().map(|c| c.get(i))).map_err(def_err)?;
        out.decisions.push(outcome);
        out.amounts.push(amount);
        out.failed.push(failed);
        out.unknown.push(unknown);
    }
    Ok(out)
}
