//! Persons, households and enterprises over JSON.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiuye_app::AppError;
use jiuye_app::registry::{EnterpriseInput, PersonInput, PersonQuery};
use jiuye_domain::Tag;
use jiuye_store::enterprises::EnterpriseRecord;
use jiuye_store::households::HouseholdFilter;
use jiuye_store::persons::{Page, PersonRecord};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Body;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::pages::enterprises::{ListParams, filter_of};

#[derive(serde::Deserialize)]
pub struct Paging {
    page: Option<i64>,
    per_page: Option<i64>,
}

fn page(p: &Paging) -> (Page, i64, i64) {
    let per = p.per_page.unwrap_or(50).clamp(1, 200);
    let page = p.page.unwrap_or(1).clamp(1, 1_000_000);
    (Page { limit: per, offset: (page - 1) * per }, page, per)
}

pub fn person_json(p: &PersonRecord) -> Value {
    let tags = Tag::from_storage(&p.tags);
    json!({
        "id": p.id,
        "name": p.name,
        "id_number_masked": p.id_masked,
        "sex": p.sex,
        "birth_date": p.birth_date.to_string(),
        "phone_masked": p.phone_masked,
        "township_code": p.township_code,
        "township_name": p.township_name,
        "village_code": p.village_code,
        "village_name": p.village_name,
        "household_id": p.household_id,
        "household_no": p.household_no,
        "tags": tags.iter().filter(|t| !t.is_sensitive()).map(|t| t.code()).collect::<Vec<_>>(),
        "has_sensitive_tags": tags.iter().any(|t| t.is_sensitive()),
        "education": p.education,
        "graduation_date": p.graduation_date.map(|d| d.to_string()),
        "employment_status": p.employment_status,
        "version": p.version,
        "updated_at": p.updated_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
    })
}

pub fn enterprise_json(e: &EnterpriseRecord) -> Value {
    json!({
        "id": e.id,
        "name": e.name,
        "credit_code": e.credit_code,
        "township_code": e.township_code,
        "township_name": e.township_name,
        "industry": e.industry,
        "staff": e.staff,
        "insured": e.insured,
        "revenue_wan": e.revenue_fen.map(jiuye_domain::size_class::fen_to_wan),
        "size_class": e.size_class,
        "size_basis": e.size_basis,
        "contact_name": e.contact_name,
        "contact_phone_masked": e.contact_phone_masked,
        "status": e.status,
        "version": e.version,
        "updated_at": e.updated_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
    })
}

fn created(location: String, body: Value) -> Response {
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response()
}

/// The expected version for an update, from `If-Match`.
fn if_match(headers: &HeaderMap, user: &ApiUser) -> Result<i64, ApiError> {
    headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim_matches('"').parse().ok())
        .ok_or_else(|| user.err(AppError::BadInput("请在 If-Match 头中给出记录的 version（乐观锁）".into())))
}

pub async fn list_persons(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<PersonQuery>,
    Query(p): Query<Paging>,
) -> Result<Json<Value>, ApiError> {
    let (pg, page, per) = page(&p);
    let (rows, total) = s.app.list_persons(user.actor(), &q, pg).await.map_err(|e| user.err(e))?;
    Ok(Json(json!({"items": rows.iter().map(person_json).collect::<Vec<_>>(), "total": total, "page": page, "per_page": per})))
}

pub async fn get_person(State(s): State<AppState>, user: ApiUser, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    let p = s.app.get_person(user.actor(), id).await.map_err(|e| user.err(e))?;
    Ok(Json(person_json(&p)))
}

pub async fn create_person(State(s): State<AppState>, user: ApiUser, Body(input): Body<PersonInput>) -> Result<Response, ApiError> {
    let id = s.app.create_person(user.actor(), &input).await.map_err(|e| user.err(e))?;
    let p = s.app.get_person(user.actor(), id).await.map_err(|e| user.err(e))?;
    Ok(created(format!("/api/v1/persons/{id}"), person_json(&p)))
}

pub async fn update_person(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Body(input): Body<PersonInput>,
) -> Result<Json<Value>, ApiError> {
    let version = if_match(&headers, &user)?;
    s.app.update_person(user.actor(), id, version, &input).await.map_err(|e| user.err(e))?;
    let p = s.app.get_person(user.actor(), id).await.map_err(|e| user.err(e))?;
    Ok(Json(person_json(&p)))
}

#[derive(serde::Deserialize, Default)]
pub struct HouseholdParams {
    #[serde(default)]
    household_no: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    none_working: bool,
}

pub async fn list_households(
    State(s): State<AppState>,
    user: ApiUser,
    Query(h): Query<HouseholdParams>,
    Query(p): Query<Paging>,
) -> Result<Json<Value>, ApiError> {
    let (pg, page, per) = page(&p);
    let township = if h.township.is_empty() {
        None
    } else {
        Some(jiuye_domain::division::parse_township(&h.township).map_err(|e| user.err(AppError::Validation(vec![e])))?.to_string())
    };
    let f = HouseholdFilter {
        household_no: (!h.household_no.is_empty()).then_some(h.household_no),
        township_code: township,
        village_code: None,
        none_working: h.none_working,
    };
    let (rows, total) = s.app.list_households(user.actor(), &f, pg).await.map_err(|e| user.err(e))?;
    Ok(Json(json!({"items": rows, "total": total, "page": page, "per_page": per})))
}

pub async fn get_household(State(s): State<AppState>, user: ApiUser, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    let (h, members) = s.app.get_household(user.actor(), id).await.map_err(|e| user.err(e))?;
    let mut v = serde_json::to_value(&h).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("members".into(), Value::Array(members.iter().map(person_json).collect()));
    }
    Ok(Json(v))
}

pub async fn list_enterprises(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<ListParams>,
    Query(p): Query<Paging>,
) -> Result<Json<Value>, ApiError> {
    let (pg, page, per) = page(&p);
    let f = filter_of(&q).map_err(|e| user.err(e))?;
    let (rows, total) = s.app.list_enterprises(user.actor(), &f, pg).await.map_err(|e| user.err(e))?;
    Ok(Json(json!({"items": rows.iter().map(enterprise_json).collect::<Vec<_>>(), "total": total, "page": page, "per_page": per})))
}

pub async fn get_enterprise(State(s): State<AppState>, user: ApiUser, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    let e = s.app.get_enterprise(user.actor(), id).await.map_err(|e| user.err(e))?;
    Ok(Json(enterprise_json(&e)))
}

pub async fn create_enterprise(State(s): State<AppState>, user: ApiUser, Body(input): Body<EnterpriseInput>) -> Result<Response, ApiError> {
    let id = s.app.create_enterprise(user.actor(), &input).await.map_err(|e| user.err(e))?;
    let e = s.app.get_enterprise(user.actor(), id).await.map_err(|e| user.err(e))?;
    Ok(created(format!("/api/v1/enterprises/{id}"), enterprise_json(&e)))
}

pub async fn update_enterprise(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Body(input): Body<EnterpriseInput>,
) -> Result<Json<Value>, ApiError> {
    let version = if_match(&headers, &user)?;
    s.app.update_enterprise(user.actor(), id, version, &input).await.map_err(|e| user.err(e))?;
    let e = s.app.get_enterprise(user.actor(), id).await.map_err(|e| user.err(e))?;
    Ok(Json(enterprise_json(&e)))
}
