//! Login, logout and the change of one's own password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;

use super::Nav;
use crate::auth::{Ctx, Staff, read_cookie, session_cookie};
use crate::error::PageError;
use crate::security::tokens_match;
use crate::{AppState, urls};

const LOGIN_CSRF_COOKIE: &str = "jiuye_login_csrf";

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Option<Nav>,
    csrf: String,
    login: String,
    error: Option<String>,
}

fn login_page(status: StatusCode, login: String, error: Option<String>) -> Response {
    let token = hex::encode(jiuye_app::vault::random_bytes::<16>().unwrap_or([0; 16]));
    let cookie = format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict");
    (status, [(header::SET_COOKIE, cookie)], LoginPage { nav: None, csrf: token, login, error }).into_response()
}

pub async fn login_form() -> Response {
    login_page(StatusCode::OK, String::new(), None)
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

pub async fn login(State(s): State<AppState>, ctx: Ctx, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let cookie = read_cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !tokens_match(&f.csrf, &cookie) {
        return login_page(StatusCode::FORBIDDEN, f.login, Some("页面已过期，请重新登录".into()));
    }
    let ip: Option<std::net::IpAddr> = ctx.ip.as_deref().and_then(|i| i.parse().ok());
    let now = s.app.clock.now();
    if s.throttle.blocked(ip, now, s.config.login_ip_limit, s.config.login_ip_window) {
        return login_page(StatusCode::TOO_MANY_REQUESTS, f.login, Some("登录尝试过于频繁，请稍后再试".into()));
    }
    let login: String = f.login.chars().take(64).collect();
    let pw: String = f.password.chars().take(128).collect();
    match s.app.login(&login, &pw, ctx.ip.clone(), Some(ctx.request_id.clone())).await {
        Ok((session, user)) => {
            let target = if user.must_change_password {
                urls::change_password().to_string()
            } else {
                home(jiuye_domain::Role::from_code(&user.role), user.enterprise_id)
            };
            let mut res = Redirect::to(&target).into_response();
            if let Ok(v) = session_cookie(&s, &session.token, None).parse() {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = format!("{LOGIN_CSRF_COOKIE}=; Path=/login; Max-Age=0").parse() {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(AppError::LoginFailed) => {
            s.throttle.failed(ip, now, s.config.login_ip_window);
            s.metrics.login_failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            login_page(StatusCode::UNAUTHORIZED, login, Some(AppError::LoginFailed.to_string()))
        }
        Err(e) => PageError(e, ctx.request_id).into_response(),
    }
}

/// Where a user lands after signing in: the person registry, or for an enterprise account (which
/// sees no persons) its own enterprise, whose page links to its monitoring and vacancies.
pub(crate) fn home(role: Option<jiuye_domain::Role>, enterprise_id: Option<uuid::Uuid>) -> String {
    match (role, enterprise_id) {
        (Some(jiuye_domain::Role::EnterpriseHr), Some(id)) => urls::enterprise(id),
        (Some(jiuye_domain::Role::EnterpriseHr), None) => urls::enterprises().to_string(),
        _ => urls::persons().to_string(),
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

pub async fn logout(State(s): State<AppState>, staff: Staff, Form(f): Form<CsrfOnly>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    s.app.logout(&staff.token, staff.actor()).await.map_err(|e| staff.err(e))?;
    let mut res = Redirect::to(urls::login()).into_response();
    if let Ok(v) = session_cookie(&s, "", Some(0)).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res.headers_mut().insert("clear-site-data", axum::http::HeaderValue::from_static("\"cache\", \"cookies\", \"storage\""));
    Ok(res)
}

#[derive(Template, WebTemplate)]
#[template(path = "change_password.html")]
struct PasswordPage {
    nav: Option<Nav>,
    csrf: String,
    must_change: bool,
    done: bool,
    errors: Vec<String>,
}

pub async fn password_form(staff: Staff) -> impl IntoResponse {
    PasswordPage {
        nav: (!staff.user.must_change_password).then(|| Nav::of(&staff)).flatten(),
        csrf: staff.user.csrf.clone(),
        must_change: staff.user.must_change_password,
        done: false,
        errors: Vec::new(),
    }
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(State(s): State<AppState>, staff: Staff, Form(f): Form<PasswordForm>) -> Result<Response, PageError> {
    staff.check_csrf(&f.csrf)?;
    let page = |errors: Vec<String>, done: bool, must: bool| PasswordPage {
        nav: (!must).then(|| Nav::of(&staff)).flatten(),
        csrf: staff.user.csrf.clone(),
        must_change: must,
        done,
        errors,
    };
    if f.new_password != f.confirm {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(vec!["两次输入的新密码不一致".into()], false, staff.user.must_change_password))
            .into_response());
    }
    match s.app.change_password(staff.actor(), &f.current, &f.new_password).await {
        Ok(()) => {
            if staff.user.must_change_password {
                Ok(Redirect::to(&home(Some(staff.actor().role), staff.actor().enterprise_id)).into_response())
            } else {
                Ok(page(Vec::new(), true, false).into_response())
            }
        }
        Err(AppError::Validation(errs)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(errs.iter().map(|e| e.to_string()).collect(), false, staff.user.must_change_password),
        )
            .into_response()),
        Err(e) => Err(staff.err(e)),
    }
}

/// `GET /`: the signed-in user's home (an enterprise account has no person registry), or the
/// registry, which sends anyone else to the login page.
pub async fn root(crate::auth::MaybeStaff(staff): crate::auth::MaybeStaff) -> axum::response::Redirect {
    match staff {
        Some(s) => axum::response::Redirect::to(&home(Some(s.actor().role), s.actor().enterprise_id)),
        None => axum::response::Redirect::to(urls::persons()),
    }
}
