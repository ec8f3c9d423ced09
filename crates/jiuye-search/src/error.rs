//! The crate's error type. Messages are for logs and developers; wording for users is the
//! caller's job (match on the variant).

use std::path::PathBuf;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// `page` is 0, `per_page` is 0 or above [`crate::MAX_PER_PAGE`], or the page lies beyond
    /// [`crate::MAX_RESULT_WINDOW`].
    #[error("invalid paging: page {page}, per_page {per_page}")]
    InvalidPaging {
        /// The requested page (1-based).
        page: u32,
        /// The requested page size.
        per_page: u32,
    },
    /// A filter value has the wrong shape (for example a township code that is not 9 digits).
    #[error("invalid value for filter `{field}`: {value:?}")]
    InvalidFilter {
        /// The filter's name in [`crate::SearchQuery`].
        field: &'static str,
        /// The rejected value.
        value: String,
    },
    /// The index directory cannot be opened or read (missing permissions, corrupt files, a
    /// commit payload this crate did not write). Delete the directory and rebuild from the store.
    #[error("index directory {path} is broken: {reason}")]
    BrokenIndex {
        /// The index directory.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// The index directory holds an index with another schema (written by another version of
    /// this crate). Delete it and rebuild from the store.
    #[error("index directory {path} has an incompatible schema; rebuild it")]
    IncompatibleSchema {
        /// The index directory.
        path: PathBuf,
    },
    /// Another writer (in this or another process) holds the index directory's lock.
    #[error("index directory {path} is locked by another writer")]
    Locked {
        /// The index directory.
        path: PathBuf,
    },
    /// Any other failure inside the search engine.
    #[error("search engine error: {0}")]
    Engine(#[from] tantivy::TantivyError),
}

/// Result with [`SearchError`].
pub type Result<T> = std::result::Result<T, SearchError>;
