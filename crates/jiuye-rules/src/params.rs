//! Parameters: named values that hold over date ranges, like tax rates, each with its source.
//!
//! The shipped file `params/default.toml` is the base layer. Operators add layers on top (another
//! TOML text, or `PARAM=VALUE[@FROM..TO]` from `jiuye simulate --set`); a lookup at a date takes the
//! newest layer that has a range covering the date, then older layers, then the parameter's
//! `otherwise` value (used by "in force" switches, false outside their windows). Nothing is ever
//! guessed: a date no range covers gives no value, and the decision names the missing parameter.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;
use time::Date;

use crate::error::RulesError;
use crate::value::{Scalar, ValueType, iso_date, parse_iso_date};

/// Enum-valued parameters and their codes: expressions compare against these, so they live in code.
const ENUM_PARAMS: &[(&str, &[&str])] = &[
    ("layoff_rate.definition", &["layoffs_over_average_insured", "new_claimants_over_average_insured"]),
    ("stable_post_refund_hardship.formula", &["benefit_months", "si_months"]),
];

/// One value over `[from, to]` (both inclusive; `None` is open).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Range {
    #[serde(serialize_with = "ser_opt_date")]
    pub from: Option<Date>,
    #[serde(serialize_with = "ser_opt_date")]
    pub to: Option<Date>,
    #[serde(serialize_with = "ser_scalar")]
    pub value: Scalar,
    /// Where an override came from; the base layer uses the parameter's `source`.
    pub source: Option<String>,
}

impl Range {
    fn covers(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }

    /// "2020-01-01至2020-12-31", "2021-01-01起", "长期".
    pub fn period_label(&self) -> String {
        match (self.from, self.to) {
            (Some(f), Some(t)) => format!("{}至{}", iso_date(f), iso_date(t)),
            (Some(f), None) => format!("{}起", iso_date(f)),
            (None, Some(t)) => format!("{}前", iso_date(t)),
            (None, None) => "长期".to_string(),
        }
    }
}

/// A parameter definition with its layers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Param {
    pub id: String,
    #[serde(rename = "type")]
    pub ty: ValueType,
    pub label: String,
    /// Measure number, or "local decision / 待确认" with a note.
    pub source: String,
    /// A local placeholder the bureau must confirm before real payments.
    pub placeholder: bool,
    pub unit: String,
    /// Layer 0 is the shipped file; later layers are overrides.
    pub layers: Vec<Vec<Range>>,
    #[serde(serialize_with = "ser_opt_scalar")]
    pub otherwise: Option<Scalar>,
}

/// The value a lookup found, with what a decision must record about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a> {
    pub value: Scalar,
    pub range: Option<&'a Range>,
    pub overridden: bool,
}

impl Param {
    pub fn lookup(&self, d: Date) -> Option<Found<'_>> {
        for (layer, ranges) in self.layers.iter().enumerate().rev() {
            if let Some(r) = ranges.iter().find(|r| r.covers(d)) {
                return Some(Found { value: r.value, range: Some(r), overridden: layer > 0 });
            }
        }
        self.otherwise.map(|value| Found { value, range: None, overridden: false })
    }

    /// The periods in which a boolean switch is on, newest layer first ("2020-01-01至2020-12-31").
    pub fn on_periods(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for ranges in self.layers.iter().rev() {
            for r in ranges.iter().filter(|r| r.value == Scalar::Bool(true)) {
                let p = r.period_label();
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }
}

/// All parameters of a rule set.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Params {
    params: BTreeMap<String, Param>,
    /// Every overlay applied, in order, as given: part of the rule-set version.
    #[serde(skip)]
    pub(crate) applied: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    param: Vec<RawParam>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    id: String,
    #[serde(rename = "type")]
    ty: Option<String>,
    label: Option<String>,
    source: Option<String>,
    #[serde(default)]
    placeholder: bool,
    unit: Option<String>,
    #[serde(default)]
    ranges: Vec<RawRange>,
    otherwise: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: Option<toml::Value>,
    to: Option<toml::Value>,
    value: toml::Value,
    source: Option<String>,
}

