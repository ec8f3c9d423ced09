//! Integration tests of jiuye-search: the documented examples, filters and ordering, the
//! differential test against the brute-force oracle, and persistence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod differential;
mod fast;
mod persistence;
mod semantics;
mod support;
