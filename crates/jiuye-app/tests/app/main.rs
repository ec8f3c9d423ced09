//! Use-case tests on real databases: SQLite always, PostgreSQL when `JIUYE_TEST_PG_URL` is set.
// Test code fails loudly: unwrap and indexing are the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod board;
mod citizen;
mod crash;
mod export;
mod import;
mod insurance;
mod monitoring;
mod payments;
mod push;
mod scan;
mod stats;
mod unemployment;
mod vacancies;
mod zero;

use std::path::PathBuf;
use std::sync::Arc;

use jiuye_app::{App, FixedClock, Policy, Vault};
use jiuye_test_support::TestDb;
use time::macros::datetime;

pub async fn app_on(db: &TestDb) -> App {
    let store = db.store().await;
    App::new(store, Arc::new(FixedClock::new(datetime!(2026-11-27 02:00:00 UTC))), Arc::new(Vault::generate().unwrap()), Policy::default())
        .unwrap()
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}
