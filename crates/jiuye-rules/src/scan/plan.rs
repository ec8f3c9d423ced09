//! The compiled scan: a program's expressions as a tree of typed nodes, evaluated `BLOCK` rows at
//! a time into buffers that every node keeps and reuses from block to block.
//!
//! Every node has a static type (`Ty`) chosen from the vocabulary, the parameters' values and
//! the operator. A node that reads no per-case value is a *piece*: one value per segment of
//! reference dates, computed once with the scalar kernels of `expr.rs`. Other nodes run a typed
//! kernel when their operands' types have one (comparisons, Kleene logic, membership,
//! arithmetic, the derived month counts, ages and layoff rates) and otherwise the scalar kernel
//! of `expr.rs` row by row, so every combination keeps the semantics of explain mode, errors
//! included.

use std::cmp::Ordering;

use jiuye_domain::Sex;
use rust_decimal::Decimal;
use time::Date;

use super::packed::{self, NO_DATE};
use super::{FALSE, FactColumns, Masks, ScanResult, Stored, TRUE, UNKNOWN, bool_code};
use crate::decision::{EXCLUSIVITY_CONDITION, Outcome, finish};
use crate::derived::{self, Inputs};
use crate::expr::{self, ArithOp, CmpOp, Expr};
use crate::params::Params;
use crate::programs::{GrantScope, Program};
use crate::ruleset::Ruleset;
use crate::value::{Scalar, ValueType};
use crate::vocabulary::{self, FactDef, FactKind};

/// Rows per block: the buffers of a program's nodes stay in the L1/L2 caches.
const BLOCK: usize = 2048;
/// A missing enum code.
const NO_SYM: u16 = u16::MAX;

/// The static type of a node, and so of its buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    /// `TRUE`/`FALSE`/`UNKNOWN` bytes.
    Bool,
    /// Integers whose `Decimal` has scale 0 (counts, months, ages, years), with known flags.
    Int,
    Dec,
    /// Packed dates.
    Date,
    /// Interned enum codes (`NO_SYM` when unknown).
    Sym,
    /// Anything else, as scalars.
    Any,
}

fn ty_of(t: ValueType) -> Ty {
    match t {
        ValueType::Bool => Ty::Bool,
        ValueType::Int => Ty::Int,
        ValueType::Money | ValueType::Rate | ValueType::Decimal => Ty::Dec,
        ValueType::Date => Ty::Date,
        ValueType::Enum => Ty::Sym,
        ValueType::Text | ValueType::IdNumber => Ty::Any,
    }
}

/// An integer held as `i64` only if `Decimal::from` gives the very same decimal back.
fn exact_int(n: Decimal) -> Option<i64> {
    if n.scale() == 0 { i64::try_from(n).ok() } else { None }
}

/// The type of a piece from its values; `default` when all are unknown.
fn infer(vals: &[Option<Scalar>], default: Ty) -> Ty {
    let mut ty: Option<Ty> = None;
    for v in vals.iter().flatten() {
        let t = match v {
            Scalar::Bool(_) => Ty::Bool,
            Scalar::Num(n) if exact_int(*n).is_some() => Ty::Int,
            Scalar::Num(_) => Ty::Dec,
            Scalar::Date(_) => Ty::Date,
            Scalar::Sym(_) => Ty::Sym,
        };
        ty = Some(match (ty, t) {
            (None, t) => t,
            (Some(a), b) if a == b => a,
            (Some(Ty::Int | Ty::Dec), Ty::Int | Ty::Dec) => Ty::Dec,
            _ => Ty::Any,
        });
    }
    ty.unwrap_or(default)
}

/// A node's values for one block (only the vectors of its type are used).
#[derive(Debug, Default)]
struct Buf {
    b: Vec<u8>,
    i: Vec<i64>,
    d: Vec<Decimal>,
    t: Vec<i32>,
    s: Vec<u16>,
    ok: Vec<bool>,
    a: Vec<Option<Scalar>>,
}

fn set<T>(v: &mut [T], i: usize, x: T) {
    if let Some(c) = v.get_mut(i) {
        *c = x;
    }
}

impl Buf {
    fn len(&self, ty: Ty) -> usize {
        match ty {
            Ty::Bool => self.b.len(),
            Ty::Int => self.i.len(),
            Ty::Dec => self.d.len(),
            Ty::Date => self.t.len(),
            Ty::Sym => self.s.len(),
            Ty::Any => self.a.len(),
        }
    }

    fn reset(&mut self, ty: Ty, len: usize) {
        match ty {
            Ty::Bool => self.b.resize(len, UNKNOWN),
            Ty::Int => {
                self.i.resize(len, 0);
                self.ok.resize(len, false);
            }
            Ty::Dec => {
                self.d.resize(len, Decimal::ZERO);
                self.ok.resize(len, false);
            }
            Ty::Date => self.t.resize(len, NO_DATE),
            Ty::Sym => self.s.resize(len, NO_SYM),
            Ty::Any => self.a.resize(len, None),
        }
    }