fn parse_type(id: &str, s: &str) -> Result<ValueType, RulesError> {
    Ok(match s {
        "bool" => ValueType::Bool,
        "int" => ValueType::Int,
        "date" => ValueType::Date,
        "money" => ValueType::Money,
        "rate" => ValueType::Rate,
        "decimal" => ValueType::Decimal,
        "enum" => ValueType::Enum,
        _ => return Err(RulesError::param(id, format!("未知的参数类型“{s}”"))),
    })
}

fn toml_date(id: &str, v: &toml::Value) -> Result<Date, RulesError> {
    let s = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => {
            return Err(RulesError::param(id, format!("日期应写成 YYYY-MM-DD，实际为 {other}")));
        }
    };
    parse_iso_date(&s).ok_or_else(|| RulesError::param(id, format!("“{s}”不是有效日期（YYYY-MM-DD）")))
}

/// Parses a parameter value of type `ty` from its text form (used by `--set` and by TOML strings).
fn scalar_from_str(id: &str, ty: ValueType, s: &str) -> Result<Scalar, RulesError> {
    let s = s.trim();
    let bad = || RulesError::param(id, format!("“{s}”不是有效的{}", ty.label()));
    Ok(match ty {
        ValueType::Bool => match s {
            "true" | "是" => Scalar::Bool(true),
            "false" | "否" => Scalar::Bool(false),
            _ => return Err(bad()),
        },
        ValueType::Int => Scalar::Num(Decimal::from(s.parse::<i64>().map_err(|_| bad())?)),
        ValueType::Money | ValueType::Rate | ValueType::Decimal => Scalar::Num(Decimal::from_str(s).map_err(|_| bad())?),
        ValueType::Date => Scalar::Date(parse_iso_date(s).ok_or_else(bad)?),
        ValueType::Enum => {
            let codes = ENUM_PARAMS.iter().find(|(p, _)| *p == id).map_or(&[][..], |(_, c)| *c);
            let code = codes
                .iter()
                .find(|c| **c == s)
                .ok_or_else(|| RulesError::param(id, format!("“{s}”不是可选值之一：{}", codes.join(" / "))))?;
            Scalar::Sym(code)
        }
        ValueType::Text | ValueType::IdNumber => return Err(bad()),
    })
}

fn scalar_from_toml(id: &str, ty: ValueType, v: &toml::Value) -> Result<Scalar, RulesError> {
    match (ty, v) {
        (ValueType::Bool, toml::Value::Boolean(b)) => Ok(Scalar::Bool(*b)),
        (ValueType::Int | ValueType::Money | ValueType::Rate | ValueType::Decimal, toml::Value::Integer(i)) => {
            Ok(Scalar::Num(Decimal::from(*i)))
        }
        (_, toml::Value::Float(f)) => Err(RulesError::param(id, format!("小数 {f} 请写成字符串（如 \"0.055\"），以免二进制浮点误差"))),
        (ValueType::Date, v) => toml_date(id, v).map(Scalar::Date),
        (_, toml::Value::String(s)) => scalar_from_str(id, ty, s),
        (_, other) => Err(RulesError::param(id, format!("{other} 不是有效的{}", ty.label()))),
    }
}

fn ranges_from(id: &str, ty: ValueType, raw: &[RawRange]) -> Result<Vec<Range>, RulesError> {
    raw.iter()
        .map(|r| {
            let from = r.from.as_ref().map(|v| toml_date(id, v)).transpose()?;
            let to = r.to.as_ref().map(|v| toml_date(id, v)).transpose()?;
            if let (Some(f), Some(t)) = (from, to)
                && f > t
            {
                return Err(RulesError::param(id, format!("起始日 {} 晚于截止日 {}", iso_date(f), iso_date(t))));
            }
            Ok(Range { from, to, value: scalar_from_toml(id, ty, &r.value)?, source: r.source.clone() })
        })
        .collect()
}

