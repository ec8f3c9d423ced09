//! Unemployment registration and the monthly follow-up on both backends: the checks at
//! registration, month boundaries of the due list (the 31st, the last day of a month, leap years),
//! township scoping, and the registry's employment status kept in step.

use jiuye_app::registry::PersonInput;
use jiuye_app::unemployment::{ContactInput, RegistrationInput};
use jiuye_app::{Actor, App, AppError};
use jiuye_domain::Role;
use jiuye_test_support::TestDb;
use time::Date;
use time::macros::{date, datetime};
use uuid::Uuid;

use crate::vacancies::{actor, app_with_clock};

async fn person(app: &App, name: &str, birth: Date, seq: u32, township: &str, status: &str) -> Uuid {
    let input = PersonInput {
        name: name.into(),
        id_number: jiuye_app::demo::make_id_number("130527", birth, seq),
        township: township.into(),
        employment_status: status.into(),
        ..Default::default()
    };
    app.create_person(&Actor::cli(), &input).await.unwrap()
}

fn on(d: &str) -> RegistrationInput {
    RegistrationInput { registered_on: d.into(), ..Default::default() }
}

fn contact(d: &str) -> ContactInput {
    ContactInput {
        contact_on: d.into(),
        method: "phone".into(),
        outcome: "仍在求职，推荐电焊工岗位".into(),
        services: "职业介绍".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn registration_checks_age_conflicts_and_keeps_the_registry_status_in_step() {
    for db in TestDb::all().await {
        let (app, _) = app_with_clock(&db).await;
        let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
        let p = person(&app, "冯志强", date!(1988 - 04 - 10), 1, "和阳镇", "unemployed").await;
        let id = app.register_unemployment(&clerk, p, &on("2026-11-02")).await.unwrap();
        let again = app.register_unemployment(&clerk, p, &on("")).await.unwrap_err();
        assert!(matches!(&again, AppError::Conflict(m) if m.contains("2026-11-02")), "{again} ({})", db.backend);

        let worker = person(&app, "蒋红", date!(1990 - 01 - 01), 2, "和阳镇", "employed").await;
        let e = app.register_unemployment(&clerk, worker, &on("")).await.unwrap_err();
        assert!(matches!(&e, AppError::Conflict(m) if m.contains("就业")), "a conflict is shown, not overridden: {e}");
        assert_eq!(app.get_person(&clerk, worker).await.unwrap().employment_status, "employed");
        app.register_unemployment(&clerk, worker, &RegistrationInput { confirm_not_employed: "on".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(app.get_person(&clerk, worker).await.unwrap().employment_status, "unemployed");

        let child = person(&app, "韩小宝", date!(2012 - 06 - 01), 3, "和阳镇", "not_in_labour_force").await;
        let e = app.register_unemployment(&clerk, child, &on("")).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "registration.too_young"), "{e}");
        let old = person(&app, "曹大爷", date!(1960 - 03 - 01), 4, "和阳镇", "unemployed").await;
        let e = app.register_unemployment(&clerk, old, &on("")).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "registration.retired"), "{e}");

        let other_clerk = actor("clerk2", Role::TownshipClerk, Some("130527101"), None);
        assert!(matches!(app.get_registration(&other_clerk, id).await, Err(AppError::NotFound)), "another township's clerk sees nothing");
        assert!(app.register_unemployment(&other_clerk, p, &on("")).await.is_err());

        // Closing because of work: the registry says employed; the history keeps the spell.
        let r = app.get_registration(&clerk, id).await.unwrap();
        let e = app.close_registration(&clerk, id, r.version, "2026-11-01", "employed", "").await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "date.before_registration"), "{e}");
        app.close_registration(&clerk, id, r.version, "2026-11-20", "employed", "入职恒达机械").await.unwrap();
        assert_eq!(app.get_person(&clerk, p).await.unwrap().employment_status, "employed");
        let e = app.record_contact(&clerk, id, &contact("2026-11-25")).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "date.outside_spell"), "{e}");
        let second = app
            .register_unemployment(&clerk, p, &RegistrationInput { confirm_not_employed: "on".into(), ..on("2026-11-26") })
            .await
            .unwrap();
        let history = app.registrations_of_person(&clerk, p).await.unwrap();
        assert_eq!(history.len(), 2, "several spells over time");
        assert_eq!(history[0].id, second);
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_due_list_follows_calendar_months_at_their_boundaries_and_is_scoped_by_township() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
        let staff = actor("staff1", Role::BureauStaff, None, None);
        clock.set(datetime!(2024-03-15 02:00:00 UTC));
        let a = person(&app, "卢春", date!(1985 - 01 - 01), 11, "和阳镇", "unemployed").await;
        let b = person(&app, "蔡秋", date!(1986 - 01 - 01), 12, "贾宋镇", "unemployed").await;
        let ra = app.register_unemployment(&clerk, a, &on("2024-01-31")).await.unwrap();
        let rb = app.register_unemployment(&staff, b, &on("2024-02-29")).await.unwrap();
        app.record_contact(&clerk, ra, &contact("2024-02-29")).await.unwrap();
        app.record_contact(&staff, rb, &contact("2024-02-29")).await.unwrap();

        // 1 March of a leap year: the February contact does not cover March.
        let due = app.followup_due(&staff, None, Some(date!(2024 - 03 - 01))).await.unwrap();
        assert_eq!(due.len(), 2, "{}", db.backend);
        assert!(due.iter().all(|d| d.months_without_contact == 1 && !d.overdue));
        // The clerk sees only their township.
        let mine = app.followup_due(&clerk, None, Some(date!(2024 - 03 - 01))).await.unwrap();
        assert_eq!(mine.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["卢春"]);
        assert!(
            app.followup_due(&clerk, Some("贾宋镇"), Some(date!(2024 - 03 - 01))).await.unwrap().is_empty(),
            "a filter cannot widen the scope"
        );

        // A contact on the last day of the month counts for that month, not the next.
        clock.set(datetime!(2024-04-10 02:00:00 UTC));
        app.record_contact(&clerk, ra, &contact("2024-03-31")).await.unwrap();
        assert!(app.followup_due(&staff, Some("和阳镇"), Some(date!(2024 - 03 - 31))).await.unwrap().is_empty());
        let april = app.followup_due(&staff, None, Some(date!(2024 - 04 - 01))).await.unwrap();
        let by_name = |n: &str| april.iter().find(|d| d.name == n).unwrap().months_without_contact;
        assert_eq!((by_name("卢春"), by_name("蔡秋")), (1, 2), "蔡秋 missed March: overdue");
        assert!(april.iter().find(|d| d.name == "蔡秋").unwrap().overdue);
        assert_eq!(april[0].name, "蔡秋", "most months without contact first");

        let cov = app.followup_coverage(&staff, Some(date!(2024 - 03 - 31))).await.unwrap();
        let heyang = cov.iter().find(|(c, ..)| c == "130527100").unwrap();
        assert_eq!((heyang.2, heyang.3), (1, 1));
        let jiasong = cov.iter().find(|(c, ..)| c == "130527101").unwrap();
        assert_eq!((jiasong.2, jiasong.3), (1, 0));
        assert!(app.followup_coverage(&clerk, None).await.is_err());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_scan_reads_registration_from_the_spells_active_on_its_date() {
    let db = TestDb::sqlite();
    let (app, clock) = app_with_clock(&db).await;
    let cli = Actor::cli();
    clock.set(datetime!(2020-08-01 02:00:00 UTC));
    let p = person(&app, "褚小军", date!(2001 - 03 - 01), 21, "和阳镇", "unemployed").await;
    let r = app.register_unemployment(&cli, p, &on("2020-03-02")).await.unwrap();
    let v = app.get_registration(&cli, r).await.unwrap();
    app.close_registration(&cli, r, v.version, "2020-07-15", "employed", "").await.unwrap();
    let spells = |d: Date| {
        let app = app.clone();
        async move { app.store.spells_active_on(&jiuye_store::Scope::All, None, d).await.unwrap() }
    };
    assert!(spells(date!(2020 - 03 - 01)).await.is_empty(), "before the spell");
    assert_eq!(spells(date!(2020 - 06 - 30)).await, vec![(p, date!(2020 - 03 - 02))]);
    assert!(spells(date!(2020 - 07 - 15)).await.is_empty(), "closed on that day");
    // The rules no longer lack the fact: registration is known for everyone the scan reads.
    let req =
        jiuye_app::scan::ScanRequest { program: Some("preparatory_training".into()), as_of: Some(date!(2020 - 06 - 30)), township: None };
    let report = app.scan_registry(&cli, &req, &mut |_| {}).await.unwrap();
    assert!(
        report.programs[0].unknown_conditions.iter().all(|(c, _)| *c != "registered_unemployed"),
        "{:?}",
        report.programs[0].unknown_conditions
    );
}

