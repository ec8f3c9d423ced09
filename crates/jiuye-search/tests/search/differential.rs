//! Differential tests: the index must return exactly the documents the brute-force oracle
//! accepts (precision and recall 100%), for generated documents and queries.

use jiuye_search::{KINDS, SearchIndex, SearchQuery, Sort, VacancyDoc};
use proptest::prelude::*;

use crate::support::{XorShift, check_against_oracle, oracle};

/// Pieces texts are made of: real words (so jieba keeps multi-character terms), single
/// characters, ASCII in both widths and cases, and separators.
const PIECES: &[&str] = &[
    "电焊工",
    "氩弧焊",
    "焊工",
    "焊",
    "工",
    "会计",
    "财务",
    "司机",
    "保洁员",
    "制图",
    "中华人民",
    "共和国",
    "工人",
    "工作",
    "经验",
    "人",
    "电",
    "CAD",
    "cad",
    "Ｃ１",
    "c1",
    "驾照",
    "哈哈",
    "哈",
    "a",
    "B",
    "1",
    "２",
    " ",
    "，",
    "-",
    "、",
    ".",
    "！",
];

/// Pieces that never occur in documents, for queries that must find nothing.
const RARE: &[&str] = &["鲸", "zq", "宇航员", "ＺＺ", "焊鲸"];

fn text(max_pieces: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..=max_pieces).prop_map(|p| p.concat())
}

fn doc_strategy() -> impl Strategy<Value = (String, String, String, String, u8, i64, i64)> {
    (text(4), text(2), text(12), text(3), any::<u8>(), 0i64..6, 0i64..4)
}

fn make_docs(raw: Vec<(String, String, String, String, u8, i64, i64)>) -> Vec<VacancyDoc> {
    raw.into_iter()
        .enumerate()
        .map(|(i, (title, occupation_name, description, enterprise_name, bits, pay, published))| VacancyDoc {
            id: i as i64 + 1,
            title,
            occupation_code: format!("6-04-01-0{}", bits % 2),
            occupation_name,
            description,
            enterprise_name,
            township_code: format!("11010500{}", (bits >> 1) % 2),
            work_type: if bits & 4 == 0 { "full_time".into() } else { "part_time".into() },
            kind: KINDS[usize::from(bits >> 3) % KINDS.len()].into(),
            pay_min_yuan: 1000,
            pay_max_yuan: 1000 * pay,
            published_at: published,
        })
        .collect()
}

