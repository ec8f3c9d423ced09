//! Monitored enterprises, their monthly reports and the alerts the reports raise (issue 7).

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Result, Store, StoreError, WriteTx, on_db, on_tx};

fn sql(s: &str) -> sqlx::AssertSqlSafe<&str> {
    sqlx::AssertSqlSafe(s)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MonitoredRecord {
    pub enterprise_id: Uuid,
    pub name: String,
    pub credit_code: String,
    pub township_code: String,
    pub industry: String,
    pub is_key: bool,
    pub commissioner: String,
    pub reason: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReportRecord {
    pub id: i64,
    pub enterprise_id: Uuid,
    pub period: String,
    pub headcount_start: i64,
    pub new_hires: i64,
    pub separations: i64,
    pub layoffs: i64,
    pub headcount_end: i64,
    pub insured: i64,
    pub vacancies: i64,
    pub production_status: String,
    pub difficulties: String,
    pub channel: String,
    pub reported_by: String,
    pub reported_at: OffsetDateTime,
    pub version: i64,
}

const REPORT_COLS: &str = "id, enterprise_id, period, headcount_start, new_hires, separations, layoffs, headcount_end, insured, vacancies, \
    production_status, difficulties, channel, reported_by, reported_at, version";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AlertRow {
    pub id: i64,
    pub enterprise_id: Uuid,
    pub name: String,
    pub credit_code: String,
    pub township_code: String,
    pub industry: String,
    pub period: String,
    pub rule: String,
    pub level: String,
    pub message: String,
    pub status: String,
    pub owner: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A report's figures as written.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub enterprise_id: Uuid,
    pub period: &'a str,
    pub figures: &'a jiuye_domain::monitoring::Figures,
    pub difficulties: &'a str,
    pub channel: &'a str,
    pub reported_by: &'a str,
    pub at: OffsetDateTime,
}

impl Store {
    pub async fn monitored(&self, enterprise_id: Uuid) -> Result<Option<MonitoredRecord>> {
        let q = self.dialect(
            "SELECT m.enterprise_id, e.name, e.credit_code, e.township_code, e.industry, m.is_key, m.commissioner, m.reason \
             FROM monitored_enterprises m JOIN enterprises e ON e.id = m.enterprise_id WHERE m.enterprise_id = $1"
                .into(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, MonitoredRecord>(sql(&q)).bind(enterprise_id).fetch_optional(p).await)?)
    }

    /// Monitored enterprises (in a township when given).
    pub async fn list_monitored(&self, township: Option<&str>) -> Result<Vec<MonitoredRecord>> {
        let q = self.dialect(
            "SELECT m.enterprise_id, e.name, e.credit_code, e.township_code, e.industry, m.is_key, m.commissioner, m.reason \
             FROM monitored_enterprises m JOIN enterprises e ON e.id = m.enterprise_id WHERE ($1 IS NULL OR e.township_code = $1) \
             ORDER BY m.is_key DESC, e.name"
                .into(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, MonitoredRecord>(sql(&q)).bind(township.map(str::to_string)).fetch_all(p).await)?)
    }

    pub async fn report(&self, enterprise_id: Uuid, period: &str) -> Result<Option<ReportRecord>> {
        let q = self.dialect(format!("SELECT {REPORT_COLS} FROM monthly_reports WHERE enterprise_id = $1 AND period = $2"));
        Ok(on_db!(self.db, p => sqlx::query_as::<_, ReportRecord>(sql(&q)).bind(enterprise_id).bind(period).fetch_optional(p).await)?)
    }

    /// An enterprise's reports, newest first.
    pub async fn reports_of(&self, enterprise_id: Uuid, limit: i64) -> Result<Vec<ReportRecord>> {
        let q = self.dialect(format!("SELECT {REPORT_COLS} FROM monthly_reports WHERE enterprise_id = $1 ORDER BY period DESC LIMIT $2"));
        Ok(on_db!(self.db, p => sqlx::query_as::<_, ReportRecord>(sql(&q)).bind(enterprise_id).bind(limit).fetch_all(p).await)?)
    }

    /// Alerts, newest period first, filtered by period, township and minimum level codes.
    pub async fn list_alerts(&self, period: Option<&str>, township: Option<&str>, limit: i64) -> Result<Vec<AlertRow>> {
        let q = self.dialect(
            "SELECT a.id, a.enterprise_id, e.name, e.credit_code, e.township_code, e.industry, a.period, a.rule, a.level, a.message, a.status, \
             a.owner, a.created_at, a.updated_at FROM alerts a JOIN enterprises e ON e.id = a.enterprise_id \
             WHERE ($1 IS NULL OR a.period = $1) AND ($2 IS NULL OR e.township_code = $2) \
             ORDER BY a.period DESC, CASE a.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END, e.name, a.rule LIMIT $3"
                .into(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, AlertRow>(sql(&q))
            .bind(period.map(str::to_string)).bind(township.map(str::to_string)).bind(limit).fetch_all(p).await)?)
    }

    /// Per enterprise, over the months of `year`: (enterprise, months reported, layoffs summed,
    /// insured staff summed) — what the stable-post refund's layoff rate reads.
    pub async fn report_totals_of_year(&self, year: i32) -> Result<Vec<(Uuid, i64, i64, i64)>> {
        let q = self.dialect(
            "SELECT enterprise_id, COUNT(*), CAST(SUM(layoffs) AS BIGINT), CAST(SUM(insured) AS BIGINT) FROM monthly_reports \
             WHERE period >= $1 AND period <= $2 GROUP BY enterprise_id"
                .into(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).bind(format!("{year}-01")).bind(format!("{year}-12")).fetch_all(p).await)?)
    }

    /// One enterprise's months reported, layoffs and insured staff summed over `year`.
    pub async fn report_totals_of(&self, enterprise_id: Uuid, year: i32) -> Result<(i64, i64, i64)> {
        let q = self.dialect(
            "SELECT COUNT(*), CAST(COALESCE(SUM(layoffs), 0) AS BIGINT), CAST(COALESCE(SUM(insured), 0) AS BIGINT) FROM monthly_reports \
             WHERE enterprise_id = $1 AND period >= $2 AND period <= $3"
                .into(),
        );
        Ok(
            on_db!(self.db, p => sqlx::query_as(sql(&q)).bind(enterprise_id).bind(format!("{year}-01")).bind(format!("{year}-12")).fetch_one(p).await)?,
        )
    }

    /// Key enterprises with no report for a period that owe it: monitored before `owed_before`
    /// (the opening of the month's reporting window), or already reporting earlier months.
    pub async fn key_enterprises_without_report(&self, period: &str, owed_before: OffsetDateTime) -> Result<Vec<MonitoredRecord>> {
        let q = self.dialect(
            "SELECT m.enterprise_id, e.name, e.credit_code, e.township_code, e.industry, m.is_key, m.commissioner, m.reason \
             FROM monitored_enterprises m JOIN enterprises e ON e.id = m.enterprise_id \
             WHERE m.is_key AND NOT EXISTS (SELECT 1 FROM monthly_reports r WHERE r.enterprise_id = m.enterprise_id AND r.period = $1) \
             AND (m.added_at < $2 OR EXISTS (SELECT 1 FROM monthly_reports r WHERE r.enterprise_id = m.enterprise_id AND r.period < $1)) \
             ORDER BY e.name"
                .into(),
        );
        Ok(
            on_db!(self.db, p => sqlx::query_as::<_, MonitoredRecord>(sql(&q)).bind(period).bind(crate::db_time(owed_before)).fetch_all(p).await)?,
        )
    }
}

/// A filed layoff plan with the result of its checks.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct LayoffPlan {
    pub id: i64,
    pub enterprise_id: Uuid,
    pub people: i64,
    pub staff_total: i64,
    pub layoff_date: time::Date,
    pub notified_on: Option<time::Date>,
    pub placement_plan: String,
    pub notice_days: Option<i64>,
    pub statutory: bool,
    /// JSON array of what is missing or wrong.
    pub missing: String,
    pub filed_by: String,
    pub filed_at: OffsetDateTime,
}

