//! Persons of the real-name registry. ID numbers and phones are stored as ciphertext plus a blind
//! index (exact lookup, uniqueness), the masked form (display) and the last four characters (search).

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::args::{Filter, bind_args, prefix_upper};
use crate::{Arg, Result, Scope, Store, StoreError, TxConn, WriteTx, map_unique, on_db, on_tx};

/// A person as lists and detail pages show it: masked, with names of its divisions.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PersonRecord {
    pub id: Uuid,
    pub name: String,
    pub id_masked: String,
    pub sex: String,
    pub birth_date: Date,
    pub phone_masked: Option<String>,
    pub township_code: String,
    pub township_name: String,
    pub village_code: Option<String>,
    pub village_name: Option<String>,
    pub household_id: Option<Uuid>,
    pub household_no: Option<String>,
    pub tags: String,
    pub education: Option<String>,
    pub graduation_date: Option<Date>,
    pub employment_status: String,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A person as the policy scan reads them: the columns it uses and the sealed ID number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScanPersonRow {
    pub id: Uuid,
    pub name: String,
    pub id_masked: String,
    pub township_code: String,
    pub township_name: String,
    pub tags: String,
    pub graduation_date: Option<Date>,
    pub employment_status: String,
    pub id_enc: Vec<u8>,
    pub key_version: i64,
}

/// Everything stored for a person; the sensitive values already sealed by the caller.
#[derive(Debug, Clone)]
pub struct PersonWrite {
    pub name: String,
    pub id_bidx: Vec<u8>,
    pub id_enc: Vec<u8>,
    pub id_masked: String,
    pub id_last4: String,
    pub sex: String,
    pub birth_date: Date,
    pub phone_bidx: Option<Vec<u8>>,
    pub phone_enc: Option<Vec<u8>>,
    pub phone_masked: Option<String>,
    pub phone_last4: Option<String>,
    pub township_code: String,
    pub village_code: Option<String>,
    pub household_id: Option<Uuid>,
    pub tags: String,
    pub education: Option<String>,
    pub graduation_date: Option<Date>,
    pub employment_status: String,
    pub key_version: i64,
}

/// The sealed values of one person, for the audited reveal.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonSecrets {
    pub id_enc: Vec<u8>,
    pub phone_enc: Option<Vec<u8>>,
    pub key_version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Name prefix (surname or full name).
    pub name_prefix: Option<String>,
    pub id_bidx: Option<Vec<u8>>,
    pub id_last4: Option<String>,
    pub phone_bidx: Option<Vec<u8>>,
    pub phone_last4: Option<String>,
    pub township_code: Option<String>,
    pub village_code: Option<String>,
    pub tag: Option<String>,
    pub household_id: Option<Uuid>,
    pub employment_status: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

macro_rules! person_cols {
    () => {
        "SELECT p.id, p.name, p.id_masked, p.sex, p.birth_date, p.phone_masked, p.township_code, t.name AS township_name,
    p.village_code, v.name AS village_name, p.household_id, h.household_no, p.tags, p.education, p.graduation_date,
    p.employment_status, p.version, p.created_at, p.updated_at"
    };
}
macro_rules! person_joins {
    () => {
        " JOIN townships t ON t.code = p.township_code
    LEFT JOIN villages v ON v.code = p.village_code
    LEFT JOIN households h ON h.id = p.household_id"
    };
}
const SELECT: &str = concat!(person_cols!(), " FROM persons p", person_joins!());

const COLUMNS: &str = "name, id_bidx, id_enc, id_masked, id_last4, sex, birth_date, phone_bidx, phone_enc, phone_masked, phone_last4, township_code, village_code, household_id, tags, education, graduation_date, employment_status, key_version";

