//! Subsidy applications, recorded decisions, grant claims, the append-only payment ledger,
//! budgets and payment batches (issue 6). All money is integer fen.
//!
//! Writers run inside `WriteTx`, which holds the audit-head lock: writes are serialised on both
//! backends, so a check made inside the transaction cannot race another writer. The unique
//! indexes (`applications_live`, `idempotency_key`, `grant_claims`' primary key,
//! `ledger_one_grant`, `ledger_one_cancel`) are the second line, in the database itself.

use sm3::{Digest, Sm3};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Result, Store, StoreError, WriteTx, map_unique, on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ApplicationRecord {
    pub id: Uuid,
    pub program: String,
    pub subject_kind: String,
    pub subject_id: Uuid,
    pub applicant_enterprise_id: Option<Uuid>,
    pub township_code: String,
    pub period_key: String,
    pub status: String,
    pub origin: String,
    pub channel: String,
    pub facts_json: String,
    pub amount_fen: Option<i64>,
    pub months: i64,
    pub payee_name: String,
    pub payee_bank: String,
    #[serde(skip)]
    pub payee_account_enc: Option<Vec<u8>>,
    #[serde(skip)]
    pub payee_account_kv: Option<i64>,
    pub payee_account_last4: Option<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
    pub submitted_by: String,
    pub submitted_role: String,
    pub submitted_at: OffsetDateTime,
    pub checked_by: Option<String>,
    pub checked_role: Option<String>,
    pub checked_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
    pub reason: Option<String>,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

const APP_COLS: &str = "id, program, subject_kind, subject_id, applicant_enterprise_id, township_code, period_key, status, origin, channel, \
    facts_json, amount_fen, months, payee_name, payee_bank, payee_account_enc, payee_account_kv, payee_account_last4, idempotency_key, \
    submitted_by, submitted_role, submitted_at, checked_by, checked_role, checked_at, decided_by, decided_at, reason, version, updated_at";

/// One line of an application list, with the subject's name and masked identifier.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub program: String,
    pub subject_kind: String,
    pub subject_id: Uuid,
    pub subject_name: Option<String>,
    pub subject_identifier: Option<String>,
    pub township_code: String,
    pub period_key: String,
    pub status: String,
    pub origin: String,
    pub channel: String,
    pub amount_fen: Option<i64>,
    pub submitted_by: String,
    pub submitted_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub status: Option<String>,
    pub program: Option<String>,
    pub origin: Option<String>,
    pub township_code: Option<String>,
    pub subject_id: Option<Uuid>,
    pub applicant_enterprise_id: Option<Uuid>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DecisionRecord {
    pub id: i64,
    pub application_id: Uuid,
    pub step: String,
    pub outcome: String,
    pub amount_fen: Option<i64>,
    pub ruleset_version: String,
    pub as_of: Date,
    pub decision_json: String,
    #[serde(skip)]
    pub facts_enc: Vec<u8>,
    #[serde(skip)]
    pub facts_kv: i64,
    pub actor: String,
    pub note: String,
    pub at: OffsetDateTime,
}

const DECISION_COLS: &str =
    "id, application_id, step, outcome, amount_fen, ruleset_version, as_of, decision_json, facts_enc, facts_kv, actor, note, at";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct LedgerEntry {
    pub id: i64,
    pub kind: String,
    pub application_id: Uuid,
    pub program: String,
    pub fund_code: String,
    pub year: i64,
    pub subject_kind: String,
    pub subject_id: Uuid,
    pub township_code: String,
    pub amount_fen: i64,
    pub decision_id: Option<i64>,
    pub corrects_entry_id: Option<i64>,
    pub reason: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub prev_hash: String,
    pub hash: String,
}

const ENTRY_COLS: &str = "id, kind, application_id, program, fund_code, year, subject_kind, subject_id, township_code, amount_fen, \
    decision_id, corrects_entry_id, reason, created_by, created_at, prev_hash, hash";

/// A ledger entry before it is written; the chain hash is computed on insert.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub kind: &'static str,
    pub application_id: Uuid,
    pub program: String,
    pub fund_code: String,
    pub year: i64,
    pub subject_kind: String,
    pub subject_id: Uuid,
    pub township_code: String,
    pub amount_fen: i64,
    pub decision_id: Option<i64>,
    pub corrects_entry_id: Option<i64>,
    pub reason: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// The hash of the genesis entry's predecessor.
pub const LEDGER_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SM3 over the previous hash and every field of the entry, each length-prefixed.
pub fn entry_hash(prev: &str, e: &LedgerEntry) -> String {
    let fields: [String; 15] = [
        prev.to_string(),
        e.kind.clone(),
        e.application_id.to_string(),
        e.program.clone(),
        e.fund_code.clone(),
        e.year.to_string(),
        e.subject_kind.clone(),
        e.subject_id.to_string(),
        e.township_code.clone(),
        e.amount_fen.to_string(),
        e.decision_id.map(|d| d.to_string()).unwrap_or_default(),
        e.corrects_entry_id.map(|d| d.to_string()).unwrap_or_default(),
        e.reason.clone(),
        e.created_by.clone(),
        e.created_at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_default(),
    ];
    let mut h = Sm3::new();
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct BatchRecord {
    pub id: i64,
    pub program: String,
    pub period: String,
    pub item_count: i64,
    pub total_fen: i64,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct BatchEvent {
    pub id: i64,
    pub batch_id: i64,
    pub event: String,
    pub detail: String,
    pub actor: String,
    pub at: OffsetDateTime,
}

/// One line of a batch with what the bank file needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BatchLine {
    pub line_no: i64,
    pub entry_id: i64,
    pub amount_fen: i64,
    pub entry_amount_fen: i64,
    pub application_id: Uuid,
    pub subject_id: Uuid,
    pub payee_name: String,
    pub payee_bank: String,
    pub payee_account_enc: Option<Vec<u8>>,
    pub payee_account_kv: Option<i64>,
    pub payee_account_last4: Option<String>,
    pub outcome: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct BudgetLine {
    pub fund_code: String,
    pub program: String,
    pub year: i64,
    pub allocated_fen: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SpendLine {
    pub fund_code: String,
    pub program: String,
    pub year: i64,
    pub township_code: String,
    pub committed_fen: i64,
    pub paid_fen: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TotalRow {
    pub fund_code: String,
    pub program: String,
    pub year: i64,
    pub entry_count: i64,
    pub sum_fen: i64,
}

/// A grant whose money has been paid, for the published list of recipients.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecipientRow {
    pub program: String,
    pub subject_kind: String,
    pub subject_id: Uuid,
    pub township_code: String,
    pub net_fen: i64,
    pub year: i64,
}

fn sql(s: &str) -> sqlx::AssertSqlSafe<&str> {
    sqlx::AssertSqlSafe(s)
}

impl Store {
    pub async fn application(&self, id: Uuid) -> Result<ApplicationRecord> {
        let q = self.dialect(format!("SELECT {APP_COLS} FROM applications WHERE id = $1"));
        let r = on_db!(self.db, p => sqlx::query_as::<_, ApplicationRecord>(sql(&q)).bind(id).fetch_optional(p).await)?;
        r.ok_or(StoreError::NotFound)
    }

    pub async fn list_applications(&self, f: &ApplicationFilter) -> Result<(Vec<ApplicationRow>, i64)> {
        let mut cond = vec!["1 = 1".to_string()];
        let mut binds: Vec<String> = Vec::new();
        let mut push = |col: &str, v: &Option<String>| {
            if let Some(v) = v {
                binds.push(v.clone());
                cond.push(format!("a.{col} = ${}", binds.len()));
            }
        };
        push("status", &f.status);
        push("program", &f.program);
        push("origin", &f.origin);
        push("township_code", &f.township_code);
        let mut uuids: Vec<Uuid> = Vec::new();
        if let Some(s) = f.subject_id {
            uuids.push(s);
            cond.push(format!("a.subject_id = ${}", binds.len() + uuids.len()));
        }
        if let Some(e) = f.applicant_enterprise_id {
            uuids.push(e);
            cond.push(format!("(a.applicant_enterprise_id = ${n} OR a.subject_id = ${n})", n = binds.len() + uuids.len()));
        }
        let wh = cond.join(" AND ");
        let n = binds.len() + uuids.len();
        let q = self.dialect(format!(
            "SELECT a.id, a.program, a.subject_kind, a.subject_id, COALESCE(p.name, e.name) AS subject_name, \
             COALESCE(p.id_masked, e.credit_code) AS subject_identifier, a.township_code, a.period_key, a.status, a.origin, a.channel, \
             a.amount_fen, a.submitted_by, a.submitted_at, a.updated_at FROM applications a \
             LEFT JOIN persons p ON a.subject_kind = 'person' AND p.id = a.subject_id \
             LEFT JOIN enterprises e ON a.subject_kind = 'enterprise' AND e.id = a.subject_id \
             WHERE {wh} ORDER BY a.submitted_at DESC, a.id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ));
        let cq = self.dialect(format!("SELECT COUNT(*) FROM applications a WHERE {wh}"));
        let (rows, total) = on_db!(self.db, p => {
            let mut qa = sqlx::query_as::<_, ApplicationRow>(sql(&q));
            let mut qc = sqlx::query_as::<_, (i64,)>(sql(&cq));
            for b in &binds {
                qa = qa.bind(b.clone());
                qc = qc.bind(b.clone());
            }
            for u in &uuids {
                qa = qa.bind(*u);
                qc = qc.bind(*u);
            }
            let rows = qa.bind(f.limit).bind(f.offset).fetch_all(p).await?;
            let (total,) = qc.fetch_one(p).await?;
            Ok::<_, sqlx::Error>((rows, total))
        })?;
        Ok((rows, total))
    }

    /// Counts of applications by status (and origin), within a township when given.
    pub async fn application_counts(&self, township: Option<&str>) -> Result<Vec<(String, String, i64)>> {
        let q = self.dialect(
            "SELECT status, origin, COUNT(*) FROM applications WHERE ($1 IS NULL OR township_code = $1) GROUP BY status, origin ORDER BY status"
                .to_string(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, (String, String, i64)>(sql(&q)).bind(township.map(str::to_string)).fetch_all(p).await)?)
    }

    pub async fn decisions_of(&self, application_id: Uuid) -> Result<Vec<DecisionRecord>> {
        let q = self.dialect(format!("SELECT {DECISION_COLS} FROM decisions WHERE application_id = $1 ORDER BY id"));
        Ok(on_db!(self.db, p => sqlx::query_as::<_, DecisionRecord>(sql(&q)).bind(application_id).fetch_all(p).await)?)
    }

    pub async fn decision(&self, id: i64) -> Result<DecisionRecord> {
        let q = self.dialect(format!("SELECT {DECISION_COLS} FROM decisions WHERE id = $1"));
        on_db!(self.db, p => sqlx::query_as::<_, DecisionRecord>(sql(&q)).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
    }

    /// Entries in id order after `after`, at most `limit` (keyset paging for `ledger verify`).
    pub async fn ledger_page(&self, after: i64, limit: i64) -> Result<Vec<LedgerEntry>> {
        let q = self.dialect(format!("SELECT {ENTRY_COLS} FROM ledger_entries WHERE id > $1 ORDER BY id LIMIT $2"));
        Ok(on_db!(self.db, p => sqlx::query_as::<_, LedgerEntry>(sql(&q)).bind(after).bind(limit).fetch_all(p).await)?)
    }

    pub async fn entries_of_application(&self, application_id: Uuid) -> Result<Vec<LedgerEntry>> {
        let q = self.dialect(format!("SELECT {ENTRY_COLS} FROM ledger_entries WHERE application_id = $1 ORDER BY id"));
        Ok(on_db!(self.db, p => sqlx::query_as::<_, LedgerEntry>(sql(&q)).bind(application_id).fetch_all(p).await)?)
    }

    pub async fn ledger_entry(&self, id: i64) -> Result<LedgerEntry> {
        let q = self.dialect(format!("SELECT {ENTRY_COLS} FROM ledger_entries WHERE id = $1"));
        on_db!(self.db, p => sqlx::query_as::<_, LedgerEntry>(sql(&q)).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
    }

    pub async fn ledger_totals(&self) -> Result<Vec<TotalRow>> {
        let q = "SELECT fund_code, program, year, entry_count, sum_fen FROM ledger_totals ORDER BY fund_code, program, year";
        Ok(on_db!(self.db, p => sqlx::query_as::<_, TotalRow>(q).fetch_all(p).await)?)
    }

    pub async fn budgets(&self, year: Option<i64>) -> Result<Vec<BudgetLine>> {
        let q = self.dialect(
            "SELECT fund_code, program, year, CAST(SUM(amount_fen) AS BIGINT) AS allocated_fen FROM budget_allocations WHERE ($1 IS NULL OR year = $1) \
             GROUP BY fund_code, program, year ORDER BY year, fund_code, program"
                .to_string(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, BudgetLine>(sql(&q)).bind(year).fetch_all(p).await)?)
    }

    /// Committed (net of corrections) and paid money by fund, program, year and township.
    pub async fn spending(&self, year: Option<i64>, township: Option<&str>) -> Result<Vec<SpendLine>> {
        let q = self.dialect(
            "SELECT l.fund_code, l.program, l.year, l.township_code, CAST(SUM(l.amount_fen) AS BIGINT) AS committed_fen, \
             CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM payment_results r WHERE r.entry_id = l.id AND r.outcome = 'paid') THEN l.amount_fen \
                      WHEN l.kind = 'cancel' THEN 0 \
                      WHEN l.kind = 'clawback' THEN l.amount_fen ELSE 0 END) AS BIGINT) AS paid_fen \
             FROM ledger_entries l WHERE ($1 IS NULL OR l.year = $1) AND ($2 IS NULL OR l.township_code = $2) \
             GROUP BY l.fund_code, l.program, l.year, l.township_code ORDER BY l.year, l.fund_code, l.program, l.township_code"
                .to_string(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, SpendLine>(sql(&q)).bind(year).bind(township.map(str::to_string)).fetch_all(p).await)?)
    }

    pub async fn batches(&self, limit: i64) -> Result<Vec<BatchRecord>> {
        let q = self.dialect(
            "SELECT id, program, period, item_count, total_fen, created_by, created_at FROM payment_batches ORDER BY id DESC LIMIT $1"
                .to_string(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, BatchRecord>(sql(&q)).bind(limit).fetch_all(p).await)?)
    }

    pub async fn batch(&self, id: i64) -> Result<BatchRecord> {
        let q = self
            .dialect("SELECT id, program, period, item_count, total_fen, created_by, created_at FROM payment_batches WHERE id = $1".into());
        on_db!(self.db, p => sqlx::query_as::<_, BatchRecord>(sql(&q)).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
    }

    pub async fn batch_events(&self, id: i64) -> Result<Vec<BatchEvent>> {
        let q = self.dialect("SELECT id, batch_id, event, detail, actor, at FROM batch_events WHERE batch_id = $1 ORDER BY id".into());
        Ok(on_db!(self.db, p => sqlx::query_as::<_, BatchEvent>(sql(&q)).bind(id).fetch_all(p).await)?)
    }

    pub async fn batch_lines(&self, id: i64) -> Result<Vec<BatchLine>> {
        let q = self.dialect(
            "SELECT i.line_no, i.entry_id, i.amount_fen, l.amount_fen AS entry_amount_fen, l.application_id, a.subject_id, a.payee_name, a.payee_bank, \
             a.payee_account_enc, a.payee_account_kv, a.payee_account_last4, r.outcome, r.reason \
             FROM batch_items i JOIN ledger_entries l ON l.id = i.entry_id JOIN applications a ON a.id = l.application_id \
             LEFT JOIN payment_results r ON r.batch_id = i.batch_id AND r.entry_id = i.entry_id \
             WHERE i.batch_id = $1 ORDER BY i.line_no"
                .into(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, BatchLine>(sql(&q)).bind(id).fetch_all(p).await)?)
    }

    /// Per batch: (id, control count, control total, items counted, items summed, items whose
    /// amount differs from their entry).
    pub async fn batch_checks(&self) -> Result<Vec<(i64, i64, i64, i64, i64, i64)>> {
        let q = "SELECT b.id, b.item_count, b.total_fen, COUNT(i.entry_id), CAST(COALESCE(SUM(i.amount_fen), 0) AS BIGINT), \
                 CAST(COALESCE(SUM(CASE WHEN l.amount_fen <> i.amount_fen THEN 1 ELSE 0 END), 0) AS BIGINT) \
                 FROM payment_batches b LEFT JOIN batch_items i ON i.batch_id = b.id LEFT JOIN ledger_entries l ON l.id = i.entry_id \
                 GROUP BY b.id, b.item_count, b.total_fen ORDER BY b.id";
        Ok(on_db!(self.db, p => sqlx::query_as::<_, (i64, i64, i64, i64, i64, i64)>(q).fetch_all(p).await)?)
    }

    /// Grants whose claim or application state is inconsistent: (entry id, what is wrong).
    pub async fn grant_consistency(&self) -> Result<Vec<(i64, String)>> {
        let q = "SELECT l.id, CASE WHEN a.status NOT IN ('approved', 'paid', 'cancelled') THEN 'application status ' || a.status \
                      WHEN a.amount_fen IS NULL OR a.amount_fen <> l.amount_fen THEN 'amount differs from the application' \
                      ELSE 'no grant claim' END \
                 FROM ledger_entries l JOIN applications a ON a.id = l.application_id \
                 WHERE l.kind = 'grant' AND (a.status NOT IN ('approved', 'paid', 'cancelled') OR a.amount_fen IS NULL OR a.amount_fen <> l.amount_fen \
                   OR NOT EXISTS (SELECT 1 FROM grant_claims c WHERE c.application_id = l.application_id)) ORDER BY l.id";
        Ok(on_db!(self.db, p => sqlx::query_as::<_, (i64, String)>(q).fetch_all(p).await)?)
    }

    /// Net money paid per grant (grant + top-ups + clawbacks, only paid entries), for publication.
    pub async fn recipients(&self, program: Option<&str>, year: Option<i64>) -> Result<Vec<RecipientRow>> {
        let q = self.dialect(
            "SELECT l.program, l.subject_kind, l.subject_id, l.township_code, CAST(SUM(l.amount_fen) AS BIGINT) AS net_fen, MIN(l.year) AS year \
             FROM ledger_entries l WHERE ($1 IS NULL OR l.program = $1) AND ($2 IS NULL OR l.year = $2) \
             AND (l.kind = 'clawback' OR EXISTS (SELECT 1 FROM payment_results r WHERE r.entry_id = l.id AND r.outcome = 'paid')) \
             GROUP BY l.application_id, l.program, l.subject_kind, l.subject_id, l.township_code HAVING SUM(l.amount_fen) > 0 \
             ORDER BY l.program, l.township_code"
                .into(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, RecipientRow>(sql(&q))
            .bind(program.map(str::to_string)).bind(year).fetch_all(p).await)?)
    }

    /// Earlier grants to a subject (not cancelled): (program, time of approval).
    pub async fn grants_of_subject(&self, subject_id: Uuid) -> Result<Vec<(String, OffsetDateTime)>> {
        let q = self.dialect(GRANTS_OF_SUBJECT.into());
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).bind(subject_id).fetch_all(p).await)?)
    }

    /// Allocated budget and net committed money of a fund, program and year.
    pub async fn budget_position(&self, fund: &str, program: &str, year: i64) -> Result<(Option<i64>, i64)> {
        let q = self.dialect(BUDGET_ALLOCATED.into());
        let (alloc,): (Option<i64>,) =
            on_db!(self.db, p => sqlx::query_as(sql(&q)).bind(fund).bind(program).bind(year).fetch_one(p).await)?;
        let q = self.dialect(BUDGET_USED.into());
        let used: Option<(i64,)> =
            on_db!(self.db, p => sqlx::query_as(sql(&q)).bind(fund).bind(program).bind(year).fetch_optional(p).await)?;
        Ok((alloc, used.map(|u| u.0).unwrap_or(0)))
    }

    /// Offers waiting for the owner of a phone (by the phone's blind index).
    pub async fn offers_for_phone(&self, phone_bidx: &[u8]) -> Result<Vec<Uuid>> {
        let q = self.dialect(
            "SELECT a.id FROM applications a JOIN persons p ON p.id = a.subject_id WHERE a.status = 'offered' AND p.phone_bidx = $1".into(),
        );
        let rows: Vec<(Uuid,)> = on_db!(self.db, p => sqlx::query_as(sql(&q)).bind(phone_bidx).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Grants (and top-ups) of a program that can go into a new batch: not cancelled, not paid,
    /// not waiting for a result in another batch. `(entry id, amount)` in id order.
    pub async fn payable_entries(&self, program: &str, year: Option<i64>) -> Result<Vec<(i64, i64)>> {
        let q = self.dialect(PAYABLE.to_string());
        Ok(on_db!(self.db, p => sqlx::query_as::<_, (i64, i64)>(sql(&q)).bind(program).bind(year).fetch_all(p).await)?)
    }
}

const GRANTS_OF_SUBJECT: &str = "SELECT l.program, l.created_at FROM ledger_entries l WHERE l.subject_id = $1 AND l.kind = 'grant' \
    AND NOT EXISTS (SELECT 1 FROM ledger_entries c WHERE c.corrects_entry_id = l.id AND c.kind = 'cancel')";
const BUDGET_ALLOCATED: &str =
    "SELECT CAST(SUM(amount_fen) AS BIGINT) FROM budget_allocations WHERE fund_code = $1 AND program = $2 AND year = $3";
const BUDGET_USED: &str = "SELECT sum_fen FROM ledger_totals WHERE fund_code = $1 AND program = $2 AND year = $3";

const PAYABLE: &str = "SELECT l.id, l.amount_fen FROM ledger_entries l WHERE l.program = $1 AND ($2 IS NULL OR l.year = $2) \
    AND l.kind IN ('grant', 'topup') \
    AND NOT EXISTS (SELECT 1 FROM ledger_entries c WHERE c.corrects_entry_id = l.id AND c.kind = 'cancel') \
    AND NOT EXISTS (SELECT 1 FROM payment_results r WHERE r.entry_id = l.id AND r.outcome = 'paid') \
    AND NOT EXISTS (SELECT 1 FROM batch_items i WHERE i.entry_id = l.id \
        AND NOT EXISTS (SELECT 1 FROM payment_results r2 WHERE r2.batch_id = i.batch_id AND r2.entry_id = i.entry_id)) \
    ORDER BY l.id";

/// A recorded evaluation.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    pub application_id: Uuid,
    pub step: &'a str,
    pub outcome: &'a str,
    pub amount_fen: Option<i64>,
    pub ruleset_version: &'a str,
    pub as_of: Date,
    pub decision_json: &'a str,
    pub facts_enc: &'a [u8],
    pub facts_kv: i64,
    pub actor: &'a str,
    pub note: &'a str,
    pub at: OffsetDateTime,
}

/// The fields of a new application.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub id: Uuid,
    pub program: String,
    pub subject_kind: &'static str,
    pub subject_id: Uuid,
    pub applicant_enterprise_id: Option<Uuid>,
    pub township_code: String,
    pub period_key: String,
    pub status: &'static str,
    pub origin: &'static str,
    pub channel: String,
    pub facts_json: String,
    pub amount_fen: Option<i64>,
    pub months: i64,
    pub payee_name: String,
    pub payee_bank: String,
    pub payee_account_enc: Option<Vec<u8>>,
    pub payee_account_kv: Option<i64>,
    pub payee_account_last4: Option<String>,
    pub idempotency_key: Option<String>,
    pub submitted_by: String,
    pub submitted_role: String,
    pub at: OffsetDateTime,
}

/// A change of an application's workflow state.
#[derive(Debug, Clone, Default)]
pub struct StatusChange {
    pub status: &'static str,
    pub checked: Option<(String, String)>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    pub amount_fen: Option<Option<i64>>,
    pub channel: Option<String>,
    pub facts_json: Option<String>,
    pub payee: Option<PayeeChange>,
}

/// New payee details (an offer confirmed with the person's own account).
#[derive(Debug, Clone)]
pub struct PayeeChange {
    pub name: String,
    pub bank: String,
    pub account_enc: Option<Vec<u8>>,
    pub account_kv: Option<i64>,
    pub last4: Option<String>,
}

impl WriteTx {
    pub async fn application_for_update(&mut self, id: Uuid) -> Result<ApplicationRecord> {
        let q = self.dialect(format!("SELECT {APP_COLS} FROM applications WHERE id = $1"));
        let r = on_tx!(self, c => sqlx::query_as::<_, ApplicationRecord>(sql(&q)).bind(id).fetch_optional(c).await)?;
        r.ok_or(StoreError::NotFound)
    }

    pub async fn application_by_key(&mut self, key: &str) -> Result<Option<ApplicationRecord>> {
        let q = self.dialect(format!("SELECT {APP_COLS} FROM applications WHERE idempotency_key = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, ApplicationRecord>(sql(&q)).bind(key).fetch_optional(c).await)?)
    }

    /// The live application (not rejected, withdrawn or declined) for a program, subject and period.
    pub async fn live_application(&mut self, program: &str, subject_id: Uuid, period_key: &str) -> Result<Option<ApplicationRecord>> {
        let q = self.dialect(format!(
            "SELECT {APP_COLS} FROM applications WHERE program = $1 AND subject_id = $2 AND period_key = $3 \
             AND status NOT IN ('rejected', 'withdrawn', 'declined')"
        ));
        Ok(
            on_tx!(self, c => sqlx::query_as::<_, ApplicationRecord>(sql(&q)).bind(program).bind(subject_id).bind(period_key).fetch_optional(c).await)?,
        )
    }

    pub async fn insert_application(&mut self, a: &NewApplication) -> Result<()> {
        let q = self.dialect(format!(
            "INSERT INTO applications ({APP_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
             $20, $21, $22, NULL, NULL, NULL, NULL, NULL, NULL, 1, $22)"
        ));
        on_tx!(self, c => sqlx::query(sql(&q))
            .bind(a.id).bind(&a.program).bind(a.subject_kind).bind(a.subject_id).bind(a.applicant_enterprise_id).bind(&a.township_code)
            .bind(&a.period_key).bind(a.status).bind(a.origin).bind(&a.channel).bind(&a.facts_json).bind(a.amount_fen).bind(a.months)
            .bind(&a.payee_name).bind(&a.payee_bank).bind(&a.payee_account_enc).bind(a.payee_account_kv).bind(&a.payee_account_last4)
            .bind(&a.idempotency_key).bind(&a.submitted_by).bind(&a.submitted_role).bind(a.at)
            .execute(c).await.map(|_| ()))
        .map_err(|e| map_unique(e, "申请"))
    }

    /// Moves an application from `expected` state (and version) to a new one; `Conflict` when
    /// someone else moved it first.
    pub async fn change_application(
        &mut self,
        id: Uuid,
        version: i64,
        expected: &str,
        ch: &StatusChange,
        at: OffsetDateTime,
    ) -> Result<()> {
        let mut sets = vec!["status = $1".to_string(), "version = version + 1".into(), "updated_at = $2".into()];
        let mut texts: Vec<Option<String>> = Vec::new();
        let base = 5; // $3 id, $4 version, $5 expected
        let mut add = |col: &str, v: Option<String>, texts: &mut Vec<Option<String>>| {
            texts.push(v);
            sets.push(format!("{col} = ${}", base + texts.len()));
        };
        if let Some((by, role)) = &ch.checked {
            add("checked_by", Some(by.clone()), &mut texts);
            add("checked_role", Some(role.clone()), &mut texts);
        }
        if let Some(by) = &ch.decided_by {
            add("decided_by", Some(by.clone()), &mut texts);
        }
        if let Some(r) = &ch.reason {
            add("reason", Some(r.clone()), &mut texts);
        }
        if let Some(c) = &ch.channel {
            add("channel", Some(c.clone()), &mut texts);
        }
        if let Some(f) = &ch.facts_json {
            add("facts_json", Some(f.clone()), &mut texts);
        }
        if let Some(p) = &ch.payee {
            add("payee_name", Some(p.name.clone()), &mut texts);
            add("payee_bank", Some(p.bank.clone()), &mut texts);
            add("payee_account_last4", p.last4.clone(), &mut texts);
        }
        let n = base + texts.len();
        let mut extra = 0;
        if ch.checked.is_some() {
            extra += 1;
            sets.push(format!("checked_at = ${}", n + extra));
        }
        if ch.decided_by.is_some() {
            extra += 1;
            sets.push(format!("decided_at = ${}", n + extra));
        }
        let amount_pos = ch.amount_fen.map(|_| {
            extra += 1;
            n + extra
        });
        if let Some(p) = amount_pos {
            sets.push(format!("amount_fen = ${p}"));
        }
        let payee_pos = ch.payee.as_ref().map(|_| {
            extra += 2;
            n + extra - 1
        });
        if let Some(p) = payee_pos {
            sets.push(format!("payee_account_enc = ${p}, payee_account_kv = ${}", p + 1));
        }
        let q = self.dialect(format!("UPDATE applications SET {} WHERE id = $3 AND version = $4 AND status = $5", sets.join(", ")));
        let affected = on_tx!(self, c => {
            let mut qq = sqlx::query(sql(&q)).bind(ch.status).bind(at).bind(id).bind(version).bind(expected);
            for t in &texts {
                qq = qq.bind(t.clone());
            }
            if ch.checked.is_some() {
                qq = qq.bind(at);
            }
            if ch.decided_by.is_some() {
                qq = qq.bind(at);
            }
            if let Some(a) = ch.amount_fen {
                qq = qq.bind(a);
            }
            if let Some(p) = &ch.payee {
                qq = qq.bind(p.account_enc.clone()).bind(p.account_kv);
            }
            qq.execute(c).await.map(|r| r.rows_affected())
        })
        .map_err(|e| map_unique(e, "申请"))?;
        if affected == 1 { Ok(()) } else { Err(StoreError::Conflict) }
    }

    pub async fn insert_decision(&mut self, d: &NewDecision<'_>) -> Result<i64> {
        let q = self.dialect(
            "INSERT INTO decisions (application_id, step, outcome, amount_fen, ruleset_version, as_of, decision_json, facts_enc, facts_kv, actor, note, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id"
                .into(),
        );
        let (id,): (i64,) = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(d.application_id).bind(d.step).bind(d.outcome).bind(d.amount_fen)
            .bind(d.ruleset_version).bind(d.as_of).bind(d.decision_json).bind(d.facts_enc).bind(d.facts_kv).bind(d.actor).bind(d.note).bind(d.at)
            .fetch_one(c).await)?;
        Ok(id)
    }

    /// Net amount of a grant and its corrections.
    pub async fn net_of_entry(&mut self, id: i64) -> Result<i64> {
        let q = self.dialect(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_entries WHERE id = $1 OR corrects_entry_id = $1".into(),
        );
        let (n,): (i64,) = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(id).fetch_one(c).await)?;
        Ok(n)
    }

    /// Claims (claim key, subject, period) for an application; `Duplicate` when already claimed.
    pub async fn insert_claim(
        &mut self,
        claim_key: &str,
        subject_id: Uuid,
        period_key: &str,
        application_id: Uuid,
        program: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        let q = self.dialect(
            "INSERT INTO grant_claims (claim_key, subject_id, period_key, application_id, program, at) VALUES ($1, $2, $3, $4, $5, $6)"
                .into(),
        );
        on_tx!(self, c => sqlx::query(sql(&q)).bind(claim_key).bind(subject_id).bind(period_key).bind(application_id).bind(program).bind(at)
            .execute(c).await.map(|_| ()))
        .map_err(|e| map_unique(e, "补贴"))
    }

    /// The claim that holds (claim key, subject, period), if any: (application, program).
    pub async fn claim_holder(&mut self, claim_key: &str, subject_id: Uuid, period_key: &str) -> Result<Option<(Uuid, String)>> {
        let q = self.dialect(
            "SELECT application_id, program FROM grant_claims WHERE claim_key = $1 AND subject_id = $2 AND period_key = $3".into(),
        );
        Ok(on_tx!(self, c => sqlx::query_as(sql(&q)).bind(claim_key).bind(subject_id).bind(period_key).fetch_optional(c).await)?)
    }

    /// Earlier grants to a subject: (program, date of the approval), for the exclusivity rules.
    pub async fn grants_of_subject(&mut self, subject_id: Uuid) -> Result<Vec<(String, OffsetDateTime)>> {
        let q = self.dialect(GRANTS_OF_SUBJECT.into());
        Ok(on_tx!(self, c => sqlx::query_as(sql(&q)).bind(subject_id).fetch_all(c).await)?)
    }

    pub async fn entry_for_update(&mut self, id: i64) -> Result<LedgerEntry> {
        let q = self.dialect(format!("SELECT {ENTRY_COLS} FROM ledger_entries WHERE id = $1"));
        on_tx!(self, c => sqlx::query_as::<_, LedgerEntry>(sql(&q)).bind(id).fetch_optional(c).await)?.ok_or(StoreError::NotFound)
    }

    /// Whether an entry has been paid, is waiting in a batch, or was cancelled.
    pub async fn entry_state(&mut self, id: i64) -> Result<(bool, bool, bool)> {
        let q = self.dialect(
            "SELECT \
               (SELECT COUNT(*) FROM payment_results r WHERE r.entry_id = $1 AND r.outcome = 'paid'), \
               (SELECT COUNT(*) FROM batch_items i WHERE i.entry_id = $1 AND NOT EXISTS \
                  (SELECT 1 FROM payment_results r2 WHERE r2.batch_id = i.batch_id AND r2.entry_id = i.entry_id)), \
               (SELECT COUNT(*) FROM ledger_entries c WHERE c.corrects_entry_id = $1 AND c.kind = 'cancel')"
                .into(),
        );
        let (paid, pending, cancelled): (i64, i64, i64) = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(id).fetch_one(c).await)?;
        Ok((paid > 0, pending > 0, cancelled > 0))
    }

    /// Appends an entry to the chain and to the running totals.
    pub async fn append_entry(&mut self, e: NewEntry) -> Result<LedgerEntry> {
        let prev: Option<(String,)> =
            on_tx!(self, c => sqlx::query_as("SELECT hash FROM ledger_entries ORDER BY id DESC LIMIT 1").fetch_optional(c).await)?;
        let prev = prev.map(|p| p.0).unwrap_or_else(|| LEDGER_GENESIS.to_string());
        let mut entry = LedgerEntry {
            id: 0,
            kind: e.kind.to_string(),
            application_id: e.application_id,
            program: e.program,
            fund_code: e.fund_code,
            year: e.year,
            subject_kind: e.subject_kind,
            subject_id: e.subject_id,
            township_code: e.township_code,
            amount_fen: e.amount_fen,
            decision_id: e.decision_id,
            corrects_entry_id: e.corrects_entry_id,
            reason: e.reason,
            created_by: e.created_by,
            created_at: crate::db_time(e.created_at.to_offset(time::UtcOffset::UTC)),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        entry.hash = entry_hash(&prev, &entry);
        let q = self.dialect(format!(
            "INSERT INTO ledger_entries ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
            ENTRY_COLS.trim_start_matches("id, ")
        ));
        let (id,): (i64,) = on_tx!(self, c => sqlx::query_as(sql(&q))
            .bind(&entry.kind).bind(entry.application_id).bind(&entry.program).bind(&entry.fund_code).bind(entry.year)
            .bind(&entry.subject_kind).bind(entry.subject_id).bind(&entry.township_code).bind(entry.amount_fen).bind(entry.decision_id)
            .bind(entry.corrects_entry_id).bind(&entry.reason).bind(&entry.created_by).bind(entry.created_at).bind(&entry.prev_hash)
            .bind(&entry.hash).fetch_one(c).await)
        .map_err(|e| map_unique(e, "账目"))?;
        entry.id = id;
        let q = self.dialect(
            "INSERT INTO ledger_totals (fund_code, program, year, entry_count, sum_fen) VALUES ($1, $2, $3, 1, $4) \
             ON CONFLICT (fund_code, program, year) DO UPDATE SET entry_count = ledger_totals.entry_count + 1, \
             sum_fen = ledger_totals.sum_fen + excluded.sum_fen"
                .into(),
        );
        on_tx!(self, c => sqlx::query(sql(&q)).bind(&entry.fund_code).bind(&entry.program).bind(entry.year).bind(entry.amount_fen)
            .execute(c).await.map(|_| ()))?;
        Ok(entry)
    }

    /// Allocated budget and net committed money of a fund, program and year: (allocated, committed).
    pub async fn budget_position(&mut self, fund: &str, program: &str, year: i64) -> Result<(Option<i64>, i64)> {
        let q = self.dialect(BUDGET_ALLOCATED.into());
        let (alloc,): (Option<i64>,) = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(fund).bind(program).bind(year).fetch_one(c).await)?;
        let q = self.dialect(BUDGET_USED.into());
        let used: Option<(i64,)> = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(fund).bind(program).bind(year).fetch_optional(c).await)?;
        Ok((alloc, used.map(|u| u.0).unwrap_or(0)))
    }

    pub async fn insert_allocation(
        &mut self,
        fund: &str,
        program: &str,
        year: i64,
        amount_fen: i64,
        note: &str,
        by_at: (&str, OffsetDateTime),
    ) -> Result<i64> {
        let q = self.dialect(
            "INSERT INTO budget_allocations (fund_code, program, year, amount_fen, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                .into(),
        );
        let (id,): (i64,) = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(fund).bind(program).bind(year).bind(amount_fen).bind(note)
            .bind(by_at.0).bind(by_at.1).fetch_one(c).await)?;
        Ok(id)
    }

    pub async fn payable_entries_tx(&mut self, program: &str, year: Option<i64>) -> Result<Vec<(i64, i64)>> {
        let q = self.dialect(PAYABLE.to_string());
        Ok(on_tx!(self, c => sqlx::query_as::<_, (i64, i64)>(sql(&q)).bind(program).bind(year).fetch_all(c).await)?)
    }

    /// Writes a batch with its items; the control totals are computed here from the items.
    pub async fn insert_batch(
        &mut self,
        program: &str,
        period: &str,
        items: &[(i64, i64)],
        by: &str,
        at: OffsetDateTime,
    ) -> Result<BatchRecord> {
        let count = items.len() as i64;
        let total: i64 = items.iter().map(|i| i.1).sum();
        let q = self.dialect(
            "INSERT INTO payment_batches (program, period, item_count, total_fen, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id".into(),
        );
        let (id,): (i64,) = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(program).bind(period).bind(count).bind(total).bind(by).bind(at).fetch_one(c).await)?;
        for (chunk_no, chunk) in items.chunks(500).enumerate() {
            let mut q = String::from("INSERT INTO batch_items (batch_id, entry_id, line_no, amount_fen) VALUES ");
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push_str(", ");
                }
                q.push_str(&format!("(${}, ${}, ${}, ${})", i * 4 + 1, i * 4 + 2, i * 4 + 3, i * 4 + 4));
            }
            let q = self.dialect(q);
            on_tx!(self, c => {
                let mut qq = sqlx::query(sql(&q));
                for (i, (entry, amount)) in chunk.iter().enumerate() {
                    qq = qq.bind(id).bind(*entry).bind((chunk_no * 500 + i + 1) as i64).bind(*amount);
                }
                qq.execute(c).await.map(|_| ())
            })?;
        }
        Ok(BatchRecord {
            id,
            program: program.into(),
            period: period.into(),
            item_count: count,
            total_fen: total,
            created_by: by.into(),
            created_at: at,
        })
    }

    pub async fn insert_batch_event(&mut self, batch_id: i64, event: &str, detail: &str, actor: &str, at: OffsetDateTime) -> Result<()> {
        let q = self.dialect("INSERT INTO batch_events (batch_id, event, detail, actor, at) VALUES ($1, $2, $3, $4, $5)".into());
        on_tx!(self, c => sqlx::query(sql(&q)).bind(batch_id).bind(event).bind(detail).bind(actor).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Records the bank's result for one line of a batch; `Duplicate` when it already has one.
    pub async fn insert_result(
        &mut self,
        batch_id: i64,
        entry_id: i64,
        outcome: &str,
        reason: &str,
        bank_ref: &str,
        by_at: (&str, OffsetDateTime),
    ) -> Result<()> {
        let q = self.dialect(
            "INSERT INTO payment_results (batch_id, entry_id, outcome, reason, bank_ref, recorded_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7)".into(),
        );
        on_tx!(self, c => sqlx::query(sql(&q)).bind(batch_id).bind(entry_id).bind(outcome).bind(reason).bind(bank_ref).bind(by_at.0).bind(by_at.1)
            .execute(c).await.map(|_| ()))
        .map_err(|e| map_unique(e, "支付结果"))
    }

    /// Queues an offer SMS to a person's registered phone (nothing when the registry has none).
    pub async fn enqueue_offer_sms(&mut self, person_id: Uuid, text: &str, now: OffsetDateTime) -> Result<bool> {
        let q = self
            .dialect("SELECT phone_bidx, phone_enc, phone_masked, key_version FROM persons WHERE id = $1 AND phone_enc IS NOT NULL".into());
        let row: Option<(Vec<u8>, Vec<u8>, String, i64)> =
            on_tx!(self, c => sqlx::query_as(sql(&q)).bind(person_id).fetch_optional(c).await)?;
        let Some((bidx, enc, masked, kv)) = row else { return Ok(false) };
        let m = crate::sms::NewSms {
            person_id: Some(person_id),
            phone_bidx: bidx,
            phone_enc: enc,
            phone_masked: masked,
            key_version: kv,
            text: text.to_string(),
            purpose: "offer".into(),
            push_id: None,
        };
        self.enqueue_sms(&m, now).await?;
        Ok(true)
    }

    /// Sets the state of applications whose grants are all paid (`paid`).
    pub async fn mark_paid_applications(&mut self, batch_id: i64, at: OffsetDateTime) -> Result<u64> {
        let q = self.dialect(
            "UPDATE applications SET status = 'paid', version = version + 1, updated_at = $2 WHERE status = 'approved' AND id IN \
             (SELECT l.application_id FROM payment_results r JOIN ledger_entries l ON l.id = r.entry_id \
              WHERE r.batch_id = $1 AND r.outcome = 'paid' AND l.kind = 'grant')"
                .into(),
        );
        Ok(on_tx!(self, c => sqlx::query(sql(&q)).bind(batch_id).bind(at).execute(c).await.map(|r| r.rows_affected()))?)
    }
}
