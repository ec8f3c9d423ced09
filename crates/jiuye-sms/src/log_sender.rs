//! `LogSender`, the default sender: it sends nothing and records one `tracing` event per message,
//! so a district without a gateway can run the whole outbox flow.
//!
//! Invariant: the event carries the outbox id, the masked phone and the text's length — never the
//! full phone number or the text.

use crate::phone::mask_phone;
use crate::sender::{OutgoingSms, SendFuture, SendReceipt, SmsSender};
use crate::text::segments;

/// Sends nothing; answers accepted with the id `local-<outbox_id>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogSender;

impl SmsSender for LogSender {
    fn name(&self) -> &'static str {
        "log"
    }

    fn send<'a>(&'a self, msg: &'a OutgoingSms) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::info!(
                sms.sender = "log",
                outbox.id = msg.outbox_id,
                phone.masked = %mask_phone(&msg.phone),
                text.chars = msg.text.chars().count(),
                text.segments = segments(&msg.text),
                "sms not sent: log sender"
            );
            Ok(SendReceipt { provider_message_id: Some(format!("local-{}", msg.outbox_id)), accepted: true })
        })
    }
}
