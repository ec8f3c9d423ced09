//! Search requests: the public [`SearchQuery`], its validation, and its translation into one
//! tantivy query.
//!
//! Invariant: the documents the tantivy query matches are exactly those for which
//! [`crate::brute_force_matches`] holds and the filters pass. Each deciding term becomes one
//! required clause that is an exact substring test on the n-gram fields (see `tokenizer.rs`);
//! the jieba word fields only add optional clauses that change scores, never the match set.

use std::ops::Bound;

use serde::{Deserialize, Serialize};
use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::error::{Result, SearchError};
use crate::schema::Fields;
use crate::text::{deciding_terms, query_terms};

/// Largest accepted `per_page`.
pub const MAX_PER_PAGE: u32 = 100;
/// `page * per_page` may not exceed this (deep paging costs memory and time; narrow the query).
pub const MAX_RESULT_WINDOW: u64 = 10_000;
/// The accepted values of the `kind` filter.
pub const KINDS: [&str; 3] = ["ordinary", "public_welfare", "government_project"];
/// Boost of a word found in the title or occupation name over one found in the description or
/// enterprise name.
const HEAD_BOOST: f32 = 3.0;

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// BM25 relevance; ties by newer `published_at`, then larger id. A query without words is
    /// always sorted by [`Sort::Newest`].
    #[default]
    Relevance,
    /// `published_at` descending, then id descending. Scores are reported as 0.
    Newest,
}

/// One search request. Empty (or blank) filter strings mean "no filter", like `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// Free text; see the match rule in the crate docs.
    pub q: String,
    /// Township (乡镇/街道) code, 9 digits.
    pub township: Option<String>,
    /// Occupation code, exact (e.g. `6-04-01-01`).
    pub occupation: Option<String>,
    /// Work type code, exact.
    pub work_type: Option<String>,
    /// One of [`KINDS`].
    pub kind: Option<String>,
    /// Keep vacancies whose `pay_max_yuan` is at least this.
    pub pay_min_yuan: Option<i64>,
    /// Keep vacancies published at or after this unix time (seconds).
    pub published_since: Option<i64>,
    /// Result order.
    pub sort: Sort,
    /// 1-based page number.
    pub page: u32,
    /// Page size, 1..=[`MAX_PER_PAGE`].
    pub per_page: u32,
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            q: String::new(),
            township: None,
            occupation: None,
            work_type: None,
            kind: None,
            pay_min_yuan: None,
            published_since: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
        }
    }
}

impl SearchQuery {
    /// A first page of 20 for the given text, no filters, by relevance.
    pub fn text(q: impl Into<String>) -> Self {
        Self { q: q.into(), ..Self::default() }
    }
}

/// A validated request, ready to run.
pub(crate) struct Plan {
    /// The whole query as one tantivy query: required clauses with score 0, optional scoring
    /// clauses (the exhaustive reference path, [`crate::SearchIndex::search_exhaustive`]).
    pub query: Box<dyn Query>,
    /// The clauses that decide the match set (terms and filters), unscored; empty = every document.
    pub required: Vec<Box<dyn Query>>,
    /// Per clause of `required`, the key under which its match set may be cached (see
    /// `bits.rs`): the term or the field and value; `None` for range filters, whose bounds vary
    /// too much to be worth keeping.
    pub required_keys: Vec<Option<String>>,
    /// The optional BM25 clauses (empty unless `by_score`); a document's score is the sum of
    /// those it matches, so it is positive iff it matches one.
    pub should: Vec<Box<dyn Query>>,
    /// The terms of `should`, for their document frequencies.
    pub should_terms: Vec<Term>,
    /// At most one required clause, and it is a single term (no phrase, no range): its count is
    /// a document frequency and its postings can be tested by `seek` cheaply.
    pub simple: bool,
    /// Whether results are ordered by score (else by newest).
    pub by_score: bool,
    /// All query terms (for the caller's highlighting).
    pub terms: Vec<String>,
    /// Number of hits to skip.
    pub offset: usize,
    /// Number of hits to return.
    pub per_page: usize,
}

