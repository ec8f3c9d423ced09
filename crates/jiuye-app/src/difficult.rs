//! Recognition of employment-difficult persons (就业困难人员, measures (十六), (二十四)) by category,
//! with the date, the evidence and the reviewing bureau staff member. The policy says the criteria
//! are adjusted dynamically, so the categories are configuration (`App::difficult_categories`), each
//! with an optional validity window: people affected by the epidemic are a dated category.
//! A recognition in force keeps the person's 就业困难人员 tag, which the rules and the service levels
//! read; revoking the last one removes it.

use jiuye_domain::Tag;
use jiuye_domain::normalize::normalize;
use jiuye_store::difficult::RecognitionRecord;
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::jobs::parse_date;
use crate::{Actor, App, AppError, AppResult};

/// One category of recognition, valid from/to (inclusive) when dated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DifficultCategory {
    pub code: String,
    pub label: String,
    #[serde(default)]
    pub from: Option<Date>,
    #[serde(default)]
    pub to: Option<Date>,
}

impl DifficultCategory {
    pub fn valid_on(&self, d: Date) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }
}

/// The categories shipped; a district replaces them by configuration.
pub fn default_categories() -> Vec<DifficultCategory> {
    let c = |code: &str, label: &str| DifficultCategory { code: code.into(), label: label.into(), from: None, to: None };
    vec![
        c("older_unemployed", "大龄失业人员（女40周岁、男50周岁以上）"),
        c("disabled", "残疾人"),
        c("zero_employment_household", "零就业家庭成员"),
        c("minimum_living", "城乡低保家庭成员"),
        c("poor_household", "建档立卡贫困家庭成员"),
        c("long_term_unemployed", "连续失业一年以上人员"),
        c("landless", "失去土地的农村劳动者"),
        DifficultCategory {
            code: "epidemic".into(),
            label: "受疫情影响的失业人员".into(),
            from: Date::from_calendar_date(2020, time::Month::January, 1).ok(),
            to: Date::from_calendar_date(2020, time::Month::December, 31).ok(),
        },
    ]
}

impl App {
    pub fn difficult_category(&self, code: &str) -> Option<&DifficultCategory> {
        self.difficult.iter().find(|c| c.code == code || c.label == code)
    }

    /// Recognises a person in a category (bureau staff, who are the reviewer of record).
    pub async fn recognize_difficult(&self, actor: &Actor, person_id: Uuid, category: &str, on: &str, evidence: &str) -> AppResult<i64> {
        if !matches!(actor.role, jiuye_domain::Role::Admin | jiuye_domain::Role::BureauStaff) {
            return Err(AppError::Forbidden("就业困难人员由区人社局认定"));
        }
        let person = self.get_person(actor, person_id).await?;
        let today = self.clock.today();
        let mut errors = Vec::new();
        let on = if on.trim().is_empty() { today } else { parse_date("认定日期", on).map_err(|e| errors.push(e)).unwrap_or(today) };
        if on > today {
            errors.push(jiuye_domain::DomainError::new("认定日期", "date.future", "不能晚于今天"));
        }
        let cat = self.difficult_category(&normalize(category)).cloned();
        match &cat {
            None => errors.push(jiuye_domain::DomainError::new("认定类别", "difficult.category", "请选择认定类别")),
            Some(c) if !c.valid_on(on) => errors.push(jiuye_domain::DomainError::new(
                "认定类别",
                "difficult.category_period",
                format!(
                    "“{}”只适用于{}至{}",
                    c.label,
                    c.from.map(|d| d.to_string()).unwrap_or_else(|| "不限".into()),
                    c.to.map(|d| d.to_string()).unwrap_or_else(|| "不限".into())
                ),
            )),
            Some(_) => {}
        }
        let evidence = normalize(evidence);
        if evidence.chars().count() < 4 {
            errors.push(jiuye_domain::DomainError::new("认定依据", "difficult.evidence", "请写明认定依据（证件、证明材料及编号）"));
        }
        let (Some(cat), true) = (cat, errors.is_empty()) else { return Err(AppError::Validation(errors)) };
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let id = tx.insert_recognition(person_id, &cat.code, on, &evidence, &actor.login, now).await?;
        let mut tags = Tag::from_storage(&person.tags);
        if !tags.contains(&Tag::EmploymentDifficult) {
            tags.push(Tag::EmploymentDifficult);
            tags.sort();
            tx.set_person_tags(person_id, &Tag::to_storage(&tags), now).await?;
        }
        tx.audit(self.audit_entry(
            actor,
            "difficult.recognize",
            "person",
            Some(person_id.to_string()),
            "ok",
            json!({"category": cat.code, "recognized_on": on.to_string()}),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Revokes a recognition; the tag goes when none is left in force.
    pub async fn revoke_difficult(&self, actor: &Actor, person_id: Uuid, id: i64, reason: &str) -> AppResult<()> {
        if !matches!(actor.role, jiuye_domain::Role::Admin | jiuye_domain::Role::BureauStaff) {
            return Err(AppError::Forbidden("就业困难人员由区人社局认定"));
        }
        let person = self.get_person(actor, person_id).await?;
        let reason = normalize(reason);
        if reason.chars().count() < 2 {
            return Err(AppError::field("撤销原因", "difficult.reason", "请填写撤销原因"));
        }
        if !self.store.recognitions_of(person_id).await?.iter().any(|r| r.id == id) {
            return Err(AppError::NotFound);
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.revoke_recognition(id, self.clock.today(), &reason, &actor.login).await?;
        if tx.active_recognitions(person_id).await? == 0 {
            let tags: Vec<Tag> = Tag::from_storage(&person.tags).into_iter().filter(|t| *t != Tag::EmploymentDifficult).collect();
            tx.set_person_tags(person_id, &Tag::to_storage(&tags), now).await?;
        }
        tx.audit(self.audit_entry(
            actor,
            "difficult.revoke",
            "person",
            Some(person_id.to_string()),
            "ok",
            json!({"recognition": id, "reason": reason}),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn recognitions_of(&self, actor: &Actor, person_id: Uuid) -> AppResult<Vec<RecognitionRecord>> {
        self.get_person(actor, person_id).await?;
        Ok(self.store.recognitions_of(person_id).await?)
    }
}
