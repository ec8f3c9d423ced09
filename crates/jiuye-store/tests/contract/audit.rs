use jiuye_store::Db;
use jiuye_test_support::TestDb;

use crate::entry;

async fn raw(store: &jiuye_store::Store, sql: &str) -> Result<(), sqlx::Error> {
    match store.db() {
        Db::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(p).await.map(|_| ()),
        Db::Pg(p) => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(p).await.map(|_| ()),
    }
}

async fn append(store: &jiuye_store::Store, n: usize) {
    for i in 0..n {
        store.audit_only(entry("person.update", &format!("obj-{i}"))).await.unwrap();
    }
}

#[tokio::test]
async fn an_intact_chain_verifies() {
    for db in TestDb::all().await {
        let store = db.store().await;
        append(&store, 5).await;
        let r = store.verify_audit().await.unwrap();
        assert!(r.ok(), "{}: {:?}", db.backend, r.problems);
        assert_eq!((r.checked, r.head_seq), (5, 5));
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_database_rejects_update_and_delete_of_audit_entries() {
    for db in TestDb::all().await {
        let store = db.store().await;
        append(&store, 2).await;
        assert!(raw(&store, "UPDATE audit_log SET actor_login = 'x' WHERE seq = 1").await.is_err(), "{}", db.backend);
        assert!(raw(&store, "DELETE FROM audit_log WHERE seq = 2").await.is_err(), "{}", db.backend);
        if db.backend == "postgres" {
            assert!(raw(&store, "TRUNCATE audit_log").await.is_err());
        }
        assert!(store.verify_audit().await.unwrap().ok());
        store.close().await;
        db.cleanup().await;
    }
}

/// Tampering with superuser rights: switch the append-only triggers off, then edit or delete.
async fn bypass(store: &jiuye_store::Store, backend: &str, sql: &str) {
    if backend == "sqlite" {
        raw(store, "DROP TRIGGER audit_log_no_update").await.ok();
        raw(store, "DROP TRIGGER audit_log_no_delete").await.ok();
        raw(store, sql).await.unwrap();
    } else {
        raw(store, "ALTER TABLE audit_log DISABLE TRIGGER USER").await.unwrap();
        raw(store, sql).await.unwrap();
        raw(store, "ALTER TABLE audit_log ENABLE TRIGGER USER").await.unwrap();
    }
}

#[tokio::test]
async fn verify_names_an_edited_entry() {
    for db in TestDb::all().await {
        let store = db.store().await;
        append(&store, 6).await;
        bypass(&store, db.backend, "UPDATE audit_log SET detail = '{\"name\":\"李*\"}' WHERE seq = 4").await;
        let r = store.verify_audit().await.unwrap();
        assert!(!r.ok());
        assert!(r.problems.iter().any(|p| p.contains("第4条")), "{}: {:?}", db.backend, r.problems);
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn verify_detects_a_deleted_middle_entry_and_a_deleted_tail() {
    for db in TestDb::all().await {
        let store = db.store().await;
        append(&store, 8).await;
        bypass(&store, db.backend, "DELETE FROM audit_log WHERE seq = 3").await;
        let r = store.verify_audit().await.unwrap();
        assert!(r.problems.iter().any(|p| p.contains("第4条")), "{}: {:?}", db.backend, r.problems);
        bypass(&store, db.backend, "DELETE FROM audit_log WHERE seq >= 7").await;
        let r = store.verify_audit().await.unwrap();
        assert!(r.problems.iter().any(|p| p.contains("链头")), "{}: {:?}", db.backend, r.problems);
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_rolled_back_change_leaves_no_audit_entry() {
    for db in TestDb::all().await {
        let store = db.store().await;
        append(&store, 1).await;
        let mut tx = store.begin_write().await.unwrap();
        tx.audit(entry("person.create", "x")).await.unwrap();
        drop(tx);
        append(&store, 1).await;
        let r = store.verify_audit().await.unwrap();
        assert!(r.ok(), "{}: {:?}", db.backend, r.problems);
        assert_eq!(r.checked, 2);
        store.close().await;
        db.cleanup().await;
    }
}
