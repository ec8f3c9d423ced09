//! Settings: one typed struct, loaded from defaults, then `jiuye.toml` (or `--config FILE`), then
//! `JIUYE_*` environment variables (`JIUYE_WEB__SECURE_COOKIES=true` for nested keys). The database
//! password is redacted whenever settings are printed or logged.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH` (the embedded default) or `postgres://USER:PASSWORD@HOST/DB`.
    pub database_url: String,
    /// The personal-data key file. Empty: beside the SQLite file (`jiuye.db.keys`), or `jiuye.keys`.
    pub key_file: String,
    /// The job board's search index directory (derived data, rebuilt from the database when
    /// missing). Empty: beside the SQLite file (`jiuye.db.search`), or `jiuye-search`. Each server
    /// process needs its own.
    pub search_dir: String,
    /// SQLite page cache per connection, MiB (memory is used only as the database is read).
    pub sqlite_cache_mib: u32,
    /// Database connections in the pool.
    pub max_connections: u32,
    pub bind: String,
    /// `text` or `json`.
    pub log_format: String,
    /// A TOML file of parameter overrides for the policy rules (same format as the shipped
    /// parameter file; see docs/RULES.md). Empty: the shipped parameters.
    pub rules_overlay: String,
    pub security: Security,
    pub web: Web,
    pub import: Import,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Security {
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub lockout_threshold: i64,
    pub lockout_window_minutes: i64,
    pub lockout_minutes: i64,
    pub password_max_age_days: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Web {
    pub secure_cookies: bool,
    pub max_upload_mb: u64,
    pub login_ip_limit: u32,
    pub login_ip_window_minutes: i64,
    pub request_timeout_secs: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Import {
    /// Largest file the command-line import reads (the web upload limit is `web.max_upload_mb`).
    pub max_file_mb: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://jiuye.db".into(),
            key_file: String::new(),
            search_dir: String::new(),
            sqlite_cache_mib: 256,
            max_connections: 8,
            bind: "127.0.0.1:8080".into(),
            log_format: "text".into(),
            rules_overlay: String::new(),
            security: Security::default(),
            web: Web::default(),
            import: Import::default(),
        }
    }
}

impl Default for Security {
    fn default() -> Self {
        Self {
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            lockout_threshold: 5,
            lockout_window_minutes: 15,
            lockout_minutes: 30,
            password_max_age_days: 90,
        }
    }
}

impl Default for Web {
    fn default() -> Self {
        Self { secure_cookies: false, max_upload_mb: 50, login_ip_limit: 30, login_ip_window_minutes: 10, request_timeout_secs: 120 }
    }
}

impl Default for Import {
    fn default() -> Self {
        Self { max_file_mb: 2048 }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &jiuye_store::redact_url(&self.database_url))
            .field("key_file", &self.key_file)
            .field("bind", &self.bind)
            .field("security", &self.security)
            .field("web", &self.web)
            .finish_non_exhaustive()
    }
}