    /// Stores a scalar at row `i` of a buffer of type `ty`.
    fn put(&mut self, ty: Ty, i: usize, v: Option<Scalar>, syms: &[&'static str]) -> Result<(), String> {
        match (ty, v) {
            (Ty::Any, v) => set(&mut self.a, i, v),
            (Ty::Bool, None) => set(&mut self.b, i, UNKNOWN),
            (Ty::Bool, Some(Scalar::Bool(x))) => set(&mut self.b, i, bool_code(Some(x))),
            (Ty::Int | Ty::Dec, None) => set(&mut self.ok, i, false),
            (Ty::Int, Some(Scalar::Num(n))) if exact_int(n).is_some() => {
                set(&mut self.i, i, exact_int(n).unwrap_or(0));
                set(&mut self.ok, i, true);
            }
            (Ty::Dec, Some(Scalar::Num(n))) => {
                set(&mut self.d, i, n);
                set(&mut self.ok, i, true);
            }
            (Ty::Date, v @ (None | Some(Scalar::Date(_)))) => {
                set(&mut self.t, i, packed::pack_opt(v.and_then(|s| if let Scalar::Date(d) = s { Some(d) } else { None })))
            }
            (Ty::Sym, None) => set(&mut self.s, i, NO_SYM),
            (Ty::Sym, Some(Scalar::Sym(s))) => set(&mut self.s, i, sym_id(syms, s)?),
            (ty, Some(v)) => return Err(format!("值 {v:?} 不是预期的类型 {ty:?}")),
        }
        Ok(())
    }
}

fn sym_id(syms: &[&'static str], s: &str) -> Result<u16, String> {
    syms.iter().position(|x| *x == s).and_then(|p| u16::try_from(p).ok()).ok_or_else(|| format!("未登记的枚举值 {s}"))
}

/// What a node computes.
#[derive(Debug)]
enum Op<'a> {
    /// Constant per segment: `Node::piece`.
    Piece,
    /// A stored input column, read in place.
    Input(&'a Stored),
    /// An enum input: stored codes (1 + position) and their interned ids (position 0: unknown).
    Enum(&'a [u8], Vec<u16>),
    /// Full months from a date column to `as_of` (`None`) or to another date column.
    Months(&'a [i32], Option<&'a [i32]>),
    /// Age in full years at `as_of`, from packed birth dates.
    Age(&'a [i32]),
    BirthDate(&'a [i32]),
    /// Sex from the ID number: birth dates (for presence), male flags, ids of "male"/"female".
    Sex(&'a [i32], &'a [bool], (u16, u16)),
    /// `enterprise.layoff_rate`: per segment which numerator (0 layoffs, 1 new claimants; `None`
    /// unknown definition; `Err` a mistyped definition), the two numerator columns, the average.
    LayoffRate(Vec<Result<Option<usize>, String>>, [Option<&'a Stored>; 2], Option<&'a Stored>),
    /// Any other derived fact, through `derived::compute` row by row.
    Derived(&'static str),
    Cmp(CmpOp),
    And,
    Or,
    Not,
    In(Vec<&'static str>),
    Arith(ArithOp),
    If,
    AddMonths,
    Year,
}

#[derive(Debug)]
struct Node<'a> {
    ty: Ty,
    op: Op<'a>,
    kids: Vec<Node<'a>>,
    /// The value per segment, for `Op::Piece`.
    piece: Vec<Option<Scalar>>,
    /// `piece` typed, one entry per segment; gathered into `buf` per block.
    seg_vals: Buf,
    /// A piece with the same value in every segment: its buffer is filled once, and the
    /// comparison kernels read the value instead of the buffer.
    uniform: bool,
    /// A piece with the same value in every segment but the last, where it is unknown: the last
    /// segment holds the cases without a reference date, where every parameter is unknown. The
    /// comparison kernels read the value and then mark those cases unknown.
    dated_uniform: bool,
    buf: Buf,
}

/// Numbers of either representation.
enum Nums<'s> {
    Int(&'s [i64], &'s [bool]),
    Dec(&'s [Decimal], &'s [bool]),
}

impl Nums<'_> {
    fn get(&self, i: usize) -> Option<Decimal> {
        match self {
            Nums::Int(v, ok) => ok.get(i).copied().filter(|k| *k).and(v.get(i)).map(|x| Decimal::from(*x)),
            Nums::Dec(v, ok) => ok.get(i).copied().filter(|k| *k).and(v.get(i)).copied(),
        }
    }
}

/// The block being evaluated and what every node may read.
struct Cx<'a> {
    lo: usize,
    len: usize,
    /// Segment of each row of the block.
    seg: &'a [u32],
    /// All rows of the block are in this segment (no reference date, or none stored).
    single: Option<u32>,
    /// The segment of cases without a reference date, and whether the block has such a case.
    none_seg: u32,
    has_none: bool,
    as_of: Date,
    as_of_p: i32,
    syms: &'a [&'static str],
    cols: &'a FactColumns,
    params: &'a Params,
    refs: Refs<'a>,
}

/// Where each case's reference date comes from.
#[derive(Clone, Copy)]
enum Refs<'a> {
    AsOf,
    Column(&'a [i32]),
    /// The program has a reference fact, but no column holds it: unknown everywhere.
    Missing,
}

impl Cx<'_> {
    fn part<'s, T>(&self, v: &'s [T]) -> &'s [T] {
        v.get(self.lo..self.lo + self.len).unwrap_or(&[])
    }

    /// The reference date of absolute row `row`.
    fn reference(&self, row: usize) -> Option<Date> {
        match self.refs {
            Refs::AsOf => Some(self.as_of),
            Refs::Column(v) => v.get(row).and_then(|p| packed::unpack(*p)),
            Refs::Missing => None,
        }
    }
}

impl<'a> Node<'a> {
    fn bools<'s>(&'s self, cx: &Cx<'_>) -> &'s [u8] {
        match self.op {
            Op::Input(Stored::Bool(v)) => cx.part(v),
            _ => &self.buf.b,
        }
    }

    fn nums<'s>(&'s self, cx: &Cx<'_>) -> Nums<'s> {
        match (&self.op, self.ty) {
            (Op::Input(Stored::Int(v, ok)), _) => Nums::Int(cx.part(v), cx.part(ok)),
            (Op::Input(Stored::Dec(v, ok)), _) => Nums::Dec(cx.part(v), cx.part(ok)),
            (_, Ty::Int) => Nums::Int(&self.buf.i, &self.buf.ok),
            _ => Nums::Dec(&self.buf.d, &self.buf.ok),
        }
    }

    fn dates<'s>(&'s self, cx: &Cx<'_>) -> &'s [i32] {
        match self.op {
            Op::Input(Stored::Date(v)) => cx.part(v),
            _ => &self.buf.t,
        }
    }

    /// The value of a uniform integer piece, and whether it is known.
    fn int_const(&self) -> Option<(i64, bool)> {
        if !((self.uniform || self.dated_uniform) && self.ty == Ty::Int) {
            return None;
        }
        Some((self.seg_vals.i.first().copied()?, self.seg_vals.ok.first().copied()?))
    }

    /// The value of a uniform date piece (`NO_DATE` when unknown).
    fn date_const(&self) -> Option<i32> {
        if !((self.uniform || self.dated_uniform) && self.ty == Ty::Date) {
            return None;
        }
        self.seg_vals.t.first().copied()
    }

