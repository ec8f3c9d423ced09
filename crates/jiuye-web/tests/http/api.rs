use axum::http::StatusCode;
use jiuye_domain::Role;
use serde_json::json;

use crate::support::TestApp;

fn person(n: u32, name: &str) -> serde_json::Value {
    let birth = time::Date::from_calendar_date(1988, time::Month::May, 20).unwrap();
    json!({"name": name, "id_number": jiuye_app::demo::make_id_number("130527", birth, n), "township": "和阳镇", "phone": format!("139{n:08}")})
}

#[tokio::test]
async fn the_api_creates_reads_and_updates_with_optimistic_locking() {
    let t = TestApp::new().await;
    let mut c = t.logged_in("api", Role::BureauStaff, None).await;
    let r = c.api("POST", "/api/v1/persons", Some(person(1, "郑一")), &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.json();
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["birth_date"], "1988-05-20");
    assert!(v["id_number_masked"].as_str().unwrap().contains("****"));
    assert!(v.get("id_number").is_none());
    let mut upd = person(1, "郑一改");
    upd["employment_status"] = json!("employed");
    let r = c.api("PUT", &format!("/api/v1/persons/{id}"), Some(upd.clone()), &[("if-match", "1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["version"], 2);
    let r = c.api("PUT", &format!("/api/v1/persons/{id}"), Some(upd), &[("if-match", "1")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = c.api("GET", "/api/v1/persons?name=郑", None, &[]).await;
    assert_eq!(r.json()["total"], 1);
}

#[tokio::test]
async fn the_api_refuses_unknown_fields_and_reports_each_invalid_field() {
    let t = TestApp::new().await;
    let mut c = t.logged_in("api", Role::BureauStaff, None).await;
    let mut p = person(2, "冯二");
    p["status"] = json!("approved");
    let r = c.api("POST", "/api/v1/persons", Some(p), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "bad_input");
    let r =
        c.api("POST", "/api/v1/persons", Some(json!({"name": "冯二", "id_number": "11010119900230001X", "township": "和阳镇"})), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = r.json()["error"]["fields"].clone();
    assert_eq!(fields[0]["field"], "公民身份号码");
    assert_eq!(fields[0]["code"], "id_number.birth_date");
    assert_eq!(t.app.store.count_persons(&jiuye_store::Scope::All).await.unwrap(), 0);
}

#[tokio::test]
async fn the_api_needs_a_session_and_the_csrf_header_for_writes() {
    let t = TestApp::new().await;
    let mut anon = t.client();
    assert_eq!(anon.api("GET", "/api/v1/persons", None, &[]).await.status, StatusCode::UNAUTHORIZED);
    let mut c = t.logged_in("api", Role::BureauStaff, None).await;
    c.csrf = "wrong".into();
    assert_eq!(c.api("POST", "/api/v1/persons", Some(person(3, "陈三")), &[]).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn enterprise_hr_sees_only_its_own_enterprise_and_no_persons() {
    let t = TestApp::new().await;
    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let a = staff.api("POST", "/api/v1/enterprises", Some(json!({"name": "甲公司", "credit_code": "91110108MA0000015T", "township": "和阳镇", "industry": "零售业", "staff": "12", "revenue_wan": "150"})), &[]).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.json()["size_class"], "small");
    let b = staff
        .api(
            "POST",
            "/api/v1/enterprises",
            Some(json!({"name": "乙公司", "credit_code": "91110108MA000004X8", "township": "贾宋镇", "industry": "工业"})),
            &[],
        )
        .await;
    let (a_id, b_id) = (a.json()["id"].as_str().unwrap().to_string(), b.json()["id"].as_str().unwrap().to_string());
    staff.api("POST", "/api/v1/persons", Some(person(4, "褚四")), &[]).await;
    let input = jiuye_app::accounts::UserInput {
        login: "hr1".into(),
        display_name: "HR".into(),
        role: Role::EnterpriseHr,
        township: None,
        enterprise_id: Some(a_id.parse().unwrap()),
    };
    t.app.create_user_with_password(&jiuye_app::Actor::cli(), &input, crate::support::PASSWORD, false).await.unwrap();
    let mut hr = t.client();
    hr.login("hr1", crate::support::PASSWORD).await;
    hr.refresh_csrf().await;
    let list = hr.api("GET", "/api/v1/enterprises", None, &[]).await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(hr.api("GET", &format!("/api/v1/enterprises/{b_id}"), None, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(hr.api("GET", "/api/v1/persons", None, &[]).await.status, StatusCode::FORBIDDEN);
    let r = hr
        .api(
            "PUT",
            &format!("/api/v1/enterprises/{a_id}"),
            Some(json!({"name": "甲公司", "credit_code": "91110108MA000004X8", "township": "和阳镇", "industry": "零售业"})),
            &[("if-match", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "HR cannot rebind its credit code: {}", r.body);
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_api_routes() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let doc = c.get("/api/v1/openapi.json").await.json();
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in jiuye_web::API_ROUTES {
        assert!(paths.get(*path).and_then(|p| p.get(method.to_lowercase())).is_some(), "{method} {path} undocumented");
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, jiuye_web::API_ROUTES.len());
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let h = c.get("/healthz").await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.json()["database"], "sqlite");
    let m = c.get("/metrics").await;
    assert!(m.body.contains("jiuye_http_requests_total{class=\"2xx\"}"));
    assert!(m.body.contains("jiuye_registry_persons 0"));
}
