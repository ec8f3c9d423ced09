//! Staff accounts: role, scope, password hash, lockout state.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Result, Store, StoreError, WriteTx, map_unique, on_db, on_tx};

#[derive(Clone, sqlx::FromRow, serde::Serialize)]
pub struct UserRecord {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub township_code: Option<String>,
    pub enterprise_id: Option<Uuid>,
    #[serde(skip)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub password_changed_at: OffsetDateTime,
    pub failed_logins: i64,
    pub first_failed_at: Option<OffsetDateTime>,
    pub locked_until: Option<OffsetDateTime>,
    pub disabled: bool,
    pub last_login_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

// The hash never reaches a log line.
impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord").field("id", &self.id).field("login", &self.login).field("role", &self.role).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub township_code: Option<String>,
    pub enterprise_id: Option<Uuid>,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// The lockout counters after a login attempt.
#[derive(Debug, Clone, Copy)]
pub struct LoginState {
    pub failed_logins: i64,
    pub first_failed_at: Option<OffsetDateTime>,
    pub locked_until: Option<OffsetDateTime>,
}

const SELECT: &str = "SELECT id, login, display_name, role, township_code, enterprise_id, password_hash, must_change_password,
    password_changed_at, failed_logins, first_failed_at, locked_until, disabled, last_login_at, created_at FROM users";

impl Store {
    pub async fn user_by_login(&self, login: &str) -> Result<Option<UserRecord>> {
        let sql = format!("{SELECT} WHERE login = $1");
        let login = login.trim().to_lowercase();
        Ok(on_db!(self.db, p => sqlx::query_as::<_, UserRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(login).fetch_optional(p).await)?)
    }

    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>> {
        let sql = format!("{SELECT} WHERE id = $1");
        Ok(on_db!(self.db, p => sqlx::query_as::<_, UserRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?)
    }

    pub async fn list_users(&self) -> Result<Vec<UserRecord>> {
        let sql = format!("{SELECT} ORDER BY login");
        Ok(on_db!(self.db, p => sqlx::query_as::<_, UserRecord>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?)
    }

    pub async fn count_users(&self) -> Result<i64> {
        let (n,): (i64,) = on_db!(self.db, p => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(p).await)?;
        Ok(n)
    }
}

impl WriteTx {
    pub async fn insert_user(&mut self, id: Uuid, u: &NewUser, now: OffsetDateTime) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "INSERT INTO users (id, login, display_name, role, township_code, enterprise_id, password_hash, must_change_password,
             password_changed_at, failed_logins, disabled, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, FALSE, $9, $9)")
            .bind(id).bind(u.login.trim().to_lowercase()).bind(u.display_name.clone()).bind(u.role.clone())
            .bind(u.township_code.clone()).bind(u.enterprise_id).bind(u.password_hash.clone()).bind(u.must_change_password)
            .bind(now).execute(c).await.map(|r| r.rows_affected()))
        .map_err(|e| map_unique(e, "登录名"))?;
        Ok(())
    }

    pub async fn set_login_state(&mut self, id: Uuid, s: LoginState, now: OffsetDateTime) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE users SET failed_logins = $1, first_failed_at = $2, locked_until = $3, updated_at = $4 WHERE id = $5")
            .bind(s.failed_logins).bind(s.first_failed_at).bind(s.locked_until).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn record_login(&mut self, id: Uuid, now: OffsetDateTime) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE users SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL, last_login_at = $1, updated_at = $1 WHERE id = $2")
            .bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn set_password(&mut self, id: Uuid, hash: &str, must_change: bool, now: OffsetDateTime) -> Result<()> {
        let res = on_tx!(self, c => sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, updated_at = $3 WHERE id = $4")
            .bind(hash).bind(must_change).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        if res == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn set_disabled(&mut self, id: Uuid, disabled: bool, now: OffsetDateTime) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3").bind(disabled).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
