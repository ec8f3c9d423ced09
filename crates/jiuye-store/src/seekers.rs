//! Job seekers (求职登记: what a person looks for) and pushes (双推送: a vacancy pushed to a seeker,
//! a seeker recommended to an enterprise) with the history of their outcomes.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::args::{Filter, bind_args};
use crate::persons::Page;
use crate::{Arg, Result, Scope, Store, StoreError, WriteTx, map_unique, on_db, on_tx};

/// A seeker with the registry facts matching needs (masked; no ID number or phone in clear).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SeekerRecord {
    pub id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub sex: String,
    pub birth_date: Date,
    pub education: Option<String>,
    pub tags: String,
    pub phone_masked: Option<String>,
    pub has_phone: bool,
    pub township_code: String,
    pub township_name: String,
    pub occupation_codes: String,
    pub skills: String,
    pub pay_expect_yuan: Option<i64>,
    pub preferred_township: Option<String>,
    pub work_types: String,
    pub experience_years: Option<i64>,
    pub prefers_sms: bool,
    pub share_consent: bool,
    pub active: bool,
    pub registered_by: String,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct SeekerWrite {
    pub person_id: Uuid,
    pub township_code: String,
    /// `,code,code,`
    pub occupation_codes: String,
    pub skills: String,
    pub pay_expect_yuan: Option<i64>,
    pub preferred_township: Option<String>,
    /// `,code,code,`
    pub work_types: String,
    pub experience_years: Option<i64>,
    pub prefers_sms: bool,
    pub share_consent: bool,
    pub active: bool,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PushRecord {
    pub id: Uuid,
    pub vacancy_id: Uuid,
    pub seeker_id: Uuid,
    pub score: i64,
    pub criteria: String,
    pub to_seeker_channel: Option<String>,
    pub to_seeker_at: Option<OffsetDateTime>,
    pub to_enterprise_at: Option<OffsetDateTime>,
    pub consent: String,
    pub outcome: String,
    pub outcome_at: OffsetDateTime,
    pub pushed_by: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PushEvent {
    pub id: i64,
    pub push_id: Uuid,
    pub at: OffsetDateTime,
    pub actor_login: String,
    pub event: String,
    pub note: String,
}

const SELECT: &str = "SELECT s.id, s.person_id, p.name, p.sex, p.birth_date, p.education, p.tags, p.phone_masked,
    (p.phone_enc IS NOT NULL) AS has_phone, s.township_code, t.name AS township_name, s.occupation_codes, s.skills, s.pay_expect_yuan,
    s.preferred_township, s.work_types, s.experience_years, s.prefers_sms, s.share_consent, s.active, s.registered_by, s.version,
    s.created_at, s.updated_at
    FROM job_seekers s JOIN persons p ON p.id = s.person_id JOIN townships t ON t.code = s.township_code";

const PUSH_COLS: &str = "id, vacancy_id, seeker_id, score, criteria, to_seeker_channel, to_seeker_at, to_enterprise_at, consent, outcome,
    outcome_at, pushed_by, created_at";

fn scoped(scope: &Scope, f: &mut Filter) -> bool {
    f.person_scope(scope, "s.township_code")
}

impl Store {
    pub async fn get_seeker(&self, scope: &Scope, id: Uuid) -> Result<Option<SeekerRecord>> {
        let mut f = Filter::default();
        if !scoped(scope, &mut f) {
            return Ok(None);
        }
        f.push("s.id = ?", Arg::Uuid(id));
        let sql = format!("{SELECT}{}", f.where_clause());
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, SeekerRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(p).await)?,
        )
    }

    pub async fn seeker_of_person(&self, scope: &Scope, person_id: Uuid) -> Result<Option<SeekerRecord>> {
        let mut f = Filter::default();
        if !scoped(scope, &mut f) {
            return Ok(None);
        }
        f.push("s.person_id = ?", Arg::Uuid(person_id));
        let sql = format!("{SELECT}{}", f.where_clause());
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, SeekerRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(p).await)?,
        )
    }

    /// Seekers in scope, newest registration first; `active_only` for matching.
    pub async fn list_seekers(&self, scope: &Scope, active_only: bool, page: Page) -> Result<(Vec<SeekerRecord>, i64)> {
        let mut f = Filter::default();
        if !scoped(scope, &mut f) {
            return Ok((Vec::new(), 0));
        }
        if active_only {
            f.push_raw("s.active = TRUE");
        }
        let count_sql = format!("SELECT COUNT(*) FROM job_seekers s{}", f.where_clause());
        let (total,): (i64,) =
            on_db!(self.db, p => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(count_sql.as_str())), f.args).fetch_one(p).await)?;
        let n = f.next();
        let sql = format!("{SELECT}{} ORDER BY s.created_at DESC, s.id LIMIT ${n} OFFSET ${}", f.where_clause(), n + 1);
        let mut args = f.args.clone();
        args.push(Arg::I64(page.limit));
        args.push(Arg::I64(page.offset));
        let rows = on_db!(self.db, p => bind_args!(sqlx::query_as::<_, SeekerRecord>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?;
        Ok((rows, total))
    }

    pub async fn get_push(&self, id: Uuid) -> Result<Option<PushRecord>> {
        let sql = format!("SELECT {PUSH_COLS} FROM pushes WHERE id = $1");
        Ok(on_db!(self.db, p => sqlx::query_as::<_, PushRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?)
    }

    pub async fn pushes_of_vacancy(&self, vacancy_id: Uuid) -> Result<Vec<PushRecord>> {
        let sql = format!("SELECT {PUSH_COLS} FROM pushes WHERE vacancy_id = $1 ORDER BY score DESC, created_at");
        Ok(on_db!(self.db, p => sqlx::query_as::<_, PushRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(vacancy_id).fetch_all(p).await)?)
    }

    pub async fn pushes_of_seeker(&self, seeker_id: Uuid) -> Result<Vec<PushRecord>> {
        let sql = format!("SELECT {PUSH_COLS} FROM pushes WHERE seeker_id = $1 ORDER BY created_at DESC");
        Ok(on_db!(self.db, p => sqlx::query_as::<_, PushRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(seeker_id).fetch_all(p).await)?)
    }

    pub async fn push_events(&self, push_id: Uuid) -> Result<Vec<PushEvent>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, PushEvent>(
            "SELECT id, push_id, at, actor_login, event, note FROM push_events WHERE push_id = $1 ORDER BY id")
            .bind(push_id).fetch_all(p).await)?)
    }
}

