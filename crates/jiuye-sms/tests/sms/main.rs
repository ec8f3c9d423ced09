//! Integration tests of jiuye-sms: the HTTP gateway sender against a real local server, and the log
//! sender's tracing output.
// Test code fails loudly: unwrap and indexing are the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod gateway;
mod log_sender;
