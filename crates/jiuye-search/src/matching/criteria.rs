//! The seven criteria of a match score, each returning points and a plain-Chinese explanation.
//!
//! Invariants: points never exceed the criterion's maximum; the maxima add up to 100; the
//! `detail` text is built only when `explain` is set, so ranking a million profiles does not
//! allocate strings (the same function gives the points in both modes).

use std::borrow::Cow;

use super::{Criterion, SeekerProfile, VacancyProfile};
use crate::text::normalize_cow;

pub(super) const OCCUPATION_MAX: u32 = 35;
pub(super) const SKILLS_MAX: u32 = 20;
pub(super) const PAY_MAX: u32 = 15;
pub(super) const TOWNSHIP_MAX: u32 = 10;
pub(super) const WORK_TYPE_MAX: u32 = 10;
pub(super) const EDUCATION_MAX: u32 = 5;
pub(super) const EXPERIENCE_MAX: u32 = 5;

/// Points for an occupation code sharing the first 3 / 2 / 1 segments (小类 / 中类 / 大类).
const OCCUPATION_GROUP_POINTS: [(usize, u32, &str); 3] = [(3, 25, "小类"), (2, 15, "中类"), (1, 5, "大类")];
/// Points when an expected occupation name appears in the vacancy's title or occupation name.
const OCCUPATION_NAME_IN_TITLE: u32 = 25;
/// Skills matched for full skill points (fewer listed skills need all of them).
const SKILLS_FOR_FULL: usize = 3;
/// Neutral points when a side did not state what it wants.
const PAY_UNKNOWN: u32 = 8;
const PAY_SLIGHTLY_HIGH: u32 = 8;
const WORK_TYPE_ANY: u32 = 5;
const SAME_COUNTY: u32 = 4;

/// Builds criteria, with or without explanation text.
#[derive(Clone, Copy)]
pub(super) struct Judge {
    pub explain: bool,
}

impl Judge {
    fn criterion(self, code: &'static str, points: u32, max_points: u32, met: bool, detail: impl FnOnce() -> String) -> Criterion {
        Criterion { code, met, points: points.min(max_points), max_points, detail: if self.explain { detail() } else { String::new() } }
    }

