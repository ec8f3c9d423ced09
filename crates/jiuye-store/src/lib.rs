#![doc = include_str!("../README.md")]

mod args;
pub mod audit;
pub mod citizens;
pub mod difficult;
pub mod enterprises;
pub mod households;
pub mod insurance;
mod migrate;
pub mod monitoring;
pub mod payments;
pub mod persons;
pub mod registrations;
pub mod report_reminders;
pub mod seekers;
pub mod sessions;
pub mod sms;
pub mod stats;
pub mod users;
pub mod vacancies;
pub mod zero_employment;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use time::OffsetDateTime;

pub use args::Arg;
pub use audit::{AuditEntry, AuditRecord, VerifyReport};

/// Expands the same query code once per backend: `on_db!(self.db, c => { …use c as an executor… })`.
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match &$db {
            $crate::Db::Sqlite($c) => $body,
            $crate::Db::Pg($c) => $body,
        }
    };
}
pub(crate) use on_db;

/// Same as `on_db!` inside a write transaction: `$c` is `&mut Connection` of the backend.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.conn {
            $crate::TxConn::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::TxConn::Pg(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
    /// A uniqueness rule of the registry was broken; `field` names what the user can change.
    #[error("{field}已存在")]
    Duplicate { field: &'static str },
    /// Optimistic locking: the row changed since the user read it.
    #[error("记录已被他人修改，请刷新后重试")]
    Conflict,
    #[error("记录不存在")]
    NotFound,
    #[error("数据库迁移错误：{0}")]
    Migration(String),
    #[error("不支持的数据库地址：{0}（应为 sqlite://路径 或 postgres://…）")]
    BadUrl(String),
    #[error("数据错误：{0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Turns a unique-constraint violation into a field error the user can act on.
pub(crate) fn map_unique(e: sqlx::Error, field: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field },
        _ => StoreError::Db(e),
    }
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// What a user may see and change. Enforced in every query of the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The whole district (administrators, bureau staff, leaders).
    All,
    /// One township (a township clerk).
    Township(String),
    /// One enterprise (enterprise HR): its own enterprise record, no persons.
    Enterprise(uuid::Uuid),
}

impl Scope {
    /// The township filter for person and household queries, or `None` for no filter;
    /// `Err(())` when the scope may see no person at all.
    pub(crate) fn person_township(&self) -> std::result::Result<Option<&str>, ()> {
        match self {
            Scope::All => Ok(None),
            Scope::Township(t) => Ok(Some(t.as_str())),
            Scope::Enterprise(_) => Err(()),
        }
    }
}

/// Options for opening the database.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub busy_timeout: Duration,
    /// SQLite page cache per connection, in MiB (claimed only as pages are read).
    pub sqlite_cache_mib: u32,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self { max_connections: 8, busy_timeout: Duration::from_secs(10), sqlite_cache_mib: 64 }
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: Db,
    /// SQLite's page cache per connection, in KiB (0 on PostgreSQL).
    pub(crate) sqlite_cache_kib: u64,
}

