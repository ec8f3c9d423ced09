//! The SMS outbox, inbound replies and unsubscriptions. Phones are stored sealed with a blind
//! index (the daily cap and opt-outs are keyed by it); message texts hold no personal data.
//!
//! Sending claims due messages in a write transaction (serialised across servers by the audit
//! head lock) and leases them (`sending` until `next_attempt_at`), so two servers never send the
//! same message at once; a lease that runs out (a crash mid-send) makes the message due again.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Result, Store, WriteTx, on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct OutboxRecord {
    pub id: i64,
    pub person_id: Option<Uuid>,
    #[serde(skip)]
    pub phone_bidx: Vec<u8>,
    #[serde(skip)]
    pub phone_enc: Vec<u8>,
    pub phone_masked: String,
    pub key_version: i64,
    pub text: String,
    pub purpose: String,
    pub push_id: Option<Uuid>,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub provider_message_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub sent_day: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewSms {
    pub person_id: Option<Uuid>,
    pub phone_bidx: Vec<u8>,
    pub phone_enc: Vec<u8>,
    pub phone_masked: String,
    pub key_version: i64,
    pub text: String,
    pub purpose: String,
    pub push_id: Option<Uuid>,
}

/// An inbound message as stored.
#[derive(Debug, Clone, Copy)]
pub struct NewInbound<'a> {
    pub received_at: OffsetDateTime,
    pub phone_bidx: &'a [u8],
    pub phone_masked: &'a str,
    pub text: &'a str,
    pub reply: &'a str,
    pub push_id: Option<Uuid>,
    pub provider_id: Option<&'a str>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct InboundRecord {
    pub id: i64,
    pub received_at: OffsetDateTime,
    pub phone_masked: String,
    pub text: String,
    pub reply: String,
    pub push_id: Option<Uuid>,
}

const COLS: &str = "id, person_id, phone_bidx, phone_enc, phone_masked, key_version, text, purpose, push_id, status, attempts,
    next_attempt_at, last_error, provider_message_id, created_at, sent_at, sent_day";

impl Store {
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxRecord>> {
        let sql = format!("SELECT {COLS} FROM sms_outbox ORDER BY id DESC LIMIT $1");
        Ok(on_db!(self.db, p => sqlx::query_as::<_, OutboxRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(limit).fetch_all(p).await)?)
    }

    pub async fn outbox_of_push(&self, push_id: Uuid) -> Result<Vec<OutboxRecord>> {
        let sql = format!("SELECT {COLS} FROM sms_outbox WHERE push_id = $1 ORDER BY id");
        Ok(on_db!(self.db, p => sqlx::query_as::<_, OutboxRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(push_id).fetch_all(p).await)?)
    }

    /// Messages due now (queued, or sending with a lapsed lease).
    pub async fn sms_due_count(&self, now: OffsetDateTime) -> Result<i64> {
        let (n,): (i64,) = on_db!(self.db, p => sqlx::query_as(
            "SELECT COUNT(*) FROM sms_outbox WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1")
            .bind(now).fetch_one(p).await)?;
        Ok(n)
    }

    pub async fn is_opted_out(&self, phone_bidx: &[u8]) -> Result<bool> {
        let (n,): (i64,) = on_db!(self.db, p => sqlx::query_as("SELECT COUNT(*) FROM sms_optout WHERE phone_bidx = $1")
            .bind(phone_bidx).fetch_one(p).await)?;
        Ok(n > 0)
    }

    pub async fn inbound(&self, limit: i64) -> Result<Vec<InboundRecord>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, InboundRecord>(
            "SELECT id, received_at, phone_masked, text, reply, push_id FROM sms_inbound ORDER BY id DESC LIMIT $1")
            .bind(limit).fetch_all(p).await)?)
    }

    /// Counts by status, for the outbox page and metrics.
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(
            on_db!(self.db, p => sqlx::query_as("SELECT status, COUNT(*) FROM sms_outbox GROUP BY status ORDER BY status").fetch_all(p).await)?,
        )
    }
}

impl WriteTx {
    pub async fn enqueue_sms(&mut self, m: &NewSms, now: OffsetDateTime) -> Result<i64> {
        let (id,): (i64,) = on_tx!(self, c => sqlx::query_as(
            "INSERT INTO sms_outbox (person_id, phone_bidx, phone_enc, phone_masked, key_version, text, purpose, push_id, status,
                next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $9) RETURNING id")
            .bind(m.person_id).bind(&m.phone_bidx).bind(&m.phone_enc).bind(&m.phone_masked).bind(m.key_version).bind(&m.text)
            .bind(&m.purpose).bind(m.push_id).bind(now).fetch_one(c).await)?;
        Ok(id)
    }

    /// Claims up to `limit` due messages (queued, or sending with a lapsed lease) until `lease_until`.
    pub async fn claim_due_sms(&mut self, now: OffsetDateTime, lease_until: OffsetDateTime, limit: i64) -> Result<Vec<OutboxRecord>> {
        let sql = format!(
            "SELECT {COLS} FROM sms_outbox WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2"
        );
        let rows: Vec<OutboxRecord> = on_tx!(self, c => sqlx::query_as::<_, OutboxRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(limit).fetch_all(c).await)?;
        for r in &rows {
            on_tx!(self, c => sqlx::query("UPDATE sms_outbox SET status = 'sending', next_attempt_at = $1 WHERE id = $2")
                .bind(lease_until).bind(r.id).execute(c).await.map(|x| x.rows_affected()))?;
        }
        Ok(rows)
    }

