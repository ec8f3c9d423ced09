//! Killing the process (SIGKILL, `kill -9`) in the middle of approvals and batch creation loses no
//! acknowledged approval and leaves no half batch (issue 6).
//!
//! The test starts a worker: this same test binary, re-run with `JIUYE_CRASH_WORKER` set, which
//! approves checked applications one by one and creates payment batches, printing `ACK <id>` after
//! each approval's commit returned and `BATCH <id> <count> <total>` after each batch. The parent
//! kills it after a few acknowledgements — often in the middle of the next transaction — and then
//! checks the database: every acknowledged approval is there with exactly one ledger entry, no
//! approved application lacks its entry, every batch has all its items, and `verify_ledger` finds
//! nothing. Six rounds per backend, killing at different points.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use jiuye_app::payments::{Submitter, Verdict};
use jiuye_app::{App, FixedClock, Policy, Vault};
use jiuye_domain::Role;
use jiuye_store::{ConnectOptions, Store};
use jiuye_test_support::TestDb;
use time::macros::datetime;

use crate::payments::{clerk, returnee, staff, startup};
use crate::vacancies::actor;

const WORKER_ENV: &str = "JIUYE_CRASH_WORKER";
const TEST_NAME: &str = "crash::killing_the_process_mid_approval_loses_no_acknowledged_approval_and_leaves_no_half_batch";

async fn app_at(url: &str, vault: Vault) -> App {
    let store = Store::connect(url, &ConnectOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    App::new(store, Arc::new(FixedClock::new(datetime!(2026-11-27 02:00:00 UTC))), Arc::new(vault), Policy::default()).unwrap()
}

/// The worker: approve every checked application, a batch after every third approval.
#[expect(clippy::print_stdout, reason = "the worker reports to the parent test through stdout")]
async fn worker(url: &str, key_file: &str) {
    let app = app_at(url, Vault::load_or_create(std::path::Path::new(key_file), false).unwrap()).await;
    let leader = actor("leader1", Role::Leader, None, None);
    let money = actor("cashier", Role::BureauStaff, None, None);
    let mut n = 0;
    loop {
        let f = jiuye_store::payments::ApplicationFilter { status: Some("checked".into()), limit: 1, ..Default::default() };
        let (rows, _) = app.store.list_applications(&f).await.unwrap();
        let Some(r) = rows.first() else { break };
        let a = app.store.application(r.id).await.unwrap();
        app.approve_application(&leader, a.id, a.version, Verdict::Pass, "同意", true).await.unwrap();
        println!("ACK {}", a.id);
        n += 1;
        if n % 3 == 0 {
            let b = app.create_batch(&money, "startup_returnee", Some(2026), "2026-11").await.unwrap();
            println!("BATCH {} {} {}", b.id, b.item_count, b.total_fen);
        }
    }
    println!("DONE");
    // Wait to be killed.
    tokio::time::sleep(std::time::Duration::from_secs(600)).await;
}

#[tokio::test]
async fn killing_the_process_mid_approval_loses_no_acknowledged_approval_and_leaves_no_half_batch() {
    if let (Ok(url), Ok(key)) = (std::env::var(WORKER_ENV), std::env::var("JIUYE_CRASH_KEY")) {
        worker(&url, &key).await;
        return;
    }
    for db in TestDb::all().await {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("keys");
        let vault = Vault::generate().unwrap();
        std::fs::write(&key_file, vault.to_file_text()).unwrap();
        let app = app_at(&db.url, Vault::load_or_create(&key_file, false).unwrap()).await;
        // 40 checked applications waiting for approval.
        for seq in 0..40u32 {
            let p = returnee(&app, 100 + seq).await;
            let a = app.submit_application(&Submitter::Staff(&clerk()), &startup(p)).await.unwrap();
            app.check_application(&staff(), a.id, a.version, Verdict::Pass, "").await.unwrap();
        }
        let mut acked: Vec<uuid::Uuid> = Vec::new();
        let mut batches: Vec<(i64, i64, i64)> = Vec::new();
        // Kill after 1, 2, 4, 5, 7, 3 acknowledgements: before, during and after a batch.
        for (round, kill_after) in [1usize, 2, 4, 5, 7, 3].into_iter().enumerate() {
            let mut child = Command::new(std::env::current_exe().unwrap())
                .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
                .env(WORKER_ENV, &db.url)
                .env("JIUYE_CRASH_KEY", &key_file)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let mut seen = 0;
            let mut done = false;
            while let Some(Ok(line)) = lines.next() {
                if let Some(id) = line.strip_prefix("ACK ") {
                    acked.push(id.parse().unwrap());
                    seen += 1;
                } else if let Some(b) = line.strip_prefix("BATCH ") {
                    let v: Vec<i64> = b.split(' ').map(|x| x.parse().unwrap()).collect();
                    batches.push((v[0], v[1], v[2]));
                } else if line == "DONE" {
                    done = true;
                }
                if seen >= kill_after || done {
                    break;
                }
            }
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();

            // Every acknowledged approval survived, with exactly one grant entry.
            for id in &acked {
                let a = app.store.application(*id).await.unwrap();
                assert!(
                    matches!(a.status.as_str(), "approved" | "paid"),
                    "round {round}: acknowledged {id} is {} ({})",
                    a.status,
                    db.backend
                );
                let grants = app.store.entries_of_application(*id).await.unwrap().into_iter().filter(|e| e.kind == "grant").count();
                assert_eq!(grants, 1, "round {round}: {id} ({})", db.backend);
            }
            // Nothing approved without its entry (an approval is all or nothing).
            let f = jiuye_store::payments::ApplicationFilter { status: Some("approved".into()), limit: 500, ..Default::default() };
            for r in app.store.list_applications(&f).await.unwrap().0 {
                assert_eq!(app.store.entries_of_application(r.id).await.unwrap().len(), 1, "round {round} ({})", db.backend);
            }
            // Every batch is whole: acknowledged ones as printed, and any other (committed just
            // before the kill) checked by verify below.
            for (id, count, total) in &batches {
                let b = app.store.batch(*id).await.unwrap();
                assert_eq!((b.item_count, b.total_fen), (*count, *total));
                assert_eq!(app.store.batch_lines(*id).await.unwrap().len() as i64, *count, "round {round} ({})", db.backend);
            }
            let report = app.verify_ledger(&mut |_| {}).await.unwrap();
            assert!(report.ok(), "round {round} ({}): {:?}", db.backend, report.problems);
            let audit = app.store.verify_audit().await.unwrap();
            assert!(audit.problems.is_empty(), "round {round} ({}): {:?}", db.backend, audit.problems);
            if done {
                break;
            }
        }
        assert!(acked.len() >= 20, "the rounds approved most applications ({})", acked.len());
        db.cleanup().await;
    }
}
