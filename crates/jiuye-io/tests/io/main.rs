//! Integration suite of jiuye-io: round trips through our writer, LibreOffice
//! fixtures, the malformed corpus of SECURITY.md T6, CSV encodings, streaming
//! of large tables, and property tests that no input makes the reader panic.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "test helpers: a broken fixture must stop the test at once")]

mod csv_text;
mod fixtures;
mod fuzz;
mod malformed;
mod roundtrip;
mod streaming;
mod support;
