//! Vacancies over JSON: the public search of the job board, one published vacancy, and
//! submission by enterprise and staff accounts.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiuye_app::job_search::BoardParams;
use jiuye_app::jobs::VacancyInput;
use jiuye_store::vacancies::VacancyRecord;
use serde_json::{Value, json};
use uuid::Uuid;

use super::Body;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;

/// A vacancy as the public sees it (no review details, no submitter).
pub fn vacancy_json(v: &VacancyRecord) -> Value {
    jiuye_app::jobs::public_json(v)
}

/// `GET /api/v1/vacancies`: the job board's search. Without `q`, every published vacancy.
pub async fn search(State(s): State<AppState>, ctx: Ctx, Query(p): Query<BoardParams>) -> Result<Json<Value>, ApiError> {
    let r = s.app.board_search(&p).await.map_err(|e| ApiError(e, ctx.request_id.clone()))?;
    Ok(Json(json!({
        "total": r.total,
        "page": r.page,
        "per_page": r.per_page,
        "sort": r.sort,
        "terms": r.terms,
        "items": r.items.iter().map(vacancy_json).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/vacancies/{id}`: a published vacancy.
pub async fn get(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    let v = s.app.get_vacancy(None, id).await.map_err(|e| ApiError(e, ctx.request_id.clone()))?;
    Ok(Json(vacancy_json(&v)))
}

/// `POST /api/v1/vacancies`: submit a vacancy for review.
pub async fn submit(State(s): State<AppState>, user: ApiUser, Body(input): Body<VacancyInput>) -> Result<Response, ApiError> {
    let id = s.app.submit_vacancy(user.actor(), &input).await.map_err(|e| user.err(e))?;
    let v = s.app.get_vacancy(Some(user.actor()), id).await.map_err(|e| user.err(e))?;
    let mut body = vacancy_json(&v);
    if let Some(o) = body.as_object_mut() {
        o.insert("checks".into(), serde_json::from_str(&v.checks).unwrap_or(Value::Null));
    }
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/vacancies/{id}"))], Json(body)).into_response())
}
