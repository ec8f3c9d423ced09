//! The inbound webhook contract: the body a gateway adapter posts to `POST /sms/inbound` and the
//! HMAC-SHA256 check of its `X-Jiuye-Timestamp` / `X-Jiuye-Signature` headers.
//!
//! Invariants: the signature is compared in constant time; a timestamp further than the allowed
//! skew from `now` is refused even with a valid signature (replay window); no error carries the
//! body, the secret or the signature; `InboundSms`'s `Debug` masks the phone and hides the text.

use std::fmt;

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::phone::mask_phone;
use crate::reply::{Reply, parse_reply};

/// Where the application receives replies.
pub const INBOUND_PATH: &str = "/sms/inbound";
/// Header with the signing time in unix seconds (decimal ASCII digits).
pub const TIMESTAMP_HEADER: &str = "X-Jiuye-Timestamp";
/// Header with the lowercase or uppercase hex of HMAC-SHA256(secret, timestamp + "." + body).
pub const SIGNATURE_HEADER: &str = "X-Jiuye-Signature";
/// A sensible `max_skew_secs`: five minutes either way.
pub const DEFAULT_MAX_SKEW_SECS: i64 = 300;

type HmacSha256 = hmac::Hmac<Sha256>;

/// The JSON body of `POST /sms/inbound`. Unknown fields are ignored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundSms {
    /// The sender's number as the gateway reports it (normally 11 digits).
    pub phone: String,
    /// The reply text, as typed.
    pub text: String,
    /// When the gateway received it, RFC 3339 (`2026-05-01T08:30:00+08:00`).
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// The gateway's id for the inbound message, if any; lets the app drop duplicate deliveries.
    #[serde(default)]
    pub provider_message_id: Option<String>,
}

impl InboundSms {
    /// The reply's meaning under [`parse_reply`].
    pub fn reply(&self) -> Reply {
        parse_reply(&self.text)
    }
}

impl fmt::Debug for InboundSms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboundSms")
            .field("phone", &mask_phone(&self.phone))
            .field("text_chars", &self.text.chars().count())
            .field("received_at", &self.received_at)
            .field("provider_message_id", &self.provider_message_id)
            .finish()
    }
}

/// Why an inbound request was refused. Answer all of them with 401 and the same body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InboundError {
    #[error("inbound webhook secret is not configured")]
    EmptySecret,
    #[error("inbound timestamp is not unix seconds")]
    MalformedTimestamp,
    #[error("inbound timestamp is outside the allowed clock skew")]
    StaleTimestamp,
    #[error("inbound signature is not 64 hex digits")]
    MalformedSignature,
    #[error("inbound signature does not match")]
    BadSignature,
}

/// Checks an inbound request: `signature_hex` must be HMAC-SHA256 under `secret` over
/// `timestamp + "." + body` (the raw body bytes as received), and `timestamp` (unix seconds) must be
/// within `max_skew_secs` of `now_unix`.
pub fn verify_inbound_signature(
    secret: &[u8],
    timestamp: &str,
    body: &[u8],
    signature_hex: &str,
    now_unix: i64,
    max_skew_secs: i64,
) -> Result<(), InboundError> {
    let ts = parse_timestamp(timestamp)?;
    let mut sig = [0u8; 32];
    hex::decode_to_slice(signature_hex.trim(), &mut sig).map_err(|_| InboundError::MalformedSignature)?;
    if now_unix.abs_diff(ts) > u64::try_from(max_skew_secs).unwrap_or(0) {
        return Err(InboundError::StaleTimestamp);
    }
    mac_over(secret, timestamp, body)?.verify_slice(&sig).map_err(|_| InboundError::BadSignature)
}

/// The signature an adapter puts in `X-Jiuye-Signature` (lowercase hex), for adapters written in
/// Rust and for tests.
pub fn sign_inbound(secret: &[u8], timestamp: &str, body: &[u8]) -> Result<String, InboundError> {
    Ok(hex::encode(mac_over(secret, timestamp, body)?.finalize().into_bytes()))
}

