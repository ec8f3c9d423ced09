//! Citizens acting for themselves online, identified by their ID number and a one-time code sent
//! by SMS to the phone the registry holds for them (no account, no password): a short session in
//! which a person registers or updates what work they look for, sees matching vacancies, and
//! answers pushes. Issue 5's online unemployment registration and issue 6's applications use the
//! same identity check.
//!
//! Nothing reveals whether an ID number is registered: a request whose ID and phone do not match
//! the registry gets the same answer and a ticket that never verifies. Codes are stored hashed,
//! expire after 10 minutes, allow 5 attempts and one use; a phone gets at most 5 codes a day and
//! one a minute.

use jiuye_domain::{IdNumber, Phone};
use jiuye_store::citizens::CitizenSession;
use jiuye_store::persons::{Page, PersonFilter, PersonRecord};
use jiuye_store::seekers::SeekerRecord;
use jiuye_store::sms::NewSms;
use jiuye_store::vacancies::VacancyRecord;
use jiuye_store::{AuditEntry, Scope};
use serde_json::json;
use time::Duration;

use crate::accounts::{random_token, token_hash};
use crate::seekers::{MatchScore, SeekerInput};
use crate::{App, AppError, AppResult};

const CODE_TTL_MINUTES: i64 = 10;
const CODE_ATTEMPTS: i64 = 5;
const CODES_PER_DAY: i64 = 5;
const SESSION_MINUTES: i64 = 30;

/// A citizen's session as a page sees it.
#[derive(Debug, Clone)]
pub struct Citizen {
    pub session: CitizenSession,
    pub person: PersonRecord,
}

impl App {
    pub(crate) fn citizen_audit(&self, who: &str, action: &str, object_id: Option<String>, detail: serde_json::Value) -> AuditEntry {
        AuditEntry {
            at: self.now(),
            actor_id: None,
            actor_login: format!("citizen:{who}"),
            actor_role: "citizen".into(),
            actor_township: None,
            ip: None,
            request_id: None,
            action: action.into(),
            object_type: "citizen".into(),
            object_id,
            result: "ok".into(),
            detail,
        }
    }

