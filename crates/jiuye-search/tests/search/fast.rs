//! The cut-down search (`SearchIndex::search`: exact count, WAND for relevance, time-ordered
//! probing for newest) against the exhaustive scored pass (`search_exhaustive`), on an index large
//! enough for the probing path to be taken, with several segments and deleted documents.

use std::collections::HashMap;

use jiuye_search::{SearchHits, SearchIndex, SearchQuery, Sort, VacancyDoc};

use crate::support::{XorShift, check_against_oracle, vacancy};

const WORDS: &[&str] =
    &["焊工", "电焊工", "会计", "司机", "保洁员", "工作", "工人", "五险一金", "包吃住", "长白班", "制图", "经验", "哈", "工"];

/// Up to `max` words joined by commas.
fn random_text(rng: &mut XorShift, max: usize) -> String {
    let n = 1 + rng.below(max);
    (0..n).map(|_| WORDS[rng.below(WORDS.len())]).collect::<Vec<_>>().join("，")
}

fn corpus(n: i64, rng: &mut XorShift) -> Vec<VacancyDoc> {
    (1..=n)
        .map(|id| VacancyDoc {
            title: random_text(rng, 2),
            description: format!("{}。工作地点：和阳镇", random_text(rng, 6)),
            enterprise_name: if rng.below(3) == 0 { "恒达机械厂".into() } else { "润泽食品有限公司".into() },
            township_code: if rng.below(2) == 0 { "110105001".into() } else { "110105002".into() },
            pay_max_yuan: 1000 * rng.below(8) as i64,
            // Few distinct times: many ties broken by id.
            published_at: 1_700_000_000 + rng.below(50) as i64,
            ..vacancy(id, "")
        })
        .collect()
}

fn all_pages(search: impl Fn(&SearchQuery) -> SearchHits, q: &SearchQuery) -> (u64, Vec<(i64, f32)>) {
    let first = search(&SearchQuery { page: 1, per_page: 100, ..q.clone() });
    let mut out: Vec<(i64, f32)> = first.hits.iter().map(|h| (h.id, h.score)).collect();
    for page in 2..=100 {
        let hits = search(&SearchQuery { page, per_page: 100, ..q.clone() }).hits;
        let n = hits.len();
        out.extend(hits.iter().map(|h| (h.id, h.score)));
        if n < 100 {
            break;
        }
    }
    (first.total, out)
}

/// Same total, same documents; by newest the same order; by relevance each document's score equal
/// to the reference's (to the last bits of a sum) and pages that are slices of one order.
fn compare(index: &SearchIndex, q: &SearchQuery) {
    let (total, fast) = all_pages(|q| index.search(q).unwrap(), q);
    let (ref_total, reference) = all_pages(|q| index.search_exhaustive(q).unwrap(), q);
    assert_eq!(total, ref_total, "{q:?}");
    assert_eq!(fast.len() as u64, total.min(10_000), "{q:?}");
    let relevance = q.sort == Sort::Relevance && !jiuye_search::query_terms(&q.q).is_empty();
    if !relevance {
        assert_eq!(fast, reference, "{q:?}");
    } else {
        let scores: HashMap<i64, f32> = reference.iter().copied().collect();
        assert_eq!(scores.len(), fast.len(), "{q:?}");
        for (id, score) in &fast {
            let want = scores.get(id).copied().unwrap_or(f32::NAN);
            assert!((score - want).abs() <= 1e-4 * want.max(1.0), "{q:?}: id {id} score {score}, reference {want}");
        }
        assert!(fast.windows(2).all(|w| w[0].1 >= w[1].1), "{q:?}: scores out of order");
    }
    for per_page in [1, 7, 20] {
        for page in 1..=3 {
            let hits = index.search(&SearchQuery { page, per_page, ..q.clone() }).unwrap();
            let from = ((page - 1) * per_page) as usize;
            let want: Vec<i64> = fast.iter().skip(from).take(per_page as usize).map(|h| h.0).collect();
            let got: Vec<i64> = hits.hits.iter().map(|h| h.id).collect();
            assert_eq!(hits.total, total);
            if relevance {
                // Near-equal sums may swap between a page and the full list; their scores may not.
                let got_scores: Vec<f32> = hits.hits.iter().map(|h| h.score).collect();
                let want_scores: Vec<f32> = fast.iter().skip(from).take(per_page as usize).map(|h| h.1).collect();
                assert_eq!(got_scores.len(), want_scores.len(), "{q:?} page {page}/{per_page}");
                for (g, w) in got_scores.iter().zip(&want_scores) {
                    assert!((g - w).abs() <= 1e-4 * w.max(1.0), "{q:?} page {page}/{per_page}: {got:?} vs {want:?}");
                }
            } else {
                assert_eq!(got, want, "{q:?} page {page}/{per_page}");
            }
        }
    }
}