#[tokio::test]
async fn service_levels_say_why_and_intensive_ones_need_a_second_contact() {
    let db = TestDb::sqlite();
    let (app, _) = app_with_clock(&db).await;
    let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
    let difficult = PersonInput {
        name: "魏困难".into(),
        id_number: jiuye_app::demo::make_id_number("130527", date!(1990 - 05 - 05), 31),
        township: "和阳镇".into(),
        tags: "就业困难人员".into(),
        employment_status: "unemployed".into(),
        ..Default::default()
    };
    let d = app.create_person(&Actor::cli(), &difficult).await.unwrap();
    let r = person(&app, "薛常规", date!(1995 - 05 - 05), 32, "和阳镇", "unemployed").await;
    let old = person(&app, "叶四十六", date!(1980 - 01 - 01), 33, "和阳镇", "unemployed").await;
    let rd = app.register_unemployment(&clerk, d, &on("2026-11-01")).await.unwrap();
    let rr = app.register_unemployment(&clerk, r, &on("2026-11-01")).await.unwrap();
    app.register_unemployment(&clerk, old, &on("2026-11-01")).await.unwrap();
    let due = app.followup_due(&clerk, None, None).await.unwrap();
    let level = |n: &str| due.iter().find(|x| x.name == n).map(|x| (x.service_level, x.level_reasons.clone())).unwrap();
    assert_eq!(level("魏困难"), ("重点帮扶", vec!["就业困难人员".to_string()]));
    assert_eq!(level("叶四十六").0, "重点关注");
    assert_eq!(level("薛常规").0, "常规服务");

    app.record_contact(&clerk, rd, &contact("2026-11-05")).await.unwrap();
    app.record_contact(&clerk, rr, &contact("2026-11-05")).await.unwrap();
    let second = app.followup_second_contacts(&clerk, None, None).await.unwrap();
    assert_eq!(second.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(), ["魏困难"], "once a month is enough for the others");
    assert_eq!((second[0].contacts_this_month, second[0].contacts_needed), (1, 2));
    app.record_contact(&clerk, rd, &contact("2026-11-20")).await.unwrap();
    assert!(app.followup_second_contacts(&clerk, None, None).await.unwrap().is_empty());
    let spell = app.get_registration(&clerk, rd).await.unwrap();
    assert_eq!(app.service_level(&spell, date!(2026 - 11 - 27)).await.unwrap().level.label(), "重点帮扶");
}

