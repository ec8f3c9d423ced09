//! Unemployment registration spells (失业登记) and their follow-up contacts (每月跟踪).
//!
//! A person has at most one open spell (a partial unique index); spells are closed, never deleted,
//! so the history stays. Contacts are append-only. "Active on a day" means registered on or before
//! it and not closed on or before it.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::args::{Filter, bind_args};
use crate::{Arg, Result, Scope, Store, StoreError, WriteTx, map_unique, on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RegistrationRecord {
    pub id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub id_masked: String,
    pub township_code: String,
    pub township_name: String,
    pub registered_on: Date,
    pub channel: String,
    pub registered_by: String,
    pub closed_on: Option<Date>,
    pub close_reason: Option<String>,
    pub close_note: Option<String>,
    pub closed_by: Option<String>,
    pub last_contact_on: Option<Date>,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A spell of a follow-up list with what its service level reads of the person, from the list's
/// own query. Reading them afterwards cost 5 of the 14 s of the district's due list at 7,000,000
/// persons: 250 queries for the 249,361 persons (3.0 s) and the zero-employment households of each
/// township, joined to `households` (2.0 s) (docs/BENCHMARKS.md, issue 5).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueRecord {
    #[sqlx(flatten)]
    pub spell: RegistrationRecord,
    pub tags: String,
    pub birth_date: Date,
    /// 1 when the person's household has an open zero-employment period, else 0.
    pub zero_household: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ContactRecord {
    pub id: Uuid,
    pub registration_id: Uuid,
    pub contact_on: Date,
    pub method: String,
    pub outcome: String,
    pub services: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub id: Uuid,
    pub person_id: Uuid,
    pub township_code: String,
    pub registered_on: Date,
    pub channel: String,
    pub registered_by: String,
    /// Unknown: None.
    pub insured: Option<bool>,
    pub benefit_entitled: Option<bool>,
    pub benefit_ended_on: Option<Date>,
}

/// The facts of the spell active on a day that the rules read.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct SpellFacts {
    pub person_id: Uuid,
    pub registered_on: Date,
    pub insured: Option<bool>,
    pub benefit_entitled: Option<bool>,
    pub benefit_ended_on: Option<Date>,
}

impl SpellFacts {
    /// Entitled to the unemployment benefit, as recorded; a recorded end of the benefit means the
    /// person was entitled to it (docs/RULES.md, "benefit run out" needs entitlement).
    pub fn entitled(&self) -> Option<bool> {
        self.benefit_entitled.or(self.benefit_ended_on.map(|_| true))
    }
}

#[derive(Debug, Clone)]
pub struct NewContact {
    pub id: Uuid,
    pub registration_id: Uuid,
    pub contact_on: Date,
    pub method: String,
    pub outcome: String,
    pub services: String,
    pub note: String,
    pub recorded_by: String,
}

/// How a spell ends.
#[derive(Debug, Clone, Copy)]
pub struct Closing<'a> {
    pub closed_on: Date,
    pub reason: &'a str,
    pub note: &'a str,
    pub by: &'a str,
}

const SELECT: &str = "SELECT r.id, r.person_id, p.name, p.id_masked, r.township_code, t.name AS township_name, r.registered_on, r.channel,
    r.registered_by, r.closed_on, r.close_reason, r.close_note, r.closed_by,
    (SELECT MAX(c.contact_on) FROM contacts c WHERE c.registration_id = r.id) AS last_contact_on,
    r.version, r.created_at, r.updated_at
    FROM registrations r JOIN persons p ON p.id = r.person_id JOIN townships t ON t.code = r.township_code";