fn apply(filter: &PersonFilter, f: &mut Filter) {
    if let Some(n) = &filter.name_prefix {
        f.push("p.name >= ?", Arg::Text(n.clone()));
        f.push("p.name < ?", Arg::Text(prefix_upper(n)));
    }
    if let Some(b) = &filter.id_bidx {
        f.push("p.id_bidx = ?", Arg::Bytes(b.clone()));
    }
    if let Some(l) = &filter.id_last4 {
        f.push("p.id_last4 = ?", Arg::Text(l.clone()));
    }
    if let Some(b) = &filter.phone_bidx {
        f.push("p.phone_bidx = ?", Arg::Bytes(b.clone()));
    }
    if let Some(l) = &filter.phone_last4 {
        f.push("p.phone_last4 = ?", Arg::Text(l.clone()));
    }
    if let Some(t) = &filter.township_code {
        f.push("p.township_code = ?", Arg::Text(t.clone()));
    }
    if let Some(v) = &filter.village_code {
        f.push("p.village_code = ?", Arg::Text(v.clone()));
    }
    if let Some(tag) = &filter.tag {
        f.push("p.tags LIKE ?", Arg::Text(format!("%,{tag},%")));
    }
    if let Some(h) = filter.household_id {
        f.push("p.household_id = ?", Arg::Uuid(h));
    }
    if let Some(s) = &filter.employment_status {
        f.push("p.employment_status = ?", Arg::Text(s.clone()));
    }
}

macro_rules! bind_write {
    ($q:expr, $w:expr) => {
        $q.bind($w.name.clone())
            .bind($w.id_bidx.clone())
            .bind($w.id_enc.clone())
            .bind($w.id_masked.clone())
            .bind($w.id_last4.clone())
            .bind($w.sex.clone())
            .bind($w.birth_date)
            .bind($w.phone_bidx.clone())
            .bind($w.phone_enc.clone())
            .bind($w.phone_masked.clone())
            .bind($w.phone_last4.clone())
            .bind($w.township_code.clone())
            .bind($w.village_code.clone())
            .bind($w.household_id)
            .bind($w.tags.clone())
            .bind($w.education.clone())
            .bind($w.graduation_date)
            .bind($w.employment_status.clone())
            .bind($w.key_version)
    };
}

/// Result of a bulk upsert.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// A person already stored, found by blind index during an import.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExistingPerson {
    pub id_bidx: Vec<u8>,
    pub id: Uuid,
    pub township_code: String,
}

impl Store {
    pub async fn get_person(&self, scope: &Scope, id: Uuid) -> Result<Option<PersonRecord>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "p.township_code") {
            return Ok(None);
        }
        f.push("p.id = ?", Arg::Uuid(id));
        let sql = format!("{SELECT}{}", f.where_clause());
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, PersonRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(p).await)?,
        )
    }

    pub async fn person_secrets(&self, scope: &Scope, id: Uuid) -> Result<Option<PersonSecrets>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "p.township_code") {
            return Ok(None);
        }
        f.push("p.id = ?", Arg::Uuid(id));
        let sql = format!("SELECT p.id_enc, p.phone_enc, p.key_version FROM persons p{}", f.where_clause());
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, PersonSecrets>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(p).await)?,
        )
    }

    /// One page of persons in scope and the total count of the filter.
    pub async fn list_persons(&self, scope: &Scope, filter: &PersonFilter, page: Page) -> Result<(Vec<PersonRecord>, i64)> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "p.township_code") {
            return Ok((Vec::new(), 0));
        }
        apply(filter, &mut f);
        let count_sql = format!("SELECT COUNT(*) FROM persons p{}", f.where_clause());
        let (total,): (i64,) =
            on_db!(self.db, p => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(count_sql.as_str())), f.args).fetch_one(p).await)?;
        let n = f.next();
        // The page is chosen on persons alone (an index range on (township, name, id) or (name, id)),
        // and only its rows are joined: joining first made PostgreSQL sort the whole registry.
        let sql = format!(
            "{} FROM (SELECT * FROM persons p{} ORDER BY p.name, p.id LIMIT ${} OFFSET ${}) p{} ORDER BY p.name, p.id",
            person_cols!(),
            f.where_clause(),
            n,
            n + 1,
            person_joins!()
        );
        let mut args = f.args.clone();
        args.push(Arg::I64(page.limit));
        args.push(Arg::I64(page.offset));
        let rows = on_db!(self.db, p => bind_args!(sqlx::query_as::<_, PersonRecord>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?;
        Ok((rows, total))
    }

    /// The next `limit` persons in scope (and of `filter`) after `after` in `(name, id)` order, with
    /// only the columns the policy scan reads and the sealed ID number: the scan reads the
    /// registry page by page with this (a keyset on the `(name, id)` index; no count, no OFFSET,
    /// no joins but the township's name).
    pub async fn scan_persons_page(
        &self,
        scope: &Scope,
        filter: &PersonFilter,
        after: Option<(&str, Uuid)>,
        limit: i64,
    ) -> Result<Vec<ScanPersonRow>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "p.township_code") {
            return Ok(Vec::new());
        }
        apply(filter, &mut f);
        if let Some((name, id)) = after {
            f.push("p.name >= ?", Arg::Text(name.to_string()));
            let a = f.next();
            f.args.push(Arg::Text(name.to_string()));
            f.args.push(Arg::Uuid(id));
            f.push_raw(&format!("(p.name > ${a} OR p.id > ${})", a + 1));
        }
        let n = f.next();
        let sql = format!(
            "SELECT p.id, p.name, p.id_masked, p.township_code, t.name AS township_name, p.tags, p.graduation_date,
    p.employment_status, p.id_enc, p.key_version
 FROM persons p JOIN townships t ON t.code = p.township_code{} ORDER BY p.name, p.id LIMIT ${n}",
            f.where_clause()
        );
        let mut args = f.args;
        args.push(Arg::I64(limit));
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, ScanPersonRow>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?,
        )
    }

    pub async fn count_persons(&self, scope: &Scope) -> Result<i64> {
        Ok(self.list_persons(scope, &PersonFilter::default(), Page { limit: 0, offset: 0 }).await?.1)
    }
}

