//! The audit log: append-only, hash-chained with SM3 (GB/T 32905).
//!
//! Entry `n` stores `hash_n = SM3(hash_{n-1} ‖ canonical(entry_n))`; `audit_head` holds the last
//! sequence number and hash, written in the same transaction as the entries, so deleting the tail
//! or editing, deleting or reordering any row is detected by `verify`. Entries never contain
//! personal data in clear: callers pass masked values in `detail`.

use futures_util::TryStreamExt;
use sm3::{Digest, Sm3};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::{Result, Store, StoreError, WriteTx, db_time, on_db, on_tx};

/// What happened, by whom, to what. `detail` is JSON with masked before/after values.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub actor_login: String,
    pub actor_role: String,
    pub actor_township: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub result: String,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub actor_login: String,
    pub actor_role: String,
    pub actor_township: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub result: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

fn chain_hash(prev: &str, r: &AuditRecord) -> String {
    let at = r.at.format(&Rfc3339).unwrap_or_default();
    let fields: [&str; 13] = [
        prev,
        &r.seq.to_string(),
        &at,
        &r.actor_id.map(|u| u.to_string()).unwrap_or_default(),
        &r.actor_login,
        &r.actor_role,
        r.actor_township.as_deref().unwrap_or(""),
        r.ip.as_deref().unwrap_or(""),
        r.request_id.as_deref().unwrap_or(""),
        &r.action,
        &r.object_type,
        r.object_id.as_deref().unwrap_or(""),
        &format!("{}\u{1f}{}", r.result, r.detail),
    ];
    let mut h = Sm3::new();
    for f in fields {
        // Length-prefix every field so that moving bytes between fields changes the hash.
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

impl WriteTx {
    /// Appends one entry to the chain inside this transaction.
    pub async fn audit(&mut self, e: AuditEntry) -> Result<i64> {
        let mut rec = AuditRecord {
            seq: self.audit_seq + 1,
            at: db_time(e.at.to_offset(time::UtcOffset::UTC)),
            actor_id: e.actor_id,
            actor_login: e.actor_login,
            actor_role: e.actor_role,
            actor_township: e.actor_township,
            ip: e.ip,
            request_id: e.request_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            result: e.result,
            detail: e.detail.to_string(),
            prev_hash: self.audit_hash.clone(),
            hash: String::new(),
        };
        rec.hash = chain_hash(&rec.prev_hash, &rec);
        let r = rec.clone();
        on_tx!(self, c => sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_id, actor_login, actor_role, actor_township, ip, request_id, action, object_type, object_id, result, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)")
            .bind(r.seq).bind(r.at).bind(r.actor_id).bind(r.actor_login).bind(r.actor_role).bind(r.actor_township)
            .bind(r.ip).bind(r.request_id).bind(r.action).bind(r.object_type).bind(r.object_id).bind(r.result)
            .bind(r.detail).bind(r.prev_hash).bind(r.hash)
            .execute(c).await.map(|r| r.rows_affected()))?;
        self.audit_seq = rec.seq;
        self.audit_hash = rec.hash;
        self.audit_dirty = true;
        Ok(rec.seq)
    }
}

/// The outcome of `verify_audit`: how many entries were checked and every problem found.
#[derive(Debug, Default, serde::Serialize)]
pub struct VerifyReport {
    pub checked: i64,
    pub head_seq: i64,
    pub problems: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Debug, Default, Clone)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub limit: i64,
    pub before_seq: Option<i64>,
}

const SELECT: &str = "SELECT seq, at, actor_id, actor_login, actor_role, actor_township, ip, request_id, action, object_type, object_id, result, detail, prev_hash, hash FROM audit_log";

impl Store {
    /// Audit entry outside any other change (login failures, reveals, exports): its own transaction.
    pub async fn audit_only(&self, e: AuditEntry) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let seq = tx.audit(e).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Recomputes the whole chain: sequence gaps, broken links, altered rows and a head that does not
    /// match the last row (deleted tail) are each reported with the sequence number.
    pub async fn verify_audit(&self) -> Result<VerifyReport> {
        let (head_seq, head_hash): (i64, String) =
            on_db!(self.db, p => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(p).await)?;
        let mut report = VerifyReport { head_seq, ..Default::default() };
        let mut prev = "0".repeat(64);
        let mut expect_seq = 1i64;
        let sql = format!("{SELECT} ORDER BY seq");
        on_db!(self.db, p => {
            let mut rows = sqlx::query_as::<_, AuditRecord>(sqlx::AssertSqlSafe(sql.as_str())).fetch(p);
            while let Some(r) = rows.try_next().await? {
                if r.seq != expect_seq {
                    report.problems.push(format!("第{}条之前缺失审计记录（期望序号{}）", r.seq, expect_seq));
                }
                if r.prev_hash != prev {
                    report.problems.push(format!("第{}条的前序哈希与上一条不符（记录被删除、插入或重排）", r.seq));
                }
                if chain_hash(&r.prev_hash, &r) != r.hash {
                    report.problems.push(format!("第{}条的内容与其哈希不符（记录被篡改）", r.seq));
                }
                prev = r.hash.clone();
                expect_seq = r.seq + 1;
                report.checked += 1;
            }
        });
        if expect_seq - 1 != head_seq || (head_seq > 0 && prev != head_hash) {
            report.problems.push(format!(
                "审计链末端（第{}条）与链头记录（第{}条）不符：末尾记录被删除或链头被改动",
                expect_seq - 1,
                head_seq
            ));
        }
        Ok(report)
    }

    pub async fn list_audit(&self, q: &AuditQuery) -> Result<Vec<AuditRecord>> {
        let mut f = crate::args::Filter::default();
        if let Some(a) = &q.action {
            f.push("action = ?", crate::Arg::Text(a.clone()));
        }
        if let Some(t) = &q.object_type {
            f.push("object_type = ?", crate::Arg::Text(t.clone()));
        }
        if let Some(o) = &q.object_id {
            f.push("object_id = ?", crate::Arg::Text(o.clone()));
        }
        if let Some(b) = q.before_seq {
            f.push("seq < ?", crate::Arg::I64(b));
        }
        let sql = format!("{SELECT}{} ORDER BY seq DESC LIMIT {}", f.where_clause(), q.limit.clamp(1, 1000));
        let rows = on_db!(self.db, p => crate::args::bind_args!(sqlx::query_as::<_, AuditRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_all(p).await)?;
        Ok(rows)
    }

    pub async fn count_audit(&self, action: &str) -> Result<i64> {
        let (n,): (i64,) =
            on_db!(self.db, p => sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(action).fetch_one(p).await)?;
        Ok(n)
    }
}

impl From<time::error::Format> for StoreError {
    fn from(e: time::error::Format) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
