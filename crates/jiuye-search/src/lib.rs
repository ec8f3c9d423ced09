#![doc = include_str!("../README.md")]
//!
//! Module map: `text` (normalisation, query terms, the oracle), `tokenizer` (n-gram and jieba
//! tokenizers), `schema` (fields), `query` (request validation and the tantivy query),
//! `collector` (count + top-k), `index` ([`SearchIndex`]), [`matching`] (pure match scores).

mod bits;
mod collector;
mod error;
mod exec;
mod index;
pub mod matching;
mod query;
mod schema;
mod text;
mod tokenizer;

use serde::{Deserialize, Serialize};

pub use error::{Result, SearchError};
pub use index::{IndexOptions, SearchIndex};
pub use query::{KINDS, MAX_PER_PAGE, MAX_RESULT_WINDOW, SearchQuery, Sort};
pub use text::{MAX_QUERY_CHARS, MAX_QUERY_TERMS, brute_force_matches, is_word_char, normalize, normalize_char, query_terms};

/// A vacancy as the index sees it. Only `id` and the filter/sort values are kept in columns;
/// texts are indexed, not stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancyDoc {
    /// The vacancy's id (unique; upserts replace by it).
    pub id: i64,
    /// Title, searchable.
    pub title: String,
    /// Occupation code (exact filter), e.g. `6-04-01-01`.
    pub occupation_code: String,
    /// Occupation name, searchable.
    pub occupation_name: String,
    /// Description, searchable.
    pub description: String,
    /// Enterprise name, searchable.
    pub enterprise_name: String,
    /// Township (乡镇/街道) code, 9 digits (exact filter).
    pub township_code: String,
    /// Work type code (exact filter).
    pub work_type: String,
    /// One of [`KINDS`] (exact filter).
    pub kind: String,
    /// Monthly pay, lower bound in yuan (not indexed).
    pub pay_min_yuan: i64,
    /// Monthly pay, upper bound in yuan (filter `pay_min_yuan` compares against it).
    pub pay_max_yuan: i64,
    /// Publication time, unix seconds (filter and sort).
    pub published_at: i64,
}

/// One result.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The vacancy id.
    pub id: i64,
    /// BM25 relevance (0 when sorted by newest).
    pub score: f32,
}

/// The answer to a search.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchHits {
    /// Number of matching documents (all pages).
    pub total: u64,
    /// The requested page.
    pub hits: Vec<Hit>,
    /// The query terms of the match rule, for highlighting and explanations.
    pub terms: Vec<String>,
}