fn filter_value<'a>(value: Option<&'a String>, field: &'static str, valid: impl Fn(&str) -> bool) -> Result<Option<&'a str>> {
    let Some(value) = value.map(|v| v.trim()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if valid(value) { Ok(Some(value)) } else { Err(SearchError::InvalidFilter { field, value: value.to_owned() }) }
}

fn is_code(value: &str) -> bool {
    value.len() <= 32 && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn required(query: impl Query) -> Box<dyn Query> {
    Box::new(query)
}

/// Offsets of the bigrams that cover a term of `n >= 3` characters, at most 2 apart: 0, 2, 4, …
/// and always `n - 2`. Two bigrams at offsets `o` and `o + 2` pin four consecutive characters.
fn bigram_cover(n: usize) -> Vec<usize> {
    let mut offsets: Vec<usize> = (0..).step_by(2).take_while(|o| o + 2 <= n).collect();
    if offsets.last() != Some(&(n - 2)) {
        offsets.push(n - 2);
    }
    offsets
}

/// The required clause for one term: an exact substring test.
fn term_clause(fields: &Fields, term: &str) -> Box<dyn Query> {
    let chars: Vec<char> = term.chars().collect();
    let bigram_at = |offset: usize| -> Term {
        let pair: String = chars.iter().skip(offset).take(2).collect();
        Term::from_field_text(fields.bigram, &pair)
    };
    match chars.len() {
        0 | 1 => required(TermQuery::new(Term::from_field_text(fields.unigram, term), IndexRecordOption::Basic)),
        2 => required(TermQuery::new(bigram_at(0), IndexRecordOption::Basic)),
        n => {
            let phrase: Vec<(usize, Term)> = bigram_cover(n).into_iter().map(|o| (o, bigram_at(o))).collect();
            required(PhraseQuery::new_with_offset(phrase))
        }
    }
}

fn exact(field: Field, value: &str) -> Box<dyn Query> {
    required(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

fn at_least(field: Field, value: i64) -> Box<dyn Query> {
    required(RangeQuery::new(Bound::Included(Term::from_field_i64(field, value)), Bound::Unbounded))
}

/// Validates `q` and builds its plan.
pub(crate) fn plan(fields: &Fields, q: &SearchQuery) -> Result<Plan> {
    let window = u64::from(q.page) * u64::from(q.per_page);
    if q.page == 0 || q.per_page == 0 || q.per_page > MAX_PER_PAGE || window > MAX_RESULT_WINDOW {
        return Err(SearchError::InvalidPaging { page: q.page, per_page: q.per_page });
    }
    let township = filter_value(q.township.as_ref(), "township", |v| v.len() == 9 && v.bytes().all(|b| b.is_ascii_digit()))?;
    let occupation = filter_value(q.occupation.as_ref(), "occupation", is_code)?;
    let work_type = filter_value(q.work_type.as_ref(), "work_type", is_code)?;
    let kind = filter_value(q.kind.as_ref(), "kind", |v| KINDS.contains(&v))?;
    if let Some(pay) = q.pay_min_yuan.filter(|p| *p < 0) {
        return Err(SearchError::InvalidFilter { field: "pay_min_yuan", value: pay.to_string() });
    }

    let terms = query_terms(&q.q);
    let by_score = q.sort == Sort::Relevance && !terms.is_empty();
    let mut required_clauses: Vec<Box<dyn Query>> = Vec::new();
    let mut required_keys: Vec<Option<String>> = Vec::new();
    let deciding = deciding_terms(&terms);
    let mut simple = deciding.iter().all(|t| t.chars().count() <= 2);
    for term in deciding {
        required_clauses.push(term_clause(fields, term));
        required_keys.push(Some(format!("q:{term}")));
    }
    for (name, field, value) in [
        ("township", fields.township, township),
        ("occupation", fields.occupation, occupation),
        ("work_type", fields.work_type, work_type),
        ("kind", fields.kind, kind),
    ] {
        if let Some(value) = value {
            required_clauses.push(exact(field, value));
            required_keys.push(Some(format!("f:{name}:{value}")));
        }
    }
    if let Some(pay) = q.pay_min_yuan {
        required_clauses.push(at_least(fields.pay_max, pay));
        required_keys.push(None);
        simple = false;
    }
    if let Some(since) = q.published_since {
        required_clauses.push(at_least(fields.published_at, since));
        required_keys.push(None);
        simple = false;
    }
    simple &= required_clauses.len() <= 1;
    let mut should: Vec<Box<dyn Query>> = Vec::new();
    let mut should_terms = Vec::new();
    if by_score {
        for term in &terms {
            should_terms.push(Term::from_field_text(fields.words_head, term));
            should_terms.push(Term::from_field_text(fields.words_body, term));
            let head = TermQuery::new(Term::from_field_text(fields.words_head, term), IndexRecordOption::WithFreqs);
            let body = TermQuery::new(Term::from_field_text(fields.words_body, term), IndexRecordOption::WithFreqs);
            should.push(Box::new(BoostQuery::new(Box::new(head), HEAD_BOOST)));
            should.push(Box::new(body));
        }
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        required_clauses.iter().map(|c| (Occur::Must, Box::new(ConstScoreQuery::new(c.box_clone(), 0.0)) as Box<dyn Query>)).collect();
    // Optional clauses: with at least one required clause present they only add to scores.
    clauses.extend(should.iter().map(|c| (Occur::Should, c.box_clone())));
    let query: Box<dyn Query> = if clauses.is_empty() { Box::new(AllQuery) } else { Box::new(BooleanQuery::new(clauses)) };
    let offset = usize::try_from(u64::from(q.page - 1) * u64::from(q.per_page)).unwrap_or(usize::MAX);
    Ok(Plan {
        query,
        required: required_clauses,
        required_keys,
        should,
        should_terms,
        simple,
        by_score,
        terms,
        offset,
        per_page: q.per_page as usize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bigram_cover_spans_every_character_with_gaps_of_at_most_two() {
        assert_eq!(bigram_cover(3), vec![0, 1]);
        assert_eq!(bigram_cover(4), vec![0, 2]);
        assert_eq!(bigram_cover(5), vec![0, 2, 3]);
        assert_eq!(bigram_cover(6), vec![0, 2, 4]);
        for n in 3..40 {
            let cover = bigram_cover(n);
            assert_eq!(cover.first(), Some(&0), "n={n}");
            assert_eq!(cover.last(), Some(&(n - 2)), "n={n}");
            assert!(cover.windows(2).all(|w| w[1] > w[0] && w[1] - w[0] <= 2), "n={n}: {cover:?}");
        }
    }

    fn fields() -> Fields {
        crate::schema::build().1
    }

    fn invalid_filter(q: SearchQuery) -> Option<&'static str> {
        match plan(&fields(), &q) {
            Err(SearchError::InvalidFilter { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn paging_outside_the_limits_is_rejected() {
        for (page, per_page) in [(0, 20), (1, 0), (1, 101), (101, 100)] {
            let q = SearchQuery { page, per_page, ..SearchQuery::default() };
            assert!(matches!(plan(&fields(), &q), Err(SearchError::InvalidPaging { .. })), "page {page}, per_page {per_page}");
        }
        let q = SearchQuery { page: 100, per_page: 100, ..SearchQuery::default() };
        assert!(plan(&fields(), &q).is_ok());
    }

    #[test]
    fn malformed_filter_values_are_rejected_by_name() {
        let base = SearchQuery::default;
        assert_eq!(invalid_filter(SearchQuery { township: Some("12345".into()), ..base() }), Some("township"));
        assert_eq!(invalid_filter(SearchQuery { kind: Some("other".into()), ..base() }), Some("kind"));
        assert_eq!(invalid_filter(SearchQuery { occupation: Some("6 04".into()), ..base() }), Some("occupation"));
        assert_eq!(invalid_filter(SearchQuery { work_type: Some("全职".into()), ..base() }), Some("work_type"));
        assert_eq!(invalid_filter(SearchQuery { pay_min_yuan: Some(-1), ..base() }), Some("pay_min_yuan"));
    }

    #[test]
    fn blank_filter_values_mean_no_filter() {
        let q = SearchQuery { township: Some("  ".into()), kind: Some(String::new()), ..SearchQuery::default() };
        assert!(plan(&fields(), &q).is_ok());
    }

    #[test]
    fn a_query_without_words_is_ordered_by_newest() {
        let q = SearchQuery::text("，，");
        let plan = plan(&fields(), &q).ok();
        assert!(plan.is_some_and(|p| !p.by_score && p.terms.is_empty()));
    }
}
