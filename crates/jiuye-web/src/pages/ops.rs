//! Health, metrics and static assets.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::AppState;

pub async fn healthz(State(s): State<AppState>) -> impl IntoResponse {
    match s.app.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            format!("{{\"status\":\"ok\",\"database\":\"{}\"}}", s.app.store.backend()),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"status\":\"unavailable\",\"database\":\"unreachable\"}".to_string(),
        ),
    }
}

pub async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    let persons = s.app.store.count_persons(&jiuye_store::Scope::All).await.unwrap_or(-1);
    let enterprises = s
        .app
        .store
        .list_enterprises(&jiuye_store::Scope::All, &Default::default(), jiuye_store::persons::Page { limit: 0, offset: 0 })
        .await
        .map(|r| r.1)
        .unwrap_or(-1);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.metrics.render(persons, enterprises))
}

pub async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/app.css"),
    )
}