    /// Exact occupation code or name 35; same 小类 25, 中类 15, 大类 5; an expected occupation
    /// name inside the title or occupation name 25. The best applicable rule counts.
    pub fn occupation(self, s: &SeekerProfile, v: &VacancyProfile) -> Criterion {
        const CODE: &str = "occupation";
        let code = v.occupation_code.trim();
        let wanted_codes = || s.occupation_codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty());
        let wanted_names = || s.occupation_names.iter().map(|n| n.trim()).filter(|n| !n.is_empty());
        if wanted_codes().next().is_none() && wanted_names().next().is_none() {
            return self.criterion(CODE, 0, OCCUPATION_MAX, false, || "求职者未填写期望职业".to_owned());
        }
        let shown = if v.occupation_name.trim().is_empty() { code } else { v.occupation_name.trim() };
        if (!code.is_empty() && wanted_codes().any(|c| c == code)) || wanted_names().any(|n| n == v.occupation_name.trim()) {
            return self.criterion(CODE, OCCUPATION_MAX, OCCUPATION_MAX, true, || format!("期望职业“{shown}”与岗位职业一致"));
        }
        // The group rule that applies (the finest shared group), and the name-in-title rule: the
        // one worth more counts.
        let group = OCCUPATION_GROUP_POINTS.iter().find_map(|(segments, points, group)| {
            let prefix = code_prefix(code, *segments)?;
            wanted_codes().any(|c| code_prefix(c, *segments) == Some(prefix)).then_some((*points, *group, prefix))
        });
        let title = normalize_cow(&v.title);
        let occupation_name = normalize_cow(&v.occupation_name);
        let named = wanted_names().find(|n| {
            let n = normalize_cow(n);
            title.contains(n.as_ref()) || occupation_name.contains(n.as_ref())
        });
        match (group, named) {
            (Some((points, _, _)), Some(name)) if OCCUPATION_NAME_IN_TITLE > points => {
                return self.criterion(CODE, OCCUPATION_NAME_IN_TITLE, OCCUPATION_MAX, true, || format!("期望职业“{name}”见于岗位名称"));
            }
            (Some((points, group, prefix)), _) => {
                return self.criterion(CODE, points, OCCUPATION_MAX, true, || format!("期望职业与岗位职业“{shown}”同属{group}{prefix}"));
            }
            (None, Some(name)) => {
                return self.criterion(CODE, OCCUPATION_NAME_IN_TITLE, OCCUPATION_MAX, true, || format!("期望职业“{name}”见于岗位名称"));
            }
            (None, None) => {}
        }
        self.criterion(CODE, 0, OCCUPATION_MAX, false, || format!("期望职业与岗位职业“{shown}”不同类"))
    }

    /// 20 points scaled by how many of the seeker's skills (up to 3) appear, after
    /// normalisation, in the vacancy's title, occupation name or description.
    pub fn skills(self, s: &SeekerProfile, v: &VacancyProfile) -> Criterion {
        self.skills_of(&Skills::of(s), v)
    }

    /// [`Judge::skills`] with the seeker's skills prepared once (for ranking many vacancies).
    pub fn skills_of(self, skills: &Skills<'_>, v: &VacancyProfile) -> Criterion {
        const CODE: &str = "skills";
        let listed = &skills.0;
        if listed.is_empty() {
            return self.criterion(CODE, 0, SKILLS_MAX, false, || "求职者未填写技能".to_owned());
        }
        let texts = [normalize_cow(&v.title), normalize_cow(&v.occupation_name), normalize_cow(&v.description)];
        let is_found = |k: &str| texts.iter().any(|t| t.contains(k));
        let found = listed.iter().filter(|(_, k)| is_found(k)).count();
        let needed = listed.len().min(SKILLS_FOR_FULL);
        let counted = found.min(needed);
        let points = SKILLS_MAX * u32::try_from(counted).unwrap_or(0) / u32::try_from(needed).unwrap_or(1).max(1);
        self.criterion(CODE, points, SKILLS_MAX, counted > 0, || {
            if found == 0 {
                return "求职者的技能未见于岗位描述".to_owned();
            }
            let names: String = listed.iter().filter(|(_, k)| is_found(k)).map(|(raw, _)| format!("“{raw}”")).collect();
            format!("技能{names}见于岗位描述（{found}/{}）", listed.len())
        })
    }

    /// 15 points when the expected pay is at most the vacancy's maximum; 8 when it is at most
    /// 10% above it, and 8 (not met) when either side did not state pay.
    pub fn pay(self, s: &SeekerProfile, v: &VacancyProfile) -> Criterion {
        const CODE: &str = "pay";
        let (min, max) = (v.pay_min_yuan, v.pay_max_yuan.max(v.pay_min_yuan));
        if max <= 0 {
            return self.criterion(CODE, PAY_UNKNOWN, PAY_MAX, false, || "岗位未标明薪资".to_owned());
        }
        let range = || if min <= 0 || min == max { format!("岗位{max}元") } else { format!("岗位{min}–{max}元") };
        let Some(expect) = s.pay_expect_yuan.filter(|e| *e > 0) else {
            return self.criterion(CODE, PAY_UNKNOWN, PAY_MAX, false, || format!("求职者未填写期望月薪，{}", range()));
        };
        if expect <= max {
            self.criterion(CODE, PAY_MAX, PAY_MAX, true, || format!("期望月薪{expect}元，{}", range()))
        } else if expect.saturating_mul(10) <= max.saturating_mul(11) {
            self.criterion(CODE, PAY_SLIGHTLY_HIGH, PAY_MAX, false, || format!("期望月薪{expect}元，略高于{}", range()))
        } else {
            self.criterion(CODE, 0, PAY_MAX, false, || format!("期望月薪{expect}元，高于{}", range()))
        }
    }

    /// 10 points for the same township (乡镇/街道); 4 for the same county (first 6 digits).
    pub fn township(self, s: &SeekerProfile, v: &VacancyProfile) -> Criterion {
        const CODE: &str = "township";
        let Some(home) = s.township_code.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
            return self.criterion(CODE, 0, TOWNSHIP_MAX, false, || "求职者未填写所在乡镇（街道）".to_owned());
        };
        let there = v.township_code.trim();
        if home == there {
            self.criterion(CODE, TOWNSHIP_MAX, TOWNSHIP_MAX, true, || "求职者与岗位在同一乡镇（街道）".to_owned())
        } else if home.len() >= 6 && home.get(..6) == there.get(..6) {
            self.criterion(CODE, SAME_COUNTY, TOWNSHIP_MAX, false, || "同一区县，不同乡镇（街道）".to_owned())
        } else {
            self.criterion(CODE, 0, TOWNSHIP_MAX, false, || "不在同一区县".to_owned())
        }
    }

    /// 10 points when the vacancy's work type is among the seeker's; 5 when the seeker named none.
    pub fn work_type(self, s: &SeekerProfile, v: &VacancyProfile) -> Criterion {
        const CODE: &str = "work_type";
        let wt = v.work_type.trim();
        if s.work_types.iter().all(|w| w.trim().is_empty()) {
            return self.criterion(CODE, WORK_TYPE_ANY, WORK_TYPE_MAX, false, || "求职者未限定用工形式".to_owned());
        }
        if s.work_types.iter().any(|w| w.trim() == wt) {
            self.criterion(CODE, WORK_TYPE_MAX, WORK_TYPE_MAX, true, || format!("用工形式“{wt}”符合求职意向"))
        } else {
            self.criterion(CODE, 0, WORK_TYPE_MAX, false, || format!("用工形式“{wt}”不在求职意向中"))
        }
    }

    /// 5 points when the seeker's education rank reaches the vacancy's minimum (or none is
    /// required). Below the minimum, or unknown against a minimum, is unmet.
    pub fn education(self, s: &SeekerProfile, v: &VacancyProfile) -> Criterion {
        const CODE: &str = "education";
        let Some(min) = v.education_min_rank.filter(|m| *m > 0) else {
            return self.criterion(CODE, EDUCATION_MAX, EDUCATION_MAX, true, || "岗位不限学历".to_owned());
        };
        match s.education_rank {
            None => self.criterion(CODE, 0, EDUCATION_MAX, false, || format!("求职者未填写学历，岗位要求{}及以上", education_label(min))),
            Some(rank) if rank >= min => self.criterion(CODE, EDUCATION_MAX, EDUCATION_MAX, true, || {
                format!("学历{}，满足岗位要求{}及以上", education_label(rank), education_label(min))
            }),
            Some(rank) => self.criterion(CODE, 0, EDUCATION_MAX, false, || {
                format!("学历{}，低于岗位要求{}及以上", education_label(rank), education_label(min))
            }),
        }
    }

    /// 5 points when the seeker's years of experience reach the vacancy's minimum (or none is
    /// required). Fewer years, or unknown against a minimum, is unmet.
    pub fn experience(self, s: &SeekerProfile, v: &VacancyProfile) -> Criterion {
        const CODE: &str = "experience";
        let Some(min) = v.experience_min_years.filter(|m| *m > 0) else {
            return self.criterion(CODE, EXPERIENCE_MAX, EXPERIENCE_MAX, true, || "岗位不限工作经验".to_owned());
        };
        match s.experience_years {
            None => self.criterion(CODE, 0, EXPERIENCE_MAX, false, || format!("求职者未填写工作经验，岗位要求{min}年以上")),
            Some(years) if years >= min => {
                self.criterion(CODE, EXPERIENCE_MAX, EXPERIENCE_MAX, true, || format!("工作经验{years}年，满足岗位要求{min}年以上"))
            }
            Some(years) => self.criterion(CODE, 0, EXPERIENCE_MAX, false, || format!("工作经验{years}年，少于岗位要求{min}年以上")),
        }
    }
}

