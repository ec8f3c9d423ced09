//! `TestApp`: the whole router over a fresh database, a fixed clock and a cookie jar per client.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiuye_app::accounts::UserInput;
use jiuye_app::{Actor, App, FixedClock, Policy, Vault};
use jiuye_domain::Role;
use jiuye_test_support::TestDb;
use jiuye_web::{AppState, WebConfig};
use time::macros::datetime;
use tower::ServiceExt;

pub const PASSWORD: &str = "Blue-Sky-Ferry-42";

pub struct TestApp {
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub router: axum::Router,
    _db: TestDb,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
    /// The value of `name="csrf"` in the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        self.body.split(marker).nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with(|a| a).await
    }

    /// A test app configured by `f` (e.g. an SMS setup).
    pub async fn with(f: impl FnOnce(App) -> App) -> Self {
        let db = TestDb::sqlite();
        let store = db.store().await;
        let clock = Arc::new(FixedClock::new(datetime!(2026-11-27 02:00:00 UTC)));
        let app = f(App::new(store, clock.clone(), Arc::new(Vault::generate().unwrap()), Policy::default()).unwrap());
        let router = jiuye_web::router(AppState::new(app.clone(), WebConfig::default()));
        Self { app, clock, router, _db: db }
    }

    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookies: HashMap::new(), csrf: String::new() }
    }

    /// Creates a user with the test password, already changed (no first-login redirect).
    pub async fn user(&self, login: &str, role: Role, township: Option<&str>) {
        let input = UserInput {
            login: login.into(),
            display_name: format!("测试{login}"),
            role,
            township: township.map(str::to_string),
            enterprise_id: None,
        };
        self.app.create_user_with_password(&Actor::cli(), &input, PASSWORD, false).await.unwrap();
    }

    /// A logged-in client for a new user of the role.
    pub async fn logged_in(&self, login: &str, role: Role, township: Option<&str>) -> Client {
        self.user(login, role, township).await;
        let mut c = self.client();
        let r = c.login(login, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login of {login}: {}", r.body);
        c.refresh_csrf().await;
        c
    }

    pub async fn audit_count(&self, action: &str) -> i64 {
        self.app.store.count_audit(action).await.unwrap()
    }
}

pub struct Client {
    router: axum::Router,
    cookies: HashMap<String, String>,
    pub csrf: String,
}

impl Client {
    pub async fn send(&mut self, req: Request<Body>) -> Resp {
        let mut req = req;
        if !self.cookies.is_empty() {
            let c = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        req.headers_mut().insert(header::HOST, "jiuye.test".parse().unwrap());
        let res = self.router.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let (kv, attrs) = s.split_once(';').unwrap_or((s, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if val.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Resp { status, headers, body: String::from_utf8_lossy(&bytes).to_string(), bytes }
    }

    pub async fn get(&mut self, uri: &str) -> Resp {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "http://jiuye.test")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// A form post carrying the session's CSRF token.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(uri, &all).await
    }

    pub async fn api(&mut self, method: &str, uri: &str, body: Option<serde_json::Value>, extra: &[(&str, &str)]) -> Resp {
        let mut b = Request::builder().method(method).uri(uri).header("x-csrf-token", self.csrf.clone());
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let req = match body {
            Some(v) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(v.to_string())).unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }

    pub async fn login(&mut self, login: &str, password: &str) -> Resp {
        let page = self.get("/login").await;
        let csrf = page.csrf();
        self.post_form("/login", &[("csrf", &csrf), ("login", login), ("password", password)]).await
    }

    /// Reads the session's CSRF token from a page.
    pub async fn refresh_csrf(&mut self) {
        let page = self.get("/account/password").await;
        self.csrf = page.csrf();
    }

    pub fn has_session(&self) -> bool {
        self.cookies.contains_key("jiuye_sid")
    }
}

/// A person input with a valid ID number derived from `n`.
pub fn person_fields(n: u32, name: &str, township: &str) -> Vec<(String, String)> {
    let birth = time::Date::from_calendar_date(1990, time::Month::March, 7).unwrap();
    let id = jiuye_app::demo::make_id_number("130527", birth, n);
    vec![
        ("name".into(), name.into()),
        ("id_number".into(), id),
        ("phone".into(), format!("138{:08}", n)),
        ("township".into(), township.into()),
        ("tags".into(), "高校毕业生、残疾人".into()),
        ("education".into(), "bachelor".into()),
        ("graduation_date".into(), "2012-06".into()),
        ("employment_status".into(), "unemployed".into()),
    ]
}

pub fn as_refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}
