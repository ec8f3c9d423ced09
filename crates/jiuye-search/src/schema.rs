//! The tantivy schema of the vacancy index and the conversion of a [`VacancyDoc`] into a
//! tantivy document.
//!
//! Owns the field list. Invariants: nothing is stored (the id is read from its fast column),
//! the four searchable texts go into every text field as separate values in the same order,
//! and changing any field here changes the schema, which makes an existing on-disk index
//! [`crate::SearchError::IncompatibleSchema`] (rebuild it from the store).

use tantivy::TantivyDocument;
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TokenizerManager;

use crate::VacancyDoc;
use crate::text::searchable_fields;
use crate::tokenizer::{BIGRAM, BigramTokenizer, UNIGRAM, UnigramTokenizer, WORDS, WordTokenizer};

pub(crate) const ID: &str = "id";
pub(crate) const PUBLISHED_AT: &str = "published_at";

/// Handles of the schema's fields.
#[derive(Clone, Debug)]
pub(crate) struct Fields {
    pub id: Field,
    /// Character unigrams of all searchable texts (doc ids only).
    pub unigram: Field,
    /// Character bigrams of all searchable texts, with positions.
    pub bigram: Field,
    /// jieba words of title and occupation name (scoring only).
    pub words_head: Field,
    /// jieba words of description and enterprise name (scoring only).
    pub words_body: Field,
    pub township: Field,
    pub occupation: Field,
    pub work_type: Field,
    pub kind: Field,
    pub pay_max: Field,
    pub published_at: Field,
}

fn text_field(tokenizer: &str, record: IndexRecordOption, fieldnorms: bool) -> TextOptions {
    TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record).set_fieldnorms(fieldnorms))
}

/// Builds the schema and returns it with its field handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_i64_field(ID, INDEXED | FAST),
        unigram: b.add_text_field("unigram", text_field(UNIGRAM, IndexRecordOption::Basic, false)),
        bigram: b.add_text_field("bigram", text_field(BIGRAM, IndexRecordOption::WithFreqsAndPositions, false)),
        words_head: b.add_text_field("words_head", text_field(WORDS, IndexRecordOption::WithFreqs, true)),
        words_body: b.add_text_field("words_body", text_field(WORDS, IndexRecordOption::WithFreqs, true)),
        township: b.add_text_field("township", STRING | FAST),
        occupation: b.add_text_field("occupation", STRING | FAST),
        work_type: b.add_text_field("work_type", STRING | FAST),
        kind: b.add_text_field("kind", STRING | FAST),
        pay_max: b.add_i64_field("pay_max", FAST),
        published_at: b.add_i64_field(PUBLISHED_AT, FAST),
    };
    (b.build(), fields)
}

/// The tokenizers the schema refers to, registered under their names.
pub(crate) fn tokenizers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(UNIGRAM, UnigramTokenizer::default());
    manager.register(BIGRAM, BigramTokenizer::default());
    manager.register(WORDS, WordTokenizer::default());
    manager
}

impl Fields {
    /// The tantivy document for one vacancy.
    pub(crate) fn document(&self, doc: &VacancyDoc) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_i64(self.id, doc.id);
        for text in searchable_fields(doc) {
            d.add_text(self.unigram, text);
            d.add_text(self.bigram, text);
        }
        d.add_text(self.words_head, &doc.title);
        d.add_text(self.words_head, &doc.occupation_name);
        d.add_text(self.words_body, &doc.description);
        d.add_text(self.words_body, &doc.enterprise_name);
        d.add_text(self.township, &doc.township_code);
        d.add_text(self.occupation, &doc.occupation_code);
        d.add_text(self.work_type, &doc.work_type);
        d.add_text(self.kind, &doc.kind);
        d.add_i64(self.pay_max, doc.pay_max_yuan);
        d.add_i64(self.published_at, doc.published_at);
        d
    }
}
