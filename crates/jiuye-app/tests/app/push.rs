//! Dual push (双推送) end to end on both backends: seekers registered at the window, ranked both
//! ways with explanations, a vacancy pushed by SMS to older and low-skilled seekers, the outbox's
//! retries, daily cap and quiet hours, replies that update the push, unsubscription, and the
//! enterprise's candidate list masked until consent.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use jiuye_app::jobs::{ReviewDecision, VacancyInput};
use jiuye_app::registry::PersonInput;
use jiuye_app::seekers::SeekerInput;
use jiuye_app::sms::{SendReport, SmsPolicy, SmsSetup};
use jiuye_app::{Actor, App};
use jiuye_domain::Role;
use jiuye_sms::{InboundSms, OutgoingSms, SendError, SendFuture, SendReceipt, SmsSender};
use jiuye_test_support::TestDb;
use time::macros::{date, datetime};
use uuid::Uuid;

use crate::vacancies::{actor, app_with_clock, enterprise, welder};

/// A gateway double: records what it is asked to send; fails as told.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<OutgoingSms>>,
    failures: Mutex<VecDeque<SendError>>,
}

impl SmsSender for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }
    fn send<'a>(&'a self, msg: &'a OutgoingSms) -> SendFuture<'a> {
        Box::pin(async move {
            if let Some(e) = self.failures.lock().unwrap().pop_front() {
                return Err(e);
            }
            self.sent.lock().unwrap().push(msg.clone());
            Ok(SendReceipt { provider_message_id: Some(format!("gw-{}", msg.outbox_id)), accepted: true })
        })
    }
}

async fn person(app: &App, name: &str, birth: time::Date, seq: u32, phone: &str, education: &str) -> Uuid {
    let input = PersonInput {
        name: name.into(),
        id_number: jiuye_app::demo::make_id_number("130527", birth, seq),
        phone: phone.into(),
        township: "和阳镇".into(),
        education: education.into(),
        employment_status: "unemployed".into(),
        ..Default::default()
    };
    app.create_person(&Actor::cli(), &input).await.unwrap()
}

async fn published(app: &App, cc: &str, title: &str) -> Uuid {
    let id = app.submit_vacancy(&Actor::cli(), &VacancyInput { credit_code: cc.into(), ..welder(title) }).await.unwrap();
    let v = app.get_vacancy(Some(&Actor::cli()), id).await.unwrap();
    app.review_vacancy(&actor("reviewer", Role::BureauStaff, None, None), id, v.version, ReviewDecision::Approve, "").await.unwrap();
    id
}

fn reply(phone: &str, text: &str, id: &str) -> InboundSms {
    InboundSms {
        phone: phone.into(),
        text: text.into(),
        received_at: datetime!(2026-11-27 02:30:00 UTC),
        provider_message_id: Some(id.into()),
    }
}

