//! Typed values of facts and parameters, and the small copyable scalar the evaluator computes with.
//!
//! Inputs keep their declared type (`Value`), so a decision can echo them exactly; the evaluator
//! works on `Scalar`, where every number (count, yuan, rate) is an exact `Decimal`: no `f64` ever
//! touches money or a threshold, and integer and decimal comparisons cannot disagree.

use std::fmt;

use jiuye_domain::IdNumber;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::ser::{Serialize, Serializer};
use time::Date;

/// The declared type of a fact or a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Bool,
    Int,
    Date,
    /// Yuan, exact decimal, given as a decimal string.
    Money,
    /// A ratio such as 0.055 (shown as 5.5%), exact decimal, given as a decimal string.
    Rate,
    /// Any other exact decimal (an average headcount), given as a decimal string or an integer.
    Decimal,
    Text,
    /// One code out of a closed list.
    Enum,
    /// 公民身份号码, checked on input (GB 11643-1999).
    IdNumber,
}

impl ValueType {
    /// Chinese name of the type, for error messages.
    pub fn label(self) -> &'static str {
        match self {
            ValueType::Bool => "布尔值（true/false）",
            ValueType::Int => "整数",
            ValueType::Date => "日期（YYYY-MM-DD）",
            ValueType::Money => "金额（以元为单位的十进制字符串，如 \"1000.00\"）",
            ValueType::Rate => "比率（十进制字符串，如 \"0.055\" 表示5.5%）",
            ValueType::Decimal => "十进制数（字符串，如 \"12.5\"，或整数）",
            ValueType::Text => "文本",
            ValueType::Enum => "枚举代码",
            ValueType::IdNumber => "18位公民身份号码",
        }
    }
}

/// A typed fact or parameter value as given.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Date(Date),
    Money(Decimal),
    Rate(Decimal),
    Decimal(Decimal),
    Text(String),
    Enum(&'static str),
    IdNumber(IdNumber),
}

impl Value {
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Bool(_) => ValueType::Bool,
            Value::Int(_) => ValueType::Int,
            Value::Date(_) => ValueType::Date,
            Value::Money(_) => ValueType::Money,
            Value::Rate(_) => ValueType::Rate,
            Value::Decimal(_) => ValueType::Decimal,
            Value::Text(_) => ValueType::Text,
            Value::Enum(_) => ValueType::Enum,
            Value::IdNumber(_) => ValueType::IdNumber,
        }
    }

    /// The evaluator's view; text and ID numbers are only read by derived-fact code.
    pub(crate) fn scalar(&self) -> Option<Scalar> {
        match self {
            Value::Bool(b) => Some(Scalar::Bool(*b)),
            Value::Int(i) => Some(Scalar::Num(Decimal::from(*i))),
            Value::Date(d) => Some(Scalar::Date(*d)),
            Value::Money(m) | Value::Rate(m) | Value::Decimal(m) => Some(Scalar::Num(*m)),
            Value::Enum(s) => Some(Scalar::Sym(s)),
            Value::Text(_) | Value::IdNumber(_) => None,
        }
    }
}

/// JSON form: the same shapes the fact parser accepts, so a recorded decision can be replayed.
/// ID numbers are echoed masked: decisions are stored and shown, the full number is not needed.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Date(d) => s.serialize_str(&iso_date(*d)),
            Value::Money(m) | Value::Rate(m) | Value::Decimal(m) => s.serialize_str(&m.normalize().to_string()),
            Value::Text(t) => s.serialize_str(t),
            Value::Enum(e) => s.serialize_str(e),
            Value::IdNumber(id) => s.serialize_str(&id.masked()),
        }
    }
}

/// What expressions compute with. `Copy`, so column kernels stay allocation-free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    Bool(bool),
    Num(Decimal),
    Date(Date),
    Sym(&'static str),
}

impl Scalar {
    pub(crate) fn to_json(self, ty: ValueType) -> serde_json::Value {
        match (self, ty) {
            (Scalar::Bool(b), _) => serde_json::Value::Bool(b),
            (Scalar::Num(n), ValueType::Int) => match i64::try_from(n) {
                Ok(i) => serde_json::Value::from(i),
                Err(_) => serde_json::Value::String(n.normalize().to_string()),
            },
            (Scalar::Num(n), _) => serde_json::Value::String(n.normalize().to_string()),
            (Scalar::Date(d), _) => serde_json::Value::String(iso_date(d)),
            (Scalar::Sym(s), _) => serde_json::Value::String(s.to_string()),
        }
    }
}

/// `YYYY-MM-DD` without going through a fallible formatter.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses `YYYY-MM-DD` strictly (no time, no offset).
pub fn parse_iso_date(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &fmt).ok()
}

/// Rounds yuan to fen, half away from zero, as Chinese finance rounds (四舍五入).
pub fn round_yuan(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A yuan amount with exactly two decimals: `"1000.00"`.
pub fn yuan_string(d: Decimal) -> String {
    let mut r = round_yuan(d);
    r.rescale(2);
    r.to_string()
}

/// A rate as a percentage with up to two decimals and no trailing zeros: 0.055 → `5.5%`.
pub fn percent_string(d: Decimal) -> String {
    let p = (d * Decimal::ONE_HUNDRED).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    format!("{}%", p.normalize())
}

/// Plain-Chinese rendering of a scalar of a given type (是/否, 1000.00元, 5.5%, 2020-01-01).
pub(crate) struct Shown<'a> {
    pub scalar: Scalar,
    pub ty: ValueType,
    pub unit: &'a str,
    pub labels: &'a [(&'static str, &'static str)],
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.scalar, self.ty) {
            (Scalar::Bool(true), _) => f.write_str("是"),
            (Scalar::Bool(false), _) => f.write_str("否"),
            (Scalar::Num(n), ValueType::Money) => write!(f, "{}元", yuan_string(n)),
            (Scalar::Num(n), ValueType::Rate) => f.write_str(&percent_string(n)),
            (Scalar::Num(n), _) => write!(f, "{}{}", n.normalize(), self.unit),
            (Scalar::Date(d), _) => f.write_str(&iso_date(d)),
            (Scalar::Sym(s), _) => {
                let label = self.labels.iter().find(|(c, _)| *c == s).map_or(s, |(_, l)| *l);
                f.write_str(label)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_and_rates_render_as_a_citizen_reads_them() {
        assert_eq!(yuan_string(Decimal::from(1000)), "1000.00");
        assert_eq!(yuan_string(Decimal::from_str("1119.995").unwrap()), "1120.00");
        assert_eq!(percent_string(Decimal::from_str("0.055").unwrap()), "5.5%");
        assert_eq!(percent_string(Decimal::from_str("0.2").unwrap()), "20%");
    }

    #[test]
    fn iso_dates_round_trip() {
        let d = parse_iso_date("2020-02-29").unwrap();
        assert_eq!(iso_date(d), "2020-02-29");
        assert!(parse_iso_date("2021-02-29").is_none());
        assert!(parse_iso_date("2020-1-1").is_none());
    }
}
