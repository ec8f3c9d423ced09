//! Job seekers and the dual push (双推送, measure (一)): registering what a person looks for,
//! ranking vacancies for a seeker and seekers for a vacancy with every score explained, pushing a
//! vacancy to chosen seekers (by SMS for older and low-skilled people, measure (二十), or when they
//! prefer it), recommending seekers to the enterprise with their data masked until they agree, and
//! recording every outcome.

use jiuye_domain::normalize::normalize;
use jiuye_domain::{DomainError, Education, Role, VacancyStatus, WorkType, occupation};
pub use jiuye_search::matching::MatchScore;
use jiuye_search::matching::{SeekerProfile, VacancyProfile, score, top_seekers_for, top_vacancies_for};
use jiuye_store::persons::Page;
use jiuye_store::seekers::{PushEvent, PushRecord, SeekerRecord, SeekerWrite};
use jiuye_store::sms::NewSms;
use jiuye_store::vacancies::{VacancyFilter, VacancyRecord};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::{Actor, App, AppError, AppResult};

/// From this age a seeker counts as an older worker for measure (二十)'s phone and SMS push.
pub const OLDER_WORKER_AGE: i32 = 45;
/// The most a push round may reach at once.
pub const MAX_PUSH: usize = 200;

/// What a seeker looks for, as typed at the window or in the form.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeekerInput {
    /// Occupations (names, usual names or codes) separated by 、 or commas; at most 5.
    #[serde(default)]
    pub occupations: String,
    #[serde(default)]
    pub skills: String,
    #[serde(default)]
    pub pay_expect: String,
    #[serde(default)]
    pub preferred_township: String,
    /// Work types separated by 、 or commas; blank: any.
    #[serde(default)]
    pub work_types: String,
    #[serde(default)]
    pub experience_years: String,
    /// "on"/"true"/"1" when the person wants vacancies by SMS.
    #[serde(default)]
    pub prefers_sms: String,
    /// The person agrees that enterprises may see name and phone when recommended.
    #[serde(default)]
    pub share_consent: String,
    /// Blank or "on": looking for work; "off": registration paused.
    #[serde(default)]
    pub active: String,
}

fn flag(s: &str) -> bool {
    matches!(normalize(s).as_str(), "on" | "true" | "1" | "yes" | "是")
}

fn list(s: &str) -> Vec<String> {
    normalize(s).split(['、', ',', '，', ';', '；', ' ']).map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

/// A blank-or-integer field within `min..=max`; a bad value is an error naming the field.
fn opt_int(field: &'static str, s: &str, min: i64, max: i64, unit: &str, errors: &mut Vec<DomainError>) -> Option<i64> {
    let v = normalize(s);
    if v.is_empty() {
        return None;
    }
    match v.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            errors.push(DomainError::new(field, "number.range", format!("应为{min}到{max}之间的整数{unit}")));
            None
        }
    }
}

fn codes(stored: &str) -> Vec<String> {
    stored.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect()
}

/// 1 小学 … 7 博士 (vocational and senior high share a level), the scale of `jiuye_search::matching`.
pub fn education_rank(e: Education) -> u8 {
    match e {
        Education::Primary => 1,
        Education::Junior => 2,
        Education::Senior | Education::Vocational => 3,
        Education::College => 4,
        Education::Bachelor => 5,
        Education::Master => 6,
        Education::Doctor => 7,
    }
}

pub fn age_on(birth: Date, today: Date) -> i32 {
    let mut a = today.year() - birth.year();
    if (u8::from(today.month()), today.day()) < (u8::from(birth.month()), birth.day()) {
        a -= 1;
    }
    a
}

/// Older (≥ 45) or low-skilled (junior high or less): measure (二十) pushes to them by SMS.
pub fn needs_sms_push(s: &SeekerRecord, today: Date) -> bool {
    let low_skilled = s.education.as_deref().and_then(Education::from_code).is_some_and(|e| education_rank(e) <= 2);
    age_on(s.birth_date, today) >= OLDER_WORKER_AGE || low_skilled
}