impl Settings {
    pub fn load(config: Option<&Path>) -> anyhow::Result<Self> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        match config {
            Some(p) => {
                anyhow::ensure!(p.exists(), "配置文件 {} 不存在", p.display());
                fig = fig.merge(Toml::file(p));
            }
            None => fig = fig.merge(Toml::file("jiuye.toml")),
        }
        // Only our keys: other JIUYE_* variables (test switches) are not settings.
        const KEYS: [&str; 10] = [
            "database_url",
            "key_file",
            "sqlite_cache_mib",
            "max_connections",
            "bind",
            "log_format",
            "rules_overlay",
            "security",
            "web",
            "import",
        ];
        fig = fig.merge(Env::prefixed("JIUYE_").filter(|k| KEYS.iter().any(|p| k.as_str().starts_with(p))).split("__"));
        Ok(fig.extract()?)
    }

    pub fn key_path(&self) -> PathBuf {
        if !self.key_file.is_empty() {
            return PathBuf::from(&self.key_file);
        }
        match self.database_url.strip_prefix("sqlite://") {
            Some(p) if p != ":memory:" => PathBuf::from(format!("{p}.keys")),
            _ => PathBuf::from("jiuye.keys"),
        }
    }

    pub fn search_path(&self) -> PathBuf {
        if !self.search_dir.is_empty() {
            return PathBuf::from(&self.search_dir);
        }
        match self.database_url.strip_prefix("sqlite://") {
            Some(p) if p != ":memory:" => PathBuf::from(format!("{p}.search")),
            _ => PathBuf::from("jiuye-search"),
        }
    }

    /// The rules with the operator's parameter overrides, when configured.
    pub fn rules_ruleset(&self) -> anyhow::Result<Option<jiuye_rules::Ruleset>> {
        if self.rules_overlay.is_empty() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&self.rules_overlay)
            .map_err(|e| anyhow::anyhow!("无法读取参数覆盖文件 {}：{e}", self.rules_overlay))?;
        Ok(Some(jiuye_rules::Ruleset::load(Some(&text)).map_err(|e| anyhow::anyhow!("参数覆盖文件 {} 有误：{e}", self.rules_overlay))?))
    }

    pub fn connect_options(&self) -> jiuye_store::ConnectOptions {
        jiuye_store::ConnectOptions {
            max_connections: self.max_connections.max(1),
            sqlite_cache_mib: self.sqlite_cache_mib,
            ..Default::default()
        }
    }

    pub fn policy(&self) -> jiuye_app::Policy {
        let s = &self.security;
        jiuye_app::Policy {
            session_idle: time::Duration::minutes(s.session_idle_minutes),
            session_absolute: time::Duration::hours(s.session_absolute_hours),
            lockout_threshold: s.lockout_threshold,
            lockout_window: time::Duration::minutes(s.lockout_window_minutes),
            lockout_duration: time::Duration::minutes(s.lockout_minutes),
            password_max_age: time::Duration::days(s.password_max_age_days),
            ..Default::default()
        }
    }

    pub fn web_config(&self) -> jiuye_web::WebConfig {
        jiuye_web::WebConfig {
            secure_cookies: self.web.secure_cookies,
            max_upload_bytes: self.web.max_upload_mb * 1024 * 1024,
            login_ip_limit: self.web.login_ip_limit,
            login_ip_window: time::Duration::minutes(self.web.login_ip_window_minutes),
            request_timeout: std::time::Duration::from_secs(self.web.request_timeout_secs),
        }
    }
}

/// The commented default configuration, as `jiuye config print-default` shows it.
pub const DEFAULT_TOML: &str = r#"# jiuye configuration. Precedence: these defaults < jiuye.toml < JIUYE_* environment variables
# (nested keys with a double underscore, e.g. JIUYE_WEB__SECURE_COOKIES=true).

# sqlite://PATH (embedded, one file) or postgres://USER:PASSWORD@HOST:5432/DB
database_url = "sqlite://jiuye.db"
# File with the keys that encrypt ID numbers and phones. Keep it outside the database and back it
# up separately: without it the encrypted columns cannot be read. Empty: "<sqlite file>.keys", or
# "jiuye.keys" in the working directory for PostgreSQL.
key_file = ""
# SQLite page cache per connection in MiB, used only as the database is read (a district's registry
# fits in 256); and the size of the connection pool
sqlite_cache_mib = 256
max_connections = 8
bind = "127.0.0.1:8080"
# text or json
log_format = "text"
# TOML file overriding policy parameters (amounts, thresholds) with date ranges; empty: as shipped
rules_overlay = ""

[security]
session_idle_minutes = 30
session_absolute_hours = 12
# failed logins within the window that lock the account, and for how long
lockout_threshold = 5
lockout_window_minutes = 15
lockout_minutes = 30
password_max_age_days = 90

[web]
# true behind TLS: cookies become Secure and __Host- prefixed
secure_cookies = false
max_upload_mb = 50
login_ip_limit = 30
login_ip_window_minutes = 10
request_timeout_secs = 120

[import]
# the command-line import's file size limit (the web limit is web.max_upload_mb)
max_file_mb = 2048
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_default_is_the_default() {
        let parsed: Settings = toml::from_str(DEFAULT_TOML).unwrap();
        assert_eq!(format!("{parsed:?}"), format!("{:?}", Settings::default()));
    }

    #[test]
    fn debug_redacts_the_database_password() {
        let s = Settings { database_url: "postgres://u:hunter2@h/db".into(), ..Default::default() };
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
