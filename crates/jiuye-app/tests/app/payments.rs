//! Applications, maker-checker review, the ledger and payment batches on both backends: no double
//! payment under concurrency, the database refusing edits of the ledger, control totals,
//! reconciliation, corrections, `ledger verify` and decision replay.

use std::sync::Arc;

use jiuye_app::payments::{ApplicationInput, Submitter, Verdict};
use jiuye_app::registry::PersonInput;
use jiuye_app::{Actor, App, AppError};
use jiuye_domain::Role;
use jiuye_test_support::TestDb;
use serde_json::json;
use time::macros::{date, datetime};
use uuid::Uuid;

use crate::vacancies::{actor, app_with_clock, enterprise};

pub fn staff() -> Actor {
    actor("staff1", Role::BureauStaff, None, None)
}
pub fn staff2() -> Actor {
    actor("staff2", Role::BureauStaff, None, None)
}
pub fn clerk() -> Actor {
    actor("clerk1", Role::TownshipClerk, Some("130527100"), None)
}
pub fn leader() -> Actor {
    actor("leader1", Role::Leader, None, None)
}

pub async fn returnee(app: &App, seq: u32) -> Uuid {
    let input = PersonInput {
        name: format!("返乡人员{}", ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"][seq as usize % 10]),
        id_number: jiuye_app::demo::make_id_number("130527", date!(1985 - 03 - 01), seq),
        township: "和阳镇".into(),
        tags: "返乡农民工".into(),
        employment_status: "flexible".into(),
        ..Default::default()
    };
    app.create_person(&Actor::cli(), &input).await.unwrap()
}

pub fn startup(person: Uuid) -> ApplicationInput {
    let facts = json!({"person.is_first_business": true, "business.operating_normally": true, "business.started_on": "2026-01-05"});
    ApplicationInput {
        program: "startup_returnee".into(),
        person_id: Some(person),
        facts: facts.as_object().unwrap().clone(),
        payee_bank: "中国农业银行南和支行".into(),
        payee_account: "6228 4801 2345 6789 012".into(),
        ..Default::default()
    }
}

/// Submits (clerk), checks (bureau staff) and approves (leader) an application.
pub async fn approved(app: &App, input: &ApplicationInput) -> Uuid {
    let a = app.submit_application(&Submitter::Staff(&clerk()), input).await.unwrap();
    let a = app.check_application(&staff(), a.id, a.version, Verdict::Pass, "材料齐全").await.unwrap();
    let a = app.approve_application(&leader(), a.id, a.version, Verdict::Pass, "同意", true).await.unwrap();
    assert_eq!(a.status, "approved");
    a.id
}

#[tokio::test]
async fn an_application_goes_through_maker_checker_and_lands_once_in_the_ledger() {
    for db in TestDb::all().await {
        let (app, _) = app_with_clock(&db).await;
        let p = returnee(&app, 1).await;
        app.allocate_budget(&staff(), "employment_fund", "startup_returnee", 2026, "10000", "南人社〔2026〕1号").await.unwrap();

        // The form asks only what the registry does not hold.
        let preview = app.preview_application(&Submitter::Staff(&clerk()), &startup(p)).await.unwrap();
        assert!(preview.registry_facts.contains(&"person.is_returning_migrant_worker"));
        assert!(!preview.asked_facts.iter().any(|f| f.name == "person.is_returning_migrant_worker"));
        assert!(preview.asked_facts.iter().any(|f| f.name == "business.started_on"), "a derived fact is asked through its input");
        assert_eq!(preview.amount_fen, Some(500_000), "{}", db.backend);
        // A fact the registry holds is refused, not overridden.
        let mut input = startup(p);
        input.facts.insert("person.is_returning_migrant_worker".into(), json!(true));
        let e = app.submit_application(&Submitter::Staff(&clerk()), &input).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "payment.fact_from_registry"), "{e}");
        // Missing facts are named.
        let mut input = startup(p);
        input.facts.remove("business.started_on");
        let e = app.submit_application(&Submitter::Staff(&clerk()), &input).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "payment.needs_facts" && f[0].message.contains("开业")), "{e}");

        let a = app.submit_application(&Submitter::Staff(&clerk()), &startup(p)).await.unwrap();
        assert_eq!((a.status.as_str(), a.amount_fen, a.payee_account_last4.as_deref()), ("submitted", Some(500_000), Some("9012")));
        // Nobody checks their own entry; the checker cannot also approve; the approver's role differs.
        let e = app.check_application(&clerk(), a.id, a.version, Verdict::Pass, "").await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e}");
        let a = app.check_application(&staff(), a.id, a.version, Verdict::Pass, "材料齐全").await.unwrap();
        let e = app.approve_application(&staff(), a.id, a.version, Verdict::Pass, "", false).await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e}");
        let e = app.approve_application(&staff2(), a.id, a.version, Verdict::Pass, "", false).await.unwrap_err();
        assert!(matches!(&e, AppError::Forbidden(m) if m.contains("不同岗位")), "{e}");
        let a = app.approve_application(&leader(), a.id, a.version, Verdict::Pass, "同意", false).await.unwrap();
        assert_eq!(a.status, "approved");

        let view = app.application_view(&staff(), a.id).await.unwrap();
        assert_eq!(view.steps.iter().map(|s| s.record.step.as_str()).collect::<Vec<_>>(), ["submit", "check", "approve"]);
        assert!(view.steps.iter().all(|s| s.diff_from_submission.is_empty()), "nothing changed since submission");
        assert_eq!(view.entries.len(), 1);
        assert_eq!(view.entries[0].amount_fen, 500_000);

        // The same one-time subsidy cannot be granted twice, across applications.
        let again = app.submit_application(&Submitter::Staff(&clerk()), &startup(p)).await.unwrap_err();
        assert!(matches!(&again, AppError::Conflict(m) if m.contains("不能重复")), "{again}");
        let r = app.verify_ledger(&mut |_| {}).await.unwrap();
        assert!(r.ok(), "{:?}", r.problems);
        assert_eq!((r.entries, r.net_fen), (1, 500_000));
        let audit = app.store.verify_audit().await.unwrap();
        assert!(audit.problems.is_empty(), "{:?}", audit.problems);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_hundred_concurrent_submissions_make_one_application_and_two_approvals_one_entry() {
    for db in TestDb::all().await {
        let (app, _) = app_with_clock(&db).await;
        let app = Arc::new(app);
        let p = returnee(&app, 2).await;
        let q = returnee(&app, 3).await;
        for (person, key) in [(p, Some("form-123")), (q, None)] {
            let mut tasks = Vec::new();
            for _ in 0..100 {
                let app = app.clone();
                let mut input = startup(person);
                input.idempotency_key = key.map(str::to_string);
                tasks.push(tokio::spawn(async move { app.submit_application(&Submitter::Staff(&clerk()), &input).await.map(|a| a.id) }));
            }
            let mut ids = Vec::new();
            for t in tasks {
                if let Ok(id) = t.await.unwrap() {
                    ids.push(id);
                }
            }
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 1, "{} key={key:?}", db.backend);
            let (rows, total) = app
                .list_applications(&staff(), jiuye_store::payments::ApplicationFilter { subject_id: Some(person), ..Default::default() })
                .await
                .unwrap();
            assert_eq!((rows.len(), total), (1, 1), "exactly one application ({})", db.backend);
            if key.is_some() {
                assert!(rows.iter().all(|r| r.id == ids[0]), "the same key returns the first application");
            }
        }
        // Approving twice at once: one ledger entry.
        let (rows, _) = app
            .list_applications(&staff(), jiuye_store::payments::ApplicationFilter { subject_id: Some(p), ..Default::default() })
            .await
            .unwrap();
        let a = app.store.application(rows[0].id).await.unwrap();
        let a = app.check_application(&staff(), a.id, a.version, Verdict::Pass, "").await.unwrap();
        let (a1, a2) = (app.clone(), app.clone());
        let (r1, r2) =
            tokio::join!(async move { a1.approve_application(&leader(), a.id, a.version, Verdict::Pass, "", true).await }, async move {
                a2.approve_application(&actor("leader2", Role::Leader, None, None), a.id, a.version, Verdict::Pass, "", true).await
            });
        assert_eq!([r1.is_ok(), r2.is_ok()].iter().filter(|x| **x).count(), 1, "{} {:?} {:?}", db.backend, r1.err(), r2.err());
        assert_eq!(app.store.entries_of_application(a.id).await.unwrap().len(), 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn exclusive_programs_block_each_other_and_the_database_refuses_a_second_claim() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        clock.set(datetime!(2020-09-15 02:00:00 UTC));
        let cc = {
            let mut rng = jiuye_app::demo::Rng::new(7);
            jiuye_app::demo::make_credit_code("130527", &mut rng)
        };
        let e = enterprise(&app, "南和区恒达机械制造有限公司", &cc, "80").await;
        let grad = PersonInput {
            name: "毕业生甲".into(),
            id_number: jiuye_app::demo::make_id_number("130527", date!(1998 - 05 - 01), 9),
            township: "和阳镇".into(),
            tags: "高校毕业生".into(),
            graduation_date: "2020-07-01".into(),
            employment_status: "unemployed".into(),
            ..Default::default()
        };
        let person = app.create_person(&Actor::cli(), &grad).await.unwrap();
        // Registered unemployed from January until the hire on 1 August (the registry, not the form).
        clock.set(datetime!(2020-01-10 02:00:00 UTC));
        let reg = jiuye_app::unemployment::RegistrationInput { registered_on: "2020-01-02".into(), ..Default::default() };
        let r = app.register_unemployment(&clerk(), person, &reg).await.unwrap();
        clock.set(datetime!(2020-09-15 02:00:00 UTC));
        let v = app.get_registration(&clerk(), r).await.unwrap().version;
        app.close_registration(&clerk(), r, v, "2020-08-01", "employed", "入职恒达机械").await.unwrap();
        let hr = actor("hr1", Role::EnterpriseHr, None, Some(e));
        let hire = |program: &str, facts: serde_json::Value| ApplicationInput {
            program: program.into(),
            person_id_number: Some(grad.id_number.clone()),
            facts: facts.as_object().unwrap().clone(),
            payee_bank: "中国工商银行南和支行".into(),
            payee_account: "0406 0000 0920 0123 456".into(),
            ..Default::default()
        };
        let g = app
            .submit_application(
                &Submitter::Staff(&hr),
                &hire("hire_graduate", json!({"hire.date": "2020-08-01", "hire.contract_months": 24})),
            )
            .await
            .unwrap();
        assert_eq!(g.applicant_enterprise_id, Some(e));
        let u = app
            .submit_application(
                &Submitter::Staff(&hr),
                &hire(
                    "hire_unemployed",
                    json!({"hire.date": "2020-08-01", "hire.contract_months": 24, "hire.social_insurance_paid": true}),
                ),
            )
            .await
            .unwrap();
        let g = app.check_application(&staff(), g.id, g.version, Verdict::Pass, "").await.unwrap();
        let u = app.check_application(&staff(), u.id, u.version, Verdict::Pass, "").await.unwrap();
        app.approve_application(&leader(), g.id, g.version, Verdict::Pass, "", true).await.unwrap();
        let e2 = app.approve_application(&leader(), u.id, u.version, Verdict::Pass, "", true).await.unwrap_err();
        assert!(
            matches!(&e2, AppError::Conflict(m) if m.contains("一次性吸纳就业补贴（高校毕业生）")),
            "the explanation names the blocking grant: {e2}"
        );

        // Below the application code, the database itself refuses a second claim.
        let mut tx = app.store.begin_write().await.unwrap();
        let key = jiuye_app::payments::claim_key(app.rules.program("hire_unemployed").unwrap());
        let dup = tx.insert_claim(&key, person, "ever", u.id, "hire_unemployed", app.now()).await;
        assert!(matches!(dup, Err(jiuye_store::StoreError::Duplicate { .. })), "{dup:?}");
        drop(tx);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_database_refuses_to_edit_or_delete_the_ledger() {
    for db in TestDb::all().await {
        let (app, _) = app_with_clock(&db).await;
        let p = returnee(&app, 4).await;
        app.allocate_budget(&staff(), "employment_fund", "startup_returnee", 2026, "10000", "南人社〔2026〕1号").await.unwrap();
        approved(&app, &startup(p)).await;
        for sql in [
            "UPDATE ledger_entries SET amount_fen = 1",
            "DELETE FROM ledger_entries",
            "UPDATE decisions SET outcome = 'eligible'",
            "DELETE FROM decisions",
            "DELETE FROM grant_claims",
            "UPDATE budget_allocations SET amount_fen = 0",
        ] {
            let r = match app.store.db() {
                jiuye_store::Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
                jiuye_store::Db::Pg(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            };
            assert!(r.is_err(), "{sql} must be refused ({})", db.backend);
        }
        let r = app.verify_ledger(&mut |_| {}).await.unwrap();
        assert!(r.ok(), "{:?}", r.problems);
        db.cleanup().await;
    }
}

/// Writes a bank result file (.xlsx through our writer) for a batch.
fn result_file(dir: &std::path::Path, lines: &[(i64, &str, &str, &str)]) -> std::path::PathBuf {
    use jiuye_io::{OutCell, XlsxSheet};
    let path = dir.join("result.xlsx");
    let rows = lines
        .iter()
        .map(|(n, amount, result, reason)| {
            vec![
                OutCell::Int(*n),
                OutCell::Text((*amount).into()),
                OutCell::Text((*result).into()),
                OutCell::Text((*reason).into()),
                OutCell::Empty,
            ]
        })
        .collect::<Vec<_>>();
    let sheet = XlsxSheet { name: "结果", headers: &jiuye_app::ledger::RESULT_HEADERS, text_columns: &[] };
    jiuye_io::write_xlsx(&path, &sheet, rows, None).unwrap();
    path
}

#[tokio::test]
async fn batches_keep_control_totals_through_export_reconciliation_retry_cancel_and_correction() {
    for db in TestDb::all().await {
        let (app, _) = app_with_clock(&db).await;
        let dir = tempfile::tempdir().unwrap();
        let mut apps = Vec::new();
        for seq in 10..13 {
            let p = returnee(&app, seq).await;
            apps.push(approved(&app, &startup(p)).await);
        }
        let b = app.create_batch(&staff(), "startup_returnee", Some(2026), "2026-11").await.unwrap();
        assert_eq!((b.item_count, b.total_fen), (3, 1_500_000));
        assert!(app.create_batch(&staff(), "startup_returnee", Some(2026), "2026-11").await.is_err(), "nothing left to pay");
        let out = dir.path().join("batch.xlsx");
        app.export_batch(&staff(), b.id, &out).await.unwrap();
        assert!(std::fs::metadata(&out).unwrap().len() > 1000);

        // A result file that does not match is refused whole, naming the row and column.
        let bad = result_file(dir.path(), &[(1, "5000.00", "成功", ""), (2, "4000.00", "成功", ""), (3, "5000.00", "失败", "")]);
        let e = app.reconcile_batch(&staff(), b.id, &bad, "result.xlsx").await.unwrap_err().to_string();
        assert!(e.contains("第3行") && e.contains("金额"), "{e}");
        assert!(e.contains("第4行") && e.contains("失败原因"), "{e}");
        assert!(app.store.batch_lines(b.id).await.unwrap().iter().all(|l| l.outcome.is_none()), "nothing half written");

        let good = result_file(dir.path(), &[(1, "5000.00", "成功", ""), (2, "5000", "成功", ""), (3, "5000.00", "失败", "账户已销户")]);
        let r = app.reconcile_batch(&staff(), b.id, &good, "result.xlsx").await.unwrap();
        assert_eq!((r.paid, r.paid_fen, r.failed, r.failed_fen), (2, 1_000_000, 1, 500_000));
        assert!(app.reconcile_batch(&staff(), b.id, &good, "result.xlsx").await.is_err(), "a result is imported once");
        assert_eq!(app.store.application(apps[0]).await.unwrap().status, "paid");
        assert_eq!(app.store.application(apps[2]).await.unwrap().status, "approved");

        // The failed payment is retried in a new batch; then cancelled would be refused while pending.
        let lines = app.store.batch_lines(b.id).await.unwrap();
        let failed_entry = lines.iter().find(|l| l.outcome.as_deref() == Some("failed")).unwrap().entry_id;
        let b2 = app.create_batch(&staff(), "startup_returnee", Some(2026), "2026-12").await.unwrap();
        assert_eq!((b2.item_count, b2.total_fen), (1, 500_000));
        assert!(app.cancel_payment(&staff(), failed_entry, "账户销户").await.is_err(), "waiting in a batch");
        let fail_again = result_file(dir.path(), &[(1, "5000.00", "失败", "户名不符")]);
        app.reconcile_batch(&staff(), b2.id, &fail_again, "result.xlsx").await.unwrap();
        app.cancel_payment(&staff(), failed_entry, "申请人放弃，账户已销户").await.unwrap();
        assert_eq!(app.store.application(apps[2]).await.unwrap().status, "cancelled");

        // A paid grant cannot be cancelled; it is corrected by a clawback linked to it.
        let paid_entry = lines.iter().find(|l| l.outcome.as_deref() == Some("paid")).unwrap().entry_id;
        assert!(app.cancel_payment(&staff(), paid_entry, "错误").await.is_err());
        assert!(app.correct_payment(&staff(), paid_entry, "clawback", "6000", "重复领取，依法追回").await.is_err(), "not beyond the net");
        let claw = app.correct_payment(&staff(), paid_entry, "clawback", "1000", "经营月数不实，追回部分").await.unwrap();
        let c = app.store.ledger_entry(claw).await.unwrap();
        assert_eq!((c.amount_fen, c.corrects_entry_id), (-100_000, Some(paid_entry)));
        assert!(c.decision_id.is_some(), "the corrected decision is linked");

        let r = app.verify_ledger(&mut |_| {}).await.unwrap();
        assert!(r.ok(), "{:?}", r.problems);
        assert_eq!(r.entries, 5);
        assert_eq!(r.net_fen, 1_500_000 - 500_000 - 100_000);
        let budget = app.budget_overview(&staff(), 2026, None).await.unwrap();
        let row = budget.rows.iter().find(|r| r.program == "startup_returnee").unwrap();
        assert_eq!((row.committed_fen, row.paid_fen), (900_000, 900_000), "{}", db.backend);

        // Publication shows name, masked ID, program and amount only.
        let list = app.recipients_for_publication(&staff(), Some("startup_returnee"), None).await.unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.iter().all(|r| r.identifier.contains('*')), "{list:?}");
        assert!(list.iter().any(|r| r.amount_yuan == "4000.00"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn decisions_replay_exactly_and_say_why_they_would_differ_today() {
    for db in TestDb::all().await {
        let (app, _) = app_with_clock(&db).await;
        let p = returnee(&app, 20).await;
        let id = approved(&app, &startup(p)).await;
        let decisions = app.store.decisions_of(id).await.unwrap();
        for d in &decisions {
            let r = app.replay_decision(d.id).await.unwrap();
            assert!(r.identical(), "{:?}", r.differences);
            assert_eq!(r.replayed_amount_yuan.as_deref(), Some("5000.00"));
        }
        // The same decision under a changed parameter: the difference is named.
        let mut rules = jiuye_rules::Ruleset::default_2020().unwrap();
        rules.set_param("startup_returnee.amount_yuan=6000").unwrap();
        let mut changed = app.clone();
        changed.rules = Arc::new(rules);
        let r = changed.replay_decision(decisions[0].id).await.unwrap();
        assert!(!r.identical());
        assert!(r.differences.iter().any(|d| d.contains("startup_returnee.amount_yuan")), "{:?}", r.differences);
        assert!(r.differences.iter().any(|d| d.contains("amount_yuan")), "{:?}", r.differences);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_clerk_sees_only_their_township_and_budget_overruns_are_flagged() {
    for db in TestDb::all().await {
        let (app, _) = app_with_clock(&db).await;
        let p = returnee(&app, 30).await;
        let a = app.submit_application(&Submitter::Staff(&clerk()), &startup(p)).await.unwrap();
        let other = actor("clerk9", Role::TownshipClerk, Some("130527101"), None);
        assert!(matches!(app.application_for(&other, a.id).await, Err(AppError::NotFound)));
        assert_eq!(app.list_applications(&other, Default::default()).await.unwrap().1, 0);
        let a = app.check_application(&staff(), a.id, a.version, Verdict::Pass, "").await.unwrap();
        app.allocate_budget(&staff(), "employment_fund", "startup_returnee", 2026, "3000", "南人社〔2026〕2号").await.unwrap();
        let view = app.application_view(&leader(), a.id).await.unwrap();
        assert!(view.budget.as_ref().unwrap().over, "the overrun shows before approval");
        let e = app.approve_application(&leader(), a.id, a.version, Verdict::Pass, "", false).await.unwrap_err();
        assert!(matches!(&e, AppError::Conflict(m) if m.contains("超出预算")), "{e}");
        let a = app.approve_application(&leader(), a.id, a.version, Verdict::Pass, "特批", true).await.unwrap();
        assert_eq!(a.status, "approved");
        let steps = app.store.decisions_of(a.id).await.unwrap();
        assert!(steps.last().unwrap().note.contains("超预算"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_scan_makes_offers_the_person_confirms_by_sms_and_they_are_paid_to_the_card() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        clock.set(datetime!(2020-06-15 02:00:00 UTC));
        let input = PersonInput {
            name: "郭玉兰".into(),
            id_number: jiuye_app::demo::make_id_number("130527", date!(1975 - 02 - 01), 51),
            phone: "13912345678".into(),
            township: "和阳镇".into(),
            employment_status: "unemployed".into(),
            ..Default::default()
        };
        let p = app.create_person(&Actor::cli(), &input).await.unwrap();
        // Insured but not entitled to unemployment benefit: the 失业补助金 of measure (二十三).
        let reg = jiuye_app::unemployment::RegistrationInput {
            registered_on: "2020-04-01".into(),
            insured: "yes".into(),
            benefit_entitled: "no".into(),
            ..Default::default()
        };
        app.register_unemployment(&clerk(), p, &reg).await.unwrap();
        let other = returnee(&app, 52).await; // not eligible for this program: no offer
        let summary = app.create_offers(&staff(), "unemployment_supplement").await.unwrap();
        assert_eq!(summary.created, 1, "{} {summary:?}", db.backend);
        assert_eq!(app.create_offers(&staff(), "unemployment_supplement").await.unwrap().created, 0, "no second offer");
        let (rows, _) = app
            .list_applications(&staff(), jiuye_store::payments::ApplicationFilter { origin: Some("offer".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].subject_id, p);
        assert_ne!(rows[0].subject_id, other);
        let offer = app.store.application(rows[0].id).await.unwrap();
        assert_eq!((offer.status.as_str(), offer.amount_fen), ("offered", Some(672_000)), "6 months × 80% of 1,400 yuan");
        assert_eq!(offer.months, 6);

        // The SMS reply “Y<code>” from the person's phone confirms it; a wrong code does nothing.
        let code = jiuye_app::payments::short(offer.id);
        let reply =
            |text: String| jiuye_sms::InboundSms { phone: "13912345678".into(), text, received_at: app.now(), provider_message_id: None };
        let r = app.handle_inbound_sms(&reply("Y00000000".into())).await.unwrap();
        assert_ne!(r.reply, "offer");
        assert_eq!(app.store.application(offer.id).await.unwrap().status, "offered");
        let r = app.handle_inbound_sms(&reply(format!("Y{code}"))).await.unwrap();
        assert_eq!(r.reply, "offer");
        let a = app.store.application(offer.id).await.unwrap();
        assert_eq!((a.status.as_str(), a.channel.as_str()), ("submitted", "sms"));
        let steps: Vec<String> = app.store.decisions_of(a.id).await.unwrap().into_iter().map(|d| d.step).collect();
        assert_eq!(steps, ["offer", "confirm"]);

        let a = app.check_application(&clerk(), a.id, a.version, Verdict::Pass, "核实").await.unwrap();
        app.approve_application(&staff2(), a.id, a.version, Verdict::Pass, "同意", true).await.unwrap();
        let b = app.create_batch(&staff(), "unemployment_supplement", Some(2020), "2020-06").await.unwrap();
        assert_eq!((b.item_count, b.total_fen), (1, 672_000));
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("b.xlsx");
        app.export_batch(&staff(), b.id, &out).await.unwrap();
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
        let range = calamine::Reader::worksheet_range_at(&mut wb, 0).unwrap().unwrap();
        let account = range.get((1, 5)).unwrap().to_string();
        assert!(account.starts_with("社保卡") && account.contains(&input.id_number), "paid to the card by ID number: {account}");
        db.cleanup().await;
    }
}