impl Store {
    pub async fn layoff_plans_of(&self, enterprise_id: Uuid) -> Result<Vec<LayoffPlan>> {
        let q = self.dialect(
            "SELECT id, enterprise_id, people, staff_total, layoff_date, notified_on, placement_plan, notice_days, statutory, missing, filed_by, filed_at \
             FROM layoff_plans WHERE enterprise_id = $1 ORDER BY layoff_date DESC, id DESC"
                .into(),
        );
        Ok(on_db!(self.db, p => sqlx::query_as::<_, LayoffPlan>(sql(&q)).bind(enterprise_id).fetch_all(p).await)?)
    }
}

impl WriteTx {
    pub async fn insert_layoff_plan(&mut self, p: &LayoffPlan) -> Result<i64> {
        let q = self.dialect(
            "INSERT INTO layoff_plans (enterprise_id, people, staff_total, layoff_date, notified_on, placement_plan, notice_days, statutory, missing, filed_by, filed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"
                .into(),
        );
        let (id,): (i64,) = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(p.enterprise_id).bind(p.people).bind(p.staff_total).bind(p.layoff_date)
            .bind(p.notified_on).bind(&p.placement_plan).bind(p.notice_days).bind(p.statutory).bind(&p.missing).bind(&p.filed_by).bind(p.filed_at)
            .fetch_one(c).await)?;
        Ok(id)
    }

    /// Open alerts of an enterprise for a month: (id, rule).
    pub async fn open_alerts(&mut self, enterprise_id: Uuid, period: &str) -> Result<Vec<(i64, String)>> {
        let q =
            self.dialect("SELECT id, rule FROM alerts WHERE enterprise_id = $1 AND period = $2 AND status <> 'closed' ORDER BY id".into());
        Ok(on_tx!(self, c => sqlx::query_as(sql(&q)).bind(enterprise_id).bind(period).fetch_all(c).await)?)
    }

    pub async fn upsert_monitored(
        &mut self,
        enterprise_id: Uuid,
        is_key: bool,
        commissioner: &str,
        reason: &str,
        by_at: (&str, OffsetDateTime),
    ) -> Result<()> {
        let q = self.dialect(
            "INSERT INTO monitored_enterprises (enterprise_id, is_key, commissioner, reason, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (enterprise_id) DO UPDATE SET is_key = excluded.is_key, commissioner = excluded.commissioner, reason = excluded.reason"
                .into(),
        );
        on_tx!(self, c => sqlx::query(sql(&q)).bind(enterprise_id).bind(is_key).bind(commissioner).bind(reason).bind(by_at.0).bind(by_at.1)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn report_for_update(&mut self, enterprise_id: Uuid, period: &str) -> Result<Option<ReportRecord>> {
        let q = self.dialect(format!("SELECT {REPORT_COLS} FROM monthly_reports WHERE enterprise_id = $1 AND period = $2"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, ReportRecord>(sql(&q)).bind(enterprise_id).bind(period).fetch_optional(c).await)?)
    }

    /// Inserts the month's report, or replaces the figures of an existing one whose version is
    /// `expected_version` (`Conflict` otherwise).
    pub async fn save_report(&mut self, r: &NewReport<'_>, expected_version: Option<i64>) -> Result<i64> {
        let f = r.figures;
        match expected_version {
            None => {
                let q = self.dialect(format!(
                    "INSERT INTO monthly_reports ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1) RETURNING id",
                    REPORT_COLS.trim_start_matches("id, ")
                ));
                let (id,): (i64,) = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(r.enterprise_id).bind(r.period).bind(f.headcount_start)
                    .bind(f.new_hires).bind(f.separations).bind(f.layoffs).bind(f.headcount_end).bind(f.insured).bind(f.vacancies)
                    .bind(&f.production_status).bind(r.difficulties).bind(r.channel).bind(r.reported_by).bind(r.at).fetch_one(c).await)
                .map_err(|e| crate::map_unique(e, "本月报表"))?;
                Ok(id)
            }
            Some(v) => {
                let q = self.dialect(
                    "UPDATE monthly_reports SET headcount_start = $1, new_hires = $2, separations = $3, layoffs = $4, headcount_end = $5, \
                     insured = $6, vacancies = $7, production_status = $8, difficulties = $9, channel = $10, reported_by = $11, reported_at = $12, \
                     version = version + 1 WHERE enterprise_id = $13 AND period = $14 AND version = $15 RETURNING id"
                        .into(),
                );
                let row: Option<(i64,)> = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(f.headcount_start).bind(f.new_hires).bind(f.separations)
                    .bind(f.layoffs).bind(f.headcount_end).bind(f.insured).bind(f.vacancies).bind(&f.production_status).bind(r.difficulties)
                    .bind(r.channel).bind(r.reported_by).bind(r.at).bind(r.enterprise_id).bind(r.period).bind(v).fetch_optional(c).await)?;
                row.map(|r| r.0).ok_or(StoreError::Conflict)
            }
        }
    }

    /// Raises an alert, or raises its level when it exists at a lower one. Returns the alert id
    /// and what happened: "raised", "level_raised" or "unchanged".
    pub async fn raise_alert(
        &mut self,
        enterprise_id: Uuid,
        period: &str,
        finding: &jiuye_domain::monitoring::Finding,
        owner: &str,
        now: OffsetDateTime,
    ) -> Result<(i64, &'static str)> {
        let q = self.dialect("SELECT id, level FROM alerts WHERE enterprise_id = $1 AND period = $2 AND rule = $3".into());
        let existing: Option<(i64, String)> =
            on_tx!(self, c => sqlx::query_as(sql(&q)).bind(enterprise_id).bind(period).bind(finding.rule).fetch_optional(c).await)?;
        match existing {
            None => {
                let q = self.dialect(
                    "INSERT INTO alerts (enterprise_id, period, rule, level, message, status, owner, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $7) RETURNING id"
                        .into(),
                );
                let (id,): (i64,) = on_tx!(self, c => sqlx::query_as(sql(&q)).bind(enterprise_id).bind(period).bind(finding.rule)
                    .bind(finding.level.code()).bind(&finding.message).bind(owner).bind(now).fetch_one(c).await)?;
                Ok((id, "raised"))
            }
            Some((id, level)) => {
                let old = jiuye_domain::monitoring::Level::from_code(&level);
                if old.is_some_and(|o| o >= finding.level) {
                    return Ok((id, "unchanged"));
                }
                let q = self.dialect("UPDATE alerts SET level = $1, message = $2, status = 'open', updated_at = $3 WHERE id = $4".into());
                on_tx!(self, c => sqlx::query(sql(&q)).bind(finding.level.code()).bind(&finding.message).bind(now).bind(id)
                    .execute(c).await.map(|_| ()))?;
                Ok((id, "level_raised"))
            }
        }
    }

    pub async fn alert_action(&mut self, alert_id: i64, action: &str, note: &str, actor: &str, now: OffsetDateTime) -> Result<()> {
        let q = self.dialect("INSERT INTO alert_actions (alert_id, action, note, actor, at) VALUES ($1, $2, $3, $4, $5)".into());
        on_tx!(self, c => sqlx::query(sql(&q)).bind(alert_id).bind(action).bind(note).bind(actor).bind(now).execute(c).await.map(|_| ()))?;
        Ok(())
    }
}

