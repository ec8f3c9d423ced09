//! Vacancies over JSON: the public search of the job board, one published vacancy, and
//! submission by enterprise and staff accounts.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiuye_app::job_search::BoardParams;
use jiuye_app::jobs::VacancyInput;
use jiuye_domain::{VacancyKind, WorkType, occupation};
use jiuye_store::vacancies::VacancyRecord;
use serde_json::{Value, json};
use uuid::Uuid;

use super::Body;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A vacancy as the public sees it (no review details, no submitter).
pub fn vacancy_json(v: &VacancyRecord) -> Value {
    json!({
        "id": v.id,
        "number": jiuye_app::jobs::short_id(v.id),
        "kind": v.kind,
        "kind_label": VacancyKind::from_code(&v.kind).map(|k| k.label()),
        "employer_name": v.employer_name,
        "title": v.title,
        "occupation_code": v.occupation_code,
        "occupation_name": occupation::by_code(&v.occupation_code).map(|o| o.name),
        "posts": v.posts,
        "filled": v.filled,
        "pay_min_yuan": v.pay_min_yuan,
        "pay_max_yuan": v.pay_max_yuan,
        "education_min": v.education_min,
        "experience_min_years": v.experience_min_years,
        "work_type": v.work_type,
        "work_type_label": WorkType::from_code(&v.work_type).map(|w| w.label()),
        "township_code": v.township_code,
        "township_name": v.township_name,
        "address": v.address,
        "description": v.description,
        "how_to_apply": v.how_to_apply,
        "contact_name": v.contact_name,
        "contact_phone": v.contact_phone,
        "valid_until": v.valid_until.to_string(),
        "status": v.status,
        "published_at": v.published_at.map(rfc3339),
    })
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