#[test]
fn the_fast_paths_agree_with_the_exhaustive_search_and_the_oracle() {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let mut docs = corpus(6_000, &mut rng);
    let index = SearchIndex::in_memory().unwrap();
    // Take the time-order path whenever it could apply (the default cost needs larger segments).
    index.set_probe_cost(1);
    for chunk in docs.chunks(2_000) {
        index.upsert(chunk).unwrap();
    }
    // Deleted and replaced documents inside the large segments.
    let gone: Vec<i64> = (0..300).map(|_| rng.below(6_000) as i64 + 1).collect();
    index.delete(&gone).unwrap();
    docs.retain(|d| !gone.contains(&d.id));
    let mut changed = corpus(50, &mut rng);
    for (k, d) in changed.iter_mut().enumerate() {
        d.id = (k as i64 * 97) % 6_000 + 1;
    }
    index.upsert(&changed).unwrap();
    for d in changed {
        docs.retain(|x| x.id != d.id);
        docs.push(d);
    }
    assert!(index.segment_count() >= 3);

    let queries =
        ["工", "工作", "焊工", "电焊工", "五险一金", "包吃住 司机", "会计 恒达", "长白班 保洁员", "哈", "", "宇航员", "工 和阳镇"];
    for text in queries {
        for sort in [Sort::Relevance, Sort::Newest] {
            for q in [
                SearchQuery { q: text.into(), sort, ..SearchQuery::default() },
                SearchQuery {
                    q: text.into(),
                    sort,
                    township: Some("110105002".into()),
                    pay_min_yuan: Some(3000),
                    ..SearchQuery::default()
                },
                SearchQuery { q: text.into(), sort, published_since: Some(1_700_000_045), ..SearchQuery::default() },
            ] {
                compare(&index, &q);
                check_against_oracle(&index, &q, &docs).unwrap();
            }
        }
    }
    // The probing path was taken (a time order exists), and only for segments still searched.
    assert!(index.cached_time_orders() >= 1);
    assert!(index.cached_time_orders() <= index.segment_count());
}

#[test]
fn a_single_term_orders_exactly_as_the_exhaustive_search() {
    // One term means two scoring clauses, whose sum does not depend on the order of addition.
    let mut rng = XorShift(7);
    let docs = corpus(3_000, &mut rng);
    let index = SearchIndex::in_memory().unwrap();
    index.upsert(&docs).unwrap();
    for text in ["工", "焊工", "司机", "会计"] {
        assert_eq!(jiuye_search::query_terms(text).len(), 1, "{text}");
        for per_page in [5, 20, 100] {
            let q = SearchQuery { per_page, ..SearchQuery::text(text) };
            let fast = index.search(&q).unwrap();
            let reference = index.search_exhaustive(&q).unwrap();
            assert_eq!(fast, reference, "{text} per_page {per_page}");
        }
    }
}

#[test]
fn wand_over_few_scored_documents_then_newest_for_the_rest_equals_the_exhaustive_search() {
    // 3,000 documents contain the character 工 (inside the word 工作); 30 have the word 工 in the
    // title, so only they score: WAND finds them, the rest of a page comes by newest.
    let docs: Vec<VacancyDoc> = (1..=3_000)
        .map(|id| VacancyDoc {
            title: if id % 100 == 0 { "工".into() } else { "保洁".into() },
            description: "工作地点：和阳镇".into(),
            published_at: 1_700_000_000 + id % 37,
            ..vacancy(id, "")
        })
        .collect();
    let index = SearchIndex::in_memory().unwrap();
    index.set_probe_cost(1);
    for chunk in docs.chunks(1_000) {
        index.upsert(chunk).unwrap();
    }
    index.delete(&[100, 2_999]).unwrap();
    for (page, per_page) in [(1, 20), (1, 100), (2, 20), (3, 20), (5, 7)] {
        let q = SearchQuery { page, per_page, ..SearchQuery::text("工") };
        let fast = index.search(&q).unwrap();
        assert_eq!(fast, index.search_exhaustive(&q).unwrap(), "page {page}/{per_page}");
        assert_eq!(fast.total, 2_998);
    }
    assert!(index.cached_time_orders() >= 1, "the rest came by time order");
}

