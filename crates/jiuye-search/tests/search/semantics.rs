//! The documented examples of the match rule, filters, ordering and paging.

use jiuye_search::{SearchError, SearchQuery, Sort, VacancyDoc, query_terms};

use crate::support::{all_ids, check_against_oracle, ids_for, index_with, vacancy};

fn corpus() -> Vec<VacancyDoc> {
    vec![
        VacancyDoc { occupation_name: "电焊工".into(), ..vacancy(1, "招聘电焊工") },
        VacancyDoc { description: "熟练掌握氩弧焊工艺".into(), ..vacancy(2, "氩弧焊工") },
        VacancyDoc { enterprise_name: "某某财务咨询有限公司".into(), ..vacancy(3, "财务会计") },
        VacancyDoc { description: "会使用ＡｕｔｏＣＡＤ，负责CAD制图".into(), ..vacancy(4, "机械制图员") },
        VacancyDoc { description: "持Ｃ１驾照，三年驾龄".into(), ..vacancy(5, "货车司机") },
        VacancyDoc { description: "负责办公区域保洁".into(), ..vacancy(6, "保洁员") },
        VacancyDoc { title: "电焊".into(), description: "工人若干".into(), ..vacancy(7, "") },
    ]
}

#[test]
fn a_two_character_query_finds_it_inside_longer_words() {
    let index = index_with(&corpus());
    assert_eq!(ids_for(&index, "焊工"), vec![1, 2]);
    assert_eq!(ids_for(&index, "会计"), vec![3]);
}

#[test]
fn a_single_character_query_finds_every_document_containing_it() {
    let index = index_with(&corpus());
    assert_eq!(ids_for(&index, "焊"), vec![1, 2, 7]);
    assert_eq!(ids_for(&index, "洁"), vec![6]);
}

#[test]
fn mixed_ascii_queries_match_case_and_width_insensitively() {
    let index = index_with(&corpus());
    assert_eq!(ids_for(&index, "CAD制图"), vec![4]);
    assert_eq!(ids_for(&index, "ｃａｄ"), vec![4]);
    assert_eq!(ids_for(&index, "c1驾照"), vec![5]);
    assert_eq!(ids_for(&index, "C1 驾照"), vec![5]);
}

#[test]
fn a_term_never_spans_two_fields_or_a_punctuation_mark() {
    // Doc 7 has 电焊 in the title and 工人 in the description: 焊工 is in neither field.
    let index = index_with(&corpus());
    assert!(!ids_for(&index, "焊工").contains(&7));
    let docs = vec![
        VacancyDoc { description: "中华，人民".into(), ..vacancy(1, "") },
        VacancyDoc { description: "人民".into(), ..vacancy(2, "中华") },
    ];
    let index = index_with(&docs);
    assert_eq!(query_terms("中华人民").iter().filter(|t| t.chars().count() == 4).count(), 1, "{:?}", query_terms("中华人民"));
    assert!(ids_for(&index, "中华人民").is_empty());
    assert_eq!(ids_for(&index, "中华 人民"), vec![1, 2]);
}

#[test]
fn every_term_must_match_but_each_may_match_another_field() {
    let index = index_with(&corpus());
    assert_eq!(ids_for(&index, "财务 会计"), vec![3]);
    assert_eq!(ids_for(&index, "会计 咨询"), vec![3], "the second term is in the enterprise name");
    assert!(ids_for(&index, "会计 司机").is_empty());
}

#[test]
fn a_query_of_only_punctuation_lists_everything_by_newest() {
    let index = index_with(&corpus());
    for q in ["", "   ", "，。！", "---"] {
        let got = all_ids(&index, &SearchQuery::text(q));
        assert_eq!(got, vec![7, 6, 5, 4, 3, 2, 1], "query {q:?}");
    }
}

#[test]
fn filters_are_exact() {
    let mut docs = corpus();
    docs[0].township_code = "110105002".into();
    docs[1].kind = "public_welfare".into();
    docs[2].work_type = "part_time".into();
    docs[3].occupation_code = "2-02-01-00".into();
    docs[4].pay_max_yuan = 9000;
    docs[5].published_at = 1_800_000_000;
    let index = index_with(&docs);
    let base = SearchQuery::default;
    let cases = [
        (SearchQuery { township: Some("110105002".into()), ..base() }, vec![1]),
        (SearchQuery { kind: Some("public_welfare".into()), ..base() }, vec![2]),
        (SearchQuery { work_type: Some("part_time".into()), ..base() }, vec![3]),
        (SearchQuery { occupation: Some("2-02-01-00".into()), ..base() }, vec![4]),
        (SearchQuery { pay_min_yuan: Some(5001), ..base() }, vec![5]),
        (SearchQuery { pay_min_yuan: Some(5000), ..base() }, vec![6, 7, 5, 4, 3, 2, 1]),
        (SearchQuery { published_since: Some(1_800_000_000), ..base() }, vec![6]),
        (SearchQuery { q: "焊".into(), township: Some("110105001".into()), ..base() }, vec![7, 2]),
    ];
    for (q, want) in cases {
        assert_eq!(all_ids(&index, &SearchQuery { sort: Sort::Newest, ..q.clone() }), want, "{q:?}");
        check_against_oracle(&index, &q, &docs).unwrap();
    }
}

