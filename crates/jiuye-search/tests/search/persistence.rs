//! The on-disk index: survival across restarts, the watermark, and the distinct open errors.

use std::sync::Arc;

use jiuye_search::{SearchError, SearchIndex};

use crate::support::{ids_for, vacancy};

#[test]
fn documents_and_watermark_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.watermark().unwrap(), 0);
        index.apply_changes(&[vacancy(1, "电焊工"), vacancy(2, "会计")], &[], Some(17)).unwrap();
        index.delete(&[2]).unwrap();
        assert!(index.disk_bytes().unwrap() > 0);
    }
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.watermark().unwrap(), 17, "a delete without a new watermark keeps the old one");
    assert_eq!(ids_for(&index, "焊工"), vec![1]);
    assert!(ids_for(&index, "会计").is_empty());
    index.set_watermark(18).unwrap();
    drop(index);
    assert_eq!(SearchIndex::open_or_create(dir.path()).unwrap().watermark().unwrap(), 18);
}

#[test]
fn a_second_writer_on_the_same_directory_is_locked_out() {
    let dir = tempfile::tempdir().unwrap();
    let _first = SearchIndex::open_or_create(dir.path()).unwrap();
    assert!(matches!(SearchIndex::open_or_create(dir.path()), Err(SearchError::Locked { .. })));
}

#[test]
fn an_index_with_another_schema_is_reported_as_incompatible() {
    let dir = tempfile::tempdir().unwrap();
    let mut builder = tantivy::schema::Schema::builder();
    builder.add_text_field("something_else", tantivy::schema::TEXT);
    tantivy::Index::create_in_dir(dir.path(), builder.build()).unwrap();
    assert!(matches!(SearchIndex::open_or_create(dir.path()), Err(SearchError::IncompatibleSchema { .. })));
}

#[test]
fn a_corrupt_directory_is_reported_as_broken() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("meta.json"), b"{ not json").unwrap();
    assert!(matches!(SearchIndex::open_or_create(dir.path()), Err(SearchError::BrokenIndex { .. })));
}

#[test]
fn searches_run_while_another_thread_writes() {
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let writer = {
        let index = Arc::clone(&index);
        std::thread::spawn(move || {
            for i in 0..20 {
                index.upsert(&[vacancy(i, "保洁员")]).unwrap();
            }
        })
    };
    for _ in 0..20 {
        let n = ids_for(&index, "保洁").len();
        assert!(n <= 20);
    }
    writer.join().unwrap();
    assert_eq!(ids_for(&index, "保洁").len(), 20);
}
