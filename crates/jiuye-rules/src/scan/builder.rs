//! Building a fact column straight from text cells into the scan's storage (packed dates,
//! three-valued bytes, enum positions), for loaders that read files or database text: no
//! `Vec<Option<T>>` in between and no second pass. Builders of one fact can be filled on
//! several threads (one per part of a file) and appended in order.
//!
//! Cell syntax, the same as the JSON facts' values written as text: booleans `true`/`false`,
//! integers in decimal with an optional `-`, dates `YYYY-MM-DD` (a real calendar date), money,
//! rates and decimals as decimal strings, enum codes from the fact's list, ID numbers per
//! GB 11643. An empty cell is a missing fact.

use std::str::FromStr;

use jiuye_domain::{IdNumber, Sex};
use rust_decimal::Decimal;

use super::packed::{self, NO_DATE};
use super::{FALSE, FactColumns, Stored, TRUE, UNKNOWN, enum_index};
use crate::error::RulesError;
use crate::facts::input_def;
use crate::value::ValueType;
use crate::vocabulary::FactDef;

/// One input fact's column, filled cell by cell from text.
#[derive(Debug, Clone)]
pub struct ColumnBuilder {
    def: &'static FactDef,
    stored: Stored,
}

impl ColumnBuilder {
    /// An empty column of the input fact `name`, with room for `capacity` cells.
    pub fn new(name: &str, capacity: usize) -> Result<Self, RulesError> {
        let def = input_def(name)?;
        let stored = match def.ty {
            ValueType::Bool => Stored::Bool(Vec::with_capacity(capacity)),
            ValueType::Int => Stored::Int(Vec::with_capacity(capacity), Vec::with_capacity(capacity)),
            ValueType::Date => Stored::Date(Vec::with_capacity(capacity)),
            ValueType::Money | ValueType::Rate | ValueType::Decimal => {
                Stored::Dec(Vec::with_capacity(capacity), Vec::with_capacity(capacity))
            }
            ValueType::Enum => Stored::Enum(Vec::with_capacity(capacity), def.values),
            ValueType::IdNumber => Stored::Person(Vec::with_capacity(capacity), Vec::with_capacity(capacity)),
            ValueType::Text => {
                return Err(RulesError::FactType { name: def.name.to_string(), expected: "可扫描的类型", got: "文本".to_string() });
            }
        };
        Ok(Self { def, stored })
    }

    /// The fact this column holds.
    pub fn name(&self) -> &'static str {
        self.def.name
    }

    pub fn len(&self) -> usize {
        match &self.stored {
            Stored::Bool(v) => v.len(),
            Stored::Int(_, ok) | Stored::Dec(_, ok) => ok.len(),
            Stored::Date(v) => v.len(),
            Stored::Enum(v, _) => v.len(),
            Stored::Person(v, _) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a missing fact.
    pub fn push_missing(&mut self) {
        match &mut self.stored {
            Stored::Bool(v) => v.push(UNKNOWN),
            Stored::Int(v, ok) => {
                v.push(0);
                ok.push(false);
            }
            Stored::Dec(v, ok) => {
                v.push(Decimal::ZERO);
                ok.push(false);
            }
            Stored::Date(v) => v.push(NO_DATE),
            Stored::Enum(v, _) => v.push(0),
            Stored::Person(birth, male) => {
                birth.push(NO_DATE);
                male.push(false);
            }
        }
    }

    /// Appends one cell given as text; an empty cell is a missing fact. On error nothing is
    /// appended and the message names the fact and the value.
    pub fn push_text(&mut self, cell: &[u8]) -> Result<(), RulesError> {
        if cell.is_empty() {
            self.push_missing();
            return Ok(());
        }
        let def = self.def;
        let bad = |what: &str| RulesError::FactValue {
            name: def.name.to_string(),
            message: format!("“{}”不是{what}", String::from_utf8_lossy(cell)),
        };
        match &mut self.stored {
            Stored::Bool(v) => v.push(match cell {
                b"true" => TRUE,
                b"false" => FALSE,
                _ => return Err(bad("布尔值（true 或 false）")),
            }),
            Stored::Int(v, ok) => {
                v.push(parse_int(cell).ok_or_else(|| bad("整数"))?);
                ok.push(true);
            }
            Stored::Dec(v, ok) => {
                let text = std::str::from_utf8(cell).map_err(|_| bad("十进制数"))?;
                v.push(Decimal::from_str(text).map_err(|_| bad("十进制数"))?);
                ok.push(true);
            }
            Stored::Date(v) => v.push(parse_packed_date(cell).ok_or_else(|| bad("日期（YYYY-MM-DD）"))?),
            Stored::Enum(v, _) => {
                let code = std::str::from_utf8(cell).map_err(|_| bad("可选值之一"))?;
                v.push(enum_index(def, code).ok_or_else(|| bad("可选值之一"))?);
            }
            Stored::Person(birth, male) => {
                let text = std::str::from_utf8(cell).map_err(|_| bad("公民身份号码"))?;
                let id = IdNumber::parse(text).map_err(|e| RulesError::FactValue { name: def.name.to_string(), message: e.message })?;
                birth.push(packed::pack(id.birth_date()));
                male.push(id.sex() == Sex::Male);
            }
        }
        Ok(())
    }

    /// Appends the cells of `other`, a column of the same fact (e.g. the next part of a file
    /// read on another thread).
    pub fn append(&mut self, other: ColumnBuilder) -> Result<(), RulesError> {
        let mismatch =
            || RulesError::FactType { name: self.def.name.to_string(), expected: self.def.ty.label(), got: other.def.name.to_string() };
        if self.def.name != other.def.name {
            return Err(mismatch());
        }
        match (&mut self.stored, other.stored) {
            (Stored::Bool(a), Stored::Bool(b)) | (Stored::Enum(a, _), Stored::Enum(b, _)) => a.extend_from_slice(&b),
            (Stored::Int(a, ak), Stored::Int(b, bk)) => {
                a.extend_from_slice(&b);
                ak.extend_from_slice(&bk);
            }
            (Stored::Dec(a, ak), Stored::Dec(b, bk)) => {
                a.extend_from_slice(&b);
                ak.extend_from_slice(&bk);
            }
            (Stored::Date(a), Stored::Date(b)) => a.extend_from_slice(&b),
            (Stored::Person(a, am), Stored::Person(b, bm)) => {
                a.extend_from_slice(&b);
                am.extend_from_slice(&bm);
            }
            _ => {
                return Err(RulesError::FactType {
                    name: self.def.name.to_string(),
                    expected: self.def.ty.label(),
                    got: "其他类型".into(),
                });
            }
        }
        Ok(())
    }
}

impl FactColumns {
    /// Adds (or replaces) a column built from text, checking its length.
    pub fn insert_built(&mut self, column: ColumnBuilder) -> Result<(), RulesError> {
        if column.len() != self.len {
            return Err(RulesError::ColumnLength { name: column.def.name.to_string(), expected: self.len, got: column.len() });
        }
        self.cols.insert(column.def.name, column.stored);
        Ok(())
    }
}

/// A decimal integer with an optional `-`, overflow checked.
fn parse_int(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        let d = i64::from(c - b'0');
        v = v.checked_mul(10).and_then(|v| if negative { v.checked_sub(d) } else { v.checked_add(d) })?;
    }
    Some(v)
}