impl Store {
    pub async fn get_registration(&self, scope: &Scope, id: Uuid) -> Result<Option<RegistrationRecord>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "r.township_code") {
            return Ok(None);
        }
        f.push("r.id = ?", Arg::Uuid(id));
        let sql = format!("{SELECT}{}", f.where_clause());
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, RegistrationRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(p).await)?,
        )
    }

    /// Every spell of a person, newest first.
    pub async fn registrations_of_person(&self, scope: &Scope, person_id: Uuid) -> Result<Vec<RegistrationRecord>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "r.township_code") {
            return Ok(Vec::new());
        }
        f.push("r.person_id = ?", Arg::Uuid(person_id));
        let sql = format!("{SELECT}{} ORDER BY r.registered_on DESC, r.id", f.where_clause());
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, RegistrationRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_all(p).await)?,
        )
    }

    pub async fn contacts_of(&self, registration_id: Uuid) -> Result<Vec<ContactRecord>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, ContactRecord>(
            "SELECT id, registration_id, contact_on, method, outcome, services, note, recorded_by, recorded_at FROM contacts
             WHERE registration_id = $1 ORDER BY contact_on DESC, recorded_at DESC")
            .bind(registration_id).fetch_all(p).await)?)
    }

    /// Spells active on `as_of` with no contact between `month_start` and `as_of` (the follow-up
    /// due list of that month), in the scope, optionally one township; oldest registration first.
    /// `last_contact_on` is the last contact on or before `as_of`.
    pub async fn followup_due(&self, scope: &Scope, township: Option<&str>, month_start: Date, as_of: Date) -> Result<Vec<DueRecord>> {
        self.spells_by_month_contacts(scope, township, month_start, as_of, 0).await
    }

    /// Spells active on `as_of` with exactly `contacts` contacts between `month_start` and `as_of`
    /// (0: the due list; 1: those needing a second contact when their level asks for two).
    pub async fn spells_by_month_contacts(
        &self,
        scope: &Scope,
        township: Option<&str>,
        month_start: Date,
        as_of: Date,
        contacts: i64,
    ) -> Result<Vec<DueRecord>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "r.township_code") {
            return Ok(Vec::new());
        }
        if let Some(t) = township {
            f.push("r.township_code = ?", Arg::Text(t.to_string()));
        }
        f.push("r.registered_on <= ?", Arg::Date(as_of));
        let n = f.next();
        f.args.push(Arg::Date(as_of));
        f.push_raw(&format!("(r.closed_on IS NULL OR r.closed_on > ${n})"));
        let m = f.next();
        f.args.push(Arg::Date(month_start));
        let k = f.next();
        f.args.push(Arg::I64(contacts));
        f.push_raw(&format!(
            "(SELECT COUNT(*) FROM contacts c WHERE c.registration_id = r.id AND c.contact_on >= ${m} AND c.contact_on <= ${n}) = ${k}"
        ));
        let sql = format!(
            "SELECT r.id, r.person_id, p.name, p.id_masked, r.township_code, t.name AS township_name, r.registered_on, r.channel,
                r.registered_by, r.closed_on, r.close_reason, r.close_note, r.closed_by,
                (SELECT MAX(c.contact_on) FROM contacts c WHERE c.registration_id = r.id AND c.contact_on <= ${n}) AS last_contact_on,
                r.version, r.created_at, r.updated_at, p.tags, p.birth_date,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM zero_employment z WHERE z.household_id = p.household_id AND z.cleared_on IS NULL)
                     THEN 1 ELSE 0 END AS BIGINT) AS zero_household
             FROM registrations r JOIN persons p ON p.id = r.person_id JOIN townships t ON t.code = r.township_code{}
             ORDER BY r.registered_on, r.id",
            f.where_clause()
        );
        Ok(on_db!(self.db, p => bind_args!(sqlx::query_as::<_, DueRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_all(p).await)?)
    }

    /// The spell active on `as_of` of every person in scope (optionally one township):
    /// `(person id, registered on)`, for the rules' facts.
    pub async fn spells_active_on(&self, scope: &Scope, township: Option<&str>, as_of: Date) -> Result<Vec<(Uuid, Date)>> {
        Ok(self.spell_facts_active_on(scope, township, as_of).await?.into_iter().map(|f| (f.person_id, f.registered_on)).collect())
    }

    /// The facts of the spell active on `as_of` of every person in scope.
    pub async fn spell_facts_active_on(&self, scope: &Scope, township: Option<&str>, as_of: Date) -> Result<Vec<SpellFacts>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "r.township_code") {
            return Ok(Vec::new());
        }
        if let Some(t) = township {
            f.push("r.township_code = ?", Arg::Text(t.to_string()));
        }
        f.push("r.registered_on <= ?", Arg::Date(as_of));
        let n = f.next();
        f.args.push(Arg::Date(as_of));
        f.push_raw(&format!("(r.closed_on IS NULL OR r.closed_on > ${n})"));
        let sql = format!(
            "SELECT r.person_id, r.registered_on, r.insured, r.benefit_entitled, r.benefit_ended_on FROM registrations r{}",
            f.where_clause()
        );
        Ok(on_db!(self.db, p => bind_args!(sqlx::query_as::<_, SpellFacts>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_all(p).await)?)
    }

    /// The spell of one person active on `as_of`, if any.
    pub async fn spell_facts_of(&self, person_id: Uuid, as_of: Date) -> Result<Option<SpellFacts>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, SpellFacts>(
            "SELECT r.person_id, r.registered_on, r.insured, r.benefit_entitled, r.benefit_ended_on FROM registrations r
             WHERE r.person_id = $1 AND r.registered_on <= $2 AND (r.closed_on IS NULL OR r.closed_on > $2)
             ORDER BY r.registered_on DESC LIMIT 1")
            .bind(person_id).bind(as_of).fetch_optional(p).await)?)
    }

    /// Active spells on `as_of` per township: `(township, active, contacted this month)`.
    pub async fn followup_coverage(&self, month_start: Date, as_of: Date) -> Result<Vec<(String, i64, i64)>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, (String, i64, i64)>(
            "SELECT r.township_code, COUNT(*),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM contacts c WHERE c.registration_id = r.id AND c.contact_on >= $1 AND c.contact_on <= $2)
                    THEN 1 ELSE 0 END)
             FROM registrations r WHERE r.registered_on <= $2 AND (r.closed_on IS NULL OR r.closed_on > $2)
             GROUP BY r.township_code ORDER BY r.township_code")
            .bind(month_start).bind(as_of).fetch_all(p).await)?)
    }
}

