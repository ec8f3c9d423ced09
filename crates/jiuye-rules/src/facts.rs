//! Facts: the flat, typed input of one case, and the earlier grants that exclusivity rules read.
//!
//! Invariant: a `Facts` holds only input facts of the vocabulary, each with its declared type, and
//! enum values from the declared list. Derived facts are refused (they are computed), and so are
//! unknown names: a misspelt fact must fail loudly, not turn into "missing".

use std::collections::BTreeMap;
use std::str::FromStr;

use jiuye_domain::IdNumber;
use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use time::Date;

use crate::error::RulesError;
use crate::value::{Value, ValueType, iso_date, parse_iso_date};
use crate::vocabulary::{self, FactDef, FactKind};

/// The JSON key under which earlier grants travel with the facts.
pub const PRIOR_GRANTS_KEY: &str = "prior_grants";

/// An earlier grant to the same subject (person, hire or enterprise): which program, when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Grant {
    pub program: String,
    #[serde(serialize_with = "ser_date")]
    pub date: Date,
}

fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso_date(*d))
}

/// The facts of one case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    values: BTreeMap<&'static str, Value>,
    grants: Vec<Grant>,
}

/// Finds an input fact by name, refusing unknown and derived names.
pub(crate) fn input_def(name: &str) -> Result<&'static FactDef, RulesError> {
    let def = vocabulary::fact(name).ok_or_else(|| RulesError::UnknownFact { name: name.to_string() })?;
    match def.kind {
        FactKind::Input => Ok(def),
        FactKind::Derived { .. } => Err(RulesError::DerivedFact { name: name.to_string() }),
    }
}

impl Facts {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets one input fact, checking the name, the type and (for enums) the code.
    pub fn set(&mut self, name: &str, value: Value) -> Result<&mut Self, RulesError> {
        let def = input_def(name)?;
        let value = match value {
            Value::Enum(code) if def.ty == ValueType::Enum => Value::Enum(enum_value(def, code)?),
            v if v.value_type() == def.ty => v,
            v => {
                return Err(RulesError::FactType {
                    name: def.name.to_string(),
                    expected: def.ty.label(),
                    got: v.value_type().label().to_string(),
                });
            }
        };
        self.values.insert(def.name, value);
        Ok(self)
    }

    /// Removes a fact (it becomes missing).
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.values.remove(name)
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.values.iter().map(|(k, v)| (*k, v))
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    pub fn add_grant(&mut self, program: &str, date: Date) -> &mut Self {
        self.grants.push(Grant { program: program.to_string(), date });
        self
    }

    /// Parses a flat JSON object `{"person.id_number": "…", "hire.date": "2020-05-01", …}`.
    /// `null` means "not known" and is the same as leaving the fact out. The optional key
    /// `prior_grants` is a list of `{"program": id, "date": "YYYY-MM-DD"}`.
    pub fn from_json(json: &serde_json::Value) -> Result<Self, RulesError> {
        let obj = json.as_object().ok_or(RulesError::FactsNotAnObject)?;
        let mut facts = Facts::new();
        for (name, v) in obj {
            if name == PRIOR_GRANTS_KEY {
                facts.grants = grants_from_json(v)?;
                continue;
            }
            let def = input_def(name)?;
            if v.is_null() {
                continue;
            }
            let value = value_from_json(def, v)?;
            facts.values.insert(def.name, value);
        }
        Ok(facts)
    }
}

fn enum_value(def: &FactDef, code: &str) -> Result<&'static str, RulesError> {
    vocabulary::enum_code(def, code).ok_or_else(|| RulesError::FactValue {
        name: def.name.to_string(),
        message: format!(
            "“{code}”不是可选值之一：{}",
            def.values.iter().map(|(c, l)| format!("{c}（{l}）")).collect::<Vec<_>>().join("、")
        ),
    })
}

fn json_kind(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => format!("布尔值 {b}"),
        serde_json::Value::Number(n) => format!("数字 {n}"),
        serde_json::Value::String(s) => format!("字符串 \"{s}\""),
        serde_json::Value::Array(_) => "数组".into(),
        serde_json::Value::Object(_) => "对象".into(),
    }
}