fn mac_over(secret: &[u8], timestamp: &str, body: &[u8]) -> Result<HmacSha256, InboundError> {
    if secret.is_empty() {
        return Err(InboundError::EmptySecret);
    }
    let mut mac = HmacSha256::new_from_slice(secret).map_err(|_| InboundError::EmptySecret)?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

fn parse_timestamp(timestamp: &str) -> Result<i64, InboundError> {
    // Digits only: no sign, no spaces, no exponent; 12 digits reach the year 33658.
    if timestamp.is_empty() || timestamp.len() > 12 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InboundError::MalformedTimestamp);
    }
    timestamp.parse().map_err(|_| InboundError::MalformedTimestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"district-shared-secret";
    const NOW: i64 = 1_777_600_000;
    const BODY: &[u8] = br#"{"phone":"13812345678","text":"1","received_at":"2026-05-01T08:30:00+08:00","provider_message_id":"gw-1"}"#;

    fn signed() -> (String, String) {
        let ts = NOW.to_string();
        let sig = sign_inbound(SECRET, &ts, BODY).unwrap();
        (ts, sig)
    }

    #[test]
    fn a_correctly_signed_fresh_request_passes() {
        let (ts, sig) = signed();
        assert_eq!(verify_inbound_signature(SECRET, &ts, BODY, &sig, NOW + 10, DEFAULT_MAX_SKEW_SECS), Ok(()));
        assert_eq!(verify_inbound_signature(SECRET, &ts, BODY, &sig.to_uppercase(), NOW, DEFAULT_MAX_SKEW_SECS), Ok(()));
    }

    #[test]
    fn the_signature_matches_an_independent_hmac_sha256_vector() {
        // RFC 4231 test case 2 pins the primitive; the second half pins the `timestamp "." body` framing.
        let mut mac = HmacSha256::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac.finalize().into_bytes()), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let direct = {
            let mut m = HmacSha256::new_from_slice(SECRET).unwrap();
            m.update(format!("{NOW}.").as_bytes());
            m.update(BODY);
            hex::encode(m.finalize().into_bytes())
        };
        assert_eq!(signed().1, direct);
    }

    #[test]
    fn the_readme_example_vector_holds() {
        // Computed independently with `openssl dgst -sha256 -hmac` and Python's hmac module.
        let body = br#"{"phone":"13812345678","text":"1","received_at":"2026-05-01T08:30:00+08:00","provider_message_id":"gw-in-1"}"#;
        let sig = "cfce59e13102b667216550931249583911a39f533a5fdb321b3b1bc49318a880";
        assert_eq!(sign_inbound(b"example-secret", "1777600000", body).unwrap(), sig);
        assert_eq!(verify_inbound_signature(b"example-secret", "1777600000", body, sig, 1_777_600_060, 300), Ok(()));
    }

    #[test]
    fn a_wrong_secret_is_refused() {
        let (ts, sig) = signed();
        assert_eq!(verify_inbound_signature(b"other", &ts, BODY, &sig, NOW, 300), Err(InboundError::BadSignature));
    }

    #[test]
    fn a_tampered_body_or_timestamp_is_refused() {
        let (ts, sig) = signed();
        let tampered = String::from_utf8(BODY.to_vec()).unwrap().replace("\"1\"", "\"TD\"");
        assert_eq!(verify_inbound_signature(SECRET, &ts, tampered.as_bytes(), &sig, NOW, 300), Err(InboundError::BadSignature));
        let other_ts = (NOW + 1).to_string();
        assert_eq!(verify_inbound_signature(SECRET, &other_ts, BODY, &sig, NOW, 300), Err(InboundError::BadSignature));
    }

    #[test]
    fn a_stale_or_future_timestamp_is_refused_even_when_signed() {
        let (ts, sig) = signed();
        assert_eq!(verify_inbound_signature(SECRET, &ts, BODY, &sig, NOW + 300, 300), Ok(()));
        assert_eq!(verify_inbound_signature(SECRET, &ts, BODY, &sig, NOW + 301, 300), Err(InboundError::StaleTimestamp));
        assert_eq!(verify_inbound_signature(SECRET, &ts, BODY, &sig, NOW - 301, 300), Err(InboundError::StaleTimestamp));
        assert_eq!(verify_inbound_signature(SECRET, &ts, BODY, &sig, NOW + 1, -5), Err(InboundError::StaleTimestamp));
    }

    #[test]
    fn malformed_headers_are_refused() {
        let (ts, sig) = signed();
        for bad in ["", "zz", &sig[..62], &format!("{sig}00"), &sig.replace(|c: char| c.is_ascii_digit(), "g")] {
            assert_eq!(verify_inbound_signature(SECRET, &ts, BODY, bad, NOW, 300), Err(InboundError::MalformedSignature), "sig {bad:?}");
        }
        for bad in ["", "-1", "+1777600000", "1777600000.0", " 1777600000", "1e9", "9999999999999"] {
            assert_eq!(verify_inbound_signature(SECRET, bad, BODY, &sig, NOW, 300), Err(InboundError::MalformedTimestamp), "ts {bad:?}");
        }
    }

    #[test]
    fn an_empty_secret_is_a_configuration_error() {
        let (ts, sig) = signed();
        assert_eq!(verify_inbound_signature(b"", &ts, BODY, &sig, NOW, 300), Err(InboundError::EmptySecret));
        assert_eq!(sign_inbound(b"", &ts, BODY), Err(InboundError::EmptySecret));
    }

    #[test]
    fn the_inbound_body_parses_and_its_debug_hides_personal_data() {
        let sms: InboundSms = serde_json::from_slice(BODY).unwrap();
        assert_eq!(sms.reply(), Reply::Interested);
        assert_eq!(sms.provider_message_id.as_deref(), Some("gw-1"));
        assert_eq!(sms.received_at, time::macros::datetime!(2026-05-01 00:30:00 UTC));
        let dbg = format!("{sms:?}");
        assert!(dbg.contains("138****5678") && !dbg.contains("13812345678"), "{dbg}");
        let minimal: InboundSms =
            serde_json::from_str(r#"{"phone":"13812345678","text":"TD","received_at":"2026-05-01T00:30:00Z","extra":1}"#).unwrap();
        assert_eq!(minimal.provider_message_id, None);
        assert_eq!(minimal.reply(), Reply::Unsubscribe);
    }
}
