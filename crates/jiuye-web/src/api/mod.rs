//! The JSON API under `/api/v1/`: the same use cases and access rules as the pages. Bodies are
//! allowlisted DTOs (unknown fields are refused); personal data is masked in every response.

pub mod jobs;
pub mod openapi;
pub mod policy;
pub mod registry;

use axum::extract::FromRequest;
use axum::extract::rejection::JsonRejection;
use axum::response::{IntoResponse, Response};
use jiuye_app::AppError;

use crate::error::ApiError;
use crate::security::RequestId;

/// `Json<T>` whose rejection is our error body (400 with the reason in Chinese).
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let rid = req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(e) => {
                let msg = match &e {
                    JsonRejection::JsonDataError(d) => format!("请求内容不符合要求：{}", d.body_text()),
                    JsonRejection::JsonSyntaxError(_) => "请求内容不是有效的JSON".to_string(),
                    JsonRejection::MissingJsonContentType(_) => "请使用 Content-Type: application/json".to_string(),
                    _ => "请求内容无效".to_string(),
                };
                let mut res = ApiError(AppError::BadInput(msg), rid).into_response();
                *res.status_mut() = axum::http::StatusCode::BAD_REQUEST;
                Err(res)
            }
        }
    }
}