impl Store {
    /// Opens `sqlite://PATH` (created when missing) or `postgres://…`.
    pub async fn connect(url: &str, opts: &ConnectOptions) -> Result<Self> {
        let db = if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let o = if path == ":memory:" {
                SqliteConnectOptions::from_str("sqlite::memory:")?
            } else {
                SqliteConnectOptions::new().filename(path).create_if_missing(true)
            };
            let o = o
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(opts.busy_timeout)
                .pragma("secure_delete", "ON")
                // A page cache sized for the registry (claimed only as used): the blind-index
                // B-trees take random inserts, and a small cache turns each into a read syscall.
                .pragma("cache_size", format!("-{}", u64::from(opts.sqlite_cache_mib) * 1024))
                // Sorts and temporary B-trees (GROUP BY, DISTINCT, ORDER BY without an index) go to
                // a temporary file, which SQLite only writes once they outgrow its cache: with
                // MEMORY the dashboard refresh's grouping of millions of rows stayed in the
                // server's heap (1.77 GiB at 7,000,000 persons, docs/BENCHMARKS.md, issue 7).
                .pragma("temp_store", "FILE");
            let pool =
                SqlitePoolOptions::new().max_connections(if path == ":memory:" { 1 } else { opts.max_connections }).connect_with(o).await?;
            Db::Sqlite(pool)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new().max_connections(opts.max_connections).acquire_timeout(opts.busy_timeout).connect(url).await?;
            Db::Pg(pool)
        } else {
            return Err(StoreError::BadUrl(redact_url(url)));
        };
        let sqlite_cache_kib = if matches!(db, Db::Sqlite(_)) { u64::from(opts.sqlite_cache_mib) * 1024 } else { 0 };
        Ok(Self { db, sqlite_cache_kib })
    }

    /// The statement as this backend binds it fastest (see `args::positional`).
    pub(crate) fn dialect(&self, sql: String) -> String {
        match self.db {
            Db::Sqlite(_) => args::positional(&sql).unwrap_or(sql),
            Db::Pg(_) => sql,
        }
    }

    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Pg(_) => "postgres",
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Applies pending migrations and the reference data (townships).
    pub async fn migrate(&self) -> Result<Vec<String>> {
        migrate::run(&self.db).await
    }

    pub async fn close(&self) {
        on_db!(self.db, p => p.close().await)
    }

    /// Cheap liveness check for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        on_db!(self.db, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so a
    /// read-then-write cannot fail with a stale snapshot; on both backends it then locks the audit
    /// head, which serialises writers and gives the next audit sequence number.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let mut tx = match &self.db {
            Db::Sqlite(p) => WriteTx::new(TxConn::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?)),
            Db::Pg(p) => WriteTx::new(TxConn::Pg(p.begin().await?)),
        };
        let (seq, hash): (i64, String) = on_tx!(tx, c => {
            sqlx::query_as("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash").fetch_one(c).await?
        });
        tx.audit_seq = seq;
        tx.audit_hash = hash;
        Ok(tx)
    }

    /// Refreshes planner statistics (and, on PostgreSQL, the visibility map that makes counts
    /// index-only) after a bulk load; the registry's list pages count and page by index.
    pub async fn analyze_after_bulk_load(&self) -> Result<()> {
        match &self.db {
            Db::Sqlite(p) => {
                sqlx::query("ANALYZE").execute(p).await?;
            }
            Db::Pg(p) => {
                sqlx::query("VACUUM (ANALYZE) persons, households, enterprises").execute(p).await?;
            }
        }
        Ok(())
    }

    /// SQLite online backup into a new file (`VACUUM INTO`): consistent while the server runs.
    pub async fn backup_sqlite(&self, dest: &str) -> Result<()> {
        match &self.db {
            Db::Sqlite(p) => {
                sqlx::query("VACUUM INTO $1").bind(dest).execute(p).await?;
                Ok(())
            }
            Db::Pg(_) => Err(StoreError::BadUrl("PostgreSQL 请使用 pg_dump -Fc 备份".into())),
        }
    }

    /// `PRAGMA integrity_check` / `foreign_key_check` on SQLite; a trivial query on PostgreSQL.
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        match &self.db {
            Db::Sqlite(p) => {
                let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check").fetch_all(p).await?;
                let mut problems: Vec<String> = rows.into_iter().map(|r| r.0).filter(|r| r != "ok").collect();
                let fk: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(p).await?;
                problems.extend(fk.into_iter().map(|r| format!("foreign key violation in {}", r.0)));
                Ok(problems)
            }
            Db::Pg(p) => {
                sqlx::query("SELECT 1").execute(p).await?;
                Ok(Vec::new())
            }
        }
    }
}

/// Hides the password of a database URL before it is printed or logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub(crate) enum TxConn {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Pg(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// A write transaction with its audit-chain position. Dropping it without `commit` rolls back.
pub struct WriteTx {
    pub(crate) conn: TxConn,
    pub(crate) audit_seq: i64,
    pub(crate) audit_hash: String,
    pub(crate) audit_dirty: bool,
}

impl WriteTx {
    /// The statement as this backend binds it fastest (see `args::positional`).
    pub(crate) fn dialect(&self, sql: String) -> String {
        match self.conn {
            TxConn::Sqlite(_) => args::positional(&sql).unwrap_or(sql),
            TxConn::Pg(_) => sql,
        }
    }

    fn new(conn: TxConn) -> Self {
        Self { conn, audit_seq: 0, audit_hash: String::new(), audit_dirty: false }
    }

    /// Writes the new audit head and commits everything, change and audit, at once.
    pub async fn commit(mut self) -> Result<()> {
        if self.audit_dirty {
            let (seq, hash) = (self.audit_seq, self.audit_hash.clone());
            on_tx!(self, c => sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(seq).bind(hash).execute(c).await.map(|r| r.rows_affected()))?;
        }
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// The current time truncated to microseconds, the precision both backends keep.
pub fn db_time(t: OffsetDateTime) -> OffsetDateTime {
    let micros = t.microsecond();
    t.replace_nanosecond(micros * 1000).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
