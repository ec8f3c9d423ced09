//! SMS: the outbox worker (retries, a daily cap per person, quiet hours, unsubscriptions) and
//! inbound replies ("1 感兴趣 / 2 不感兴趣 / TD 退订") that update the push they answer.
//!
//! The sender is a seam (`jiuye_sms::SmsSender`): by default messages are only recorded in the
//! outbox and the log; a district configures its HTTP gateway. "Delivered" on a push means the
//! gateway accepted the message (carriers' delivery receipts are not part of the gateway contract).

use std::sync::Arc;

use jiuye_sms::{InboundSms, OutgoingSms, Reply, SmsSender};
use jiuye_store::sms::NewInbound;
use serde_json::json;
use time::{Duration, OffsetDateTime, Time};

use crate::{Actor, App, AppError, AppResult, CST};

/// The outbox's rules.
#[derive(Debug, Clone)]
pub struct SmsPolicy {
    /// Messages per phone per day (China time); more wait for the next day.
    pub daily_cap: i64,
    /// No sending from this hour (China time) …
    pub quiet_from_hour: u8,
    /// … until this hour.
    pub quiet_until_hour: u8,
    /// How long after a push an SMS reply still answers it.
    pub reply_window_days: i64,
    /// The secret of the inbound webhook's signature; empty disables the webhook.
    pub inbound_secret: String,
}

impl Default for SmsPolicy {
    fn default() -> Self {
        Self { daily_cap: 3, quiet_from_hour: 21, quiet_until_hour: 8, reply_window_days: 7, inbound_secret: String::new() }
    }
}

/// The sender and its rules.
#[derive(Clone)]
pub struct SmsSetup {
    pub sender: Arc<dyn SmsSender>,
    pub policy: SmsPolicy,
}

impl Default for SmsSetup {
    fn default() -> Self {
        Self { sender: Arc::new(jiuye_sms::LogSender), policy: SmsPolicy::default() }
    }
}

/// What one run of the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SendReport {
    pub sent: u32,
    pub deferred: u32,
    pub retrying: u32,
    pub failed: u32,
    pub cancelled: u32,
}

/// What an inbound message did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InboundResult {
    /// interested | not_interested | unsubscribe | unknown | duplicate
    pub reply: &'static str,
    pub push_updated: bool,
}