// ---- Alert handling, an enterprise's alerts, and the monthly-report import (issue 7, second part).

/// One entry of an alert's append-only history.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AlertActionRecord {
    pub id: i64,
    pub alert_id: i64,
    pub action: String,
    pub note: String,
    pub actor: String,
    pub at: OffsetDateTime,
}

/// An enterprise as the report import finds it by credit code.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReportTarget {
    pub credit_code: String,
    pub enterprise_id: Uuid,
    pub name: String,
    pub township_code: String,
    pub monitored: bool,
    pub commissioner: String,
}

const ALERT_SELECT: &str = "SELECT a.id, a.enterprise_id, e.name, e.credit_code, e.township_code, e.industry, a.period, a.rule, a.level, \
    a.message, a.status, a.owner, a.created_at, a.updated_at FROM alerts a JOIN enterprises e ON e.id = a.enterprise_id";

impl Store {
    /// One alert with its enterprise.
    pub async fn alert(&self, id: i64) -> Result<Option<AlertRow>> {
        let q = self.dialect(format!("{ALERT_SELECT} WHERE a.id = $1"));
        Ok(on_db!(self.db, p => sqlx::query_as::<_, AlertRow>(sql(&q)).bind(id).fetch_optional(p).await)?)
    }

    /// An alert's history, oldest first.
    pub async fn alert_actions(&self, alert_id: i64) -> Result<Vec<AlertActionRecord>> {
        let q = self.dialect("SELECT id, alert_id, action, note, actor, at FROM alert_actions WHERE alert_id = $1 ORDER BY id".into());
        Ok(on_db!(self.db, p => sqlx::query_as::<_, AlertActionRecord>(sql(&q)).bind(alert_id).fetch_all(p).await)?)
    }