/// How a query is made from the documents.
#[derive(Clone, Debug)]
enum QuerySpec {
    /// A substring of 1–4 characters of one field of one document.
    Substring { doc: usize, field: usize, start: usize, len: usize },
    /// Two substrings joined by a separator.
    Pair { a: (usize, usize, usize, usize), b: (usize, usize, usize, usize), sep: &'static str },
    /// Free text from the same pieces (often matching nothing).
    Free(String),
}

fn spec_strategy() -> impl Strategy<Value = QuerySpec> {
    let sub = (any::<usize>(), 0usize..4, any::<usize>(), 1usize..=4);
    prop_oneof![
        4 => sub.clone().prop_map(|(doc, field, start, len)| QuerySpec::Substring { doc, field, start, len }),
        2 => (sub.clone(), sub, prop::sample::select(&[" ", "，", "", "/"][..])).prop_map(|(a, b, sep)| QuerySpec::Pair { a, b, sep }),
        2 => text(3).prop_map(QuerySpec::Free),
        1 => (text(2), prop::sample::select(RARE)).prop_map(|(t, rare)| QuerySpec::Free(format!("{t} {rare}"))),
    ]
}

fn substring(docs: &[VacancyDoc], (doc, field, start, len): (usize, usize, usize, usize)) -> String {
    let d = &docs[doc % docs.len()];
    let f = [&d.title, &d.occupation_name, &d.description, &d.enterprise_name][field % 4];
    let chars: Vec<char> = f.chars().collect();
    if chars.is_empty() {
        return "焊".into();
    }
    let start = start % chars.len();
    chars[start..(start + len).min(chars.len())].iter().collect()
}

fn query_text(docs: &[VacancyDoc], spec: &QuerySpec) -> String {
    match spec {
        QuerySpec::Substring { doc, field, start, len } => substring(docs, (*doc, *field, *start, *len)),
        QuerySpec::Pair { a, b, sep } => format!("{}{sep}{}", substring(docs, *a), substring(docs, *b)),
        QuerySpec::Free(text) => text.clone(),
    }
}

fn filters(bits: u8) -> SearchQuery {
    SearchQuery {
        township: (bits & 1 != 0).then(|| "110105001".into()),
        kind: (bits & 2 != 0).then(|| "ordinary".into()),
        pay_min_yuan: (bits & 4 != 0).then_some(3000),
        published_since: (bits & 8 != 0).then_some(2),
        work_type: (bits & 16 != 0).then(|| "part_time".into()),
        occupation: (bits & 32 != 0).then(|| "6-04-01-01".into()),
        sort: if bits & 64 != 0 { Sort::Newest } else { Sort::Relevance },
        ..SearchQuery::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_index_returns_exactly_what_the_oracle_accepts(
        raw in prop::collection::vec(doc_strategy(), 1..40),
        specs in prop::collection::vec((spec_strategy(), any::<u8>()), 1..16),
        changes in prop::collection::vec(doc_strategy(), 0..8),
        deletes in prop::collection::vec(any::<usize>(), 0..5),
    ) {
        let mut docs = make_docs(raw);
        let index = SearchIndex::in_memory().unwrap();
        // Two commits, so most cases search over more than one segment.
        let half = docs.len() / 2;
        index.upsert(&docs[..half]).unwrap();
        index.upsert(&docs[half..]).unwrap();
        let check = |docs: &[VacancyDoc]| -> Result<(), TestCaseError> {
            for (spec, bits) in &specs {
                let text = query_text(docs, spec);
                let plain = SearchQuery { q: text.clone(), ..SearchQuery::default() };
                check_against_oracle(&index, &plain, docs).map_err(TestCaseError::fail)?;
                let filtered = SearchQuery { q: text, ..filters(*bits) };
                check_against_oracle(&index, &filtered, docs).map_err(TestCaseError::fail)?;
            }
            Ok(())
        };
        check(&docs)?;

        // Replace some documents, delete some, and check again.
        let n = docs.len();
        let mut replaced = make_docs(changes);
        for (k, doc) in replaced.iter_mut().enumerate() {
            doc.id = (k * 7 % n) as i64 + 1;
        }
        index.upsert(&replaced).unwrap();
        for doc in replaced {
            let slot = docs.iter().position(|d| d.id == doc.id).unwrap();
            docs[slot] = doc;
        }
        let gone: Vec<i64> = deletes.iter().map(|d| (d % n) as i64 + 1).collect();
        index.delete(&gone).unwrap();
        docs.retain(|d| !gone.contains(&d.id));
        if !docs.is_empty() {
            check(&docs)?;
        }
    }
}

/// Up to `max_pieces` pieces of text.
fn random_text(rng: &mut XorShift, max_pieces: usize) -> String {
    let n = rng.below(max_pieces + 1);
    (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

#[test]
fn a_larger_index_with_many_segments_agrees_with_the_oracle_on_every_query() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let raw: Vec<_> = (0..1500)
        .map(|_| {
            (
                random_text(&mut rng, 4),
                random_text(&mut rng, 2),
                random_text(&mut rng, 30),
                random_text(&mut rng, 3),
                rng.next() as u8,
                rng.below(6) as i64,
                rng.below(4) as i64,
            )
        })
        .collect();
    let mut docs = make_docs(raw);
    let index = SearchIndex::in_memory().unwrap();
    for chunk in docs.chunks(250) {
        index.upsert(chunk).unwrap();
    }
    let gone: Vec<i64> = (0..100).map(|_| rng.below(docs.len()) as i64 + 1).collect();
    index.delete(&gone).unwrap();
    docs.retain(|d| !gone.contains(&d.id));

    let (mut some, mut none, mut multi_char) = (0, 0, 0);
    for _ in 0..300 {
        let spec = (rng.next() as usize, rng.below(4), rng.next() as usize, 1 + rng.below(4));
        let q = match rng.below(6) {
            0 => random_text(&mut rng, 3),
            1 => format!("{}{}", substring(&docs, spec), RARE[rng.below(RARE.len())]),
            _ => substring(&docs, spec),
        };
        let bits = rng.next() as u8;
        let plain = SearchQuery { q: q.clone(), ..SearchQuery::default() };
        if oracle(&plain, &docs).is_empty() {
            none += 1
        } else {
            some += 1
        }
        if jiuye_search::query_terms(&q).iter().any(|t| t.chars().count() >= 3) {
            multi_char += 1;
        }
        check_against_oracle(&index, &plain, &docs).unwrap();
        check_against_oracle(&index, &SearchQuery { q, ..filters(bits) }, &docs).unwrap();
    }
    // The generated queries exercise both outcomes and phrase queries.
    assert!(some > 100 && none > 20 && multi_char > 30, "matched {some}, unmatched {none}, with 3+ character terms {multi_char}");
}

/// Documents that hold a word cut by a break in every way that could fool a phrase of bigrams:
/// split at each point, with the halves overlapping by one character, with one or two
/// characters between them, across a punctuation mark, a space or two fields.
fn split_word_docs(word: &str) -> Vec<VacancyDoc> {
    let chars: Vec<char> = word.chars().collect();
    let part = |from: usize, to: usize| -> String { chars[from..to].iter().collect() };
    let mut docs = Vec::new();
    // The second text goes into the next field (occupation name) and into the description.
    let mut push = |title: String, next: String| {
        let id = docs.len() as i64 + 1;
        let doc = VacancyDoc { id, title: title.clone(), occupation_name: next.clone(), kind: "ordinary".into(), ..VacancyDoc::default() };
        docs.push(doc);
        if !next.is_empty() {
            docs.push(VacancyDoc { id: id + 1, title, description: next, kind: "ordinary".into(), ..VacancyDoc::default() });
        }
    };
    for i in 1..chars.len() {
        let (head, tail, overlap) = (part(0, i), part(i, chars.len()), part(i - 1, chars.len()));
        for sep in ["，", " ", "-"] {
            push(format!("{head}{sep}{tail}"), String::new());
            push(format!("{head}{sep}{overlap}"), String::new());
            push(format!("{head}{sep}甲{tail}"), String::new());
            push(format!("{head}{sep}甲乙{tail}"), String::new());
            push(format!("{head}{sep}{sep}{overlap}"), String::new());
        }
        push(head.clone(), tail.clone());
        push(head.clone(), overlap.clone());
        push(format!("{head}甲"), format!("乙{tail}"));
    }
    push(format!("招聘{word}"), String::new());
    docs
}

#[test]
fn a_phrase_of_bigrams_never_matches_across_a_break() {
    for word in ["中华人民共和国", "中华人民", "共和国", "电焊工", "氩弧焊", "保洁员", "哈哈哈哈"] {
        let docs = split_word_docs(word);
        let index = SearchIndex::in_memory().unwrap();
        index.upsert(&docs).unwrap();
        assert!(jiuye_search::query_terms(word).iter().any(|t| t.chars().count() >= 3), "{word}: {:?}", jiuye_search::query_terms(word));
        let chars: Vec<char> = word.chars().collect();
        for from in 0..chars.len() {
            for to in from + 1..=chars.len() {
                let q: String = chars[from..to].iter().collect();
                check_against_oracle(&index, &SearchQuery { q, ..SearchQuery::default() }, &docs).unwrap();
            }
        }
    }
}
