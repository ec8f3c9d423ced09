//! Enterprises of the registry, keyed by unified social credit code; and the division tables
//! (townships, villages) the registry refers to.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::args::{Filter, bind_args, prefix_upper};
use crate::persons::{Page, UpsertCounts};
use crate::{Arg, Result, Scope, Store, StoreError, WriteTx, map_unique, on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EnterpriseRecord {
    pub id: Uuid,
    pub name: String,
    pub credit_code: String,
    pub township_code: String,
    pub township_name: String,
    pub industry: String,
    pub staff: Option<i64>,
    pub insured: Option<i64>,
    pub revenue_fen: Option<i64>,
    pub size_class: String,
    pub size_basis: String,
    pub contact_name: Option<String>,
    pub contact_phone_masked: Option<String>,
    /// active (在营) | suspended (停产) | closed (关闭/注销).
    pub status: String,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct EnterpriseWrite {
    pub name: String,
    pub credit_code: String,
    pub township_code: String,
    pub industry: String,
    pub staff: Option<i64>,
    pub insured: Option<i64>,
    pub revenue_fen: Option<i64>,
    pub size_class: String,
    pub size_basis: String,
    pub contact_name: Option<String>,
    pub contact_phone_bidx: Option<Vec<u8>>,
    pub contact_phone_enc: Option<Vec<u8>>,
    pub contact_phone_masked: Option<String>,
    pub key_version: i64,
    /// None: active for a new enterprise, unchanged on update (imports never change it).
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    pub name_prefix: Option<String>,
    pub credit_code: Option<String>,
    pub township_code: Option<String>,
    pub industry: Option<String>,
    pub size_class: Option<String>,
}

const SELECT: &str = "SELECT e.id, e.name, e.credit_code, e.township_code, t.name AS township_name, e.industry, e.staff, e.insured,
    e.revenue_fen, e.size_class, e.size_basis, e.contact_name, e.contact_phone_masked, e.status, e.version, e.created_at, e.updated_at
    FROM enterprises e JOIN townships t ON t.code = e.township_code";

const COLUMNS: &str = "name, credit_code, township_code, industry, staff, insured, revenue_fen, size_class, size_basis, contact_name, contact_phone_bidx, contact_phone_enc, contact_phone_masked, key_version";

fn scoped(scope: &Scope, f: &mut Filter) {
    match scope {
        Scope::All => {}
        Scope::Township(t) => f.push("e.township_code = ?", Arg::Text(t.clone())),
        Scope::Enterprise(id) => f.push("e.id = ?", Arg::Uuid(*id)),
    }
}

macro_rules! bind_write {
    ($q:expr, $w:expr) => {
        $q.bind($w.name.clone())
            .bind($w.credit_code.clone())
            .bind($w.township_code.clone())
            .bind($w.industry.clone())
            .bind($w.staff)
            .bind($w.insured)
            .bind($w.revenue_fen)
            .bind($w.size_class.clone())
            .bind($w.size_basis.clone())
            .bind($w.contact_name.clone())
            .bind($w.contact_phone_bidx.clone())
            .bind($w.contact_phone_enc.clone())
            .bind($w.contact_phone_masked.clone())
            .bind($w.key_version)
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExistingEnterprise {
    pub credit_code: String,
    pub id: Uuid,
    pub township_code: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Village {
    pub code: String,
    pub township_code: String,
    pub name: String,
}

impl Store {
    pub async fn get_enterprise(&self, scope: &Scope, id: Uuid) -> Result<Option<EnterpriseRecord>> {
        let mut f = Filter::default();
        scoped(scope, &mut f);
        f.push("e.id = ?", Arg::Uuid(id));
        let sql = format!("{SELECT}{}", f.where_clause());
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, EnterpriseRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(p).await)?,
        )
    }

    pub async fn enterprise_contact_secret(&self, scope: &Scope, id: Uuid) -> Result<Option<(Option<Vec<u8>>, i64)>> {
        let mut f = Filter::default();
        scoped(scope, &mut f);
        f.push("e.id = ?", Arg::Uuid(id));
        let sql = format!("SELECT e.contact_phone_enc, e.key_version FROM enterprises e{}", f.where_clause());
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, (Option<Vec<u8>>, i64)>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(p).await)?,
        )
    }

    pub async fn list_enterprises(&self, scope: &Scope, filter: &EnterpriseFilter, page: Page) -> Result<(Vec<EnterpriseRecord>, i64)> {
        let mut f = Filter::default();
        scoped(scope, &mut f);
        if let Some(n) = &filter.name_prefix {
            f.push("e.name >= ?", Arg::Text(n.clone()));
            f.push("e.name < ?", Arg::Text(prefix_upper(n)));
        }
        if let Some(c) = &filter.credit_code {
            f.push("e.credit_code = ?", Arg::Text(c.clone()));
        }
        if let Some(t) = &filter.township_code {
            f.push("e.township_code = ?", Arg::Text(t.clone()));
        }
        if let Some(i) = &filter.industry {
            f.push("e.industry = ?", Arg::Text(i.clone()));
        }
        if let Some(s) = &filter.size_class {
            f.push("e.size_class = ?", Arg::Text(s.clone()));
        }
        let count_sql = format!("SELECT COUNT(*) FROM enterprises e{}", f.where_clause());
        let (total,): (i64,) =
            on_db!(self.db, p => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(count_sql.as_str())), f.args).fetch_one(p).await)?;
        let n = f.next();
        // The page is chosen on enterprises alone, then joined (see `list_persons`).
        let sql = format!(
            "SELECT e.id, e.name, e.credit_code, e.township_code, t.name AS township_name, e.industry, e.staff, e.insured,
                e.revenue_fen, e.size_class, e.size_basis, e.contact_name, e.contact_phone_masked, e.status, e.version, e.created_at, e.updated_at
             FROM (SELECT * FROM enterprises e{} ORDER BY e.name, e.id LIMIT ${n} OFFSET ${}) e JOIN townships t ON t.code = e.township_code
             ORDER BY e.name, e.id",
            f.where_clause(),
            n + 1
        );
        let mut args = f.args.clone();
        args.push(Arg::I64(page.limit));
        args.push(Arg::I64(page.offset));
        let rows = on_db!(self.db, p => bind_args!(sqlx::query_as::<_, EnterpriseRecord>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?;
        Ok((rows, total))
    }

    pub async fn list_townships(&self) -> Result<Vec<(String, String)>> {
        Ok(on_db!(self.db, p => sqlx::query_as("SELECT code, name FROM townships ORDER BY code").fetch_all(p).await)?)
    }

    pub async fn list_villages(&self, township_code: Option<&str>) -> Result<Vec<Village>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, Village>(
            "SELECT code, township_code, name FROM villages WHERE ($1 IS NULL OR township_code = $1) ORDER BY code")
            .bind(township_code).fetch_all(p).await)?)
    }
}

