//! Late monthly reports of monitored enterprises and the SMS reminders about them (issue 7): which
//! monitored enterprises have no report for a month, with the sealed contact phone a reminder is
//! sent to, and which reminders were queued already.
//!
//! A reminder is an ordinary outbox message whose `purpose` names what it is about:
//! `report_reminder:<period>:<stage>:<enterprise id>` (the outbox has no enterprise column). Looking
//! them up is one pass over the outbox per run (`purpose` is not indexed); the run is daily.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Result, Store, WriteTx, on_db, on_tx};

fn sql(s: &str) -> sqlx::AssertSqlSafe<&str> {
    sqlx::AssertSqlSafe(s)
}

/// The purpose prefix of a month's reminders.
pub fn reminder_prefix(period: &str) -> String {
    format!("report_reminder:{period}:")
}

/// A monitored enterprise without a report for a month.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LateEnterprise {
    pub enterprise_id: Uuid,
    pub name: String,
    pub credit_code: String,
    pub township_code: String,
    pub industry: String,
    pub is_key: bool,
    pub commissioner: String,
    /// The enterprise's operating status (active | suspended | closed).
    pub status: String,
    pub contact_phone_enc: Option<Vec<u8>>,
    pub contact_phone_masked: Option<String>,
    pub key_version: i64,
}

/// A queued report reminder: its purpose key, outbox status and when it was queued.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReminderRecord {
    pub purpose: String,
    pub status: String,
    pub created_at: OffsetDateTime,
}

impl Store {
    /// Monitored enterprises (in a township when given) with no report for `period`, by name.
    /// Only those that owe it: monitored before `owed_before` (the opening of the month's reporting
    /// window), or already reporting earlier months.
    pub async fn monitored_without_report(
        &self,
        period: &str,
        owed_before: OffsetDateTime,
        township: Option<&str>,
    ) -> Result<Vec<LateEnterprise>> {
        let q = self.dialect(
            "SELECT m.enterprise_id, e.name, e.credit_code, e.township_code, e.industry, m.is_key, m.commissioner, e.status, \
             e.contact_phone_enc, e.contact_phone_masked, e.key_version \
             FROM monitored_enterprises m JOIN enterprises e ON e.id = m.enterprise_id \
             WHERE ($2 IS NULL OR e.township_code = $2) \
             AND NOT EXISTS (SELECT 1 FROM monthly_reports r WHERE r.enterprise_id = m.enterprise_id AND r.period = $1) \
             AND (m.added_at < $3 OR EXISTS (SELECT 1 FROM monthly_reports r WHERE r.enterprise_id = m.enterprise_id AND r.period < $1)) \
             ORDER BY m.is_key DESC, e.name, m.enterprise_id"
                .into(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, LateEnterprise>(sql(&q)).bind(period).bind(township.map(str::to_string))
            .bind(crate::db_time(owed_before)).fetch_all(p).await)?)
    }

    /// The report reminders queued for `period` (any status), oldest first.
    pub async fn report_reminders(&self, period: &str) -> Result<Vec<ReminderRecord>> {
        let prefix = reminder_prefix(period);
        let q = self.dialect("SELECT purpose, status, created_at FROM sms_outbox WHERE purpose LIKE $1 ORDER BY id".into());
        let rows: Vec<ReminderRecord> =
            on_db!(self.db, p => sqlx::query_as::<_, ReminderRecord>(sql(&q)).bind(format!("{prefix}%")).fetch_all(p).await)?;
        // LIKE reads `_` as any character: keep the exact prefix only.
        Ok(rows.into_iter().filter(|r| r.purpose.starts_with(&prefix)).collect())
    }
}

impl WriteTx {
    /// The purposes of the reminders queued for `period`, read inside the run's transaction so
    /// two servers running at once queue each reminder once.
    pub async fn report_reminder_purposes(&mut self, period: &str) -> Result<Vec<String>> {
        let prefix = reminder_prefix(period);
        let q = self.dialect("SELECT purpose FROM sms_outbox WHERE purpose LIKE $1".into());
        let rows: Vec<(String,)> = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(format!("{prefix}%")).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|r| r.0).filter(|p| p.starts_with(&prefix)).collect())
    }
}
