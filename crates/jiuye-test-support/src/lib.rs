//! Test databases. Every test gets its own: a temporary SQLite file, or a fresh PostgreSQL database
//! created on the server named by `JIUYE_TEST_PG_URL` (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! Locally, without `JIUYE_TEST_PG_URL`, PostgreSQL variants are skipped and say so on stderr.
//! With `JIUYE_REQUIRE_PG=1` (set by `.ci/run`) a missing or unreachable server fails the test.
#![expect(clippy::expect_used, clippy::panic, reason = "test support fails the test loudly on a broken fixture")]

use jiuye_store::{ConnectOptions, Store};

pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("test.db");
        Self { url: format!("sqlite://{}", path.display()), backend: "sqlite", _dir: Some(dir), pg_admin: None }
    }

    /// A fresh PostgreSQL database, or `None` (with a message) when PostgreSQL is not configured.
    pub async fn postgres() -> Option<Self> {
        let admin = match std::env::var("JIUYE_TEST_PG_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                if std::env::var("JIUYE_REQUIRE_PG").as_deref() == Ok("1") {
                    panic!("JIUYE_REQUIRE_PG=1 but JIUYE_TEST_PG_URL is not set");
                }
                eprintln!("SKIPPED (PostgreSQL): set JIUYE_TEST_PG_URL to run this test on PostgreSQL; .ci/run does");
                return None;
            }
        };
        let name = format!("jiuye_t_{}", uuid::Uuid::new_v4().simple());
        let pool = sqlx::PgPool::connect(&admin).await.unwrap_or_else(|e| panic!("PostgreSQL at JIUYE_TEST_PG_URL unreachable: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.expect("create test database");
        pool.close().await;
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
        Some(Self { url: format!("{base}/{name}"), backend: "postgres", _dir: None, pg_admin: Some((admin, name)) })
    }

    /// SQLite always, PostgreSQL when configured: the contract suites run each test on both.
    pub async fn all() -> Vec<Self> {
        let mut v = vec![Self::sqlite()];
        if let Some(pg) = Self::postgres().await {
            v.push(pg);
        }
        v
    }

    /// Connects and migrates.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url, &ConnectOptions::default()).await.expect("connect test database");
        store.migrate().await.expect("migrate test database");
        store
    }

    /// Drops a PostgreSQL test database (SQLite files go with the temp dir).
    pub async fn cleanup(self) {
        if let Some((admin, name)) = &self.pg_admin
            && let Ok(pool) = sqlx::PgPool::connect(admin).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&pool).await;
            pool.close().await;
        }
    }
}