#[tokio::test]
async fn key_groups_are_counted_by_township_with_the_registered_among_them() {
    for db in TestDb::all().await {
        let (app, _) = app_with_clock(&db).await;
        let cli = Actor::cli();
        for (i, (town, tags, status)) in
            [("和阳镇", "退役军人", "unemployed"), ("和阳镇", "退役军人、残疾人", "employed"), ("贾宋镇", "退役军人", "unemployed")]
                .iter()
                .enumerate()
        {
            let input = PersonInput {
                name: ["统计甲", "统计乙", "统计丙"][i].into(),
                id_number: jiuye_app::demo::make_id_number("130527", date!(1985 - 02 - 02), 40 + i as u32),
                township: (*town).into(),
                tags: (*tags).into(),
                employment_status: (*status).into(),
                ..Default::default()
            };
            let id = app.create_person(&cli, &input).await.unwrap();
            if *status == "unemployed" && *town == "和阳镇" {
                app.register_unemployment(&cli, id, &on("2026-11-02")).await.unwrap();
            }
        }
        let t = app.key_group_statistics(&cli, None).await.unwrap();
        let veterans = t.rows.iter().find(|r| r.tag == "veteran").unwrap();
        assert_eq!((veterans.persons, veterans.registered), (3, 1), "{}", db.backend);
        let heyang = t.townships.iter().position(|(c, _)| *c == "130527100").unwrap();
        assert_eq!(veterans.by_township[heyang], (2, 1));
        // A sensitive group is suppressed (R24): one disabled person in 和阳镇 shows as "<5", and
        // no other township has a positive count to hide; veterans are not a sensitive group.
        let disabled = t.rows.iter().find(|r| r.tag == "disabled").unwrap();
        assert_eq!(disabled.persons, jiuye_app::stats::SMALL);
        assert_eq!(disabled.by_township[heyang], (jiuye_app::stats::SMALL, 0));
        assert_eq!(disabled.totals_shown(), ("<5".to_string(), "0".to_string()));
        assert_eq!(disabled.shown()[heyang], ("<5".to_string(), "0".to_string()));
        assert_eq!(veterans.shown()[heyang], ("2".to_string(), "1".to_string()));
        let clerk = actor("clerk2", Role::TownshipClerk, Some("130527101"), None);
        let mine = app.key_group_statistics(&clerk, None).await.unwrap();
        assert_eq!(mine.townships.len(), 1);
        assert_eq!(mine.rows.iter().find(|r| r.tag == "veteran").unwrap().persons, 1, "a clerk counts their township only");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn employment_difficult_recognition_is_by_category_dated_categories_included_and_keeps_the_tag() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        let staff = actor("staff1", Role::BureauStaff, None, None);
        let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
        let p = person(&app, "邓认定", date!(1975 - 06 - 01), 51, "和阳镇", "unemployed").await;
        assert!(matches!(app.recognize_difficult(&clerk, p, "disabled", "", "残疾人证 1305").await, Err(AppError::Forbidden(_))));
        let e = app.recognize_difficult(&staff, p, "epidemic", "", "失业证明").await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "difficult.category_period"), "the epidemic category is dated: {e}");
        let e = app.recognize_difficult(&staff, p, "disabled", "", "无").await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "difficult.evidence"), "{e}");
        let r1 = app.recognize_difficult(&staff, p, "disabled", "2026-11-20", "残疾人证 13052719750601").await.unwrap();
        assert!(app.get_person(&staff, p).await.unwrap().tags.contains("employment_difficult"), "{}", db.backend);
        clock.set(datetime!(2020-06-01 02:00:00 UTC));
        let r2 = app.recognize_difficult(&staff, p, "epidemic", "2020-05-01", "疫情期间企业停产失业证明").await.unwrap();
        clock.set(datetime!(2026-11-27 02:00:00 UTC));
        app.revoke_difficult(&staff, p, r1, "证件核实有误").await.unwrap();
        assert!(app.get_person(&staff, p).await.unwrap().tags.contains("employment_difficult"), "one recognition is still in force");
        app.revoke_difficult(&staff, p, r2, "已稳定就业").await.unwrap();
        assert!(!app.get_person(&staff, p).await.unwrap().tags.contains("employment_difficult"), "the tag goes with the last one");
        let all = app.recognitions_of(&staff, p).await.unwrap();
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|r| r.revoked_on.is_some() && r.reviewer == "staff1"));
        let custom = app.clone().with_difficult_categories(vec![jiuye_app::difficult::DifficultCategory {
            code: "flood".into(),
            label: "受灾失业人员".into(),
            from: None,
            to: None,
        }]);
        assert!(custom.recognize_difficult(&staff, p, "disabled", "", "残疾人证 1305").await.is_err(), "categories are configuration");
        custom.recognize_difficult(&staff, p, "flood", "", "灾情证明 2026-01").await.unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn service_reminders_go_once_a_month_to_the_due_who_have_a_phone_and_did_not_unsubscribe() {
    let db = TestDb::sqlite();
    let (app, _) = app_with_clock(&db).await;
    let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
    let with_phone = |name: &str, seq: u32, phone: &str| PersonInput {
        name: name.into(),
        id_number: jiuye_app::demo::make_id_number("130527", date!(1990 - 01 - 01), seq),
        phone: phone.into(),
        township: "和阳镇".into(),
        employment_status: "unemployed".into(),
        ..Default::default()
    };
    for (n, s, ph) in [("提醒甲", 61, "13500000061"), ("提醒乙", 62, ""), ("提醒丙", 63, "13500000063")] {
        let id = app.create_person(&Actor::cli(), &with_phone(n, s, ph)).await.unwrap();
        app.register_unemployment(&clerk, id, &on("2026-11-02")).await.unwrap();
    }
    // 提醒丙 unsubscribed earlier.
    app.handle_inbound_sms(&jiuye_sms::InboundSms {
        phone: "13500000063".into(),
        text: "TD".into(),
        received_at: datetime!(2026-11-01 02:00:00 UTC),
        provider_message_id: Some("x".into()),
    })
    .await
    .unwrap();
    assert_eq!(app.remind_due(&clerk, None, None).await.unwrap(), (1, 2, 0));
    assert_eq!(app.remind_due(&clerk, None, None).await.unwrap(), (0, 2, 1), "once a month");
    let out = app.store.outbox(10).await.unwrap();
    assert_eq!(out.iter().filter(|m| m.purpose == "reminder").count(), 1);
    assert_eq!(out[0].text, jiuye_app::unemployment::REMINDER_TEXT);
    assert!(app.remind_due(&actor("boss", Role::Leader, None, None), None, None).await.is_err());
}

