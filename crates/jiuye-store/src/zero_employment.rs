//! Zero-employment households (零就业家庭): which households have a working-age member registered as
//! unemployed and none employed, derived by one query from the members; and the history of periods,
//! opened and cleared by `refresh_zero_employment` (动态清零).
//!
//! Working age is passed in as birth-date bounds per sex, computed by the caller from the statutory
//! retirement rules (`WorkingAge`), so the query is the same on both backends.

use time::Date;
use uuid::Uuid;

use crate::args::{Filter, bind_args};
use crate::{Arg, Result, Scope, Store, WriteTx, on_db, on_tx};

/// Birth dates of persons of working age on a day: born on or before `adult` (16 years old) and
/// after `male_retired` / `female_retired` (the latest birth date already retired).
#[derive(Debug, Clone, Copy)]
pub struct WorkingAge {
    pub adult: Date,
    pub male_retired: Date,
    pub female_retired: Date,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ZeroRecord {
    pub id: i64,
    pub household_id: Uuid,
    pub household_no: String,
    pub township_code: String,
    pub township_name: String,
    pub started_on: Date,
    pub cleared_on: Option<Date>,
    pub cleared_reason: Option<String>,
}

fn working(alias: &str, f: &mut Filter, w: &WorkingAge) -> String {
    f.args.push(Arg::Date(w.adult));
    let a = f.args.len();
    f.args.push(Arg::Date(w.male_retired));
    let m = a + 1;
    f.args.push(Arg::Date(w.female_retired));
    let fe = a + 2;
    format!(
        "{alias}.birth_date <= ${a} AND (({alias}.sex = 'M' AND {alias}.birth_date > ${m}) OR ({alias}.sex = 'F' AND {alias}.birth_date > ${fe}))"
    )
}

/// The query of the households that are zero-employment now, optionally one household.
fn derive_sql(w: &WorkingAge, household: Option<Uuid>) -> (String, Vec<Arg>) {
    let mut f = Filter::default();
    let unemployed = working("u", &mut f, w);
    let employed = working("e", &mut f, w);
    let mut sql = format!(
        "SELECT h.id, h.township_code FROM households h
         WHERE EXISTS (SELECT 1 FROM persons u WHERE u.household_id = h.id AND u.employment_status = 'unemployed' AND {unemployed})
           AND NOT EXISTS (SELECT 1 FROM persons e WHERE e.household_id = h.id AND e.employment_status IN ('employed', 'flexible') AND {employed})"
    );
    if let Some(h) = household {
        f.args.push(Arg::Uuid(h));
        sql.push_str(&format!(" AND h.id = ${}", f.args.len()));
    }
    (sql, f.args)
}

const SELECT: &str = "SELECT z.id, z.household_id, h.household_no, z.township_code, t.name AS township_name, z.started_on, z.cleared_on,
    z.cleared_reason FROM zero_employment z JOIN households h ON h.id = z.household_id JOIN townships t ON t.code = z.township_code";

impl Store {
    /// Current (`open`) or cleared periods in scope, optionally one township; newest first for
    /// cleared, longest-open first for current.
    pub async fn zero_employment(&self, scope: &Scope, township: Option<&str>, open: bool, limit: i64) -> Result<Vec<ZeroRecord>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "z.township_code") {
            return Ok(Vec::new());
        }
        if let Some(t) = township {
            f.push("z.township_code = ?", Arg::Text(t.to_string()));
        }
        f.push_raw(if open { "z.cleared_on IS NULL" } else { "z.cleared_on IS NOT NULL" });
        let order = if open { "z.started_on, z.id" } else { "z.cleared_on DESC, z.id DESC" };
        let n = f.next();
        f.args.push(Arg::I64(limit));
        let sql = format!("{SELECT}{} ORDER BY {order} LIMIT ${n}", f.where_clause());
        Ok(on_db!(self.db, p => bind_args!(sqlx::query_as::<_, ZeroRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_all(p).await)?)
    }

