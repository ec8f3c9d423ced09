//! Property test of the typed scan against explain mode: random fact tables with many unknowns
//! (0–60% of the facts missing), for every program of the shipped rule set, with tables that
//! cross the scan's block boundary. Each table is given to the scan twice — built from the rows
//! (`FactColumns::from_rows`) and as typed columns (`FactColumns::insert`, grants by row), the
//! way the application and the benchmark load them — and every case must get from both the
//! decision, the amount to the fen, the failed conditions and the unknown conditions that
//! `Ruleset::evaluate` gives it.

use jiuye_rules::{Column, EXCLUSIVITY_CONDITION, FACTS, FactColumns, Facts, Grant, ScanResult, Value, ValueType};
use proptest::prelude::*;

use crate::common::{d, rules};
use crate::differential::{AS_OF, Rng, generate, input_names};

/// The same table as typed columns, grants as `(row, grant)` pairs in reverse order.
fn typed_columns(rows: &[Facts], names: &[&'static str]) -> FactColumns {
    let mut cols = FactColumns::new(rows.len());
    for name in names {
        let def = FACTS.iter().find(|f| f.name == *name).unwrap();
        let cells = rows.iter().map(|r| r.get(name));
        let column = match def.ty {
            ValueType::Bool => Column::Bool(cells.map(|v| if let Some(Value::Bool(b)) = v { Some(*b) } else { None }).collect()),
            ValueType::Int => Column::Int(cells.map(|v| if let Some(Value::Int(i)) = v { Some(*i) } else { None }).collect()),
            ValueType::Date => Column::Date(cells.map(|v| if let Some(Value::Date(x)) = v { Some(*x) } else { None }).collect()),
            ValueType::Money | ValueType::Rate | ValueType::Decimal => Column::Decimal(
                cells
                    .map(|v| match v {
                        Some(Value::Money(m) | Value::Rate(m) | Value::Decimal(m)) => Some(*m),
                        _ => None,
                    })
                    .collect(),
            ),
            ValueType::Enum => Column::Enum(cells.map(|v| if let Some(Value::Enum(c)) = v { Some(c.to_string()) } else { None }).collect()),
            ValueType::IdNumber => {
                Column::IdNumber(cells.map(|v| if let Some(Value::IdNumber(id)) = v { Some(id.clone()) } else { None }).collect())
            }
            ValueType::Text => continue,
        };
        cols.insert(name, column).unwrap();
    }
    let mut pairs: Vec<(usize, Grant)> =
        rows.iter().enumerate().flat_map(|(i, r)| r.grants().iter().map(move |g| (i, g.clone()))).collect();
    pairs.reverse();
    cols.set_prior_grants_by_row(pairs).unwrap();
    cols
}

fn unknown_conditions(scan: &ScanResult, i: usize) -> Vec<&'static str> {
    scan.unknown_conditions(i)
}

fn masks(scan: &ScanResult) -> (Vec<Option<rust_decimal::Decimal>>, Vec<u64>, Vec<u64>) {
    (
        scan.amounts().collect(),
        (0..scan.len()).map(|i| scan.failed_mask(i)).collect(),
        (0..scan.len()).map(|i| scan.unknown_mask(i)).collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn the_typed_scan_agrees_with_explain_mode_case_by_case(
        seed in any::<u64>(),
        as_of in proptest::sample::select(AS_OF.to_vec()),
        present in 40u64..=100,
        n in prop_oneof![0usize..300, 2040usize..2100],
    ) {
        let rs = rules();
        let as_of = d(as_of);
        let mut rng = Rng(seed | 1);
        for p in rs.programs() {
            let names = input_names(p);
            let rows: Vec<Facts> = (0..n).map(|_| generate(&mut rng, p, &names, as_of, present)).collect();
            let from_rows = rs.scan(p.id, &FactColumns::from_rows(&rows).unwrap(), as_of).unwrap();
            let typed = rs.scan(p.id, &typed_columns(&rows, &names), as_of).unwrap();
            prop_assert_eq!(from_rows.len(), n);
            prop_assert_eq!(&typed.decisions, &from_rows.decisions);
            prop_assert_eq!(masks(&typed), masks(&from_rows));
            for (i, row) in rows.iter().enumerate() {
                let one = rs.evaluate(p.id, row, as_of).unwrap();
                let context = || format!("{} as of {as_of} case {i}: {}", p.id, serde_json::to_string(&one).unwrap_or_default());
                prop_assert_eq!((from_rows.decisions[i], from_rows.amount(i)), (one.decision, one.amount), "{}", context());
                let failed: Vec<&str> = one.conditions.iter().filter(|c| c.met == Some(false)).map(|c| c.id).collect();
                prop_assert_eq!(from_rows.failed_conditions(i), failed, "{}", context());
                let unknown: Vec<&str> = one.conditions.iter().filter(|c| c.met.is_none()).map(|c| c.id).collect();
                prop_assert_eq!(unknown_conditions(&from_rows, i), unknown, "{}", context());
                prop_assert_eq!(from_rows.condition_ids.last() == Some(&EXCLUSIVITY_CONDITION), p.exclusivity.is_active());
            }
        }
    }
}
