//! The dashboards' figures (issue 7): grouped reads over the raw tables, and the snapshot of
//! figures (`stat_cells`) that a refresh replaces in one transaction and dashboards read.
//!
//! Every grouped read returns few rows (township × month × a small dimension); what is done per
//! month (spells of registration that span months, tag lists) is finished by the caller.

use time::OffsetDateTime;

use crate::{Db, Result, Store, WriteTx, on_db, on_tx};

fn sql(s: &str) -> sqlx::AssertSqlSafe<&str> {
    sqlx::AssertSqlSafe(s)
}

/// One figure: a metric for a period ('YYYY-MM' or 'now'), a township and a dimension (program,
/// occupation major group, key-group tag, alert level; '' when none).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct StatCell {
    pub metric: String,
    pub period: String,
    pub township_code: String,
    pub dim: String,
    pub value: i64,
}

/// When the figures were last recomputed.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct StatRefresh {
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub finished_at: OffsetDateTime,
    pub cells: i64,
    pub millis: i64,
    pub refreshed_by: String,
}

/// Registration spells grouped by township, month registered, month closed (none while open) and
/// whether the close was a return to work: (township, registered month, closed month, re-employed, count).
pub type SpellGroup = (String, String, Option<String>, bool, i64);

/// Monthly reports of monitored enterprises summed by township and period: (township, period,
/// reports, headcount at end, insured, new hires, separations, layoffs).
pub type ReportGroup = (String, String, i64, i64, i64, i64, i64, i64);

/// SQLite's page cache, in KiB, while a refresh read scans a table.
const SCAN_CACHE_KIB: u64 = 2048;

impl Store {
    /// A refresh read as this backend runs it. On SQLite the statement runs between two PRAGMAs on
    /// the same connection: a small page cache while it scans (the scan streams through the
    /// operating system's cache, and SQLite's sorter spills to its temporary file sooner), then the
    /// configured cache again. Otherwise every pooled connection a read lands on fills its cache
    /// (256 MiB each by default) with pages of a one-off scan: 1.12 GiB at 7,000,000 persons
    /// (docs/BENCHMARKS.md, issue 7). Lowering the cache frees the pages above it.
    fn refresh_read(&self, q: &str) -> String {
        match self.db {
            Db::Sqlite(_) => format!("PRAGMA cache_size = -{SCAN_CACHE_KIB}; {q}; PRAGMA cache_size = -{}", self.sqlite_cache_kib),
            Db::Pg(_) => q.to_string(),
        }
    }

    /// The calendar month (China Standard Time) of a timestamp column, as 'YYYY-MM'.
    fn month_of(&self, column: &str) -> String {
        match self.db {
            Db::Sqlite(_) => format!("strftime('%Y-%m', {column}, '+8 hours')"),
            Db::Pg(_) => format!("to_char({column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"),
        }
    }