#[tokio::test]
async fn insurance_facts_recorded_at_registration_reach_the_scan() {
    let db = TestDb::sqlite();
    let (app, clock) = app_with_clock(&db).await;
    let cli = Actor::cli();
    clock.set(datetime!(2020-08-01 02:00:00 UTC));
    let with = person(&app, "金保险", date!(1985 - 03 - 01), 71, "和阳镇", "unemployed").await;
    let without = person(&app, "银未知", date!(1985 - 03 - 02), 72, "和阳镇", "unemployed").await;
    let facts = RegistrationInput {
        registered_on: "2020-03-02".into(),
        insured: "yes".into(),
        benefit_entitled: "no".into(),
        ..Default::default()
    };
    app.register_unemployment(&cli, with, &facts).await.unwrap();
    app.register_unemployment(&cli, without, &on("2020-03-02")).await.unwrap();
    let bad = RegistrationInput { insured: "maybe".into(), ..Default::default() };
    let other = person(&app, "铜错误", date!(1985 - 03 - 03), 73, "和阳镇", "unemployed").await;
    assert!(matches!(app.register_unemployment(&cli, other, &bad).await, Err(AppError::Validation(f)) if f[0].code == "yes_no"));
    let req = jiuye_app::scan::ScanRequest {
        program: Some("unemployment_supplement".into()),
        as_of: Some(date!(2020 - 06 - 30)),
        township: None,
    };
    let r = app.scan_registry(&cli, &req, &mut |_| {}).await.unwrap();
    let s = &r.programs[0];
    assert_eq!((s.eligible, s.needs_facts), (1, 2), "the recorded facts decide for the person who has them: {s:?}");
    assert_eq!(s.unknown_conditions, vec![("benefit_expired_or_not_entitled", 2)], "the others still need them, never guessed");
}
