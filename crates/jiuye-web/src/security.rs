//! Request-wide layers: request id, access log without personal data, metrics, security headers,
//! the Origin check on unsafe methods, and per-IP login throttling.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use crate::AppState;

/// The id of one request, shown on error pages and in logs so a user's report can be traced.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The client address, when the server knows it.
#[derive(Clone, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

pub async fn context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let rid = {
        let b: [u8; 8] = jiuye_app::vault::random_bytes().unwrap_or([0; 8]);
        hex::encode(b)
    };
    let ip = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    req.extensions_mut().insert(RequestId(rid.clone()));
    req.extensions_mut().insert(ClientIp(ip));
    let method = req.method().clone();
    // The path only: query strings may carry names.
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let micros = started.elapsed().as_micros() as u64;
    state.metrics.record(res.status().as_u16(), micros);
    tracing::info!(http.method = %method, http.path = %path, http.status = res.status().as_u16(), http.micros = micros, request.id = %rid, "request");
    if let Ok(v) = HeaderValue::from_str(&rid) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

pub async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Rejects a cross-site unsafe request: when the browser names an Origin (or, failing that, a
/// Referer), it must be this host.
pub async fn same_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("").to_string();
    let origin =
        req.headers().get(header::ORIGIN).or_else(|| req.headers().get(header::REFERER)).and_then(|h| h.to_str().ok()).map(str::to_string);
    if let Some(o) = origin {
        let authority = o.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
        if o == "null" || authority != host {
            return (StatusCode::FORBIDDEN, "跨站请求被拒绝").into_response();
        }
    }
    next.run(req).await
}

/// Failed logins per client address in a sliding window.
#[derive(Default)]
pub struct LoginThrottle(Mutex<HashMap<Option<IpAddr>, (u32, OffsetDateTime)>>);

impl LoginThrottle {
    pub fn blocked(&self, ip: Option<IpAddr>, now: OffsetDateTime, limit: u32, window: time::Duration) -> bool {
        self.0.lock().map(|m| m.get(&ip).is_some_and(|(n, since)| *n >= limit && now - *since < window)).unwrap_or(false)
    }

    pub fn failed(&self, ip: Option<IpAddr>, now: OffsetDateTime, window: time::Duration) {
        if let Ok(mut m) = self.0.lock() {
            if m.len() > 100_000 {
                m.retain(|_, (_, since)| now - *since < window);
            }
            let e = m.entry(ip).or_insert((0, now));
            if now - e.1 >= window {
                *e = (0, now);
            }
            e.0 += 1;
        }
    }
}

/// Constant-time comparison of CSRF tokens.
pub fn tokens_match(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    !a.is_empty() && a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
