//! Enterprise employment monitoring (用工监测, measures (三十), (三十二)) and layoff early warning:
//! the monthly report's consistency rules and the alert rules, pure and clock-free.
//!
//! Alert rules (thresholds are configuration, defaults below):
//! - `layoff_rate`: layoffs / headcount at the start of the month — yellow ≥ 3%, orange ≥ 5%,
//!   red ≥ 10%.
//! - `statutory_layoff` (red): the Labour Contract Law art. 41 threshold of an economic layoff —
//!   20 or more people laid off, or fewer than 20 but 10% or more of the staff — which needs the
//!   30-day notice and filing of measure (五).
//! - `headcount_drop`: headcount end vs start — orange ≥ 10% fewer, red ≥ 20% fewer.
//! - `insured_drop`: insured staff vs the previous month's report — orange ≥ 10% fewer, red ≥ 20%.
//! - `closure` (red): production status stopped or closed (停产、关闭), and closures reported by
//!   another department (measure (二十)).
//! - `missing_report` (yellow): a key enterprise without a report after the reporting window.

use crate::error::DomainError;

/// Alert levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Yellow,
    Orange,
    Red,
}

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::Yellow => "yellow",
            Level::Orange => "orange",
            Level::Red => "red",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Level::Yellow => "黄色预警",
            Level::Orange => "橙色预警",
            Level::Red => "红色预警",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "yellow" => Some(Level::Yellow),
            "orange" => Some(Level::Orange),
            "red" => Some(Level::Red),
            _ => None,
        }
    }
}

/// Production status reported each month.
pub const PRODUCTION_STATUSES: &[(&str, &str)] =
    &[("normal", "正常生产"), ("reduced", "减产（部分停工）"), ("stopped", "停产"), ("closed", "关闭（注销、破产）")];

pub fn production_label(code: &str) -> &'static str {
    PRODUCTION_STATUSES.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("未知")
}

/// Thresholds in per-mille (‰) and people, so the comparisons are exact integers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Thresholds {
    pub layoff_rate_yellow_permille: i64,
    pub layoff_rate_orange_permille: i64,
    pub layoff_rate_red_permille: i64,
    /// Labour Contract Law art. 41: 20 people…
    pub statutory_layoff_people: i64,
    /// …or 10% of the staff.
    pub statutory_layoff_permille: i64,
    pub headcount_drop_orange_permille: i64,
    pub headcount_drop_red_permille: i64,
    pub insured_drop_orange_permille: i64,
    pub insured_drop_red_permille: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            layoff_rate_yellow_permille: 30,
            layoff_rate_orange_permille: 50,
            layoff_rate_red_permille: 100,
            statutory_layoff_people: 20,
            statutory_layoff_permille: 100,
            headcount_drop_orange_permille: 100,
            headcount_drop_red_permille: 200,
            insured_drop_orange_permille: 100,
            insured_drop_red_permille: 200,
        }
    }
}

/// One month's figures of an enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    pub headcount_start: i64,
    pub new_hires: i64,
    pub separations: i64,
    pub layoffs: i64,
    pub headcount_end: i64,
    pub insured: i64,
    pub vacancies: i64,
    pub production_status: String,
}

/// Checks a report: non-negative counts, layoffs within separations, the identity
/// start + hires − separations = end, insured staff within the headcount, a known status.
/// Every problem is reported, each naming its field.
pub fn validate(f: &Figures) -> Result<(), Vec<DomainError>> {
    let mut errors = Vec::new();
    for (field, v) in [
        ("月初人数", f.headcount_start),
        ("新招用人数", f.new_hires),
        ("减员人数", f.separations),
        ("其中裁员人数", f.layoffs),
        ("月末人数", f.headcount_end),
        ("参保人数", f.insured),
        ("空岗数", f.vacancies),
    ] {
        if v < 0 {
            errors.push(DomainError::new(field, "report.negative", "不能为负数"));
        }
    }
    if f.layoffs > f.separations {
        errors.push(DomainError::new("其中裁员人数", "report.layoffs", format!("裁员{}人，不能多于减员{}人", f.layoffs, f.separations)));
    }
    let expected = f.headcount_start + f.new_hires - f.separations;
    if expected != f.headcount_end {
        errors.push(DomainError::new(
            "月末人数",
            "report.balance",
            format!(
                "月初{} + 新招用{} − 减员{} = {}，与填报的月末人数{}不符",
                f.headcount_start, f.new_hires, f.separations, expected, f.headcount_end
            ),
        ));
    }
    if f.insured > f.headcount_end.max(f.headcount_start) {
        errors.push(DomainError::new("参保人数", "report.insured", format!("参保{}人，多于在职人数", f.insured)));
    }
    if !PRODUCTION_STATUSES.iter().any(|(c, _)| *c == f.production_status) {
        errors.push(DomainError::new("生产经营状态", "report.status", "请选择生产经营状态"));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// One alert a report raises.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    /// Plain Chinese with the figures compared.
    pub message: String,
}

/// ‰ of `part` in `whole`, rounded down; `None` when `whole` is 0.
fn permille(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| part.saturating_mul(1000) / whole)
}

