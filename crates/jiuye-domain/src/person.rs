//! Person vocabulary: key-group tags (人员类别), education, employment status, and name rules.

use crate::enterprise::code_enum;
use crate::error::DomainError;
use crate::normalize::normalize;

code_enum! {
    /// Key groups (重点群体) of POLICY.md §2. Some are sensitive personal information.
    Tag {
        Graduate => ("graduate", "高校毕业生"),
        UnemployedGraduate => ("unemployed_graduate", "离校未就业高校毕业生"),
        MigrantWorker => ("migrant_worker", "农民工"),
        ReturningMigrant => ("returning_migrant", "返乡农民工"),
        SchoolLeaver => ("school_leaver", "两后生"),
        Veteran => ("veteran", "退役军人"),
        Unemployed => ("unemployed", "失业人员"),
        EmploymentDifficult => ("employment_difficult", "就业困难人员"),
        Disabled => ("disabled", "残疾人"),
        PoorHousehold => ("poor_household", "建档立卡贫困户"),
        MinimumLiving => ("minimum_living", "低保"),
    }
}

impl Tag {
    /// Sensitive personal information (PIPL art. 28): shown only to staff who reveal it.
    pub fn is_sensitive(self) -> bool {
        matches!(self, Tag::Disabled | Tag::PoorHousehold | Tag::MinimumLiving)
    }

    /// Parses a list separated by 、 or , (also full-width comma and semicolons); unknown names are
    /// an error naming the unknown one.
    pub fn parse_list(input: &str) -> Result<Vec<Tag>, DomainError> {
        let s = normalize(input);
        let mut out = Vec::new();
        for part in s.split(['、', ',', '，', ';', '；']).map(str::trim).filter(|p| !p.is_empty()) {
            let tag = Self::from_label(part).or_else(|| Self::from_code(part)).or(match part {
                "贫困户" | "建档立卡" => Some(Tag::PoorHousehold),
                "低保户" | "最低生活保障" => Some(Tag::MinimumLiving),
                "大学生" | "毕业生" => Some(Tag::Graduate),
                "困难人员" => Some(Tag::EmploymentDifficult),
                _ => None,
            });
            match tag {
                Some(t) if !out.contains(&t) => out.push(t),
                Some(_) => {}
                None => {
                    return Err(DomainError::new("人员类别", "tag.unknown", format!("“{part}”不是可识别的人员类别")));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// The storage form: codes between commas (`,graduate,veteran,`) so one `LIKE '%,code,%'` finds a tag.
    pub fn to_storage(tags: &[Tag]) -> String {
        if tags.is_empty() {
            return String::new();
        }
        let mut s = String::from(",");
        for t in tags {
            s.push_str(t.code());
            s.push(',');
        }
        s
    }

    pub fn from_storage(s: &str) -> Vec<Tag> {
        s.split(',').filter_map(Tag::from_code).collect()
    }
}

code_enum! {
    Education {
        Primary => ("primary", "小学及以下"),
        Junior => ("junior", "初中"),
        Senior => ("senior", "高中"),
        Vocational => ("vocational", "中专/技校"),
        College => ("college", "大专"),
        Bachelor => ("bachelor", "本科"),
        Master => ("master", "硕士研究生"),
        Doctor => ("doctor", "博士研究生"),
    }
}

impl Education {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = normalize(input);
        Self::from_label(&s)
            .or_else(|| Self::from_code(&s))
            .or(match s.as_str() {
                "小学" | "文盲" | "半文盲" => Some(Self::Primary),
                "中专" | "技校" | "职高" | "中职" => Some(Self::Vocational),
                "专科" | "高职" => Some(Self::College),
                "大学本科" | "大学" => Some(Self::Bachelor),
                "硕士" | "研究生" => Some(Self::Master),
                "博士" => Some(Self::Doctor),
                _ => None,
            })
            .ok_or_else(|| DomainError::new("学历", "education.unknown", format!("“{s}”不是可识别的学历")))
    }
}

code_enum! {
    EmploymentStatus {
        Employed => ("employed", "就业"),
        Flexible => ("flexible", "灵活就业"),
        Unemployed => ("unemployed", "失业"),
        NotInLabourForce => ("not_in_labour_force", "非劳动力（在校/退休等）"),
        Unknown => ("unknown", "未采集"),
    }
}

impl EmploymentStatus {
    pub fn is_working(self) -> bool {
        matches!(self, Self::Employed | Self::Flexible)
    }
}

/// A person's name: 1–50 characters after normalisation, no digits or control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = normalize(input);
        if s.is_empty() {
            return Err(DomainError::new("姓名", "name.empty", "不能为空"));
        }
        if s.chars().count() > 50 {
            return Err(DomainError::new("姓名", "name.too_long", "不能超过50个字"));
        }
        if s.chars().any(|c| c.is_control() || c.is_ascii_digit()) {
            return Err(DomainError::new("姓名", "name.charset", "不能包含数字或控制字符"));
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_with_both_separators_and_round_trip() {
        let tags = Tag::parse_list("高校毕业生、退役军人,残疾人").unwrap();
        assert_eq!(tags, vec![Tag::Graduate, Tag::Veteran, Tag::Disabled]);
        let stored = Tag::to_storage(&tags);
        assert_eq!(stored, ",graduate,veteran,disabled,");
        assert_eq!(Tag::from_storage(&stored), tags);
        assert_eq!(Tag::parse_list("宇航员").unwrap_err().code, "tag.unknown");
        assert!(Tag::parse_list("").unwrap().is_empty());
    }

    #[test]
    fn names_reject_digits() {
        assert!(PersonName::parse("张三").is_ok());
        assert_eq!(PersonName::parse("张3").unwrap_err().code, "name.charset");
        assert_eq!(PersonName::parse("  ").unwrap_err().code, "name.empty");
    }
}