    /// Row `i` of the block as a scalar (the slow path).
    fn scalar_at(&self, cx: &Cx<'_>, i: usize) -> Option<Scalar> {
        match self.ty {
            Ty::Bool => match self.bools(cx).get(i) {
                Some(&TRUE) => Some(Scalar::Bool(true)),
                Some(&FALSE) => Some(Scalar::Bool(false)),
                _ => None,
            },
            Ty::Int | Ty::Dec => self.nums(cx).get(i).map(Scalar::Num),
            Ty::Date => self.dates(cx).get(i).and_then(|p| packed::unpack(*p)).map(Scalar::Date),
            Ty::Sym => self.buf.s.get(i).and_then(|id| cx.syms.get(usize::from(*id))).map(|s| Scalar::Sym(s)),
            Ty::Any => self.buf.a.get(i).copied().flatten(),
        }
    }

    fn eval(&mut self, cx: &Cx<'_>) -> Result<(), String> {
        let Node { ty, op, kids, seg_vals, buf, uniform, .. } = self;
        let ty = *ty;
        match op {
            Op::Input(_) => return Ok(()),
            Op::Piece => {
                // A uniform piece's buffer holds its one value; it only needs filling again
                // when the block length changes (the last block).
                if !(*uniform && buf.len(ty) == cx.len) {
                    gather(ty, seg_vals, buf, cx);
                }
                return Ok(());
            }
            _ => {}
        }
        for k in kids.iter_mut() {
            k.eval(cx)?;
        }
        let kids: &[Node<'_>] = kids;
        buf.reset(ty, cx.len);
        match (&*op, kids) {
            (Op::Enum(codes, ids), _) => {
                for (o, c) in buf.s.iter_mut().zip(cx.part(codes)) {
                    *o = ids.get(usize::from(*c)).copied().unwrap_or(NO_SYM);
                }
            }
            (Op::Months(from, to), _) => {
                let (from, to) = (cx.part(from), to.map(|t| cx.part(t)));
                for (k, ((v, ok), f)) in buf.i.iter_mut().zip(buf.ok.iter_mut()).zip(from).enumerate() {
                    let t = match to {
                        None => cx.as_of_p,
                        Some(t) => t.get(k).copied().unwrap_or(NO_DATE),
                    };
                    *ok = (*f != NO_DATE) & (t != NO_DATE);
                    *v = if *ok { packed::full_months(*f, t) } else { 0 };
                }
            }
            (Op::Age(birth), _) => {
                for ((v, ok), b) in buf.i.iter_mut().zip(buf.ok.iter_mut()).zip(cx.part(birth)) {
                    *ok = *b != NO_DATE;
                    *v = if *ok { packed::full_months(*b, cx.as_of_p).div_euclid(12) } else { 0 };
                }
            }
            (Op::BirthDate(birth), _) => {
                buf.t.clear();
                buf.t.extend_from_slice(cx.part(birth));
            }
            (Op::Sex(birth, male, ids), _) => {
                for ((o, b), m) in buf.s.iter_mut().zip(cx.part(birth)).zip(cx.part(male)) {
                    *o = if *b == NO_DATE {
                        NO_SYM
                    } else if *m {
                        ids.0
                    } else {
                        ids.1
                    };
                }
            }
            (Op::LayoffRate(defs, numer, avg), _) => layoff_rates(defs, numer, *avg, buf, cx)?,
            (Op::Derived(name), _) => {
                for i in 0..cx.len {
                    let v = derived::compute(name, &mut RowInputs { cx, row: cx.lo + i })?;
                    buf.put(ty, i, v, cx.syms)?;
                }
            }
            (Op::Cmp(o), [a, b]) if compare(*o, a, b, &mut buf.b, cx) => {}
            (Op::And | Op::Or, [first, rest @ ..]) if kids.iter().all(|k| k.ty == Ty::Bool) => {
                buf.b.clear();
                buf.b.extend_from_slice(first.bools(cx));
                // Kleene: AND is true when both are, false when either is; OR the other way round.
                for k in rest {
                    let pairs = buf.b.iter_mut().zip(k.bools(cx));
                    if matches!(op, Op::And) {
                        pairs.for_each(|(o, x)| *o = (*o & *x & TRUE) | ((*o | *x) & FALSE));
                    } else {
                        pairs.for_each(|(o, x)| *o = ((*o | *x) & TRUE) | (*o & *x & FALSE));
                    }
                }
            }
            (Op::Not, [a]) if a.ty == Ty::Bool => {
                for (o, x) in buf.b.iter_mut().zip(a.bools(cx)) {
                    *o = ((*x & TRUE) << 1) | ((*x & FALSE) >> 1);
                }
            }
            (Op::In(codes), [a]) if a.ty == Ty::Sym => {
                let table: Vec<u8> = cx.syms.iter().map(|s| bool_code(Some(codes.contains(s)))).collect();
                for (o, x) in buf.b.iter_mut().zip(&a.buf.s) {
                    *o = table.get(usize::from(*x)).copied().unwrap_or(UNKNOWN);
                }
            }
            (Op::Arith(o), [a, b]) if matches!(a.ty, Ty::Int | Ty::Dec) && matches!(b.ty, Ty::Int | Ty::Dec) => {
                let (x, y) = (a.nums(cx), b.nums(cx));
                for (i, (v, ok)) in buf.d.iter_mut().zip(buf.ok.iter_mut()).enumerate() {
                    let r = match (x.get(i), y.get(i)) {
                        (Some(x), Some(y)) => match o {
                            ArithOp::Add => x.checked_add(y),
                            ArithOp::Sub => x.checked_sub(y),
                            ArithOp::Mul => x.checked_mul(y),
                        },
                        _ => None,
                    };
                    *ok = r.is_some();
                    *v = r.unwrap_or_default();
                }
            }
            _ => generic(op, kids, ty, buf, cx)?,
        }
        Ok(())
    }
}

/// Copies the per-segment values of a piece into the block's rows.
fn gather(ty: Ty, vals: &Buf, buf: &mut Buf, cx: &Cx<'_>) {
    fn fill<T: Copy>(out: &mut Vec<T>, vals: &[T], cx: &Cx<'_>, none: T) {
        out.clear();
        match cx.single {
            Some(s) => out.resize(cx.len, vals.get(s as usize).copied().unwrap_or(none)),
            None => out.extend(cx.seg.iter().map(|s| vals.get(*s as usize).copied().unwrap_or(none))),
        }
    }
    match ty {
        Ty::Bool => fill(&mut buf.b, &vals.b, cx, UNKNOWN),
        Ty::Int => {
            fill(&mut buf.i, &vals.i, cx, 0);
            fill(&mut buf.ok, &vals.ok, cx, false);
        }
        Ty::Dec => {
            fill(&mut buf.d, &vals.d, cx, Decimal::ZERO);
            fill(&mut buf.ok, &vals.ok, cx, false);
        }
        Ty::Date => fill(&mut buf.t, &vals.t, cx, NO_DATE),
        Ty::Sym => fill(&mut buf.s, &vals.s, cx, NO_SYM),
        Ty::Any => fill(&mut buf.a, &vals.a, cx, None),
    }
}

fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Ge => ord != Ordering::Less,
        CmpOp::Gt => ord == Ordering::Greater,
    }
}