/// Converts one JSON value to the fact's declared type. Exposed to the column builder so both
/// modes accept exactly the same inputs.
pub(crate) fn value_from_json(def: &FactDef, v: &serde_json::Value) -> Result<Value, RulesError> {
    let type_err = || RulesError::FactType { name: def.name.to_string(), expected: def.ty.label(), got: json_kind(v) };
    let value_err = |message: String| RulesError::FactValue { name: def.name.to_string(), message };
    match def.ty {
        ValueType::Bool => v.as_bool().map(Value::Bool).ok_or_else(type_err),
        ValueType::Int => v.as_i64().map(Value::Int).ok_or_else(type_err),
        ValueType::Date => {
            let s = v.as_str().ok_or_else(type_err)?;
            parse_iso_date(s).map(Value::Date).ok_or_else(|| value_err(format!("“{s}”不是有效日期（YYYY-MM-DD）")))
        }
        ValueType::Money | ValueType::Rate | ValueType::Decimal => {
            let d = match v {
                serde_json::Value::String(s) => Decimal::from_str(s.trim()).map_err(|_| value_err(format!("“{s}”不是有效的十进制数")))?,
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => Decimal::from(i),
                    None => {
                        return Err(value_err(format!("小数 {n} 请写成字符串（如 \"1000.50\"），以免二进制浮点误差")));
                    }
                },
                _ => return Err(type_err()),
            };
            Ok(match def.ty {
                ValueType::Money => Value::Money(d),
                ValueType::Rate => Value::Rate(d),
                _ => Value::Decimal(d),
            })
        }
        ValueType::Text => v.as_str().map(|s| Value::Text(s.to_string())).ok_or_else(type_err),
        ValueType::Enum => Ok(Value::Enum(enum_value(def, v.as_str().ok_or_else(type_err)?)?)),
        ValueType::IdNumber => {
            let s = v.as_str().ok_or_else(type_err)?;
            IdNumber::parse(s).map(Value::IdNumber).map_err(|e| value_err(e.message))
        }
    }
}

fn grants_from_json(v: &serde_json::Value) -> Result<Vec<Grant>, RulesError> {
    let bad = |message: &str| RulesError::Grants { message: message.to_string() };
    let list = v.as_array().ok_or_else(|| bad("应为数组 [{\"program\": \"…\", \"date\": \"YYYY-MM-DD\"}]"))?;
    list.iter()
        .map(|g| {
            let program = g.get("program").and_then(|p| p.as_str()).ok_or_else(|| bad("每条记录需要 program"))?;
            let date = g.get("date").and_then(|d| d.as_str()).and_then(parse_iso_date);
            let date = date.ok_or_else(|| bad("每条记录需要有效的 date（YYYY-MM-DD）"))?;
            Ok(Grant { program: program.to_string(), date })
        })
        .collect()
}

/// Serialises as the same flat object `from_json` reads (ID numbers masked), so decisions
/// record their input; the engine never needs the full number again once age and sex are known.
impl serde::Serialize for Facts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.values.len() + usize::from(!self.grants.is_empty())))?;
        for (k, v) in &self.values {
            map.serialize_entry(k, v)?;
        }
        if !self.grants.is_empty() {
            map.serialize_entry(PRIOR_GRANTS_KEY, &self.grants)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_typical_case_parses() {
        let f = Facts::from_json(&json!({
            "person.id_number": "11010519491231002X",
            "hire.date": "2020-05-01",
            "hire.contract_months": 12,
            "enterprise.size_class": "small",
            "enterprise.ui_contributions_last_year_yuan": "12345.67",
            "person.employed": null,
            "prior_grants": [{"program": "hire_unemployed", "date": "2020-03-01"}]
        }))
        .unwrap();
        assert_eq!(f.get("hire.contract_months"), Some(&Value::Int(12)));
        assert_eq!(f.get("enterprise.size_class"), Some(&Value::Enum("small")));
        assert!(f.get("person.employed").is_none());
        assert_eq!(f.grants().len(), 1);
    }

    #[test]
    fn errors_name_the_fact_in_chinese() {
        let cases = [
            (json!({"person.unknown": true}), "未知的事实名称：person.unknown"),
            (json!({"person.age": 30}), "由系统推导"),
            (json!({"hire.contract_months": "12"}), "hire.contract_months 应为整数"),
            (json!({"hire.date": "2020/05/01"}), "hire.date 的取值无效"),
            (json!({"enterprise.size_class": "huge"}), "不是可选值之一"),
            (json!({"enterprise.ui_contributions_last_year_yuan": 12.5}), "请写成字符串"),
            (json!({"person.id_number": "110101199003070071"}), "校验码错误"),
            (json!([1, 2]), "JSON 对象"),
            (json!({"prior_grants": [{"program": "x"}]}), "date"),
        ];
        for (input, needle) in cases {
            let err = Facts::from_json(&input).unwrap_err().to_string();
            assert!(err.contains(needle), "{input}: {err}");
        }
    }

    #[test]
    fn set_checks_types() {
        let mut f = Facts::new();
        assert!(f.set("hire.contract_months", Value::Bool(true)).is_err());
        assert!(f.set("enterprise.size_class", Value::Enum("small")).is_ok());
        assert!(f.set("person.sex", Value::Enum("male")).is_err());
    }
}
