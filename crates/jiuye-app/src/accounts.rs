//! Accounts, logins and sessions (SECURITY.md R01–R06).
//!
//! - Login failures: `lockout_threshold` failures within `lockout_window` lock the account for
//!   `lockout_duration`; an unknown login, a wrong password, a locked or disabled account all get
//!   the same `AppError::LoginFailed`, and an unknown login still costs one Argon2 verification.
//! - Sessions: a 256-bit random token in the cookie, only its SHA-256 in the database; idle and
//!   absolute timeouts read the injected clock.
//! - The seeded administrator has a random password and must change it at first login.

use base64::Engine;
use jiuye_domain::{DomainError, Role};
use jiuye_store::users::{LoginState, NewUser, UserRecord};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{Actor, App, AppError, AppResult, password};

/// A hash of a password nobody has, verified against when the login is unknown, so an unknown
/// login takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password::hash("unknown-user-Dummy-1").unwrap_or_default())
}

#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie value (only here, at creation).
    pub token: String,
    pub csrf: String,
}

/// A live session, resolved from its cookie.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub actor: Actor,
    pub csrf: String,
    pub must_change_password: bool,
    pub authenticated_at: time::OffsetDateTime,
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub(crate) fn random_token() -> AppResult<String> {
    let b: [u8; 32] = crate::vault::random_bytes()?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
}

pub fn actor_of(u: &UserRecord, ip: Option<String>, request_id: Option<String>) -> Actor {
    Actor {
        user_id: Some(u.id),
        login: u.login.clone(),
        display_name: u.display_name.clone(),
        role: Role::from_code(&u.role).unwrap_or(Role::Leader),
        township: u.township_code.clone(),
        enterprise_id: u.enterprise_id,
        ip,
        request_id,
    }
}

/// Input for creating an account.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub township: Option<String>,
    pub enterprise_id: Option<Uuid>,
}

fn validate_login(login: &str) -> Result<String, DomainError> {
    let l = login.trim().to_lowercase();
    if l.len() < 3 || l.len() > 32 || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-') {
        return Err(DomainError::new("登录名", "login.format", "应为3-32位字母、数字、下划线、点或连字符"));
    }
    Ok(l)
}

impl App {
    /// Creates the first administrator when no account exists. Returns the one-time password.
    pub async fn bootstrap_admin(&self) -> AppResult<Option<(String, String)>> {
        if self.store.count_users().await? > 0 {
            return Ok(None);
        }
        let pw = password::generate()?;
        let input =
            UserInput {
                login: "admin".into(), display_name: "系统管理员".into(), role: Role::Admin, township: None, enterprise_id: None
            };
        self.create_user_with_password(&Actor::cli(), &input, &pw, true).await?;
        Ok(Some(("admin".into(), pw)))
    }

    /// Creates an account with a random initial password the user must change at first login.
    pub async fn create_user(&self, actor: &Actor, input: &UserInput) -> AppResult<String> {
        let pw = password::generate()?;
        self.create_user_with_password(actor, input, &pw, true).await?;
        Ok(pw)
    }