/// The typed comparison kernels; `false` when the operand types have none (then the scalar
/// kernel runs row by row and reports what explain mode reports).
fn compare(op: CmpOp, a: &Node<'_>, b: &Node<'_>, out: &mut [u8], cx: &Cx<'_>) -> bool {
    if !compare_kernel(op, a, b, out, cx) {
        return false;
    }
    // An operand read as one value is unknown for the cases without a reference date.
    let read_const = |n: &Node<'_>| n.dated_uniform && matches!(n.ty, Ty::Int | Ty::Date);
    if cx.has_none && (read_const(a) || read_const(b)) {
        match cx.single {
            Some(_) => out.fill(UNKNOWN),
            None => out.iter_mut().zip(cx.seg).for_each(|(o, s)| *o = if *s == cx.none_seg { UNKNOWN } else { *o }),
        }
    }
    true
}

fn compare_kernel(op: CmpOp, a: &Node<'_>, b: &Node<'_>, out: &mut [u8], cx: &Cx<'_>) -> bool {
    match (a.ty, b.ty) {
        (Ty::Int, Ty::Int) => {
            let (Nums::Int(x, xk), Nums::Int(y, yk)) = (a.nums(cx), b.nums(cx)) else {
                return false;
            };
            match (a.int_const(), b.int_const()) {
                (_, Some((c, ck))) => by_op(op, out, x.iter().zip(xk).map(|(x, k)| (*x, c, *k & ck))),
                (Some((c, ck)), _) => by_op(op, out, y.iter().zip(yk).map(|(y, k)| (c, *y, *k & ck))),
                _ => by_op(op, out, x.iter().zip(xk).zip(y.iter().zip(yk)).map(|((x, xk), (y, yk))| (*x, *y, *xk & *yk))),
            }
        }
        (Ty::Int | Ty::Dec, Ty::Int | Ty::Dec) => {
            let (x, y) = (a.nums(cx), b.nums(cx));
            for (i, o) in out.iter_mut().enumerate() {
                *o = match (x.get(i), y.get(i)) {
                    (Some(x), Some(y)) => bool_code(Some(holds(op, x.cmp(&y)))),
                    _ => UNKNOWN,
                };
            }
        }
        (Ty::Date, Ty::Date) => match (a.date_const(), b.date_const()) {
            (_, Some(c)) => by_op(op, out, a.dates(cx).iter().map(|x| (*x, c, (*x != NO_DATE) & (c != NO_DATE)))),
            (Some(c), _) => by_op(op, out, b.dates(cx).iter().map(|y| (c, *y, (*y != NO_DATE) & (c != NO_DATE)))),
            _ => by_op(op, out, a.dates(cx).iter().zip(b.dates(cx)).map(|(x, y)| (*x, *y, (*x != NO_DATE) & (*y != NO_DATE)))),
        },
        (Ty::Sym, Ty::Sym) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
            by_op(op, out, a.buf.s.iter().zip(&b.buf.s).map(|(x, y)| (*x, *y, *x != NO_SYM && *y != NO_SYM)));
        }
        (Ty::Bool, Ty::Bool) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
            by_op(op, out, a.bools(cx).iter().zip(b.bools(cx)).map(|(x, y)| (*x, *y, *x != UNKNOWN && *y != UNKNOWN)));
        }
        _ => return false,
    }
    true
}

/// One loop per operator over `(left, right, both known)`, so each loop is branch-free.
fn by_op<T: Ord>(op: CmpOp, out: &mut [u8], rows: impl Iterator<Item = (T, T, bool)>) {
    fn each<T>(out: &mut [u8], rows: impl Iterator<Item = (T, T, bool)>, f: impl Fn(&T, &T) -> bool) {
        for (o, (x, y, known)) in out.iter_mut().zip(rows) {
            // TRUE (1) or FALSE (2) when known, UNKNOWN (0) otherwise.
            *o = u8::from(known) * (2 - u8::from(f(&x, &y)));
        }
    }
    match op {
        CmpOp::Lt => each(out, rows, |a, b| a < b),
        CmpOp::Le => each(out, rows, |a, b| a <= b),
        CmpOp::Eq => each(out, rows, |a, b| a == b),
        CmpOp::Ne => each(out, rows, |a, b| a != b),
        CmpOp::Ge => each(out, rows, |a, b| a >= b),
        CmpOp::Gt => each(out, rows, |a, b| a > b),
    }
}

fn layoff_rates(
    defs: &[Result<Option<usize>, String>],
    numer: &[Option<&Stored>; 2],
    avg: Option<&Stored>,
    buf: &mut Buf,
    cx: &Cx<'_>,
) -> Result<(), String> {
    fn nums<'s>(s: Option<&'s Stored>, cx: &Cx<'_>) -> Option<Nums<'s>> {
        match s {
            Some(Stored::Int(v, ok)) => Some(Nums::Int(cx.part(v), cx.part(ok))),
            Some(Stored::Dec(v, ok)) => Some(Nums::Dec(cx.part(v), cx.part(ok))),
            _ => None,
        }
    }
    let numer = [nums(numer.first().copied().flatten(), cx), nums(numer.get(1).copied().flatten(), cx)];
    let avg = nums(avg, cx);
    for (i, (v, ok)) in buf.d.iter_mut().zip(buf.ok.iter_mut()).enumerate() {
        let seg = cx.single.or_else(|| cx.seg.get(i).copied()).unwrap_or(0);
        let rate = match defs.get(seg as usize) {
            Some(Err(m)) => return Err(m.clone()),
            Some(Ok(Some(which))) => {
                let n = numer.get(*which).and_then(|c| c.as_ref()).and_then(|c| c.get(i));
                let d = avg.as_ref().and_then(|c| c.get(i));
                match (n, d) {
                    (Some(n), Some(d)) => derived::layoff_rate(n, d),
                    _ => None,
                }
            }
            _ => None,
        };
        *ok = rate.is_some();
        *v = rate.unwrap_or_default();
    }
    Ok(())
}