impl WriteTx {
    pub async fn enterprise_for_update(&mut self, scope: &Scope, id: Uuid) -> Result<Option<EnterpriseRecord>> {
        let mut f = Filter::default();
        scoped(scope, &mut f);
        f.push("e.id = ?", Arg::Uuid(id));
        let sql = format!("{SELECT}{}", f.where_clause());
        Ok(
            on_tx!(self, c => bind_args!(sqlx::query_as::<_, EnterpriseRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(c).await)?,
        )
    }

    pub async fn insert_enterprise(&mut self, id: Uuid, w: &EnterpriseWrite, now: OffsetDateTime) -> Result<()> {
        let sql = format!(
            "INSERT INTO enterprises (id, {COLUMNS}, version, created_at, updated_at, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16, COALESCE($17, 'active'))"
        );
        on_tx!(self, c => bind_write!(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id), w).bind(now).bind(w.status.clone()).execute(c).await.map(|r| r.rows_affected()))
            .map_err(|e| map_unique(e, "统一社会信用代码"))?;
        Ok(())
    }

    pub async fn update_enterprise(
        &mut self,
        scope: &Scope,
        id: Uuid,
        expected_version: i64,
        w: &EnterpriseWrite,
        now: OffsetDateTime,
    ) -> Result<()> {
        let (township, only_id) = match scope {
            Scope::All => (None, None),
            Scope::Township(t) => (Some(t.clone()), None),
            Scope::Enterprise(e) => (None, Some(*e)),
        };
        let sql = "UPDATE enterprises SET name = $1, credit_code = $2, township_code = $3, industry = $4, staff = $5, insured = $6,
            revenue_fen = $7, size_class = $8, size_basis = $9, contact_name = $10, contact_phone_bidx = $11, contact_phone_enc = $12,
            contact_phone_masked = $13, key_version = $14, version = version + 1, updated_at = $15, status = COALESCE($20, status)
            WHERE id = $16 AND version = $17 AND ($18 IS NULL OR township_code = $18) AND ($19 IS NULL OR id = $19)";
        let res = on_tx!(self, c => bind_write!(sqlx::query(sql), w).bind(now).bind(id).bind(expected_version).bind(township.clone()).bind(only_id).bind(w.status.clone()).execute(c).await.map(|r| r.rows_affected()))
            .map_err(|e| map_unique(e, "统一社会信用代码"))?;
        if res == 1 {
            return Ok(());
        }
        match self.enterprise_for_update(scope, id).await? {
            Some(_) => Err(StoreError::Conflict),
            None => Err(StoreError::NotFound),
        }
    }

