//! Server-side sessions. The cookie carries a random token; the table stores only its SHA-256, so a
//! copy of the database cannot be replayed as a login.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Result, Store, on_db};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub reauth_at: OffsetDateTime,
}

impl Store {
    pub async fn create_session(&self, token_hash: &[u8], user_id: Uuid, csrf: &str, now: OffsetDateTime) -> Result<()> {
        on_db!(self.db, p => sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, reauth_at) VALUES ($1, $2, $3, $4, $4, $4)")
            .bind(token_hash).bind(user_id).bind(csrf).bind(now).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>> {
        Ok(
            on_db!(self.db, p => sqlx::query_as::<_, SessionRecord>("SELECT user_id, csrf_token, created_at, last_seen_at, reauth_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash).fetch_optional(p).await)?,
        )
    }

    pub async fn touch_session(&self, token_hash: &[u8], now: OffsetDateTime) -> Result<()> {
        on_db!(self.db, p => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2").bind(now).bind(token_hash).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        on_db!(self.db, p => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn delete_user_sessions(&self, user_id: Uuid) -> Result<()> {
        on_db!(self.db, p => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Removes sessions last used before `cutoff`.
    pub async fn purge_sessions(&self, cutoff: OffsetDateTime) -> Result<u64> {
        let r = on_db!(self.db, p => sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1").bind(cutoff).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(r)
    }
}
