//! Unemployment registration and follow-up through the pages: a clerk registers a person from the
//! person page, records a contact, sees the task list shrink, and closes the spell when the person
//! finds work.

use axum::http::StatusCode;
use jiuye_domain::Role;

use crate::support::{TestApp, as_refs, person_fields};

#[tokio::test]
async fn a_clerk_registers_follows_up_and_closes_an_unemployment_spell() {
    let t = TestApp::new().await;
    let mut clerk = t.logged_in("clerk", Role::TownshipClerk, Some("130527100")).await;
    let mut fields = person_fields(31, "孔德明", "130527100");
    fields.retain(|(k, _)| k != "employment_status");
    fields.push(("employment_status".into(), "unemployed".into()));
    fields.push(("household_no".into(), "KDM-1".into()));
    let r = clerk.post("/persons", &as_refs(&fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let person_url = r.location().to_string();
    let page = clerk.get(&person_url).await;
    assert!(page.body.contains("办理失业登记") && page.body.contains("没有失业登记记录"), "{}", page.body);

    let r = clerk.post(&format!("{person_url}/registrations"), &[("registered_on", "2026-11-02"), ("channel", "window")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let reg_url = r.location().to_string();
    let dup = clerk.post(&format!("{person_url}/registrations"), &[("registered_on", "2026-11-03")]).await;
    assert_eq!(dup.status, StatusCode::CONFLICT, "{}", dup.body);
    assert!(dup.body.contains("不能重复登记"));

    let tasks = clerk.get("/followup").await;
    assert!(tasks.body.contains("孔德明") && tasks.body.contains("本月待联系 1 人"), "{}", tasks.body);
    let bad = clerk.post(&format!("{reg_url}/contacts"), &[("contact_on", "2026-11-20"), ("method", "phone")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("跟踪情况"));
    let ok = clerk
        .post(
            &format!("{reg_url}/contacts"),
            &[
                ("contact_on", "2026-11-20"),
                ("method", "phone"),
                ("outcome", "仍在求职"),
                ("services", "job_referral"),
                ("services", "training_referral"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let detail = clerk.get(&reg_url).await;
    assert!(detail.body.contains("职业介绍、培训推荐"), "{}", detail.body);
    assert!(clerk.get("/followup").await.body.contains("本月待联系 0 人"));

    let version = detail.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let closed =
        clerk.post(&format!("{reg_url}/close"), &[("version", &version), ("closed_on", "2026-11-25"), ("reason", "employed")]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let person = clerk.get(&person_url).await;
    assert!(person.body.contains("注销（实现就业）") && person.body.contains(">就业<"), "{}", person.body);

    // 孔德明's household (alone, now working) was zero-employment from the registration to the closing.
    let zero = clerk.get("/households/zero").await;
    assert!(zero.body.contains("当前零就业家庭 0 户") && zero.body.contains("家庭成员实现就业"), "{}", zero.body);

    let mut other = t.logged_in("clerk2", Role::TownshipClerk, Some("130527101")).await;
    assert_eq!(other.get(&reg_url).await.status, StatusCode::NOT_FOUND);
    assert!(!other.get("/followup").await.body.contains("孔德明"));
}
