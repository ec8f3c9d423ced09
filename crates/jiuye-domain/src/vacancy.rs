//! Vacancies (岗位): work types, kinds, the lifecycle of measures (二十一)/(三十一) — collect →
//! review → publish → match — and the pure checks the review shows (wording, near duplicates).
//!
//! Invariants: a status changes only through `VacancyStatus::apply`, which refuses a transition the
//! lifecycle does not have; `pay_min ≤ pay_max`; filled posts never exceed the posts offered.

use crate::enterprise::code_enum;
use crate::error::DomainError;

code_enum! {
    /// Work types, including the flexible forms of measure (十二).
    WorkType {
        FullTime => ("full_time", "全职"),
        PartTime => ("part_time", "兼职"),
        Temporary => ("temporary", "临时"),
        Seasonal => ("seasonal", "季节性"),
        Flexible => ("flexible", "灵活用工"),
        Platform => ("platform", "平台就业"),
    }
}

impl WorkType {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = crate::normalize::normalize(input);
        Self::from_code(&s)
            .or_else(|| Self::from_label(&s))
            .or(match s.as_str() {
                "全日制" | "长期" => Some(Self::FullTime),
                "小时工" | "钟点工" => Some(Self::PartTime),
                "短期" | "临时工" => Some(Self::Temporary),
                "季节工" => Some(Self::Seasonal),
                "灵活就业" => Some(Self::Flexible),
                "平台" | "网约" => Some(Self::Platform),
                _ => None,
            })
            .ok_or_else(|| DomainError::new("用工形式", "work_type.unknown", format!("“{s}”不是可识别的用工形式")))
    }

    /// The minimum monthly wage applies to a full month of work; for the other forms it is shown
    /// for information only.
    pub fn monthly_minimum_applies(self) -> bool {
        matches!(self, Self::FullTime)
    }
}

code_enum! {
    /// Where a vacancy comes from; the last two are published by the bureau itself (measure (二十一)).
    VacancyKind {
        Ordinary => ("ordinary", "企业招聘"),
        PublicWelfare => ("public_welfare", "公益性岗位"),
        GovernmentProject => ("government_project", "政府投资项目岗位"),
    }
}

code_enum! {
    VacancyStatus {
        Pending => ("pending", "待审核"),
        Published => ("published", "已发布"),
        Rejected => ("rejected", "已驳回"),
        Filled => ("filled", "已招满"),
        Closed => ("closed", "已关闭"),
        Expired => ("expired", "已过期"),
    }
}

code_enum! {
    /// What can happen to a vacancy.
    VacancyAction {
        Submit => ("submit", "提交"),
        Approve => ("approve", "审核通过并发布"),
        Reject => ("reject", "驳回"),
        Edit => ("edit", "修改"),
        RecordFilled => ("record_filled", "登记招用"),
        Close => ("close", "关闭"),
        Expire => ("expire", "到期自动关闭"),
    }
}

impl VacancyStatus {
    /// The status after `action`, or an error with code `vacancy.transition` naming both.
    /// `Edit` of a published or rejected vacancy sends it back to review; `RecordFilled` keeps a
    /// vacancy published until every post is filled (`all_filled`).
    pub fn apply(self, action: VacancyAction, all_filled: bool) -> Result<VacancyStatus, DomainError> {
        use VacancyAction as A;
        use VacancyStatus as S;
        let next = match (self, action) {
            (S::Pending, A::Approve) => Some(S::Published),
            (S::Pending, A::Reject) => Some(S::Rejected),
            (S::Pending | S::Rejected | S::Published, A::Edit) => Some(S::Pending),
            (S::Rejected, A::Submit) => Some(S::Pending),
            (S::Published, A::RecordFilled) => Some(if all_filled { S::Filled } else { S::Published }),
            (S::Pending | S::Published | S::Rejected, A::Close) => Some(S::Closed),
            (S::Published | S::Pending, A::Expire) => Some(S::Expired),
            _ => None,
        };
        next.ok_or_else(|| DomainError::new("状态", "vacancy.transition", format!("“{}”的岗位不能{}", self.label(), action.label())))
    }

    /// Visible on the public job board.
    pub fn is_public(self) -> bool {
        self == Self::Published
    }

    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Published)
    }
}

/// A finding of the wording check: which words, what kind of restriction, and the law against it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WordingFinding {
    pub code: &'static str,
    pub words: String,
    pub message: String,
}

