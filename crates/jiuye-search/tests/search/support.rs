//! Builders and a full-search oracle shared by the test modules.

use jiuye_search::{SearchHits, SearchIndex, SearchQuery, Sort, VacancyDoc, brute_force_matches};

/// A vacancy with the given id and title and plain defaults elsewhere.
pub fn vacancy(id: i64, title: &str) -> VacancyDoc {
    VacancyDoc {
        id,
        title: title.to_owned(),
        occupation_code: "6-04-01-01".into(),
        occupation_name: String::new(),
        description: String::new(),
        enterprise_name: String::new(),
        township_code: "110105001".into(),
        work_type: "full_time".into(),
        kind: "ordinary".into(),
        pay_min_yuan: 3000,
        pay_max_yuan: 5000,
        published_at: 1_700_000_000 + id,
    }
}

pub fn index_with(docs: &[VacancyDoc]) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    index.upsert(docs).unwrap();
    index
}

/// All matching ids for `q` (every page), in result order.
pub fn all_ids(index: &SearchIndex, q: &SearchQuery) -> Vec<i64> {
    let mut out = Vec::new();
    for page in 1.. {
        let hits: SearchHits = index.search(&SearchQuery { page, per_page: 100, ..q.clone() }).unwrap();
        let n = hits.hits.len();
        out.extend(hits.hits.iter().map(|h| h.id));
        if n < 100 {
            break;
        }
    }
    out
}

pub fn ids_for(index: &SearchIndex, text: &str) -> Vec<i64> {
    let mut ids = all_ids(index, &SearchQuery::text(text));
    ids.sort_unstable();
    ids
}

fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// What `q` must return over `docs`, as (matches in newest order); relevance order is checked
/// separately since BM25 is not re-implemented here.
pub fn oracle(q: &SearchQuery, docs: &[VacancyDoc]) -> Vec<i64> {
    let mut hits: Vec<&VacancyDoc> = docs
        .iter()
        .filter(|d| brute_force_matches(&q.q, d))
        .filter(|d| filled(&q.township).is_none_or(|t| d.township_code == t))
        .filter(|d| filled(&q.occupation).is_none_or(|t| d.occupation_code == t))
        .filter(|d| filled(&q.work_type).is_none_or(|t| d.work_type == t))
        .filter(|d| filled(&q.kind).is_none_or(|t| d.kind == t))
        .filter(|d| q.pay_min_yuan.is_none_or(|p| d.pay_max_yuan >= p))
        .filter(|d| q.published_since.is_none_or(|s| d.published_at >= s))
        .collect();
    hits.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    hits.into_iter().map(|d| d.id).collect()
}

/// Checks one query against the oracle: same ids, same total; under `Newest` the same order.
pub fn check_against_oracle(index: &SearchIndex, q: &SearchQuery, docs: &[VacancyDoc]) -> Result<(), String> {
    let want = oracle(q, docs);
    let got = all_ids(index, q);
    let total = index.search(&SearchQuery { page: 1, per_page: 1, ..q.clone() }).unwrap().total;
    if total != want.len() as u64 {
        return Err(format!("query {:?}: total {total}, oracle {} ({want:?})", q.q, want.len()));
    }
    let ordered = q.sort == Sort::Newest || jiuye_search::query_terms(&q.q).is_empty();
    let (mut g, mut w) = (got.clone(), want.clone());
    if !ordered {
        g.sort_unstable();
        w.sort_unstable();
    }
    if g != w {
        return Err(format!("query {:?} (terms {:?}): index {got:?}, oracle {want:?}", q.q, jiuye_search::query_terms(&q.q)));
    }
    Ok(())
}

/// A deterministic generator for the larger tests (no external crate needed).
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
