//! The policy over JSON: the catalogue and the explanation of one case. Public: the facts are the
//! caller's and nothing is stored.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::Body;
use crate::AppState;
use crate::auth::Ctx;
use crate::error::ApiError;
use crate::pages::policy::parse_as_of;

#[derive(serde::Deserialize, Default)]
pub struct AsOf {
    #[serde(default)]
    as_of: String,
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(q): Query<AsOf>) -> Result<Json<Value>, ApiError> {
    let as_of = parse_as_of(&q.as_of).map_err(|e| ApiError(e, ctx.request_id.clone()))?;
    Ok(Json(
        serde_json::json!({"ruleset_version": s.app.ruleset_version(), "as_of": s.app.policy_date(as_of).to_string(), "programs": s.app.policy_catalogue(as_of)}),
    ))
}

pub async fn get(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>, Query(q): Query<AsOf>) -> Result<Json<Value>, ApiError> {
    let as_of = parse_as_of(&q.as_of).map_err(|e| ApiError(e, ctx.request_id.clone()))?;
    let p = s.app.policy_program(&id, as_of).map_err(|e| ApiError(e, ctx.request_id.clone()))?;
    Ok(Json(serde_json::to_value(p).unwrap_or(Value::Null)))
}

/// `POST /api/v1/policy/{program}/evaluate[?as_of=YYYY-MM-DD]` with the facts as the JSON body.
pub async fn evaluate(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<AsOf>,
    Body(facts): Body<Value>,
) -> Result<Response, ApiError> {
    let as_of = parse_as_of(&q.as_of).map_err(|e| ApiError(e, ctx.request_id.clone()))?;
    let d = s.app.evaluate_policy(&id, &facts, as_of).map_err(|e| ApiError(e, ctx.request_id.clone()))?;
    Ok(Json(d).into_response())
}