pub fn seeker_profile(s: &SeekerRecord, today: Date) -> SeekerProfile {
    let occ = codes(&s.occupation_codes);
    SeekerProfile {
        id: 0,
        occupation_names: occ.iter().filter_map(|c| occupation::by_code(c)).map(|o| o.name.to_string()).collect(),
        occupation_codes: occ,
        skills: list(&s.skills),
        pay_expect_yuan: s.pay_expect_yuan,
        township_code: s.preferred_township.clone().or_else(|| Some(s.township_code.clone())),
        work_types: codes(&s.work_types),
        education_rank: s.education.as_deref().and_then(Education::from_code).map(education_rank),
        experience_years: s.experience_years.and_then(|y| u8::try_from(y).ok()),
        age: u8::try_from(age_on(s.birth_date, today)).ok(),
    }
}

pub fn vacancy_profile(v: &VacancyRecord) -> VacancyProfile {
    VacancyProfile {
        id: 0,
        occupation_code: v.occupation_code.clone(),
        title: v.title.clone(),
        occupation_name: occupation::by_code(&v.occupation_code).map(|o| o.name.to_string()).unwrap_or_default(),
        description: v.description.clone(),
        township_code: v.township_code.clone(),
        work_type: v.work_type.clone(),
        pay_min_yuan: v.pay_min_yuan,
        pay_max_yuan: v.pay_max_yuan,
        education_min_rank: v.education_min.as_deref().and_then(Education::from_code).map(education_rank),
        experience_min_years: v.experience_min_years.and_then(|y| u8::try_from(y).ok()),
    }
}

/// What a push round did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PushSummary {
    pub pushed: u32,
    pub already: u32,
    pub sms_queued: u32,
    pub no_phone: u32,
    pub unsubscribed: u32,
}

/// Outcomes staff record on a push.
pub const OUTCOMES: &[(&str, &str)] = &[
    ("pushed", "已推送"),
    ("delivered", "已送达"),
    ("failed", "发送失败"),
    ("interested", "回复感兴趣"),
    ("not_interested", "回复不感兴趣"),
    ("applied", "已应聘"),
    ("hired", "已录用"),
];

pub fn outcome_label(code: &str) -> &'static str {
    OUTCOMES.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("")
}

/// A candidate as the enterprise sees it: masked until the person agreed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    pub push_id: Uuid,
    pub name: String,
    pub sex: String,
    pub age: i32,
    pub education: String,
    pub skills: String,
    pub score: i64,
    pub consent: String,
    pub phone: Option<String>,
    pub outcome: String,
}

