//! Late and missing monthly reports of monitored enterprises (issue 7): the list of who has not
//! reported a month, and the SMS reminders the server queues for them.
//!
//! Reports for month M are due in the window `window_from_day`–`window_to_day` of month M+1
//! (`MonitorSettings`). Two reminders go to each monitored enterprise that has not reported and
//! has a mobile contact phone, each at most once per month:
//! - `due`: on the window's last two days (`window_to_day − 1` and `window_to_day`; the first run
//!   on either day sends it, so a server down on the first day still reminds on the second);
//! - `overdue`: once after the window has closed (the first run from `window_to_day + 1` to the end
//!   of month M+1).
//!
//! Enterprises recorded as closed (关闭/注销) are not reminded, nor phones that unsubscribed.
//! The text names the month, the deadline and where to report; nothing about the enterprise.

use std::collections::HashSet;

use jiuye_domain::Role;
use jiuye_store::report_reminders::{LateEnterprise, reminder_prefix};
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::monitoring::{parse_period, previous_period};
use crate::{Actor, App, AppError, AppResult};

/// The reminder stages.
pub const STAGE_DUE: &str = "due";
pub const STAGE_OVERDUE: &str = "overdue";

/// The reporting period a day belongs to (the month before it), the stage of its reminder if any,
/// and the deadline (the window's last day in the day's month).
pub fn reminder_stage(today: Date, window_from_day: u8, window_to_day: u8) -> (String, Option<&'static str>, Option<Date>) {
    let this = format!("{}-{:02}", today.year(), u8::from(today.month()));
    let period = previous_period(&this).unwrap_or(this);
    let deadline = Date::from_calendar_date(today.year(), today.month(), window_to_day).ok();
    let day = today.day();
    let first_due_day = window_to_day.saturating_sub(1).max(window_from_day).max(1);
    let stage = if (first_due_day..=window_to_day).contains(&day) {
        Some(STAGE_DUE)
    } else if day > window_to_day {
        Some(STAGE_OVERDUE)
    } else {
        None
    };
    (period, stage, deadline)
}

fn purpose(period: &str, stage: &str, enterprise: Uuid) -> String {
    format!("{}{stage}:{enterprise}", reminder_prefix(period))
}

fn month_label(period: &str) -> String {
    match parse_period(period) {
        Ok((y, m)) => format!("{y}年{}月", u8::from(m)),
        Err(_) => period.to_string(),
    }
}

fn date_label(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// The reminder's text: the month, the deadline, where to report. No enterprise or person data.
pub fn reminder_text(period: &str, stage: &str, deadline: Date) -> String {
    let month = month_label(period);
    let deadline = date_label(deadline);
    if stage == STAGE_OVERDUE {
        format!(
            "贵单位{month}用工监测月报已过报送截止日期（{deadline}），请尽快登录南和区就业服务网“用工监测”补报，或到所在乡镇人社服务窗口报送。回复TD退订"
        )
    } else {
        format!(
            "贵单位{month}用工监测月报尚未报送，截止日期{deadline}。请登录南和区就业服务网“用工监测”填报，或到所在乡镇人社服务窗口报送。回复TD退订"
        )
    }
}

/// What one reminder run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReminderRun {
    pub period: String,
    /// `due`, `overdue`, or none on a day without reminders (then nothing else is filled).
    pub stage: Option<&'static str>,
    pub queued: u64,
    /// Late enterprises reminded before at this stage.
    pub already: u64,
    /// Late enterprises without a mobile contact phone, unsubscribed, or closed.
    pub skipped: u64,
}

/// A reminder queued for a late enterprise.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReminderSent {
    pub stage: String,
    /// queued | sending | sent | failed | cancelled (the outbox's status).
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: OffsetDateTime,
}

/// A monitored enterprise without the month's report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LateReport {
    pub enterprise_id: Uuid,
    pub enterprise: String,
    pub credit_code: String,
    pub township_code: String,
    pub township: &'static str,
    pub industry: String,
    pub is_key: bool,
    pub commissioner: String,
    /// The contact phone, masked; none: no reminder can be sent.
    pub contact_phone: Option<String>,
    /// The enterprise's operating status (active | suspended | closed).
    pub status: String,
    pub reminded: bool,
    pub reminders: Vec<ReminderSent>,
}

