//! The unemployment-insurance agency's yearly statements of enterprises (参保缴费数据, migration
//! 0012): the facts of the stable-post refund (measure (二)) that only the insurance system holds.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Result, Store, StoreError, WriteTx, on_db, on_tx};

fn sql(s: &str) -> sqlx::AssertSqlSafe<&str> {
    sqlx::AssertSqlSafe(s)
}

/// One enterprise's statement for one calendar year.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct InsuranceRecord {
    pub enterprise_id: Uuid,
    pub year: i32,
    /// The enterprise takes part in unemployment insurance (依法参加失业保险).
    pub unemployment_insured: bool,
    /// Staff insured against unemployment at the statement.
    pub insured_staff: i64,
    /// Unemployment-insurance contributions actually paid in the year, enterprise and staff, in fen.
    pub ui_paid_fen: i64,
    /// Social-insurance contributions due per month, enterprise and staff, in fen.
    pub monthly_si_due_fen: i64,
    /// The file it came from (name and SHA-256).
    pub source: String,
    pub imported_by: String,
    pub imported_at: OffsetDateTime,
    pub version: i64,
}

impl InsuranceRecord {
    /// Whether the figures (not who imported them, nor when) are the same.
    pub fn same_figures(&self, other: &InsuranceRecord) -> bool {
        (self.unemployment_insured, self.insured_staff, self.ui_paid_fen, self.monthly_si_due_fen)
            == (other.unemployment_insured, other.insured_staff, other.ui_paid_fen, other.monthly_si_due_fen)
    }
}

const COLS: &str =
    "enterprise_id, year, unemployment_insured, insured_staff, ui_paid_fen, monthly_si_due_fen, source, imported_by, imported_at, version";

impl Store {
    /// Every statement of the years `from..=to` (what a scan of a date reads).
    pub async fn insurance_of_years(&self, from: i32, to: i32) -> Result<Vec<InsuranceRecord>> {
        let q = self.dialect(format!("SELECT {COLS} FROM enterprise_insurance WHERE year >= $1 AND year <= $2"));
        Ok(on_db!(self.db, p => sqlx::query_as::<_, InsuranceRecord>(sql(&q)).bind(from).bind(to).fetch_all(p).await)?)
    }

    /// Per year: (year, enterprises with a statement, of which taking part in unemployment
    /// insurance, contributions paid in fen), newest year first.
    pub async fn insurance_summary(&self) -> Result<Vec<(i32, i64, i64, i64)>> {
        let q = "SELECT year, COUNT(*), CAST(SUM(CASE WHEN unemployment_insured THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(ui_paid_fen) AS BIGINT) FROM enterprise_insurance GROUP BY year ORDER BY year DESC";
        Ok(on_db!(self.db, p => sqlx::query_as(sql(q)).fetch_all(p).await)?)
    }

    /// One enterprise's statements, newest year first.
    pub async fn insurance_of(&self, enterprise_id: Uuid) -> Result<Vec<InsuranceRecord>> {
        let q = self.dialect(format!("SELECT {COLS} FROM enterprise_insurance WHERE enterprise_id = $1 ORDER BY year DESC"));
        Ok(on_db!(self.db, p => sqlx::query_as::<_, InsuranceRecord>(sql(&q)).bind(enterprise_id).fetch_all(p).await)?)
    }
}

impl WriteTx {
    pub async fn insurance_for_update(&mut self, enterprise_id: Uuid, year: i32) -> Result<Option<InsuranceRecord>> {
        let q = self.dialect(format!("SELECT {COLS} FROM enterprise_insurance WHERE enterprise_id = $1 AND year = $2"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, InsuranceRecord>(sql(&q)).bind(enterprise_id).bind(year).fetch_optional(c).await)?)
    }

    /// Stores a year's statement: a new row (version 1), or the new figures of the stored row
    /// whose version is `expected_version` (`Conflict` when it changed meanwhile).
    pub async fn save_insurance(&mut self, r: &InsuranceRecord, expected_version: Option<i64>) -> Result<()> {
        match expected_version {
            None => {
                let q = self.dialect(format!("INSERT INTO enterprise_insurance ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)"));
                on_tx!(self, c => sqlx::query(sql(&q)).bind(r.enterprise_id).bind(r.year).bind(r.unemployment_insured).bind(r.insured_staff)
                    .bind(r.ui_paid_fen).bind(r.monthly_si_due_fen).bind(&r.source).bind(&r.imported_by).bind(r.imported_at)
                    .execute(c).await.map(|_| ()))
                .map_err(|e| crate::map_unique(e, "该企业该年度的参保缴费数据"))?;
                Ok(())
            }
            Some(v) => {
                let q = self.dialect(
                    "UPDATE enterprise_insurance SET unemployment_insured = $1, insured_staff = $2, ui_paid_fen = $3, monthly_si_due_fen = $4, \
                     source = $5, imported_by = $6, imported_at = $7, version = version + 1 WHERE enterprise_id = $8 AND year = $9 AND version = $10"
                        .into(),
                );
                let n = on_tx!(self, c => sqlx::query(sql(&q)).bind(r.unemployment_insured).bind(r.insured_staff).bind(r.ui_paid_fen)
                    .bind(r.monthly_si_due_fen).bind(&r.source).bind(&r.imported_by).bind(r.imported_at).bind(r.enterprise_id).bind(r.year)
                    .bind(v).execute(c).await.map(|r| r.rows_affected()))?;
                if n == 1 { Ok(()) } else { Err(StoreError::Conflict) }
            }
        }
    }
}
