use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn anyone_can_have_a_case_explained_with_the_clause_beside_each_condition() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let facts = json!({"person.registered_unemployed_since": "2019-09-01", "hire.date": "2020-05-06", "hire.contract_months": 24, "hire.social_insurance_paid": true});
    let r = c.api("POST", "/api/v1/policy/hire_unemployed/evaluate?as_of=2020-06-30", Some(facts), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = r.json();
    assert_eq!(d["decision"], "eligible");
    assert_eq!(d["amount_yuan"], "1000.00");
    let reg = d["conditions"].as_array().unwrap().iter().find(|c| c["id"] == "registered_6_months").unwrap();
    assert_eq!(reg["met"], true);
    assert_eq!(reg["measure"], "（十）");
    assert!(reg["text"].as_str().unwrap().contains("实际8个月"));
    assert!(reg["clause"].as_str().unwrap().contains("登记失业半年以上"));
    assert!(d["ruleset_version"].as_str().unwrap().starts_with("sha256:"));
    // Eleven months of contract fail; a missing fact is named, not guessed.
    let r = c
        .api(
            "POST",
            "/api/v1/policy/hire_unemployed/evaluate?as_of=2020-06-30",
            Some(json!({"person.registered_unemployed_since": "2019-09-01", "hire.date": "2020-05-06", "hire.contract_months": 11})),
            &[],
        )
        .await;
    let d = r.json();
    assert_eq!(d["decision"], "ineligible");
    assert!(d["missing_facts"].as_array().unwrap().iter().any(|f| f == "hire.social_insurance_paid"));
    let r = c.api("POST", "/api/v1/policy/hire_unemployed/evaluate", Some(json!({"no.such_fact": 1})), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("no.such_fact"));
    assert_eq!(c.api("POST", "/api/v1/policy/nope/evaluate", Some(json!({})), &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_catalogue_lists_every_program_with_its_measure_and_the_page_explains_a_case() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let cat = c.api("GET", "/api/v1/policy?as_of=2020-06-30", None, &[]).await.json();
    let programs = cat["programs"].as_array().unwrap();
    assert_eq!(programs.len(), 22);
    assert!(programs.iter().all(|p| !p["measures"].as_array().unwrap().is_empty()));
    let page = c.get("/policy").await;
    assert!(page.body.contains("一次性吸纳就业补贴") && page.body.contains("（十）"));
    let detail = c.get("/policy/hire_unemployed?as_of=2020-06-30").await;
    assert!(detail.body.contains("原文：") && detail.body.contains("1000"));
    let facts = r#"{"person.registered_unemployed_since": "2020-03-01", "hire.date": "2020-05-06", "hire.contract_months": 24, "hire.social_insurance_paid": true}"#;
    let r = c.post_form("/policy/hire_unemployed", &[("facts", facts), ("as_of", "2020-06-30")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("实际2个月 ✘"), "{}", r.body);
}

#[tokio::test]
async fn a_simulation_compares_beneficiaries_and_cost_before_and_after() {
    let t = TestApp::new().await;
    let mut c = t.logged_in("staff", jiuye_domain::Role::BureauStaff, None).await;
    let mut f = crate::support::person_fields(5, "退役甲", "130527100");
    f.retain(|(k, _)| k != "tags");
    f.push(("tags".into(), "退役军人".into()));
    c.post("/persons", &crate::support::as_refs(&f)).await;
    let r =
        c.post("/simulate", &[("sets", "startup_loan.ceiling_yuan=200000"), ("program", "startup_loan"), ("as_of", "2020-06-30")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("150000.00 → 200000.00"), "{}", r.body);
    let r = c.post("/simulate", &[("sets", "no.such_param=1"), ("as_of", "2020-06-30")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.audit_count("policy.simulate").await, 1);
}

#[tokio::test]
async fn an_eligible_scan_hit_opens_a_pre_filled_application_for_those_who_may_enter_one() {
    let t = TestApp::new().await;
    // The demo registry's enterprises have monitoring reports and insurance statements from 2019
    // on, so a scan as of 2020-06-30 finds enterprises that qualify for the stable-post refund (a
    // payable program), and veterans who qualify for a startup loan (not paid from the ledger).
    t.app.generate_demo(300, 7, &mut |_| {}).await.unwrap();
    t.app.generate_demo_monitoring(7).await.unwrap();
    t.app.generate_demo_insurance(7).await.unwrap();
    let mut staff = t.logged_in("staff", jiuye_domain::Role::BureauStaff, None).await;
    let page = staff.get("/scan?run=1&program=stable_post_refund&as_of=2020-06-30").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let prefix = "/applications/new?program=stable_post_refund&#38;enterprise=";
    let at = page.body.find(prefix).unwrap_or_else(|| panic!("no application link: {}", page.body));
    let enterprise: String = page.body[at + prefix.len()..].chars().take(36).collect();
    assert!(uuid::Uuid::parse_str(&enterprise).is_ok(), "{enterprise}");
    // The link opens the application form with the program and the enterprise filled in.
    let form = staff.get(&format!("/applications/new?program=stable_post_refund&enterprise={enterprise}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains(&format!("name=\"enterprise\" value=\"{enterprise}\"")), "{}", form.body);
    assert!(form.body.contains("name=\"program\" value=\"stable_post_refund\""), "{}", form.body);
    // A loan is not paid from the ledger: its hits have no application link.
    let page = staff.get("/scan?run=1&program=startup_loan&as_of=2020-06-30").await;
    assert!(page.body.contains("符合条件"), "{}", page.body);
    assert!(!page.body.contains("生成申请"), "{}", page.body);
    // A leader reads the scan but does not enter applications: no link either.
    let mut leader = t.logged_in("leader", jiuye_domain::Role::Leader, None).await;
    let page = leader.get("/scan?run=1&program=stable_post_refund&as_of=2020-06-30").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("符合条件"), "{}", page.body);
    assert!(!page.body.contains("生成申请"), "{}", page.body);
}
