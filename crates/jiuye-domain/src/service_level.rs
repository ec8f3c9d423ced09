//! Service levels of registered unemployed persons (分级分类, measure (二十二)): a level from
//! documented criteria, with its reasons, sets how often the person is contacted.
//!
//! - 重点帮扶 (intensive, at least twice a month): an employment-difficult person, a disabled person,
//!   a member of a registered poor or minimum-living household, a member of a zero-employment
//!   household, or registered unemployed for 12 months or more.
//! - 重点关注 (focused, at least monthly): registered for 6 months or more, 45 years or older (measure
//!   (二十)'s older workers), a college graduate, a veteran, a returning migrant worker, or a youth
//!   who left school after junior or senior high (两后生).
//! - 常规服务 (regular, at least monthly): everyone else.

use crate::person::Tag;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum ServiceLevel {
    Intensive,
    Focused,
    Regular,
}

impl ServiceLevel {
    pub fn label(self) -> &'static str {
        match self {
            Self::Intensive => "重点帮扶",
            Self::Focused => "重点关注",
            Self::Regular => "常规服务",
        }
    }

    /// Contacts a calendar month needs at least.
    pub fn contacts_per_month(self) -> u32 {
        match self {
            Self::Intensive => 2,
            Self::Focused | Self::Regular => 1,
        }
    }
}

/// A level with the reasons that gave it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LevelDecision {
    pub level: ServiceLevel,
    pub reasons: Vec<String>,
}

/// What the classification reads about a registered person.
#[derive(Debug, Clone, Copy)]
pub struct LevelFacts<'a> {
    pub tags: &'a [Tag],
    pub age: i32,
    pub months_registered: i64,
    pub zero_employment_household: bool,
}

pub fn classify(f: &LevelFacts<'_>) -> LevelDecision {
    let has = |t: Tag| f.tags.contains(&t);
    let mut intensive = Vec::new();
    for t in [Tag::EmploymentDifficult, Tag::Disabled, Tag::PoorHousehold, Tag::MinimumLiving] {
        if has(t) {
            intensive.push(t.label().to_string());
        }
    }
    if f.zero_employment_household {
        intensive.push("零就业家庭成员".into());
    }
    if f.months_registered >= 12 {
        intensive.push(format!("登记失业{}个月（12个月以上）", f.months_registered));
    }
    if !intensive.is_empty() {
        return LevelDecision { level: ServiceLevel::Intensive, reasons: intensive };
    }
    let mut focused = Vec::new();
    if f.months_registered >= 6 {
        focused.push(format!("登记失业{}个月（6个月以上）", f.months_registered));
    }
    if f.age >= 45 {
        focused.push(format!("{}岁（45岁以上）", f.age));
    }
    for t in [Tag::Graduate, Tag::UnemployedGraduate, Tag::Veteran, Tag::ReturningMigrant, Tag::SchoolLeaver] {
        if has(t) {
            focused.push(t.label().to_string());
        }
    }
    if !focused.is_empty() {
        return LevelDecision { level: ServiceLevel::Focused, reasons: focused };
    }
    LevelDecision { level: ServiceLevel::Regular, reasons: vec!["无重点帮扶或重点关注情形".into()] }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(tags: &[Tag], age: i32, months: i64, zero: bool) -> LevelDecision {
        classify(&LevelFacts { tags, age, months_registered: months, zero_employment_household: zero })
    }

    #[test]
    fn each_criterion_gives_its_level_and_says_why() {
        let d = facts(&[Tag::Disabled], 30, 1, false);
        assert_eq!((d.level, d.reasons.clone()), (ServiceLevel::Intensive, vec!["残疾人".to_string()]));
        assert_eq!(facts(&[], 30, 1, true).level, ServiceLevel::Intensive);
        assert_eq!(facts(&[], 30, 12, false).reasons, ["登记失业12个月（12个月以上）"]);
        assert_eq!(facts(&[], 30, 11, false).level, ServiceLevel::Focused, "11 months: focused, not intensive");
        assert_eq!(facts(&[], 45, 0, false).reasons, ["45岁（45岁以上）"]);
        assert_eq!(facts(&[], 44, 5, false).level, ServiceLevel::Regular);
        assert_eq!(facts(&[Tag::Veteran, Tag::MigrantWorker], 30, 0, false).reasons, ["退役军人"]);
        assert_eq!(ServiceLevel::Intensive.contacts_per_month(), 2);
        assert_eq!(ServiceLevel::Regular.contacts_per_month(), 1);
    }
}
