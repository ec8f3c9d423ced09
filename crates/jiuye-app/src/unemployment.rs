//! Unemployment registration (失业登记, measure (二十)) and the monthly follow-up (每月跟踪调查至少1次,
//! measure (二十二)): registering where the person lives after checking working age, an open spell
//! and the registry's employment status; closing a spell (found work or another reason); recording
//! contacts; and the township's due list for a month.
//!
//! Dates are China dates from the bureau's clock; "a month" is a calendar month in Asia/Shanghai.
//! Registering sets the person's employment status to unemployed, closing because of work sets it
//! to employed, in the same transaction, so the registry and the spells agree.

use jiuye_domain::normalize::normalize;
use jiuye_domain::service_level::{LevelDecision, LevelFacts, classify};
use jiuye_domain::{DomainError, EmploymentStatus, Role, Sex};
use jiuye_rules::retirement::{RetirementGroup, retirement_date};
use jiuye_store::registrations::{Closing, ContactRecord, DueRecord, NewContact, NewRegistration, RegistrationRecord};
use serde_json::json;
use time::{Date, Month};
use uuid::Uuid;

use crate::jobs::parse_date;
use crate::{Actor, App, AppError, AppResult};

/// The youngest working age (劳动年龄).
pub const MIN_WORKING_AGE: i32 = 16;

/// Why a spell closes.
pub const CLOSE_REASONS: &[(&str, &str)] = &[
    ("employed", "实现就业"),
    ("entrepreneurship", "自主创业"),
    ("retired", "达到法定退休年龄"),
    ("moved", "迁出本区或常住地变更"),
    ("enrolled", "入学、参军等"),
    ("withdrawn", "本人申请注销"),
    ("other", "其他"),
];

/// How a contact was made.
pub const CONTACT_METHODS: &[(&str, &str)] =
    &[("phone", "电话"), ("visit", "入户走访"), ("sms_reply", "短信回复"), ("online", "网上"), ("window", "窗口")];

/// Services a contact may give (measure (二十二): 分级分类服务).
pub const SERVICES: &[(&str, &str)] =
    &[("job_referral", "职业介绍"), ("career_guidance", "职业指导"), ("startup_service", "创业服务"), ("training_referral", "培训推荐")];

fn label(table: &[(&'static str, &'static str)], code: &str) -> &'static str {
    table.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("")
}

pub fn close_reason_label(code: &str) -> &'static str {
    label(CLOSE_REASONS, code)
}
pub fn method_label(code: &str) -> &'static str {
    label(CONTACT_METHODS, code)
}
pub fn services_label(stored: &str) -> String {
    stored.split(',').filter(|s| !s.is_empty()).map(|s| label(SERVICES, s)).collect::<Vec<_>>().join("、")
}

/// Whole months from `a` to `b` (a month counts once its day is reached).
pub fn full_months(a: Date, b: Date) -> i64 {
    months_between(a, b) - i64::from(b.day() < a.day())
}

/// The service level of spell `r` on `as_of` from the person's facts (`Store::person_level_facts`).
fn level_of(tags: &str, birth: Date, zero_employment_household: bool, r: &RegistrationRecord, as_of: Date) -> LevelDecision {
    let tags = jiuye_domain::Tag::from_storage(tags);
    classify(&LevelFacts {
        tags: &tags,
        age: crate::seekers::age_on(birth, as_of),
        months_registered: full_months(r.registered_on, as_of).max(0),
        zero_employment_household,
    })
}

/// The first day of `d`'s month.
pub fn month_start(d: Date) -> Date {
    d.replace_day(1).unwrap_or(d)
}

/// Calendar months from `a`'s month to `b`'s month (0 when the same month).
pub fn months_between(a: Date, b: Date) -> i64 {
    (i64::from(b.year()) * 12 + i64::from(u8::from(b.month()))) - (i64::from(a.year()) * 12 + i64::from(u8::from(a.month())))
}

/// How many calendar months, up to and including `as_of`'s, have gone without a contact: since the
/// last contact's month, or since (and including) the registration month when never contacted.
pub fn months_without_contact(registered_on: Date, last_contact: Option<Date>, as_of: Date) -> i64 {
    match last_contact {
        Some(c) => months_between(c, as_of),
        None => months_between(registered_on, as_of) + 1,
    }
}

