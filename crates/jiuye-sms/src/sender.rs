//! The sender seam: what the application hands to whatever delivers an SMS, and what comes back.
//!
//! Invariants: nothing in this module's `Debug` or `Display` output shows a full phone number or a
//! message text (both are personal data); `SendError` reasons are short fixed phrases, HTTP status
//! codes and sanitised gateway codes only. The trait is object safe, so the app holds an
//! `Arc<dyn SmsSender>`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::phone::mask_phone;

/// One message from the application's outbox.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    /// The outbox row's id: the idempotency key towards the gateway and the only id in logs.
    pub outbox_id: i64,
    /// An 11-digit mainland mobile number, digits only (`13812345678`).
    pub phone: String,
    /// The message body without the signature; the sender adds `【sign】` where the gateway needs it.
    pub text: String,
}

impl fmt::Debug for OutgoingSms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingSms")
            .field("outbox_id", &self.outbox_id)
            .field("phone", &mask_phone(&self.phone))
            .field("text_chars", &self.text.chars().count())
            .finish()
    }
}

/// What a sender reports for a message it did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    /// The gateway's id for the message, if it gave one (`local-<outbox_id>` for [`crate::LogSender`]).
    pub provider_message_id: Option<String>,
    /// `true`: the gateway confirmed it accepted the message. `false`: it answered 2xx without the
    /// documented confirmation, so the message may or may not go out; the app should record it as
    /// sent-unconfirmed and not retry (a retry could send twice).
    pub accepted: bool,
}

/// Why a send failed, split by what the application should do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Network error, timeout, HTTP 5xx, 408 or 429: retry later with [`crate::retry_delay`].
    #[error("transient SMS send failure: {0}")]
    Transient(String),
    /// HTTP 4xx (other than 408/429), a gateway rejection (invalid number, blacklisted …) or a
    /// message this crate refuses to send: do not retry.
    #[error("permanent SMS send failure: {0}")]
    Permanent(String),
}

impl SendError {
    /// Whether the application should retry this message later.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }

    /// The short reason; never contains the phone number or the text.
    pub fn reason(&self) -> &str {
        match self {
            Self::Transient(r) | Self::Permanent(r) => r,
        }
    }
}

/// The future a sender returns; borrows the sender and the message.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<SendReceipt, SendError>> + Send + 'a>>;

/// Something that delivers an [`OutgoingSms`]. Object safe: use it as `Arc<dyn SmsSender>`.
///
/// A sender sends one message per call and never retries by itself; retries, the per-person daily
/// cap and the outbox state belong to the application.
pub trait SmsSender: Send + Sync {
    /// A short stable name for logs and the outbox row (`"log"`, `"http-gateway"`).
    fn name(&self) -> &'static str;

    /// Sends one message.
    fn send<'a>(&'a self, msg: &'a OutgoingSms) -> SendFuture<'a>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_an_outgoing_sms_shows_neither_the_phone_nor_the_text() {
        let msg = OutgoingSms { outbox_id: 7, phone: "13812345678".into(), text: "您好，岗位推荐".into() };
        let dbg = format!("{msg:?}");
        assert!(dbg.contains("138****5678"), "{dbg}");
        assert!(!dbg.contains("13812345678"), "{dbg}");
        assert!(!dbg.contains("岗位"), "{dbg}");
    }

    #[test]
    fn transient_and_permanent_errors_say_whether_to_retry() {
        assert!(SendError::Transient("timeout".into()).is_transient());
        assert!(!SendError::Permanent("http 400".into()).is_transient());
        assert_eq!(SendError::Permanent("http 400".into()).reason(), "http 400");
    }

    #[test]
    fn the_sender_trait_is_object_safe() {
        let s: std::sync::Arc<dyn SmsSender> = std::sync::Arc::new(crate::LogSender);
        assert_eq!(s.name(), "log");
    }
}
