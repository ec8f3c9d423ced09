//! A citizen signs in with the ID number and an SMS code, registers what work they look for, and
//! answers a push — without revealing to anyone else whether an ID number is registered.

use jiuye_app::AppError;
use jiuye_app::registry::PersonInput;
use jiuye_app::seekers::SeekerInput;
use jiuye_app::{Actor, App};
use jiuye_test_support::TestDb;
use time::macros::date;

use crate::vacancies::app_with_clock;

/// The code in the newest verification SMS (the test reads the outbox as the phone would).
async fn last_code(app: &App) -> String {
    let m = app.store.outbox(10).await.unwrap().into_iter().find(|m| m.purpose == "verification").expect("a verification SMS");
    m.text.chars().skip_while(|c| !c.is_ascii_digit()).take(6).collect()
}

#[tokio::test]
async fn a_citizen_signs_in_by_sms_code_and_registers_as_a_job_seeker() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        let id_number = jiuye_app::demo::make_id_number("130527", date!(1985 - 07 - 01), 3);
        let person = PersonInput {
            name: "吴建国".into(),
            id_number: id_number.clone(),
            phone: "13700000007".into(),
            township: "郝桥镇".into(),
            ..Default::default()
        };
        app.create_person(&Actor::cli(), &person).await.unwrap();

        // A wrong phone gets the same answer and no SMS; its ticket never verifies.
        let ghost = app.request_citizen_code(&id_number, "13700000008", "job_seeker").await.unwrap();
        assert!(app.store.outbox(10).await.unwrap().is_empty(), "{}", db.backend);
        assert!(app.verify_citizen_code(&ghost, "000000").await.is_err());
        let e = app.request_citizen_code("123", "abc", "job_seeker").await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f.len() == 2), "{e}");

        let ticket = app.request_citizen_code(&id_number, "13700000007", "job_seeker").await.unwrap();
        let again = app.request_citizen_code(&id_number, "13700000007", "job_seeker").await.unwrap_err();
        assert!(again.to_string().contains("60秒"), "{again}");
        let code = last_code(&app).await;
        assert_eq!(code.len(), 6);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let e = app.verify_citizen_code(&ticket, wrong).await.unwrap_err();
        assert!(e.to_string().contains("还可以再试4次"), "{e}");
        let (token, _csrf) = app.verify_citizen_code(&ticket, &code).await.unwrap();
        assert!(app.verify_citizen_code(&ticket, &code).await.is_err(), "a code is used once");

        let c = app.citizen(&token).await.unwrap();
        assert_eq!(c.person.name, "吴建国");
        let input =
            SeekerInput {
                occupations: "叉车司机、仓管员".into(), prefers_sms: "on".into(), active: "on".into(), ..Default::default()
            };
        let sid = app.citizen_save_seeker(&c, &input).await.unwrap();
        let again = app.citizen_save_seeker(&c, &SeekerInput { pay_expect: "4500".into(), ..input }).await.unwrap();
        assert_eq!(sid, again, "the second save updates the same registration");
        let s = app.citizen_seeker(&c).await.unwrap().unwrap();
        assert_eq!((s.pay_expect_yuan, s.registered_by.as_str(), s.township_code.as_str()), (Some(4500), "citizen:online", "130527102"));

        // Sessions end after 30 minutes, and on logout.
        clock.advance(time::Duration::minutes(31));
        assert!(matches!(app.citizen(&token).await, Err(AppError::Unauthenticated)));
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        db.cleanup().await;
    }
}
