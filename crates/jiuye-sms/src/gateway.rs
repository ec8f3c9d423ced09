//! `HttpGatewaySender`: one JSON POST per message to a district's SMS gateway (or the adapter in
//! front of it), over plain HTTP/1.1. HTTPS gateways are reached through a local egress proxy, so
//! this crate carries no TLS stack; `https://` URLs are refused at construction.
//!
//! Invariants: every request carries `Idempotency-Key: jiuye-sms-<outbox_id>`, so a retry after an
//! ambiguous failure is safe on a gateway that honours it; the whole exchange (connect, send, read)
//! is bounded by the configured timeout; the API key is marked sensitive and never appears in
//! `Debug`; error reasons carry only status codes, fixed phrases and sanitised gateway codes — never
//! the phone number, the text or the response body.

use std::fmt;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use hyper::{Request, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use serde::{Deserialize, Serialize};

use crate::phone::is_mainland_mobile;
use crate::sender::{OutgoingSms, SendError, SendFuture, SendReceipt, SmsSender};
use crate::text::{MAX_SIGN_NAME_CHARS, signed_text};

/// The idempotency header; its value is `jiuye-sms-<outbox_id>`.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Responses larger than this are not read (the documented response is well under 1 KiB).
const MAX_RESPONSE_BYTES: usize = 64 * 1024;
const MAX_MESSAGE_ID_CHARS: usize = 128;

/// Where and how to reach the gateway. Settings load this; `Debug` redacts the API key.
#[derive(Clone, PartialEq, Eq)]
pub struct GatewayConfig {
    /// Absolute `http://host[:port]/path` URL of the gateway's send endpoint.
    pub url: String,
    /// Sent as `Authorization: Bearer <api_key>`.
    pub api_key: String,
    /// The carrier-registered signature without brackets, e.g. `南和区人社局`; 1 to 12 characters.
    pub sign_name: String,
    /// Upper bound for one whole request: connect, send and read the answer.
    pub timeout: Duration,
}

impl fmt::Debug for GatewayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayConfig")
            .field("url", &self.url)
            .field("api_key", &"<redacted>")
            .field("sign_name", &self.sign_name)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why a [`GatewayConfig`] was refused. Messages name the setting, never its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GatewayConfigError {
    #[error("SMS gateway URL must be http://; reach an HTTPS gateway through a local egress proxy")]
    HttpsNotSupported,
    #[error("SMS gateway URL is not an absolute http:// URL")]
    InvalidUrl,
    #[error("SMS gateway API key is empty or contains characters not allowed in an HTTP header")]
    InvalidApiKey,
    #[error("SMS signature name must be 1 to 12 characters without 【 or 】")]
    InvalidSignName,
    #[error("SMS gateway timeout must be greater than zero")]
    ZeroTimeout,
}

/// Sends through an HTTP gateway; see the crate README for the wire format.
pub struct HttpGatewaySender {
    uri: Uri,
    authorization: HeaderValue,
    sign_name: String,
    timeout: Duration,
    clock: Box<dyn Fn() -> i64 + Send + Sync>,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl fmt::Debug for HttpGatewaySender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpGatewaySender")
            .field("uri", &self.uri)
            .field("sign_name", &self.sign_name)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct WireRequest<'a> {
    id: i64,
    phone: &'a str,
    text: String,
    ts: i64,
}

#[derive(Deserialize)]
struct WireResponse {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    message_id: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

impl HttpGatewaySender {
    /// Checks the configuration and builds the client. `unix_now` gives the `ts` field in unix
    /// seconds; pass the application's clock (`move || clock.now().unix_timestamp()`).
    pub fn new(config: GatewayConfig, unix_now: impl Fn() -> i64 + Send + Sync + 'static) -> Result<Self, GatewayConfigError> {
        let uri = parse_url(&config.url)?;
        if config.api_key.trim().is_empty() {
            return Err(GatewayConfigError::InvalidApiKey);
        }
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {}", config.api_key)).map_err(|_| GatewayConfigError::InvalidApiKey)?;
        authorization.set_sensitive(true);
        let sign_chars = config.sign_name.chars().count();
        if sign_chars == 0
            || sign_chars > MAX_SIGN_NAME_CHARS
            || config.sign_name.chars().any(|c| matches!(c, '【' | '】') || c.is_control() || c.is_whitespace())
        {
            return Err(GatewayConfigError::InvalidSignName);
        }
        if config.timeout.is_zero() {
            return Err(GatewayConfigError::ZeroTimeout);
        }

        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(config.timeout));
        let client =
            Client::builder(TokioExecutor::new()).pool_timer(TokioTimer::new()).pool_idle_timeout(Duration::from_secs(30)).build(connector);
        Ok(Self { uri, authorization, sign_name: config.sign_name, timeout: config.timeout, clock: Box::new(unix_now), client })
    }

    async fn send_inner(&self, msg: &OutgoingSms) -> Result<SendReceipt, SendError> {
        if !is_mainland_mobile(&msg.phone) {
            return Err(SendError::Permanent("phone is not an 11-digit mainland mobile number".into()));
        }
        if msg.text.trim().is_empty() {
            return Err(SendError::Permanent("message text is empty".into()));
        }
        let wire = WireRequest { id: msg.outbox_id, phone: &msg.phone, text: signed_text(&self.sign_name, &msg.text), ts: (self.clock)() };
        let body = serde_json::to_vec(&wire).map_err(|_| SendError::Permanent("could not encode the request".into()))?;
        let request = Request::post(self.uri.clone())
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, concat!("jiuye-sms/", env!("CARGO_PKG_VERSION")))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(IDEMPOTENCY_KEY_HEADER, format!("jiuye-sms-{}", msg.outbox_id))
            .body(Full::new(Bytes::from(body)))
            .map_err(|_| SendError::Permanent("could not build the request".into()))?;

        let outcome = match tokio::time::timeout(self.timeout, self.exchange(request)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(SendError::Transient("timeout".into())),
        };
        match &outcome {
            Ok(r) => tracing::debug!(outbox.id = msg.outbox_id, sms.accepted = r.accepted, "sms gateway answered"),
            Err(e) => tracing::debug!(outbox.id = msg.outbox_id, sms.error = %e, "sms gateway send failed"),
        }
        outcome
    }

    async fn exchange(&self, request: Request<Full<Bytes>>) -> Result<SendReceipt, SendError> {
        let response = self.client.request(request).await.map_err(|e| classify_client_error(&e))?;
        let status = response.status();
        let body = Limited::new(response.into_body(), MAX_RESPONSE_BYTES).collect().await.ok().map(|c| c.to_bytes());
        interpret(status, body.as_deref())
    }
}

