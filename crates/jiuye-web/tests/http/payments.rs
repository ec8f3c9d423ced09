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
