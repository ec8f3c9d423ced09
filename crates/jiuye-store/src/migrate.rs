//! The migration runner: embedded plain-SQL files, applied in order, each in one transaction with
//! its record in `schema_migrations`; a changed checksum of an applied file stops the start.
//! No advisory locks (see migrations/README.md).

use sha2::{Digest, Sha256};

use crate::{Db, Result, StoreError, on_db};

struct Migration {
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_registry",
        sqlite: include_str!("../migrations/sqlite/0001_registry.sql"),
        postgres: include_str!("../migrations/postgres/0001_registry.sql"),
    },
    Migration {
        name: "0002_jobs",
        sqlite: include_str!("../migrations/sqlite/0002_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0002_jobs.sql"),
    },
    Migration {
        name: "0003_citizen",
        sqlite: include_str!("../migrations/sqlite/0003_citizen.sql"),
        postgres: include_str!("../migrations/postgres/0003_citizen.sql"),
    },
    Migration {
        name: "0004_unemployment",
        sqlite: include_str!("../migrations/sqlite/0004_unemployment.sql"),
        postgres: include_str!("../migrations/postgres/0004_unemployment.sql"),
    },
    Migration {
        name: "0005_zero_employment",
        sqlite: include_str!("../migrations/sqlite/0005_zero_employment.sql"),
        postgres: include_str!("../migrations/postgres/0005_zero_employment.sql"),
    },
    Migration {
        name: "0006_difficult",
        sqlite: include_str!("../migrations/sqlite/0006_difficult.sql"),
        postgres: include_str!("../migrations/postgres/0006_difficult.sql"),
    },
    Migration {
        name: "0007_registration_facts",
        sqlite: include_str!("../migrations/sqlite/0007_registration_facts.sql"),
        postgres: include_str!("../migrations/postgres/0007_registration_facts.sql"),
    },
    Migration {
        name: "0008_payments",
        sqlite: include_str!("../migrations/sqlite/0008_payments.sql"),
        postgres: include_str!("../migrations/postgres/0008_payments.sql"),
    },
    Migration {
        name: "0009_monitoring",
        sqlite: include_str!("../migrations/sqlite/0009_monitoring.sql"),
        postgres: include_str!("../migrations/postgres/0009_monitoring.sql"),
    },
    Migration {
        name: "0010_stats",
        sqlite: include_str!("../migrations/sqlite/0010_stats.sql"),
        postgres: include_str!("../migrations/postgres/0010_stats.sql"),
    },
    Migration {
        name: "0011_contact_months",
        sqlite: include_str!("../migrations/sqlite/0011_contact_months.sql"),
        postgres: include_str!("../migrations/postgres/0011_contact_months.sql"),
    },
    Migration {
        name: "0012_enterprise_insurance",
        sqlite: include_str!("../migrations/sqlite/0012_enterprise_insurance.sql"),
        postgres: include_str!("../migrations/postgres/0012_enterprise_insurance.sql"),
    },
];

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// Splits a migration into statements. PostgreSQL function bodies in `$$ … $$` and SQLite trigger
/// bodies in `BEGIN … END;` contain semicolons, so those are kept whole.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_dollar = false;
    let mut in_trigger = false;
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") && cur.trim().is_empty() {
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
        if trimmed.matches("$$").count() % 2 == 1 {
            in_dollar = !in_dollar;
        }
        let upper = trimmed.to_ascii_uppercase();
        if upper.starts_with("CREATE TRIGGER") && !cur.contains("EXECUTE FUNCTION") && !upper.contains("EXECUTE FUNCTION") {
            in_trigger = true;
        }
        if in_trigger && (upper.ends_with("END;") || upper.contains("EXECUTE FUNCTION")) {
            in_trigger = false;
            out.push(std::mem::take(&mut cur));
            continue;
        }
        if !in_dollar && !in_trigger && trimmed.ends_with(';') {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

pub(crate) async fn run(db: &Db) -> Result<Vec<String>> {
    on_db!(db, p => sqlx::query(CREATE_TABLE).execute(p).await.map(|r| r.rows_affected()))?;
    let applied: Vec<(String, String)> =
        on_db!(db, p => sqlx::query_as("SELECT name, checksum FROM schema_migrations").fetch_all(p).await)?;
    let mut done = Vec::new();
    for m in MIGRATIONS {
        let sql = match db {
            Db::Sqlite(_) => m.sqlite,
            Db::Pg(_) => m.postgres,
        };
        let checksum = hex::encode(Sha256::digest(sql.as_bytes()));
        if let Some((_, old)) = applied.iter().find(|(n, _)| n == m.name) {
            if *old != checksum {
                return Err(StoreError::Migration(format!("已应用的迁移 {} 的内容被修改过（校验和不符），拒绝启动", m.name)));
            }
            continue;
        }
        let stmts = statements(sql);
        macro_rules! apply {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                for s in &stmts {
                    sqlx::query(sqlx::AssertSqlSafe(s.as_str()))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| StoreError::Migration(format!("{}: {e}", m.name)))?;
                }
                sqlx::query("INSERT INTO schema_migrations (name, checksum, applied_at) VALUES ($1, $2, CURRENT_TIMESTAMP)")
                    .bind(m.name)
                    .bind(&checksum)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }};
        }
        match db {
            Db::Sqlite(p) => apply!(p),
            Db::Pg(p) => apply!(p),
        }
        done.push(m.name.to_string());
    }
    seed_townships(db).await?;
    Ok(done)
}

async fn seed_townships(db: &Db) -> Result<()> {
    for (code, name) in jiuye_domain::division::TOWNSHIPS {
        on_db!(db, p => sqlx::query("INSERT INTO townships (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING")
            .bind(code).bind(name).execute(p).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_and_function_bodies_stay_whole() {
        let first = MIGRATIONS.first().unwrap();
        assert!(statements(first.postgres).iter().any(|s| s.starts_with("CREATE FUNCTION") && s.contains("RAISE EXCEPTION")));
        for m in MIGRATIONS {
            let pg = statements(m.postgres);
            // A trigger statement stays whole up to the function it executes.
            assert!(
                pg.iter().all(|s| !s.starts_with("CREATE TRIGGER") || (s.contains("EXECUTE FUNCTION") && s.ends_with("();"))),
                "{pg:?}"
            );
            let lite = statements(m.sqlite);
            // A trigger body stays one statement.
            assert!(lite.iter().filter(|s| s.starts_with("CREATE TRIGGER")).all(|s| s.ends_with("END;")), "{lite:?}");
            assert!(lite.iter().all(|s| s.ends_with(';')), "{lite:?}");
            assert_eq!(
                pg.iter().filter(|s| s.starts_with("CREATE TABLE")).count(),
                lite.iter().filter(|s| s.starts_with("CREATE TABLE")).count(),
                "{} creates the same tables on both backends",
                m.name
            );
        }
    }
}