impl SmsSender for HttpGatewaySender {
    fn name(&self) -> &'static str {
        "http-gateway"
    }

    fn send<'a>(&'a self, msg: &'a OutgoingSms) -> SendFuture<'a> {
        Box::pin(self.send_inner(msg))
    }
}

fn parse_url(url: &str) -> Result<Uri, GatewayConfigError> {
    let uri: Uri = url.trim().parse().map_err(|_| GatewayConfigError::InvalidUrl)?;
    match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Err(GatewayConfigError::HttpsNotSupported),
        Some(s) if s.eq_ignore_ascii_case("http") && uri.host().is_some_and(|h| !h.is_empty()) => Ok(uri),
        _ => Err(GatewayConfigError::InvalidUrl),
    }
}

/// Anything that failed after the connection was made may or may not have reached the gateway;
/// it is transient too, and the idempotency key keeps the retry from sending twice.
fn classify_client_error(e: &hyper_util::client::legacy::Error) -> SendError {
    let io_kind = {
        let mut source = std::error::Error::source(e);
        let mut kind = None;
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                kind = Some(io.kind());
                break;
            }
            source = s.source();
        }
        kind
    };
    let stage = if e.is_connect() { "connect failed" } else { "connection error" };
    SendError::Transient(match io_kind {
        Some(kind) => format!("{stage}: {kind}"),
        None => stage.to_string(),
    })
}

fn interpret(status: StatusCode, body: Option<&[u8]>) -> Result<SendReceipt, SendError> {
    let wire: Option<WireResponse> = body.and_then(|b| serde_json::from_slice(b).ok());
    let code = wire.as_ref().and_then(|w| w.error.as_deref()).and_then(safe_code);
    let with_code = |base: String| match code {
        Some(c) => format!("{base}: {c}"),
        None => base,
    };
    let n = status.as_u16();
    if status.is_success() {
        let said = wire.as_ref().and_then(|w| w.status.as_deref()).unwrap_or("");
        let message_id = wire.as_ref().and_then(|w| w.message_id.as_deref()).and_then(safe_message_id);
        if said.eq_ignore_ascii_case("accepted") {
            Ok(SendReceipt { provider_message_id: message_id, accepted: true })
        } else if said.eq_ignore_ascii_case("rejected") {
            Err(SendError::Permanent(with_code("gateway rejected".into())))
        } else {
            Ok(SendReceipt { provider_message_id: message_id, accepted: false })
        }
    } else if n == 408 || n == 429 || status.is_server_error() {
        Err(SendError::Transient(with_code(format!("http {n}"))))
    } else if status.is_client_error() {
        Err(SendError::Permanent(with_code(format!("http {n}"))))
    } else {
        Err(SendError::Permanent(format!("unexpected http {n} (redirects are not followed)")))
    }
}