/// One operation through the scalar kernels of `expr.rs` (a row, or a constant segment).
fn scalar_kernel(op: &Op<'_>, args: &[Option<Scalar>]) -> Result<Option<Scalar>, String> {
    let arg = |k: usize| args.get(k).copied().flatten();
    Ok(match op {
        Op::Cmp(o) => expr::compare(*o, arg(0), arg(1))?,
        Op::And => args.iter().try_fold(Some(Scalar::Bool(true)), |acc, x| expr::and2(acc, *x))?,
        Op::Or => args.iter().try_fold(Some(Scalar::Bool(false)), |acc, x| expr::or2(acc, *x))?,
        Op::Not => expr::not1(arg(0))?,
        Op::In(codes) => expr::member(arg(0), codes)?,
        Op::Arith(o) => expr::arith(*o, arg(0), arg(1))?,
        Op::If => expr::choose(arg(0), arg(1), arg(2))?,
        Op::AddMonths => expr::months_after(arg(0), arg(1))?,
        Op::Year => expr::year_of(arg(0))?,
        other => return Err(format!("扫描计划内部错误：{other:?}")),
    })
}

/// The scalar kernels of `expr.rs`, row by row.
fn generic(op: &Op<'_>, kids: &[Node<'_>], ty: Ty, buf: &mut Buf, cx: &Cx<'_>) -> Result<(), String> {
    let mut args: Vec<Option<Scalar>> = Vec::with_capacity(kids.len());
    for i in 0..cx.len {
        args.clear();
        args.extend(kids.iter().map(|k| k.scalar_at(cx, i)));
        let v = scalar_kernel(op, &args)?;
        buf.put(ty, i, v, cx.syms)?;
    }
    Ok(())
}

/// One row seen by `derived::compute`.
struct RowInputs<'c, 'a> {
    cx: &'c Cx<'a>,
    row: usize,
}

impl Inputs for RowInputs<'_, '_> {
    fn as_of(&self) -> Date {
        self.cx.as_of
    }
    fn input(&mut self, name: &'static str) -> Option<Scalar> {
        self.cx.cols.stored(name).and_then(|s| s.scalar(self.row))
    }
    fn person_id(&mut self) -> Option<(Date, Sex)> {
        self.cx.cols.stored("person.id_number").and_then(|s| s.person(self.row))
    }
    fn param(&mut self, id: &'static str) -> Result<Option<Scalar>, String> {
        let p = self.cx.params.get(id).ok_or_else(|| format!("未知的参数 {id}"))?;
        Ok(self.cx.reference(self.row).and_then(|d| p.lookup(d)).map(|f| f.value))
    }
    fn note_missing(&mut self, _name: &'static str) {}
}

/// Builds the node tree of one scan.
struct Compiler<'a> {
    cols: &'a FactColumns,
    params: &'a Params,
    as_of: Date,
    /// A date inside each segment (`None`: the segment of cases without a reference date).
    reps: Vec<Option<Date>>,
    /// The last segment is that of the cases without a reference date.
    dated_segments: bool,
    syms: Vec<&'static str>,
}

impl<'a> Compiler<'a> {
    fn intern(&mut self, s: &'static str) -> u16 {
        let at = match self.syms.iter().position(|x| *x == s) {
            Some(at) => at,
            None => {
                self.syms.push(s);
                self.syms.len() - 1
            }
        };
        u16::try_from(at).unwrap_or(NO_SYM)
    }

