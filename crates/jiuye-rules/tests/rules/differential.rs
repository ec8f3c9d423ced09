//! Scan mode and explain mode must give the same decision and amount for every case. Cases are
//! generated per program from the facts it reads, with values clustered on the boundaries the
//! text sets (6 months registered, contracts of 11/12 months, 30/31 insured staff, layoff rates of
//! exactly 5.5% and 20%, hires on 2019-12-31/2020-01-01/2020-12-31/2021-01-01, retirement less
//! than or exactly one year away), about 10% of facts missing, and some earlier grants.

use std::collections::BTreeMap;
use std::str::FromStr;

use jiuye_rules::dates::add_months;
use jiuye_rules::retirement::{RetirementGroup, retirement_age_months};
use jiuye_rules::{FACTS, FactColumns, FactKind, Facts, Outcome, Program, Value, ValueType};
use rust_decimal::Decimal;
use time::Date;

use crate::common::{d, id_number, rules};

/// xorshift64*: deterministic, no dependency, good enough to spread cases.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    fn date(&mut self, from: Date, days: i64) -> Date {
        from + time::Duration::days(self.below(days as usize) as i64)
    }
}

pub(crate) const AS_OF: &[&str] = &[
    "2019-12-31",
    "2020-01-01",
    "2020-06-30",
    "2020-07-01",
    "2020-12-31",
    "2021-01-01",
    "2021-06-30",
    "2025-01-01",
    "2025-06-30",
    "2026-03-01",
];
const EDGE_DATES: &[&str] = &["2019-12-31", "2020-01-01", "2020-06-30", "2020-07-01", "2020-12-31", "2021-01-01", "2020-02-29"];
const INTS: &[i64] = &[0, 1, 2, 5, 6, 10, 11, 12, 13, 20, 24, 29, 30, 31, 99, 100, 101, 150, 200];
const AVERAGES: &[&str] = &["0", "20", "30", "100", "200", "200.5", "180"];

