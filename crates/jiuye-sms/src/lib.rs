#![doc = include_str!("../README.md")]

mod gateway;
mod inbound;
mod log_sender;
mod phone;
mod reply;
mod retry;
mod sender;
mod text;

pub use gateway::{GatewayConfig, GatewayConfigError, HttpGatewaySender, IDEMPOTENCY_KEY_HEADER};
pub use inbound::{
    DEFAULT_MAX_SKEW_SECS, INBOUND_PATH, InboundError, InboundSms, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_inbound,
    verify_inbound_signature,
};
pub use log_sender::LogSender;
pub use phone::{is_mainland_mobile, mask_phone};
pub use reply::{Reply, parse_reply};
pub use retry::{MAX_ATTEMPTS, retry_delay};
pub use sender::{OutgoingSms, SendError, SendFuture, SendReceipt, SmsSender};
pub use text::{
    CONCAT_SEGMENT_CHARS, MAX_SIGN_NAME_CHARS, PUSH_TEXT_MAX_CHARS, REPLY_HINT, SINGLE_SEGMENT_CHARS, segments, signed_text, sms_len,
    vacancy_push_text,
};
