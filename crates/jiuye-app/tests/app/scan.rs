use jiuye_app::Actor;
use jiuye_app::registry::PersonInput;
use jiuye_app::scan::ScanRequest;
use jiuye_domain::Role;
use jiuye_test_support::TestDb;
use time::macros::date;

use crate::app_on;

fn person(name: &str, id: &str, township: &str, tags: &str, status: &str) -> PersonInput {
    PersonInput {
        name: name.into(),
        id_number: id.into(),
        township: township.into(),
        tags: tags.into(),
        employment_status: status.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_scan_finds_eligible_persons_in_scope_and_never_guesses_missing_facts() {
    for db in TestDb::all().await {
        let app = app_on(&db).await;
        let cli = Actor::cli();
        // A veteran (key group) in 和阳镇 qualifies for a startup guarantee loan (十一); an untagged
        // person does not; a key-group person of 贾宋镇 is outside the clerk's scope.
        app.create_person(&cli, &person("甲", "130527199503040010", "和阳镇", "退役军人", "unemployed")).await.unwrap();
        app.create_person(&cli, &person("乙", "13052719880715002X", "和阳镇", "", "employed")).await.unwrap();
        app.create_person(&cli, &person("丙", "130527200101010033", "贾宋镇", "农民工", "unemployed")).await.unwrap();
        let req = ScanRequest { program: Some("startup_loan".into()), as_of: Some(date!(2020 - 06 - 30)), township: None };
        let all = app.scan_registry(&cli, &req, &mut |_| {}).await.unwrap();
        let s = &all.programs[0];
        assert_eq!((s.scanned, s.eligible), (3, 2), "{}: {s:?}", db.backend);
        assert_eq!(s.amount_kind, Some("贷款额度上限"));
        let clerk = Actor { role: Role::TownshipClerk, township: Some("130527100".into()), login: "clerk".into(), ..Actor::cli() };
        let mine = app.scan_registry(&clerk, &req, &mut |_| {}).await.unwrap();
        assert_eq!(mine.persons, 2);
        assert!(mine.hits.iter().all(|h| h.township_code == "130527100"));
        assert_eq!(mine.hits.iter().filter(|h| h.eligible).count(), 1);
        assert!(mine.hits.iter().all(|h| h.identifier.contains('*')), "masked identifiers only");
        // unemployment_supplement needs the benefit history the registry does not hold: needs_facts, not guessed.
        let req = ScanRequest { program: Some("unemployment_supplement".into()), as_of: Some(date!(2020 - 06 - 30)), township: None };
        let r = app.scan_registry(&cli, &req, &mut |_| {}).await.unwrap();
        assert_eq!(r.programs[0].eligible, 0);
        assert_eq!(r.programs[0].needs_facts, 3);
        assert!(!r.programs[0].unknown_conditions.is_empty());
        assert_eq!(app.store.count_audit("policy.scan").await.unwrap(), 3);
        let hr = Actor { role: Role::EnterpriseHr, ..Actor::cli() };
        assert!(app.scan_registry(&hr, &req, &mut |_| {}).await.is_err());
        app.store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn scan_and_explain_agree_on_the_registry() {
    let db = TestDb::sqlite();
    let app = app_on(&db).await;
    app.generate_demo(600, 11, &mut |_| {}).await.unwrap();
    let as_of = date!(2020 - 06 - 30);
    let report = app
        .scan_registry(
            &Actor::cli(),
            &ScanRequest { program: Some("startup_loan".into()), as_of: Some(as_of), township: None },
            &mut |_| {},
        )
        .await
        .unwrap();
    // Explain every eligible hit one by one from the same registry facts: same decision and amount.
    for h in report.hits.iter().filter(|h| h.eligible).take(50) {
        let p = app.store.get_person(&jiuye_store::Scope::All, h.subject_id).await.unwrap().unwrap();
        let tags = jiuye_domain::Tag::from_storage(&p.tags);
        let facts = serde_json::json!({"person.is_key_group": !tags.is_empty(), "person.is_platform_worker_buying_tools": false});
        let d = app.evaluate_policy("startup_loan", &facts, Some(as_of)).unwrap();
        assert_eq!(d.amount_yuan(), h.amount_yuan, "{}", h.name);
    }
    assert!(report.hits.iter().any(|h| h.eligible));
}

#[tokio::test]
async fn a_simulation_is_the_difference_of_two_scans_of_the_same_registry() {
    let db = TestDb::sqlite();
    let app = app_on(&db).await;
    app.generate_demo(800, 11, &mut |_| {}).await.unwrap();
    app.generate_demo_monitoring(11).await.unwrap();
    app.generate_demo_insurance(11).await.unwrap();
    let changes = ["stable_post_refund.control_target=0.03".to_string(), "startup_loan.ceiling_yuan=200000".to_string()];
    let req = ScanRequest { program: None, as_of: Some(date!(2020 - 06 - 30)), township: None };
    let sim = app.simulate(&Actor::cli(), &req, &changes, &mut |_| {}).await.unwrap();
    // The same registry scanned by an app that runs the default rules and by one that runs the
    // changed rules.
    let before = app.scan_registry(&Actor::cli(), &req, &mut |_| {}).await.unwrap();
    let mut changed = (*app.rules).clone();
    for c in &changes {
        changed.set_param(c).unwrap();
    }
    let after = app.clone().with_rules(changed).scan_registry(&Actor::cli(), &req, &mut |_| {}).await.unwrap();
    assert_eq!(sim.ruleset_before, before.ruleset_version);
    assert_eq!(sim.ruleset_after, after.ruleset_version);
    assert_ne!(sim.ruleset_before, sim.ruleset_after);
    let scanned: Vec<_> = before.programs.iter().zip(&after.programs).filter(|(b, _)| b.skipped.is_none()).collect();
    assert_eq!(sim.programs.len(), scanned.len());
    for (d, (b, a)) in sim.programs.iter().zip(scanned) {
        assert_eq!((d.program, d.eligible_before, &d.amount_before_yuan), (b.program, b.eligible, &b.total_amount_yuan));
        assert_eq!((d.program, d.eligible_after, &d.amount_after_yuan), (a.program, a.eligible, &a.total_amount_yuan));
    }
    let eligible = |r: &jiuye_app::scan::ScanReport| -> std::collections::BTreeSet<(&'static str, uuid::Uuid)> {
        r.hits.iter().filter(|h| h.eligible).map(|h| (h.program, h.subject_id)).collect()
    };
    let (b, a) = (eligible(&before), eligible(&after));
    let entering: std::collections::BTreeSet<_> = sim.entering.iter().map(|h| (h.program, h.subject_id)).collect();
    let leaving: std::collections::BTreeSet<_> = sim.leaving.iter().map(|h| (h.program, h.subject_id)).collect();
    assert_eq!(entering, a.difference(&b).copied().collect());
    assert_eq!(leaving, b.difference(&a).copied().collect());
    // A stricter layoff-rate target (5.5 % → 3 %) turns enterprises away; the loan ceiling changes
    // the total, not who qualifies.
    assert!(leaving.iter().any(|(p, _)| *p == "stable_post_refund"), "{leaving:?}");
    let loan = sim.programs.iter().find(|p| p.program == "startup_loan").unwrap();
    assert_eq!(loan.eligible_before, loan.eligible_after);
    assert_ne!(loan.amount_before_yuan, loan.amount_after_yuan);
}