    fn piece(&mut self, vals: Vec<Option<Scalar>>, default: Ty) -> Result<Node<'a>, String> {
        let ty = infer(&vals, default);
        for v in vals.iter().flatten() {
            if let Scalar::Sym(s) = v {
                self.intern(s);
            }
        }
        let mut seg_vals = Buf::default();
        seg_vals.reset(ty, vals.len());
        for (i, v) in vals.iter().enumerate() {
            seg_vals.put(ty, i, *v, &self.syms)?;
        }
        // Equal values of equal scale (a uniform buffer may serve rows of any segment).
        let same = |a: &Option<Scalar>, b: &Option<Scalar>| match (a, b) {
            (Some(Scalar::Num(x)), Some(Scalar::Num(y))) => x == y && x.scale() == y.scale(),
            _ => a == b,
        };
        let uniform = vals.windows(2).all(|w| matches!(w, [a, b] if same(a, b)));
        let dated = vals.get(..vals.len().saturating_sub(1)).unwrap_or(&[]);
        let dated_uniform = self.dated_segments
            && !dated.is_empty()
            && vals.last().is_some_and(Option::is_none)
            && dated.windows(2).all(|w| matches!(w, [a, b] if same(a, b)));
        Ok(Node { ty, op: Op::Piece, kids: Vec::new(), piece: vals, seg_vals, uniform, dated_uniform, buf: Buf::default() })
    }

    fn unknown(&mut self, ty: Ty) -> Result<Node<'a>, String> {
        self.piece(vec![None; self.reps.len()], ty)
    }

    fn node(ty: Ty, op: Op<'a>, kids: Vec<Node<'a>>) -> Node<'a> {
        Node { ty, op, kids, piece: Vec::new(), seg_vals: Buf::default(), uniform: false, dated_uniform: false, buf: Buf::default() }
    }

    fn date_col(&self, name: &str) -> Option<&'a [i32]> {
        match self.cols.stored(name) {
            Some(Stored::Date(v)) => Some(v),
            _ => None,
        }
    }

    fn compile(&mut self, e: &Expr) -> Result<Node<'a>, String> {
        let op = match e {
            Expr::Fact(name) => {
                let def = vocabulary::fact(name).ok_or_else(|| format!("未知的事实 {name}"))?;
                return match def.kind {
                    FactKind::Input => self.input(def),
                    FactKind::Derived { .. } => self.derived(def),
                };
            }
            Expr::Param(id) => {
                let p = self.params.get(id).ok_or_else(|| format!("未知的参数 {id}"))?;
                let vals = self.reps.iter().map(|d| d.and_then(|d| p.lookup(d)).map(|f| f.value)).collect();
                return self.piece(vals, ty_of(p.ty));
            }
            Expr::AsOf | Expr::Lit(_) => {
                let v = match e {
                    Expr::Lit(l) => expr::lit(*l),
                    _ => Scalar::Date(self.as_of),
                };
                return self.piece(vec![Some(v); self.reps.len()], Ty::Any);
            }
            Expr::Cmp(o, _, _) => Op::Cmp(*o),
            Expr::And(_) => Op::And,
            Expr::Or(_) => Op::Or,
            Expr::Not(_) => Op::Not,
            Expr::In(_, codes) => Op::In(codes.clone()),
            Expr::Arith(o, _, _) => Op::Arith(*o),
            Expr::If(..) => Op::If,
            Expr::AddMonths(..) => Op::AddMonths,
            Expr::Year(_) => Op::Year,
        };
        let kids: Vec<Node<'a>> = match e {
            Expr::Cmp(_, a, b) | Expr::Arith(_, a, b) | Expr::AddMonths(a, b) => vec![self.compile(a)?, self.compile(b)?],
            Expr::And(xs) | Expr::Or(xs) => xs.iter().map(|x| self.compile(x)).collect::<Result<_, _>>()?,
            Expr::Not(a) | Expr::In(a, _) | Expr::Year(a) => vec![self.compile(a)?],
            Expr::If(c, a, b) => vec![self.compile(c)?, self.compile(a)?, self.compile(b)?],
            Expr::Fact(_) | Expr::Param(_) | Expr::AsOf | Expr::Lit(_) => Vec::new(),
        };
        let ty = match (&op, kids.as_slice()) {
            (Op::Arith(_), _) => Ty::Dec,
            (Op::AddMonths, _) => Ty::Date,
            (Op::Year, _) => Ty::Int,
            (Op::If, [_, a, b]) if a.ty == b.ty => a.ty,
            (Op::If, [_, a, b]) if matches!(a.ty, Ty::Int | Ty::Dec) && matches!(b.ty, Ty::Int | Ty::Dec) => Ty::Dec,
            (Op::If, _) => Ty::Any,
            _ => Ty::Bool,
        };
        if kids.iter().all(|k| matches!(k.op, Op::Piece)) {
            // Constant per segment: fold once per segment with the scalar kernels.
            let mut vals = Vec::with_capacity(self.reps.len());
            for s in 0..self.reps.len() {
                let args: Vec<Option<Scalar>> = kids.iter().map(|k| k.piece.get(s).copied().flatten()).collect();
                vals.push(scalar_kernel(&op, &args)?);
            }
            return self.piece(vals, ty);
        }
        Ok(Self::node(ty, op, kids))
    }

    fn input(&mut self, def: &'static FactDef) -> Result<Node<'a>, String> {
        let ty = ty_of(def.ty);
        Ok(match self.cols.stored(def.name) {
            None | Some(Stored::Person(..)) => return self.unknown(ty),
            Some(Stored::Enum(codes, values)) => {
                let mut ids = vec![NO_SYM];
                for (c, _) in values.iter() {
                    ids.push(self.intern(c));
                }
                Self::node(Ty::Sym, Op::Enum(codes, ids), Vec::new())
            }
            Some(s) => {
                let sty = match s {
                    Stored::Bool(_) => Ty::Bool,
                    Stored::Int(..) => Ty::Int,
                    Stored::Dec(..) => Ty::Dec,
                    _ => Ty::Date,
                };
                Self::node(sty, Op::Input(s), Vec::new())
            }
        })
    }

    fn derived(&mut self, def: &'static FactDef) -> Result<Node<'a>, String> {
        let ty = ty_of(def.ty);
        let person = match self.cols.stored("person.id_number") {
            Some(Stored::Person(birth, male)) => Some((birth.as_slice(), male.as_slice())),
            _ => None,
        };
        let months_from = |c: &Self, from: &str, to: Option<&str>| -> Option<Op<'a>> {
            let f = c.date_col(from)?;
            match to {
                None => Some(Op::Months(f, None)),
                Some(t) => Some(Op::Months(f, Some(c.date_col(t)?))),
            }
        };
        let op = match def.name {
            "person.registered_unemployed_months" => months_from(self, "person.registered_unemployed_since", None),
            "hire.person_registered_unemployed_months" => months_from(self, "person.registered_unemployed_since", Some("hire.date")),
            "person.months_since_graduation" => months_from(self, "person.graduation_date", None),
            "business.months_operating" => months_from(self, "business.started_on", None),
            "person.months_on_temporary_public_post" => months_from(self, "person.temporary_public_post_started_on", None),
            "person.age" => person.map(|(b, _)| Op::Age(b)),
            "person.birth_date" => person.map(|(b, _)| Op::BirthDate(b)),
            "person.sex" => {
                let ids = (self.intern("male"), self.intern("female"));
                person.map(|(b, m)| Op::Sex(b, m, ids))
            }
            "enterprise.layoff_rate" => {
                let p = self.params.get("layoff_rate.definition").ok_or("未知的参数 layoff_rate.definition")?;
                let defs = self
                    .reps
                    .iter()
                    .map(|d| match d.and_then(|d| p.lookup(d)).map(|f| f.value) {
                        None => Ok(None),
                        Some(Scalar::Sym("new_claimants_over_average_insured")) => Ok(Some(1)),
                        Some(Scalar::Sym(_)) => Ok(Some(0)),
                        Some(other) => Err(format!("裁员率口径参数类型错误 {other:?}")),
                    })
                    .collect();
                let numer = [self.cols.stored("enterprise.layoffs_in_period"), self.cols.stored("enterprise.new_ui_claimants_in_period")];
                Some(Op::LayoffRate(defs, numer, self.cols.stored("enterprise.average_insured_staff")))
            }
            other => Some(Op::Derived(other)),
        };
        match op {
            Some(op) => Ok(Self::node(ty, op, Vec::new())),
            // A month count or a fact of the ID number without its input column: unknown.
            None => self.unknown(ty),
        }
    }
}