/// `YYYY-MM-DD`, a real calendar date, packed.
fn parse_packed_date(b: &[u8]) -> Option<i32> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *b else {
        return None;
    };
    let mut n = [0i32; 8];
    for (out, c) in n.iter_mut().zip([y1, y2, y3, y4, m1, m2, d1, d2]) {
        if !c.is_ascii_digit() {
            return None;
        }
        *out = i32::from(c - b'0');
    }
    let [a, b2, c, d, e, f, g, h] = n;
    let (y, m, day) = (a * 1000 + b2 * 100 + c * 10 + d, e * 10 + f, g * 10 + h);
    if !(1..=12).contains(&m) || day < 1 || day > packed::days_in_month(y, m) {
        return None;
    }
    Some(packed::pack_parts(y, m, day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::Column;
    use crate::value::parse_iso_date;

    #[test]
    fn text_cells_build_the_same_column_as_typed_values() {
        let mut b = ColumnBuilder::new("hire.date", 4).unwrap();
        for cell in ["2020-02-29", "", "2019-12-31", "2021-01-01"] {
            b.push_text(cell.as_bytes()).unwrap();
        }
        let mut typed = FactColumns::new(4);
        let dates =
            ["2020-02-29", "", "2019-12-31", "2021-01-01"].map(|s| if s.is_empty() { None } else { Some(parse_iso_date(s).unwrap()) });
        typed.insert("hire.date", Column::Date(dates.to_vec())).unwrap();
        let mut built = FactColumns::new(4);
        built.insert_built(b).unwrap();
        assert_eq!(format!("{:?}", built.stored("hire.date")), format!("{:?}", typed.stored("hire.date")));
    }

    #[test]
    fn bad_cells_are_refused_by_fact_and_value_and_append_nothing() {
        let mut b = ColumnBuilder::new("hire.date", 2).unwrap();
        for bad in ["2019-02-29", "2020-13-01", "2020-1-01", "20200101", "2020-00-10", "2020-04-31"] {
            let e = b.push_text(bad.as_bytes()).unwrap_err().to_string();
            assert!(e.contains("hire.date") && e.contains(bad), "{e}");
        }
        assert!(b.is_empty());
        let mut i = ColumnBuilder::new("hire.contract_months", 1).unwrap();
        assert!(i.push_text(b"12x").is_err());
        assert!(i.push_text(b"99999999999999999999").is_err());
        i.push_text(b"-3").unwrap();
        let mut t = ColumnBuilder::new("hire.social_insurance_paid", 1).unwrap();
        assert!(t.push_text(b"yes").is_err());
        let mut e = ColumnBuilder::new("enterprise.size_class", 1).unwrap();
        assert!(e.push_text(b"huge").is_err());
        e.push_text(b"micro").unwrap();
        assert_eq!((i.len(), t.len(), e.len()), (1, 0, 1));
    }

    #[test]
    fn parts_append_in_order_and_lengths_are_checked() {
        let mut a = ColumnBuilder::new("hire.contract_months", 2).unwrap();
        a.push_text(b"12").unwrap();
        let mut b = ColumnBuilder::new("hire.contract_months", 2).unwrap();
        b.push_text(b"").unwrap();
        b.push_text(b"6").unwrap();
        a.append(b).unwrap();
        let mut cols = FactColumns::new(3);
        let mut typed = FactColumns::new(3);
        typed.insert("hire.contract_months", Column::Int(vec![Some(12), None, Some(6)])).unwrap();
        let other = ColumnBuilder::new("hire.date", 0).unwrap();
        assert!(a.clone().append(other).is_err());
        cols.insert_built(a).unwrap();
        assert_eq!(format!("{:?}", cols.stored("hire.contract_months")), format!("{:?}", typed.stored("hire.contract_months")));
        let short = ColumnBuilder::new("hire.date", 0).unwrap();
        assert!(cols.insert_built(short).is_err());
    }
}
