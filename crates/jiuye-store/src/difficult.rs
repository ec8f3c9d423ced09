//! Recognitions of employment-difficult persons (就业困难人员认定): by category, dated, with evidence
//! and reviewer; revoked with a reason, never deleted.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Result, Store, StoreError, WriteTx, on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RecognitionRecord {
    pub id: i64,
    pub person_id: Uuid,
    pub category: String,
    pub recognized_on: Date,
    pub evidence: String,
    pub reviewer: String,
    pub revoked_on: Option<Date>,
    pub revoke_reason: Option<String>,
    pub revoked_by: Option<String>,
    pub created_at: OffsetDateTime,
}

const COLS: &str = "id, person_id, category, recognized_on, evidence, reviewer, revoked_on, revoke_reason, revoked_by, created_at";

impl Store {
    pub async fn recognitions_of(&self, person_id: Uuid) -> Result<Vec<RecognitionRecord>> {
        let sql = format!("SELECT {COLS} FROM difficult_recognitions WHERE person_id = $1 ORDER BY recognized_on DESC, id DESC");
        Ok(
            on_db!(self.db, p => sqlx::query_as::<_, RecognitionRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(person_id).fetch_all(p).await)?,
        )
    }
}

impl WriteTx {
    pub async fn insert_recognition(
        &mut self,
        person_id: Uuid,
        category: &str,
        on: Date,
        evidence: &str,
        reviewer: &str,
        now: OffsetDateTime,
    ) -> Result<i64> {
        let (id,): (i64,) = on_tx!(self, c => sqlx::query_as(
            "INSERT INTO difficult_recognitions (person_id, category, recognized_on, evidence, reviewer, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(person_id).bind(category).bind(on).bind(evidence).bind(reviewer).bind(now).fetch_one(c).await)?;
        Ok(id)
    }

    pub async fn revoke_recognition(&mut self, id: i64, on: Date, reason: &str, by: &str) -> Result<Uuid> {
        let row: Option<(Uuid,)> = on_tx!(self, c => sqlx::query_as(
            "UPDATE difficult_recognitions SET revoked_on = $1, revoke_reason = $2, revoked_by = $3 WHERE id = $4 AND revoked_on IS NULL RETURNING person_id")
            .bind(on).bind(reason).bind(by).bind(id).fetch_optional(c).await)?;
        row.map(|r| r.0).ok_or(StoreError::NotFound)
    }

    /// Recognitions of a person still in force.
    pub async fn active_recognitions(&mut self, person_id: Uuid) -> Result<i64> {
        let (n,): (i64,) = on_tx!(self, c => sqlx::query_as("SELECT COUNT(*) FROM difficult_recognitions WHERE person_id = $1 AND revoked_on IS NULL")
            .bind(person_id).fetch_one(c).await)?;
        Ok(n)
    }

    /// Replaces a person's tags (the recognition keeps the 就业困难人员 tag in step).
    pub async fn set_person_tags(&mut self, person_id: Uuid, tags: &str, now: OffsetDateTime) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE persons SET tags = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(tags).bind(now).bind(person_id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
