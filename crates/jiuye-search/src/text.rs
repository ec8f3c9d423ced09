//! Text normalisation and query segmentation: the single definition of "the match rule".
//!
//! Owns: how characters are normalised, which characters are word characters, how a query is
//! split into terms, and the brute-force oracle [`brute_force_matches`]. The index tokenizers in
//! `tokenizer.rs` use the same [`normalize_char`] and [`is_word_char`], so the index and the
//! oracle cannot drift apart.
//!
//! Invariant: normalisation maps every `char` to exactly one `char`, so a normalised string has
//! the same number of characters as the original and substrings stay aligned.

use std::borrow::Cow;
use std::sync::LazyLock;

use jieba_rs::Jieba;

use crate::VacancyDoc;

/// The one shared jieba dictionary (loading it takes a while and it is immutable afterwards).
pub(crate) static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Queries are cut to this many characters before segmentation (part of the match rule).
pub const MAX_QUERY_CHARS: usize = 100;
/// At most this many terms are taken from a query, in order (part of the match rule).
pub const MAX_QUERY_TERMS: usize = 16;

/// Normalises one character: full-width ASCII (U+FF01–U+FF5E) becomes half-width, the
/// ideographic space U+3000 becomes a space, and ASCII letters are lowercased.
pub fn normalize_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Normalises a string character by character with [`normalize_char`].
pub fn normalize(text: &str) -> String {
    text.chars().map(normalize_char).collect()
}

/// Like [`normalize`], but borrows when the text is already normalised (the common case for
/// Chinese text), so hot loops do not allocate.
pub(crate) fn normalize_cow(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| normalize_char(c) == c) { Cow::Borrowed(text) } else { Cow::Owned(normalize(text)) }
}

/// A word character is a Unicode alphanumeric character (letters, CJK ideographs, digits),
/// judged after normalisation. Everything else (whitespace, punctuation, symbols) separates words.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits a query into its search terms: normalise, keep the first [`MAX_QUERY_CHARS`]
/// characters, split into maximal runs of word characters, segment each run with jieba in
/// search mode (with HMM), drop duplicates keeping the first, and keep the first
/// [`MAX_QUERY_TERMS`] terms.
///
/// An empty result means "no words": the search then lists everything that passes the filters.
pub fn query_terms(q: &str) -> Vec<String> {
    let normalized: String = q.chars().take(MAX_QUERY_CHARS).map(normalize_char).collect();
    let mut terms: Vec<String> = Vec::new();
    for piece in normalized.split(|c: char| !is_word_char(c)).filter(|p| !p.is_empty()) {
        for token in JIEBA.cut_for_search(piece, true) {
            let word = token.word;
            if terms.len() >= MAX_QUERY_TERMS {
                return terms;
            }
            if !word.is_empty() && word.chars().all(is_word_char) && !terms.iter().any(|t| t == word) {
                terms.push(word.to_owned());
            }
        }
    }
    terms
}

/// The terms that decide a match: `terms` without those contained in another term.
///
/// Dropping them does not change the match set: if `t` is a substring of `u` and `u` occurs in
/// a field, `t` occurs in the same field. Fewer terms make a cheaper index query.
pub(crate) fn deciding_terms(terms: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::with_capacity(terms.len());
    for (i, t) in terms.iter().enumerate() {
        let covered = terms.iter().enumerate().any(|(j, u)| j != i && u.len() > t.len() && u.contains(t.as_str()));
        if !covered && !out.contains(&t.as_str()) {
            out.push(t);
        }
    }
    out
}

/// The searchable fields of a vacancy, in the order they are indexed.
pub(crate) fn searchable_fields(doc: &VacancyDoc) -> [&str; 4] {
    [&doc.title, &doc.occupation_name, &doc.description, &doc.enterprise_name]
}

/// The recall oracle: `true` iff every term of [`query_terms`]`(query)` occurs as a contiguous
/// substring of at least one normalised searchable field (title, occupation name, description,
/// enterprise name). A query without terms matches every document.
///
/// This is plain substring search with no index; the index must return exactly this set.
pub fn brute_force_matches(query: &str, doc: &VacancyDoc) -> bool {
    let terms = query_terms(query);
    let fields = searchable_fields(doc).map(normalize_cow);
    terms.iter().all(|t| fields.iter().any(|f| f.contains(t.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_ascii_becomes_half_width_lowercase() {
        assert_eq!(normalize("ＣＡＤ制图　Ｃ１驾照"), "cad制图 c1驾照");
        assert_eq!(normalize("ABC"), "abc");
    }

    #[test]
    fn normalisation_keeps_the_character_count() {
        let s = "Ａ电焊ｚ！　x";
        assert_eq!(normalize(s).chars().count(), s.chars().count());
    }

    #[test]
    fn punctuation_and_spaces_split_the_query() {
        let terms = query_terms("焊工，会计 / 保洁!!!");
        assert!(terms.contains(&"焊工".to_owned()), "{terms:?}");
        assert!(terms.contains(&"会计".to_owned()), "{terms:?}");
        assert!(terms.contains(&"保洁".to_owned()), "{terms:?}");
        assert!(terms.iter().all(|t| t.chars().all(is_word_char)), "{terms:?}");
    }

    #[test]
    fn a_query_of_only_punctuation_has_no_terms() {
        assert!(query_terms("，。！？ ... --- ").is_empty());
        assert!(query_terms("").is_empty());
    }

    #[test]
    fn mixed_ascii_queries_are_lowercased_and_kept() {
        let terms = query_terms("CAD制图");
        assert!(terms.iter().any(|t| t == "cad"), "{terms:?}");
        assert!(terms.iter().all(|t| !t.chars().any(|c| c.is_ascii_uppercase())), "{terms:?}");
    }

    #[test]
    fn deciding_terms_drop_terms_inside_other_terms() {
        let terms: Vec<String> = ["中华", "华人", "中华人民", "工"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(deciding_terms(&terms), vec!["中华人民", "工"]);
    }

    #[test]
    fn the_number_of_terms_is_capped() {
        let q = (0..40).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(query_terms(&q).len(), MAX_QUERY_TERMS);
    }
}
