//! Integration suite of jiuye-rules: table tests on every boundary the policy text sets,
//! snapshot tests of explanations, property tests of the date and ID arithmetic, and the
//! differential test that scan mode agrees with explain mode.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a broken fixture must stop the test at once"
)]

mod api;
mod boundaries;
mod boundaries_person;
mod common;
mod differential;
mod props;
mod retirement;
mod scan_props;
mod snapshots;