#[test]
fn few_matches_of_common_words_scored_by_seeking_equal_the_exhaustive_search() {
    // 保洁 and 司机 are each in half of 4,000 titles and together in 16: the match set is tiny
    // against the union of their postings, so the page is scored by seeking each clause to the
    // 16 matches instead of walking the union. Scores differ (the words repeated, in the title or
    // only the description) and tie on purpose.
    let docs: Vec<VacancyDoc> = (1..=4_000)
        .map(|id| {
            let both = id % 250 == 0;
            let title = match (both, id % 2) {
                (true, _) if id % 1_000 == 0 => "保洁 司机 司机".to_string(),
                (true, _) => "保洁 司机".to_string(),
                (false, 0) => "保洁".to_string(),
                _ => "司机".to_string(),
            };
            VacancyDoc {
                title,
                description: if id % 500 == 0 { "负责保洁和司机工作".into() } else { "工作地点：和阳镇".into() },
                published_at: 1_700_000_000 + id % 7,
                ..vacancy(id, "")
            }
        })
        .collect();
    let index = SearchIndex::in_memory().unwrap();
    for chunk in docs.chunks(1_500) {
        index.upsert(chunk).unwrap();
    }
    index.delete(&[1_000]).unwrap();
    for (page, per_page) in [(1, 20), (1, 5), (2, 5), (4, 4), (1, 100)] {
        let q = SearchQuery { page, per_page, ..SearchQuery::text("保洁 司机") };
        let fast = index.search(&q).unwrap();
        assert_eq!(fast, index.search_exhaustive(&q).unwrap(), "page {page}/{per_page}");
        assert_eq!(fast.total, 15);
    }
}

#[test]
fn cached_clause_sets_stay_correct_across_deletes_updates_and_new_segments() {
    // Queries fill the clause cache; then documents are deleted, replaced and added (new
    // segments, deletions inside cached segments) and the same queries must still equal the
    // exhaustive search and the oracle, with and without the cache.
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut docs = corpus(4_000, &mut rng);
    let index = SearchIndex::in_memory().unwrap();
    for chunk in docs.chunks(2_000) {
        index.upsert(chunk).unwrap();
    }
    let queries = ["工", "焊工", "电焊工", "五险一金", "包吃住 司机", "会计 恒达", "", "宇航员"];
    let run_all = |index: &SearchIndex, docs: &[VacancyDoc]| {
        for text in queries {
            for sort in [Sort::Relevance, Sort::Newest] {
                for township in [None, Some("110105001".to_string())] {
                    let q = SearchQuery { q: text.into(), sort, township, ..SearchQuery::default() };
                    compare(index, &q);
                    check_against_oracle(index, &q, docs).unwrap();
                }
            }
        }
    };
    run_all(&index, &docs);
    let (sets, bytes) = index.cached_clause_sets();
    assert!(sets >= 2 * 8, "one set per segment and clause was kept, got {sets}");
    assert!(bytes > 0);

    let gone: Vec<i64> = (0..400).map(|_| rng.below(4_000) as i64 + 1).collect();
    index.delete(&gone).unwrap();
    docs.retain(|d| !gone.contains(&d.id));
    // The live documents of the segments are now cached with these deletions...
    run_all(&index, &docs);
    // ...and must not be reused once replacements delete more in the same segments.
    let mut changed = corpus(300, &mut rng);
    for (k, d) in changed.iter_mut().enumerate() {
        d.id = if k % 2 == 0 { (k as i64 * 13) % 4_000 + 1 } else { 10_000 + k as i64 };
    }
    index.upsert(&changed).unwrap();
    for d in changed {
        docs.retain(|x| x.id != d.id);
        docs.push(d);
    }
    run_all(&index, &docs);

    // The same answers with the cache turned off.
    let plain =
        SearchIndex::in_memory_with(jiuye_search::IndexOptions { clause_cache_bytes: 0, ..jiuye_search::IndexOptions::default() }).unwrap();
    plain.upsert(&docs).unwrap();
    for text in queries {
        for sort in [Sort::Relevance, Sort::Newest] {
            let q = SearchQuery { q: text.into(), sort, per_page: 100, ..SearchQuery::default() };
            let (a, b) = (index.search(&q).unwrap(), plain.search(&q).unwrap());
            assert_eq!(a.total, b.total, "{q:?}");
            assert_eq!(plain.cached_clause_sets(), (0, 0));
            if sort == Sort::Newest {
                assert_eq!(a, b, "{q:?}");
            }
        }
    }
}
