//! HTTP tests through `Router::oneshot`: real SQLite per test, a fixed clock, real sessions.
// Test code fails loudly: unwrap and indexing are the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod access;
mod accounts;
mod api;
mod dashboard;
mod followup;
mod jobs;
mod monitoring;
mod payments;
mod policy;
mod registry;
mod support;