#[tokio::test]
async fn a_vacancy_is_pushed_to_ranked_seekers_by_sms_and_replies_update_the_push() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        let gw = Arc::new(Recorder::default());
        let app = app.with_sms(SmsSetup { sender: gw.clone(), policy: SmsPolicy { daily_cap: 1, ..Default::default() } });
        let mut rng = jiuye_app::demo::Rng::new(9);
        let cc = jiuye_app::demo::make_credit_code("130527", &mut rng);
        let ent = enterprise(&app, "南和区恒达机械制造有限公司", &cc, "80").await;
        let v1 = published(&app, &cc, "电焊工").await;
        let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);

        let older = person(&app, "赵老焊", date!(1976 - 03 - 01), 11, "13900000001", "初中").await;
        let young = person(&app, "钱会计", date!(1998 - 05 - 01), 12, "13900000002", "本科").await;
        let nophone = person(&app, "孙焊工", date!(1996 - 05 - 01), 13, "", "高中").await;
        let s_older = app
            .register_seeker(
                &clerk,
                older,
                &SeekerInput {
                    occupations: "焊工".into(), skills: "焊接、钢结构".into(), pay_expect: "5000".into(), ..Default::default()
                },
            )
            .await
            .unwrap();
        let s_young = app
            .register_seeker(&clerk, young, &SeekerInput { occupations: "会计".into(), pay_expect: "6000".into(), ..Default::default() })
            .await
            .unwrap();
        let s_nophone = app
            .register_seeker(
                &clerk,
                nophone,
                &SeekerInput { occupations: "电焊工、氩弧焊工".into(), prefers_sms: "on".into(), ..Default::default() },
            )
            .await
            .unwrap();
        let e = app.register_seeker(&clerk, older, &SeekerInput { occupations: "焊工".into(), ..Default::default() }).await.unwrap_err();
        assert!(e.to_string().contains("求职登记"), "one registration per person: {e}");

        // Ranked both ways, each score explained.
        let ranked = app.matches_for_vacancy(&clerk, v1, 50).await.unwrap();
        let order: Vec<&str> = ranked.iter().map(|(s, _)| s.name.as_str()).collect();
        assert_eq!(order.last(), Some(&"钱会计"), "{order:?} ({})", db.backend);
        let (_, best) = &ranked[0];
        assert!(best.criteria.iter().any(|c| c.code == "occupation" && c.met && c.detail.contains("电焊工")), "{best:?}");
        let for_older = app.matches_for_seeker(&clerk, s_older, 10).await.unwrap();
        assert_eq!(for_older[0].0.id, v1);

        let sum = app.push_vacancy(&clerk, v1, &[s_older, s_young, s_nophone]).await.unwrap();
        assert_eq!((sum.pushed, sum.sms_queued, sum.no_phone, sum.already), (3, 1, 1, 0), "{sum:?}");
        let again = app.push_vacancy(&clerk, v1, &[s_older]).await.unwrap();
        assert_eq!((again.pushed, again.already), (0, 1), "a vacancy reaches a seeker once");

        // The outbox sends the SMS: only the older, low-skilled seeker asked for one and had a phone.
        let r = app.send_due_sms(100).await.unwrap();
        assert_eq!(r, SendReport { sent: 1, ..Default::default() });
        let sent = gw.sent.lock().unwrap().clone();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].phone, "13900000001");
        assert!(sent[0].text.contains("电焊工") && sent[0].text.contains("回复1感兴趣"), "{}", sent[0].text);
        let pushes = app.pushes_of_seeker(&clerk, s_older).await.unwrap();
        assert_eq!(pushes[0].0.outcome, "delivered");

        // "1" answers the push: interested. It is not consent to share name and phone (the SMS does
        // not ask for it); the window records consent.
        let res = app.handle_inbound_sms(&reply("13900000001", " 1 ", "in-1")).await.unwrap();
        assert_eq!((res.reply, res.push_updated), ("interested", true));
        assert_eq!(app.handle_inbound_sms(&reply("13900000001", "1", "in-1")).await.unwrap().reply, "duplicate");
        let p = &app.pushes_of_seeker(&clerk, s_older).await.unwrap()[0].0;
        assert_eq!((p.outcome.as_str(), p.consent.as_str()), ("interested", "pending"));
        app.record_push_outcome(&clerk, p.id, "consent_agreed", "本人电话确认同意").await.unwrap();
        let events: Vec<String> = app.push_history(&clerk, p.id).await.unwrap().into_iter().map(|e| e.event).collect();
        assert_eq!(events, ["pushed", "delivered", "interested", "consent_agreed"]);

        // Recommended to the enterprise: the one who agreed is named with a phone, the other masked.
        assert_eq!(app.recommend_to_enterprise(&clerk, v1, &[s_older, s_young]).await.unwrap(), 2);
        let hr = actor("hr1", Role::EnterpriseHr, None, Some(ent));
        let mut cands = app.candidates(&hr, v1).await.unwrap();
        cands.sort_by_key(|c| c.name.clone());
        let named = cands.iter().find(|c| c.consent == "agreed").unwrap();
        assert_eq!((named.name.as_str(), named.phone.as_deref()), ("赵老焊", Some("13900000001")));
        let masked = cands.iter().find(|c| c.consent == "pending").unwrap();
        assert!(masked.name.starts_with('钱') && !masked.name.contains("会计") && masked.phone.is_none(), "{masked:?}");
        let other_hr = actor("hr2", Role::EnterpriseHr, None, Some(Uuid::nil()));
        assert!(app.candidates(&other_hr, v1).await.is_err(), "another enterprise sees nothing");
        assert!(app.candidates(&actor("boss", Role::Leader, None, None), v1).await.is_err(), "leaders do not see candidates");
        assert!(app.candidates(&actor("c9", Role::TownshipClerk, Some("130527101"), None), v1).await.is_err(), "nor another township");
        app.record_push_outcome(&hr, named.push_id, "hired", "").await.unwrap();
        assert!(app.record_push_outcome(&hr, named.push_id, "consent_agreed", "").await.is_err(), "HR cannot consent for a person");

        // Daily cap of 1: a second vacancy's SMS today waits for 08:00 tomorrow.
        let v2 = published(&app, &cc, "氩弧焊工").await;
        app.push_vacancy(&clerk, v2, &[s_older]).await.unwrap();
        let r = app.send_due_sms(100).await.unwrap();
        assert_eq!((r.sent, r.deferred), (0, 1));
        clock.set(datetime!(2026-11-28 00:30:00 UTC)); // 08:30 China time the next day
        assert_eq!(app.send_due_sms(100).await.unwrap().sent, 1);

        // TD unsubscribes: nothing more is queued to that phone.
        assert_eq!(app.handle_inbound_sms(&reply("13900000001", "TD", "in-2")).await.unwrap().reply, "unsubscribe");
        let v3 = published(&app, &cc, "焊工组长").await;
        let sum = app.push_vacancy(&clerk, v3, &[s_older]).await.unwrap();
        assert_eq!((sum.sms_queued, sum.unsubscribed), (0, 1));
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_outbox_retries_transient_failures_gives_up_on_permanent_ones_and_keeps_quiet_at_night() {
    let db = TestDb::sqlite();
    let (app, clock) = app_with_clock(&db).await;
    let gw = Arc::new(Recorder::default());
    let app = app.with_sms(SmsSetup { sender: gw.clone(), policy: SmsPolicy::default() });
    let mut rng = jiuye_app::demo::Rng::new(10);
    let cc = jiuye_app::demo::make_credit_code("130527", &mut rng);
    enterprise(&app, "南和区华泰机械制造有限公司", &cc, "50").await;
    let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
    let p = person(&app, "李师傅", date!(1970 - 01 - 01), 21, "13900000009", "小学").await;
    let s = app.register_seeker(&clerk, p, &SeekerInput { occupations: "电焊工".into(), ..Default::default() }).await.unwrap();

    clock.set(datetime!(2026-11-27 14:00:00 UTC)); // 22:00 China time
    let v = published(&app, &cc, "电焊工").await;
    app.push_vacancy(&clerk, v, &[s]).await.unwrap();
    assert_eq!(app.send_due_sms(10).await.unwrap().deferred, 1, "no SMS at 22:00");
    assert_eq!(app.send_due_sms(10).await.unwrap(), SendReport::default(), "deferred messages are not due yet");

    clock.set(datetime!(2026-11-28 00:05:00 UTC)); // 08:05
    gw.failures.lock().unwrap().push_back(SendError::Transient("timeout".into()));
    assert_eq!(app.send_due_sms(10).await.unwrap().retrying, 1);
    clock.advance(time::Duration::minutes(2));
    assert_eq!(app.send_due_sms(10).await.unwrap().sent, 1, "retried after the back-off");

    let v2 = published(&app, &cc, "氩弧焊工").await;
    app.push_vacancy(&clerk, v2, &[s]).await.unwrap();
    gw.failures.lock().unwrap().push_back(SendError::Permanent("invalid_number".into()));
    assert_eq!(app.send_due_sms(10).await.unwrap().failed, 1);
    let pushes = app.pushes_of_seeker(&clerk, s).await.unwrap();
    let failed = pushes.iter().find(|(p, _)| p.vacancy_id == v2).unwrap();
    assert_eq!(failed.0.outcome, "failed");
    let outbox = app.store.outbox(10).await.unwrap();
    assert!(outbox.iter().any(|m| m.status == "failed" && m.last_error.as_deref() == Some("invalid_number")));
    assert!(outbox.iter().all(|m| m.phone_masked == "139****0009"));
}