    /// Step 1: sends a code if the ID number and the phone match the registry. Returns the ticket
    /// to verify with (the same answer either way).
    pub async fn request_citizen_code(&self, id_number: &str, phone: &str, purpose: &str) -> AppResult<String> {
        let mut errors = Vec::new();
        let id = IdNumber::parse(id_number).map_err(|e| errors.push(e)).ok();
        let phone = Phone::parse(phone).map_err(|e| errors.push(e)).ok();
        if let Some(p) = &phone
            && !jiuye_sms::is_mainland_mobile(p.as_str())
        {
            errors.push(jiuye_domain::DomainError::new("联系电话", "phone.mobile", "请填写能接收短信的手机号码"));
        }
        let (Some(id), Some(phone)) = (id, phone) else { return Err(AppError::Validation(errors)) };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let now = self.now();
        let phone_bidx = self.vault.blind("phone", phone.as_str());
        let filter =
            PersonFilter { id_bidx: Some(self.vault.blind("id", id.as_str())), phone_bidx: Some(phone_bidx.clone()), ..Default::default() };
        let (found, _) = self.store.list_persons(&Scope::All, &filter, Page { limit: 1, offset: 0 }).await?;
        let person = found.into_iter().next();
        let ticket = random_token()?;
        let code = {
            let b: [u8; 4] = crate::vault::random_bytes()?;
            format!("{:06}", u32::from_le_bytes(b) % 1_000_000)
        };
        let mut tx = self.store.begin_write().await?;
        let (today, last) = tx.codes_since(&phone_bidx, now - Duration::days(1)).await?;
        if today >= CODES_PER_DAY {
            return Err(AppError::BadInput("今天获取验证码的次数已达上限，请明天再试，或到乡镇人社服务窗口办理".into()));
        }
        if last.is_some_and(|l| now - l < Duration::seconds(60)) {
            return Err(AppError::BadInput("验证码已发送，请60秒后再重新获取".into()));
        }
        tx.insert_code(
            &token_hash(&ticket),
            person.as_ref().map(|p| p.id),
            &phone_bidx,
            &self.vault.blind("citizen-code", &format!("{ticket}:{code}")),
            purpose,
            now,
            now + Duration::minutes(CODE_TTL_MINUTES),
        )
        .await?;
        if let Some(p) = &person {
            tx.enqueue_sms(
                &NewSms {
                    person_id: Some(p.id),
                    phone_bidx: phone_bidx.clone(),
                    phone_enc: self.vault.seal(phone.as_str())?,
                    phone_masked: jiuye_domain::mask::mask_middle(phone.as_str(), 3, 4),
                    key_version: self.vault.key_version(),
                    text: format!(
                        "您的验证码是{code}，{CODE_TTL_MINUTES}分钟内有效，用于南和区就业服务网上办理。工作人员不会向您索要验证码。"
                    ),
                    purpose: "verification".into(),
                    push_id: None,
                },
                now,
            )
            .await?;
        }
        tx.audit(self.citizen_audit(
            &id.masked(),
            "citizen.code_requested",
            None,
            json!({"purpose": purpose, "phone": jiuye_domain::mask::mask_middle(phone.as_str(), 3, 4), "matched": person.is_some()}),
        ))
        .await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// Step 2: checks the code; on success opens a session. Returns `(token, csrf)`.
    pub async fn verify_citizen_code(&self, ticket: &str, code: &str) -> AppResult<(String, String)> {
        let now = self.now();
        let th = token_hash(ticket);
        let mut tx = self.store.begin_write().await?;
        let Some(rec) = tx.code_for_update(&th).await? else {
            return Err(AppError::BadInput("验证码无效或已过期，请重新获取".into()));
        };
        if rec.used_at.is_some() || rec.expires_at < now || rec.attempts >= CODE_ATTEMPTS {
            return Err(AppError::BadInput("验证码无效或已过期，请重新获取".into()));
        }
        let code = jiuye_domain::normalize::normalize(code);
        let right = rec.person_id.is_some() && self.vault.blind("citizen-code", &format!("{ticket}:{code}")) == rec.code_hash;
        let Some(person_id) = rec.person_id.filter(|_| right) else {
            tx.code_attempt(&th, None).await?;
            tx.commit().await?;
            let left = CODE_ATTEMPTS - rec.attempts - 1;
            return Err(AppError::BadInput(if left > 0 {
                format!("验证码不正确，还可以再试{left}次")
            } else {
                "验证码不正确，请重新获取".into()
            }));
        };
        tx.code_attempt(&th, Some(now)).await?;
        let (token, csrf) = (random_token()?, random_token()?);
        tx.insert_citizen_session(&token_hash(&token), person_id, &rec.purpose, &csrf, now, now + Duration::minutes(SESSION_MINUTES))
            .await?;
        tx.audit(self.citizen_audit(&person_id.to_string(), "citizen.login", Some(person_id.to_string()), json!({"purpose": rec.purpose})))
            .await?;
        tx.commit().await?;
        Ok((token, csrf))
    }

    /// The citizen behind a session token, while it lasts.
    pub async fn citizen(&self, token: &str) -> AppResult<Citizen> {
        let s = self.store.citizen_session(&token_hash(token)).await?.ok_or(AppError::Unauthenticated)?;
        if s.expires_at < self.now() {
            return Err(AppError::Unauthenticated);
        }
        let person = self.store.get_person(&Scope::All, s.person_id).await?.ok_or(AppError::Unauthenticated)?;
        Ok(Citizen { session: s, person })
    }

    pub async fn citizen_logout(&self, token: &str) -> AppResult<()> {
        let mut tx = self.store.begin_write().await?;
        tx.end_citizen_session(&token_hash(token)).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn citizen_seeker(&self, c: &Citizen) -> AppResult<Option<SeekerRecord>> {
        Ok(self.store.seeker_of_person(&Scope::All, c.person.id).await?)
    }

    /// Registers or updates the citizen's own job-seeker record.
    pub async fn citizen_save_seeker(&self, c: &Citizen, input: &SeekerInput) -> AppResult<uuid::Uuid> {
        let w = self.parse_seeker_for(&c.person.township_code, c.person.id, input)?;
        let now = self.now();
        let existing = self.citizen_seeker(c).await?;
        let mut tx = self.store.begin_write().await?;
        let id = match &existing {
            Some(s) => {
                tx.update_seeker(s.id, s.version, &w, now).await?;
                s.id
            }
            None => {
                let id = self.new_id();
                tx.insert_seeker(id, &w, "citizen:online", now).await?;
                id
            }
        };
        let action = if existing.is_some() { "seeker.update" } else { "seeker.register" };
        tx.audit(self.citizen_audit(
            &c.person.id_masked,
            action,
            Some(id.to_string()),
            json!({"online": true, "occupations": w.occupation_codes}),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The citizen's matching vacancies.
    pub async fn citizen_matches(&self, c: &Citizen, k: usize) -> AppResult<Vec<(VacancyRecord, MatchScore)>> {
        match self.citizen_seeker(c).await? {
            Some(s) => self.matches_for_seeker(&crate::Actor::cli(), s.id, k).await,
            None => Ok(Vec::new()),
        }
    }

    /// The pushes the citizen received, newest first.
    pub async fn citizen_pushes(&self, c: &Citizen) -> AppResult<Vec<(jiuye_store::seekers::PushRecord, VacancyRecord)>> {
        match self.citizen_seeker(c).await? {
            Some(s) => self.pushes_of_seeker(&crate::Actor::cli(), s.id).await,
            None => Ok(Vec::new()),
        }
    }

    /// The citizen answers a push online: interested (which also agrees to share name and phone
    /// with that employer) or not interested.
    pub async fn citizen_answer_push(&self, c: &Citizen, push_id: uuid::Uuid, interested: bool) -> AppResult<()> {
        let seeker = self.citizen_seeker(c).await?.ok_or(AppError::NotFound)?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let mut p = tx.push_for_update(push_id).await?.filter(|p| p.seeker_id == seeker.id).ok_or(AppError::NotFound)?;
        let outcome = if interested { "interested" } else { "not_interested" };
        p.outcome = outcome.into();
        p.outcome_at = now;
        if interested && p.consent == "pending" {
            p.consent = "agreed".into();
        }
        tx.update_push(&p).await?;
        tx.push_event(push_id, now, "citizen:online", outcome, "网上回复").await?;
        tx.audit(self.citizen_audit(&c.person.id_masked, "push.answer", Some(push_id.to_string()), json!({"outcome": outcome}))).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    /// The citizen's unemployment registrations, newest first.
    pub async fn citizen_registrations(&self, c: &Citizen) -> AppResult<Vec<jiuye_store::registrations::RegistrationRecord>> {
        Ok(self.store.registrations_of_person(&Scope::All, c.person.id).await?)
    }

    /// Registers the citizen as unemployed online (measure (二十): registration must be possible
    /// online), with the same checks as at the window; `declares_unemployed` answers the conflict
    /// when the registry still says employed.
    pub async fn citizen_register_unemployment(&self, c: &Citizen, declares_unemployed: bool) -> AppResult<uuid::Uuid> {
        if let Some(open) = self.citizen_registrations(c).await?.into_iter().find(|r| r.closed_on.is_none()) {
            return Err(AppError::Conflict(format!("您已于{}办理失业登记，无需重复办理", open.registered_on)));
        }
        let input = crate::unemployment::RegistrationInput {
            registered_on: String::new(),
            channel: "online".into(),
            confirm_not_employed: if declares_unemployed { "on".into() } else { String::new() },
            ..Default::default()
        };
        self.open_spell(crate::unemployment::Who::Citizen(&c.person.id_masked), &c.person, &input).await
    }

    /// Closes the citizen's open registration online: found work, or withdrawn at their request.
    pub async fn citizen_close_unemployment(&self, c: &Citizen, found_work: bool) -> AppResult<()> {
        let r = self.citizen_registrations(c).await?.into_iter().find(|r| r.closed_on.is_none()).ok_or(AppError::NotFound)?;
        let (reason, note) =
            if found_work { ("employed", "本人网上申报已就业") } else { ("withdrawn", "本人网上申请注销") };
        self.close_spell(crate::unemployment::Who::Citizen(&c.person.id_masked), &r, r.version, "", reason, note).await
    }
}
