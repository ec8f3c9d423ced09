//! The one error type of the domain layer: which field, which rule, and a message a clerk can act on.

use std::fmt;

/// A value failed to parse or a rule of the domain was broken.
///
/// `field` names the form field or column (in Chinese, as the user sees it), `code` is a stable
/// machine-readable code (`id_number.checksum`, …) and `message` says, in Chinese, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DomainError {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl DomainError {
    pub fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self { field, code, message: message.into() }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.field, self.message)
    }
}

impl std::error::Error for DomainError {}
