//! Who is asking: the session cookie resolved to a user, for pages and for the API.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use jiuye_app::accounts::SessionUser;

use crate::error::ApiError;
use crate::security::{ClientIp, RequestId, tokens_match};
use crate::{AppState, urls};

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies { "__Host-jiuye_sid" } else { "jiuye_sid" }
}

pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn session_cookie(state: &AppState, value: &str, max_age: Option<i64>) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let age = max_age.map(|a| format!("; Max-Age={a}")).unwrap_or_default();
    format!("{}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}", cookie_name(state))
}

/// Request id and client address, for handlers without a login.
pub struct Ctx {
    pub request_id: String,
    pub ip: Option<String>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self {
            request_id: parts.extensions.get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default(),
            ip: parts.extensions.get::<ClientIp>().and_then(|c| c.0).map(|i| i.to_string()),
        })
    }
}

/// A logged-in user on a page. Without a session the browser is sent to the login page; with a
/// password that must change, to the change-password page.
pub struct Staff {
    pub user: SessionUser,
    pub token: String,
    pub request_id: String,
}

impl Staff {
    pub fn actor(&self) -> &jiuye_app::Actor {
        &self.user.actor
    }

    /// Checks the form's CSRF token against the session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), crate::error::PageError> {
        if tokens_match(token, &self.user.csrf) {
            Ok(())
        } else {
            Err(crate::error::PageError(AppError::Forbidden("表单已过期或来源不明，请刷新页面后重试"), self.request_id.clone()))
        }
    }

    pub fn err(&self, e: AppError) -> crate::error::PageError {
        crate::error::PageError(e, self.request_id.clone())
    }
}

async fn resolve(parts: &Parts, state: &AppState) -> Result<(SessionUser, String, String), AppError> {
    let ctx = Ctx {
        request_id: parts.extensions.get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default(),
        ip: parts.extensions.get::<ClientIp>().and_then(|c| c.0).map(|i| i.to_string()),
    };
    let token = read_cookie(&parts.headers, cookie_name(state)).ok_or(AppError::Unauthenticated)?;
    let user = state.app.session_user(&token, ctx.ip, Some(ctx.request_id.clone())).await?;
    Ok((user, token, ctx.request_id))
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match resolve(parts, state).await {
            Ok((user, token, request_id)) => {
                let path = parts.uri.path();
                if user.must_change_password && path != urls::change_password() && path != "/logout" {
                    return Err(Redirect::to(urls::change_password()).into_response());
                }
                Ok(Self { user, token, request_id })
            }
            Err(AppError::Unauthenticated) => Err(Redirect::to(urls::login()).into_response()),
            Err(e) => Err(crate::error::PageError(e, String::new()).into_response()),
        }
    }
}

/// A logged-in user on the API. Unsafe methods must carry the session's CSRF token in
/// `X-CSRF-Token`; a password that must change blocks the API.
pub struct ApiUser {
    pub user: SessionUser,
    pub request_id: String,
}

impl ApiUser {
    pub fn actor(&self) -> &jiuye_app::Actor {
        &self.user.actor
    }
    pub fn err(&self, e: AppError) -> ApiError {
        ApiError(e, self.request_id.clone())
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let rid = parts.extensions.get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();
        let (user, _, request_id) = resolve(parts, state).await.map_err(|e| ApiError(e, rid.clone()).into_response())?;
        if user.must_change_password {
            return Err(ApiError(AppError::Forbidden("请先在网页上修改初始密码"), request_id).into_response());
        }
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            if !tokens_match(sent, &user.csrf) {
                return Err((StatusCode::FORBIDDEN, ApiError(AppError::Forbidden("缺少或错误的 X-CSRF-Token"), request_id)).into_response());
            }
        }
        Ok(Self { user, request_id })
    }
}

/// The logged-in user when there is one, for public pages that show the navigation to staff.
pub struct MaybeStaff(pub Option<Staff>);

impl FromRequestParts<AppState> for MaybeStaff {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeStaff(match resolve(parts, state).await {
            Ok((user, token, request_id)) if !user.must_change_password => Some(Staff { user, token, request_id }),
            _ => None,
        }))
    }
}