/// The late list of one month.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LateReports {
    pub period: String,
    /// The window's last day (month M+1).
    #[serde(serialize_with = "crate::ser_date")]
    pub deadline: Date,
    /// The deadline has passed.
    pub overdue: bool,
    pub enterprises: Vec<LateReport>,
}

impl App {
    /// Queues the day's SMS reminders of last month's report to every monitored enterprise that has
    /// not reported it (see the module documentation for the stages). Idempotent: one message per
    /// enterprise, month and stage, however often it runs. The server runs it daily.
    pub async fn remind_late_reports(&self, today: Date) -> AppResult<ReminderRun> {
        let m = &self.monitoring;
        let (period, stage, deadline) = reminder_stage(today, m.window_from_day, m.window_to_day);
        let mut run = ReminderRun { period: period.clone(), stage, ..Default::default() };
        let (Some(stage), Some(deadline)) = (stage, deadline) else { return Ok(run) };
        // A read first: the write lock is taken only when someone is late.
        let Some(end) = crate::monitoring::owed_if_monitored_before(&period, self.monitoring.window_from_day) else { return Ok(run) };
        let late = self.store.monitored_without_report(&period, end, None).await?;
        if late.is_empty() {
            return Ok(run);
        }
        // Phones and opt-outs are read before the write transaction: a read through the pool
        // inside it could wait for a connection the transaction holds.
        let mut targets = Vec::with_capacity(late.len());
        for e in &late {
            targets.push((e, self.reminder_phone(e).await?));
        }
        let text = reminder_text(&period, stage, deadline);
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let sent: HashSet<String> = tx.report_reminder_purposes(&period).await?.into_iter().collect();
        for (e, phone) in targets {
            let key = purpose(&period, stage, e.enterprise_id);
            if sent.contains(&key) {
                run.already += 1;
                continue;
            }
            let Some(phone) = phone else {
                run.skipped += 1;
                continue;
            };
            tx.enqueue_sms(
                &jiuye_store::sms::NewSms {
                    person_id: None,
                    phone_bidx: self.vault.blind("phone", &phone),
                    phone_enc: self.vault.seal(&phone)?,
                    phone_masked: jiuye_domain::mask::mask_middle(&phone, 3, 4),
                    key_version: self.vault.key_version(),
                    text: text.clone(),
                    purpose: key,
                    push_id: None,
                },
                now,
            )
            .await?;
            run.queued += 1;
        }
        if run.queued > 0 {
            let system = Actor::system("system:monitor", "用工监测");
            tx.audit(self.audit_entry(
                &system,
                "monitor.report_reminders",
                "period",
                Some(period.clone()),
                "ok",
                json!({"stage": stage, "deadline": deadline.to_string(), "queued": run.queued, "already": run.already, "skipped": run.skipped}),
            ))
            .await?;
        }
        tx.commit().await?;
        Ok(run)
    }

    /// The phone a reminder goes to: the enterprise's contact phone when it is a mainland mobile
    /// that has not unsubscribed and the enterprise is not closed.
    async fn reminder_phone(&self, e: &LateEnterprise) -> AppResult<Option<String>> {
        if e.status == "closed" {
            return Ok(None);
        }
        let Some(enc) = &e.contact_phone_enc else { return Ok(None) };
        let phone = self.vault.open(enc, e.key_version)?;
        if !jiuye_sms::is_mainland_mobile(&phone) || self.store.is_opted_out(&self.vault.blind("phone", &phone)).await? {
            return Ok(None);
        }
        Ok(Some(phone))
    }

