//! The layoff early-warning page: alerts of monitored enterprises with the district view by
//! township and industry; a clerk sees their township only.

use axum::http::StatusCode;
use jiuye_domain::Role;

use crate::support::TestApp;

#[tokio::test]
async fn the_warning_page_shows_alerts_with_counts_by_township_and_industry() {
    let t = TestApp::new().await;
    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let r = staff
        .api(
            "POST",
            "/api/v1/enterprises",
            Some(serde_json::json!({"name": "南和区晶华玻璃制品有限公司", "credit_code": "91110108MA0000015T", "township": "贾宋镇", "industry": "制造业", "staff": "200", "insured": "180"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id: uuid::Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    let actor = jiuye_app::Actor { role: Role::BureauStaff, login: "staff".into(), ..jiuye_app::Actor::cli() };
    t.app.monitor_enterprise(&actor, id, true, "李专员", "转型中的玻璃企业").await.unwrap();
    let input = jiuye_app::monitoring::ReportInput {
        period: "2026-10".into(),
        headcount_start: "200".into(),
        new_hires: "0".into(),
        separations: "25".into(),
        layoffs: "22".into(),
        headcount_end: "175".into(),
        insured: "170".into(),
        production_status: "reduced".into(),
        ..Default::default()
    };
    t.app.submit_report(&actor, id, &input).await.unwrap();
    let page = staff.get("/monitoring?period=2026-10").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("南和区晶华玻璃制品有限公司") && page.body.contains("经济性裁员标准"), "{}", page.body);
    // 22 laid off of 200 (11%): red layoff rate and red statutory layoff; 12.5% fewer staff: orange.
    assert!(page.body.contains("红色 <strong>2</strong>，橙色 1"), "{}", page.body);
    let by_industry = page.body.split("id=\"by-industry\"").nth(1).unwrap();
    assert!(by_industry.contains(">制造业<") || by_industry.contains(">工业<"), "{by_industry}");
    let mut clerk = t.logged_in("clerk", Role::TownshipClerk, Some("130527100")).await;
    let other = clerk.get("/monitoring").await;
    assert!(!other.body.contains("晶华玻璃") && other.body.contains("没有预警"), "a clerk of 和阳镇 sees nothing of 贾宋镇");
    let bad = staff.get("/monitoring?period=2026-13").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