    /// Sets an enterprise's operating status (a closure or stoppage reported by another department).
    pub async fn set_enterprise_status(&mut self, id: Uuid, status: &str, now: OffsetDateTime) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query("UPDATE enterprises SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(status).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 1 { Ok(()) } else { Err(StoreError::NotFound) }
    }

    pub async fn existing_enterprises(&mut self, codes: &[String]) -> Result<Vec<ExistingEnterprise>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let ph: Vec<String> = (1..=codes.len()).map(|i| format!("${i}")).collect();
        let sql = self.dialect(format!("SELECT credit_code, id, township_code FROM enterprises WHERE credit_code IN ({})", ph.join(",")));
        let args: Vec<Arg> = codes.iter().map(|c| Arg::Text(c.clone())).collect();
        Ok(
            on_tx!(self, c => bind_args!(sqlx::query_as::<_, ExistingEnterprise>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(c).await)?,
        )
    }

    /// Inserts or updates by credit code; identical rows are left alone.
    pub async fn upsert_enterprises(&mut self, rows: &[(Uuid, EnterpriseWrite)], now: OffsetDateTime) -> Result<UpsertCounts> {
        if rows.is_empty() {
            return Ok(UpsertCounts::default());
        }
        const PER_ROW: usize = 17;
        let values: Vec<String> = (0..rows.len())
            .map(|i| {
                let b = i * PER_ROW;
                let cols: Vec<String> = (1..=PER_ROW - 2).map(|k| format!("${}", b + k)).collect();
                format!("({}, 1, ${}, ${})", cols.join(", "), b + PER_ROW - 1, b + PER_ROW)
            })
            .collect();
        let changed =
            ["name", "township_code", "industry", "staff", "insured", "revenue_fen", "size_class", "contact_name", "contact_phone_bidx"]
                .iter()
                .map(|c| format!("enterprises.{c} IS DISTINCT FROM excluded.{c}"))
                .collect::<Vec<_>>()
                .join(" OR ");
        let sql = format!(
            "INSERT INTO enterprises (id, {COLUMNS}, version, created_at, updated_at) VALUES {}
             ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name, township_code = excluded.township_code,
                industry = excluded.industry, staff = excluded.staff, insured = excluded.insured, revenue_fen = excluded.revenue_fen,
                size_class = excluded.size_class, size_basis = excluded.size_basis, contact_name = excluded.contact_name,
                contact_phone_bidx = excluded.contact_phone_bidx, contact_phone_enc = excluded.contact_phone_enc,
                contact_phone_masked = excluded.contact_phone_masked, version = enterprises.version + 1, updated_at = excluded.updated_at
             WHERE {changed}
             RETURNING version",
            values.join(", ")
        );
        let sql = self.dialect(sql);
        let returned: Vec<(i64,)> = on_tx!(self, c => {
            let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql.as_str()));
            for (id, w) in rows {
                q = bind_write!(q.bind(*id), w).bind(now).bind(now);
            }
            q.fetch_all(c).await
        })?;
        let mut counts = UpsertCounts::default();
        for (version,) in &returned {
            if *version == 1 {
                counts.inserted += 1;
            } else {
                counts.updated += 1;
            }
        }
        counts.unchanged = rows.len() as u64 - returned.len() as u64;
        Ok(counts)
    }

    pub async fn insert_villages(&mut self, villages: &[Village]) -> Result<()> {
        for v in villages {
            on_tx!(self, c => sqlx::query("INSERT INTO villages (code, township_code, name) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING")
                .bind(v.code.clone()).bind(v.township_code.clone()).bind(v.name.clone()).execute(c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }
}