fn parse_file(text: &str) -> Result<RawFile, RulesError> {
    toml::from_str(text).map_err(|e| RulesError::ParamFile { message: e.to_string() })
}

impl Params {
    /// Parses the base layer. Every parameter must have a type, a label, a source and a range.
    pub fn from_toml(text: &str) -> Result<Self, RulesError> {
        let mut params = BTreeMap::new();
        for raw in parse_file(text)?.param {
            let id = raw.id.clone();
            let ty = parse_type(&id, raw.ty.as_deref().unwrap_or(""))?;
            let source = raw.source.clone().filter(|s| !s.trim().is_empty());
            let source = source.ok_or_else(|| RulesError::param(&id, "缺少来源 source（措施编号或“local decision / 待确认”）"))?;
            let ranges = ranges_from(&id, ty, &raw.ranges)?;
            let otherwise = raw.otherwise.as_ref().map(|v| scalar_from_toml(&id, ty, v)).transpose()?;
            if ranges.is_empty() && otherwise.is_none() {
                return Err(RulesError::param(&id, "至少需要一个取值区间 ranges"));
            }
            let param = Param {
                id: id.clone(),
                ty,
                label: raw.label.unwrap_or_default(),
                source,
                placeholder: raw.placeholder,
                unit: raw.unit.unwrap_or_default(),
                layers: vec![ranges],
                otherwise,
            };
            if params.insert(id.clone(), param).is_some() {
                return Err(RulesError::param(&id, "参数重复定义"));
            }
        }
        Ok(Self { params, applied: Vec::new() })
    }

    /// Adds an override layer from TOML text in the same format (`[[param]]` with `id` and
    /// `ranges`; type, label and source come from the base). Unknown ids are errors, so a typo
    /// never silently does nothing.
    pub fn overlay_toml(&mut self, text: &str) -> Result<(), RulesError> {
        let raw = parse_file(text)?;
        let mut staged = Vec::new();
        for p in &raw.param {
            let base = self.params.get(&p.id).ok_or_else(|| RulesError::UnknownParam { id: p.id.clone() })?;
            let mut ranges = ranges_from(&p.id, base.ty, &p.ranges)?;
            for r in &mut ranges {
                r.source = r.source.clone().or_else(|| p.source.clone()).or_else(|| Some("运营方覆盖".to_string()));
            }
            staged.push((p.id.clone(), ranges));
        }
        for (id, ranges) in staged {
            if let Some(param) = self.params.get_mut(&id) {
                param.layers.push(ranges);
            }
        }
        self.applied.push(text.to_string());
        Ok(())
    }

    /// Applies `PARAM=VALUE`, `PARAM=VALUE@FROM..TO`, `PARAM=VALUE@FROM..` or `PARAM=VALUE@..TO`
    /// (dates `YYYY-MM-DD`, inclusive). Without a range the value holds for all dates.
    pub fn set(&mut self, spec: &str) -> Result<(), RulesError> {
        let (id, rest) = spec.split_once('=').ok_or_else(|| RulesError::SetSyntax { spec: spec.to_string() })?;
        let id = id.trim();
        let (value, range) = match rest.split_once('@') {
            Some((v, r)) => (v, Some(r)),
            None => (rest, None),
        };
        let ty = self.params.get(id).ok_or_else(|| RulesError::UnknownParam { id: id.to_string() })?.ty;
        let (from, to) = match range {
            None => (None, None),
            Some(r) => {
                let (f, t) = r.split_once("..").ok_or_else(|| RulesError::SetSyntax { spec: spec.to_string() })?;
                let date = |s: &str| -> Result<Option<Date>, RulesError> {
                    if s.trim().is_empty() {
                        return Ok(None);
                    }
                    parse_iso_date(s).map(Some).ok_or_else(|| RulesError::SetSyntax { spec: spec.to_string() })
                };
                (date(f)?, date(t)?)
            }
        };
        let value = scalar_from_str(id, ty, value)?;
        let range = Range { from, to, value, source: Some(format!("--set {}", spec.trim())) };
        if let Some(param) = self.params.get_mut(id) {
            param.layers.push(vec![range]);
        }
        self.applied.push(format!("set {}", spec.trim()));
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Param> {
        self.params.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Param> {
        self.params.values()
    }

    pub fn lookup(&self, id: &str, d: Date) -> Option<Found<'_>> {
        self.params.get(id).and_then(|p| p.lookup(d))
    }
}

fn ser_opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&iso_date(*d)),
        None => s.serialize_none(),
    }
}

