//! Prometheus metrics in the text exposition format, from a few atomic counters. (A metrics crate
//! and its exporter would pull a larger graph for the handful of series we publish.)

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Metrics {
    pub requests: [AtomicU64; 5],
    pub request_micros_total: AtomicU64,
    pub login_failures: AtomicU64,
    pub imports: AtomicU64,
    pub import_rows: AtomicU64,
    pub exports: AtomicU64,
}

impl Metrics {
    pub fn record(&self, status: u16, micros: u64) {
        let class = usize::from((status / 100).clamp(1, 5) - 1);
        if let Some(c) = self.requests.get(class) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        self.request_micros_total.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn render(&self, persons: i64, enterprises: i64) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# HELP jiuye_http_requests_total HTTP responses by status class.\n# TYPE jiuye_http_requests_total counter");
        for (i, c) in self.requests.iter().enumerate() {
            let _ = writeln!(s, "jiuye_http_requests_total{{class=\"{}xx\"}} {}", i + 1, c.load(Ordering::Relaxed));
        }
        let _ = writeln!(
            s,
            "# HELP jiuye_http_request_seconds_total Time spent answering requests.\n# TYPE jiuye_http_request_seconds_total counter"
        );
        let _ = writeln!(s, "jiuye_http_request_seconds_total {:.6}", self.request_micros_total.load(Ordering::Relaxed) as f64 / 1e6);
        for (name, help, v) in [
            ("jiuye_login_failures_total", "Failed logins.", &self.login_failures),
            ("jiuye_imports_total", "Import jobs started.", &self.imports),
            ("jiuye_import_rows_total", "Rows read by imports.", &self.import_rows),
            ("jiuye_exports_total", "Exports written.", &self.exports),
        ] {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}", v.load(Ordering::Relaxed));
        }
        let _ = writeln!(
            s,
            "# HELP jiuye_registry_persons Persons in the registry.\n# TYPE jiuye_registry_persons gauge\njiuye_registry_persons {persons}"
        );
        let _ = writeln!(
            s,
            "# HELP jiuye_registry_enterprises Enterprises in the registry.\n# TYPE jiuye_registry_enterprises gauge\njiuye_registry_enterprises {enterprises}"
        );
        s
    }
}
