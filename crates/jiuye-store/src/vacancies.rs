//! Vacancies, their review history, and the change feed the search indexes follow.
//!
//! Every write that changes what the job board shows (content or status) appends to
//! `vacancy_changes` in the same transaction; since write transactions are serialised by the audit
//! head lock, sequence numbers become visible in commit order, so a reader that has applied every
//! change up to `seq` never misses a later-committed lower one.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::args::{Filter, bind_args};
use crate::persons::Page;
use crate::{Arg, Result, Store, StoreError, WriteTx, on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct VacancyRecord {
    pub id: Uuid,
    /// The vacancy's key in the search indexes (the low 63 bits of its id, unique by constraint).
    pub search_key: i64,
    pub kind: String,
    pub enterprise_id: Option<Uuid>,
    pub employer_name: String,
    pub title: String,
    pub occupation_code: String,
    pub posts: i64,
    pub filled: i64,
    pub pay_min_yuan: i64,
    pub pay_max_yuan: i64,
    pub education_min: Option<String>,
    pub experience_min_years: Option<i64>,
    pub work_type: String,
    pub township_code: String,
    pub township_name: String,
    pub address: String,
    pub description: String,
    pub how_to_apply: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub valid_until: Date,
    pub status: String,
    pub checks: String,
    pub submitted_by: String,
    pub submitted_at: OffsetDateTime,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<OffsetDateTime>,
    pub review_note: Option<String>,
    pub published_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
    pub close_reason: Option<String>,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The content of a vacancy as the employer or staff enter it (already parsed by the app).
#[derive(Debug, Clone)]
pub struct VacancyWrite {
    pub kind: String,
    pub enterprise_id: Option<Uuid>,
    pub employer_name: String,
    pub title: String,
    pub occupation_code: String,
    pub posts: i64,
    pub pay_min_yuan: i64,
    pub pay_max_yuan: i64,
    pub education_min: Option<String>,
    pub experience_min_years: Option<i64>,
    pub work_type: String,
    pub township_code: String,
    pub address: String,
    pub description: String,
    pub how_to_apply: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub valid_until: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VacancySort {
    /// Newest publication first (unpublished ones by submission).
    #[default]
    Newest,
    /// Oldest submission first: the review queue.
    OldestSubmitted,
}

#[derive(Debug, Clone, Default)]
pub struct VacancyFilter {
    pub statuses: Vec<String>,
    pub enterprise_id: Option<Uuid>,
    pub township_code: Option<String>,
    pub occupation_code: Option<String>,
    pub work_type: Option<String>,
    pub kind: Option<String>,
    /// Vacancies whose pay range reaches this monthly amount.
    pub pay_min_yuan: Option<i64>,
    pub published_since: Option<OffsetDateTime>,
    pub sort: VacancySort,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct VacancyEvent {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor_login: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
}

/// The review state a (re)submission writes: the status it enters and the cross-check snapshot.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    pub status: &'a str,
    pub checks: &'a str,
    pub submitted_by: &'a str,
}

/// One line of a vacancy's history.
#[derive(Debug, Clone, Copy)]
pub struct NewVacancyEvent<'a> {
    pub at: OffsetDateTime,
    pub actor: &'a str,
    pub action: &'a str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub note: &'a str,
}

/// A status change with the fields that go with it.
#[derive(Debug, Clone, Default)]
pub struct StatusChange {
    pub to: String,
    pub reviewed_by: Option<String>,
    pub review_note: Option<String>,
    pub publish: bool,
    pub close_reason: Option<String>,
}

const SELECT: &str = "SELECT v.id, v.search_key, v.kind, v.enterprise_id, v.employer_name, v.title, v.occupation_code, v.posts, v.filled,
    v.pay_min_yuan, v.pay_max_yuan, v.education_min, v.experience_min_years, v.work_type, v.township_code, t.name AS township_name,
    v.address, v.description, v.how_to_apply, v.contact_name, v.contact_phone, v.valid_until, v.status, v.checks, v.submitted_by,
    v.submitted_at, v.reviewed_by, v.reviewed_at, v.review_note, v.published_at, v.closed_at, v.close_reason, v.version,
    v.created_at, v.updated_at
    FROM vacancies v JOIN townships t ON t.code = v.township_code";

fn apply(filter: &VacancyFilter, f: &mut Filter) {
    if !filter.statuses.is_empty() {
        let mut parts = Vec::new();
        for s in &filter.statuses {
            f.args.push(Arg::Text(s.clone()));
            parts.push(format!("${}", f.args.len()));
        }
        f.push_raw(&format!("v.status IN ({})", parts.join(", ")));
    }
    if let Some(e) = filter.enterprise_id {
        f.push("v.enterprise_id = ?", Arg::Uuid(e));
    }
    if let Some(t) = &filter.township_code {
        f.push("v.township_code = ?", Arg::Text(t.clone()));
    }
    if let Some(o) = &filter.occupation_code {
        f.push("v.occupation_code = ?", Arg::Text(o.clone()));
    }
    if let Some(w) = &filter.work_type {
        f.push("v.work_type = ?", Arg::Text(w.clone()));
    }
    if let Some(k) = &filter.kind {
        f.push("v.kind = ?", Arg::Text(k.clone()));
    }
    if let Some(p) = filter.pay_min_yuan {
        f.push("v.pay_max_yuan >= ?", Arg::I64(p));
    }
    if let Some(s) = filter.published_since {
        f.push("v.published_at >= ?", Arg::Ts(s));
    }
}

/// The search key of a vacancy id: its low 63 bits (random in a UUIDv7).
pub fn search_key(id: Uuid) -> i64 {
    (id.as_u128() as u64 & 0x7FFF_FFFF_FFFF_FFFF) as i64
}

impl Store {
    pub async fn get_vacancy(&self, id: Uuid) -> Result<Option<VacancyRecord>> {
        let sql = format!("{SELECT} WHERE v.id = $1");
        Ok(on_db!(self.db, p => sqlx::query_as::<_, VacancyRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?)
    }

    pub async fn list_vacancies(&self, filter: &VacancyFilter, page: Page) -> Result<(Vec<VacancyRecord>, i64)> {
        let mut f = Filter::default();
        apply(filter, &mut f);
        let count_sql = format!("SELECT COUNT(*) FROM vacancies v{}", f.where_clause());
        let (total,): (i64,) =
            on_db!(self.db, p => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(count_sql.as_str())), f.args).fetch_one(p).await)?;
        let order = match filter.sort {
            VacancySort::Newest => "v.published_at DESC, v.submitted_at DESC, v.id DESC",
            VacancySort::OldestSubmitted => "v.submitted_at, v.id",
        };
        let n = f.next();
        let sql = format!("{SELECT}{} ORDER BY {order} LIMIT ${n} OFFSET ${}", f.where_clause(), n + 1);
        let mut args = f.args.clone();
        args.push(Arg::I64(page.limit));
        args.push(Arg::I64(page.offset));
        let rows = on_db!(self.db, p => bind_args!(sqlx::query_as::<_, VacancyRecord>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?;
        Ok((rows, total))
    }

    /// The vacancies with these ids, in the order given (ids not found are left out).
    pub async fn vacancies_by_ids(&self, ids: &[Uuid]) -> Result<Vec<VacancyRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ph: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{SELECT} WHERE v.id IN ({})", ph.join(", "));
        let args: Vec<Arg> = ids.iter().map(|i| Arg::Uuid(*i)).collect();
        let rows = on_db!(self.db, p => bind_args!(sqlx::query_as::<_, VacancyRecord>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for id in ids {
            if let Some(r) = rows.iter().find(|r| r.id == *id) {
                out.push(r.clone());
            }
        }
        Ok(out)
    }

    /// The vacancies with these search keys, in the order given.
    pub async fn vacancies_by_search_keys(&self, keys: &[i64]) -> Result<Vec<VacancyRecord>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let ph: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{SELECT} WHERE v.search_key IN ({})", ph.join(", "));
        let args: Vec<Arg> = keys.iter().map(|k| Arg::I64(*k)).collect();
        let rows = on_db!(self.db, p => bind_args!(sqlx::query_as::<_, VacancyRecord>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?;
        Ok(keys.iter().filter_map(|k| rows.iter().find(|r| r.search_key == *k).cloned()).collect())
    }

    /// Published vacancies, in id order after `after` (keyset paging for index rebuilds).
    pub async fn published_vacancies_after(&self, after: Option<Uuid>, limit: i64) -> Result<Vec<VacancyRecord>> {
        let sql = format!("{SELECT} WHERE v.status = 'published' AND ($1 IS NULL OR v.id > $1) ORDER BY v.id LIMIT $2");
        Ok(
            on_db!(self.db, p => sqlx::query_as::<_, VacancyRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(after).bind(limit).fetch_all(p).await)?,
        )
    }

    pub async fn vacancy_events(&self, id: Uuid) -> Result<Vec<VacancyEvent>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, VacancyEvent>(
            "SELECT id, at, actor_login, action, from_status, to_status, note FROM vacancy_events WHERE vacancy_id = $1 ORDER BY id")
            .bind(id).fetch_all(p).await)?)
    }

    /// Open vacancies of the same employer and occupation, for the near-duplicate check.
    pub async fn similar_open_vacancies(
        &self,
        employer_name: &str,
        occupation_code: &str,
        except: Option<Uuid>,
    ) -> Result<Vec<VacancyRecord>> {
        let sql = format!(
            "{SELECT} WHERE v.employer_name = $1 AND v.occupation_code = $2 AND v.status IN ('pending', 'published')
             AND ($3 IS NULL OR v.id <> $3) ORDER BY v.id LIMIT 200"
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, VacancyRecord>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(employer_name).bind(occupation_code).bind(except).fetch_all(p).await)?)
    }

    /// Changes after `seq`, oldest first: `(seq, vacancy id)`.
    pub async fn vacancy_changes_after(&self, seq: i64, limit: i64) -> Result<Vec<(i64, Uuid)>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, (i64, Uuid)>(
            "SELECT seq, vacancy_id FROM vacancy_changes WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(seq).bind(limit).fetch_all(p).await)?)
    }

    /// The newest change sequence number (0 when there is none).
    pub async fn vacancy_change_head(&self) -> Result<i64> {
        let (seq,): (Option<i64>,) = on_db!(self.db, p => sqlx::query_as("SELECT MAX(seq) FROM vacancy_changes").fetch_one(p).await)?;
        Ok(seq.unwrap_or(0))
    }

    /// Distinct vacancies changed in `(from, to]`, in order of their last change, after `after`
    /// (keyset paging by sequence number): `(last seq, vacancy id)`.
    pub async fn vacancies_changed_between(&self, from: i64, to: i64, after: i64, limit: i64) -> Result<Vec<(i64, Uuid)>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, (i64, Uuid)>(
            "SELECT MAX(seq) AS last, vacancy_id FROM vacancy_changes WHERE seq > $1 AND seq <= $2 GROUP BY vacancy_id
             HAVING MAX(seq) > $3 ORDER BY last LIMIT $4")
            .bind(from).bind(to).bind(after).bind(limit).fetch_all(p).await)?)
    }

    /// Where the last passing-up export ended (0: never exported).
    pub async fn last_vacancy_export_seq(&self) -> Result<i64> {
        let (seq,): (Option<i64>,) = on_db!(self.db, p => sqlx::query_as("SELECT MAX(to_seq) FROM vacancy_exports").fetch_one(p).await)?;
        Ok(seq.unwrap_or(0))
    }

    /// Open vacancies whose last valid day is before `today`.
    pub async fn vacancies_past_validity(&self, today: Date) -> Result<Vec<(Uuid, i64)>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, (Uuid, i64)>(
            "SELECT id, version FROM vacancies WHERE status IN ('pending', 'published') AND valid_until < $1 ORDER BY id")
            .bind(today).fetch_all(p).await)?)
    }
}

