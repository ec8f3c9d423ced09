//! Errors to responses. Pages get a Chinese error page, the API a JSON body; internal details are
//! logged once here with the request id and never shown.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiuye_app::AppError;
use serde_json::json;

use crate::urls;

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Option<crate::pages::Nav>,
    status: u16,
    title: &'static str,
    message: String,
    request_id: String,
}

fn status_of(e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::Validation(_) | AppError::BadInput(_) => (StatusCode::UNPROCESSABLE_ENTITY, "输入有误"),
        AppError::NotFound => (StatusCode::NOT_FOUND, "记录不存在"),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "没有权限"),
        AppError::Conflict(_) => (StatusCode::CONFLICT, "操作冲突"),
        AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "请先登录"),
        AppError::LoginFailed => (StatusCode::UNAUTHORIZED, "登录失败"),
        AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "系统错误"),
    }
}

/// An error on a page request.
pub struct PageError(pub AppError, pub String);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError(e, request_id) = self;
        if matches!(e, AppError::Unauthenticated) {
            return Redirect::to(urls::login()).into_response();
        }
        let (status, title) = status_of(&e);
        if let AppError::Internal(detail) = &e {
            tracing::error!(request.id = %request_id, error = %detail, "internal error");
        }
        let page = ErrorPage { nav: None, status: status.as_u16(), title, message: e.to_string(), request_id };
        (status, page).into_response()
    }
}

/// An error on an API request: `{"error": {"code", "message", "fields": [...]}, "request_id"}`.
pub struct ApiError(pub AppError, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(e, request_id) = self;
        let (status, _) = status_of(&e);
        if let AppError::Internal(detail) = &e {
            tracing::error!(request.id = %request_id, error = %detail, "internal error");
        }
        let code = match &e {
            AppError::Validation(_) => "validation",
            AppError::BadInput(_) => "bad_input",
            AppError::NotFound => "not_found",
            AppError::Forbidden(_) => "forbidden",
            AppError::Conflict(_) => "conflict",
            AppError::Unauthenticated => "unauthenticated",
            AppError::LoginFailed => "login_failed",
            AppError::Internal(_) => "internal",
        };
        let fields: Vec<serde_json::Value> = match &e {
            AppError::Validation(errs) => errs.iter().map(|f| json!({"field": f.field, "code": f.code, "message": f.message})).collect(),
            _ => Vec::new(),
        };
        (status, Json(json!({"error": {"code": code, "message": e.to_string(), "fields": fields}, "request_id": request_id})))
            .into_response()
    }
}
