//! The SMS outbox page for bureau staff, and the gateway's inbound webhook (`POST /sms/inbound`,
//! signed with HMAC-SHA256 as documented in crates/jiuye-sms/README.md).

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiuye_app::AppError;
use serde_json::json;

use super::{Nav, local_time};
use crate::AppState;
use crate::auth::{Ctx, Staff};
use crate::error::{ApiError, PageError};

pub struct OutboxRow {
    pub id: i64,
    pub phone: String,
    pub purpose: &'static str,
    pub text: String,
    pub status: &'static str,
    pub attempts: i64,
    pub error: String,
    pub created: String,
    pub sent: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sms.html")]
struct SmsPage {
    nav: Option<Nav>,
    sender: &'static str,
    counts: Vec<(&'static str, i64)>,
    outbox: Vec<OutboxRow>,
    inbound: Vec<(String, String, String, &'static str, bool)>,
}

fn status_label(s: &str) -> &'static str {
    match s {
        "queued" => "待发送",
        "sending" => "发送中",
        "sent" => "已发送",
        "failed" => "失败",
        "cancelled" => "已取消",
        _ => "",
    }
}

pub async fn page(State(s): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    if !matches!(staff.actor().role, jiuye_domain::Role::Admin | jiuye_domain::Role::BureauStaff) {
        return Err(staff.err(AppError::Forbidden("只有区人社局工作人员可以查看短信发送记录")));
    }
    let err = |e: jiuye_store::StoreError| staff.err(e.into());
    let counts = s.app.store.outbox_counts().await.map_err(err)?;
    let outbox = s.app.store.outbox(100).await.map_err(err)?;
    let inbound = s.app.store.inbound(50).await.map_err(err)?;
    Ok(SmsPage {
        nav: Nav::of(&staff),
        sender: s.app.sms.sender.name(),
        counts: counts.iter().map(|(k, n)| (status_label(k), *n)).collect(),
        outbox: outbox
            .iter()
            .map(|m| OutboxRow {
                id: m.id,
                phone: m.phone_masked.clone(),
                purpose: match m.purpose.as_str() {
                    "vacancy_push" => "岗位推送",
                    "verification" => "身份验证",
                    "reminder" => "服务提醒",
                    _ => "服务提醒",
                },
                // A verification code is a credential while it lasts: staff see that one was sent, not it.
                text: if m.purpose == "verification" { "（身份验证码短信，内容不显示）".into() } else { m.text.clone() },
                status: status_label(&m.status),
                attempts: m.attempts,
                error: m.last_error.clone().unwrap_or_default(),
                created: local_time(m.created_at),
                sent: m.sent_at.map(local_time).unwrap_or_default(),
            })
            .collect(),
        inbound: inbound
            .iter()
            .map(|i| {
                let reply = match i.reply.as_str() {
                    "interested" => "感兴趣",
                    "not_interested" => "不感兴趣",
                    "unsubscribe" => "退订",
                    _ => "其他",
                };
                (local_time(i.received_at), i.phone_masked.clone(), i.text.clone(), reply, i.push_id.is_some())
            })
            .collect(),
    }
    .into_response())
}

/// The gateway's webhook for replies. Disabled (404) until `sms.inbound_secret` is set.
pub async fn inbound(State(s): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let secret = s.app.sms.policy.inbound_secret.clone();
    if secret.is_empty() {
        return ApiError(AppError::NotFound, ctx.request_id).into_response();
    }
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let now = s.app.now().unix_timestamp();
    if let Err(e) = jiuye_sms::verify_inbound_signature(
        secret.as_bytes(),
        &h(jiuye_sms::TIMESTAMP_HEADER),
        &body,
        &h(jiuye_sms::SIGNATURE_HEADER),
        now,
        jiuye_sms::DEFAULT_MAX_SKEW_SECS,
    ) {
        tracing::warn!(request.id = %ctx.request_id, error = %e, "inbound SMS refused");
        let mut r = ApiError(AppError::Unauthenticated, ctx.request_id).into_response();
        *r.status_mut() = StatusCode::UNAUTHORIZED;
        return r;
    }
    let msg: jiuye_sms::InboundSms = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(_) => {
            let mut r = ApiError(AppError::BadInput("短信回调内容无效".into()), ctx.request_id).into_response();
            *r.status_mut() = StatusCode::BAD_REQUEST;
            return r;
        }
    };
    match s.app.handle_inbound_sms(&msg).await {
        Ok(r) => Json(json!({"reply": r.reply, "push_updated": r.push_updated})).into_response(),
        Err(e) => ApiError(e, ctx.request_id).into_response(),
    }
}
