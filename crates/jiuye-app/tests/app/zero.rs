//! Zero-employment households are derived from their members under every change: a member's status
//! edited, a member moved to another household, unemployment registration and its closing by work,
//! and an import — never typed in.

use jiuye_app::registry::PersonInput;
use jiuye_app::unemployment::RegistrationInput;
use jiuye_app::{Actor, App};
use jiuye_domain::Role;
use jiuye_test_support::TestDb;
use time::macros::{date, datetime};
use uuid::Uuid;

use crate::vacancies::{actor, app_with_clock};

fn input(name: &str, seq: u32, birth: time::Date, household: &str, status: &str) -> PersonInput {
    PersonInput {
        name: name.into(),
        id_number: jiuye_app::demo::make_id_number("130527", birth, seq),
        township: "和阳镇".into(),
        household_no: household.into(),
        employment_status: status.into(),
        ..Default::default()
    }
}

async fn set_status(app: &App, id: Uuid, base: &PersonInput, status: &str) {
    let p = app.get_person(&Actor::cli(), id).await.unwrap();
    app.update_person(&Actor::cli(), id, p.version, &PersonInput { employment_status: status.into(), ..base.clone() }).await.unwrap();
}

async fn current(app: &App) -> Vec<String> {
    app.zero_employment(&Actor::cli(), None, true).await.unwrap().into_iter().map(|z| z.household_no).collect()
}

#[tokio::test]
async fn a_household_becomes_zero_employment_and_is_cleared_as_its_members_change() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        let a_in = input("甲", 1, date!(1980 - 01 - 01), "H1", "unemployed");
        let b_in = input("乙", 2, date!(1985 - 01 - 01), "H1", "employed");
        let child = input("丙", 3, date!(2015 - 01 - 01), "H1", "not_in_labour_force");
        let grandpa = input("丁", 4, date!(1950 - 01 - 01), "H1", "employed");
        // The working member first: a household of only 甲 would be zero-employment at once.
        let b = app.create_person(&Actor::cli(), &b_in).await.unwrap();
        let a = app.create_person(&Actor::cli(), &a_in).await.unwrap();
        app.create_person(&Actor::cli(), &child).await.unwrap();
        app.create_person(&Actor::cli(), &grandpa).await.unwrap();
        assert!(current(&app).await.is_empty(), "乙 works ({})", db.backend);

        // 乙 loses work: nobody of working age works (the retired grandfather does not count).
        clock.set(datetime!(2026-12-03 02:00:00 UTC));
        set_status(&app, b, &b_in, "unemployed").await;
        assert_eq!(current(&app).await, ["H1"]);
        let z = &app.zero_employment(&Actor::cli(), None, true).await.unwrap()[0];
        assert_eq!((z.since, z.days), (date!(2026 - 12 - 03), 0));

        // 甲 is registered, then finds work: the registration's closing clears the household.
        let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
        let r = app
            .register_unemployment(&clerk, a, &RegistrationInput { registered_on: "2026-12-03".into(), ..Default::default() })
            .await
            .unwrap();
        clock.set(datetime!(2027-01-20 02:00:00 UTC));
        let reg = app.get_registration(&clerk, r).await.unwrap();
        app.close_registration(&clerk, r, reg.version, "2027-01-20", "employed", "").await.unwrap();
        assert!(current(&app).await.is_empty());
        let cleared = app.zero_employment(&Actor::cli(), None, false).await.unwrap();
        assert_eq!(cleared.len(), 1);
        assert_eq!((cleared[0].days, cleared[0].cleared_reason.as_deref()), (48, Some("member_employed")), "动态清零 took 48 days");

        // 甲 loses work again and 乙 moves out to H2 alone: H1 and H2 are both zero-employment.
        set_status(&app, a, &a_in, "unemployed").await;
        assert_eq!(current(&app).await, ["H1"]);
        let p = app.get_person(&Actor::cli(), b).await.unwrap();
        app.update_person(
            &Actor::cli(),
            b,
            p.version,
            &PersonInput { household_no: "H2".into(), employment_status: "unemployed".into(), ..b_in.clone() },
        )
        .await
        .unwrap();
        let mut now = current(&app).await;
        now.sort();
        assert_eq!(now, ["H1", "H2"]);
        // 甲 moves to H2 and works: H2 is cleared; H1 has nobody of working age left unemployed.
        let p = app.get_person(&Actor::cli(), a).await.unwrap();
        app.update_person(
            &Actor::cli(),
            a,
            p.version,
            &PersonInput { household_no: "H2".into(), employment_status: "employed".into(), ..a_in.clone() },
        )
        .await
        .unwrap();
        assert!(current(&app).await.is_empty());
        let reasons: Vec<Option<String>> =
            app.zero_employment(&Actor::cli(), None, false).await.unwrap().into_iter().map(|z| z.cleared_reason).collect();
        assert!(reasons.contains(&Some("no_unemployed_member".into())) && reasons.contains(&Some("member_employed".into())), "{reasons:?}");

        let other = actor("clerk2", Role::TownshipClerk, Some("130527101"), None);
        assert!(app.zero_employment(&other, None, false).await.unwrap().is_empty(), "scoped by township");
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        db.cleanup().await;
    }
}

