//! Subsidy applications through the pages: a clerk fills in only what the registry lacks, sees the
//! live explanation, submits (a double click makes one application); bureau staff check, a leader
//! approves; the bureau builds and exports a payment batch with the account shown as last 4 only.

use axum::http::StatusCode;
use jiuye_domain::Role;

use crate::support::{TestApp, as_refs, person_fields};

#[tokio::test]
async fn an_application_is_entered_checked_approved_and_batched_through_the_pages() {
    let t = TestApp::new().await;
    let mut clerk = t.logged_in("clerk", Role::TownshipClerk, Some("130527100")).await;
    let mut fields = person_fields(41, "孟庆丰", "130527100");
    fields.retain(|(k, _)| k != "tags" && k != "employment_status");
    fields.push(("tags".into(), "返乡农民工".into()));
    fields.push(("employment_status".into(), "flexible".into()));
    let r = clerk.post("/persons", &as_refs(&fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let person = r.location().trim_start_matches("/persons/").to_string();

    let form = clerk.get(&format!("/applications/new?program=startup_returnee&person={person}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("开业日期") && !form.body.contains("fact:person.is_returning_migrant_worker"), "{}", form.body);
    let key = form.body.split("name=\"key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let post = |action: &'static str, key: String, person: String| {
        vec![
            ("program".to_string(), "startup_returnee".to_string()),
            ("person".into(), person),
            ("key".into(), key),
            ("fact:person.is_first_business".into(), "true".into()),
            ("fact:business.operating_normally".into(), "true".into()),
            ("fact:business.started_on".into(), "2026-01-10".into()),
            ("payee_bank".into(), "中国农业银行南和支行".into()),
            ("payee_account".into(), "6228 4801 2345 6789 012".into()),
            ("action".into(), action.into()),
        ]
    };
    let preview = clerk.post("/applications", &as_refs(&post("preview", key.clone(), person.clone()))).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("核算结果：符合条件，金额 5000.00 元"), "{}", preview.body);
    assert!(preview.body.contains("cond-met"));
    let r = clerk.post("/applications", &as_refs(&post("submit", key.clone(), person.clone()))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let url = r.location().to_string();
    let again = clerk.post("/applications", &as_refs(&post("submit", key.clone(), person.clone()))).await;
    assert_eq!(again.location(), url, "a double click returns the same application");
    let bad = clerk.post("/applications", &as_refs(&post("submit", "another-key".into(), person.clone()))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("不能重复申请"), "{}", bad.body);

    let page = clerk.get(&url).await;
    assert!(page.body.contains("待初审") && !page.body.contains("check-form"), "the clerk cannot check their own entry");
    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let page = staff.get(&url).await;
    assert!(page.body.contains("check-form") && page.body.contains("按当前名册重新核算：符合条件"), "{}", page.body);
    let version = page.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let r = staff.post(&format!("{url}/check"), &[("version", &version), ("verdict", "pass"), ("note", "材料齐全")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!staff.get(&url).await.body.contains("approve-form"), "the checker cannot approve");

    let mut leader = t.logged_in("leader", Role::Leader, None).await;
    let page = leader.get(&url).await;
    assert!(page.body.contains("approve-form") && page.body.contains("未安排该项目预算"), "{}", page.body);
    let version = page.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let over = leader.post(&format!("{url}/approve"), &[("version", &version), ("verdict", "pass")]).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(over.body.contains("超出预算"), "{}", over.body);
    let r = leader.post(&format!("{url}/approve"), &[("version", &version), ("verdict", "pass"), ("over_budget", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = staff.get(&url).await;
    assert!(page.body.contains("已批准待支付") && page.body.contains("id=\"entries\""), "{}", page.body);

    let r = staff.post("/batches", &[("program", "startup_returnee"), ("year", "2026"), ("period", "2026-11")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let batch = r.location().to_string();
    let b = staff.get(&batch).await;
    assert!(b.body.contains("1 笔，5000.00 元") && b.body.contains("****9012") && !b.body.contains("6228480123456789012"), "{}", b.body);
    let x = staff.post(&format!("{batch}/export"), &[]).await;
    assert_eq!(x.status, StatusCode::OK);
    assert_eq!(t.audit_count("batch.export").await, 1);
    let budgets = staff.get("/budgets?year=2026").await;
    assert!(budgets.body.contains("5000.00"), "{}", budgets.body);
    assert_eq!(clerk.get("/batches").await.status, StatusCode::FORBIDDEN);
}

/// Signs a citizen in with ID number and SMS code; returns the client and the page's CSRF token.
async fn citizen(t: &TestApp, id_number: &str, phone: &str) -> (crate::support::Client, String) {
    let mut c = t.client();
    let r = c.post_form("/jobs/login", &[("id_number", id_number), ("phone", phone)]).await;
    let ticket = r.body.split("name=\"ticket\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let sms = t.app.store.outbox(5).await.unwrap();
    let code: String = sms[0].text.chars().skip_while(|c| !c.is_ascii_digit()).take(6).collect();
    let r = c.post_form("/jobs/login/verify", &[("ticket", ticket.as_str()), ("code", code.as_str())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let me = c.get("/jobs/me").await;
    let csrf = me.csrf();
    (c, csrf)
}

#[tokio::test]
async fn a_person_applies_online_and_confirms_an_offer_from_their_own_page() {
    let t = TestApp::new().await;
    let id_number = jiuye_app::demo::make_id_number("130527", time::macros::date!(1984 - 05 - 06), 61);
    let person = t
        .app
        .create_person(
            &jiuye_app::Actor::cli(),
            &jiuye_app::registry::PersonInput {
                name: "贺春生".into(),
                id_number: id_number.clone(),
                phone: "13600000061".into(),
                township: "和阳镇".into(),
                tags: "返乡农民工".into(),
                employment_status: "unemployed".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (mut c, csrf) = citizen(&t, &id_number, "13600000061").await;
    let form = c.get("/jobs/me/apply").await;
    assert!(
        form.body.contains("一次性创业补贴（返乡农民工）") && !form.body.contains("一次性吸纳就业补贴"),
        "person programs only: {}",
        form.body
    );
    let fields = [
        ("csrf", csrf.as_str()),
        ("program", "startup_returnee"),
        ("fact:person.is_first_business", "true"),
        ("fact:business.operating_normally", "true"),
        ("fact:business.started_on", "2026-02-01"),
        ("payee_bank", "中国邮政储蓄银行南和支行"),
        ("payee_account", "6217 9912 3456 7890"),
        ("key", "k-1"),
    ];
    let mut preview = fields.to_vec();
    preview.push(("action", "preview"));
    let p = c.post_form("/jobs/me/apply", &preview).await;
    assert!(p.body.contains("核算结果：符合条件") && !p.body.contains(&id_number), "{}", p.body);
    let mut submit = fields.to_vec();
    submit.push(("action", "submit"));
    let r = c.post_form("/jobs/me/apply", &submit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let me = c.get("/jobs/me").await;
    assert!(me.body.contains("一次性创业补贴（返乡农民工）") && me.body.contains("待初审"), "{}", me.body);
    let (rows, _) = t
        .app
        .list_applications(
            &jiuye_app::Actor { role: Role::BureauStaff, ..jiuye_app::Actor::cli() },
            jiuye_store::payments::ApplicationFilter { subject_id: Some(person), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].channel, "online");

    // An offer (免申即享) shows on the page and is confirmed there with the person's own card.
    t.app
        .register_unemployment(
            &jiuye_app::Actor::cli(),
            person,
            &jiuye_app::unemployment::RegistrationInput { insured: "yes".into(), benefit_entitled: "no".into(), ..Default::default() },
        )
        .await
        .unwrap();
    let staff = jiuye_app::Actor { role: Role::BureauStaff, login: "staff9".into(), ..jiuye_app::Actor::cli() };
    assert_eq!(t.app.create_offers(&staff, "unemployment_supplement").await.unwrap().created, 1);
    let me = c.get("/jobs/me").await;
    assert!(me.body.contains("失业补助金") && me.body.contains("确认申领"), "{}", me.body);
    let offer = me.body.split("action=\"/jobs/me/offers/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let r = c
        .post_form(
            &format!("/jobs/me/offers/{offer}"),
            &[
                ("csrf", csrf.as_str()),
                ("answer", "yes"),
                ("payee_bank", "中国邮政储蓄银行南和支行"),
                ("payee_account", "6217991234567890"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = t.app.store.application(offer.parse().unwrap()).await.unwrap();
    assert_eq!((a.status.as_str(), a.channel.as_str(), a.payee_account_last4.as_deref()), ("submitted", "online", Some("7890")));
}