/// The registration form (window or online).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationInput {
    /// YYYY-MM-DD; blank: today.
    #[serde(default)]
    pub registered_on: String,
    /// window | online
    #[serde(default)]
    pub channel: String,
    /// "on": the registry says employed and the clerk confirmed the person is now unemployed.
    #[serde(default)]
    pub confirm_not_employed: String,
    /// Insured unemployed (参加失业保险): "yes" | "no" | blank (unknown). Read by the rules.
    #[serde(default)]
    pub insured: String,
    /// Entitled to unemployment benefit: "yes" | "no" | blank (unknown).
    #[serde(default)]
    pub benefit_entitled: String,
    /// YYYY-MM-DD the benefit ended, if it has.
    #[serde(default)]
    pub benefit_ended_on: String,
}

fn yes_no(field: &'static str, s: &str) -> Result<Option<bool>, DomainError> {
    match normalize(s).as_str() {
        "" => Ok(None),
        "yes" | "on" | "是" | "true" => Ok(Some(true)),
        "no" | "off" | "否" | "false" => Ok(Some(false)),
        other => Err(DomainError::new(field, "yes_no", format!("“{other}”应为是、否或不填"))),
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default)]
    pub contact_on: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub outcome: String,
    /// Service codes separated by commas.
    #[serde(default)]
    pub services: String,
    #[serde(default)]
    pub note: String,
}

/// Who registers or closes: staff, audited as themselves, or the person online (audited as
/// `citizen:<masked ID>`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Who<'a> {
    Staff(&'a Actor),
    Citizen(&'a str),
}

impl Who<'_> {
    fn login(&self) -> String {
        match self {
            Who::Staff(a) => a.login.clone(),
            Who::Citizen(m) => format!("citizen:{m}"),
        }
    }
}

impl App {
    fn who_audit(&self, who: Who<'_>, action: &str, object_id: Option<String>, detail: serde_json::Value) -> jiuye_store::AuditEntry {
        match who {
            Who::Staff(a) => self.audit_entry(a, action, "registration", object_id, "ok", detail),
            Who::Citizen(m) => {
                jiuye_store::AuditEntry { object_type: "registration".into(), ..self.citizen_audit(m, action, object_id, detail) }
            }
        }
    }
}

/// One line of the due list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DueItem {
    pub registration_id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub id_number_masked: String,
    pub township_code: String,
    pub township_name: String,
    #[serde(serialize_with = "crate::ser_date")]
    pub registered_on: Date,
    #[serde(serialize_with = "crate::ser_opt_date")]
    pub last_contact_on: Option<Date>,
    pub months_without_contact: i64,
    /// A previous month went without contact too.
    pub overdue: bool,
    /// The service level (分级分类) and why; 重点帮扶 needs two contacts a month.
    pub service_level: &'static str,
    pub level_reasons: Vec<String>,
    pub contacts_this_month: i64,
    pub contacts_needed: u32,
}

impl App {
    fn working_age_errors(&self, sex: &str, birth: Date, on: Date) -> Vec<DomainError> {
        let mut out = Vec::new();
        let age = crate::seekers::age_on(birth, on);
        if age < MIN_WORKING_AGE {
            out.push(DomainError::new("年龄", "registration.too_young", format!("{age}岁，未达到劳动年龄（16周岁）")));
        }
        // The 2025 reform applies from 2025-01-01; women's category is not in the registry, so the
        // later (cadre) date bounds the check.
        let reform = on >= Date::from_calendar_date(2025, Month::January, 1).unwrap_or(on);
        let group = if Sex::from_code(sex) == Some(Sex::Female) { RetirementGroup::FemaleCadre } else { RetirementGroup::Male };
        if let Some(r) = retirement_date(group, birth, reform)
            && on >= r
        {
            out.push(DomainError::new("年龄", "registration.retired", format!("已于{r}达到法定退休年龄，不能办理失业登记")));
        }
        out
    }