    /// Messages to this phone counted against today's cap (sent, or being sent, on `day`).
    pub async fn sms_sent_on(&mut self, phone_bidx: &[u8], day: &str) -> Result<i64> {
        let (n,): (i64,) = on_tx!(self, c => sqlx::query_as("SELECT COUNT(*) FROM sms_outbox WHERE phone_bidx = $1 AND sent_day = $2 AND purpose <> 'verification'")
            .bind(phone_bidx).bind(day).fetch_one(c).await)?;
        Ok(n)
    }

    pub async fn sms_sent(&mut self, id: i64, provider_id: Option<&str>, now: OffsetDateTime, day: &str) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE sms_outbox SET status = 'sent', attempts = attempts + 1, provider_message_id = $1, sent_at = $2,
                sent_day = $3, last_error = NULL WHERE id = $4")
            .bind(provider_id).bind(now).bind(day).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A failed attempt: due again at `retry_at`, or failed for good when `None`.
    pub async fn sms_attempt_failed(&mut self, id: i64, reason: &str, retry_at: Option<OffsetDateTime>) -> Result<()> {
        match retry_at {
            Some(t) => {
                on_tx!(self, c => sqlx::query("UPDATE sms_outbox SET status = 'queued', attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3")
                .bind(reason).bind(t).bind(id).execute(c).await.map(|r| r.rows_affected()))?
            }
            None => {
                on_tx!(self, c => sqlx::query("UPDATE sms_outbox SET status = 'failed', attempts = attempts + 1, last_error = $1 WHERE id = $2")
                .bind(reason).bind(id).execute(c).await.map(|r| r.rows_affected()))?
            }
        };
        Ok(())
    }

    /// Moves a message to a later time without counting an attempt (daily cap, quiet hours).
    pub async fn sms_defer(&mut self, id: i64, until: OffsetDateTime, reason: &str) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE sms_outbox SET status = 'queued', next_attempt_at = $1, last_error = $2 WHERE id = $3")
            .bind(until).bind(reason).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn sms_cancel(&mut self, id: i64, reason: &str) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE sms_outbox SET status = 'cancelled', last_error = $1 WHERE id = $2")
            .bind(reason).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Service reminders queued or sent to this phone since `since`.
    pub async fn reminders_since(&mut self, phone_bidx: &[u8], since: OffsetDateTime) -> Result<i64> {
        let (n,): (i64,) = on_tx!(self, c => sqlx::query_as(
            "SELECT COUNT(*) FROM sms_outbox WHERE phone_bidx = $1 AND purpose = 'reminder' AND created_at >= $2 AND status <> 'cancelled'")
            .bind(phone_bidx).bind(since).fetch_one(c).await)?;
        Ok(n)
    }

    /// Records an unsubscription and cancels what is still queued for that phone.
    pub async fn sms_opt_out(&mut self, phone_bidx: &[u8], source: &str, now: OffsetDateTime) -> Result<u64> {
        on_tx!(self, c => sqlx::query("INSERT INTO sms_optout (phone_bidx, at, source) VALUES ($1, $2, $3) ON CONFLICT (phone_bidx) DO NOTHING")
            .bind(phone_bidx).bind(now).bind(source).execute(c).await.map(|r| r.rows_affected()))?;
        let n = on_tx!(self, c => sqlx::query("UPDATE sms_outbox SET status = 'cancelled', last_error = 'unsubscribed' WHERE phone_bidx = $1 AND status IN ('queued', 'sending')")
            .bind(phone_bidx).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n)
    }

    /// Stores an inbound message once (by the provider's id). `false`: seen before.
    pub async fn insert_inbound(&mut self, m: &NewInbound<'_>) -> Result<bool> {
        let NewInbound { received_at, phone_bidx, phone_masked, text, reply, push_id, provider_id } = *m;
        let n = on_tx!(self, c => sqlx::query(
            "INSERT INTO sms_inbound (received_at, phone_bidx, phone_masked, text, reply, push_id, provider_message_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (provider_message_id) DO NOTHING")
            .bind(received_at).bind(phone_bidx).bind(phone_masked).bind(text).bind(reply).bind(push_id).bind(provider_id)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The push an SMS reply from this phone answers: the newest sent vacancy push to it.
    pub async fn push_awaiting_reply(&mut self, phone_bidx: &[u8], since: OffsetDateTime) -> Result<Option<Uuid>> {
        let row: Option<(Uuid,)> = on_tx!(self, c => sqlx::query_as(
            "SELECT push_id FROM sms_outbox WHERE phone_bidx = $1 AND push_id IS NOT NULL AND status = 'sent' AND sent_at >= $2
             ORDER BY sent_at DESC, id DESC LIMIT 1")
            .bind(phone_bidx).bind(since).fetch_optional(c).await)?;
        Ok(row.map(|r| r.0))
    }
}
