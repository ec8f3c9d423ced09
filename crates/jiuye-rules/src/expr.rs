//! The expression language programs are written in, its scalar kernels, and the one-case evaluator.
//!
//! Logic is three-valued (Kleene): a missing fact makes a value unknown (`None`), `false AND
//! unknown` is `false`, `true OR unknown` is `true`. So a case is refused as soon as one known
//! condition fails, and "needs facts" is reserved for cases where the missing fact matters.
//!
//! The kernels (`and2`, `cmp`, …) are the only place values are combined. Explain mode calls them
//! once per node; scan mode (`scan/plan.rs`) folds constants with the same kernels and runs them
//! row by row wherever it has no typed kernel, whose results must equal theirs. The differential
//! and property tests check the rest (typed kernels, traversal, derived facts, parameters per row).

use rust_decimal::Decimal;
use time::Date;

use crate::dates::add_months;
use crate::value::Scalar;

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CmpOp {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "≤",
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
            CmpOp::Ge => "≥",
            CmpOp::Gt => ">",
        }
    }
}

/// Arithmetic operators (on numbers only: counts, yuan, rates are all exact decimals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
}

/// A literal in an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lit {
    Bool(bool),
    Num(Decimal),
    Sym(&'static str),
}

/// An expression over facts, parameters and the evaluation date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    /// An input or derived fact, by vocabulary name.
    Fact(&'static str),
    /// A parameter, looked up at the program's reference date.
    Param(&'static str),
    /// The evaluation date (`as_of`).
    AsOf,
    Lit(Lit),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// Enum membership.
    In(Box<Expr>, Vec<&'static str>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A date plus a number of months (month ends clamp).
    AddMonths(Box<Expr>, Box<Expr>),
    /// The calendar year of a date.
    Year(Box<Expr>),
}

impl Expr {
    /// Calls `f` on every fact and parameter name the expression reads.
    pub fn visit_names(&self, f: &mut dyn FnMut(Name)) {
        match self {
            Expr::Fact(n) => f(Name::Fact(n)),
            Expr::Param(p) => f(Name::Param(p)),
            Expr::AsOf | Expr::Lit(_) => {}
            Expr::Cmp(_, a, b) | Expr::Arith(_, a, b) | Expr::AddMonths(a, b) => {
                a.visit_names(f);
                b.visit_names(f);
            }
            Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| x.visit_names(f)),
            Expr::Not(a) | Expr::In(a, _) | Expr::Year(a) => a.visit_names(f),
            Expr::If(c, a, b) => {
                c.visit_names(f);
                a.visit_names(f);
                b.visit_names(f);
            }
        }
    }
}

/// A name an expression reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    Fact(&'static str),
    Param(&'static str),
}

// Builders: programs read like the policy text.
pub(crate) fn fact(name: &'static str) -> Expr {
    Expr::Fact(name)
}
pub(crate) fn param(id: &'static str) -> Expr {
    Expr::Param(id)
}
pub(crate) fn int(i: i64) -> Expr {
    Expr::Lit(Lit::Num(Decimal::from(i)))
}
pub(crate) fn cmp(op: CmpOp, a: Expr, b: Expr) -> Expr {
    Expr::Cmp(op, Box::new(a), Box::new(b))
}
pub(crate) fn ge(a: Expr, b: Expr) -> Expr {
    cmp(CmpOp::Ge, a, b)
}
pub(crate) fn gt(a: Expr, b: Expr) -> Expr {
    cmp(CmpOp::Gt, a, b)
}
pub(crate) fn le(a: Expr, b: Expr) -> Expr {
    cmp(CmpOp::Le, a, b)
}
pub(crate) fn lt(a: Expr, b: Expr) -> Expr {
    cmp(CmpOp::Lt, a, b)
}
pub(crate) fn eq(a: Expr, b: Expr) -> Expr {
    cmp(CmpOp::Eq, a, b)
}
pub(crate) fn and(xs: Vec<Expr>) -> Expr {
    Expr::And(xs)
}
pub(crate) fn or(xs: Vec<Expr>) -> Expr {
    Expr::Or(xs)
}
pub(crate) fn not(a: Expr) -> Expr {
    Expr::Not(Box::new(a))
}
pub(crate) fn is_in(a: Expr, codes: &[&'static str]) -> Expr {
    Expr::In(Box::new(a), codes.to_vec())
}
pub(crate) fn sym(s: &'static str) -> Expr {
    Expr::Lit(Lit::Sym(s))
}
pub(crate) fn add(a: Expr, b: Expr) -> Expr {
    Expr::Arith(ArithOp::Add, Box::new(a), Box::new(b))
}
pub(crate) fn mul(a: Expr, b: Expr) -> Expr {
    Expr::Arith(ArithOp::Mul, Box::new(a), Box::new(b))
}
pub(crate) fn if_(c: Expr, a: Expr, b: Expr) -> Expr {
    Expr::If(Box::new(c), Box::new(a), Box::new(b))
}
pub(crate) fn add_months_expr(d: Expr, n: Expr) -> Expr {
    Expr::AddMonths(Box::new(d), Box::new(n))
}
pub(crate) fn year(d: Expr) -> Expr {
    Expr::Year(Box::new(d))
}

/// Kernel result: `Err` is a type error in a definition (a bug caught by tests), never bad input.
pub(crate) type K = Result<Option<Scalar>, String>;

pub(crate) fn lit(l: Lit) -> Scalar {
    match l {
        Lit::Bool(b) => Scalar::Bool(b),
        Lit::Num(n) => Scalar::Num(n),
        Lit::Sym(s) => Scalar::Sym(s),
    }
}

fn as_bool(v: Option<Scalar>) -> Result<Option<bool>, String> {
    match v {
        None => Ok(None),
        Some(Scalar::Bool(b)) => Ok(Some(b)),
        Some(other) => Err(format!("需要布尔值，得到 {other:?}")),
    }
}

/// Kleene AND of two values.
pub(crate) fn and2(a: Option<Scalar>, b: Option<Scalar>) -> K {
    Ok(match (as_bool(a)?, as_bool(b)?) {
        (Some(false), _) | (_, Some(false)) => Some(Scalar::Bool(false)),
        (Some(true), Some(true)) => Some(Scalar::Bool(true)),
        _ => None,
    })
}

/// Kleene OR of two values.
pub(crate) fn or2(a: Option<Scalar>, b: Option<Scalar>) -> K {
    Ok(match (as_bool(a)?, as_bool(b)?) {
        (Some(true), _) | (_, Some(true)) => Some(Scalar::Bool(true)),
        (Some(false), Some(false)) => Some(Scalar::Bool(false)),
        _ => None,
    })
}

pub(crate) fn not1(a: Option<Scalar>) -> K {
    Ok(as_bool(a)?.map(|b| Scalar::Bool(!b)))
}

pub(crate) fn compare(op: CmpOp, a: Option<Scalar>, b: Option<Scalar>) -> K {
    let (Some(a), Some(b)) = (a, b) else {
        return Ok(None);
    };
    let ord = match (a, b) {
        (Scalar::Num(x), Scalar::Num(y)) => x.cmp(&y),
        (Scalar::Date(x), Scalar::Date(y)) => x.cmp(&y),
        (Scalar::Bool(x), Scalar::Bool(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => x.cmp(&y),
        (Scalar::Sym(x), Scalar::Sym(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => x.cmp(y),
        _ => return Err(format!("不能比较 {a:?} 与 {b:?}")),
    };
    use std::cmp::Ordering::{Equal, Greater, Less};
    let r = match op {
        CmpOp::Lt => ord == Less,
        CmpOp::Le => ord != Greater,
        CmpOp::Eq => ord == Equal,
        CmpOp::Ne => ord != Equal,
        CmpOp::Ge => ord != Less,
        CmpOp::Gt => ord == Greater,
    };
    Ok(Some(Scalar::Bool(r)))
}

pub(crate) fn member(a: Option<Scalar>, codes: &[&'static str]) -> K {
    match a {
        None => Ok(None),
        Some(Scalar::Sym(s)) => Ok(Some(Scalar::Bool(codes.contains(&s)))),
        Some(other) => Err(format!("枚举成员判断需要枚举值，得到 {other:?}")),
    }
}

/// Arithmetic; overflow gives "unknown" rather than an error so that scan mode, which computes
/// both branches of an `If`, cannot fail where explain mode succeeds.
pub(crate) fn arith(op: ArithOp, a: Option<Scalar>, b: Option<Scalar>) -> K {
    let (Some(a), Some(b)) = (a, b) else {
        return Ok(None);
    };
    let (Scalar::Num(x), Scalar::Num(y)) = (a, b) else {
        return Err(format!("算术运算需要数值，得到 {a:?} 与 {b:?}"));
    };
    Ok(match op {
        ArithOp::Add => x.checked_add(y),
        ArithOp::Sub => x.checked_sub(y),
        ArithOp::Mul => x.checked_mul(y),
    }
    .map(Scalar::Num))
}

pub(crate) fn choose(c: Option<Scalar>, a: Option<Scalar>, b: Option<Scalar>) -> K {
    Ok(match as_bool(c)? {
        None => None,
        Some(true) => a,
        Some(false) => b,
    })
}

pub(crate) fn months_after(d: Option<Scalar>, n: Option<Scalar>) -> K {
    let (Some(d), Some(n)) = (d, n) else {
        return Ok(None);
    };
    let (Scalar::Date(d), Scalar::Num(n)) = (d, n) else {
        return Err(format!("日期加月数需要日期和整数，得到 {d:?} 与 {n:?}"));
    };
    let n = i64::try_from(n.trunc()).map_err(|_| format!("月数 {n} 超出范围"))?;
    Ok(add_months(d, n).map(Scalar::Date))
}

pub(crate) fn year_of(d: Option<Scalar>) -> K {
    match d {
        None => Ok(None),
        Some(Scalar::Date(d)) => Ok(Some(Scalar::Num(Decimal::from(d.year())))),
        Some(other) => Err(format!("取年份需要日期，得到 {other:?}")),
    }
}

/// What the one-case evaluator needs from its surroundings (facts, parameters, recording).
pub(crate) trait Env {
    fn as_of(&self) -> Date;
    /// A fact of the vocabulary, input or derived.
    fn fact(&mut self, name: &'static str) -> Result<Option<Scalar>, String>;
    fn param(&mut self, id: &'static str) -> Result<Option<Scalar>, String>;
}

/// Evaluates one expression for one case.
pub(crate) fn eval(e: &Expr, env: &mut dyn Env) -> K {
    match e {
        Expr::Fact(n) => env.fact(n),
        Expr::Param(p) => env.param(p),
        Expr::AsOf => Ok(Some(Scalar::Date(env.as_of()))),
        Expr::Lit(l) => Ok(Some(lit(*l))),
        Expr::Cmp(op, a, b) => {
            let a = eval(a, env)?;
            compare(*op, a, eval(b, env)?)
        }
        // Every operand is evaluated (no short-circuit) so the explanation shows all values read.
        Expr::And(xs) => xs.iter().try_fold(Some(Scalar::Bool(true)), |acc, x| and2(acc, eval(x, env)?)),
        Expr::Or(xs) => xs.iter().try_fold(Some(Scalar::Bool(false)), |acc, x| or2(acc, eval(x, env)?)),
        Expr::Not(a) => not1(eval(a, env)?),
        Expr::In(a, codes) => member(eval(a, env)?, codes),
        Expr::Arith(op, a, b) => {
            let a = eval(a, env)?;
            arith(*op, a, eval(b, env)?)
        }
        // Only the chosen branch is evaluated: a fact the case does not need is not "missing".
        Expr::If(c, a, b) => match as_bool(eval(c, env)?)? {
            None => Ok(None),
            Some(true) => eval(a, env),
            Some(false) => eval(b, env),
        },
        Expr::AddMonths(d, n) => {
            let d = eval(d, env)?;
            months_after(d, eval(n, env)?)
        }
        Expr::Year(d) => year_of(eval(d, env)?),
    }
}
