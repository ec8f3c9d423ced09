#![doc = include_str!("../README.md")]

mod api;
mod auth;
mod error;
mod jobs;
mod metrics;
mod pages;
mod routes;
mod security;
mod urls;

use std::sync::Arc;

pub use metrics::Metrics;
pub use routes::{API_ROUTES, router};

/// Web settings (from the `[web]` section of the configuration).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` and use the `__Host-` prefix (behind TLS).
    pub secure_cookies: bool,
    /// Largest upload accepted by the import form, in bytes.
    pub max_upload_bytes: u64,
    /// Failed logins allowed per IP in `login_ip_window` before HTTP 429.
    pub login_ip_limit: u32,
    pub login_ip_window: time::Duration,
    /// Requests taking longer are answered 408.
    pub request_timeout: std::time::Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            max_upload_bytes: 50 * 1024 * 1024,
            login_ip_limit: 30,
            login_ip_window: time::Duration::minutes(10),
            request_timeout: std::time::Duration::from_secs(120),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: jiuye_app::App,
    pub config: Arc<WebConfig>,
    pub jobs: jobs::Jobs,
    pub metrics: Arc<Metrics>,
    pub(crate) throttle: Arc<security::LoginThrottle>,
}

impl AppState {
    pub fn new(app: jiuye_app::App, config: WebConfig) -> Self {
        Self {
            app,
            config: Arc::new(config),
            jobs: jobs::Jobs::default(),
            metrics: Arc::new(Metrics::default()),
            throttle: Arc::new(security::LoginThrottle::default()),
        }
    }
}