impl WriteTx {
    pub async fn vacancy_for_update(&mut self, id: Uuid) -> Result<Option<VacancyRecord>> {
        let sql = format!("{SELECT} WHERE v.id = $1");
        Ok(on_tx!(self, c => sqlx::query_as::<_, VacancyRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)?)
    }

    pub async fn insert_vacancy(&mut self, id: Uuid, w: &VacancyWrite, sub: Submission<'_>, now: OffsetDateTime) -> Result<()> {
        let Submission { status, checks, submitted_by } = sub;
        let sql =
            "INSERT INTO vacancies (id, search_key, kind, enterprise_id, employer_name, title, occupation_code, posts, pay_min_yuan, pay_max_yuan,
            education_min, experience_min_years, work_type, township_code, address, description, how_to_apply, contact_name, contact_phone,
            valid_until, status, checks, submitted_by, submitted_at, created_at, updated_at)
            VALUES ($1, $24, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $23, $23)";
        on_tx!(self, c => sqlx::query(sql).bind(id).bind(&w.kind).bind(w.enterprise_id).bind(&w.employer_name).bind(&w.title)
            .bind(&w.occupation_code).bind(w.posts).bind(w.pay_min_yuan).bind(w.pay_max_yuan).bind(&w.education_min)
            .bind(w.experience_min_years).bind(&w.work_type).bind(&w.township_code).bind(&w.address).bind(&w.description)
            .bind(&w.how_to_apply).bind(&w.contact_name).bind(&w.contact_phone).bind(w.valid_until).bind(status).bind(checks)
            .bind(submitted_by).bind(now).bind(search_key(id)).execute(c).await.map(|r| r.rows_affected()))
        .map_err(|e| crate::map_unique(e, "岗位编号"))?;
        Ok(())
    }

    /// Replaces the content (an edit sends the vacancy back to review: status and checks given).
    pub async fn update_vacancy_content(
        &mut self,
        id: Uuid,
        expected_version: i64,
        w: &VacancyWrite,
        sub: Submission<'_>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let Submission { status, checks, submitted_by } = sub;
        let sql = "UPDATE vacancies SET kind = $1, enterprise_id = $2, employer_name = $3, title = $4, occupation_code = $5, posts = $6,
            pay_min_yuan = $7, pay_max_yuan = $8, education_min = $9, experience_min_years = $10, work_type = $11, township_code = $12,
            address = $13, description = $14, how_to_apply = $15, contact_name = $16, contact_phone = $17, valid_until = $18,
            status = $19, checks = $20, submitted_by = $21, submitted_at = $22, updated_at = $22, reviewed_by = NULL, reviewed_at = NULL,
            review_note = NULL, version = version + 1
            WHERE id = $23 AND version = $24";
        let n = on_tx!(self, c => sqlx::query(sql).bind(&w.kind).bind(w.enterprise_id).bind(&w.employer_name).bind(&w.title)
            .bind(&w.occupation_code).bind(w.posts).bind(w.pay_min_yuan).bind(w.pay_max_yuan).bind(&w.education_min)
            .bind(w.experience_min_years).bind(&w.work_type).bind(&w.township_code).bind(&w.address).bind(&w.description)
            .bind(&w.how_to_apply).bind(&w.contact_name).bind(&w.contact_phone).bind(w.valid_until).bind(status).bind(checks)
            .bind(submitted_by).bind(now).bind(id).bind(expected_version).execute(c).await.map(|r| r.rows_affected()))
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.message().contains("CHECK") || d.message().contains("check") => {
                StoreError::Corrupt("招满人数不能超过招聘人数".into())
            }
            _ => StoreError::Db(e),
        })?;
        self.expect_one(n, id).await
    }

    /// Moves a vacancy to another status (the app has checked the transition).
    pub async fn set_vacancy_status(&mut self, id: Uuid, expected_version: i64, ch: &StatusChange, now: OffsetDateTime) -> Result<()> {
        let sql = "UPDATE vacancies SET status = $1,
            reviewed_by = COALESCE($2, reviewed_by), reviewed_at = CASE WHEN $2 IS NULL THEN reviewed_at ELSE $3 END,
            review_note = COALESCE($4, review_note),
            published_at = CASE WHEN $5 THEN $3 ELSE published_at END,
            closed_at = CASE WHEN $6 IS NULL THEN closed_at ELSE $3 END, close_reason = COALESCE($6, close_reason),
            version = version + 1, updated_at = $3
            WHERE id = $7 AND version = $8";
        let n = on_tx!(self, c => sqlx::query(sql).bind(&ch.to).bind(&ch.reviewed_by).bind(now).bind(&ch.review_note).bind(ch.publish)
            .bind(&ch.close_reason).bind(id).bind(expected_version).execute(c).await.map(|r| r.rows_affected()))?;
        self.expect_one(n, id).await
    }

    /// Adds `count` filled posts and sets the status (published or filled).
    pub async fn add_vacancy_filled(
        &mut self,
        id: Uuid,
        expected_version: i64,
        count: i64,
        status: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        let sql = "UPDATE vacancies SET filled = filled + $1, status = $2, version = version + 1, updated_at = $3
            WHERE id = $4 AND version = $5 AND filled + $1 <= posts";
        let n = on_tx!(self, c => sqlx::query(sql).bind(count).bind(status).bind(now).bind(id).bind(expected_version)
            .execute(c).await.map(|r| r.rows_affected()))?;
        self.expect_one(n, id).await
    }

    async fn expect_one(&mut self, n: u64, id: Uuid) -> Result<()> {
        if n == 1 {
            return Ok(());
        }
        match self.vacancy_for_update(id).await? {
            Some(_) => Err(StoreError::Conflict),
            None => Err(StoreError::NotFound),
        }
    }

    pub async fn vacancy_event(&mut self, id: Uuid, e: NewVacancyEvent<'_>) -> Result<()> {
        let NewVacancyEvent { at, actor, action, from, to, note } = e;
        on_tx!(self, c => sqlx::query(
            "INSERT INTO vacancy_events (vacancy_id, at, actor_login, action, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id).bind(at).bind(actor).bind(action).bind(from).bind(to).bind(note).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn record_vacancy_export(
        &mut self,
        at: OffsetDateTime,
        actor: &str,
        format: &str,
        from: i64,
        to: i64,
        count: i64,
    ) -> Result<()> {
        on_tx!(self, c => sqlx::query("INSERT INTO vacancy_exports (at, actor_login, format, from_seq, to_seq, count) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(at).bind(actor).bind(format).bind(from).bind(to).bind(count).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Records that the job board's view of this vacancy changed (for the search indexes).
    pub async fn vacancy_changed(&mut self, id: Uuid, at: OffsetDateTime) -> Result<i64> {
        let (seq,): (i64,) = on_tx!(self, c => sqlx::query_as("INSERT INTO vacancy_changes (vacancy_id, at) VALUES ($1, $2) RETURNING seq")
            .bind(id).bind(at).fetch_one(c).await)?;
        Ok(seq)
    }
}
