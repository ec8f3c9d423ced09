//! Households (户): a household number groups persons of one township.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::args::{Filter, bind_args};
use crate::{Arg, Result, Scope, Store, WriteTx, on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct HouseholdRecord {
    pub id: Uuid,
    pub household_no: String,
    pub township_code: String,
    pub township_name: String,
    pub village_code: Option<String>,
    pub village_name: Option<String>,
    pub members: i64,
    pub working: i64,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    pub household_no: Option<String>,
    pub township_code: Option<String>,
    pub village_code: Option<String>,
    /// Only households with members and none of them working (employed or flexible).
    pub none_working: bool,
}

const SELECT: &str = "SELECT h.id, h.household_no, h.township_code, t.name AS township_name, h.village_code, v.name AS village_name,
    (SELECT COUNT(*) FROM persons p WHERE p.household_id = h.id) AS members,
    (SELECT COUNT(*) FROM persons p WHERE p.household_id = h.id AND p.employment_status IN ('employed', 'flexible')) AS working,
    h.created_at
    FROM households h JOIN townships t ON t.code = h.township_code LEFT JOIN villages v ON v.code = h.village_code";

impl Store {
    pub async fn get_household(&self, scope: &Scope, id: Uuid) -> Result<Option<HouseholdRecord>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "h.township_code") {
            return Ok(None);
        }
        f.push("h.id = ?", Arg::Uuid(id));
        let sql = format!("{SELECT}{}", f.where_clause());
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, HouseholdRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(p).await)?,
        )
    }

    pub async fn list_households(
        &self,
        scope: &Scope,
        filter: &HouseholdFilter,
        page: crate::persons::Page,
    ) -> Result<(Vec<HouseholdRecord>, i64)> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "h.township_code") {
            return Ok((Vec::new(), 0));
        }
        if let Some(n) = &filter.household_no {
            f.push("h.household_no = ?", Arg::Text(n.clone()));
        }
        if let Some(t) = &filter.township_code {
            f.push("h.township_code = ?", Arg::Text(t.clone()));
        }
        if let Some(v) = &filter.village_code {
            f.push("h.village_code = ?", Arg::Text(v.clone()));
        }
        if filter.none_working {
            f.push_raw("EXISTS (SELECT 1 FROM persons p WHERE p.household_id = h.id)");
            f.push_raw(
                "NOT EXISTS (SELECT 1 FROM persons p WHERE p.household_id = h.id AND p.employment_status IN ('employed', 'flexible'))",
            );
        }
        let count_sql = format!("SELECT COUNT(*) FROM households h{}", f.where_clause());
        let (total,): (i64,) =
            on_db!(self.db, p => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(count_sql.as_str())), f.args).fetch_one(p).await)?;
        let n = f.next();
        let sql = format!("{SELECT}{} ORDER BY h.household_no LIMIT ${n} OFFSET ${}", f.where_clause(), n + 1);
        let mut args = f.args.clone();
        args.push(Arg::I64(page.limit));
        args.push(Arg::I64(page.offset));
        let rows = on_db!(self.db, p => bind_args!(sqlx::query_as::<_, HouseholdRecord>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?;
        Ok((rows, total))
    }
}

/// A household as found by number during an import or a form save.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseholdKey {
    pub id: Uuid,
    pub household_no: String,
    pub township_code: String,
}

impl WriteTx {
    /// Finds households by number, creating the missing ones in the given township. Returns every
    /// household asked for, with the township it actually belongs to (the caller rejects a person
    /// whose township differs from its household's).
    pub async fn ensure_households(
        &mut self,
        wanted: &[(String, String, Option<String>)],
        new_id: &mut (dyn FnMut() -> Uuid + Send),
        now: OffsetDateTime,
    ) -> Result<Vec<HouseholdKey>> {
        let mut out = Vec::with_capacity(wanted.len());
        for chunk in wanted.chunks(300) {
            let mut args = Vec::with_capacity(chunk.len() * 6);
            let mut values = Vec::with_capacity(chunk.len());
            for (i, (no, township, village)) in chunk.iter().enumerate() {
                let b = i * 6;
                values.push(format!("(${}, ${}, ${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6));
                args.push(Arg::Uuid(new_id()));
                args.push(Arg::Text(no.clone()));
                args.push(Arg::Text(township.clone()));
                args.push(Arg::OptText(village.clone()));
                args.push(Arg::Ts(now));
                args.push(Arg::Ts(now));
            }
            let sql = format!(
                "INSERT INTO households (id, household_no, township_code, village_code, created_at, updated_at) VALUES {}
                 ON CONFLICT (household_no) DO NOTHING",
                values.join(", ")
            );
            let sql = self.dialect(sql);
            on_tx!(self, c => bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), args).execute(c).await.map(|r| r.rows_affected()))?;
            let ph: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sel =
                self.dialect(format!("SELECT id, household_no, township_code FROM households WHERE household_no IN ({})", ph.join(",")));
            let nos: Vec<Arg> = chunk.iter().map(|(n, _, _)| Arg::Text(n.clone())).collect();
            let found: Vec<HouseholdKey> = on_tx!(self, c => bind_args!(sqlx::query_as::<_, HouseholdKey>(sqlx::AssertSqlSafe(sel.as_str())), nos).fetch_all(c).await)?;
            out.extend(found);
        }
        Ok(out)
    }
}
