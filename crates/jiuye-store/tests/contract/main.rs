//! The storage contract: every test runs on SQLite and on PostgreSQL (when `JIUYE_TEST_PG_URL` is set;
//! `.ci/run` sets it and requires it).
// Test code fails loudly: unwrap and indexing are the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod audit;
mod registry;

use jiuye_store::persons::PersonWrite;
use time::OffsetDateTime;
use time::macros::{date, datetime};
use uuid::Uuid;

pub const T0: OffsetDateTime = datetime!(2026-11-27 08:00:00 UTC);
pub const HEYANG: &str = "130527100";
pub const JIASONG: &str = "130527101";

/// A person write with distinct blind index and plausible values; `n` makes it unique.
pub fn person(n: u32, name: &str, township: &str) -> PersonWrite {
    PersonWrite {
        name: name.to_string(),
        id_bidx: format!("bidx-{n}").into_bytes(),
        id_enc: vec![1, 2, 3, n as u8],
        id_masked: format!("130***********{n:04}"),
        id_last4: format!("{n:04}"),
        sex: "M".into(),
        birth_date: date!(1990 - 03 - 07),
        phone_bidx: Some(format!("pbidx-{n}").into_bytes()),
        phone_enc: Some(vec![9, 9]),
        phone_masked: Some(format!("138****{n:04}")),
        phone_last4: Some(format!("{n:04}")),
        township_code: township.to_string(),
        village_code: None,
        household_id: None,
        tags: ",graduate,".into(),
        education: Some("bachelor".into()),
        graduation_date: Some(date!(2020 - 07 - 01)),
        employment_status: "unknown".into(),
        key_version: 1,
    }
}

pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

pub fn entry(action: &str, object: &str) -> jiuye_store::AuditEntry {
    jiuye_store::AuditEntry {
        at: T0,
        actor_id: None,
        actor_login: "tester".into(),
        actor_role: "admin".into(),
        actor_township: None,
        ip: Some("127.0.0.1".into()),
        request_id: Some("req-1".into()),
        action: action.into(),
        object_type: "person".into(),
        object_id: Some(object.into()),
        result: "ok".into(),
        detail: serde_json::json!({"name": "张*"}),
    }
}