fn ser_scalar<S: serde::Serializer>(v: &Scalar, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&v.to_json(ValueType::Decimal), s)
}

fn ser_opt_scalar<S: serde::Serializer>(v: &Option<Scalar>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => ser_scalar(v, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const BASE: &str = r#"
[[param]]
id = "a.amount_yuan"
type = "money"
label = "标准"
source = "（十）"
ranges = [{ from = 2020-01-01, to = "2020-12-31", value = "1000" }]

[[param]]
id = "a.in_force"
type = "bool"
label = "实施期限"
source = "（十）"
otherwise = false
ranges = [{ from = "2020-01-01", to = "2020-12-31", value = true }]
"#;

    #[test]
    fn newer_layers_win_where_they_cover_the_date() {
        let mut p = Params::from_toml(BASE).unwrap();
        p.set("a.amount_yuan=1200@2020-07-01..").unwrap();
        let at = |d| p.lookup("a.amount_yuan", d).map(|f| f.value);
        assert_eq!(at(date!(2020 - 06 - 30)), Some(Scalar::Num(Decimal::from(1000))));
        assert_eq!(at(date!(2020 - 07 - 01)), Some(Scalar::Num(Decimal::from(1200))));
        assert_eq!(at(date!(2025 - 01 - 01)), Some(Scalar::Num(Decimal::from(1200))));
        assert_eq!(at(date!(2019 - 12 - 31)), None);
        assert_eq!(p.lookup("a.in_force", date!(2021 - 01 - 01)).map(|f| f.value), Some(Scalar::Bool(false)));
    }

    #[test]
    fn overlays_extend_a_window_to_a_later_year() {
        let mut p = Params::from_toml(BASE).unwrap();
        p.overlay_toml("[[param]]\nid = \"a.in_force\"\nranges = [{ from = 2021-01-01, to = 2021-12-31, value = true }]\n").unwrap();
        assert_eq!(p.lookup("a.in_force", date!(2021 - 06 - 01)).map(|f| f.value), Some(Scalar::Bool(true)));
        assert_eq!(p.get("a.in_force").unwrap().on_periods(), ["2021-01-01至2021-12-31", "2020-01-01至2020-12-31"]);
    }

    #[test]
    fn mistakes_are_named() {
        let mut p = Params::from_toml(BASE).unwrap();
        assert!(matches!(p.set("a.amuont_yuan=1"), Err(RulesError::UnknownParam { .. })));
        assert!(p.set("a.amount_yuan=abc").unwrap_err().to_string().contains("a.amount_yuan"));
        assert!(matches!(p.set("a.amount_yuan"), Err(RulesError::SetSyntax { .. })));
        let float = BASE.replace("\"1000\"", "1000.5");
        assert!(Params::from_toml(&float).unwrap_err().to_string().contains("字符串"));
        let no_source = BASE.replace("source = \"（十）\"\nranges = [{ from = 2020", "ranges = [{ from = 2020");
        assert!(Params::from_toml(&no_source).unwrap_err().to_string().contains("来源"));
    }
}