/// A registered member of a zero-employment household is served intensively (重点帮扶, measure
/// (二十二)) on the due list, on the second-contact list and on the spell's page — read in the
/// lists' own query — and no longer once a member of working age works.
#[tokio::test]
async fn members_of_zero_employment_households_are_followed_up_intensively() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        clock.set(datetime!(2026-11-10 02:00:00 UTC));
        let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
        let a = app.create_person(&Actor::cli(), &input("甲", 11, date!(1990 - 01 - 01), "H7", "unemployed")).await.unwrap();
        app.create_person(&Actor::cli(), &input("丙", 13, date!(1988 - 01 - 01), "H8", "employed")).await.unwrap();
        let b = app.create_person(&Actor::cli(), &input("乙", 12, date!(1992 - 01 - 01), "H8", "unemployed")).await.unwrap();
        assert_eq!(current(&app).await, ["H7"], "{}", db.backend);
        let on = RegistrationInput { registered_on: "2026-11-02".into(), ..Default::default() };
        let ra = app.register_unemployment(&clerk, a, &on).await.unwrap();
        app.register_unemployment(&clerk, b, &on).await.unwrap();

        let due = app.followup_due(&clerk, None, None).await.unwrap();
        let level = |n: &str| due.iter().find(|x| x.name == n).map(|x| (x.service_level, x.level_reasons.clone())).unwrap();
        assert_eq!(level("甲"), ("重点帮扶", vec!["零就业家庭成员".to_string()]), "{}", db.backend);
        assert_eq!(level("乙").0, "常规服务", "丙 works in H8");
        let spell = app.get_registration(&clerk, ra).await.unwrap();
        assert_eq!(app.service_level(&spell, date!(2026 - 11 - 10)).await.unwrap().level.label(), "重点帮扶");
        let contact = jiuye_app::unemployment::ContactInput {
            contact_on: "2026-11-05".into(),
            method: "phone".into(),
            outcome: "仍在求职".into(),
            ..Default::default()
        };
        app.record_contact(&clerk, ra, &contact).await.unwrap();
        let second = app.followup_second_contacts(&clerk, None, None).await.unwrap();
        assert_eq!(second.iter().map(|x| (x.name.as_str(), x.contacts_needed)).collect::<Vec<_>>(), [("甲", 2)]);

        // 丁 of H7 works: the household is cleared, and 甲 needs one contact a month again.
        app.create_person(&Actor::cli(), &input("丁", 14, date!(1985 - 01 - 01), "H7", "employed")).await.unwrap();
        assert!(current(&app).await.is_empty());
        assert!(app.followup_second_contacts(&clerk, None, None).await.unwrap().is_empty());
        assert_eq!(app.service_level(&spell, date!(2026 - 11 - 10)).await.unwrap().level.label(), "常规服务");
        db.cleanup().await;
    }
}