    pub async fn stat_registration_spells(&self) -> Result<Vec<SpellGroup>> {
        let q = "SELECT township_code, substr(CAST(registered_on AS TEXT), 1, 7), substr(CAST(closed_on AS TEXT), 1, 7), \
                 COALESCE(close_reason, '') IN ('employed', 'entrepreneurship'), COUNT(*) FROM registrations GROUP BY 1, 2, 3, 4";
        let q = self.refresh_read(q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    /// Registrations contacted at least once in a month: (township, month, registrations).
    pub async fn stat_contacts(&self) -> Result<Vec<(String, String, i64)>> {
        // One row per registration and month contacted (kept by a trigger, migration 0011), so
        // this is a count over an index, not a COUNT(DISTINCT) that sorts every contact.
        let q = "SELECT township_code, month, COUNT(*) FROM contact_months GROUP BY 1, 2";
        let q = self.refresh_read(q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    /// Persons by township and stored tag list: (township, tags, persons).
    pub async fn stat_person_tags(&self) -> Result<Vec<(String, String, i64)>> {
        let q = "SELECT township_code, tags, COUNT(*) FROM persons WHERE tags <> '' GROUP BY 1, 2";
        let q = self.refresh_read(q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    /// Open posts of published vacancies: (township, occupation major group, posts not filled).
    pub async fn stat_open_posts(&self) -> Result<Vec<(String, String, i64)>> {
        let q = "SELECT township_code, substr(occupation_code, 1, 1), CAST(SUM(posts - filled) AS BIGINT) FROM vacancies \
                 WHERE status = 'published' GROUP BY 1, 2";
        let q = self.refresh_read(q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    /// Posts published per month: (township, month, posts).
    pub async fn stat_posts_published(&self) -> Result<Vec<(String, String, i64)>> {
        let q = format!(
            "SELECT township_code, {}, CAST(SUM(posts) AS BIGINT) FROM vacancies WHERE published_at IS NOT NULL GROUP BY 1, 2",
            self.month_of("published_at")
        );
        let q = self.refresh_read(&q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    /// Active job seekers by township and stored occupation list: (township, codes, seekers).
    pub async fn stat_seekers(&self) -> Result<Vec<(String, String, i64)>> {
        let q = "SELECT township_code, occupation_codes, COUNT(*) FROM job_seekers WHERE active GROUP BY 1, 2";
        let q = self.refresh_read(q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    pub async fn stat_reports(&self) -> Result<Vec<ReportGroup>> {
        let q = "SELECT e.township_code, r.period, COUNT(*), CAST(SUM(r.headcount_end) AS BIGINT), CAST(SUM(r.insured) AS BIGINT), \
                 CAST(SUM(r.new_hires) AS BIGINT), CAST(SUM(r.separations) AS BIGINT), CAST(SUM(r.layoffs) AS BIGINT) \
                 FROM monthly_reports r JOIN enterprises e ON e.id = r.enterprise_id GROUP BY 1, 2";
        let q = self.refresh_read(q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    /// Alerts by township, period and level: (township, period, level, alerts).
    pub async fn stat_alerts(&self) -> Result<Vec<(String, String, String, i64)>> {
        let q = "SELECT e.township_code, a.period, a.level, COUNT(*) FROM alerts a JOIN enterprises e ON e.id = a.enterprise_id GROUP BY 1, 2, 3";
        let q = self.refresh_read(q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    /// Ledger amounts (grants less cancellations and clawbacks) by township, month of entry and
    /// program: (township, month, program, fen).
    pub async fn stat_committed(&self) -> Result<Vec<(String, String, String, i64)>> {
        let q = format!(
            "SELECT township_code, {}, program, CAST(SUM(amount_fen) AS BIGINT) FROM ledger_entries GROUP BY 1, 2, 3",
            self.month_of("created_at")
        );
        let q = self.refresh_read(&q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    /// Amounts the bank confirmed paid, by township, month of the result and program.
    pub async fn stat_paid(&self) -> Result<Vec<(String, String, String, i64)>> {
        let q = format!(
            "SELECT l.township_code, {}, l.program, CAST(SUM(l.amount_fen) AS BIGINT) FROM payment_results r \
             JOIN ledger_entries l ON l.id = r.entry_id WHERE r.outcome = 'paid' GROUP BY 1, 2, 3",
            self.month_of("r.at")
        );
        let q = self.refresh_read(&q);
        Ok(on_db!(self.db, p => sqlx::query_as(sql(&q)).fetch_all(p).await)?)
    }

    /// The stored figures of months `from..=to` and of the current state, in one township or all.
    pub async fn stat_cells(&self, from: &str, to: &str, township: Option<&str>) -> Result<Vec<StatCell>> {
        let q = self.dialect(
            "SELECT metric, period, township_code, dim, value FROM stat_cells \
             WHERE (period = 'now' OR (period >= $1 AND period <= $2)) AND ($3 IS NULL OR township_code = $3)"
                .into(),
        );
        Ok(
            on_db!(self.db, p => sqlx::query_as::<_, StatCell>(sql(&q)).bind(from).bind(to).bind(township.map(str::to_string)).fetch_all(p).await)?,
        )
    }

    pub async fn last_stat_refresh(&self) -> Result<Option<StatRefresh>> {
        let q = "SELECT started_at, finished_at, cells, millis, refreshed_by FROM stat_refreshes ORDER BY id DESC LIMIT 1";
        Ok(on_db!(self.db, p => sqlx::query_as::<_, StatRefresh>(sql(q)).fetch_optional(p).await)?)
    }
}

/// Rows per INSERT statement (5 parameters each, well under SQLite's limit of 32,766).
const CELLS_PER_INSERT: usize = 400;

impl WriteTx {
    /// Replaces every stored figure with `cells` and records the refresh.
    pub async fn replace_stat_cells(&mut self, cells: &[StatCell], refresh: &StatRefresh) -> Result<()> {
        on_tx!(self, c => sqlx::query("DELETE FROM stat_cells").execute(c).await.map(|_| ()))?;
        for chunk in cells.chunks(CELLS_PER_INSERT) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${}, ${}, ${}, ${})", 5 * i + 1, 5 * i + 2, 5 * i + 3, 5 * i + 4, 5 * i + 5))
                .collect();
            let q =
                self.dialect(format!("INSERT INTO stat_cells (metric, period, township_code, dim, value) VALUES {}", values.join(", ")));
            on_tx!(self, c => {
                let mut query = sqlx::query(sql(&q));
                for cell in chunk {
                    query = query.bind(&cell.metric).bind(&cell.period).bind(&cell.township_code).bind(&cell.dim).bind(cell.value);
                }
                query.execute(c).await.map(|_| ())
            })?;
        }
        let q = self.dialect(
            "INSERT INTO stat_refreshes (started_at, finished_at, cells, millis, refreshed_by) VALUES ($1, $2, $3, $4, $5)".into(),
        );
        on_tx!(self, c => sqlx::query(sql(&q)).bind(refresh.started_at).bind(refresh.finished_at).bind(refresh.cells).bind(refresh.millis)
            .bind(&refresh.refreshed_by).execute(c).await.map(|_| ()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A refresh read scans with a small page cache and gives the connection its configured cache
    /// back: the trailing PRAGMA of the statement ran.
    #[tokio::test]
    async fn a_refresh_read_restores_the_connections_page_cache() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let opts = crate::ConnectOptions { max_connections: 1, sqlite_cache_mib: 48, ..Default::default() };
        let store = Store::connect(&url, &opts).await.unwrap();
        store.migrate().await.unwrap();
        let Db::Sqlite(pool) = &store.db else { unreachable!() };
        assert!(store.stat_contacts().await.unwrap().is_empty());
        let (kib,): (i64,) = sqlx::query_as("PRAGMA cache_size").fetch_one(pool).await.unwrap();
        assert_eq!(kib, -48 * 1024);
        assert!(store.stat_person_tags().await.unwrap().is_empty());
        let (kib,): (i64,) = sqlx::query_as("PRAGMA cache_size").fetch_one(pool).await.unwrap();
        assert_eq!(kib, -48 * 1024);
    }
}