/// A gateway error code is kept only if it looks like one (`invalid_number`, `blacklisted`):
/// a lowercase ASCII letter, then up to 39 of `[a-z0-9_.-]`, with at most 4 digits — so a phone
/// number or free text from the gateway never ends up in an error reason.
fn safe_code(code: &str) -> Option<&str> {
    let ok = code.len() <= 40
        && code.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
        && code.chars().filter(char::is_ascii_digit).count() <= 4;
    ok.then_some(code)
}

fn safe_message_id(id: &str) -> Option<String> {
    let ok = !id.is_empty() && id.chars().count() <= MAX_MESSAGE_ID_CHARS && !id.chars().any(char::is_control);
    ok.then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> GatewayConfig {
        GatewayConfig { url: url.into(), api_key: "k-123".into(), sign_name: "南和区人社局".into(), timeout: Duration::from_secs(5) }
    }

    #[test]
    fn configuration_is_checked_at_construction() {
        let build = |c: GatewayConfig| HttpGatewaySender::new(c, || 0).map(|_| ());
        assert_eq!(build(config("http://127.0.0.1:8080/sms/send")), Ok(()));
        assert_eq!(build(config("HTTP://gw.local/send")), Ok(()));
        assert_eq!(build(config("https://gw.example.cn/send")), Err(GatewayConfigError::HttpsNotSupported));
        for bad in ["", "gw.local/send", "/send", "ftp://gw.local/", "http://", "not a url"] {
            assert_eq!(build(config(bad)), Err(GatewayConfigError::InvalidUrl), "url {bad:?}");
        }
        assert_eq!(build(GatewayConfig { api_key: String::new(), ..config("http://gw/") }), Err(GatewayConfigError::InvalidApiKey));
        assert_eq!(build(GatewayConfig { api_key: "a\nb".into(), ..config("http://gw/") }), Err(GatewayConfigError::InvalidApiKey));
        for bad in ["", "【南和】", "一二三四五六七八九十一二三", "南和 人社"] {
            assert_eq!(
                build(GatewayConfig { sign_name: bad.into(), ..config("http://gw/") }),
                Err(GatewayConfigError::InvalidSignName),
                "{bad:?}"
            );
        }
        assert_eq!(build(GatewayConfig { timeout: Duration::ZERO, ..config("http://gw/") }), Err(GatewayConfigError::ZeroTimeout));
    }

    #[test]
    fn debug_never_shows_the_api_key() {
        let c = GatewayConfig { api_key: "very-secret-key".into(), ..config("http://gw/") };
        assert!(!format!("{c:?}").contains("very-secret-key"));
        let s = HttpGatewaySender::new(c, || 0).unwrap();
        assert!(!format!("{s:?}").contains("very-secret-key"));
    }

    #[test]
    fn answers_map_to_receipts_and_errors() {
        let ok = StatusCode::OK;
        assert_eq!(
            interpret(ok, Some(br#"{"message_id":"gw-9","status":"accepted"}"#)),
            Ok(SendReceipt { provider_message_id: Some("gw-9".into()), accepted: true })
        );
        assert_eq!(interpret(ok, Some(br#"{"status":"accepted"}"#)), Ok(SendReceipt { provider_message_id: None, accepted: true }));
        assert_eq!(interpret(ok, Some(b"not json")), Ok(SendReceipt { provider_message_id: None, accepted: false }));
        assert_eq!(interpret(ok, None), Ok(SendReceipt { provider_message_id: None, accepted: false }));
        assert_eq!(
            interpret(ok, Some(br#"{"status":"rejected","error":"blacklisted"}"#)),
            Err(SendError::Permanent("gateway rejected: blacklisted".into()))
        );
        assert_eq!(
            interpret(StatusCode::BAD_REQUEST, Some(br#"{"status":"rejected","error":"invalid_number"}"#)),
            Err(SendError::Permanent("http 400: invalid_number".into()))
        );
        assert_eq!(interpret(StatusCode::UNAUTHORIZED, None), Err(SendError::Permanent("http 401".into())));
        assert_eq!(interpret(StatusCode::TOO_MANY_REQUESTS, None), Err(SendError::Transient("http 429".into())));
        assert_eq!(interpret(StatusCode::REQUEST_TIMEOUT, None), Err(SendError::Transient("http 408".into())));
        assert_eq!(interpret(StatusCode::BAD_GATEWAY, Some(b"<html>")), Err(SendError::Transient("http 502".into())));
        assert!(matches!(interpret(StatusCode::FOUND, None), Err(SendError::Permanent(_))));
    }

    #[test]
    fn gateway_error_codes_that_could_carry_personal_data_are_dropped() {
        for (code, kept) in [
            ("invalid_number", true),
            ("blacklisted", true),
            ("e1001", true),
            ("13812345678", false),
            ("number_13812345678_invalid", false),
            ("号码无效", false),
            ("Invalid Number", false),
            ("", false),
        ] {
            assert_eq!(safe_code(code).is_some(), kept, "code {code:?}");
        }
    }
}