impl WriteTx {
    /// The current row, for the audit before-image and the scope check of an update.
    pub async fn person_for_update(&mut self, scope: &Scope, id: Uuid) -> Result<Option<PersonRecord>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "p.township_code") {
            return Ok(None);
        }
        f.push("p.id = ?", Arg::Uuid(id));
        let sql = format!("{SELECT}{}", f.where_clause());
        Ok(
            on_tx!(self, c => bind_args!(sqlx::query_as::<_, PersonRecord>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_optional(c).await)?,
        )
    }

    pub async fn insert_person(&mut self, id: Uuid, w: &PersonWrite, now: OffsetDateTime) -> Result<()> {
        let sql = format!(
            "INSERT INTO persons (id, {COLUMNS}, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21, $21)"
        );
        on_tx!(self, c => bind_write!(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id), w).bind(now).execute(c).await.map(|r| r.rows_affected()))
            .map_err(|e| map_unique(e, "公民身份号码"))?;
        Ok(())
    }

    /// Updates a person in scope if its version is still `expected_version`.
    pub async fn update_person(
        &mut self,
        scope: &Scope,
        id: Uuid,
        expected_version: i64,
        w: &PersonWrite,
        now: OffsetDateTime,
    ) -> Result<()> {
        let township = match scope.person_township() {
            Ok(t) => t.map(str::to_string),
            Err(()) => return Err(StoreError::NotFound),
        };
        let sql = "UPDATE persons SET name = $1, id_bidx = $2, id_enc = $3, id_masked = $4, id_last4 = $5, sex = $6, birth_date = $7,
            phone_bidx = $8, phone_enc = $9, phone_masked = $10, phone_last4 = $11, township_code = $12, village_code = $13,
            household_id = $14, tags = $15, education = $16, graduation_date = $17, employment_status = $18, key_version = $19,
            version = version + 1, updated_at = $20
            WHERE id = $21 AND version = $22 AND ($23 IS NULL OR township_code = $23)";
        let res = on_tx!(self, c => bind_write!(sqlx::query(sql), w).bind(now).bind(id).bind(expected_version).bind(township.clone()).execute(c).await.map(|r| r.rows_affected()))
            .map_err(|e| map_unique(e, "公民身份号码"))?;
        if res == 1 {
            return Ok(());
        }
        match self.person_for_update(scope, id).await? {
            Some(_) => Err(StoreError::Conflict),
            None => Err(StoreError::NotFound),
        }
    }

    /// Which of these blind indexes are already stored, with their township.
    pub async fn existing_persons(&mut self, bidxs: &[Vec<u8>]) -> Result<Vec<ExistingPerson>> {
        if bidxs.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=bidxs.len()).map(|i| format!("${i}")).collect();
        let sql = self.dialect(format!("SELECT id_bidx, id, township_code FROM persons WHERE id_bidx IN ({})", placeholders.join(",")));
        let args: Vec<Arg> = bidxs.iter().map(|b| Arg::Bytes(b.clone())).collect();
        Ok(on_tx!(self, c => bind_args!(sqlx::query_as::<_, ExistingPerson>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(c).await)?)
    }

    /// Inserts or updates a batch by ID number (blind index). A row identical to the stored one is
    /// left alone (its version and `updated_at` do not move), so re-importing a file changes nothing.
    /// Each row carries the id to use if it turns out to be new.
    ///
    /// The batch travels as one value, not as 20 bound parameters per row: a JSON array unpacked by
    /// `jsonb_each` on SQLite, column arrays unpacked by `UNNEST` on PostgreSQL. Binding tens of
    /// thousands of parameters per statement costs parsing and copying on both backends; with one
    /// value per column (PostgreSQL) or per batch (SQLite) what remains is the index maintenance.
    pub async fn upsert_persons(&mut self, rows: &[(Uuid, PersonWrite)], now: OffsetDateTime) -> Result<UpsertCounts> {
        if rows.is_empty() {
            return Ok(UpsertCounts::default());
        }
        let changed = [
            "name",
            "sex",
            "birth_date",
            "phone_bidx",
            "township_code",
            "village_code",
            "household_id",
            "tags",
            "education",
            "graduation_date",
        ]
        .iter()
        .map(|c| format!("persons.{c} IS DISTINCT FROM excluded.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ");
        let conflict = format!(
            "ON CONFLICT (id_bidx) DO UPDATE SET name = excluded.name, sex = excluded.sex, birth_date = excluded.birth_date,
                phone_bidx = excluded.phone_bidx, phone_enc = excluded.phone_enc, phone_masked = excluded.phone_masked,
                phone_last4 = excluded.phone_last4, township_code = excluded.township_code, village_code = excluded.village_code,
                household_id = excluded.household_id, tags = excluded.tags, education = excluded.education,
                graduation_date = excluded.graduation_date, version = persons.version + 1, updated_at = excluded.updated_at
             WHERE {changed}
             RETURNING version"
        );
        // A new row comes back with version 1, an updated one with its incremented version; an
        // identical row does not come back at all.
        let returned: Vec<(i64,)> = match &mut self.conn {
            TxConn::Sqlite(c) => {
                let sql = format!(
                    "INSERT INTO persons (id, {COLUMNS}, version, created_at, updated_at)
                     SELECT unhex(j.value ->> 0), j.value ->> 1, unhex(j.value ->> 2), unhex(j.value ->> 3), j.value ->> 4,
                            j.value ->> 5, j.value ->> 6, j.value ->> 7, unhex(j.value ->> 8), unhex(j.value ->> 9), j.value ->> 10,
                            j.value ->> 11, j.value ->> 12, j.value ->> 13, unhex(j.value ->> 14), j.value ->> 15, j.value ->> 16,
                            j.value ->> 17, j.value ->> 18, j.value ->> 19, 1, $2, $2
                     FROM jsonb_each(jsonb($1)) AS j WHERE true
                     {conflict}"
                );
                sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql)).bind(sqlite_batch_json(rows)).bind(now).fetch_all(&mut **c).await
            }
            TxConn::Pg(c) => {
                let sql = format!(
                    "INSERT INTO persons (id, {COLUMNS}, version, created_at, updated_at)
                     SELECT u.*, 1, $21, $21 FROM UNNEST($1::uuid[], $2::text[], $3::bytea[], $4::bytea[], $5::text[], $6::text[],
                        $7::text[], $8::date[], $9::bytea[], $10::bytea[], $11::text[], $12::text[], $13::text[], $14::text[],
                        $15::uuid[], $16::text[], $17::text[], $18::date[], $19::text[], $20::bigint[]) AS u
                     {conflict}"
                );
                let col = |f: fn(&PersonWrite) -> String| rows.iter().map(|(_, w)| f(w)).collect::<Vec<_>>();
                let opt = |f: fn(&PersonWrite) -> Option<String>| rows.iter().map(|(_, w)| f(w)).collect::<Vec<_>>();
                let bytes = |f: fn(&PersonWrite) -> Option<Vec<u8>>| rows.iter().map(|(_, w)| f(w)).collect::<Vec<_>>();
                sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql))
                    .bind(rows.iter().map(|(id, _)| *id).collect::<Vec<_>>())
                    .bind(col(|w| w.name.clone()))
                    .bind(rows.iter().map(|(_, w)| w.id_bidx.clone()).collect::<Vec<_>>())
                    .bind(rows.iter().map(|(_, w)| w.id_enc.clone()).collect::<Vec<_>>())
                    .bind(col(|w| w.id_masked.clone()))
                    .bind(col(|w| w.id_last4.clone()))
                    .bind(col(|w| w.sex.clone()))
                    .bind(rows.iter().map(|(_, w)| w.birth_date).collect::<Vec<_>>())
                    .bind(bytes(|w| w.phone_bidx.clone()))
                    .bind(bytes(|w| w.phone_enc.clone()))
                    .bind(opt(|w| w.phone_masked.clone()))
                    .bind(opt(|w| w.phone_last4.clone()))
                    .bind(col(|w| w.township_code.clone()))
                    .bind(opt(|w| w.village_code.clone()))
                    .bind(rows.iter().map(|(_, w)| w.household_id).collect::<Vec<_>>())
                    .bind(col(|w| w.tags.clone()))
                    .bind(opt(|w| w.education.clone()))
                    .bind(rows.iter().map(|(_, w)| w.graduation_date).collect::<Vec<_>>())
                    .bind(col(|w| w.employment_status.clone()))
                    .bind(rows.iter().map(|(_, w)| w.key_version).collect::<Vec<_>>())
                    .bind(now)
                    .fetch_all(&mut **c)
                    .await
            }
        }
        .map_err(|e| map_unique(e, "公民身份号码"))?;
        let mut counts = UpsertCounts::default();
        for (version,) in &returned {
            if *version == 1 {
                counts.inserted += 1;
            } else {
                counts.updated += 1;
            }
        }
        counts.unchanged = rows.len() as u64 - returned.len() as u64;
        Ok(counts)
    }
}