/// Reference-date segments: sorted packed boundaries where any parameter the program reads
/// may change value, and a date inside each segment, plus the last segment for cases without
/// a reference date. Without a reference fact there is one segment: `as_of`.
fn segments(program: &Program, params: &Params, as_of: Date) -> (Vec<i32>, Vec<Option<Date>>) {
    if program.reference_date.is_none() {
        return (Vec::new(), vec![Some(as_of)]);
    }
    let mut ids = program.params_used();
    ids.extend(["layoff_rate.definition", "retirement.reform_effective_from"]);
    let mut bounds: Vec<i32> = Vec::new();
    for p in ids.iter().filter_map(|id| params.get(id)) {
        for r in p.layers.iter().flatten() {
            bounds.extend(r.from.map(packed::pack));
            bounds.extend(r.to.and_then(Date::next_day).map(packed::pack));
        }
    }
    bounds.sort_unstable();
    bounds.dedup();
    let first = match bounds.first().and_then(|b| packed::unpack(*b)) {
        None => Some(as_of),
        Some(b) => Some(b.previous_day().unwrap_or(b)),
    };
    let mut reps = vec![first];
    reps.extend(bounds.iter().map(|b| packed::unpack(*b)));
    reps.push(None);
    (bounds, reps)
}

/// What an eligible case of one segment gets: `finish` of the amount.
type Finished = Result<(Outcome, Option<Decimal>), String>;

/// A per-case condition bitmask word: the narrowest that holds the program's conditions, so the
/// per-condition fold over a block touches 1 byte per case for most programs, not 8.
trait Word: Copy + Default + Eq + std::ops::BitOrAssign + std::ops::Shl<u32, Output = Self> + From<u8> + Into<u64> + Send + 'static {
    fn wrap(v: Vec<Self>) -> Masks;
}

impl Word for u8 {
    fn wrap(v: Vec<Self>) -> Masks {
        Masks::U8(v)
    }
}
impl Word for u16 {
    fn wrap(v: Vec<Self>) -> Masks {
        Masks::U16(v)
    }
}
impl Word for u32 {
    fn wrap(v: Vec<Self>) -> Masks {
        Masks::U32(v)
    }
}
impl Word for u64 {
    fn wrap(v: Vec<Self>) -> Masks {
        Masks::U64(v)
    }
}

pub(super) fn run(rs: &Ruleset, program: &Program, cols: &FactColumns, as_of: Date) -> Result<ScanResult, String> {
    let bits = program.conditions.len() + usize::from(program.exclusivity.is_active());
    match bits {
        0..=8 => run_with::<u8>(rs, program, cols, as_of),
        9..=16 => run_with::<u16>(rs, program, cols, as_of),
        17..=32 => run_with::<u32>(rs, program, cols, as_of),
        33..=64 => run_with::<u64>(rs, program, cols, as_of),
        _ => Err("条件过多（最多64个）".to_string()),
    }
}

