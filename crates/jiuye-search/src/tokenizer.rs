//! The three tantivy tokenizers of the index: character unigrams, character bigrams and jieba
//! words.
//!
//! Owns the token positions that make the bigram phrase query an exact substring test:
//! - every word character (see [`crate::text::is_word_char`]) gets a position, consecutive
//!   characters of a run of word characters get consecutive positions;
//! - a bigram token sits at the position of its first character;
//! - a run break (any non-word character, and the start of every field value) advances the
//!   position by [`RUN_GAP`], so the last bigram of one run and the first of the next are at
//!   least 3 positions apart. Phrase queries built by `query.rs` place consecutive bigrams at
//!   most 2 positions apart, so they can never span a break.
//!
//! The tokenizers share nothing mutable; the jieba dictionary is the process-wide
//! [`crate::text::JIEBA`], so cloning a tokenizer (tantivy does it per indexing thread) is cheap.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::{JIEBA, is_word_char, normalize_char};

/// Name under which [`UnigramTokenizer`] is registered.
pub(crate) const UNIGRAM: &str = "jiuye_unigram";
/// Name under which [`BigramTokenizer`] is registered.
pub(crate) const BIGRAM: &str = "jiuye_bigram";
/// Name under which [`WordTokenizer`] is registered.
pub(crate) const WORDS: &str = "jiuye_words";

/// Positions skipped at a run break (see the module docs).
const RUN_GAP: usize = 2;

/// A reusable token buffer: token strings are overwritten in place instead of reallocated.
#[derive(Clone, Default)]
struct TokenBuf {
    tokens: Vec<Token>,
    len: usize,
}

impl TokenBuf {
    fn clear(&mut self) {
        self.len = 0;
    }

    fn push(&mut self, offset_from: usize, offset_to: usize, position: usize, text: impl FnOnce(&mut String)) {
        if self.len == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        if let Some(token) = self.tokens.get_mut(self.len) {
            token.offset_from = offset_from;
            token.offset_to = offset_to;
            token.position = position;
            token.position_length = 1;
            token.text.clear();
            text(&mut token.text);
            self.len += 1;
        }
    }

    fn stream(&mut self) -> BufStream<'_> {
        BufStream { iter: self.tokens.iter_mut().take(self.len), current: None, fallback: Token::default() }
    }
}

/// Streams the tokens of a [`TokenBuf`].
pub(crate) struct BufStream<'a> {
    iter: std::iter::Take<std::slice::IterMut<'a, Token>>,
    current: Option<&'a mut Token>,
    fallback: Token,
}

impl TokenStream for BufStream<'_> {
    fn advance(&mut self) -> bool {
        self.current = self.iter.next();
        self.current.is_some()
    }

    fn token(&self) -> &Token {
        match &self.current {
            Some(token) => token,
            None => &self.fallback,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match &mut self.current {
            Some(token) => token,
            None => &mut self.fallback,
        }
    }
}

/// One token per word character (normalised). Used for one-character query terms.
#[derive(Clone, Default)]
pub(crate) struct UnigramTokenizer {
    buf: TokenBuf,
}

impl Tokenizer for UnigramTokenizer {
    type TokenStream<'a> = BufStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufStream<'a> {
        self.buf.clear();
        let mut position = 0;
        for (offset, raw) in text.char_indices() {
            let c = normalize_char(raw);
            if is_word_char(c) {
                self.buf.push(offset, offset + raw.len_utf8(), position, |s| s.push(c));
                position += 1;
            }
        }
        self.buf.stream()
    }
}

/// One token per pair of adjacent word characters (normalised), positioned as described in the
/// module docs. Used for query terms of two or more characters.
#[derive(Clone, Default)]
pub(crate) struct BigramTokenizer {
    buf: TokenBuf,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BufStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufStream<'a> {
        self.buf.clear();
        // The start of a value counts as a run break.
        let mut position = RUN_GAP;
        let mut prev: Option<(char, usize)> = None;
        for (offset, raw) in text.char_indices() {
            let c = normalize_char(raw);
            if !is_word_char(c) {
                if prev.take().is_some() {
                    position += RUN_GAP;
                }
                continue;
            }
            if let Some((p, p_offset)) = prev {
                self.buf.push(p_offset, offset + raw.len_utf8(), position, |s| {
                    s.push(p);
                    s.push(c);
                });
                position += 1;
            }
            prev = Some((c, offset));
        }
        self.buf.stream()
    }
}

/// jieba words (search mode, with HMM) of each run of word characters, normalised. Used only
/// for BM25 relevance, never to decide whether a document matches. Offsets refer to the
/// normalised text, which is enough since nothing highlights from them.
#[derive(Clone, Default)]
pub(crate) struct WordTokenizer {
    buf: TokenBuf,
    normalized: String,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = BufStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufStream<'a> {
        self.buf.clear();
        self.normalized.clear();
        self.normalized.extend(text.chars().map(normalize_char));
        let mut position = 0;
        let mut run_start = 0;
        let normalized = self.normalized.as_str();
        for piece in normalized.split(|c: char| !is_word_char(c)) {
            // `split` yields consecutive slices of `normalized`, so the piece's offset follows.
            let start = run_start;
            run_start += piece.len() + piece_separator_len(normalized, start + piece.len());
            if piece.is_empty() {
                continue;
            }
            for word in JIEBA.cut_for_search(piece, true) {
                self.buf.push(start + word.byte_start, start + word.byte_end, position, |s| s.push_str(word.word));
                position += 1;
            }
        }
        self.buf.stream()
    }
}

/// Length in bytes of the separator character at `at` (0 at the end of the text).
fn piece_separator_len(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens<T: Tokenizer>(tokenizer: &mut T, text: &str) -> Vec<(String, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.text.clone(), token.position));
        }
        out
    }

    #[test]
    fn bigrams_are_consecutive_within_a_run_and_gapped_between_runs() {
        let got = tokens(&mut BigramTokenizer::default(), "电焊工，Ｃ1");
        assert_eq!(got, vec![("电焊".into(), 2), ("焊工".into(), 3), ("c1".into(), 6)]);
    }

    #[test]
    fn a_single_character_run_has_no_bigram_but_a_unigram() {
        assert!(tokens(&mut BigramTokenizer::default(), "焊 ! 工").is_empty());
        let uni = tokens(&mut UnigramTokenizer::default(), "焊 ! 工");
        assert_eq!(uni.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(), vec!["焊", "工"]);
    }

    #[test]
    fn the_buffer_is_reused_without_leaking_old_tokens() {
        let mut tokenizer = BigramTokenizer::default();
        assert_eq!(tokens(&mut tokenizer, "一二三四五").len(), 4);
        assert_eq!(tokens(&mut tokenizer, "甲乙"), vec![("甲乙".into(), 2)]);
    }

    #[test]
    fn words_come_from_jieba_and_are_normalised() {
        let got = tokens(&mut WordTokenizer::default(), "招聘ＣＡＤ制图员，财务会计");
        let words: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert!(words.contains(&"cad"), "{words:?}");
        assert!(words.contains(&"会计"), "{words:?}");
        assert!(words.iter().all(|w| w.chars().all(is_word_char)), "{words:?}");
    }

    #[test]
    fn word_offsets_point_into_the_normalised_text() {
        let mut tokenizer = WordTokenizer::default();
        let text = "会计、出纳 ok";
        let mut stream = tokenizer.token_stream(text);
        while let Some(token) = stream.next() {
            assert_eq!(text.get(token.offset_from..token.offset_to), Some(token.text.as_str()));
        }
    }
}