fn pct(p: i64) -> String {
    format!("{}.{}%", p / 10, p % 10)
}

/// The Labour Contract Law art. 41 threshold: 20 or more, or fewer than 20 but ≥ 10% of the staff.
pub fn is_statutory_layoff(layoffs: i64, staff: i64, t: &Thresholds) -> bool {
    layoffs >= t.statutory_layoff_people || (layoffs > 0 && permille_at_least(layoffs, staff, t.statutory_layoff_permille))
}

/// part / whole ≥ threshold‰, exactly (no rounding).
fn permille_at_least(part: i64, whole: i64, threshold: i64) -> bool {
    whole > 0 && part.saturating_mul(1000) >= threshold.saturating_mul(whole)
}

/// The alerts of one month's report; `previous` is the enterprise's report of the month before.
pub fn findings(f: &Figures, previous: Option<&Figures>, t: &Thresholds) -> Vec<Finding> {
    let mut out = Vec::new();
    let base = f.headcount_start;
    let level_of = |part: i64, whole: i64, y: Option<i64>, o: i64, r: i64| -> Option<Level> {
        if permille_at_least(part, whole, r) {
            Some(Level::Red)
        } else if permille_at_least(part, whole, o) {
            Some(Level::Orange)
        } else {
            y.filter(|y| permille_at_least(part, whole, *y)).map(|_| Level::Yellow)
        }
    };
    if f.layoffs > 0
        && let Some(level) =
            level_of(f.layoffs, base, Some(t.layoff_rate_yellow_permille), t.layoff_rate_orange_permille, t.layoff_rate_red_permille)
    {
        out.push(Finding {
            rule: "layoff_rate",
            level,
            message: format!("裁员率 {}（裁员{}人 / 月初{}人）", pct(permille(f.layoffs, base).unwrap_or(0)), f.layoffs, base),
        });
    }
    if is_statutory_layoff(f.layoffs, base, t) {
        out.push(Finding {
            rule: "statutory_layoff",
            level: Level::Red,
            message: format!(
                "裁员{}人，达到经济性裁员标准（{}人以上，或不足{}人但占职工总数{}以上），须提前30日说明情况并报告（措施（五））",
                f.layoffs,
                t.statutory_layoff_people,
                t.statutory_layoff_people,
                pct(t.statutory_layoff_permille)
            ),
        });
    }
    let drop = base - f.headcount_end;
    if drop > 0
        && let Some(level) = level_of(drop, base, None, t.headcount_drop_orange_permille, t.headcount_drop_red_permille)
    {
        out.push(Finding {
            rule: "headcount_drop",
            level,
            message: format!("用工人数减少 {}（{}人 → {}人）", pct(permille(drop, base).unwrap_or(0)), base, f.headcount_end),
        });
    }
    if let Some(prev) = previous {
        let fall = prev.insured - f.insured;
        if fall > 0
            && let Some(level) = level_of(fall, prev.insured, None, t.insured_drop_orange_permille, t.insured_drop_red_permille)
        {
            out.push(Finding {
                rule: "insured_drop",
                level,
                message: format!(
                    "参保人数骤减 {}（上月{}人 → 本月{}人）",
                    pct(permille(fall, prev.insured).unwrap_or(0)),
                    prev.insured,
                    f.insured
                ),
            });
        }
    }
    if matches!(f.production_status.as_str(), "stopped" | "closed") {
        out.push(Finding {
            rule: "closure",
            level: Level::Red,
            message: format!("生产经营状态：{}", production_label(&f.production_status)),
        });
    }
    out
}

/// Days from the notice to the layoff date are enough: at least 30 (measure (五)).
pub fn notice_days_ok(days: i64) -> bool {
    days >= 30
}