impl App {
    pub(crate) fn parse_seeker_for(&self, person_township: &str, person_id: Uuid, input: &SeekerInput) -> AppResult<SeekerWrite> {
        let mut errors = Vec::new();
        let mut occ = Vec::new();
        for o in list(&input.occupations) {
            match occupation::parse(&o) {
                Ok(x) if !occ.contains(&x.code) => occ.push(x.code),
                Ok(_) => {}
                Err(e) => errors.push(DomainError { field: "期望职业", ..e }),
            }
        }
        if occ.is_empty() && errors.is_empty() {
            errors.push(DomainError::new("期望职业", "required", "至少填写一个期望职业"));
        }
        if occ.len() > 5 {
            errors.push(DomainError::new("期望职业", "too_many", "最多填写5个期望职业"));
        }
        let mut wts = Vec::new();
        for w in list(&input.work_types) {
            match WorkType::parse(&w) {
                Ok(x) if !wts.contains(&x.code()) => wts.push(x.code()),
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        let skills = list(&input.skills).join("、");
        if skills.chars().count() > 200 {
            errors.push(DomainError::new("技能", "too_long", "不能超过200个字"));
        }
        let pay_expect_yuan = opt_int("期望月薪", &input.pay_expect, 500, 100_000, "（元/月）", &mut errors);
        let experience_years = opt_int("工作年限", &input.experience_years, 0, 50, "", &mut errors);
        let pt = normalize(&input.preferred_township);
        let preferred_township = if pt.is_empty() {
            None
        } else {
            match jiuye_domain::division::parse_township(&pt) {
                Ok(c) => Some(c.to_string()),
                Err(e) => {
                    errors.push(DomainError { field: "期望工作地点", ..e });
                    None
                }
            }
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let stored = |v: &[&str]| if v.is_empty() { String::new() } else { format!(",{},", v.join(",")) };
        Ok(SeekerWrite {
            person_id,
            township_code: person_township.to_string(),
            occupation_codes: stored(&occ),
            skills,
            pay_expect_yuan,
            preferred_township,
            work_types: stored(&wts),
            experience_years,
            prefers_sms: flag(&input.prefers_sms),
            share_consent: flag(&input.share_consent),
            active: input.active.trim().is_empty() || flag(&input.active),
        })
    }

    /// Registers what a person of the registry looks for (at the window, by staff in scope).
    pub async fn register_seeker(&self, actor: &Actor, person_id: Uuid, input: &SeekerInput) -> AppResult<Uuid> {
        if !actor.role.can_edit_registry() {
            return Err(AppError::Forbidden("当前角色不能办理求职登记"));
        }
        let person = self.get_person(actor, person_id).await?;
        let w = self.parse_seeker_for(&person.township_code, person_id, input)?;
        let id = self.new_id();
        let mut tx = self.store.begin_write().await?;
        tx.insert_seeker(id, &w, &actor.login, self.now()).await?;
        tx.audit(self.audit_entry(actor, "seeker.register", "job_seeker", Some(id.to_string()), "ok", seeker_audit(&w))).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_seeker(&self, actor: &Actor, id: Uuid, version: i64, input: &SeekerInput) -> AppResult<()> {
        if !actor.role.can_edit_registry() {
            return Err(AppError::Forbidden("当前角色不能修改求职登记"));
        }
        let s = self.get_seeker(actor, id).await?;
        // The seeker's township follows the person's (常住地) when the registry has moved them.
        let township =
            self.store.get_person(&jiuye_store::Scope::All, s.person_id).await?.map(|p| p.township_code).unwrap_or(s.township_code.clone());
        let w = self.parse_seeker_for(&township, s.person_id, input)?;
        let mut tx = self.store.begin_write().await?;
        tx.update_seeker(id, version, &w, self.now()).await?;
        tx.audit(self.audit_entry(actor, "seeker.update", "job_seeker", Some(id.to_string()), "ok", seeker_audit(&w))).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn get_seeker(&self, actor: &Actor, id: Uuid) -> AppResult<SeekerRecord> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看求职人员"));
        }
        match self.store.get_seeker(&actor.scope(), id).await? {
            Some(s) => Ok(s),
            None => {
                self.audit_denied_lookup(actor, "job_seeker", id).await?;
                Err(AppError::NotFound)
            }
        }
    }

    pub async fn seeker_of_person(&self, actor: &Actor, person_id: Uuid) -> AppResult<Option<SeekerRecord>> {
        Ok(self.store.seeker_of_person(&actor.scope(), person_id).await?)
    }

    pub async fn list_seekers(&self, actor: &Actor, page: Page) -> AppResult<(Vec<SeekerRecord>, i64)> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看求职人员"));
        }
        Ok(self.store.list_seekers(&actor.scope(), false, page).await?)
    }

    /// Every active seeker in the actor's scope (matching reads them all; a district has tens of
    /// thousands).
    async fn active_seekers(&self, actor: &Actor) -> AppResult<Vec<SeekerRecord>> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let (rows, _) = self.store.list_seekers(&actor.scope(), true, Page { limit: 5000, offset }).await?;
            let n = rows.len();
            out.extend(rows);
            if n < 5000 {
                return Ok(out);
            }
            offset += 5000;
        }
    }

    async fn published_vacancies(&self) -> AppResult<Vec<VacancyRecord>> {
        let mut out = Vec::new();
        let mut offset = 0;
        let f = VacancyFilter { statuses: vec![VacancyStatus::Published.code().into()], ..Default::default() };
        loop {
            let (rows, _) = self.store.list_vacancies(&f, Page { limit: 5000, offset }).await?;
            let n = rows.len();
            out.extend(rows);
            if n < 5000 {
                return Ok(out);
            }
            offset += 5000;
        }
    }

    /// The best `k` seekers for a vacancy, each with its explained score (staff only).
    pub async fn matches_for_vacancy(&self, actor: &Actor, vacancy_id: Uuid, k: usize) -> AppResult<Vec<(SeekerRecord, MatchScore)>> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看求职人员"));
        }
        let v = self.get_vacancy(Some(actor), vacancy_id).await?;
        let today = self.clock.today();
        let seekers = self.active_seekers(actor).await?;
        let profiles: Vec<SeekerProfile> =
            seekers.iter().enumerate().map(|(i, s)| SeekerProfile { id: i as i64, ..seeker_profile(s, today) }).collect();
        let top = top_seekers_for(&vacancy_profile(&v), &profiles, k);
        Ok(top.into_iter().filter_map(|(i, m)| seekers.get(i as usize).cloned().map(|s| (s, m))).collect())
    }

    /// The best `k` published vacancies for a seeker.
    pub async fn matches_for_seeker(&self, actor: &Actor, seeker_id: Uuid, k: usize) -> AppResult<Vec<(VacancyRecord, MatchScore)>> {
        let s = self.get_seeker(actor, seeker_id).await?;
        let vacancies = self.published_vacancies().await?;
        let profiles: Vec<VacancyProfile> =
            vacancies.iter().enumerate().map(|(i, v)| VacancyProfile { id: i as i64, ..vacancy_profile(v) }).collect();
        let top = top_vacancies_for(&seeker_profile(&s, self.clock.today()), &profiles, k);
        Ok(top.into_iter().filter_map(|(i, m)| vacancies.get(i as usize).cloned().map(|v| (v, m))).collect())
    }

    /// The checks a push and a recommendation share: who may, how many seekers, a published
    /// vacancy in the actor's sight. Returns the vacancy.
    async fn push_target(
        &self,
        actor: &Actor,
        vacancy_id: Uuid,
        seeker_ids: &[Uuid],
        forbidden: &'static str,
        not_published: &'static str,
    ) -> AppResult<VacancyRecord> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::TownshipClerk) {
            return Err(AppError::Forbidden(forbidden));
        }
        if seeker_ids.is_empty() || seeker_ids.len() > MAX_PUSH {
            return Err(AppError::field("求职人员", "push.count", format!("请选择1到{MAX_PUSH}名求职人员")));
        }
        let v = self.get_vacancy(Some(actor), vacancy_id).await?;
        if v.status != VacancyStatus::Published.code() {
            return Err(AppError::field("岗位", "push.not_published", not_published));
        }
        Ok(v)
    }

    /// Pushes a published vacancy to chosen seekers. Older and low-skilled seekers, and those who
    /// asked for it, get an SMS (unless unsubscribed or without a phone); the others are listed for
    /// the window to tell. A vacancy reaches a seeker once.
    pub async fn push_vacancy(&self, actor: &Actor, vacancy_id: Uuid, seeker_ids: &[Uuid]) -> AppResult<PushSummary> {
        let v = self.push_target(actor, vacancy_id, seeker_ids, "当前角色不能推送岗位", "只能推送已发布的岗位").await?;
        let today = self.clock.today();
        let now = self.now();
        let vp = vacancy_profile(&v);
        let pay = if v.pay_min_yuan == v.pay_max_yuan {
            format!("{}元", v.pay_min_yuan)
        } else {
            format!("{}-{}元", v.pay_min_yuan, v.pay_max_yuan)
        };
        let text = jiuye_sms::vacancy_push_text(&v.title, &v.employer_name, &pay, &format!("电话{}", v.contact_phone));
        let mut summary = PushSummary::default();
        let mut tx = self.store.begin_write().await?;
        for sid in seeker_ids {
            let s = self.store.get_seeker(&actor.scope(), *sid).await?.ok_or(AppError::NotFound)?;
            let m = score(&seeker_profile(&s, today), &vp);
            let wants_sms = s.prefers_sms || needs_sms_push(&s, today);
            let secrets = self.store.person_secrets(&actor.scope(), s.person_id).await?;
            let phone = match secrets.as_ref().and_then(|x| x.phone_enc.clone().map(|enc| (enc, x.key_version))) {
                Some((enc, kv)) => Some(self.vault.open(&enc, kv)?),
                None => None,
            };
            let bidx = phone.as_ref().map(|p| self.vault.blind("phone", p));
            let opted_out = match &bidx {
                Some(b) => self.store.is_opted_out(b).await?,
                None => false,
            };
            let channel = if wants_sms && phone.is_some() && !opted_out { "sms" } else { "window" };
            let push = PushRecord {
                id: self.new_id(),
                vacancy_id,
                seeker_id: s.id,
                score: i64::from(m.score),
                criteria: serde_json::to_string(&m.criteria).unwrap_or_default(),
                to_seeker_channel: Some(channel.into()),
                to_seeker_at: Some(now),
                to_enterprise_at: None,
                consent: if s.share_consent { "agreed".into() } else { "pending".into() },
                outcome: "pushed".into(),
                outcome_at: now,
                pushed_by: actor.login.clone(),
                created_at: now,
            };
            let (push_id, new) = tx.insert_push(&push).await?;
            if !new {
                let existing = tx.push_for_update(push_id).await?.ok_or(AppError::NotFound)?;
                if existing.to_seeker_at.is_some() {
                    summary.already += 1;
                    continue;
                }
                tx.update_push(&PushRecord { to_seeker_channel: push.to_seeker_channel.clone(), to_seeker_at: Some(now), ..existing })
                    .await?;
            }
            summary.pushed += 1;
            let note = format!("匹配度{}，渠道：{}", m.score, if channel == "sms" { "短信" } else { "窗口告知" });
            tx.push_event(push_id, now, &actor.login, "pushed", &note).await?;
            match (channel, phone, bidx) {
                ("sms", Some(p), Some(b)) => {
                    tx.enqueue_sms(
                        &NewSms {
                            person_id: Some(s.person_id),
                            phone_bidx: b,
                            phone_enc: self.vault.seal(&p)?,
                            phone_masked: jiuye_domain::mask::mask_middle(&p, 3, 4),
                            key_version: self.vault.key_version(),
                            text: text.clone(),
                            purpose: "vacancy_push".into(),
                            push_id: Some(push_id),
                        },
                        now,
                    )
                    .await?;
                    summary.sms_queued += 1;
                }
                _ if wants_sms && opted_out => summary.unsubscribed += 1,
                _ if wants_sms => summary.no_phone += 1,
                _ => {}
            }
        }
        tx.audit(self.audit_entry(
            actor,
            "vacancy.push",
            "vacancy",
            Some(vacancy_id.to_string()),
            "ok",
            json!({"seekers": seeker_ids.len(), "summary": summary}),
        ))
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Recommends chosen seekers to the vacancy's enterprise (its candidate list). Their name and
    /// phone stay masked there until they agree.
    pub async fn recommend_to_enterprise(&self, actor: &Actor, vacancy_id: Uuid, seeker_ids: &[Uuid]) -> AppResult<u32> {
        let v = self.push_target(actor, vacancy_id, seeker_ids, "当前角色不能推荐求职人员", "只能推荐已发布岗位的候选人").await?;
        if v.enterprise_id.is_none() {
            return Err(AppError::field("岗位", "push.no_enterprise", "该岗位的用人单位没有企业账号，请线下推荐"));
        }
        let today = self.clock.today();
        let now = self.now();
        let vp = vacancy_profile(&v);
        let mut n = 0;
        let mut tx = self.store.begin_write().await?;
        for sid in seeker_ids {
            let s = self.store.get_seeker(&actor.scope(), *sid).await?.ok_or(AppError::NotFound)?;
            let m = score(&seeker_profile(&s, today), &vp);
            let push = PushRecord {
                id: self.new_id(),
                vacancy_id,
                seeker_id: s.id,
                score: i64::from(m.score),
                criteria: serde_json::to_string(&m.criteria).unwrap_or_default(),
                to_seeker_channel: None,
                to_seeker_at: None,
                to_enterprise_at: Some(now),
                consent: if s.share_consent { "agreed".into() } else { "pending".into() },
                outcome: "pushed".into(),
                outcome_at: now,
                pushed_by: actor.login.clone(),
                created_at: now,
            };
            let (push_id, new) = tx.insert_push(&push).await?;
            if !new {
                let existing = tx.push_for_update(push_id).await?.ok_or(AppError::NotFound)?;
                if existing.to_enterprise_at.is_some() {
                    continue;
                }
                tx.update_push(&PushRecord { to_enterprise_at: Some(now), ..existing }).await?;
            }
            tx.push_event(push_id, now, &actor.login, "recommended", &format!("推荐给{}，匹配度{}", v.employer_name, m.score)).await?;
            n += 1;
        }
        tx.audit(self.audit_entry(actor, "vacancy.recommend", "vacancy", Some(vacancy_id.to_string()), "ok", json!({"seekers": n})))
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Records what came of a push (staff), or the person's consent to share their data.
    pub async fn record_push_outcome(&self, actor: &Actor, push_id: Uuid, outcome: &str, note: &str) -> AppResult<()> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::TownshipClerk | Role::EnterpriseHr) {
            return Err(AppError::Forbidden("当前角色不能登记推送结果"));
        }
        let p = self.store.get_push(push_id).await?.ok_or(AppError::NotFound)?;
        let v = self.get_vacancy(Some(actor), p.vacancy_id).await?;
        let allowed: &[&str] = if actor.role == Role::EnterpriseHr {
            if !self.may_change_vacancy(actor, &v) || p.to_enterprise_at.is_none() {
                return Err(AppError::NotFound);
            }
            &["applied", "hired"]
        } else {
            self.get_seeker(actor, p.seeker_id).await?;
            &["delivered", "interested", "not_interested", "applied", "hired", "consent_agreed", "consent_declined"]
        };
        if !allowed.contains(&outcome) {
            return Err(AppError::field("结果", "push.outcome", "无效的推送结果"));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let mut cur = tx.push_for_update(push_id).await?.ok_or(AppError::NotFound)?;
        match outcome {
            "consent_agreed" => cur.consent = "agreed".into(),
            "consent_declined" => cur.consent = "declined".into(),
            o => {
                cur.outcome = o.into();
                cur.outcome_at = now;
            }
        }
        tx.update_push(&cur).await?;
        tx.push_event(push_id, now, &actor.login, outcome, &normalize(note)).await?;
        tx.audit(self.audit_entry(actor, "push.outcome", "push", Some(push_id.to_string()), "ok", json!({"outcome": outcome}))).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn push_history(&self, actor: &Actor, push_id: Uuid) -> AppResult<Vec<PushEvent>> {
        let p = self.store.get_push(push_id).await?.ok_or(AppError::NotFound)?;
        self.get_seeker(actor, p.seeker_id).await?;
        Ok(self.store.push_events(push_id).await?)
    }

    pub async fn pushes_of_seeker(&self, actor: &Actor, seeker_id: Uuid) -> AppResult<Vec<(PushRecord, VacancyRecord)>> {
        self.get_seeker(actor, seeker_id).await?;
        let pushes = self.store.pushes_of_seeker(seeker_id).await?;
        let ids: Vec<Uuid> = pushes.iter().map(|p| p.vacancy_id).collect();
        let vs = self.store.vacancies_by_ids(&ids).await?;
        Ok(pushes.into_iter().filter_map(|p| vs.iter().find(|v| v.id == p.vacancy_id).cloned().map(|v| (p, v))).collect())
    }

    /// The candidates recommended for a vacancy, as its enterprise (or staff) sees them: name and
    /// phone only when the person agreed; each disclosure is audited.
    pub async fn candidates(&self, actor: &Actor, vacancy_id: Uuid) -> AppResult<Vec<Candidate>> {
        let v = self.get_vacancy(Some(actor), vacancy_id).await?;
        // The employer, the bureau, and the clerks of the vacancy's township: those who broker
        // the contact. Leaders and other townships do not see candidates' names and phones.
        if !self.may_change_vacancy(actor, &v) {
            return Err(AppError::Forbidden("只有用人单位和经办的人社工作人员可以查看候选人"));
        }
        let today = self.clock.today();
        let mut out = Vec::new();
        let mut disclosed = Vec::new();
        for p in self.store.pushes_of_vacancy(vacancy_id).await?.into_iter().filter(|p| p.to_enterprise_at.is_some()) {
            let Some(s) = self.store.get_seeker(&jiuye_store::Scope::All, p.seeker_id).await? else { continue };
            let agreed = p.consent == "agreed";
            let phone = if agreed {
                match self.store.person_secrets(&jiuye_store::Scope::All, s.person_id).await? {
                    Some(sec) => match sec.phone_enc {
                        Some(enc) => Some(self.vault.open(&enc, sec.key_version)?),
                        None => None,
                    },
                    None => None,
                }
            } else {
                None
            };
            if agreed {
                disclosed.push(s.id.to_string());
            }
            out.push(Candidate {
                push_id: p.id,
                name: if agreed { s.name.clone() } else { jiuye_domain::mask::mask_name(&s.name) },
                sex: jiuye_domain::Sex::from_code(&s.sex).map(|x| x.label().to_string()).unwrap_or_default(),
                age: age_on(s.birth_date, today),
                education: s.education.as_deref().and_then(Education::from_code).map(|e| e.label().to_string()).unwrap_or_default(),
                skills: s.skills.clone(),
                score: p.score,
                consent: p.consent.clone(),
                phone,
                outcome: p.outcome.clone(),
            });
        }
        if !disclosed.is_empty() {
            self.store
                .audit_only(self.audit_entry(
                    actor,
                    "candidate.disclose",
                    "vacancy",
                    Some(vacancy_id.to_string()),
                    "ok",
                    json!({"seekers": disclosed}),
                ))
                .await?;
        }
        Ok(out)
    }
}

fn seeker_audit(w: &SeekerWrite) -> serde_json::Value {
    json!({
        "person": w.person_id, "occupations": w.occupation_codes, "pay_expect": w.pay_expect_yuan, "work_types": w.work_types,
        "prefers_sms": w.prefers_sms, "share_consent": w.share_consent, "active": w.active,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn education_ranks_follow_the_matching_scale() {
        assert_eq!(education_rank(Education::Junior), 2);
        assert_eq!(education_rank(Education::Vocational), education_rank(Education::Senior));
        assert_eq!(jiuye_search::matching::education_label(education_rank(Education::Bachelor)), "本科");
    }

    #[test]
    fn ages_count_whole_years() {
        let d = |y, m, dd| Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), dd).unwrap();
        assert_eq!(age_on(d(1980, 11, 28), d(2026, 11, 27)), 45);
        assert_eq!(age_on(d(1980, 11, 27), d(2026, 11, 27)), 46);
    }
}