    pub async fn create_user_with_password(&self, actor: &Actor, input: &UserInput, pw: &str, must_change: bool) -> AppResult<Uuid> {
        if !actor.role.is_admin() {
            return Err(AppError::Forbidden("只有系统管理员可以管理账号"));
        }
        let mut errors = Vec::new();
        let login = validate_login(&input.login).map_err(|e| errors.push(e)).ok();
        if input.display_name.trim().is_empty() {
            errors.push(DomainError::new("姓名", "display_name.empty", "不能为空"));
        }
        if let Err(e) = password::check_policy(pw, &input.login) {
            errors.push(e);
        }
        match input.role {
            Role::TownshipClerk if input.township.as_deref().and_then(jiuye_domain::division::township_name).is_none() => {
                errors.push(DomainError::new("乡镇", "user.township", "乡镇窗口账号必须指定所属乡镇"));
            }
            Role::EnterpriseHr if input.enterprise_id.is_none() => {
                errors.push(DomainError::new("企业", "user.enterprise", "企业人事账号必须绑定一家企业"));
            }
            _ => {}
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let login = login.unwrap_or_default();
        if let Some(e) = input.enterprise_id
            && self.store.get_enterprise(&jiuye_store::Scope::All, e).await?.is_none()
        {
            return Err(AppError::field("企业", "user.enterprise", "绑定的企业不存在"));
        }
        let id = self.new_id();
        let now = self.now();
        let new = NewUser {
            login: login.clone(),
            display_name: input.display_name.trim().to_string(),
            role: input.role.code().to_string(),
            township_code: if input.role == Role::TownshipClerk { input.township.clone() } else { None },
            enterprise_id: if input.role == Role::EnterpriseHr { input.enterprise_id } else { None },
            password_hash: password::hash(pw)?,
            must_change_password: must_change,
        };
        let mut tx = self.store.begin_write().await?;
        tx.insert_user(id, &new, now).await?;
        tx.audit(self.audit_entry(
            actor,
            "user.create",
            "user",
            Some(id.to_string()),
            "ok",
            json!({"login": login, "role": new.role, "township": new.township_code}),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Checks a login. Every failure is the same `LoginFailed`; the audit says which it was.
    pub async fn login(&self, login: &str, pw: &str, ip: Option<String>, request_id: Option<String>) -> AppResult<(Session, UserRecord)> {
        let now = self.now();
        let anon = Actor {
            user_id: None,
            login: login.trim().to_lowercase().chars().take(32).collect(),
            display_name: String::new(),
            role: Role::Leader,
            township: None,
            enterprise_id: None,
            ip: ip.clone(),
            request_id: request_id.clone(),
        };
        let Some(user) = self.store.user_by_login(login).await? else {
            password::verify(pw, dummy_hash());
            self.store.audit_only(self.audit_entry(&anon, "login_fail", "user", None, "unknown_user", json!({}))).await?;
            return Err(AppError::LoginFailed);
        };
        let actor = actor_of(&user, ip, request_id);
        if user.disabled {
            self.store.audit_only(self.audit_entry(&actor, "login_fail", "user", Some(user.id.to_string()), "disabled", json!({}))).await?;
            return Err(AppError::LoginFailed);
        }
        if user.locked_until.is_some_and(|t| t > now) {
            self.store.audit_only(self.audit_entry(&actor, "login_fail", "user", Some(user.id.to_string()), "locked", json!({}))).await?;
            return Err(AppError::LoginFailed);
        }
        if !password::verify(pw, &user.password_hash) {
            let in_window =
                user.first_failed_at.is_some_and(|t| now - t < self.policy.lockout_window) && user.locked_until.is_none_or(|t| t > now);
            let (failed, first) = if in_window { (user.failed_logins + 1, user.first_failed_at) } else { (1, Some(now)) };
            let lock = failed >= self.policy.lockout_threshold;
            let state = LoginState {
                failed_logins: if lock { 0 } else { failed },
                first_failed_at: if lock { None } else { first },
                locked_until: if lock { Some(now + self.policy.lockout_duration) } else { None },
            };
            let mut tx = self.store.begin_write().await?;
            tx.set_login_state(user.id, state, now).await?;
            tx.audit(self.audit_entry(
                &actor,
                "login_fail",
                "user",
                Some(user.id.to_string()),
                "bad_password",
                json!({"failures": failed}),
            ))
            .await?;
            if lock {
                tx.audit(self.audit_entry(
                    &actor,
                    "account_locked",
                    "user",
                    Some(user.id.to_string()),
                    "ok",
                    json!({"until": state.locked_until.map(|t| t.to_string())}),
                ))
                .await?;
            }
            tx.commit().await?;
            return Err(AppError::LoginFailed);
        }
        // Sessions past the absolute timeout can never be used again: remove them (R40).
        self.store.purge_sessions(now - self.policy.session_absolute).await?;
        let session = Session { token: random_token()?, csrf: random_token()? };
        self.store.create_session(&token_hash(&session.token), user.id, &session.csrf, now).await?;
        let mut tx = self.store.begin_write().await?;
        tx.record_login(user.id, now).await?;
        tx.audit(self.audit_entry(&actor, "login_success", "user", Some(user.id.to_string()), "ok", json!({}))).await?;
        tx.commit().await?;
        Ok((session, user))
    }

    /// Resolves a cookie to its user, enforcing idle and absolute timeouts and account state.
    pub async fn session_user(&self, token: &str, ip: Option<String>, request_id: Option<String>) -> AppResult<SessionUser> {
        let now = self.now();
        let h = token_hash(token);
        let s = self.store.session(&h).await?.ok_or(AppError::Unauthenticated)?;
        if now - s.last_seen_at > self.policy.session_idle || now - s.created_at > self.policy.session_absolute {
            self.store.delete_session(&h).await?;
            return Err(AppError::Unauthenticated);
        }
        let user = self.store.user_by_id(s.user_id).await?.ok_or(AppError::Unauthenticated)?;
        if user.disabled {
            self.store.delete_session(&h).await?;
            return Err(AppError::Unauthenticated);
        }
        // Write the activity time at most once a minute: a page view should not be a write.
        if now - s.last_seen_at > time::Duration::minutes(1) {
            self.store.touch_session(&h, now).await?;
        }
        let expired = now - user.password_changed_at > self.policy.password_max_age;
        Ok(SessionUser {
            actor: actor_of(&user, ip, request_id),
            csrf: s.csrf_token,
            must_change_password: user.must_change_password || expired,
            authenticated_at: s.reauth_at,
        })
    }

    pub async fn logout(&self, token: &str, actor: &Actor) -> AppResult<()> {
        self.store.delete_session(&token_hash(token)).await?;
        self.store.audit_only(self.audit_entry(actor, "logout", "user", actor.user_id.map(|u| u.to_string()), "ok", json!({}))).await?;
        Ok(())
    }

    /// Changes one's own password (current password required); other sessions are ended.
    pub async fn change_password(&self, actor: &Actor, current: &str, new: &str) -> AppResult<()> {
        let uid = actor.user_id.ok_or(AppError::Unauthenticated)?;
        let user = self.store.user_by_id(uid).await?.ok_or(AppError::Unauthenticated)?;
        if !password::verify(current, &user.password_hash) {
            return Err(AppError::field("当前密码", "password.current", "当前密码不正确"));
        }
        if current == new {
            return Err(AppError::field("新密码", "password.same", "新密码不能与当前密码相同"));
        }
        password::check_policy(new, &user.login).map_err(|e| AppError::Validation(vec![DomainError { field: "新密码", ..e }]))?;
        let mut tx = self.store.begin_write().await?;
        tx.set_password(uid, &password::hash(new)?, false, self.now()).await?;
        tx.audit(self.audit_entry(actor, "password_change", "user", Some(uid.to_string()), "ok", json!({}))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Admin: lift a lockout now.
    pub async fn unlock_user(&self, actor: &Actor, login: &str) -> AppResult<()> {
        if !actor.role.is_admin() {
            return Err(AppError::Forbidden("只有系统管理员可以解锁账号"));
        }
        let user = self.store.user_by_login(login).await?.ok_or(AppError::NotFound)?;
        let mut tx = self.store.begin_write().await?;
        tx.set_login_state(user.id, LoginState { failed_logins: 0, first_failed_at: None, locked_until: None }, self.now()).await?;
        tx.audit(self.audit_entry(actor, "account_unlocked", "user", Some(user.id.to_string()), "ok", json!({"login": user.login})))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Admin: a new random password the user must change; ends the user's sessions.
    pub async fn reset_password(&self, actor: &Actor, login: &str) -> AppResult<String> {
        if !actor.role.is_admin() {
            return Err(AppError::Forbidden("只有系统管理员可以重置密码"));
        }
        let user = self.store.user_by_login(login).await?.ok_or(AppError::NotFound)?;
        let pw = password::generate()?;
        let mut tx = self.store.begin_write().await?;
        tx.set_password(user.id, &password::hash(&pw)?, true, self.now()).await?;
        tx.set_login_state(user.id, LoginState { failed_logins: 0, first_failed_at: None, locked_until: None }, self.now()).await?;
        tx.audit(self.audit_entry(actor, "password_reset", "user", Some(user.id.to_string()), "ok", json!({"login": user.login}))).await?;
        tx.commit().await?;
        self.store.delete_user_sessions(user.id).await?;
        Ok(pw)
    }

    pub async fn set_user_disabled(&self, actor: &Actor, login: &str, disabled: bool) -> AppResult<()> {
        if !actor.role.is_admin() {
            return Err(AppError::Forbidden("只有系统管理员可以停用账号"));
        }
        let user = self.store.user_by_login(login).await?.ok_or(AppError::NotFound)?;
        let mut tx = self.store.begin_write().await?;
        tx.set_disabled(user.id, disabled, self.now()).await?;
        tx.audit(self.audit_entry(
            actor,
            if disabled { "user.disable" } else { "user.enable" },
            "user",
            Some(user.id.to_string()),
            "ok",
            json!({"login": user.login}),
        ))
        .await?;
        tx.commit().await?;
        if disabled {
            self.store.delete_user_sessions(user.id).await?;
        }
        Ok(())
    }

    pub async fn list_users(&self, actor: &Actor) -> AppResult<Vec<UserRecord>> {
        if !actor.role.is_admin() {
            return Err(AppError::Forbidden("只有系统管理员可以查看账号"));
        }
        Ok(self.store.list_users().await?)
    }
}
