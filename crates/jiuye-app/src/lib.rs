#![doc = include_str!("../README.md")]

pub mod accounts;
pub mod citizen;
pub mod clock;
pub mod demo;
pub mod demo_jobs;
pub mod demo_monitoring;
pub mod demo_payments;
pub mod demo_unemployment;
pub mod difficult;
pub mod export;
pub mod import;
pub mod insurance;
pub mod job_search;
pub mod jobs;
pub mod ledger;
pub mod monitoring;
pub mod monitoring_import;
pub mod monitoring_remind;
pub mod password;
pub mod payments;
pub mod policy;
pub mod registry;
pub mod scan;
pub mod seekers;
pub mod sms;
pub mod stats;
pub mod unemployment;
pub mod vacancy_export;
pub mod vault;
pub mod zero_employment;

use std::sync::Arc;

use jiuye_domain::{DomainError, Role};
use jiuye_store::{AuditEntry, Scope, Store, StoreError};
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

pub use clock::{Clock, FixedClock, SystemClock};
pub use vault::Vault;

/// China Standard Time, for dates shown to users and typed by them.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// A moment as office staff read it: China Standard Time to the minute ("2026-11-27 09:05").
pub fn local_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(CST);
    format!("{} {:02}:{:02}", t.date(), t.hour(), t.minute())
}

/// Tunable policy values (等保 requires the mechanisms; the bureau sets the numbers).
#[derive(Debug, Clone)]
pub struct Policy {
    pub session_idle: time::Duration,
    pub session_absolute: time::Duration,
    pub lockout_threshold: i64,
    pub lockout_window: time::Duration,
    pub lockout_duration: time::Duration,
    pub password_max_age: time::Duration,
    pub reveal_reauth: time::Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            session_idle: time::Duration::minutes(30),
            session_absolute: time::Duration::hours(12),
            lockout_threshold: 5,
            lockout_window: time::Duration::minutes(15),
            lockout_duration: time::Duration::minutes(30),
            password_max_age: time::Duration::days(90),
            reveal_reauth: time::Duration::hours(12),
        }
    }
}

#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub vault: Arc<Vault>,
    pub policy: Policy,
    /// The programs of the policy with the operator's parameter overrides.
    pub rules: Arc<jiuye_rules::Ruleset>,
    /// The job board's search index (in memory unless `with_search` gives a directory).
    pub search: Arc<job_search::JobSearch>,
    /// The SMS sender (by default: recorded in the outbox and the log only) and the outbox rules.
    pub sms: sms::SmsSetup,
    /// The categories of employment-difficult persons (configuration; dated ones included).
    pub difficult: Arc<Vec<difficult::DifficultCategory>>,
    /// Enterprise monitoring: alert thresholds and the reporting window (configuration).
    pub monitoring: Arc<monitoring::MonitorSettings>,
}

impl App {
    /// The app with the shipped rules (parameters as published, placeholders marked).
    pub fn new(store: Store, clock: Arc<dyn Clock>, vault: Arc<Vault>, policy: Policy) -> AppResult<Self> {
        let rules = jiuye_rules::Ruleset::default_2020().map_err(|e| AppError::Internal(format!("rules: {e}")))?;
        let search = Arc::new(job_search::JobSearch::in_memory()?);
        Ok(Self {
            store,
            clock,
            vault,
            policy,
            rules: Arc::new(rules),
            search,
            sms: sms::SmsSetup::default(),
            difficult: Arc::new(difficult::default_categories()),
            monitoring: Arc::new(monitoring::MonitorSettings::default()),
        })
    }

    /// Replaces the categories of employment-difficult persons (configuration).
    pub fn with_difficult_categories(mut self, categories: Vec<difficult::DifficultCategory>) -> Self {
        self.difficult = Arc::new(categories);
        self
    }

    /// Replaces the monitoring thresholds and reporting window (configuration).
    pub fn with_monitoring(mut self, settings: monitoring::MonitorSettings) -> Self {
        self.monitoring = Arc::new(settings);
        self
    }

    /// Sets the SMS sender and the outbox rules.
    pub fn with_sms(mut self, setup: sms::SmsSetup) -> Self {
        self.sms = setup;
        self
    }

