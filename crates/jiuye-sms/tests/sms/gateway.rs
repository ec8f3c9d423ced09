//! `HttpGatewaySender` against a real HTTP server on 127.0.0.1: the wire format and the mapping of
//! answers and failures to receipts and errors.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use jiuye_sms::{GatewayConfig, GatewayConfigError, HttpGatewaySender, OutgoingSms, SendError, SendReceipt, SmsSender};
use serde_json::json;

const NOW: i64 = 1_777_600_000;

/// One request as the fake gateway saw it.
#[derive(Clone)]
struct Seen {
    headers: HeaderMap,
    body: serde_json::Value,
}

#[derive(Clone)]
struct Behaviour {
    status: StatusCode,
    body: &'static str,
    delay: Duration,
    seen: Arc<Mutex<Vec<Seen>>>,
}

struct FakeGateway {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn fake_send(
    State(b): State<Behaviour>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(header::HeaderName, &'static str); 1], &'static str) {
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    b.seen.lock().unwrap().push(Seen { headers, body });
    tokio::time::sleep(b.delay).await;
    (b.status, [(header::CONTENT_TYPE, "application/json")], b.body)
}

async fn spawn_gateway(status: u16, body: &'static str, delay: Duration) -> FakeGateway {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let behaviour = Behaviour { status: StatusCode::from_u16(status).unwrap(), body, delay, seen: seen.clone() };
    let app = axum::Router::new().route("/sms/send", post(fake_send)).with_state(behaviour);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FakeGateway { url: format!("http://{addr}/sms/send"), seen }
}

fn sender(url: &str, timeout: Duration) -> HttpGatewaySender {
    let config = GatewayConfig { url: url.into(), api_key: "test-key-1".into(), sign_name: "南和区人社局".into(), timeout };
    HttpGatewaySender::new(config, || NOW).unwrap()
}

fn message() -> OutgoingSms {
    OutgoingSms {
        outbox_id: 42, phone: "13812345678".into(), text: "岗位推荐：电工。回复1感兴趣，2不感兴趣，TD退订".into()
    }
}

fn assert_reason_is_clean(err: &SendError) {
    let reason = err.reason();
    assert!(!reason.contains("13812345678") && !reason.contains("电工"), "reason leaks personal data: {reason}");
}

#[tokio::test]
async fn an_accepted_message_is_posted_in_the_documented_wire_format() {
    let gw = spawn_gateway(200, r#"{"message_id":"gw-0001","status":"accepted"}"#, Duration::ZERO).await;
    let sender: Arc<dyn SmsSender> = Arc::new(sender(&gw.url, Duration::from_secs(5)));

    let receipt = sender.send(&message()).await.unwrap();

    assert_eq!(receipt, SendReceipt { provider_message_id: Some("gw-0001".into()), accepted: true });
    assert_eq!(sender.name(), "http-gateway");
    let seen = gw.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].body,
        json!({"id": 42, "phone": "13812345678", "text": "【南和区人社局】岗位推荐：电工。回复1感兴趣，2不感兴趣，TD退订", "ts": NOW})
    );
    let h = &seen[0].headers;
    assert_eq!(h["authorization"], "Bearer test-key-1");
    assert_eq!(h["idempotency-key"], "jiuye-sms-42");
    assert_eq!(h["content-type"], "application/json; charset=utf-8");
}

#[tokio::test]
async fn a_retry_of_the_same_outbox_row_carries_the_same_idempotency_key() {
    let gw = spawn_gateway(200, r#"{"message_id":"gw-2","status":"accepted"}"#, Duration::ZERO).await;
    let s = sender(&gw.url, Duration::from_secs(5));

    s.send(&message()).await.unwrap();
    s.send(&message()).await.unwrap();
    s.send(&OutgoingSms { outbox_id: 43, ..message() }).await.unwrap();

    let keys: Vec<String> = gw.seen.lock().unwrap().iter().map(|r| r.headers["idempotency-key"].to_str().unwrap().to_string()).collect();
    assert_eq!(keys, ["jiuye-sms-42", "jiuye-sms-42", "jiuye-sms-43"]);
}

#[tokio::test]
async fn a_server_error_is_transient() {
    let gw = spawn_gateway(500, r#"{"error":"internal"}"#, Duration::ZERO).await;
    let err = sender(&gw.url, Duration::from_secs(5)).send(&message()).await.unwrap_err();
    assert_eq!(err, SendError::Transient("http 500: internal".into()));
    assert!(err.is_transient());
}

#[tokio::test]
async fn too_many_requests_is_transient() {
    let gw = spawn_gateway(429, "", Duration::ZERO).await;
    let err = sender(&gw.url, Duration::from_secs(5)).send(&message()).await.unwrap_err();
    assert_eq!(err, SendError::Transient("http 429".into()));
}

#[tokio::test]
async fn a_bad_request_is_permanent_and_keeps_only_the_gateway_code() {
    let gw = spawn_gateway(400, r#"{"status":"rejected","error":"invalid_number","detail":"13812345678 电工"}"#, Duration::ZERO).await;
    let err = sender(&gw.url, Duration::from_secs(5)).send(&message()).await.unwrap_err();
    assert_eq!(err, SendError::Permanent("http 400: invalid_number".into()));
    assert_reason_is_clean(&err);
}

#[tokio::test]
async fn a_gateway_rejection_in_a_2xx_answer_is_permanent() {
    let gw = spawn_gateway(200, r#"{"status":"rejected","error":"blacklisted"}"#, Duration::ZERO).await;
    let err = sender(&gw.url, Duration::from_secs(5)).send(&message()).await.unwrap_err();
    assert_eq!(err, SendError::Permanent("gateway rejected: blacklisted".into()));
}

#[tokio::test]
async fn a_2xx_without_the_documented_confirmation_is_sent_but_unconfirmed() {
    let gw = spawn_gateway(202, "queued", Duration::ZERO).await;
    let receipt = sender(&gw.url, Duration::from_secs(5)).send(&message()).await.unwrap();
    assert_eq!(receipt, SendReceipt { provider_message_id: None, accepted: false });
}

#[tokio::test]
async fn a_gateway_slower_than_the_timeout_is_a_transient_timeout() {
    let gw = spawn_gateway(200, r#"{"message_id":"late","status":"accepted"}"#, Duration::from_secs(3)).await;
    let started = Instant::now();
    let err = sender(&gw.url, Duration::from_millis(200)).send(&message()).await.unwrap_err();
    assert_eq!(err, SendError::Transient("timeout".into()));
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_refused_connection_is_transient() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = sender(&format!("http://{addr}/sms/send"), Duration::from_secs(5)).send(&message()).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(err.reason().starts_with("connect failed"), "{err:?}");
}

#[tokio::test]
async fn a_malformed_phone_is_refused_without_contacting_the_gateway() {
    let gw = spawn_gateway(200, r#"{"status":"accepted"}"#, Duration::ZERO).await;
    let s = sender(&gw.url, Duration::from_secs(5));
    let err = s.send(&OutgoingSms { phone: "0319-7654321".into(), ..message() }).await.unwrap_err();
    assert!(!err.is_transient());
    assert!(!err.reason().contains("0319"), "{err:?}");
    assert!(gw.seen.lock().unwrap().is_empty());
}

#[test]
fn an_https_gateway_url_is_refused_at_construction() {
    let config = GatewayConfig {
        url: "https://sms.example.cn/send".into(),
        api_key: "k".into(),
        sign_name: "南和区人社局".into(),
        timeout: Duration::from_secs(5),
    };
    let err = HttpGatewaySender::new(config, || NOW).unwrap_err();
    assert_eq!(err, GatewayConfigError::HttpsNotSupported);
    assert!(err.to_string().contains("egress proxy"), "{err}");
}