    /// Registers a person of the registry as unemployed, where they live (their township).
    pub async fn register_unemployment(&self, actor: &Actor, person_id: Uuid, input: &RegistrationInput) -> AppResult<Uuid> {
        if !actor.role.can_edit_registry() {
            return Err(AppError::Forbidden("当前角色不能办理失业登记"));
        }
        let person = self.get_person(actor, person_id).await?;
        if let Some(open) = self.store.registrations_of_person(&actor.scope(), person_id).await?.into_iter().find(|r| r.closed_on.is_none())
        {
            return Err(AppError::Conflict(format!("{}已于{}办理失业登记且尚未注销，不能重复登记", person.name, open.registered_on)));
        }
        self.open_spell(Who::Staff(actor), &person, input).await
    }

    /// Registers `person` (already checked to be in the actor's scope).
    pub(crate) async fn open_spell(
        &self,
        who: Who<'_>,
        person: &jiuye_store::persons::PersonRecord,
        input: &RegistrationInput,
    ) -> AppResult<Uuid> {
        let person_id = person.id;
        let today = self.clock.today();
        let on = if input.registered_on.trim().is_empty() {
            today
        } else {
            parse_date("登记日期", &input.registered_on).map_err(|e| AppError::Validation(vec![e]))?
        };
        if on > today {
            return Err(AppError::field("登记日期", "date.future", "不能晚于今天"));
        }
        let channel = match normalize(&input.channel).as_str() {
            "" | "window" | "窗口" => "window",
            "online" | "网上" => "online",
            other => return Err(AppError::field("办理渠道", "channel.unknown", format!("“{other}”应为窗口或网上"))),
        };
        let errors = self.working_age_errors(&person.sex, person.birth_date, on);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let status = EmploymentStatus::from_code(&person.employment_status).unwrap_or(EmploymentStatus::Unknown);
        if status.is_working() && normalize(&input.confirm_not_employed) != "on" {
            return Err(AppError::Conflict(format!(
                "人员名册中{}的就业状态为“{}”。请核实其已失业后勾选确认，登记后就业状态将改为“失业”",
                person.name,
                status.label()
            )));
        }
        let insured = yes_no("参加失业保险", &input.insured).map_err(|e| AppError::Validation(vec![e]))?;
        let benefit_entitled = yes_no("符合领取失业保险金条件", &input.benefit_entitled).map_err(|e| AppError::Validation(vec![e]))?;
        let benefit_ended_on = if input.benefit_ended_on.trim().is_empty() {
            None
        } else {
            Some(parse_date("失业保险金期满日", &input.benefit_ended_on).map_err(|e| AppError::Validation(vec![e]))?)
        };
        let id = self.new_id();
        let now = self.now();
        let reg = NewRegistration {
            insured,
            benefit_entitled,
            benefit_ended_on,
            id,
            person_id,
            township_code: person.township_code.clone(),
            registered_on: on,
            channel: channel.into(),
            registered_by: who.login(),
        };
        let mut tx = self.store.begin_write().await?;
        tx.insert_registration(&reg, now).await.map_err(|e| match e {
            jiuye_store::StoreError::Duplicate { .. } => AppError::Conflict(format!("{}已有未注销的失业登记，不能重复登记", person.name)),
            other => other.into(),
        })?;
        if status != EmploymentStatus::Unemployed {
            tx.set_employment_status(person_id, EmploymentStatus::Unemployed.code(), now).await?;
        }
        if let Some(h) = tx.household_of_person(person_id).await? {
            self.refresh_zero_in(&mut tx, Some(h)).await?;
        }
        tx.audit(self.who_audit(
            who,
            "registration.open",
            Some(id.to_string()),
            json!({"person": person_id, "registered_on": on.to_string(), "channel": channel, "status_before": status.code()}),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn get_registration(&self, actor: &Actor, id: Uuid) -> AppResult<RegistrationRecord> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看失业登记"));
        }
        match self.store.get_registration(&actor.scope(), id).await? {
            Some(r) => Ok(r),
            None => {
                self.audit_denied_lookup(actor, "registration", id).await?;
                Err(AppError::NotFound)
            }
        }
    }

    pub async fn registrations_of_person(&self, actor: &Actor, person_id: Uuid) -> AppResult<Vec<RegistrationRecord>> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看失业登记"));
        }
        Ok(self.store.registrations_of_person(&actor.scope(), person_id).await?)
    }

    pub async fn contacts_of(&self, actor: &Actor, registration_id: Uuid) -> AppResult<Vec<ContactRecord>> {
        self.get_registration(actor, registration_id).await?;
        Ok(self.store.contacts_of(registration_id).await?)
    }

    /// Closes a spell: found work (the registry says employed from then), or another reason.
    pub async fn close_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        closed_on: &str,
        reason: &str,
        note: &str,
    ) -> AppResult<()> {
        if !actor.role.can_edit_registry() {
            return Err(AppError::Forbidden("当前角色不能注销失业登记"));
        }
        let r = self.get_registration(actor, id).await?;
        self.close_spell(Who::Staff(actor), &r, version, closed_on, reason, note).await
    }

    /// Closes the spell `r` (already checked to be visible to whoever closes it).
    pub(crate) async fn close_spell(
        &self,
        who: Who<'_>,
        r: &RegistrationRecord,
        version: i64,
        closed_on: &str,
        reason: &str,
        note: &str,
    ) -> AppResult<()> {
        let id = r.id;
        if r.closed_on.is_some() {
            return Err(AppError::Conflict("该失业登记已注销".into()));
        }
        let today = self.clock.today();
        let on = if closed_on.trim().is_empty() {
            today
        } else {
            parse_date("注销日期", closed_on).map_err(|e| AppError::Validation(vec![e]))?
        };
        let mut errors = Vec::new();
        if on > today {
            errors.push(DomainError::new("注销日期", "date.future", "不能晚于今天"));
        }
        if on < r.registered_on {
            errors.push(DomainError::new("注销日期", "date.before_registration", format!("不能早于登记日期{}", r.registered_on)));
        }
        let reason = normalize(reason);
        if !CLOSE_REASONS.iter().any(|(c, _)| *c == reason) {
            errors.push(DomainError::new("注销原因", "close.reason", "请选择注销原因"));
        }
        let note = normalize(note);
        if reason == "other" && note.chars().count() < 2 {
            errors.push(DomainError::new("说明", "close.note", "原因为“其他”时请填写说明"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.close_registration(id, version, &Closing { closed_on: on, reason: &reason, note: &note, by: &who.login() }, now).await?;
        if matches!(reason.as_str(), "employed" | "entrepreneurship") {
            tx.set_employment_status(r.person_id, EmploymentStatus::Employed.code(), now).await?;
            if let Some(h) = tx.household_of_person(r.person_id).await? {
                self.refresh_zero_in(&mut tx, Some(h)).await?;
            }
        }
        tx.audit(self.who_audit(who, "registration.close", Some(id.to_string()), json!({"closed_on": on.to_string(), "reason": reason})))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a follow-up contact on an open spell.
    pub async fn record_contact(&self, actor: &Actor, registration_id: Uuid, input: &ContactInput) -> AppResult<Uuid> {
        if !actor.role.can_edit_registry() {
            return Err(AppError::Forbidden("当前角色不能登记跟踪记录"));
        }
        let r = self.get_registration(actor, registration_id).await?;
        let today = self.clock.today();
        let mut errors = Vec::new();
        let on = if input.contact_on.trim().is_empty() {
            today
        } else {
            parse_date("联系日期", &input.contact_on).map_err(|e| errors.push(e)).unwrap_or(today)
        };
        if on > today {
            errors.push(DomainError::new("联系日期", "date.future", "不能晚于今天"));
        }
        if on < r.registered_on || r.closed_on.is_some_and(|c| on > c) {
            errors.push(DomainError::new("联系日期", "date.outside_spell", "应在登记日期和注销日期之间"));
        }
        let method = normalize(&input.method);
        if !CONTACT_METHODS.iter().any(|(c, _)| *c == method) {
            errors.push(DomainError::new("联系方式", "contact.method", "请选择联系方式"));
        }
        let outcome = normalize(&input.outcome);
        if outcome.is_empty() {
            errors.push(DomainError::new("跟踪情况", "required", "请填写跟踪情况"));
        } else if outcome.chars().count() > 500 {
            errors.push(DomainError::new("跟踪情况", "too_long", "不能超过500个字"));
        }
        let mut services: Vec<&str> = Vec::new();
        for s in input.services.split([',', '，', '、']).map(str::trim).filter(|s| !s.is_empty()) {
            match SERVICES.iter().find(|(c, l)| *c == s || *l == s) {
                Some((c, _)) if !services.contains(c) => services.push(c),
                Some(_) => {}
                None => errors.push(DomainError::new("提供服务", "contact.service", format!("“{s}”不是可识别的服务"))),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let id = self.new_id();
        let now = self.now();
        let c = NewContact {
            id,
            registration_id,
            contact_on: on,
            method: method.clone(),
            outcome,
            services: services.join(","),
            note: normalize(&input.note),
            recorded_by: actor.login.clone(),
        };
        let mut tx = self.store.begin_write().await?;
        tx.insert_contact(&c, now).await?;
        tx.audit(self.audit_entry(
            actor,
            "registration.contact",
            "registration",
            Some(registration_id.to_string()),
            "ok",
            json!({"contact_on": on.to_string(), "method": method, "services": c.services}),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The follow-up due list of `as_of`'s month: open spells with no contact yet this month, in
    /// the actor's scope (a clerk: their township), most months without contact first.
    pub async fn followup_due(&self, actor: &Actor, township: Option<&str>, as_of: Option<Date>) -> AppResult<Vec<DueItem>> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看跟踪任务"));
        }
        let as_of = as_of.unwrap_or_else(|| self.clock.today());
        let township = match township {
            Some(t) if !t.trim().is_empty() => {
                Some(jiuye_domain::division::parse_township(t).map_err(|e| AppError::Validation(vec![e]))?.to_string())
            }
            _ => None,
        };
        let rows = self.store.followup_due(&actor.scope(), township.as_deref(), month_start(as_of), as_of).await?;
        let mut out = Self::due_items(rows, as_of, 0);
        out.sort_by(|a, b| b.months_without_contact.cmp(&a.months_without_contact).then(a.registered_on.cmp(&b.registered_on)));
        Ok(out)
    }

    /// Spells contacted once this month whose level (重点帮扶) asks for a second contact.
    pub async fn followup_second_contacts(&self, actor: &Actor, township: Option<&str>, as_of: Option<Date>) -> AppResult<Vec<DueItem>> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看跟踪任务"));
        }
        let as_of = as_of.unwrap_or_else(|| self.clock.today());
        let township = match township {
            Some(t) if !t.trim().is_empty() => {
                Some(jiuye_domain::division::parse_township(t).map_err(|e| AppError::Validation(vec![e]))?.to_string())
            }
            _ => None,
        };
        let rows = self.store.spells_by_month_contacts(&actor.scope(), township.as_deref(), month_start(as_of), as_of, 1).await?;
        let items = Self::due_items(rows, as_of, 1);
        Ok(items.into_iter().filter(|d| d.contacts_needed > 1).collect())
    }

    /// The service level of a person's spell on `as_of`.
    pub async fn service_level(&self, r: &RegistrationRecord, as_of: Date) -> AppResult<LevelDecision> {
        let facts = self.store.person_level_facts(&[r.person_id]).await?;
        let (tags, birth, zero) = facts.get(&r.person_id).ok_or(AppError::NotFound)?;
        Ok(level_of(tags, *birth, *zero, r, as_of))
    }

    /// The list's lines; the query gave each spell the facts its service level reads.
    fn due_items(rows: Vec<DueRecord>, as_of: Date, contacts_this_month: i64) -> Vec<DueItem> {
        let mut out = Vec::with_capacity(rows.len());
        for DueRecord { spell: r, tags, birth_date, zero_household } in rows {
            let level = level_of(&tags, birth_date, zero_household != 0, &r, as_of);
            let months = months_without_contact(r.registered_on, r.last_contact_on, as_of);
            out.push(DueItem {
                registration_id: r.id,
                person_id: r.person_id,
                name: r.name,
                id_number_masked: r.id_masked,
                township_code: r.township_code,
                township_name: r.township_name,
                registered_on: r.registered_on,
                last_contact_on: r.last_contact_on,
                months_without_contact: months,
                overdue: months > 1,
                service_level: level.level.label(),
                contacts_needed: level.level.contacts_per_month(),
                level_reasons: level.reasons,
                contacts_this_month,
            });
        }
        out
    }

    /// Coverage of `as_of`'s month by township: `(code, name, active, contacted)`; staff and leaders.
    pub async fn followup_coverage(&self, actor: &Actor, as_of: Option<Date>) -> AppResult<Vec<(String, String, i64, i64)>> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::Leader) {
            return Err(AppError::Forbidden("只有区人社局可以查看各乡镇跟踪覆盖情况"));
        }
        let as_of = as_of.unwrap_or_else(|| self.clock.today());
        let rows = self.store.followup_coverage(month_start(as_of), as_of).await?;
        Ok(rows
            .into_iter()
            .map(|(t, a, c)| {
                let name = jiuye_domain::division::township_name(&t).unwrap_or("").to_string();
                (t, name, a, c)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_count_calendar_months_across_years_and_month_ends() {
        assert_eq!(months_between(date!(2026 - 01 - 31), date!(2026 - 02 - 01)), 1);
        assert_eq!(months_between(date!(2025 - 12 - 31), date!(2026 - 01 - 01)), 1);
        assert_eq!(months_between(date!(2024 - 02 - 29), date!(2024 - 02 - 01)), 0);
        assert_eq!(months_without_contact(date!(2026 - 11 - 30), None, date!(2026 - 11 - 30)), 1, "registered today: this month is due");
        assert_eq!(months_without_contact(date!(2026 - 09 - 01), None, date!(2026 - 11 - 27)), 3);
        assert_eq!(months_without_contact(date!(2026 - 01 - 01), Some(date!(2026 - 10 - 31)), date!(2026 - 11 - 01)), 1);
        assert_eq!(months_without_contact(date!(2026 - 01 - 01), Some(date!(2026 - 09 - 15)), date!(2026 - 11 - 27)), 2);
        assert_eq!(month_start(date!(2024 - 02 - 29)), date!(2024 - 02 - 01));
    }
}

/// One key group's counts (POLICY.md §2): persons per township and, of them, registered unemployed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyGroupRow {
    pub tag: &'static str,
    pub label: &'static str,
    /// (persons, registered unemployed) per township of `KeyGroupTable::townships`, in that order.
    pub by_township: Vec<(i64, i64)>,
    pub persons: i64,
    pub registered: i64,
}

impl KeyGroupRow {
    /// Small-cell suppression of a sensitive group (SECURITY R24, as on the dashboards): counts of
    /// 1–4 people become `stats::SMALL` ("<5"), and where that leaves a single one in a column the
    /// next smallest is `stats::HIDDEN` ("—"), so the total does not give it away.
    fn suppress_small_cells(&mut self) {
        let mut persons: Vec<i64> = self.by_township.iter().map(|x| x.0).collect();
        let mut registered: Vec<i64> = self.by_township.iter().map(|x| x.1).collect();
        crate::stats::suppress_column(&mut persons);
        crate::stats::suppress_column(&mut registered);
        self.by_township = persons.into_iter().zip(registered).collect();
        for total in [&mut self.persons, &mut self.registered] {
            if (1..5).contains(total) {
                *total = crate::stats::SMALL;
            }
        }
    }

    /// The cells as shown: (persons, registered) per township, "<5" and "—" where suppressed.
    pub fn shown(&self) -> Vec<(String, String)> {
        let f = |v: i64| crate::stats::Unit::Count.format(v);
        self.by_township.iter().map(|(n, r)| (f(*n), f(*r))).collect()
    }

    /// The district totals as shown: (persons, registered).
    pub fn totals_shown(&self) -> (String, String) {
        (crate::stats::Unit::Count.format(self.persons), crate::stats::Unit::Count.format(self.registered))
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyGroupTable {
    #[serde(serialize_with = "crate::ser_date")]
    pub as_of: Date,
    pub townships: Vec<(&'static str, &'static str)>,
    pub rows: Vec<KeyGroupRow>,
}

impl App {
    /// Key groups by township (statistics: counts only), in the actor's scope.
    pub async fn key_group_statistics(&self, actor: &Actor, as_of: Option<Date>) -> AppResult<KeyGroupTable> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看重点群体统计"));
        }
        let as_of = as_of.unwrap_or_else(|| self.clock.today());
        let townships: Vec<(&'static str, &'static str)> =
            jiuye_domain::division::TOWNSHIPS.iter().copied().filter(|(c, _)| actor.scope_township().is_none_or(|t| t == *c)).collect();
        let mut rows = Vec::new();
        for tag in jiuye_domain::Tag::ALL {
            let counts = self.store.key_group_counts(&actor.scope(), tag.code(), as_of).await?;
            let by_township: Vec<(i64, i64)> =
                townships.iter().map(|(c, _)| counts.iter().find(|(t, _, _)| t == c).map(|(_, n, r)| (*n, *r)).unwrap_or((0, 0))).collect();
            let mut row = KeyGroupRow {
                tag: tag.code(),
                label: tag.label(),
                persons: by_township.iter().map(|x| x.0).sum(),
                registered: by_township.iter().map(|x| x.1).sum(),
                by_township,
            };
            if tag.is_sensitive() {
                row.suppress_small_cells();
            }
            rows.push(row);
        }
        Ok(KeyGroupTable { as_of, townships, rows })
    }
}

/// The reminder registered persons get by SMS (no personal data in it).
pub const REMINDER_TEXT: &str =
    "您已在南和区人社部门办理失业登记，可免费享受职业介绍、职业指导、创业服务和培训推荐，请联系所在乡镇人社服务窗口。回复TD退订";

impl App {
    /// Queues an SMS reminder of services to every person on the month's due list who has a phone
    /// and has not unsubscribed (at most one reminder per person per month). Returns
    /// `(queued, without phone or unsubscribed, already reminded this month)`.
    pub async fn remind_due(&self, actor: &Actor, township: Option<&str>, as_of: Option<Date>) -> AppResult<(u64, u64, u64)> {
        if !actor.role.can_edit_registry() {
            return Err(AppError::Forbidden("当前角色不能发送提醒"));
        }
        let as_of = as_of.unwrap_or_else(|| self.clock.today());
        let due = self.followup_due(actor, township, Some(as_of)).await?;
        let now = self.now();
        let since = month_start(as_of).midnight().assume_offset(crate::CST);
        let (mut queued, mut skipped, mut already) = (0, 0, 0);
        // Phones and opt-outs are read before the write transaction: a read through the pool
        // inside it could wait for a connection the transaction holds.
        let mut targets = Vec::with_capacity(due.len());
        for d in &due {
            let Some(sec) = self.store.person_secrets(&actor.scope(), d.person_id).await? else { continue };
            let Some(enc) = sec.phone_enc else {
                skipped += 1;
                continue;
            };
            let phone = self.vault.open(&enc, sec.key_version)?;
            if !jiuye_sms::is_mainland_mobile(&phone) {
                skipped += 1;
                continue;
            }
            let bidx = self.vault.blind("phone", &phone);
            if self.store.is_opted_out(&bidx).await? {
                skipped += 1;
                continue;
            }
            targets.push((d, phone, bidx));
        }
        let mut tx = self.store.begin_write().await?;
        for (d, phone, bidx) in targets {
            if tx.reminders_since(&bidx, since).await? > 0 {
                already += 1;
                continue;
            }
            tx.enqueue_sms(
                &jiuye_store::sms::NewSms {
                    person_id: Some(d.person_id),
                    phone_bidx: bidx,
                    phone_enc: self.vault.seal(&phone)?,
                    phone_masked: jiuye_domain::mask::mask_middle(&phone, 3, 4),
                    key_version: self.vault.key_version(),
                    text: REMINDER_TEXT.into(),
                    purpose: "reminder".into(),
                    push_id: None,
                },
                now,
            )
            .await?;
            queued += 1;
        }
        tx.audit(self.audit_entry(
            actor,
            "registration.remind",
            "registration",
            None,
            "ok",
            json!({"as_of": as_of.to_string(), "queued": queued, "skipped": skipped, "already": already}),
        ))
        .await?;
        tx.commit().await?;
        Ok((queued, skipped, already))
    }
}