impl WriteTx {
    pub async fn insert_seeker(&mut self, id: Uuid, w: &SeekerWrite, by: &str, now: OffsetDateTime) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "INSERT INTO job_seekers (id, person_id, township_code, occupation_codes, skills, pay_expect_yuan, preferred_township, work_types,
                experience_years, prefers_sms, share_consent, active, registered_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)")
            .bind(id).bind(w.person_id).bind(&w.township_code).bind(&w.occupation_codes).bind(&w.skills).bind(w.pay_expect_yuan)
            .bind(&w.preferred_township).bind(&w.work_types).bind(w.experience_years).bind(w.prefers_sms).bind(w.share_consent)
            .bind(w.active).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected()))
        .map_err(|e| map_unique(e, "求职登记"))?;
        Ok(())
    }

    pub async fn update_seeker(&mut self, id: Uuid, expected_version: i64, w: &SeekerWrite, now: OffsetDateTime) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE job_seekers SET township_code = $1, occupation_codes = $2, skills = $3, pay_expect_yuan = $4, preferred_township = $5,
                work_types = $6, experience_years = $7, prefers_sms = $8, share_consent = $9, active = $10, version = version + 1, updated_at = $11
             WHERE id = $12 AND version = $13")
            .bind(&w.township_code).bind(&w.occupation_codes).bind(&w.skills).bind(w.pay_expect_yuan).bind(&w.preferred_township)
            .bind(&w.work_types).bind(w.experience_years).bind(w.prefers_sms).bind(w.share_consent).bind(w.active).bind(now)
            .bind(id).bind(expected_version).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 1 { Ok(()) } else { Err(StoreError::Conflict) }
    }

    /// Inserts a push or, when this vacancy was already pushed to this seeker, returns the
    /// existing one (`false`): a push is recorded once per pair.
    pub async fn insert_push(&mut self, p: &PushRecord) -> Result<(Uuid, bool)> {
        let sql = format!(
            "INSERT INTO pushes ({PUSH_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (vacancy_id, seeker_id) DO NOTHING RETURNING id"
        );
        let inserted: Option<(Uuid,)> = on_tx!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(p.id).bind(p.vacancy_id)
            .bind(p.seeker_id).bind(p.score).bind(&p.criteria).bind(&p.to_seeker_channel).bind(p.to_seeker_at).bind(p.to_enterprise_at)
            .bind(&p.consent).bind(&p.outcome).bind(p.outcome_at).bind(&p.pushed_by).bind(p.created_at).fetch_optional(c).await)?;
        if let Some((id,)) = inserted {
            return Ok((id, true));
        }
        let (id,): (Uuid,) = on_tx!(self, c => sqlx::query_as("SELECT id FROM pushes WHERE vacancy_id = $1 AND seeker_id = $2")
            .bind(p.vacancy_id).bind(p.seeker_id).fetch_one(c).await)?;
        Ok((id, false))
    }

    pub async fn push_for_update(&mut self, id: Uuid) -> Result<Option<PushRecord>> {
        let sql = format!("SELECT {PUSH_COLS} FROM pushes WHERE id = $1");
        Ok(on_tx!(self, c => sqlx::query_as::<_, PushRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)?)
    }

    /// Sets any of: the channel and time it went to the seeker, the time it went to the
    /// enterprise, the consent, the outcome.
    pub async fn update_push(&mut self, p: &PushRecord) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "UPDATE pushes SET to_seeker_channel = $1, to_seeker_at = $2, to_enterprise_at = $3, consent = $4, outcome = $5, outcome_at = $6
             WHERE id = $7")
            .bind(&p.to_seeker_channel).bind(p.to_seeker_at).bind(p.to_enterprise_at).bind(&p.consent).bind(&p.outcome).bind(p.outcome_at)
            .bind(p.id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn push_event(&mut self, push_id: Uuid, at: OffsetDateTime, actor: &str, event: &str, note: &str) -> Result<()> {
        on_tx!(self, c => sqlx::query("INSERT INTO push_events (push_id, at, actor_login, event, note) VALUES ($1, $2, $3, $4, $5)")
            .bind(push_id).bind(at).bind(actor).bind(event).bind(note).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
