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
    pub sms: Sms,
    /// Categories of employment-difficult persons (就业困难人员认定); empty: the shipped list.
    pub difficult_categories: Vec<DifficultCategorySetting>,
    /// Enterprise monitoring: the reporting window and the alert thresholds.
    pub monitoring: jiuye_app::monitoring::MonitorSettings,
}

/// One category as configured: code, label, and an optional validity window (YYYY-MM-DD).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DifficultCategorySetting {
    pub code: String,
    pub label: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sms {
    /// The gateway's http:// URL; empty: messages are recorded in the outbox and the log only.
    pub gateway_url: String,
    pub api_key: String,
    /// The signature carriers require (【南和区人社局】).
    pub sign_name: String,
    pub timeout_secs: u64,
    pub daily_cap: i64,
    pub quiet_from_hour: u8,
    pub quiet_until_hour: u8,
    pub reply_window_days: i64,
    /// HMAC secret of the inbound webhook; empty: `/sms/inbound` is off.
    pub inbound_secret: String,
}

impl Default for Sms {
    fn default() -> Self {
        Self {
            gateway_url: String::new(),
            api_key: String::new(),
            sign_name: "南和区人社局".into(),
            timeout_secs: 10,
            daily_cap: 3,
            quiet_from_hour: 21,
            quiet_until_hour: 8,
            reply_window_days: 7,
            inbound_secret: String::new(),
        }
    }
}