#[test]
fn relevance_prefers_the_title_and_breaks_ties_by_newer_then_larger_id() {
    let docs = vec![
        VacancyDoc { description: "需要会计经验".into(), ..vacancy(1, "出纳") },
        VacancyDoc { published_at: 1_600_000_000, ..vacancy(2, "会计") },
        VacancyDoc { published_at: 1_700_000_000, ..vacancy(3, "会计") },
        VacancyDoc { published_at: 1_700_000_000, ..vacancy(4, "会计") },
    ];
    let index = index_with(&docs);
    let hits = index.search(&SearchQuery::text("会计")).unwrap();
    assert_eq!(hits.total, 4);
    let ids: Vec<i64> = hits.hits.iter().map(|h| h.id).collect();
    assert_eq!(ids, vec![4, 3, 2, 1], "{hits:?}");
    assert!(hits.hits[0].score > hits.hits[3].score, "{hits:?}");
    assert_eq!(hits.terms, vec!["会计".to_owned()]);
}

#[test]
fn newest_orders_by_publication_then_id_and_reports_zero_scores() {
    let docs: Vec<VacancyDoc> = (1..=5).map(|i| VacancyDoc { published_at: 100 + i % 2, ..vacancy(i, "保洁员") }).collect();
    let index = index_with(&docs);
    let hits = index.search(&SearchQuery { sort: Sort::Newest, ..SearchQuery::text("保洁") }).unwrap();
    assert_eq!(hits.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![5, 3, 1, 4, 2]);
    assert!(hits.hits.iter().all(|h| h.score == 0.0));
}

#[test]
fn pages_partition_the_results() {
    let docs: Vec<VacancyDoc> = (1..=25).map(|i| vacancy(i, "叉车司机")).collect();
    let index = index_with(&docs);
    let page = |page| index.search(&SearchQuery { page, per_page: 10, ..SearchQuery::text("司机") }).unwrap();
    let (p1, p2, p3, p4) = (page(1), page(2), page(3), page(4));
    assert_eq!((p1.total, p1.hits.len(), p2.hits.len(), p3.hits.len(), p4.hits.len()), (25, 10, 10, 5, 0));
    let mut all: Vec<i64> = [p1, p2, p3].iter().flat_map(|p| p.hits.iter().map(|h| h.id)).collect();
    all.sort_unstable();
    assert_eq!(all, (1..=25).collect::<Vec<_>>());
}

#[test]
fn bad_paging_and_filters_are_distinct_errors() {
    let index = index_with(&corpus());
    let q = SearchQuery { per_page: 101, ..SearchQuery::default() };
    assert!(matches!(index.search(&q), Err(SearchError::InvalidPaging { page: 1, per_page: 101 })));
    let q = SearchQuery { page: 0, ..SearchQuery::default() };
    assert!(matches!(index.search(&q), Err(SearchError::InvalidPaging { .. })));
    let q = SearchQuery { township: Some("1101".into()), ..SearchQuery::default() };
    assert!(matches!(index.search(&q), Err(SearchError::InvalidFilter { field: "township", .. })));
}

#[test]
fn upsert_replaces_by_id_and_delete_removes() {
    let index = index_with(&corpus());
    assert_eq!(index.doc_count().unwrap(), 7);
    index.upsert(&[VacancyDoc { title: "叉车司机".into(), ..vacancy(1, "") }]).unwrap();
    assert_eq!(index.doc_count().unwrap(), 7);
    assert_eq!(ids_for(&index, "焊工"), vec![2]);
    assert_eq!(ids_for(&index, "叉车"), vec![1]);
    index.delete(&[2, 99]).unwrap();
    assert!(ids_for(&index, "焊工").is_empty());
    assert_eq!(index.doc_count().unwrap(), 6);
}

#[test]
fn a_batch_with_the_same_id_twice_keeps_the_last_and_a_delete_wins() {
    let index = index_with(&[]);
    index.apply_changes(&[vacancy(1, "会计"), vacancy(1, "出纳"), vacancy(2, "出纳")], &[2], Some(9)).unwrap();
    assert_eq!(ids_for(&index, "出纳"), vec![1]);
    assert!(ids_for(&index, "会计").is_empty());
    assert_eq!(index.watermark().unwrap(), 9);
}

#[test]
fn rebuild_replaces_everything_and_keeps_the_watermark() {
    let index = index_with(&corpus());
    index.set_watermark(41).unwrap();
    let added = index.rebuild((100..110).map(|i| vacancy(i, "保洁员"))).unwrap();
    assert_eq!(added, 10);
    assert_eq!(index.doc_count().unwrap(), 10);
    assert!(ids_for(&index, "焊工").is_empty());
    assert_eq!(ids_for(&index, "保洁"), (100..110).collect::<Vec<_>>());
    assert_eq!(index.watermark().unwrap(), 41);
    // The incremental writer is back after a rebuild.
    index.upsert(&[vacancy(1, "会计")]).unwrap();
    assert_eq!(ids_for(&index, "会计"), vec![1]);
}