    /// An enterprise's alerts, newest month first, red first.
    pub async fn alerts_of(&self, enterprise_id: Uuid, limit: i64) -> Result<Vec<AlertRow>> {
        let q = self.dialect(format!(
            "{ALERT_SELECT} WHERE a.enterprise_id = $1 \
             ORDER BY a.period DESC, CASE a.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END, a.rule LIMIT $2"
        ));
        Ok(on_db!(self.db, p => sqlx::query_as::<_, AlertRow>(sql(&q)).bind(enterprise_id).bind(limit).fetch_all(p).await)?)
    }

    /// The enterprises of these credit codes, with whether they are monitored.
    pub async fn report_targets(&self, codes: &[String]) -> Result<Vec<ReportTarget>> {
        let mut out = Vec::new();
        for chunk in codes.chunks(500) {
            let ph: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let q = self.dialect(format!(
                "SELECT e.credit_code, e.id AS enterprise_id, e.name, e.township_code, \
                 CASE WHEN m.enterprise_id IS NULL THEN FALSE ELSE TRUE END AS monitored, COALESCE(m.commissioner, '') AS commissioner \
                 FROM enterprises e LEFT JOIN monitored_enterprises m ON m.enterprise_id = e.id WHERE e.credit_code IN ({})",
                ph.join(",")
            ));
            let rows: Vec<ReportTarget> = on_db!(self.db, p => {
                let mut query = sqlx::query_as::<_, ReportTarget>(sql(&q));
                for c in chunk {
                    query = query.bind(c.clone());
                }
                query.fetch_all(p).await
            })?;
            out.extend(rows);
        }
        Ok(out)
    }
}

impl WriteTx {
    /// Moves an alert from `expected` to `status` (and sets its owner when given); `Conflict` when
    /// its status is no longer `expected` (someone else acted first).
    pub async fn set_alert_status(
        &mut self,
        id: i64,
        expected: &str,
        status: &str,
        owner: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let q = self
            .dialect("UPDATE alerts SET status = $1, owner = COALESCE($2, owner), updated_at = $3 WHERE id = $4 AND status = $5".into());
        let n = on_tx!(self, c => sqlx::query(sql(&q)).bind(status).bind(owner.map(str::to_string)).bind(now).bind(id).bind(expected)
            .execute(c).await.map(|r| r.rows_affected()))?;
        if n == 1 { Ok(()) } else { Err(StoreError::Conflict) }
    }
}