impl App {
    /// The next moment sending is allowed at or after `t`.
    fn sendable_from(&self, t: OffsetDateTime) -> OffsetDateTime {
        let p = &self.sms.policy;
        let local = t.to_offset(CST);
        let h = local.hour();
        let (from, until) = (p.quiet_from_hour, p.quiet_until_hour);
        let start = |d: time::Date| d.with_time(Time::from_hms(until, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_offset(CST);
        if from == until {
            // No quiet hours.
            t
        } else if from > until {
            // A window across midnight, e.g. 21–8.
            if h >= from {
                start(local.date() + Duration::days(1)).to_offset(time::UtcOffset::UTC)
            } else if h < until {
                start(local.date()).to_offset(time::UtcOffset::UTC)
            } else {
                t
            }
        } else if (from..until).contains(&h) {
            // A window within one day, e.g. 0–6.
            start(local.date()).to_offset(time::UtcOffset::UTC)
        } else {
            t
        }
    }

    /// Sends what is due (at most `limit` messages). Run by the server every few seconds and by
    /// `jiuye sms send-due`.
    pub async fn send_due_sms(&self, limit: i64) -> AppResult<SendReport> {
        let now = self.now();
        let mut report = SendReport::default();
        // A read first: the write lock is taken only when something is due.
        if self.store.sms_due_count(now).await? == 0 {
            return Ok(report);
        }
        let mut tx = self.store.begin_write().await?;
        let claimed = tx.claim_due_sms(now, now + Duration::minutes(5), limit).await?;
        tx.commit().await?;
        let today = now.to_offset(CST).date().to_string();
        for m in claimed {
            let mut tx = self.store.begin_write().await?;
            if self.store.is_opted_out(&m.phone_bidx).await? {
                tx.sms_cancel(m.id, "unsubscribed").await?;
                tx.commit().await?;
                report.cancelled += 1;
                continue;
            }
            // Verification codes are wanted now: no quiet hours, no daily cap (their own limit applies).
            let urgent = m.purpose == "verification";
            let allowed = if urgent { now } else { self.sendable_from(now) };
            if allowed > now {
                tx.sms_defer(m.id, allowed, "quiet_hours").await?;
                tx.commit().await?;
                report.deferred += 1;
                continue;
            }
            if !urgent && tx.sms_sent_on(&m.phone_bidx, &today).await? >= self.sms.policy.daily_cap {
                let tomorrow = self.sendable_from(
                    (now.to_offset(CST).date() + Duration::days(1)).midnight().assume_offset(CST).to_offset(time::UtcOffset::UTC),
                );
                tx.sms_defer(m.id, tomorrow, "daily_cap").await?;
                tx.commit().await?;
                report.deferred += 1;
                continue;
            }
            // The send happens outside a transaction; the lease keeps others off this message.
            drop(tx);
            let phone = self.vault.open(&m.phone_enc, m.key_version)?;
            let outgoing = OutgoingSms { outbox_id: m.id, phone, text: m.text.clone() };
            let result = self.sms.sender.send(&outgoing).await;
            let at = self.now();
            let mut tx = self.store.begin_write().await?;
            let push_outcome = match result {
                Ok(receipt) => {
                    tx.sms_sent(m.id, receipt.provider_message_id.as_deref(), at, &today).await?;
                    report.sent += 1;
                    if self.sms.sender.name() == "log" {
                        // Nothing left the building: the push stays "pushed" for the window to tell.
                        Some(("recorded", "未配置短信网关，短信仅记录未发出，请电话或窗口告知".to_string()))
                    } else if receipt.accepted {
                        Some(("delivered", format!("短信已由网关接收（{}）", self.sms.sender.name())))
                    } else {
                        Some(("recorded", "网关已收到但未确认发送".to_string()))
                    }
                }
                Err(e) => {
                    let attempts = u32::try_from(m.attempts + 1).unwrap_or(u32::MAX);
                    let retry = if e.is_transient() { jiuye_sms::retry_delay(attempts) } else { None };
                    match retry {
                        Some(d) => {
                            let d = Duration::try_from(d).unwrap_or(Duration::minutes(5));
                            tx.sms_attempt_failed(m.id, e.reason(), Some(at + d)).await?;
                            report.retrying += 1;
                            None
                        }
                        None => {
                            tx.sms_attempt_failed(m.id, e.reason(), None).await?;
                            report.failed += 1;
                            Some(("failed", format!("短信发送失败：{}", e.reason())))
                        }
                    }
                }
            };
            if let (Some(push_id), Some((outcome, note))) = (m.push_id, push_outcome)
                && let Some(mut p) = tx.push_for_update(push_id).await?
            {
                // A reply may already have moved the push further; only "pushed" becomes delivered.
                if (p.outcome == "pushed" && outcome == "delivered") || outcome == "failed" {
                    p.outcome = outcome.into();
                    p.outcome_at = at;
                    tx.update_push(&p).await?;
                }
                tx.push_event(push_id, at, "system:sms", outcome, &note).await?;
            }
            tx.commit().await?;
        }
        Ok(report)
    }

    /// Handles a reply that came through the gateway's webhook (signature already checked).
    pub async fn handle_inbound_sms(&self, m: &InboundSms) -> AppResult<InboundResult> {
        let phone = jiuye_domain::Phone::parse(&m.phone).map_err(|e| AppError::BadInput(e.message))?;
        let bidx = self.vault.blind("phone", phone.as_str());
        let masked = jiuye_domain::mask::mask_middle(phone.as_str(), 3, 4);
        let now = self.now();
        // An answer to a subsidy offer (“Y<code>” / “N<code>”) goes to the offer, not to pushes.
        if let Some(id) = self.sms_answer_offer(&bidx, &m.text).await? {
            let system = Actor::system("system:sms", "短信网关");
            self.store
                .audit_only(self.audit_entry(
                    &system,
                    "sms.inbound",
                    "application",
                    Some(id.to_string()),
                    "ok",
                    json!({"phone": masked, "reply": "offer"}),
                ))
                .await?;
            return Ok(InboundResult { reply: "offer", push_updated: false });
        }
        let reply = m.reply();
        let code = match &reply {
            Reply::Interested => "interested",
            Reply::NotInterested => "not_interested",
            Reply::Unsubscribe => "unsubscribe",
            Reply::Unknown(_) => "unknown",
        };
        let mut tx = self.store.begin_write().await?;
        let push_id = tx.push_awaiting_reply(&bidx, now - Duration::days(self.sms.policy.reply_window_days)).await?;
        let text: String = m.text.chars().take(200).collect();
        let fresh = tx
            .insert_inbound(&NewInbound {
                received_at: m.received_at,
                phone_bidx: &bidx,
                phone_masked: &masked,
                text: &text,
                reply: code,
                push_id,
                provider_id: m.provider_message_id.as_deref(),
            })
            .await?;
        if !fresh {
            return Ok(InboundResult { reply: "duplicate", push_updated: false });
        }
        let mut push_updated = false;
        match reply {
            Reply::Unsubscribe => {
                tx.sms_opt_out(&bidx, "sms_reply", now).await?;
            }
            Reply::Interested | Reply::NotInterested => {
                if let Some(id) = push_id
                    && let Some(mut p) = tx.push_for_update(id).await?
                {
                    // Interest by SMS is not consent to share name and phone with the employer: the
                    // message does not ask for it. Consent comes online or at the window.
                    p.outcome = code.into();
                    p.outcome_at = now;
                    tx.update_push(&p).await?;
                    tx.push_event(id, now, "system:sms", code, "短信回复").await?;
                    push_updated = true;
                }
            }
            Reply::Unknown(_) => {}
        }
        let system = Actor::system("system:sms", "短信网关");
        tx.audit(self.audit_entry(&system, "sms.inbound", "sms", None, "ok", json!({"phone": masked, "reply": code, "push": push_id})))
            .await?;
        tx.commit().await?;
        Ok(InboundResult { reply: code, push_updated })
    }
}