impl WriteTx {
    pub async fn insert_registration(&mut self, r: &NewRegistration, now: OffsetDateTime) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "INSERT INTO registrations (id, person_id, township_code, registered_on, channel, registered_by, created_at, updated_at,
                insured, benefit_entitled, benefit_ended_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)")
            .bind(r.id).bind(r.person_id).bind(&r.township_code).bind(r.registered_on).bind(&r.channel).bind(&r.registered_by).bind(now)
            .bind(r.insured).bind(r.benefit_entitled).bind(r.benefit_ended_on)
            .execute(c).await.map(|x| x.rows_affected()))
        .map_err(|e| map_unique(e, "失业登记"))?;
        Ok(())
    }

    pub async fn registration_for_update(&mut self, id: Uuid) -> Result<Option<RegistrationRecord>> {
        let sql = format!("{SELECT} WHERE r.id = $1");
        Ok(on_tx!(self, c => sqlx::query_as::<_, RegistrationRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)?)
    }

    /// Closes an open spell (optimistic: the version must match).
    pub async fn close_registration(&mut self, id: Uuid, version: i64, closing: &Closing<'_>, now: OffsetDateTime) -> Result<()> {
        let Closing { closed_on, reason, note, by } = *closing;
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE registrations SET closed_on = $1, close_reason = $2, close_note = $3, closed_by = $4, version = version + 1, updated_at = $5
             WHERE id = $6 AND version = $7 AND closed_on IS NULL")
            .bind(closed_on).bind(reason).bind(note).bind(by).bind(now).bind(id).bind(version).execute(c).await.map(|x| x.rows_affected()))?;
        if n == 1 { Ok(()) } else { Err(StoreError::Conflict) }
    }

    pub async fn insert_contact(&mut self, c: &NewContact, now: OffsetDateTime) -> Result<()> {
        on_tx!(self, x => sqlx::query(
            "INSERT INTO contacts (id, registration_id, contact_on, method, outcome, services, note, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(c.id).bind(c.registration_id).bind(c.contact_on).bind(&c.method).bind(&c.outcome).bind(&c.services).bind(&c.note)
            .bind(&c.recorded_by).bind(now).execute(x).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Sets a person's employment status (registration and its closing keep the registry in step).
    pub async fn set_employment_status(&mut self, person_id: Uuid, status: &str, now: OffsetDateTime) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE persons SET employment_status = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(status).bind(now).bind(person_id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
