//! Statutory retirement age (法定退休年龄).
//!
//! Before the reform: men 60, women in cadre posts 55, women workers 50 (国发〔1978〕104号).
//! From 2025-01-01 (全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定, 2024-09-13, and its
//! annexed tables): men 60 → 63 and women cadres 55 → 58, one month later for every four months of
//! birth starting with those born in January 1965 (men) / January 1970 (women cadres); women
//! workers 50 → 55, one month later for every two months of birth starting with January 1975.
//! The delay is capped at 36 / 36 / 60 months.
//!
//! Which rule applies is decided by the evaluation date against the parameter
//! `retirement.reform_effective_from`, so a decision taken in 2020 is reproduced under the law of
//! 2020. Early or flexible retirement (特殊工种, 弹性退休) is not modelled.

use time::Date;

use crate::dates::add_months;

/// The three groups with a distinct original retirement age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetirementGroup {
    Male,
    FemaleCadre,
    FemaleWorker,
}

struct Schedule {
    original_months: i64,
    first_year: i32,
    first_month: u8,
    birth_months_per_step: i64,
    max_delay_months: i64,
}

fn schedule(group: RetirementGroup) -> Schedule {
    match group {
        RetirementGroup::Male => {
            Schedule { original_months: 60 * 12, first_year: 1965, first_month: 1, birth_months_per_step: 4, max_delay_months: 36 }
        }
        RetirementGroup::FemaleCadre => {
            Schedule { original_months: 55 * 12, first_year: 1970, first_month: 1, birth_months_per_step: 4, max_delay_months: 36 }
        }
        RetirementGroup::FemaleWorker => {
            Schedule { original_months: 50 * 12, first_year: 1975, first_month: 1, birth_months_per_step: 2, max_delay_months: 60 }
        }
    }
}

/// Statutory retirement age in months for someone of `group` born on `birth`.
/// `reform` says whether the 2024 decision is in force on the evaluation date.
pub fn retirement_age_months(group: RetirementGroup, birth: Date, reform: bool) -> i64 {
    let s = schedule(group);
    if !reform {
        return s.original_months;
    }
    let born = i64::from(birth.year()) * 12 + i64::from(u8::from(birth.month())) - 1;
    let first = i64::from(s.first_year) * 12 + i64::from(s.first_month) - 1;
    let since = born - first;
    if since < 0 {
        return s.original_months;
    }
    s.original_months + (since / s.birth_months_per_step + 1).min(s.max_delay_months)
}

/// The date the person reaches the statutory retirement age.
pub fn retirement_date(group: RetirementGroup, birth: Date, reform: bool) -> Option<Date> {
    add_months(birth, retirement_age_months(group, birth, reform))
}

/// "60岁1个月" / "63岁".
pub fn age_label(months: i64) -> String {
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12));
    if m == 0 { format!("{y}岁") } else { format!("{y}岁{m}个月") }
}
