use jiuye_store::persons::{Page, PersonFilter};
use jiuye_store::{Scope, StoreError};
use jiuye_test_support::TestDb;

use crate::{HEYANG, JIASONG, T0, new_id, person};

const PAGE: Page = Page { limit: 50, offset: 0 };

#[tokio::test]
async fn migrations_are_idempotent_and_seed_the_townships() {
    for db in TestDb::all().await {
        let store = db.store().await;
        assert!(store.migrate().await.unwrap().is_empty(), "{}: second run applies nothing", db.backend);
        let t = store.list_townships().await.unwrap();
        assert_eq!(t.len(), 9, "{}", db.backend);
        assert!(t.iter().any(|(_, n)| n == "东三召乡"));
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_person_round_trips_and_a_second_with_the_same_id_number_is_a_duplicate() {
    for db in TestDb::all().await {
        let store = db.store().await;
        let id = new_id();
        let mut tx = store.begin_write().await.unwrap();
        tx.insert_person(id, &person(1, "张三", HEYANG), T0).await.unwrap();
        tx.commit().await.unwrap();
        let got = store.get_person(&Scope::All, id).await.unwrap().expect("stored");
        assert_eq!(got.name, "张三");
        assert_eq!(got.township_name, "和阳镇");
        assert_eq!(got.birth_date.to_string(), "1990-03-07");
        assert_eq!(got.version, 1);
        let mut tx = store.begin_write().await.unwrap();
        let err = tx.insert_person(new_id(), &person(1, "李四", HEYANG), T0).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { field: "公民身份号码" }), "{}: {err:?}", db.backend);
        drop(tx);
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_clerk_sees_and_changes_only_persons_of_their_township() {
    for db in TestDb::all().await {
        let store = db.store().await;
        let (a, b) = (new_id(), new_id());
        let mut tx = store.begin_write().await.unwrap();
        tx.insert_person(a, &person(1, "和阳人", HEYANG), T0).await.unwrap();
        tx.insert_person(b, &person(2, "贾宋人", JIASONG), T0).await.unwrap();
        tx.commit().await.unwrap();
        let clerk = Scope::Township(HEYANG.into());
        assert!(store.get_person(&clerk, a).await.unwrap().is_some());
        assert!(store.get_person(&clerk, b).await.unwrap().is_none(), "{}: other township is invisible", db.backend);
        assert!(store.person_secrets(&clerk, b).await.unwrap().is_none());
        let (rows, total) = store.list_persons(&clerk, &PersonFilter::default(), PAGE).await.unwrap();
        assert_eq!(total, 1);
        assert!(rows.iter().all(|r| r.township_code == HEYANG));
        // Even asking for the other township explicitly returns nothing.
        let f = PersonFilter { township_code: Some(JIASONG.into()), ..Default::default() };
        assert_eq!(store.list_persons(&clerk, &f, PAGE).await.unwrap().1, 0);
        let mut tx = store.begin_write().await.unwrap();
        let err = tx.update_person(&clerk, b, 1, &person(2, "改名", JIASONG), T0).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{}: {err:?}", db.backend);
        drop(tx);
        let hr = Scope::Enterprise(new_id());
        assert_eq!(store.list_persons(&hr, &PersonFilter::default(), PAGE).await.unwrap().1, 0);
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_stale_version_is_a_conflict() {
    for db in TestDb::all().await {
        let store = db.store().await;
        let id = new_id();
        let mut tx = store.begin_write().await.unwrap();
        tx.insert_person(id, &person(1, "王五", HEYANG), T0).await.unwrap();
        tx.update_person(&Scope::All, id, 1, &person(1, "王五一", HEYANG), T0).await.unwrap();
        let err = tx.update_person(&Scope::All, id, 1, &person(1, "王五二", HEYANG), T0).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict), "{}: {err:?}", db.backend);
        tx.commit().await.unwrap();
        assert_eq!(store.get_person(&Scope::All, id).await.unwrap().unwrap().version, 2);
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn upserting_the_same_rows_twice_changes_nothing_the_second_time() {
    for db in TestDb::all().await {
        let store = db.store().await;
        let rows: Vec<_> = (1..=700).map(|n| (new_id(), person(n, &format!("人员{n}"), HEYANG))).collect();
        let mut tx = store.begin_write().await.unwrap();
        let first = tx.upsert_persons(&rows[..500], T0).await.unwrap();
        let second = tx.upsert_persons(&rows[500..], T0).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(first.inserted + second.inserted, 700, "{}", db.backend);
        let again: Vec<_> = rows.iter().map(|(_, w)| (new_id(), w.clone())).collect();
        let mut tx = store.begin_write().await.unwrap();
        let c = tx.upsert_persons(&again[..500], T0).await.unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (0, 0, 500), "{}", db.backend);
        let mut changed = again[0].1.clone();
        changed.name = "改过的名字".into();
        let c = tx.upsert_persons(&[(new_id(), changed)], T0).await.unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (0, 1, 0), "{}", db.backend);
        tx.commit().await.unwrap();
        assert_eq!(store.count_persons(&Scope::All).await.unwrap(), 700);
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn filters_find_by_name_prefix_last_four_tag_and_household() {
    for db in TestDb::all().await {
        let store = db.store().await;
        let mut tx = store.begin_write().await.unwrap();
        let hh = tx.ensure_households(&[("H001".into(), HEYANG.into(), None)], &mut new_id, T0).await.unwrap();
        let mut p1 = person(1234, "张伟", HEYANG);
        p1.household_id = Some(hh[0].id);
        p1.employment_status = "employed".into();
        let mut p2 = person(5678, "张丽", HEYANG);
        p2.tags = ",veteran,".into();
        p2.household_id = Some(hh[0].id);
        tx.insert_person(new_id(), &p1, T0).await.unwrap();
        tx.insert_person(new_id(), &p2, T0).await.unwrap();
        tx.insert_person(new_id(), &person(9, "李娜", HEYANG), T0).await.unwrap();
        tx.commit().await.unwrap();
        let q = |f: PersonFilter| {
            let store = store.clone();
            async move { store.list_persons(&Scope::All, &f, PAGE).await.unwrap().1 }
        };
        assert_eq!(q(PersonFilter { name_prefix: Some("张".into()), ..Default::default() }).await, 2, "{}", db.backend);
        assert_eq!(q(PersonFilter { name_prefix: Some("张伟".into()), ..Default::default() }).await, 1);
        assert_eq!(q(PersonFilter { id_last4: Some("5678".into()), ..Default::default() }).await, 1);
        assert_eq!(q(PersonFilter { tag: Some("veteran".into()), ..Default::default() }).await, 1);
        assert_eq!(q(PersonFilter { household_id: Some(hh[0].id), ..Default::default() }).await, 2);
        let h = store.get_household(&Scope::All, hh[0].id).await.unwrap().unwrap();
        assert_eq!((h.members, h.working), (2, 1), "{}", db.backend);
        assert!(store.get_household(&Scope::Township(JIASONG.into()), hh[0].id).await.unwrap().is_none());
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_scan_reads_every_person_in_scope_once_in_name_order_by_keyset_pages() {
    for db in TestDb::all().await {
        let store = db.store().await;
        // 23 persons under 4 names (equal names cross page boundaries), in two townships.
        let mut tx = store.begin_write().await.unwrap();
        let mut ids = Vec::new();
        for n in 0..23u32 {
            let id = new_id();
            let name = ["乙", "甲", "丁", "丙"][(n % 4) as usize];
            tx.insert_person(id, &person(n + 1, name, if n % 3 == 0 { JIASONG } else { HEYANG }), T0).await.unwrap();
            ids.push((name.to_string(), id, n));
        }
        tx.commit().await.unwrap();
        let read_all = |scope: Scope, filter: PersonFilter| {
            let store = &store;
            async move {
                let mut out = Vec::new();
                let mut after: Option<(String, uuid::Uuid)> = None;
                loop {
                    let rows = store.scan_persons_page(&scope, &filter, after.as_ref().map(|(n, i)| (n.as_str(), *i)), 4).await.unwrap();
                    if let Some(last) = rows.last() {
                        after = Some((last.name.clone(), last.id));
                    }
                    let done = rows.len() < 4;
                    out.extend(rows);
                    if done {
                        break out;
                    }
                }
            }
        };
        let all = read_all(Scope::All, PersonFilter::default()).await;
        // The same persons and order as the registry list (name, then id).
        let (listed, total) = store.list_persons(&Scope::All, &PersonFilter::default(), Page { limit: 100, offset: 0 }).await.unwrap();
        assert_eq!(total, 23, "{}", db.backend);
        assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), listed.iter().map(|r| r.id).collect::<Vec<_>>(), "{}", db.backend);
        let first = all.iter().find(|r| r.id == ids[0].1).unwrap();
        assert_eq!((first.id_enc.as_slice(), first.township_name.as_str()), ([1u8, 2, 3, 1].as_slice(), "贾宋镇"));
        // A clerk's scope and a township filter.
        let mine = read_all(Scope::Township(HEYANG.into()), PersonFilter::default()).await;
        assert_eq!(mine.len(), ids.iter().filter(|(_, _, n)| n % 3 != 0).count(), "{}", db.backend);
        assert!(mine.iter().all(|r| r.township_code == HEYANG));
        let theirs = read_all(Scope::All, PersonFilter { township_code: Some(JIASONG.into()), ..Default::default() }).await;
        assert_eq!(theirs.len(), 8);
        assert!(read_all(Scope::Enterprise(new_id()), PersonFilter::default()).await.is_empty());
        store.close().await;
        db.cleanup().await;
    }
}