/// Phrases that restrict by gender, ethnicity, hukou, marriage or health, each with its legal basis.
const PHRASES: &[(&str, &str, &[&str])] = &[
    (
        "gender",
        "性别限制（《就业促进法》第二十七条：不得以性别为由拒绝录用妇女或提高对妇女的录用标准）",
        &[
            "限男",
            "限女",
            "仅限男",
            "仅限女",
            "只招男",
            "只招女",
            "男性优先",
            "女性优先",
            "男士优先",
            "女士优先",
            "男生优先",
            "女生优先",
            "不招女",
            "不招男",
            "要求男性",
            "要求女性",
        ],
    ),
    (
        "marriage",
        "婚育限制（《妇女权益保障法》第四十三条：不得限制女职工结婚、生育）",
        &["未婚", "已婚已育", "已育", "不得生育", "三年内不生育"],
    ),
    (
        "ethnicity",
        "民族限制（《就业促进法》第二十八条：各民族劳动者享有平等的劳动权利）",
        &["限汉族", "汉族优先", "少数民族除外", "非少数民族"],
    ),
    (
        "hukou",
        "户籍限制（《就业促进法》第三十一条：农村劳动者进城就业享有与城镇劳动者平等的劳动权利）",
        &["本地户口", "本地户籍", "限本地人", "城镇户口", "非农户口", "农村户口除外", "外地人勿扰", "本市户口"],
    ),
    (
        "health",
        "健康状况限制（《就业促进法》第三十条：不得以是传染病病原携带者为由拒绝录用）",
        &["乙肝勿扰", "乙肝携带者勿扰", "无乙肝", "乙肝除外"],
    ),
];

/// Looks for discriminatory wording in `text` (title, requirements, description). Age limits are
/// reported when the text sets an upper age bound ("35岁以下", "18-45周岁"); a lower bound alone
/// ("年满16周岁") is the legal working age and not reported.
pub fn check_wording(text: &str) -> Vec<WordingFinding> {
    let mut compact: String = crate::normalize::normalize(text).chars().filter(|c| !c.is_whitespace()).collect();
    // Phrases that say there is no restriction, removed first so that "不限男女" does not read as 限男.
    for neutral in [
        "男女不限",
        "不限男女",
        "性别不限",
        "不限性别",
        "男女均可",
        "婚否不限",
        "已婚未婚均可",
        "未婚已婚均可",
        "户籍不限",
        "不限户籍",
        "民族不限",
    ] {
        compact = compact.replace(neutral, "");
    }
    let mut out = Vec::new();
    for (code, message, words) in PHRASES {
        let hits: Vec<&str> = words.iter().copied().filter(|w| compact.contains(w)).collect();
        if !hits.is_empty() {
            out.push(WordingFinding { code, words: hits.join("、"), message: (*message).to_string() });
        }
    }
    if let Some(words) = upper_age_bound(&compact) {
        out.push(WordingFinding {
            code: "age",
            words,
            message: "年龄上限（法律未规定的年龄限制须有岗位理由，请审核人员确认；特殊工种的法定年龄要求除外）".into(),
        });
    }
    out
}

/// The first "N岁以下/以内", "N周岁以下" or "A-B岁" (also 至/到/~) in the text.
fn upper_age_bound(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            // A range: digits, a separator, digits, then 岁.
            let mut j = i;
            let range = matches!(chars.get(j), Some('-' | '至' | '到' | '~' | '—'));
            if range {
                j += 1;
                if !chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
                    continue;
                }
                while chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
                    j += 1;
                }
            }
            if chars.get(j) == Some(&'周') {
                j += 1;
            }
            if chars.get(j) == Some(&'岁') {
                j += 1;
                let tail: String = chars.iter().skip(j).take(2).collect();
                if range || matches!(tail.as_str(), "以下" | "以内" | "之内") {
                    let end = if range { j } else { j + 2 };
                    return Some(chars.iter().skip(start).take(end - start).collect());
                }
            }
            i = j.max(i);
            continue;
        }
        i += 1;
    }
    None
}

/// Similarity of two vacancy texts from 0 to 100: the Jaccard index of their character bigrams
/// (punctuation and spaces dropped). Used to find a vacancy already published under another id.
pub fn similarity(a: &str, b: &str) -> u32 {
    let grams = |s: &str| -> std::collections::BTreeSet<(char, char)> {
        let cs: Vec<char> = crate::normalize::normalize(s).chars().filter(|c| c.is_alphanumeric()).collect();
        cs.windows(2).filter_map(|w| Some((*w.first()?, *w.get(1)?))).collect()
    };
    let (ga, gb) = (grams(a), grams(b));
    if ga.is_empty() && gb.is_empty() {
        return 100;
    }
    let inter = ga.intersection(&gb).count();
    let union = ga.len() + gb.len() - inter;
    (inter * 100).checked_div(union).unwrap_or(0) as u32
}