    /// Replaces the search index (an on-disk one for servers).
    pub fn with_search(mut self, search: job_search::JobSearch) -> Self {
        self.search = Arc::new(search);
        self
    }

    /// Replaces the rules (operator parameter overrides from configuration).
    pub fn with_rules(mut self, rules: jiuye_rules::Ruleset) -> Self {
        self.rules = Arc::new(rules);
        self
    }

    pub fn now(&self) -> OffsetDateTime {
        jiuye_store::db_time(self.clock.now())
    }

    /// A new UUIDv7 (time-ordered, so inserts do not scatter across the index; not a counter, so
    /// it reveals no totals).
    pub fn new_id(&self) -> Uuid {
        let now = self.clock.now();
        let ts = uuid::Timestamp::from_unix(uuid::NoContext, now.unix_timestamp().max(0) as u64, now.nanosecond());
        Uuid::new_v7(ts)
    }

    /// An audit entry for this actor, stamped now.
    pub fn audit_entry(
        &self,
        actor: &Actor,
        action: &str,
        object_type: &str,
        object_id: Option<String>,
        result: &str,
        detail: serde_json::Value,
    ) -> AuditEntry {
        AuditEntry {
            at: self.now(),
            actor_id: actor.user_id,
            actor_login: actor.login.clone(),
            actor_role: actor.role.code().to_string(),
            actor_township: actor.township.clone(),
            ip: actor.ip.clone(),
            request_id: actor.request_id.clone(),
            action: action.to_string(),
            object_type: object_type.to_string(),
            object_id,
            result: result.to_string(),
            detail,
        }
    }
}

/// Who is acting: the logged-in user (or the CLI operator), with where the request came from.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub township: Option<String>,
    pub enterprise_id: Option<Uuid>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    /// The system itself doing scheduled or inbound work, audited as `login` (`system:…`).
    pub fn system(login: &str, display_name: &str) -> Self {
        Self { login: login.into(), display_name: display_name.into(), ..Self::cli() }
    }

    /// The operator at the command line of the server machine: full access, audited as `cli:<os user>`.
    pub fn cli() -> Self {
        let who = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        Self {
            user_id: None,
            login: format!("cli:{who}"),
            display_name: "命令行操作员".into(),
            role: Role::Admin,
            township: None,
            enterprise_id: None,
            ip: None,
            request_id: None,
        }
    }

    pub fn scope(&self) -> Scope {
        match (self.role, &self.township, self.enterprise_id) {
            (Role::TownshipClerk, Some(t), _) => Scope::Township(t.clone()),
            // A clerk without a township sees nothing of persons: scope them to an impossible township.
            (Role::TownshipClerk, None, _) => Scope::Township(String::new()),
            (Role::EnterpriseHr, _, Some(e)) => Scope::Enterprise(e),
            (Role::EnterpriseHr, _, None) => Scope::Enterprise(Uuid::nil()),
            _ => Scope::All,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// One or more fields are invalid; each error names its field.
    #[error("输入有误：{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("；"))]
    Validation(Vec<DomainError>),
    #[error("记录不存在")]
    NotFound,
    #[error("没有权限：{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("请先登录")]
    Unauthenticated,
    #[error("账号或密码错误，或账号已被锁定，请稍后再试")]
    LoginFailed,
    #[error("{0}")]
    BadInput(String),
    #[error("系统内部错误，请联系管理员")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![DomainError::new(field, code, message)])
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate { field } => {
                AppError::Validation(vec![DomainError::new(field, "duplicate", format!("该{field}已登记，不能重复"))])
            }
            StoreError::Conflict => AppError::Conflict("记录已被他人修改，请刷新后重试".into()),
            StoreError::NotFound => AppError::NotFound,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<vault::VaultError> for AppError {
    fn from(e: vault::VaultError) -> Self {
        AppError::Internal(e.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Dates in JSON as `YYYY-MM-DD` (the `time` crate's own serde form is a tuple).
pub fn ser_date<S: serde::Serializer>(d: &time::Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

pub fn ser_opt_date<S: serde::Serializer>(d: &Option<time::Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}