/// A seeker's non-empty skills, each with its normalised form.
pub(super) struct Skills<'a>(Vec<(&'a str, Cow<'a, str>)>);

impl<'a> Skills<'a> {
    pub fn of(s: &'a SeekerProfile) -> Self {
        Self(s.skills.iter().map(|k| k.trim()).filter(|k| !k.is_empty()).map(|k| (k, normalize_cow(k))).collect())
    }
}

/// The first `segments` dash-separated segments of an occupation code (GB/T 6565 style,
/// `6-04-01-01`), if it has that many non-empty ones.
fn code_prefix(code: &str, segments: usize) -> Option<&str> {
    let mut end = 0;
    for (i, part) in code.split('-').enumerate() {
        if part.is_empty() {
            return None;
        }
        end += part.len() + usize::from(i > 0);
        if i + 1 == segments {
            return code.get(..end);
        }
    }
    None
}

/// The assumed education scale (align with jiuye-domain when it defines one).
pub fn education_label(rank: u8) -> Cow<'static, str> {
    match rank {
        1 => "小学".into(),
        2 => "初中".into(),
        3 => "高中/中专/技校".into(),
        4 => "大专".into(),
        5 => "本科".into(),
        6 => "硕士研究生".into(),
        7 => "博士研究生".into(),
        other => format!("学历等级{other}").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_prefixes_follow_the_dash_segments() {
        assert_eq!(code_prefix("6-04-01-01", 1), Some("6"));
        assert_eq!(code_prefix("6-04-01-01", 2), Some("6-04"));
        assert_eq!(code_prefix("6-04-01-01", 3), Some("6-04-01"));
        assert_eq!(code_prefix("6-04", 3), None);
        assert_eq!(code_prefix("6--01", 3), None);
        assert_eq!(code_prefix("", 1), None);
    }

    #[test]
    fn the_maxima_add_up_to_one_hundred() {
        let total = OCCUPATION_MAX + SKILLS_MAX + PAY_MAX + TOWNSHIP_MAX + WORK_TYPE_MAX + EDUCATION_MAX + EXPERIENCE_MAX;
        assert_eq!(total, 100);
    }
}
