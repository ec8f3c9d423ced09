//! Time is a parameter: use cases read the time from an injected `Clock`, so deadlines, lockouts and
//! session timeouts are testable without sleeping. This module is the only place allowed to read
//! the system time (clippy.toml disallows it elsewhere).

use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
    fn today(&self) -> time::Date {
        // Dates as the district sees them: China Standard Time.
        self.now().to_offset(crate::CST).date()
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(clippy::disallowed_methods, reason = "the one place that reads the system time")]
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock for tests: stands still until told to move.
pub struct FixedClock(Mutex<OffsetDateTime>);

impl FixedClock {
    pub fn new(t: OffsetDateTime) -> Self {
        Self(Mutex::new(t))
    }
    pub fn advance(&self, d: Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += d;
        }
    }
    pub fn set(&self, v: OffsetDateTime) {
        if let Ok(mut t) = self.0.lock() {
            *t = v;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0.lock().map(|t| *t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}
