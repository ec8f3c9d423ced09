//! Match scores for 双推送 (pushing vacancies to job seekers and seekers to vacancies). Pure: no
//! index, no IO, no clock.
//!
//! A score is the sum of seven criteria (maxima in brackets, 100 in all): occupation (35),
//! skills (20), pay (15), township (10), work type (10), education (5), experience (5). Each
//! criterion says whether it is met, its points and a plain-Chinese detail; a hard mismatch
//! (education or experience below the minimum) shows as unmet with 0 points, never hidden.
//!
//! Ranking is deterministic: score descending, then id ascending. It keeps a bounded heap of
//! `k` entries, skips the skills check when even full skill points could not enter the heap,
//! and writes explanation text only for the `k` winners.

mod criteria;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

pub use criteria::education_label;
use criteria::{Judge, SKILLS_MAX, Skills};

/// What a job seeker wants and brings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeekerProfile {
    /// The seeker's id.
    pub id: i64,
    /// Wanted occupation codes (GB/T 6565 style, `6-04-01-01`).
    pub occupation_codes: Vec<String>,
    /// Wanted occupation names (also matched against vacancy titles).
    pub occupation_names: Vec<String>,
    /// Skill keywords, matched as substrings of the vacancy's texts.
    pub skills: Vec<String>,
    /// Expected monthly pay in yuan.
    pub pay_expect_yuan: Option<i64>,
    /// Home township (乡镇/街道) code, 9 digits.
    pub township_code: Option<String>,
    /// Acceptable work type codes (empty: any).
    pub work_types: Vec<String>,
    /// Education rank (1 小学 … 7 博士研究生, see [`education_label`]).
    pub education_rank: Option<u8>,
    /// Years of work experience.
    pub experience_years: Option<u8>,
    /// Age in years (not scored; eligibility is the rules' business).
    pub age: Option<u8>,
}

/// What a vacancy offers and requires.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancyProfile {
    /// The vacancy's id.
    pub id: i64,
    /// Occupation code (GB/T 6565 style).
    pub occupation_code: String,
    /// Title.
    pub title: String,
    /// Occupation name.
    pub occupation_name: String,
    /// Description.
    pub description: String,
    /// Township (乡镇/街道) code, 9 digits.
    pub township_code: String,
    /// Work type code.
    pub work_type: String,
    /// Monthly pay, lower bound in yuan (0: not stated).
    pub pay_min_yuan: i64,
    /// Monthly pay, upper bound in yuan (0: not stated).
    pub pay_max_yuan: i64,
    /// Minimum education rank, if any.
    pub education_min_rank: Option<u8>,
    /// Minimum years of experience, if any.
    pub experience_min_years: Option<u8>,
}

/// A score with its reasons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatchScore {
    /// Sum of the criteria's points, 0..=100.
    pub score: u32,
    /// The seven criteria in a fixed order: occupation, skills, pay, township, work_type,
    /// education, experience.
    pub criteria: Vec<Criterion>,
}

/// One criterion of a [`MatchScore`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Criterion {
    /// `occupation`, `skills`, `pay`, `township`, `work_type`, `education` or `experience`.
    pub code: &'static str,
    /// Whether the criterion is positively satisfied (partial or neutral points are not "met"
    /// unless the rule says so).
    pub met: bool,
    /// Points given.
    pub points: u32,
    /// Points possible.
    pub max_points: u32,
    /// Plain Chinese, e.g. `期望月薪4000元，岗位3500–4500元`.
    pub detail: String,
}

/// Points of every criterion except skills.
fn points_without_skills(judge: Judge, s: &SeekerProfile, v: &VacancyProfile) -> u32 {
    [judge.occupation(s, v), judge.pay(s, v), judge.township(s, v), judge.work_type(s, v), judge.education(s, v), judge.experience(s, v)]
        .iter()
        .map(|c| c.points)
        .sum()
}

fn explain(s: &SeekerProfile, skills: &Skills<'_>, v: &VacancyProfile) -> MatchScore {
    let judge = Judge { explain: true };
    let criteria = vec![
        judge.occupation(s, v),
        judge.skills_of(skills, v),
        judge.pay(s, v),
        judge.township(s, v),
        judge.work_type(s, v),
        judge.education(s, v),
        judge.experience(s, v),
    ];
    MatchScore { score: criteria.iter().map(|c| c.points).sum(), criteria }
}

/// Scores one seeker against one vacancy, with explanations.
pub fn score(seeker: &SeekerProfile, vacancy: &VacancyProfile) -> MatchScore {
    explain(seeker, &Skills::of(seeker), vacancy)
}

/// Keeps the best `k` items by (score desc, id asc). `base` gives all points but skills,
/// `skills` the skill points; `skills` is not called when it could not change the outcome.
fn top_k<T>(items: &[T], k: usize, id: impl Fn(&T) -> i64, base: impl Fn(&T) -> u32, skills: impl Fn(&T) -> u32) -> Vec<&T> {
    if k == 0 {
        return Vec::new();
    }
    // Min-heap on (score, Reverse(id)): the top is the worst entry kept.
    let mut heap: BinaryHeap<Reverse<(u32, Reverse<i64>, usize)>> = BinaryHeap::with_capacity(k.min(items.len()) + 1);
    for (index, item) in items.iter().enumerate() {
        let base = base(item);
        let full = heap.len() >= k;
        if full
            && let Some(Reverse((worst, _, _))) = heap.peek()
            && base + SKILLS_MAX < *worst
        {
            continue;
        }
        let entry = (base + skills(item), Reverse(id(item)), index);
        if !full {
            heap.push(Reverse(entry));
        } else if let Some(mut worst) = heap.peek_mut()
            && entry > worst.0
        {
            *worst = Reverse(entry);
        }
    }
    let mut kept: Vec<(u32, Reverse<i64>, usize)> = heap.into_iter().map(|Reverse(e)| e).collect();
    kept.sort_unstable_by(|a, b| b.cmp(a));
    kept.into_iter().filter_map(|(_, _, index)| items.get(index)).collect()
}

/// The `k` best vacancies for a seeker, best first (ties: smaller id first), with explanations.
pub fn top_vacancies_for(seeker: &SeekerProfile, vacancies: &[VacancyProfile], k: usize) -> Vec<(i64, MatchScore)> {
    let judge = Judge { explain: false };
    let skills = Skills::of(seeker);
    let best = top_k(vacancies, k, |v| v.id, |v| points_without_skills(judge, seeker, v), |v| judge.skills_of(&skills, v).points);
    best.into_iter().map(|v| (v.id, explain(seeker, &skills, v))).collect()
}

/// The `k` best seekers for a vacancy, best first (ties: smaller id first), with explanations.
pub fn top_seekers_for(vacancy: &VacancyProfile, seekers: &[SeekerProfile], k: usize) -> Vec<(i64, MatchScore)> {
    let judge = Judge { explain: false };
    let best = top_k(seekers, k, |s| s.id, |s| points_without_skills(judge, s, vacancy), |s| judge.skills(s, vacancy).points);
    best.into_iter().map(|s| (s.id, score(s, vacancy))).collect()
}

#[cfg(test)]
mod tests;
