//! Statutory retirement age, month by month against the annexed tables of the 2024-09-13
//! decision of the NPC Standing Committee (实施渐进式延迟法定退休年龄的决定, 附件1、2).
//!
//! The expected rows are written as the tables print them: a first birth month, how many birth
//! months share one row, and the age of the first row; each next row is one month later until
//! the cap. Anchors copied from the tables check the row arithmetic itself.

use jiuye_rules::dates::add_months;
use jiuye_rules::retirement::{RetirementGroup, age_label, retirement_age_months, retirement_date};
use serde_json::json;

use crate::common::{d, facts, id_number, rules};

struct Table {
    group: RetirementGroup,
    original_years: i64,
    first: (i32, u8),
    months_per_row: i64,
    rows: i64,
}

const TABLES: [Table; 3] = [
    Table { group: RetirementGroup::Male, original_years: 60, first: (1965, 1), months_per_row: 4, rows: 36 },
    Table { group: RetirementGroup::FemaleCadre, original_years: 55, first: (1970, 1), months_per_row: 4, rows: 36 },
    Table { group: RetirementGroup::FemaleWorker, original_years: 50, first: (1975, 1), months_per_row: 2, rows: 60 },
];

fn month_index(y: i32, m: u8) -> i64 {
    i64::from(y) * 12 + i64::from(m) - 1
}

#[test]
fn every_birth_month_from_1955_to_1995_matches_the_tables() {
    for t in &TABLES {
        let first = month_index(t.first.0, t.first.1);
        for y in 1955..=1995 {
            for m in 1..=12u8 {
                let born = month_index(y, m);
                let expected = if born < first {
                    t.original_years * 12
                } else {
                    let row = (born - first) / t.months_per_row; // 0-based row of the table
                    t.original_years * 12 + (row + 1).min(t.rows)
                };
                let birth = time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), 15).unwrap();
                assert_eq!(retirement_age_months(t.group, birth, true), expected, "{:?} born {y}-{m:02}", t.group);
                assert_eq!(retirement_age_months(t.group, birth, false), t.original_years * 12, "{:?} before the reform", t.group);
            }
        }
    }
}

#[test]
fn anchor_rows_copied_from_the_tables() {
    use RetirementGroup::*;
    let rows = [
        (Male, "1964-12-15", "60岁", "2024-12"),
        (Male, "1965-01-15", "60岁1个月", "2025-02"),
        (Male, "1965-04-15", "60岁1个月", "2025-05"),
        (Male, "1965-05-15", "60岁2个月", "2025-07"),
        (Male, "1970-01-15", "61岁4个月", "2031-05"),
        (Male, "1976-08-15", "62岁11个月", "2039-07"),
        (Male, "1976-09-15", "63岁", "2039-09"),
        (Male, "1976-05-15", "62岁11个月", "2039-04"),
        (FemaleCadre, "1970-01-15", "55岁1个月", "2025-02"),
        (FemaleCadre, "1981-09-15", "58岁", "2039-09"),
        (FemaleWorker, "1975-01-15", "50岁1个月", "2025-02"),
        (FemaleWorker, "1975-02-15", "50岁1个月", "2025-03"),
        (FemaleWorker, "1975-03-15", "50岁2个月", "2025-05"),
        (FemaleWorker, "1984-10-15", "54岁11个月", "2039-09"),
        (FemaleWorker, "1984-11-15", "55岁", "2039-11"),
        (FemaleWorker, "1990-01-15", "55岁", "2045-01"),
    ];
    for (group, birth, age, month) in rows {
        let b = d(birth);
        assert_eq!(age_label(retirement_age_months(group, b, true)), age, "{group:?} {birth}");
        let r = retirement_date(group, b, true).unwrap();
        assert_eq!(format!("{:04}-{:02}", r.year(), u8::from(r.month())), month, "{group:?} {birth} retires");
    }
}

#[test]
fn the_derived_fact_uses_the_law_in_force_on_the_evaluation_date() {
    let rs = rules();
    let f = facts(
        json!({"person.id_number": id_number(d("1965-05-10"), true, 1), "person.entitled_to_unemployment_benefit": true, "person.unemployment_benefit_ended_on": "2020-01-01", "person.employed": false}),
    );
    let before = rs.evaluate("benefit_to_retirement", &f, d("2024-12-31")).unwrap();
    assert_eq!(before.derived_facts["person.statutory_retirement_date"], json!("2025-05-10"));
    let after = rs.evaluate("benefit_to_retirement", &f, d("2025-01-01")).unwrap();
    assert_eq!(after.derived_facts["person.statutory_retirement_date"], json!("2025-07-10"));
    assert_eq!(after.derived_facts["person.statutory_retirement_age_months"], json!(722));
    assert!(after.conditions.iter().any(|c| c.text.contains("法定退休年龄：60岁2个月")), "{:#?}", after.conditions);
    // A month-end birth clamps: born 1965-01-31 + 60y1m → 2025-02-28.
    assert_eq!(retirement_date(RetirementGroup::Male, d("1965-01-31"), true), add_months(d("2025-02-28"), 0));
}