impl Store {
    /// The sealed ID numbers of these persons (in scope), for the scan that derives age and sex.
    /// Persons with an employment status, in (name, id) order after `after` (keyset paging for
    /// generators that walk the whole registry): `(id, name, birth date, township)`.
    pub async fn persons_by_status_after(
        &self,
        status: &str,
        after: Option<(String, Uuid)>,
        limit: i64,
    ) -> Result<Vec<(Uuid, String, Date, String)>> {
        let (name, id) = after.unwrap_or_default();
        Ok(on_db!(self.db, p => sqlx::query_as::<_, (Uuid, String, Date, String)>(
            "SELECT id, name, birth_date, township_code FROM persons WHERE employment_status = $1
             AND (name > $2 OR (name = $2 AND id > $3)) ORDER BY name, id LIMIT $4")
            .bind(status).bind(name).bind(id).bind(limit).fetch_all(p).await)?)
    }

    /// What the service level reads of persons: `id → (tags, birth date, member of a household with
    /// an open zero-employment period)`; the membership is one probe of the open periods' unique
    /// index per person (the due lists read the same facts in their own query).
    pub async fn person_level_facts(&self, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, (String, Date, bool)>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(1000) {
            let ph: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = self.dialect(format!(
                "SELECT p.id, p.tags, p.birth_date, CAST(CASE WHEN EXISTS (SELECT 1 FROM zero_employment z
                     WHERE z.household_id = p.household_id AND z.cleared_on IS NULL) THEN 1 ELSE 0 END AS BIGINT)
                 FROM persons p WHERE p.id IN ({})",
                ph.join(",")
            ));
            let args: Vec<Arg> = chunk.iter().map(|u| Arg::Uuid(*u)).collect();
            let rows: Vec<(Uuid, String, Date, i64)> = on_db!(self.db, p => bind_args!(sqlx::query_as::<_, (Uuid, String, Date, i64)>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?;
            out.extend(rows.into_iter().map(|(id, t, b, z)| (id, (t, b, z != 0))));
        }
        Ok(out)
    }

    pub async fn person_id_secrets(&self, scope: &Scope, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, (Vec<u8>, i64)>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(1000) {
            let mut f = Filter::default();
            if !f.person_scope(scope, "p.township_code") {
                return Ok(out);
            }
            let start = f.next();
            let ph: Vec<String> = (0..chunk.len()).map(|i| format!("${}", start + i)).collect();
            f.push_raw(&format!("p.id IN ({})", ph.join(",")));
            let mut args = f.args.clone();
            args.extend(chunk.iter().map(|u| Arg::Uuid(*u)));
            let sql = self.dialect(format!("SELECT p.id, p.id_enc, p.key_version FROM persons p{}", f.where_clause()));
            let rows: Vec<(Uuid, Vec<u8>, i64)> = on_db!(self.db, p => bind_args!(sqlx::query_as::<_, (Uuid, Vec<u8>, i64)>(sqlx::AssertSqlSafe(sql.as_str())), args).fetch_all(p).await)?;
            out.extend(rows.into_iter().map(|(id, enc, kv)| (id, (enc, kv))));
        }
        Ok(out)
    }
}

/// The batch as the JSON array `upsert_persons` unpacks on SQLite: one array per row, in
/// `COLUMNS` order after the id, binary values in hex (unpacked with `unhex`).
fn sqlite_batch_json(rows: &[(Uuid, PersonWrite)]) -> String {
    use serde_json::Value as J;
    let hex = |b: &[u8]| J::String(hex::encode(b));
    let opt_hex = |b: &Option<Vec<u8>>| b.as_deref().map(hex).unwrap_or(J::Null);
    let opt = |s: &Option<String>| s.clone().map(J::String).unwrap_or(J::Null);
    let all: Vec<J> = rows
        .iter()
        .map(|(id, w)| {
            J::Array(vec![
                hex(id.as_bytes()),
                J::String(w.name.clone()),
                hex(&w.id_bidx),
                hex(&w.id_enc),
                J::String(w.id_masked.clone()),
                J::String(w.id_last4.clone()),
                J::String(w.sex.clone()),
                J::String(w.birth_date.to_string()),
                opt_hex(&w.phone_bidx),
                opt_hex(&w.phone_enc),
                opt(&w.phone_masked),
                opt(&w.phone_last4),
                J::String(w.township_code.clone()),
                opt(&w.village_code),
                w.household_id.map(|h| hex(h.as_bytes())).unwrap_or(J::Null),
                J::String(w.tags.clone()),
                opt(&w.education),
                w.graduation_date.map(|d| J::String(d.to_string())).unwrap_or(J::Null),
                J::String(w.employment_status.clone()),
                J::from(w.key_version),
            ])
        })
        .collect();
    J::Array(all).to_string()
}

impl Store {
    /// Persons with `tag` per township in scope: `(township, persons, of whom registered unemployed
    /// on `as_of`)`. Tags are stored between commas, so one LIKE finds a tag.
    pub async fn key_group_counts(&self, scope: &Scope, tag: &str, as_of: Date) -> Result<Vec<(String, i64, i64)>> {
        let mut f = Filter::default();
        if !f.person_scope(scope, "p.township_code") {
            return Ok(Vec::new());
        }
        f.push("p.tags LIKE ?", Arg::Text(format!("%,{tag},%")));
        let n = f.next();
        f.args.push(Arg::Date(as_of));
        let sql = format!(
            "SELECT p.township_code, COUNT(*),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = p.id AND r.registered_on <= ${n}
                    AND (r.closed_on IS NULL OR r.closed_on > ${n})) THEN 1 ELSE 0 END)
             FROM persons p{} GROUP BY p.township_code ORDER BY p.township_code",
            f.where_clause()
        );
        Ok(
            on_db!(self.db, p => bind_args!(sqlx::query_as::<_, (String, i64, i64)>(sqlx::AssertSqlSafe(sql.as_str())), f.args).fetch_all(p).await)?,
        )
    }
}
