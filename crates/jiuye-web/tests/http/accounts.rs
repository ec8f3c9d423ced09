use axum::http::StatusCode;
use jiuye_domain::Role;

use crate::support::{PASSWORD, TestApp};

#[tokio::test]
async fn the_seeded_admin_has_a_random_password_and_must_change_it_first() {
    let t = TestApp::new().await;
    let (login, pw) = t.app.bootstrap_admin().await.unwrap().unwrap();
    assert!(t.app.bootstrap_admin().await.unwrap().is_none(), "only once");
    let mut c = t.client();
    for guess in ["admin", "123456", "password"] {
        assert_eq!(c.login(&login, guess).await.status, StatusCode::UNAUTHORIZED);
    }
    let r = c.login(&login, &pw).await;
    assert_eq!(r.location(), "/account/password");
    // Every other page sends the admin back to the password change.
    for path in ["/persons", "/enterprises", "/admin/users", "/import"] {
        assert_eq!(c.get(path).await.location(), "/account/password", "{path}");
    }
    c.refresh_csrf().await;
    let r = c.post("/account/password", &[("current", &pw), ("new_password", "short"), ("confirm", "short")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("至少12个字符"));
    let r = c.post("/account/password", &[("current", &pw), ("new_password", PASSWORD), ("confirm", PASSWORD)]).await;
    assert_eq!(r.location(), "/persons");
    assert_eq!(c.get("/persons").await.status, StatusCode::OK);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_for_thirty_minutes_with_one_generic_message() {
    let t = TestApp::new().await;
    t.user("clerk1", Role::TownshipClerk, Some("130527100")).await;
    let mut c = t.client();
    let unknown = c.login("nobody", "Whatever-123").await;
    for _ in 0..5 {
        let r = c.login("clerk1", "Wrong-Password-1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let locked = c.login("clerk1", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED, "locked even with the right password");
    assert!(!c.has_session());
    let msg = |body: &str| body.split("role=\"alert\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or("").to_string();
    assert_eq!(msg(&locked.body), msg(&unknown.body), "same message for unknown user and locked account");
    assert!(msg(&locked.body).contains("账号或密码错误"));
    t.clock.advance(time::Duration::minutes(29));
    assert_eq!(c.login("clerk1", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    t.clock.advance(time::Duration::minutes(2));
    assert_eq!(c.login("clerk1", PASSWORD).await.status, StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("login_fail").await, 1 + 5 + 2);
    assert_eq!(t.audit_count("account_locked").await, 1);
    assert_eq!(t.audit_count("login_success").await, 1);
}

#[tokio::test]
async fn an_admin_can_unlock_a_locked_account() {
    let t = TestApp::new().await;
    t.user("clerk2", Role::TownshipClerk, Some("130527100")).await;
    let mut c = t.client();
    for _ in 0..5 {
        c.login("clerk2", "Wrong-Password-1").await;
    }
    assert_eq!(c.login("clerk2", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    let mut admin = t.logged_in("boss", Role::Admin, None).await;
    let r = admin.post("/admin/users/clerk2/unlock", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(c.login("clerk2", PASSWORD).await.status, StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("account_unlocked").await, 1);
}

#[tokio::test]
async fn sessions_end_after_thirty_idle_minutes_and_at_logout() {
    let t = TestApp::new().await;
    let mut c = t.logged_in("staff1", Role::BureauStaff, None).await;
    t.clock.advance(time::Duration::minutes(29));
    assert_eq!(c.get("/persons").await.status, StatusCode::OK);
    t.clock.advance(time::Duration::minutes(29));
    assert_eq!(c.get("/persons").await.status, StatusCode::OK, "activity keeps the session alive");
    t.clock.advance(time::Duration::minutes(31));
    assert_eq!(c.get("/persons").await.location(), "/login");
    let mut c = t.logged_in("staff2", Role::BureauStaff, None).await;
    let r = c.post("/logout", &[]).await;
    assert_eq!(r.location(), "/login");
    assert!(r.headers.get("clear-site-data").is_some());
    assert_eq!(c.get("/persons").await.location(), "/login");
}

#[tokio::test]
async fn forms_without_the_session_token_or_from_another_site_are_refused() {
    let t = TestApp::new().await;
    let mut c = t.logged_in("staff3", Role::BureauStaff, None).await;
    let r = c.post_form("/persons", &[("csrf", "forged"), ("name", "张三")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let req = axum::http::Request::post("/logout")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://evil.example")
        .body(axum::body::Body::from(format!("csrf={}", c.csrf)))
        .unwrap();
    assert_eq!(c.send(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.get("/persons").await.status, StatusCode::OK, "still logged in");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let t = TestApp::new().await;
    let mut c = t.logged_in("staff4", Role::BureauStaff, None).await;
    for path in ["/login", "/persons", "/api/v1/persons", "/healthz"] {
        let r = c.get(path).await;
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{path}");
        assert!(r.headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(r.headers["cache-control"], "no-store", "{path}");
        // Not no-referrer: with it browsers send `Origin: null` on form posts and the Origin check refuses them.
        assert_eq!(r.headers["referrer-policy"], "same-origin", "{path}");
        assert!(r.headers.contains_key("x-request-id"), "{path}");
    }
    let login = t.client().login("staff4", PASSWORD).await;
    let cookie =
        login.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).find(|v| v.starts_with("jiuye_sid=")).unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
}