impl std::fmt::Debug for Sms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redact = |s: &str| if s.is_empty() { "" } else { "***" };
        f.debug_struct("Sms")
            .field("gateway_url", &self.gateway_url)
            .field("api_key", &redact(&self.api_key))
            .field("sign_name", &self.sign_name)
            .field("timeout_secs", &self.timeout_secs)
            .field("daily_cap", &self.daily_cap)
            .field("quiet_from_hour", &self.quiet_from_hour)
            .field("quiet_until_hour", &self.quiet_until_hour)
            .field("reply_window_days", &self.reply_window_days)
            .field("inbound_secret", &redact(&self.inbound_secret))
            .finish()
    }
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
            sms: Sms::default(),
            difficult_categories: Vec::new(),
            monitoring: jiuye_app::monitoring::MonitorSettings::default(),
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
            .field("search_dir", &self.search_dir)
            .field("sms", &self.sms)
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
        const KEYS: [&str; 14] = [
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
            "search_dir",
            "sms",
            "difficult_categories",
            "monitoring",
        ];
        // The filter sees the variable's name as written (upper case): compare without case.
        fig =
            fig.merge(Env::prefixed("JIUYE_").filter(|k| KEYS.iter().any(|p| k.as_str().to_ascii_lowercase().starts_with(p))).split("__"));
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

    /// The configured categories of employment-difficult persons, or `None` for the shipped ones.
    pub fn difficult_categories(&self) -> anyhow::Result<Option<Vec<jiuye_app::difficult::DifficultCategory>>> {
        if self.difficult_categories.is_empty() {
            return Ok(None);
        }
        let date = |s: &str| -> anyhow::Result<Option<time::Date>> {
            if s.trim().is_empty() {
                return Ok(None);
            }
            Ok(Some(jiuye_app::jobs::parse_date("difficult_categories", s).map_err(|e| anyhow::anyhow!("就业困难人员类别配置有误：{e}"))?))
        };
        let mut out = Vec::new();
        for c in &self.difficult_categories {
            out.push(jiuye_app::difficult::DifficultCategory {
                code: c.code.clone(),
                label: c.label.clone(),
                from: date(&c.from)?,
                to: date(&c.to)?,
            });
        }
        Ok(Some(out))
    }

    /// The SMS sender (the gateway when configured, else the log) and the outbox rules.
    pub fn sms_setup(&self, clock: std::sync::Arc<dyn jiuye_app::Clock>) -> anyhow::Result<jiuye_app::sms::SmsSetup> {
        let s = &self.sms;
        let policy = jiuye_app::sms::SmsPolicy {
            daily_cap: s.daily_cap.max(1),
            quiet_from_hour: s.quiet_from_hour.min(24),
            quiet_until_hour: s.quiet_until_hour.min(23),
            reply_window_days: s.reply_window_days.max(1),
            inbound_secret: s.inbound_secret.clone(),
        };
        let sender: std::sync::Arc<dyn jiuye_sms::SmsSender> = if s.gateway_url.is_empty() {
            std::sync::Arc::new(jiuye_sms::LogSender)
        } else {
            let config = jiuye_sms::GatewayConfig {
                url: s.gateway_url.clone(),
                api_key: s.api_key.clone(),
                sign_name: s.sign_name.clone(),
                timeout: std::time::Duration::from_secs(s.timeout_secs.max(1)),
            };
            std::sync::Arc::new(
                jiuye_sms::HttpGatewaySender::new(config, move || clock.now().unix_timestamp())
                    .map_err(|e| anyhow::anyhow!("短信网关配置有误：{e}"))?,
            )
        };
        Ok(jiuye_app::sms::SmsSetup { sender, policy })
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
# The job board's search index (derived data, rebuilt from the database when missing). Each server
# process needs its own. Empty: "<sqlite file>.search", or "jiuye-search" for PostgreSQL.
search_dir = ""
# Categories of employment-difficult persons (就业困难人员认定; the policy adjusts them). Empty: the
# shipped list (docs/UNEMPLOYMENT.md). A dated category has from/to (YYYY-MM-DD), e.g.
#   [[difficult_categories]]
#   code = "epidemic"
#   label = "受疫情影响的失业人员"
#   from = "2020-01-01"
#   to = "2020-12-31"
difficult_categories = []

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

[sms]
# http:// URL of the SMS gateway (wire format: crates/jiuye-sms/README.md; HTTPS gateways through a
# local egress proxy). Empty: messages are only recorded in the outbox and the log.
gateway_url = ""
api_key = ""
sign_name = "南和区人社局"
timeout_secs = 10
# messages per person per day; no sending from quiet_from_hour to quiet_until_hour (China time)
daily_cap = 3
quiet_from_hour = 21
quiet_until_hour = 8
# how long after a push an SMS reply (1 感兴趣 / 2 不感兴趣 / TD 退订) still answers it
reply_window_days = 7
# HMAC-SHA256 secret of the inbound webhook POST /sms/inbound; empty: the webhook is off
inbound_secret = ""

[monitoring]
# Monthly employment reports for month M are due from window_from_day to window_to_day of month
# M+1; after it, a key enterprise without a report raises a yellow alert.
window_from_day = 20
window_to_day = 24

[monitoring.thresholds]
# Layoff rate (layoffs / headcount at the start of the month), per mille: 30 = 3%.
layoff_rate_yellow_permille = 30
layoff_rate_orange_permille = 50
layoff_rate_red_permille = 100
# Labour Contract Law art. 41: an economic layoff is 20 people or more, or fewer but 10% of staff.
statutory_layoff_people = 20
statutory_layoff_permille = 100
# Headcount (end vs start of the month) and insured staff (vs last month's report) falling by…
headcount_drop_orange_permille = 100
headcount_drop_red_permille = 200
insured_drop_orange_permille = 100
insured_drop_red_permille = 200
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
    fn debug_redacts_the_sms_secrets() {
        let s =
            Settings { sms: Sms { api_key: "k-123".into(), inbound_secret: "s-456".into(), ..Default::default() }, ..Default::default() };
        let d = format!("{s:?}");
        assert!(!d.contains("k-123") && !d.contains("s-456") && d.contains("***"), "{d}");
    }

    #[test]
    fn debug_redacts_the_database_password() {
        let s = Settings { database_url: "postgres://u:hunter2@h/db".into(), ..Default::default() };
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
