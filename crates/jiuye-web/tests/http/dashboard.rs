//! The dashboards over HTTP: the page with its charts' data, tables and export forms; the refresh
//! (bureau only); the chart export and the monthly report as .xlsx; the leader's overview; the
//! shipped scripts under the content security policy; a clerk's township scope.

use axum::http::{StatusCode, header};
use jiuye_domain::Role;

use crate::support::TestApp;

async fn monitored_report(t: &TestApp) {
    let actor = jiuye_app::Actor { role: Role::BureauStaff, login: "staff".into(), ..jiuye_app::Actor::cli() };
    let input = jiuye_app::registry::EnterpriseInput {
        name: "南和区晶华玻璃制品有限公司".into(),
        credit_code: "91110108MA0000015T".into(),
        township: "贾宋镇".into(),
        industry: "制造业".into(),
        staff: "200".into(),
        insured: "180".into(),
        ..Default::default()
    };
    let id = t.app.create_enterprise(&actor, &input).await.unwrap();
    t.app.monitor_enterprise(&actor, id, true, "李专员", "转型中的玻璃企业").await.unwrap();
    let report = jiuye_app::monitoring::ReportInput {
        period: "2026-10".into(),
        headcount_start: "200".into(),
        new_hires: "3".into(),
        separations: "25".into(),
        layoffs: "22".into(),
        headcount_end: "178".into(),
        insured: "170".into(),
        production_status: "reduced".into(),
        ..Default::default()
    };
    t.app.submit_report(&actor, id, &report).await.unwrap();
}

#[tokio::test]
async fn the_dashboard_shows_each_chart_with_its_table_and_exports_it() {
    let t = TestApp::new().await;
    monitored_report(&t).await;
    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let before = staff.get("/dashboard").await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert!(before.body.contains("统计数据尚未生成"), "the page says the figures were never taken");

    let r = staff.post("/dashboard/refresh", &[]).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/dashboard"), "{}", r.body);
    assert_eq!(t.audit_count("stats.refresh").await, 1);
    let page = staff.get("/dashboard?from=2026-01&to=2026-11").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("数据截至"), "{}", page.body);
    for id in ["unemployed", "followup", "jobs", "key_groups", "supply", "monitoring", "alerts", "subsidies"] {
        assert!(page.body.contains(&format!("id=\"card-{id}\"")), "chart {id} is on the page");
        assert!(page.body.contains(&format!("/dashboard/charts/{id}/export")), "chart {id} can be exported");
    }
    // The monitoring chart has data: a box for the script, and the figures in its table.
    assert!(page.body.contains("data-chart=\"monitoring\""));
    let table = page.body.split("id=\"table-monitoring\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(table.contains("<td>2026-10</td><td class=\"num\">178</td><td class=\"num\">170</td><td class=\"num\">22</td>"), "{table}");
    // The data for the charts is JSON inside a non-executable script element, with '<' escaped.
    let data = page.body.split("id=\"dashboard-data\">").nth(1).unwrap().split("</script>").next().unwrap();
    let json: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(json["charts"].as_array().unwrap().len(), 8);

    let x = staff.post("/dashboard/charts/monitoring/export", &[("from", "2026-01"), ("to", "2026-11"), ("township", "")]).await;
    assert_eq!(x.status, StatusCode::OK, "{}", x.body);
    assert!(x.headers[header::CONTENT_TYPE].to_str().unwrap().contains("spreadsheetml"));
    assert_eq!(&x.bytes[..2], b"PK");
    assert_eq!(t.audit_count("stats.export").await, 1);
    let missing = staff.post("/dashboard/charts/nothing/export", &[("from", "2026-01"), ("to", "2026-11")]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let report = staff.post("/dashboard/report", &[("period", "2026-10")]).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(&report.bytes[..2], b"PK");
    let bad = staff.post("/dashboard/report", &[("period", "2026-13")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let overview = staff.get("/dashboard/overview?to=2026-10").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("2026年10月") && overview.body.contains("id=\"townships\"") && overview.body.contains("合计"));

    // A leader reads but cannot refresh; a clerk sees their own township only.
    let mut leader = t.logged_in("leader", Role::Leader, None).await;
    assert_eq!(leader.get("/dashboard").await.status, StatusCode::OK);
    assert_eq!(leader.post("/dashboard/refresh", &[]).await.status, StatusCode::FORBIDDEN);
    let mut clerk = t.logged_in("clerk", Role::TownshipClerk, Some("130527100")).await;
    let theirs = clerk.get("/dashboard?from=2026-01&to=2026-11&township=130527101").await;
    assert!(theirs.body.contains("统计分析 · 和阳镇"), "{}", theirs.body);
    let table = theirs.body.split("id=\"table-monitoring\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(!table.contains(">178<"), "the glass works is in 贾宋镇: {table}");
}

#[tokio::test]
async fn the_chart_scripts_are_shipped_and_allowed_by_the_content_security_policy() {
    let t = TestApp::new().await;
    let mut c = t.client();
    for path in ["/static/echarts.min.js", "/static/dashboard.js"] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
        assert!(r.body.len() > 1000, "{path}");
    }
    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let page = staff.get("/dashboard").await;
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    // Only same-origin scripts; the data block is JSON, not code.
    assert!(page.body.contains("<script src=\"/static/echarts.min.js\" defer></script>"));
    assert!(!page.body.contains("<script>"), "no inline script");
}
