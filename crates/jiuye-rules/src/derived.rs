//! Derived facts: computed from input facts, never asked for — age, sex and birth date from the
//! ID number, the statutory retirement date, months of registered unemployment, months a business
//! has operated, the layoff rate under the configured definition.
//!
//! `compute` is called by both evaluation modes through the `Inputs` trait (one case, or one row
//! of a column batch), so a derived value cannot differ between explain and scan. The public
//! helpers (`current_spell_start`, `layoff_rate`, `average_headcount`) are for the application
//! layer, which turns registration histories and monthly reports into input facts.

use jiuye_domain::Sex;
use rust_decimal::Decimal;
use time::Date;

use crate::dates::{add_months, age_years, full_months_between};
use crate::retirement::{RetirementGroup, retirement_age_months};
use crate::value::Scalar;

/// Access to one case's inputs while computing a derived fact.
pub(crate) trait Inputs {
    fn as_of(&self) -> Date;
    /// An input fact; records it as missing when absent.
    fn input(&mut self, name: &'static str) -> Option<Scalar>;
    /// Birth date and sex from `person.id_number`; records it as missing when absent.
    fn person_id(&mut self) -> Option<(Date, Sex)>;
    fn param(&mut self, id: &'static str) -> Result<Option<Scalar>, String>;
    fn note_missing(&mut self, name: &'static str);
}

fn date(v: Option<Scalar>) -> Result<Option<Date>, String> {
    match v {
        None => Ok(None),
        Some(Scalar::Date(d)) => Ok(Some(d)),
        Some(other) => Err(format!("需要日期，得到 {other:?}")),
    }
}

fn num(v: Option<Scalar>) -> Result<Option<Decimal>, String> {
    match v {
        None => Ok(None),
        Some(Scalar::Num(n)) => Ok(Some(n)),
        Some(other) => Err(format!("需要数值，得到 {other:?}")),
    }
}

fn months(from: Option<Date>, to: Option<Date>) -> Option<Scalar> {
    Some(Scalar::Num(Decimal::from(full_months_between(from?, to?))))
}

/// The retirement group and whether the 2024 reform applies, or `None` (missing noted).
fn retirement_inputs(inp: &mut dyn Inputs) -> Result<Option<(Date, RetirementGroup, bool)>, String> {
    let id = inp.person_id();
    let reform_from = date(inp.param("retirement.reform_effective_from")?)?;
    let Some((birth, sex)) = id else {
        return Ok(None);
    };
    let group = match sex {
        Sex::Male => RetirementGroup::Male,
        Sex::Female => match inp.input("person.retirement_category") {
            Some(Scalar::Sym("cadre")) => RetirementGroup::FemaleCadre,
            Some(Scalar::Sym("worker")) => RetirementGroup::FemaleWorker,
            Some(other) => return Err(format!("未知的退休类别 {other:?}")),
            None => return Ok(None),
        },
    };
    let Some(reform_from) = reform_from else {
        return Ok(None);
    };
    Ok(Some((birth, group, inp.as_of() >= reform_from)))
}

/// Computes the derived fact `name` for one case. `Ok(None)` means an input is missing (and has
/// been recorded as missing); `Err` is a definition bug.
pub(crate) fn compute(name: &str, inp: &mut dyn Inputs) -> Result<Option<Scalar>, String> {
    let as_of = inp.as_of();
    Ok(match name {
        "person.birth_date" => inp.person_id().map(|(b, _)| Scalar::Date(b)),
        "person.sex" => inp.person_id().map(|(_, s)| Scalar::Sym(if s == Sex::Male { "male" } else { "female" })),
        "person.age" => inp.person_id().map(|(b, _)| Scalar::Num(Decimal::from(age_years(b, as_of)))),
        "person.statutory_retirement_age_months" => {
            retirement_inputs(inp)?.map(|(birth, group, reform)| Scalar::Num(Decimal::from(retirement_age_months(group, birth, reform))))
        }
        "person.statutory_retirement_date" => retirement_inputs(inp)?
            .and_then(|(birth, group, reform)| add_months(birth, retirement_age_months(group, birth, reform)))
            .map(Scalar::Date),
        "person.registered_unemployed_months" => months(date(inp.input("person.registered_unemployed_since"))?, Some(as_of)),
        "hire.person_registered_unemployed_months" => {
            let since = date(inp.input("person.registered_unemployed_since"))?;
            months(since, date(inp.input("hire.date"))?)
        }
        "person.months_since_graduation" => months(date(inp.input("person.graduation_date"))?, Some(as_of)),
        "business.months_operating" => months(date(inp.input("business.started_on"))?, Some(as_of)),
        "person.months_on_temporary_public_post" => months(date(inp.input("person.temporary_public_post_started_on"))?, Some(as_of)),
        "enterprise.layoff_rate" => {
            let definition = match inp.param("layoff_rate.definition")? {
                Some(Scalar::Sym(s)) => s,
                Some(other) => return Err(format!("裁员率口径参数类型错误 {other:?}")),
                None => return Ok(None),
            };
            let numerator = match definition {
                "new_claimants_over_average_insured" => "enterprise.new_ui_claimants_in_period",
                _ => "enterprise.layoffs_in_period",
            };
            let n = num(inp.input(numerator))?;
            let d = num(inp.input("enterprise.average_insured_staff"))?;
            let (Some(n), Some(d)) = (n, d) else {
                return Ok(None);
            };
            match layoff_rate(n, d) {
                Some(r) => Some(Scalar::Num(r)),
                None => {
                    // People were laid off from an enterprise with no insured staff on average:
                    // the figure needs correcting; say which one instead of guessing a rate.
                    inp.note_missing("enterprise.average_insured_staff");
                    None
                }
            }
        }
        other => return Err(format!("未知的推导事实 {other}")),
    })
}

/// Layoff rate = people counted ÷ average insured staff. Zero of zero is 0; anything of zero is
/// undefined (`None`). Exact decimal division (28 significant digits).
pub fn layoff_rate(counted: Decimal, average_insured: Decimal) -> Option<Decimal> {
    if average_insured <= Decimal::ZERO {
        return (counted == Decimal::ZERO).then_some(Decimal::ZERO);
    }
    counted.checked_div(average_insured)
}

/// Average of monthly headcounts (from the monthly reports), exact; `None` for no months.
pub fn average_headcount(monthly: &[i64]) -> Option<Decimal> {
    let n = i64::try_from(monthly.len()).ok().filter(|n| *n > 0)?;
    let sum = monthly.iter().try_fold(Decimal::ZERO, |acc, m| acc.checked_add(Decimal::from(*m)))?;
    sum.checked_div(Decimal::from(n))
}

/// One unemployment registration: registered on, closed on (`None` while open; the closing day is
/// the first day no longer registered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spell {
    pub registered_on: Date,
    pub closed_on: Option<Date>,
}

/// Start of the continuous registration spell covering `on`, or `None` if not registered on
/// that day. A registration that starts on the day the previous one closed continues it (a
/// transfer between offices is not a break); any day in between starts a new spell.
pub fn current_spell_start(spells: &[Spell], on: Date) -> Option<Date> {
    let mut sorted: Vec<Spell> = spells.to_vec();
    sorted.sort_by_key(|s| s.registered_on);
    let mut current: Option<(Date, Option<Date>)> = None;
    let mut found = None;
    for s in sorted {
        current = match current {
            // Continues the current spell: merge, keeping the later (or open) end.
            Some((start, end)) if end.is_none_or(|e| s.registered_on <= e) => {
                let merged_end = match (end, s.closed_on) {
                    (Some(e), Some(c)) => Some(e.max(c)),
                    _ => None,
                };
                Some((start, merged_end))
            }
            _ => Some((s.registered_on, s.closed_on)),
        };
        if let Some((start, end)) = current
            && start <= on
            && end.is_none_or(|e| on < e)
        {
            found = Some(start);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use time::macros::date;

    #[test]
    fn only_the_current_continuous_spell_counts() {
        let spells = [
            Spell { registered_on: date!(2018 - 01 - 10), closed_on: Some(date!(2018 - 09 - 01)) },
            Spell { registered_on: date!(2019 - 03 - 01), closed_on: Some(date!(2019 - 06 - 01)) },
            Spell { registered_on: date!(2019 - 06 - 01), closed_on: None },
        ];
        assert_eq!(current_spell_start(&spells, date!(2020 - 01 - 01)), Some(date!(2019 - 03 - 01)));
        assert_eq!(current_spell_start(&spells, date!(2018 - 12 - 01)), None);
        assert_eq!(current_spell_start(&spells, date!(2018 - 05 - 01)), Some(date!(2018 - 01 - 10)));
        let gap = [
            Spell { registered_on: date!(2019 - 03 - 01), closed_on: Some(date!(2019 - 06 - 01)) },
            Spell { registered_on: date!(2019 - 06 - 02), closed_on: None },
        ];
        assert_eq!(current_spell_start(&gap, date!(2020 - 01 - 01)), Some(date!(2019 - 06 - 02)));
    }

    #[test]
    fn layoff_rates_are_exact() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(layoff_rate(d("11"), d("200")), Some(d("0.055")));
        assert_eq!(layoff_rate(d("0"), d("0")), Some(Decimal::ZERO));
        assert_eq!(layoff_rate(d("1"), d("0")), None);
        assert_eq!(average_headcount(&[10, 11, 11, 10]), Some(d("10.5")));
        assert_eq!(average_headcount(&[]), None);
    }
}