    /// The monitored enterprises without a report for `period` (default: last month) in the
    /// actor's scope (a clerk: their township), with the reminders queued to each.
    pub async fn late_reports(&self, actor: &Actor, period: Option<&str>, township: Option<&str>) -> AppResult<LateReports> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::TownshipClerk | Role::Leader) {
            return Err(AppError::Forbidden("当前角色不能查看监测企业报送情况"));
        }
        let today = self.clock.today();
        let (y, m) = match period.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => parse_period(p).map_err(|e| AppError::Validation(vec![e]))?,
            None => {
                let (p, _, _) = reminder_stage(today, self.monitoring.window_from_day, self.monitoring.window_to_day);
                parse_period(&p).map_err(|e| AppError::Validation(vec![e]))?
            }
        };
        let period = format!("{y}-{:02}", u8::from(m));
        let (ny, nm) = if m == time::Month::December { (y + 1, time::Month::January) } else { (y, m.next()) };
        let deadline = Date::from_calendar_date(ny, nm, self.monitoring.window_to_day)
            .map_err(|e| AppError::Internal(format!("monitoring window: {e}")))?;
        let township = match (actor.role, township.map(str::trim).filter(|t| !t.is_empty())) {
            (Role::TownshipClerk, _) => Some(actor.township.clone().unwrap_or_default()),
            (_, Some(t)) => Some(jiuye_domain::division::parse_township(t).map_err(|e| AppError::Validation(vec![e]))?.to_string()),
            (_, None) => None,
        };
        let end = crate::monitoring::owed_if_monitored_before(&period, self.monitoring.window_from_day)
            .ok_or_else(|| AppError::BadInput("报表月份无效".into()))?;
        let late = self.store.monitored_without_report(&period, end, township.as_deref()).await?;
        let reminders = if late.is_empty() { Vec::new() } else { self.store.report_reminders(&period).await? };
        let prefix = reminder_prefix(&period);
        let enterprises = late
            .into_iter()
            .map(|e| {
                let id = e.enterprise_id.to_string();
                let sent: Vec<ReminderSent> = reminders
                    .iter()
                    .filter_map(|r| {
                        let (stage, eid) = r.purpose.strip_prefix(&prefix)?.split_once(':')?;
                        (eid == id).then(|| ReminderSent { stage: stage.to_string(), status: r.status.clone(), queued_at: r.created_at })
                    })
                    .collect();
                LateReport {
                    township: jiuye_domain::division::township_name(&e.township_code).unwrap_or(""),
                    industry: jiuye_domain::Industry::from_code(&e.industry).map(|i| i.label().to_string()).unwrap_or(e.industry),
                    enterprise_id: e.enterprise_id,
                    enterprise: e.name,
                    credit_code: e.credit_code,
                    township_code: e.township_code,
                    is_key: e.is_key,
                    commissioner: e.commissioner,
                    contact_phone: e.contact_phone_masked,
                    status: e.status,
                    reminded: !sent.is_empty(),
                    reminders: sent,
                }
            })
            .collect();
        Ok(LateReports { period, deadline, overdue: today > deadline, enterprises })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn stages_follow_the_window() {
        let s = |d| reminder_stage(d, 20, 24);
        assert_eq!(s(date!(2020 - 05 - 22)).1, None);
        assert_eq!(s(date!(2020 - 05 - 23)), ("2020-04".into(), Some(STAGE_DUE), Some(date!(2020 - 05 - 24))));
        assert_eq!(s(date!(2020 - 05 - 24)).1, Some(STAGE_DUE));
        assert_eq!(s(date!(2020 - 05 - 25)).1, Some(STAGE_OVERDUE));
        assert_eq!(s(date!(2020 - 05 - 31)).1, Some(STAGE_OVERDUE));
        assert_eq!(s(date!(2020 - 01 - 23)).0, "2019-12");
        // A one-day window: its only day is the reminder day.
        assert_eq!(reminder_stage(date!(2020 - 05 - 19), 20, 20).1, None);
        assert_eq!(reminder_stage(date!(2020 - 05 - 20), 20, 20).1, Some(STAGE_DUE));
    }

    #[test]
    fn the_text_names_month_deadline_and_place() {
        let t = reminder_text("2020-04", STAGE_DUE, date!(2020 - 05 - 24));
        assert!(t.contains("2020年4月") && t.contains("2020年5月24日") && t.contains("乡镇人社服务窗口"), "{t}");
        assert!(jiuye_sms::segments(&t) <= 2, "{t}");
        let o = reminder_text("2020-04", STAGE_OVERDUE, date!(2020 - 05 - 24));
        assert!(o.contains("已过报送截止日期") && jiuye_sms::segments(&jiuye_sms::signed_text("南和区人社局", &o)) <= 2, "{o}");
    }
}