    /// The open period of one household, if any.
    pub async fn zero_employment_of(&self, household_id: Uuid) -> Result<Vec<ZeroRecord>> {
        let sql = format!("{SELECT} WHERE z.household_id = $1 ORDER BY z.started_on DESC, z.id DESC");
        Ok(on_db!(self.db, p => sqlx::query_as::<_, ZeroRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(household_id).fetch_all(p).await)?)
    }
}

/// What a refresh changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ZeroRefresh {
    pub opened: u64,
    pub cleared: u64,
}

impl WriteTx {
    /// Brings the periods in line with the members (all households, or one): opens a period for a
    /// household that became zero-employment, clears the open one of a household that no longer is.
    /// `started_on` and `cleared_on` are `on`.
    pub async fn refresh_zero_employment(&mut self, w: &WorkingAge, household: Option<Uuid>, on: Date) -> Result<ZeroRefresh> {
        let (sql, args) = derive_sql(w, household);
        let sql = self.dialect(sql);
        let now_zero: Vec<(Uuid, String)> =
            on_tx!(self, c => bind_args!(sqlx::query_as::<_, (Uuid, String)>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(c).await)?;
        let open: Vec<(Uuid,)> = match household {
            Some(h) => {
                on_tx!(self, c => sqlx::query_as("SELECT household_id FROM zero_employment WHERE cleared_on IS NULL AND household_id = $1")
                .bind(h).fetch_all(c).await)?
            }
            None => {
                on_tx!(self, c => sqlx::query_as("SELECT household_id FROM zero_employment WHERE cleared_on IS NULL").fetch_all(c).await)?
            }
        };
        let open: std::collections::HashSet<Uuid> = open.into_iter().map(|(h,)| h).collect();
        let zero: std::collections::HashSet<Uuid> = now_zero.iter().map(|(h, _)| *h).collect();
        let mut r = ZeroRefresh::default();
        for (h, township) in &now_zero {
            if !open.contains(h) {
                on_tx!(self, c => sqlx::query("INSERT INTO zero_employment (household_id, township_code, started_on) VALUES ($1, $2, $3)")
                    .bind(*h).bind(township).bind(on).execute(c).await.map(|x| x.rows_affected()))?;
                r.opened += 1;
            }
        }
        for h in open.difference(&zero) {
            // Cleared because a member works, or because nobody of working age is unemployed any more.
            let mut f = Filter::default();
            let employed = working("e", &mut f, w);
            f.args.push(Arg::Uuid(*h));
            let sql = format!(
                "SELECT COUNT(*) FROM persons e WHERE e.household_id = ${} AND e.employment_status IN ('employed', 'flexible') AND {employed}",
                f.args.len()
            );
            let (n,): (i64,) = on_tx!(self, c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_one(c).await)?;
            let reason = if n > 0 { "member_employed" } else { "no_unemployed_member" };
            on_tx!(self, c => sqlx::query("UPDATE zero_employment SET cleared_on = $1, cleared_reason = $2 WHERE household_id = $3 AND cleared_on IS NULL")
                .bind(on).bind(reason).bind(*h).execute(c).await.map(|x| x.rows_affected()))?;
            r.cleared += 1;
        }
        Ok(r)
    }

    /// The household of a person (for refreshing after a change of its members).
    pub async fn household_of_person(&mut self, person_id: Uuid) -> Result<Option<Uuid>> {
        let row: Option<(Option<Uuid>,)> = on_tx!(self, c => sqlx::query_as("SELECT household_id FROM persons WHERE id = $1")
            .bind(person_id).fetch_optional(c).await)?;
        Ok(row.and_then(|r| r.0))
    }

    /// For demo data only: moves the start of an open period back to when it began.
    pub async fn backdate_zero_employment(&mut self, household_id: Uuid, started_on: Date) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE zero_employment SET started_on = $1 WHERE household_id = $2 AND cleared_on IS NULL")
            .bind(started_on).bind(household_id).execute(c).await.map(|x| x.rows_affected()))?;
        Ok(())
    }
}