fn run_with<M: Word>(rs: &Ruleset, program: &Program, cols: &FactColumns, as_of: Date) -> Result<ScanResult, String> {
    let n = cols.len;
    let params = rs.params();
    let refs = match program.reference_date {
        None => Refs::AsOf,
        Some(f) => match cols.stored(f) {
            Some(Stored::Date(v)) => Refs::Column(v),
            _ => Refs::Missing,
        },
    };
    let (bounds, reps) = segments(program, params, as_of);
    let none_seg = u32::try_from(reps.len().saturating_sub(1)).map_err(|_| "参数分段过多".to_string())?;
    let dated_segments = program.reference_date.is_some();
    let mut c = Compiler { cols, params, as_of, reps, dated_segments, syms: Vec::new() };
    for def in vocabulary::FACTS {
        for (code, _) in def.values {
            c.intern(code);
        }
    }
    let mut conds = program.conditions.iter().map(|k| c.compile(&k.expr)).collect::<Result<Vec<_>, _>>()?;
    let mut amount = program.amount.as_ref().map(|a| c.compile(&a.expr)).transpose()?;
    // A constant amount is finished (rounded to fen) once per segment.
    let amount_by_seg: Option<Vec<Finished>> = amount
        .as_ref()
        .filter(|a| matches!(a.op, Op::Piece))
        .map(|a| a.piece.iter().map(|v| finish(Outcome::Eligible, Some(*v))).collect());
    let syms = c.syms;

    let mut condition_ids: Vec<&'static str> = program.conditions.iter().map(|k| k.id).collect();
    let ex = &program.exclusivity;
    let exclusive = ex.is_active();
    if exclusive {
        condition_ids.push(EXCLUSIVITY_CONDITION);
    }
    let ex_bit = M::from(1) << u32::try_from(program.conditions.len()).map_err(|_| "条件过多".to_string())?;
    let grants = cols.grants.as_ref();
    // Per grant program name: does an earlier grant of it block this program?
    let blocks: Vec<bool> = grants
        .map(|g| g.names.iter().map(|p| (ex.once && p == program.id) || ex.exclusive_with.iter().any(|x| x == p)).collect())
        .unwrap_or_default();
    let as_of_p = packed::pack(as_of);

    let mut all_failed: Vec<M> = Vec::with_capacity(n);
    let mut all_unknown: Vec<M> = Vec::with_capacity(n);
    let mut out = ScanResult {
        program: program.id,
        as_of,
        ruleset_version: rs.version().to_string(),
        condition_ids,
        decisions: Vec::with_capacity(n),
        amount_ix: Vec::with_capacity(n),
        amount_values: Vec::new(),
        failed: M::wrap(Vec::new()),
        unknown: M::wrap(Vec::new()),
    };
    // A constant amount: the table holds the finished value of each segment, and an eligible
    // case points at its segment's entry (`seg_ix`; 0 when the segment's amount is not known).
    // A segment whose amount is an error fails the scan only if an eligible case falls in it.
    let mut seg_ix: Vec<Result<u32, &String>> = Vec::new();
    if let Some(by_seg) = &amount_by_seg {
        for f in by_seg {
            seg_ix.push(match f {
                Ok((Outcome::Eligible, Some(v))) => {
                    out.amount_values.push(*v);
                    Ok(u32::try_from(out.amount_values.len()).map_err(|_| "参数分段过多".to_string())?)
                }
                Ok(_) => Ok(0),
                Err(e) => Err(e),
            });
        }
    }
    let mut seg: Vec<u32> = Vec::with_capacity(BLOCK);
    let (mut failed, mut unknown) = (Vec::with_capacity(BLOCK), Vec::with_capacity(BLOCK));
    let mut decided: Vec<Outcome> = Vec::with_capacity(BLOCK);
    let mut lo = 0;
    while lo < n {
        let len = BLOCK.min(n - lo);
        let single = match refs {
            Refs::AsOf => Some(0),
            Refs::Missing => Some(none_seg),
            Refs::Column(v) => {
                // The number of boundaries at or before each date, one boundary at a time (so
                // the loops run across rows); `NO_DATE` is below every boundary.
                let dates = v.get(lo..lo + len).unwrap_or(&[]);
                seg.clear();
                seg.resize(dates.len(), 0);
                for b in &bounds {
                    seg.iter_mut().zip(dates).for_each(|(s, p)| *s += u32::from(*b <= *p));
                }
                seg.iter_mut().zip(dates).for_each(|(s, p)| *s = if *p == NO_DATE { none_seg } else { *s });
                None
            }
        };
        let has_none = single == Some(none_seg) || (single.is_none() && seg.contains(&none_seg));
        let cx = Cx { lo, len, seg: &seg, single, none_seg, has_none, as_of, as_of_p, syms: &syms, cols, params, refs };
        failed.clear();
        failed.resize(len, M::default());
        unknown.clear();
        unknown.resize(len, M::default());
        for (bit, node) in conds.iter_mut().enumerate() {
            node.eval(&cx)?;
            let bit = u32::try_from(bit).map_err(|_| "条件过多".to_string())?;
            if node.ty == Ty::Bool {
                let codes = node.bools(&cx);
                if codes.len() != len {
                    return Err("扫描计划内部错误：块长度不符".to_string());
                }
                for ((f, u), m) in failed.iter_mut().zip(unknown.iter_mut()).zip(codes) {
                    *f |= M::from(u8::from(*m == FALSE)) << bit;
                    *u |= M::from(u8::from(*m == UNKNOWN)) << bit;
                }
            } else {
                for (i, (f, u)) in failed.iter_mut().zip(unknown.iter_mut()).enumerate() {
                    match node.scalar_at(&cx, i) {
                        None => *u |= M::from(1) << bit,
                        Some(Scalar::Bool(true)) => {}
                        Some(Scalar::Bool(false)) => *f |= M::from(1) << bit,
                        Some(other) => return Err(format!("条件应为布尔值，得到 {other:?}")),
                    }
                }
            }
        }
        if let (true, Some(g)) = (exclusive, grants) {
            // Only the cases that have earlier grants (few): `g.rows` lists them in order.
            let first = g.rows.partition_point(|r| (*r as usize) < lo);
            let last = g.rows.partition_point(|r| (*r as usize) < lo + len);
            for row in g.rows.get(first..last).unwrap_or(&[]) {
                let row = *row as usize;
                let (Some(f), Some(start), Some(end)) = (failed.get_mut(row - lo), g.offsets.get(row), g.offsets.get(row + 1)) else {
                    continue;
                };
                let (start, end) = (*start as usize, *end as usize);
                let reference = cx.reference(row).map_or(as_of_p, packed::pack);
                let entries = g.programs.get(start..end).unwrap_or(&[]).iter().zip(g.dates.get(start..end).unwrap_or(&[]));
                let blocked = entries.into_iter().any(|(p, d)| {
                    blocks.get(*p as usize).copied().unwrap_or(false)
                        && *d <= as_of_p
                        && (ex.scope == GrantScope::Ever || packed::year(*d) == packed::year(reference))
                });
                if blocked {
                    *f |= ex_bit;
                }
            }
        }
        decided.clear();
        decided.extend(failed.iter().zip(&unknown).map(|(f, u)| {
            if *f != M::default() {
                Outcome::Ineligible
            } else if *u != M::default() {
                Outcome::NeedsFacts
            } else {
                Outcome::Eligible
            }
        }));
        // The amounts of the eligible cases only; a case whose amount cannot be computed becomes
        // "needs facts" (`finish`), with the amount's condition reported as in explain mode.
        let base = out.amount_ix.len();
        out.amount_ix.resize(base + len, 0);
        let ix = out.amount_ix.get_mut(base..).unwrap_or(&mut []);
        match &mut amount {
            None => {}
            Some(_) if amount_by_seg.is_some() => {
                for (i, (x, d)) in ix.iter_mut().zip(decided.iter_mut()).enumerate() {
                    if *d == Outcome::Eligible {
                        let s = cx.single.or_else(|| seg.get(i).copied()).unwrap_or(0);
                        *x = seg_ix.get(s as usize).copied().unwrap_or(Ok(0)).map_err(String::clone)?;
                        if *x == 0 {
                            *d = Outcome::NeedsFacts;
                        }
                    }
                }
            }
            // A computed amount: evaluated only for blocks with an eligible case.
            Some(a) if decided.contains(&Outcome::Eligible) => {
                a.eval(&cx)?;
                for (i, (x, d)) in ix.iter_mut().zip(decided.iter_mut()).enumerate() {
                    if *d != Outcome::Eligible {
                        continue;
                    }
                    match finish(Outcome::Eligible, Some(a.scalar_at(&cx, i)))? {
                        (Outcome::Eligible, Some(v)) => {
                            out.amount_values.push(v);
                            *x = u32::try_from(out.amount_values.len()).map_err(|_| "金额过多".to_string())?;
                        }
                        _ => *d = Outcome::NeedsFacts,
                    }
                }
            }
            Some(_) => {}
        }
        out.decisions.extend_from_slice(&decided);
        all_failed.extend_from_slice(&failed);
        all_unknown.extend_from_slice(&unknown);
        lo += len;
    }
    out.failed = M::wrap(all_failed);
    out.unknown = M::wrap(all_unknown);
    Ok(out)
}