/// The pay range in whole yuan per month: both positive, min ≤ max, and at most 100,000.
pub fn check_pay(min: i64, max: i64) -> Result<(), DomainError> {
    const FIELD: &str = "月薪";
    if min <= 0 || max <= 0 {
        return Err(DomainError::new(FIELD, "pay.positive", "月薪上下限都应大于0"));
    }
    if min > max {
        return Err(DomainError::new(FIELD, "pay.order", format!("月薪下限{min}元高于上限{max}元")));
    }
    if max > 100_000 {
        return Err(DomainError::new(FIELD, "pay.too_high", "月薪上限不能超过100000元，请核对单位（元/月）"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_allows_only_its_transitions() {
        use VacancyAction as A;
        use VacancyStatus as S;
        assert_eq!(S::Pending.apply(A::Approve, false).unwrap(), S::Published);
        assert_eq!(S::Pending.apply(A::Reject, false).unwrap(), S::Rejected);
        assert_eq!(S::Published.apply(A::RecordFilled, false).unwrap(), S::Published);
        assert_eq!(S::Published.apply(A::RecordFilled, true).unwrap(), S::Filled);
        assert_eq!(S::Published.apply(A::Edit, false).unwrap(), S::Pending);
        assert_eq!(S::Published.apply(A::Expire, false).unwrap(), S::Expired);
        for s in [S::Filled, S::Closed, S::Expired] {
            for a in VacancyAction::ALL {
                let e = s.apply(*a, false).unwrap_err();
                assert_eq!(e.code, "vacancy.transition", "{s:?} {a:?}");
            }
        }
        assert!(S::Rejected.apply(A::Approve, false).is_err());
        assert!(S::Published.apply(A::Approve, false).is_err());
        assert!(S::Pending.apply(A::RecordFilled, false).unwrap_err().message.contains("待审核"));
    }

    #[test]
    fn wording_finds_restrictions_but_not_neutral_text() {
        let f = check_wording("招聘电焊工，限男性，35岁以下，本地户口优先");
        let codes: Vec<&str> = f.iter().map(|x| x.code).collect();
        assert_eq!(codes, vec!["gender", "hukou", "age"]);
        assert_eq!(f[2].words, "35岁以下");
        assert_eq!(check_wording("年龄18-45周岁")[0].words, "18-45周岁");
        assert_eq!(check_wording("18至50岁")[0].code, "age");
        assert!(check_wording("男女不限，年满16周岁，有焊工证").is_empty());
        assert!(check_wording("不限男女，已婚未婚均可，户籍不限").is_empty(), "neutral phrases are not restrictions");
        assert_eq!(check_wording("不限男女，限女性")[0].code, "gender", "a restriction next to a neutral phrase is still found");
        assert!(check_wording("月薪4000-6000元，缴纳五险").is_empty());
        assert!(check_wording("工作经验3年以上").is_empty());
        assert_eq!(check_wording("限 男")[0].code, "gender", "spaces do not hide a phrase");
    }

    #[test]
    fn similarity_scores_identical_near_and_different_texts() {
        assert_eq!(similarity("招聘电焊工5名", "招聘电焊工5名"), 100);
        assert!(similarity("招聘电焊工5名，月薪5000", "招聘电焊工6名，月薪5000") >= 60);
        assert!(similarity("招聘电焊工", "招聘会计") < 40);
    }

    #[test]
    fn pay_checks_each_rule() {
        assert!(check_pay(3000, 5000).is_ok());
        assert_eq!(check_pay(5000, 3000).unwrap_err().code, "pay.order");
        assert_eq!(check_pay(0, 3000).unwrap_err().code, "pay.positive");
        assert_eq!(check_pay(3000, 300_000).unwrap_err().code, "pay.too_high");
    }

    #[test]
    fn work_types_parse_labels_and_usual_names() {
        assert_eq!(WorkType::parse("全职").unwrap(), WorkType::FullTime);
        assert_eq!(WorkType::parse("钟点工").unwrap(), WorkType::PartTime);
        assert_eq!(WorkType::parse("platform").unwrap(), WorkType::Platform);
        assert_eq!(WorkType::parse("包工").unwrap_err().code, "work_type.unknown");
    }
}
