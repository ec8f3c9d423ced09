//! Citizens acting for themselves online: one-time SMS codes (stored hashed, with attempts,
//! expiry and single use) and short sessions (token stored hashed).

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Result, Store, WriteTx, on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRecord {
    pub person_id: Option<Uuid>,
    pub phone_bidx: Vec<u8>,
    pub code_hash: Vec<u8>,
    pub purpose: String,
    pub expires_at: OffsetDateTime,
    pub attempts: i64,
    pub used_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitizenSession {
    pub person_id: Uuid,
    pub purpose: String,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

impl Store {
    pub async fn citizen_session(&self, token_hash: &[u8]) -> Result<Option<CitizenSession>> {
        Ok(on_db!(self.db, p => sqlx::query_as::<_, CitizenSession>(
            "SELECT person_id, purpose, csrf_token, expires_at FROM citizen_sessions WHERE token_hash = $1")
            .bind(token_hash).fetch_optional(p).await)?)
    }
}

impl WriteTx {
    /// Codes requested for this phone since `since` (rate limit).
    pub async fn codes_since(&mut self, phone_bidx: &[u8], since: OffsetDateTime) -> Result<(i64, Option<OffsetDateTime>)> {
        let (n, last): (i64, Option<OffsetDateTime>) = on_tx!(self, c => sqlx::query_as(
            "SELECT COUNT(*), MAX(created_at) FROM citizen_codes WHERE phone_bidx = $1 AND created_at >= $2")
            .bind(phone_bidx).bind(since).fetch_one(c).await)?;
        Ok((n, last))
    }

    #[expect(clippy::too_many_arguments, reason = "one row of citizen_codes, written in one place")]
    pub async fn insert_code(
        &mut self,
        ticket_hash: &[u8],
        person_id: Option<Uuid>,
        phone_bidx: &[u8],
        code_hash: &[u8],
        purpose: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "INSERT INTO citizen_codes (ticket_hash, person_id, phone_bidx, code_hash, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(ticket_hash).bind(person_id).bind(phone_bidx).bind(code_hash).bind(purpose).bind(now).bind(expires_at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn code_for_update(&mut self, ticket_hash: &[u8]) -> Result<Option<CodeRecord>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, CodeRecord>(
            "SELECT person_id, phone_bidx, code_hash, purpose, expires_at, attempts, used_at FROM citizen_codes WHERE ticket_hash = $1")
            .bind(ticket_hash).fetch_optional(c).await)?)
    }

    pub async fn code_attempt(&mut self, ticket_hash: &[u8], used_at: Option<OffsetDateTime>) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE citizen_codes SET attempts = attempts + 1, used_at = COALESCE($1, used_at) WHERE ticket_hash = $2")
            .bind(used_at).bind(ticket_hash).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn insert_citizen_session(
        &mut self,
        token_hash: &[u8],
        person_id: Uuid,
        purpose: &str,
        csrf: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "INSERT INTO citizen_sessions (token_hash, person_id, purpose, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(token_hash).bind(person_id).bind(purpose).bind(csrf).bind(now).bind(expires_at).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn end_citizen_session(&mut self, token_hash: &[u8]) -> Result<()> {
        on_tx!(self, c => sqlx::query("DELETE FROM citizen_sessions WHERE token_hash = $1").bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