pub fn rule_label(rule: &str) -> &'static str {
    match rule {
        "layoff_rate" => "裁员率",
        "statutory_layoff" => "经济性裁员标准",
        "headcount_drop" => "用工人数骤减",
        "insured_drop" => "参保人数骤减",
        "closure" => "停产或关闭",
        "missing_report" => "重点企业未按时报送",
        _ => "其他",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn fig(start: i64, hires: i64, sep: i64, layoffs: i64) -> Figures {
        Figures {
            headcount_start: start,
            new_hires: hires,
            separations: sep,
            layoffs,
            headcount_end: start + hires - sep,
            insured: (start + hires - sep).min(start),
            vacancies: 0,
            production_status: "normal".into(),
        }
    }

    fn rules(f: &Figures, prev: Option<&Figures>) -> Vec<(&'static str, Level)> {
        findings(f, prev, &Thresholds::default()).into_iter().map(|x| (x.rule, x.level)).collect()
    }

    #[test]
    fn the_balance_is_checked_with_a_message_naming_the_figures() {
        let mut f = fig(100, 5, 10, 2);
        assert!(validate(&f).is_ok());
        f.headcount_end = 96;
        let e = validate(&f).unwrap_err();
        assert_eq!(e[0].code, "report.balance");
        assert!(e[0].message.contains("月初100 + 新招用5 − 减员10 = 95"), "{}", e[0].message);
        let mut g = fig(100, 0, 3, 4);
        g.headcount_end = 97;
        assert!(validate(&g).unwrap_err().iter().any(|e| e.code == "report.layoffs"));
        let mut h = fig(10, 0, 0, 0);
        h.new_hires = -1;
        h.headcount_end = 9;
        assert!(validate(&h).unwrap_err().iter().any(|e| e.code == "report.negative"));
    }

    #[test]
    fn layoff_rate_levels_at_their_thresholds() {
        // 1000 staff: 29 → none, 30 → yellow, 49 → yellow, 50 → orange, 99 → orange, 100 → red.
        let level = |n: i64| rules(&fig(1000, 0, n, n), None).into_iter().find(|r| r.0 == "layoff_rate").map(|r| r.1);
        assert_eq!(level(29), None);
        assert_eq!(level(30), Some(Level::Yellow));
        assert_eq!(level(49), Some(Level::Yellow));
        assert_eq!(level(50), Some(Level::Orange));
        assert_eq!(level(99), Some(Level::Orange));
        assert_eq!(level(100), Some(Level::Red));
    }

    #[test]
    fn the_labour_contract_law_threshold_is_twenty_or_ten_percent() {
        let t = Thresholds::default();
        assert!(is_statutory_layoff(20, 1000, &t), "20 people, whatever the share");
        assert!(!is_statutory_layoff(19, 1000, &t), "19 of 1000 is under 10%");
        assert!(is_statutory_layoff(10, 100, &t), "10 of 100 is exactly 10%");
        assert!(!is_statutory_layoff(9, 100, &t));
        assert!(is_statutory_layoff(19, 190, &t));
        assert!(!is_statutory_layoff(19, 191, &t));
        assert!(!is_statutory_layoff(0, 0, &t));
        assert!(rules(&fig(150, 0, 15, 15), None).contains(&("statutory_layoff", Level::Red)));
    }

    #[test]
    fn headcount_and_insured_drops_and_closures() {
        let r = rules(&fig(100, 0, 10, 0), None);
        assert!(r.contains(&("headcount_drop", Level::Orange)), "{r:?}");
        assert!(!rules(&fig(100, 0, 9, 0), None).iter().any(|x| x.0 == "headcount_drop"));
        assert!(rules(&fig(100, 0, 20, 0), None).contains(&("headcount_drop", Level::Red)));
        let prev = Figures { insured: 200, ..fig(200, 0, 0, 0) };
        let mut now = fig(200, 0, 0, 0);
        now.insured = 180;
        assert!(rules(&now, Some(&prev)).contains(&("insured_drop", Level::Orange)));
        now.insured = 181;
        assert!(!rules(&now, Some(&prev)).iter().any(|x| x.0 == "insured_drop"));
        now.insured = 160;
        assert!(rules(&now, Some(&prev)).contains(&("insured_drop", Level::Red)));
        let mut stopped = fig(50, 0, 0, 0);
        stopped.production_status = "stopped".into();
        assert!(rules(&stopped, None).contains(&("closure", Level::Red)));
    }

    #[test]
    fn thirty_days_notice() {
        assert!(!notice_days_ok(29));
        assert!(notice_days_ok(30));
        assert!(notice_days_ok(31));
    }
}