pub(crate) fn input_names(p: &Program) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for f in p.facts_read() {
        let def = FACTS.iter().find(|d| d.name == f).expect("known fact");
        let names: Vec<&'static str> = match def.kind {
            FactKind::Input => vec![def.name],
            FactKind::Derived { from } => from.to_vec(),
        };
        for n in names {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

fn random_value(rng: &mut Rng, name: &'static str) -> Value {
    let def = FACTS.iter().find(|d| d.name == name).expect("known fact");
    match def.ty {
        ValueType::Bool => Value::Bool(rng.chance(60)),
        ValueType::Int => Value::Int(rng.pick(INTS)),
        ValueType::Date => {
            if rng.chance(40) {
                Value::Date(d(rng.pick(EDGE_DATES)))
            } else {
                Value::Date(rng.date(d("2018-01-01"), 365 * 5))
            }
        }
        ValueType::Money => Value::Money(Decimal::new(rng.below(5_000_000) as i64, 2)),
        ValueType::Rate => Value::Rate(Decimal::new(rng.below(100) as i64, 2)),
        ValueType::Decimal => Value::Decimal(Decimal::from_str(rng.pick(AVERAGES)).expect("decimal")),
        ValueType::Enum => Value::Enum(def.values[rng.below(def.values.len())].0),
        ValueType::IdNumber => {
            let birth = rng.date(d("1955-01-01"), 365 * 50);
            Value::IdNumber(jiuye_domain::IdNumber::parse(&id_number(birth, rng.chance(50), rng.below(400) as u32)).expect("valid id"))
        }
        ValueType::Text => Value::Text("x".into()),
    }
}

fn set(f: &mut Facts, name: &str, v: Value) {
    f.set(name, v).expect("generated fact fits the vocabulary");
}

/// Moves some dates onto the boundaries relative to the hire date or the evaluation date.
fn boundary_dates(rng: &mut Rng, f: &mut Facts, as_of: Date) {
    let anchor = match f.get("hire.date") {
        Some(Value::Date(h)) => *h,
        _ => as_of,
    };
    let near = |rng: &mut Rng, base: Date, months: i64| {
        let x = add_months(base, -months).expect("in range");
        x + time::Duration::days(rng.pick(&[-1i64, 0, 0, 1]))
    };
    for (name, base, months) in [
        ("person.registered_unemployed_since", anchor, 6),
        ("business.started_on", as_of, 6),
        ("person.temporary_public_post_started_on", as_of, 6),
        ("person.graduation_date", as_of, 24),
        ("person.unemployment_benefit_ended_on", as_of, 0),
        ("person.flexible_si_subsidy_ended_on", as_of, 0),
    ] {
        if f.get(name).is_some() && rng.chance(50) {
            let m = months + rng.pick(&[-1i64, 0, 0, 1]);
            set(f, name, Value::Date(near(rng, base, m)));
        }
    }
    // Retirement less than / exactly / more than one year away.
    if let Some(Value::IdNumber(_)) = f.get("person.id_number")
        && rng.chance(50)
    {
        let male = rng.chance(50);
        let group = if male {
            RetirementGroup::Male
        } else if matches!(f.get("person.retirement_category"), Some(Value::Enum("worker"))) {
            RetirementGroup::FemaleWorker
        } else {
            RetirementGroup::FemaleCadre
        };
        let reform = as_of >= d("2025-01-01");
        let guess = add_months(as_of, 12 - retirement_age_months(group, as_of, false)).expect("in range");
        let months = retirement_age_months(group, guess, reform);
        let birth = add_months(as_of, 12 - months).expect("in range") + time::Duration::days(rng.pick(&[-1i64, 0, 0, 1]));
        let id = id_number(birth, male, rng.below(400) as u32);
        set(f, "person.id_number", Value::IdNumber(jiuye_domain::IdNumber::parse(&id).expect("valid id")));
    }
}

/// Facts of one case; each input is present with probability `present` percent.
pub(crate) fn generate(rng: &mut Rng, p: &Program, names: &[&'static str], as_of: Date, present: u64) -> Facts {
    let mut f = Facts::new();
    for n in names {
        if rng.chance(present) {
            set(&mut f, n, random_value(rng, n));
        }
    }
    if let Some(Value::Date(_)) = f.get("hire.date")
        && rng.chance(50)
    {
        set(&mut f, "hire.date", Value::Date(d(rng.pick(&["2019-12-31", "2020-01-01", "2020-12-31", "2021-01-01"]))));
    }
    if names.contains(&"enterprise.layoffs_in_period") && rng.chance(30) {
        // Exactly 5.5% (11 of 200) and exactly 20% of total staff (6 of 30).
        set(&mut f, "enterprise.layoffs_in_period", Value::Int(rng.pick(&[11, 6, 12])));
        set(&mut f, "enterprise.average_insured_staff", Value::Decimal(Decimal::from(rng.pick(&[200, 30]))));
        set(&mut f, "enterprise.staff_total", Value::Int(rng.pick(&[30, 200, 31])));
        set(&mut f, "enterprise.insured_staff", Value::Int(rng.pick(&[30, 31])));
    }
    boundary_dates(rng, &mut f, as_of);
    if p.exclusivity.is_active() && rng.chance(20) {
        let mut candidates = vec![p.id];
        candidates.extend(p.exclusivity.exclusive_with.iter().copied());
        let program = rng.pick(&candidates);
        f.add_grant(program, rng.date(d("2019-01-01"), 365 * 3));
    }
    f
}

#[test]
fn scan_and_explain_agree_on_110000_generated_cases() {
    let rs = rules();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let per_batch = 500;
    let mut total = 0usize;
    let mut tally: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for p in rs.programs() {
        let names = input_names(p);
        for as_of in AS_OF {
            let as_of = d(as_of);
            let rows: Vec<Facts> = (0..per_batch).map(|_| generate(&mut rng, p, &names, as_of, 90)).collect();
            let cols = FactColumns::from_rows(&rows).expect("columns");
            let scan = rs.scan(p.id, &cols, as_of).expect("scan");
            assert_eq!(scan.len(), rows.len());
            for (i, row) in rows.iter().enumerate() {
                let one = rs.evaluate(p.id, row, as_of).expect("explain");
                assert_eq!(
                    (scan.decisions[i], scan.amount(i)),
                    (one.decision, one.amount),
                    "{} as of {as_of} case {i}: {}",
                    p.id,
                    serde_json::to_string(&one).unwrap_or_default()
                );
                let failed: Vec<&str> = one.conditions.iter().filter(|c| c.met == Some(false)).map(|c| c.id).collect();
                assert_eq!(scan.failed_conditions(i), failed, "{} case {i}", p.id);
                let t = tally.entry(p.id).or_default();
                t[match one.decision {
                    Outcome::Eligible => 0,
                    Outcome::Ineligible => 1,
                    Outcome::NeedsFacts => 2,
                }] += 1;
                total += 1;
            }
        }
    }
    assert!(total >= 100_000, "only {total} cases");
    for (program, [e, i, n]) in &tally {
        assert!(*e > 0 && *i > 0 && *n > 0, "{program}: eligible {e}, ineligible {i}, needs_facts {n}");
    }
}

#[test]
fn typed_columns_give_the_same_scan_as_rows() {
    use jiuye_rules::Column;
    let rs = rules();
    let rows: Vec<Facts> = [(12, true, "2019-07-01"), (11, true, "2019-07-01"), (12, false, "2019-07-02")]
        .iter()
        .map(|(months, si, since)| {
            crate::common::facts(serde_json::json!({
                "hire.date": "2020-01-01", "hire.contract_months": months,
                "hire.social_insurance_paid": si, "person.registered_unemployed_since": since
            }))
        })
        .collect();
    let mut cols = FactColumns::new(3);
    cols.insert("hire.date", Column::Date(vec![Some(d("2020-01-01")); 3])).unwrap();
    cols.insert("hire.contract_months", Column::Int(vec![Some(12), Some(11), Some(12)])).unwrap();
    cols.insert("hire.social_insurance_paid", Column::Bool(vec![Some(true), Some(true), Some(false)])).unwrap();
    let since = vec![Some(d("2019-07-01")), Some(d("2019-07-01")), Some(d("2019-07-02"))];
    cols.insert("person.registered_unemployed_since", Column::Date(since)).unwrap();
    let a = rs.scan("hire_unemployed", &cols, d("2020-06-30")).unwrap();
    let b = rs.scan("hire_unemployed", &FactColumns::from_rows(&rows).unwrap(), d("2020-06-30")).unwrap();
    assert_eq!(a.decisions, b.decisions);
    assert_eq!(a.decisions, [Outcome::Eligible, Outcome::Ineligible, Outcome::Ineligible]);
    assert_eq!(a.failed_conditions(2), ["registered_6_months", "social_insurance_paid"]);
    assert_eq!(a.total_amount(), Decimal::from(1000));
    assert!(cols.insert("hire.date", Column::Int(vec![None; 3])).is_err());
    assert!(cols.insert("hire.date", Column::Date(vec![None; 2])).is_err());
    assert!(cols.insert("enterprise.size_class", Column::Enum(vec![Some("huge".into()), None, None])).is_err());
}
