//! Enterprise monitoring on both backends: reports validated with a clear message, alerts raised
//! at their thresholds and owned by the commissioner, corrections raising a level, missing reports
//! of key enterprises after the window, closures reported by another department, township scope.

use jiuye_app::AppError;
use jiuye_app::monitoring::ReportInput;
use jiuye_domain::Role;
use jiuye_test_support::TestDb;
use time::macros::{date, datetime};

use crate::payments::staff;
use crate::vacancies::{actor, app_with_clock, enterprise};

fn code(seed: u64) -> String {
    let mut rng = jiuye_app::demo::Rng::new(seed);
    jiuye_app::demo::make_credit_code("130527", &mut rng)
}

pub fn report(period: &str, start: i64, hires: i64, sep: i64, layoffs: i64, insured: i64) -> ReportInput {
    ReportInput {
        period: period.into(),
        headcount_start: start.to_string(),
        new_hires: hires.to_string(),
        separations: sep.to_string(),
        layoffs: layoffs.to_string(),
        headcount_end: (start + hires - sep).to_string(),
        insured: insured.to_string(),
        vacancies: "3".into(),
        production_status: "normal".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn reports_raise_graded_alerts_owned_by_the_commissioner() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        clock.set(datetime!(2020-05-10 02:00:00 UTC));
        let brewery = enterprise(&app, "燕京啤酒（邢台）有限公司", &code(11), "300").await;
        let glass = enterprise(&app, "南和区晶华玻璃制品有限公司", &code(12), "120").await;
        let hr = actor("hr-beer", Role::EnterpriseHr, None, Some(brewery));
        let e = app.submit_report(&hr, brewery, &report("2020-03", 320, 2, 4, 0, 300)).await.unwrap_err();
        assert!(matches!(&e, AppError::Conflict(m) if m.contains("未纳入")), "{e}");
        app.monitor_enterprise(&staff(), brewery, true, "张专员", "重点企业（措施（二十二））").await.unwrap();
        app.monitor_enterprise(&staff(), glass, true, "李专员", "转型中的玻璃企业").await.unwrap();

        // The balance is checked, the message names the figures.
        let mut bad = report("2020-03", 320, 2, 4, 0, 300);
        bad.headcount_end = "330".into();
        let e = app.submit_report(&hr, brewery, &bad).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "report.balance" && f[0].message.contains("= 318")), "{e}");

        let ok = app.submit_report(&hr, brewery, &report("2020-03", 320, 2, 4, 0, 300)).await.unwrap();
        assert!(ok.alerts.is_empty());
        // April: 22 laid off of 318 (6.9%): orange layoff rate, red statutory layoff; insured 300 → 265 (-11.7%): orange.
        let apr = app.submit_report(&hr, brewery, &report("2020-04", 318, 0, 25, 22, 265)).await.unwrap();
        let rules: Vec<(&str, &str)> = apr.alerts.iter().map(|f| (f.rule, f.level.code())).collect();
        assert!(rules.contains(&("layoff_rate", "orange")), "{rules:?}");
        assert!(rules.contains(&("statutory_layoff", "red")), "{rules:?}");
        assert!(rules.contains(&("insured_drop", "orange")), "{rules:?}");
        let again = app.submit_report(&hr, brewery, &report("2020-04", 318, 0, 25, 22, 265)).await.unwrap_err();
        assert!(matches!(again, AppError::Conflict(_)), "a second report for the month is a correction");

        // A correction raising the layoffs raises the alert's level; it stays one alert.
        let v = app.store.report(brewery, "2020-04").await.unwrap().unwrap().version;
        let corrected = ReportInput { version: v.to_string(), ..report("2020-04", 318, 0, 35, 33, 265) };
        app.submit_report(&staff(), brewery, &corrected).await.unwrap();
        let alerts = app.monitor_alerts(&staff(), Some("2020-04"), None).await.unwrap();
        let rate: Vec<_> = alerts.iter().filter(|a| a.rule == "layoff_rate").collect();
        assert_eq!(rate.len(), 1, "{} {alerts:?}", db.backend);
        assert_eq!((rate[0].level.as_str(), rate[0].owner.as_str()), ("red", "张专员"));
        assert!(rate[0].message.contains("10.3%"), "{}", rate[0].message);

        // After the window (20th–24th of the next month) the glass works, a key enterprise, has
        // not reported April: a yellow alert, raised once.
        assert_eq!(app.refresh_missing_report_alerts(date!(2020 - 05 - 24)).await.unwrap(), 0, "still within the window");
        assert_eq!(app.refresh_missing_report_alerts(date!(2020 - 05 - 25)).await.unwrap(), 1);
        assert_eq!(app.refresh_missing_report_alerts(date!(2020 - 05 - 26)).await.unwrap(), 0);
        let glass_alerts = app.monitor_alerts(&staff(), Some("2020-04"), None).await.unwrap();
        assert!(
            glass_alerts
                .iter()
                .any(|a| a.enterprise_id == glass && a.rule == "missing_report" && a.level == "yellow" && a.owner == "李专员")
        );

        // A closure reported by another department raises a red alert at once.
        app.report_closure(&staff(), glass, "停产整顿", "区市场监管局").await.unwrap();
        let may = app.monitor_alerts(&staff(), Some("2020-05"), None).await.unwrap();
        assert!(may.iter().any(|a| a.enterprise_id == glass && a.rule == "closure" && a.level == "red"), "{may:?}");

        // Both enterprises are in 和阳镇: another township's clerk sees none of it.
        let other = actor("clerk-jiasong", Role::TownshipClerk, Some("130527101"), None);
        assert!(app.monitor_alerts(&other, None, None).await.unwrap().is_empty());
        let mine = actor("clerk-heyang", Role::TownshipClerk, Some("130527100"), None);
        assert!(!app.monitor_alerts(&mine, None, Some("贾宋镇")).await.unwrap().is_empty(), "a filter cannot widen or move the scope");
        assert!(matches!(app.monitor_alerts(&hr, None, None).await, Err(AppError::Forbidden(_))));
        let audit = app.store.verify_audit().await.unwrap();
        assert!(audit.problems.is_empty(), "{:?}", audit.problems);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_layoff_plan_is_checked_for_the_30_day_notice_and_the_threshold_and_linked_to_alerts() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        clock.set(datetime!(2020-07-05 02:00:00 UTC));
        let glass = enterprise(&app, "南和区晶华玻璃制品有限公司", &code(21), "200").await; // 200 staff
        app.monitor_enterprise(&staff(), glass, true, "李专员", "转型中的玻璃企业").await.unwrap();
        let hr = actor("hr-glass", Role::EnterpriseHr, None, Some(glass));
        let plan = |people: &str, notified: &str, placement: &str| jiuye_app::monitoring::LayoffPlanInput {
            people: people.into(),
            layoff_date: "2020-07-31".into(),
            notified_on: notified.into(),
            placement_plan: placement.into(),
            ..Default::default()
        };
        let placement = "内部转岗30人，其余依法支付经济补偿并协助办理失业登记和社保接续";
        // 29, 30 and 31 days between telling the staff and the layoff.
        let c29 = app.file_layoff_plan(&hr, glass, &plan("40", "2020-07-02", placement)).await.unwrap();
        assert_eq!((c29.notice_days, c29.notice_ok), (Some(29), false));
        assert!(c29.missing.iter().any(|m| m.contains("29天")), "{:?}", c29.missing);
        let c30 = app.file_layoff_plan(&hr, glass, &plan("40", "2020-07-01", placement)).await.unwrap();
        assert_eq!((c30.notice_days, c30.notice_ok), (Some(30), true));
        let c31 = app.file_layoff_plan(&hr, glass, &plan("40", "2020-06-30", placement)).await.unwrap();
        assert!(c31.notice_ok && c31.missing.is_empty(), "{:?}", c31.missing);
        // 40 of 200 meets the threshold: the July red alert exists and the plans are linked to it.
        assert!(c31.statutory);
        assert!(!c31.linked_alerts.is_empty());
        let july = app.monitor_alerts(&staff(), Some("2020-07"), None).await.unwrap();
        assert!(july.iter().any(|a| a.rule == "statutory_layoff" && a.level == "red"), "{july:?}");
        // 15 of 200 (7.5%) is below the threshold; a missing placement plan and notice date are listed.
        let small = app.file_layoff_plan(&hr, glass, &plan("15", "", "")).await.unwrap();
        assert!(!small.statutory);
        assert_eq!(small.missing.len(), 2, "{:?}", small.missing);
        let e = app.file_layoff_plan(&hr, glass, &plan("0", "", "")).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "plan.people"), "{e}");
        assert_eq!(app.store.layoff_plans_of(glass).await.unwrap().len(), 4);
        let other = actor("hr-other", Role::EnterpriseHr, None, Some(uuid::Uuid::now_v7()));
        assert!(app.file_layoff_plan(&other, glass, &plan("40", "2020-06-30", placement)).await.is_err());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_year_of_monthly_reports_gives_the_scan_the_stable_post_refunds_layoff_rate() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        clock.set(datetime!(2020-03-10 02:00:00 UTC));
        let firm = enterprise(&app, "南和区润泽食品加工有限公司", &code(31), "60").await;
        app.monitor_enterprise(&staff(), firm, false, "王专员", "稳岗返还考核").await.unwrap();
        let unknown = |app: jiuye_app::App| async move {
            let req = jiuye_app::scan::ScanRequest {
                program: Some("stable_post_refund".into()),
                as_of: Some(date!(2020 - 06 - 30)),
                township: None,
            };
            let r = app.scan_registry(&staff(), &req, &mut |_| {}).await.unwrap();
            r.programs[0].unknown_conditions.iter().map(|(c, _)| c.to_string()).collect::<Vec<_>>()
        };
        assert!(unknown(app.clone()).await.contains(&"layoff_rate".to_string()), "no reports: the layoff rate is unknown");
        for m in 1..=11 {
            app.submit_report(&staff(), firm, &report(&format!("2019-{m:02}"), 60, 1, 1, 0, 55)).await.unwrap();
        }
        assert!(unknown(app.clone()).await.contains(&"layoff_rate".to_string()), "11 months are not a year");
        app.submit_report(&staff(), firm, &report("2019-12", 60, 0, 1, 1, 55)).await.unwrap();
        let after = unknown(app.clone()).await;
        assert!(!after.contains(&"layoff_rate".to_string()), "a complete year decides the layoff rate: {after:?}");
        db.cleanup().await;
    }
}

// ---- Alert handling and the monthly-report import (issue 7, second part).

mod handling_and_import {
    use std::path::Path;

    use jiuye_app::import::{ImportOptions, Limits};
    use jiuye_app::monitoring::{AlertActionInput, ReportInput};
    use jiuye_app::monitoring_import::ReportImport;
    use jiuye_app::registry::EnterpriseInput;
    use jiuye_app::{Actor, App, AppError};
    use jiuye_domain::Role;
    use jiuye_io::{OutCell, XlsxSheet};
    use jiuye_test_support::TestDb;
    use time::macros::datetime;
    use uuid::Uuid;

    use super::report;
    use crate::fixture;
    use crate::payments::{leader, staff};
    use crate::vacancies::{actor, app_with_clock};

    /// Valid credit codes (GB 32100), the same as in `fixtures/src/reports_lo.csv`.
    const CODES: [&str; 7] = [
        "91130527MA0JY0001H",
        "91130527MA0JY0002L",
        "91130527MA0JY0003P",
        "91130527MA0JY0004T",
        "91130527MA0JY0005X",
        "91130527MA0JY00061",
        "91130527MA0JY00074",
    ];

    async fn firm(app: &App, name: &str, code: &str, township: &str, staff_n: &str) -> Uuid {
        let input = EnterpriseInput {
            name: name.into(),
            credit_code: code.into(),
            township: township.into(),
            industry: "工业".into(),
            staff: staff_n.into(),
            insured: staff_n.into(),
            revenue_wan: "3000".into(),
            ..Default::default()
        };
        app.create_enterprise(&Actor::cli(), &input).await.unwrap()
    }

    fn act(action: &str, note: &str, status: &str) -> AlertActionInput {
        AlertActionInput { action: action.into(), note: note.into(), status: status.into() }
    }

    #[tokio::test]
    async fn alert_actions_follow_their_rules_are_kept_in_order_and_audited() {
        for db in TestDb::all().await {
            let b = db.backend;
            let (app, clock) = app_with_clock(&db).await;
            clock.set(datetime!(2020-05-10 02:00:00 UTC));
            let glass = firm(&app, "南和区晶华玻璃制品有限公司", CODES[0], "和阳镇", "320").await;
            app.monitor_enterprise(&staff(), glass, true, "李专员", "转型中的玻璃企业").await.unwrap();
            app.submit_report(&staff(), glass, &report("2020-04", 318, 0, 25, 22, 265)).await.unwrap();
            let alerts = app.monitor_alerts(&staff(), Some("2020-04"), None).await.unwrap();
            let id = alerts.iter().find(|a| a.rule == "statutory_layoff").unwrap().id;

            // Take it on; a second take-on is refused, so is a contact without a note.
            assert_eq!(app.act_on_alert(&staff(), id, &act("take", "", "open")).await.unwrap(), "handling");
            let e = app.act_on_alert(&staff(), id, &act("take", "", "handling")).await.unwrap_err();
            assert!(matches!(&e, AppError::Conflict(m) if m.contains("已在处理中")), "{b}: {e}");
            let e = app.act_on_alert(&staff(), id, &act("contact", " ", "handling")).await.unwrap_err();
            assert!(matches!(&e, AppError::Validation(f) if f[0].field == "情况说明"), "{b}: {e}");
            let e = app.act_on_alert(&staff(), id, &act("promote", "x", "handling")).await.unwrap_err();
            assert!(matches!(&e, AppError::Validation(f) if f[0].field == "处理方式"), "{b}: {e}");
            // The clerk of the enterprise's township notes a visit.
            let heyang = actor("clerk-heyang", Role::TownshipClerk, Some("130527100"), None);
            app.act_on_alert(&heyang, id, &act("visit", "走访企业人事部，裁员22人已签协议，14人愿意参加培训", "handling")).await.unwrap();
            // Closing needs a reason.
            let e = app.act_on_alert(&staff(), id, &act("close", "", "handling")).await.unwrap_err();
            assert!(matches!(&e, AppError::Validation(f) if f[0].message.contains("关闭预警须写明原因")), "{b}: {e}");
            assert_eq!(
                app.act_on_alert(&staff(), id, &act("close", "裁员方案已备案，职工已妥善安置", "handling")).await.unwrap(),
                "closed"
            );
            // A form shown before the close is stale: nothing is recorded over it.
            let e = app.act_on_alert(&heyang, id, &act("contact", "电话联系企业", "handling")).await.unwrap_err();
            assert!(matches!(&e, AppError::Conflict(m) if m.contains("已被他人处理") && m.contains("已关闭")), "{b}: {e}");
            let e = app.act_on_alert(&heyang, id, &act("contact", "电话联系企业", "closed")).await.unwrap_err();
            assert!(matches!(&e, AppError::Conflict(m) if m.contains("先重新打开")), "{b}: {e}");
            let e = app.act_on_alert(&staff(), id, &act("reopen", "", "closed")).await.unwrap_err();
            assert!(matches!(&e, AppError::Validation(_)), "{b}: {e}");
            assert_eq!(app.act_on_alert(&staff(), id, &act("reopen", "企业又报告新一批裁员", "closed")).await.unwrap(), "open");
            let e = app.act_on_alert(&staff(), id, &act("reopen", "再开一次", "open")).await.unwrap_err();
            assert!(matches!(&e, AppError::Conflict(m) if m.contains("未关闭")), "{b}: {e}");

            // The whole history, oldest first: the system's entry and every action, with who and why.
            let d = app.alert_detail(&staff(), id).await.unwrap();
            let seq: Vec<&str> = d.history.iter().map(|h| h.action.as_str()).collect();
            assert_eq!(seq, ["raised", "take", "visit", "close", "reopen"], "{b}");
            assert_eq!(d.history[2].actor, "clerk-heyang");
            assert!(
                d.history[3].note.starts_with("裁员方案已备案") && d.history[3].note.ends_with("职工已妥善安置"),
                "{}",
                d.history[3].note
            );
            assert_eq!((d.alert.status.as_str(), d.status_label), ("open", "待处理"));
            assert!(d.can_act && d.actions.iter().any(|(c, _)| *c == "take"));
            for (action, n) in [("alert.take", 1), ("alert.visit", 1), ("alert.close", 1), ("alert.reopen", 1), ("alert.contact", 0)] {
                assert_eq!(app.store.count_audit(action).await.unwrap(), n, "{b}: {action}");
            }

            // A leader reads the history but records nothing; an enterprise account sees no alert;
            // another township's clerk finds nothing (and the attempt is audited).
            let d = app.alert_detail(&leader(), id).await.unwrap();
            assert!(!d.can_act && d.actions.is_empty());
            assert!(matches!(app.act_on_alert(&leader(), id, &act("take", "", "open")).await, Err(AppError::Forbidden(_))));
            let hr = actor("hr-glass", Role::EnterpriseHr, None, Some(glass));
            assert!(matches!(app.alert_detail(&hr, id).await, Err(AppError::Forbidden(_))));
            assert!(matches!(app.act_on_alert(&hr, id, &act("close", "不需要", "open")).await, Err(AppError::Forbidden(_))));
            let jiasong = actor("clerk-jiasong", Role::TownshipClerk, Some("130527101"), None);
            let denied = app.store.count_audit("authz_denied").await.unwrap();
            assert!(matches!(app.alert_detail(&jiasong, id).await, Err(AppError::NotFound)));
            assert!(matches!(app.act_on_alert(&jiasong, id, &act("take", "", "open")).await, Err(AppError::NotFound)));
            assert_eq!(app.store.count_audit("authz_denied").await.unwrap(), denied + 2);
            assert!(matches!(app.alert_detail(&staff(), 999_999).await, Err(AppError::NotFound)));
            assert_eq!(app.alert_detail(&staff(), id).await.unwrap().history.len(), 5, "refused actions leave no trace in the history");

            // Every action is in the audit chain, which still verifies.
            let audit = app.store.verify_audit().await.unwrap();
            assert!(audit.problems.is_empty(), "{b}: {:?}", audit.problems);
            db.cleanup().await;
        }
    }

    #[tokio::test]
    async fn an_alert_without_a_commissioner_belongs_to_whoever_takes_it_on() {
        for db in TestDb::all().await {
            let (app, clock) = app_with_clock(&db).await;
            clock.set(datetime!(2020-07-05 02:00:00 UTC));
            // Not monitored: a statutory plan raises an alert with no commissioner.
            let e = firm(&app, "南和区润泽食品加工有限公司", CODES[1], "和阳镇", "200").await;
            let check = app
                .file_layoff_plan(
                    &staff(),
                    e,
                    &jiuye_app::monitoring::LayoffPlanInput {
                        people: "40".into(),
                        layoff_date: "2020-07-31".into(),
                        notified_on: "2020-06-30".into(),
                        placement_plan: "内部转岗十人，其余依法支付经济补偿并办理失业登记".into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let id = check.linked_alerts[0];
            assert_eq!(app.alert_detail(&staff(), id).await.unwrap().alert.owner, "");
            let taker = jiuye_app::Actor { display_name: "赵科长".into(), ..staff() };
            app.act_on_alert(&taker, id, &act("take", "", "")).await.unwrap();
            let d = app.alert_detail(&staff(), id).await.unwrap();
            assert_eq!((d.alert.owner.as_str(), d.alert.status.as_str()), ("赵科长", "handling"));
            db.cleanup().await;
        }
    }

    #[tokio::test]
    async fn the_enterprise_page_data_follows_the_scope_and_a_correction_starts_from_the_stored_version() {
        for db in TestDb::all().await {
            let (app, clock) = app_with_clock(&db).await;
            clock.set(datetime!(2020-05-10 02:00:00 UTC));
            let own = firm(&app, "燕京啤酒（邢台）有限公司", CODES[0], "和阳镇", "320").await;
            let other = firm(&app, "贾宋镇鑫达机械厂", CODES[1], "贾宋镇", "80").await;
            let hr = actor("hr-beer", Role::EnterpriseHr, None, Some(own));
            let m = app.enterprise_monitoring(&hr, own).await.unwrap();
            assert!(m.monitored.is_none() && !m.can_report && m.can_file_plan && !m.can_manage && !m.can_handle_alerts);
            app.monitor_enterprise(&staff(), own, true, "张专员", "重点企业").await.unwrap();
            let m = app.enterprise_monitoring(&hr, own).await.unwrap();
            assert!(m.can_report);
            assert!(matches!(app.enterprise_monitoring(&hr, other).await, Err(AppError::NotFound)));
            let jiasong = actor("clerk-jiasong", Role::TownshipClerk, Some("130527101"), None);
            assert!(matches!(app.enterprise_monitoring(&jiasong, own).await, Err(AppError::NotFound)));
            let m = app.enterprise_monitoring(&jiasong, other).await.unwrap();
            assert!(!m.can_report && !m.can_file_plan && m.can_handle_alerts, "not monitored: nothing to report");
            let m = app.enterprise_monitoring(&leader(), own).await.unwrap();
            assert!(!m.can_report && !m.can_file_plan && !m.can_manage && !m.can_handle_alerts);
            assert!(matches!(app.layoff_plan_enterprise(&leader(), own).await, Err(AppError::Forbidden(_))));
            assert!(matches!(app.layoff_plan_enterprise(&jiasong, other).await, Err(AppError::Forbidden(_))));
            assert!(matches!(app.layoff_plan_enterprise(&hr, other).await, Err(AppError::NotFound)));

            app.submit_report(&hr, own, &report("2020-04", 320, 2, 4, 0, 300)).await.unwrap();
            let input = app.report_for_correction(&hr, own, "2020-4").await.unwrap();
            assert_eq!((input.period.as_str(), input.headcount_end.as_str(), input.version.as_str()), ("2020-04", "318", "1"));
            // Two people correct the same version: the second is refused, the first stays.
            let first = ReportInput { new_hires: "3".into(), headcount_end: "319".into(), ..input.clone() };
            app.submit_report(&staff(), own, &first).await.unwrap();
            let e = app
                .submit_report(&hr, own, &ReportInput { new_hires: "4".into(), headcount_end: "320".into(), ..input })
                .await
                .unwrap_err();
            assert!(matches!(&e, AppError::Conflict(m) if m.contains("已被他人修改")), "{e}");
            let m = app.enterprise_monitoring(&hr, own).await.unwrap();
            assert_eq!((m.reports[0].headcount_end, m.reports[0].version, m.reports[0].channel.as_str()), (319, 2, "window"));
            assert!(matches!(app.report_for_correction(&hr, own, "2020-03").await, Err(AppError::NotFound)));
            assert!(matches!(app.report_for_correction(&leader(), own, "2020-04").await, Err(AppError::Forbidden(_))));
            db.cleanup().await;
        }
    }

    fn opts(all_or_nothing: bool) -> ImportOptions {
        ImportOptions { all_or_nothing, limits: Limits::default() }
    }

    async fn import(app: &App, who: &Actor, path: &Path, aon: bool) -> Result<ReportImport, AppError> {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        app.import_reports(who, path, &name, &opts(aon)).await
    }

    fn errors_of(r: &ReportImport, row: u32) -> Vec<String> {
        r.errors.iter().chain(&r.conflict_rows).filter(|e| e.row == row).map(|e| format!("{}：{}", e.column, e.reason)).collect()
    }

    /// Monitored 1, 2, 4, 5 and 6 in 和阳镇, 7 in 贾宋镇; 3 registered but not monitored. The 5th
    /// already reported April on the form.
    async fn import_setup(app: &App) -> Vec<Uuid> {
        let mut ids = Vec::new();
        for (i, code) in CODES.iter().enumerate() {
            let township = if i == 6 { "贾宋镇" } else { "和阳镇" };
            let id = firm(app, &format!("监测企业{}", i + 1), code, township, "300").await;
            if i != 2 {
                app.monitor_enterprise(&staff(), id, i == 0, &format!("专员{}", i + 1), "重点监测").await.unwrap();
            }
            ids.push(id);
        }
        app.submit_report(&staff(), ids[4], &report("2020-04", 60, 0, 0, 0, 55)).await.unwrap();
        ids
    }

    fn row(code: &str, period: &str, f: [i64; 7], status: &str, difficulties: &str) -> Vec<OutCell> {
        let mut cells = vec![OutCell::Text(code.into()), OutCell::Text(period.into())];
        cells.extend(f.iter().map(|n| OutCell::Int(*n)));
        cells.push(OutCell::Text(status.into()));
        cells.push(OutCell::Text(difficulties.into()));
        cells
    }

    /// The file our own writer produces (what an export or a filled template looks like).
    fn our_xlsx(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("月报表.xlsx");
        let rows = vec![
            // 2: the 2nd enterprise's April, before its March (the import orders them).
            row(CODES[1], "2020-04", [100, 0, 0, 0, 100, 85, 2], "正常生产", ""),
            // 3: March of the 2nd: April's insured staff 85 vs 100 is a 15% drop.
            row(CODES[1], "2020-03", [100, 0, 0, 0, 100, 100, 2], "正常生产", ""),
            // 4: 22 of 318 laid off: orange rate, red statutory.
            row(CODES[0], "2020-04", [318, 0, 25, 22, 293, 280, 0], "减产（部分停工）", "订单减少"),
            // 5: the balance is wrong.
            row(CODES[3], "2020-04", [100, 5, 10, 2, 96, 90, 0], "正常生产", ""),
            // 6: not monitored.
            row(CODES[2], "2020-04", [50, 0, 0, 0, 50, 45, 1], "停产", ""),
            // 7: not registered at all.
            row("91130527MA0JY00087", "2020-04", [50, 0, 0, 0, 50, 45, 1], "正常生产", ""),
            // 8: April of the 5th is already stored: a conflict, not an overwrite.
            row(CODES[4], "2020-04", [60, 0, 10, 10, 50, 45, 0], "正常生产", ""),
            // 9: the 2nd's March again.
            row(CODES[1], "2020-03", [100, 0, 0, 0, 100, 100, 2], "正常生产", ""),
            // 10: a month in the future, an unknown status, a wrong check character.
            row(CODES[5], "2030-01", [10, 0, 0, 0, 10, 10, 0], "还行", ""),
            row("91130527MA0JY00062", "2020-04", [10, 0, 0, 0, 10, 10, 0], "正常生产", ""),
            // 12: the enterprise of 贾宋镇.
            row(CODES[6], "2020-04", [40, 0, 0, 0, 40, 40, 0], "正常生产", ""),
        ];
        let headers = jiuye_app::monitoring_import::REPORT_HEADERS;
        let sheet = XlsxSheet { name: "月报表", headers: &headers, text_columns: &[0, 1] };
        jiuye_io::write_xlsx(&path, &sheet, rows, None).unwrap();
        path
    }

    #[tokio::test]
    async fn an_import_stores_the_good_rows_raises_their_alerts_and_keeps_what_was_already_reported() {
        for db in TestDb::all().await {
            let b = db.backend;
            let (app, clock) = app_with_clock(&db).await;
            clock.set(datetime!(2020-05-21 02:00:00 UTC));
            let ids = import_setup(&app).await;
            let dir = tempfile::tempdir().unwrap();
            let path = our_xlsx(dir.path());
            let r = import(&app, &staff(), &path, false).await.unwrap();
            assert_eq!((r.rows, r.stored, r.rejected, r.conflicts), (11, 4, 6, 1), "{b}: {:#?} {:#?}", r.errors, r.conflict_rows);
            assert!(r.committed);
            assert!(errors_of(&r, 5).iter().any(|e| e.starts_with("月末人数：月初100 + 新招用5 − 减员10 = 95")), "{:?}", errors_of(&r, 5));
            assert!(errors_of(&r, 6)[0].contains("未纳入用工监测"), "{:?}", errors_of(&r, 6));
            assert!(errors_of(&r, 7)[0].contains("未在企业名册中登记"), "{:?}", errors_of(&r, 7));
            let conflict = errors_of(&r, 8);
            assert!(
                conflict[0].starts_with("报表月份：") && conflict[0].contains("导入不覆盖") && conflict[0].contains("第1版"),
                "{conflict:?}"
            );
            assert!(errors_of(&r, 9)[0].contains("与第3行重复"), "{:?}", errors_of(&r, 9));
            let row10 = errors_of(&r, 10);
            assert!(row10.iter().any(|e| e.starts_with("生产经营状况：“还行”")), "{row10:?}");
            let row11 = errors_of(&r, 11);
            assert!(row11.iter().any(|e| e.starts_with("统一社会信用代码：校验码错误")), "{row11:?}");
            // The stored April of the 5th is as it was.
            let kept = app.store.report(ids[4], "2020-04").await.unwrap().unwrap();
            assert_eq!((kept.layoffs, kept.version, kept.channel.as_str()), (0, 1, "window"));
            // Stored rows came in by import and raised their alerts: the 2nd's April was compared
            // with its March from the same file.
            let apr = app.store.report(ids[1], "2020-04").await.unwrap().unwrap();
            assert_eq!((apr.channel.as_str(), apr.reported_by.as_str()), ("import", "staff1"));
            let raised: Vec<(u32, &str, &str)> = r.alerts.iter().map(|a| (a.row, a.rule, a.level)).collect();
            assert!(raised.contains(&(2, "insured_drop", "orange")), "{b}: {raised:?}");
            assert!(raised.contains(&(4, "statutory_layoff", "red")) && raised.contains(&(4, "layoff_rate", "orange")), "{raised:?}");
            let alerts = app.monitor_alerts(&staff(), Some("2020-04"), None).await.unwrap();
            let statutory = alerts.iter().find(|a| a.enterprise_id == ids[0] && a.rule == "statutory_layoff").unwrap();
            assert_eq!(statutory.owner, "专员1");
            assert_eq!(app.alert_detail(&staff(), statutory.id).await.unwrap().history[0].action, "raised");
            assert_eq!(app.store.count_audit("report.import").await.unwrap(), 1);
            // The same file again: everything stored is now a conflict, nothing changes.
            let again = import(&app, &staff(), &path, false).await.unwrap();
            assert_eq!((again.stored, again.conflicts), (0, 5), "{b}: {:#?}", again.conflict_rows);
            assert_eq!(app.store.report(ids[1], "2020-04").await.unwrap().unwrap().version, 1);
            let audit = app.store.verify_audit().await.unwrap();
            assert!(audit.problems.is_empty(), "{b}: {:?}", audit.problems);
            db.cleanup().await;
        }
    }

    #[tokio::test]
    async fn all_or_nothing_stores_nothing_and_scope_and_roles_hold() {
        for db in TestDb::all().await {
            let b = db.backend;
            let (app, clock) = app_with_clock(&db).await;
            clock.set(datetime!(2020-05-21 02:00:00 UTC));
            let ids = import_setup(&app).await;
            let dir = tempfile::tempdir().unwrap();
            let path = our_xlsx(dir.path());
            let r = import(&app, &staff(), &path, true).await.unwrap();
            assert!(!r.committed && r.stored == 0 && r.alerts.is_empty(), "{b}: {r:?}");
            assert_eq!((r.rejected, r.conflicts), (6, 1));
            assert!(app.store.report(ids[1], "2020-04").await.unwrap().is_none(), "{b}: nothing stored");
            assert!(app.monitor_alerts(&staff(), Some("2020-04"), None).await.unwrap().is_empty());
            // A clerk of 和阳镇: the 贾宋镇 enterprise's row is refused, naming both townships.
            let heyang = actor("clerk-heyang", Role::TownshipClerk, Some("130527100"), None);
            let r = import(&app, &heyang, &path, false).await.unwrap();
            let row12 = errors_of(&r, 12);
            assert!(
                row12[0].contains("该代码未在本乡镇（和阳镇）企业名册中登记") && !row12[0].contains("贾宋镇"),
                "another township is not named: {b}: {row12:?}"
            );
            assert_eq!(r.stored, 3, "{b}: {:#?}", r.errors);
            for who in [leader(), actor("hr", Role::EnterpriseHr, None, Some(ids[0]))] {
                assert!(matches!(import(&app, &who, &path, false).await, Err(AppError::Forbidden(_))));
            }
            // A file without the required columns is refused as a whole.
            let csv = dir.path().join("bad.csv");
            std::fs::write(&csv, "统一社会信用代码,报表月份,月初人数\n91130527MA0JY0001H,2020-04,10\n").unwrap();
            let e = import(&app, &staff(), &csv, false).await.unwrap_err();
            assert!(matches!(&e, AppError::BadInput(m) if m.contains("缺少必需的列") && m.contains("新招用人数")), "{e}");
            db.cleanup().await;
        }
    }

    #[tokio::test]
    async fn a_csv_with_other_column_names_and_a_libreoffice_file_import_alike() {
        for db in TestDb::all().await {
            let b = db.backend;
            let (app, clock) = app_with_clock(&db).await;
            clock.set(datetime!(2020-05-21 02:00:00 UTC));
            let ids = import_setup(&app).await;
            // LibreOffice Calc: a text month, a date cell (2020-04-01), 2020/4, 2020年4月, an ignored column.
            let r = import(&app, &staff(), &fixture("reports_lo.xlsx"), false).await.unwrap();
            assert_eq!((r.rows, r.stored, r.rejected, r.conflicts), (6, 2, 3, 1), "{b}: {:#?} {:#?}", r.errors, r.conflict_rows);
            assert_eq!(r.ignored_columns, vec!["备注".to_string()]);
            let apr = app.store.report(ids[0], "2020-04").await.unwrap().unwrap();
            assert_eq!((apr.layoffs, apr.insured, apr.difficulties.as_str()), (22, 265, "订单减少"));
            assert!(r.alerts.iter().any(|a| a.row == 3 && a.rule == "insured_drop"), "{:?}", r.alerts);
            assert!(errors_of(&r, 4).iter().any(|e| e.starts_with("月末人数")), "{:?}", errors_of(&r, 4));
            assert!(errors_of(&r, 5)[0].contains("未纳入用工监测"));
            assert!(errors_of(&r, 6).iter().any(|e| e.starts_with("生产经营状况：“还行”")), "{:?}", errors_of(&r, 6));
            assert!(errors_of(&r, 7)[0].contains("导入不覆盖"), "{:?}", errors_of(&r, 7));

            // A CSV in GBK with the names offices use (信用代码, 月份, 生产经营状态).
            let dir = tempfile::tempdir().unwrap();
            let csv = dir.path().join("报表.csv");
            let text = format!(
                "信用代码,月份,月初人数,新招用人数,减员人数,其中：裁员人数,月末人数,参保人数,生产经营状态\n{},2020年3月,100,1,1,0,100,95,正常\n",
                CODES[3]
            );
            let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
            std::fs::write(&csv, &gbk).unwrap();
            let r = import(&app, &staff(), &csv, false).await.unwrap();
            assert_eq!((r.stored, r.rejected), (1, 0), "{b}: {:#?}", r.errors);
            let mar = app.store.report(ids[3], "2020-03").await.unwrap().unwrap();
            assert_eq!((mar.vacancies, mar.production_status.as_str()), (0, "normal"));
            db.cleanup().await;
        }
    }

    #[tokio::test]
    async fn the_template_reads_back_with_its_example_row() {
        let db = TestDb::sqlite();
        let (app, clock) = app_with_clock(&db).await;
        clock.set(datetime!(2020-05-21 02:00:00 UTC));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        app.write_report_template(&path).unwrap();
        // The example enterprise is not registered: the template's row is reported, not stored.
        let r = import(&app, &staff(), &path, false).await.unwrap();
        assert_eq!((r.rows, r.rejected), (1, 1), "{:#?}", r.errors);
        assert!(r.errors[0].reason.contains("未在企业名册中登记"), "{:?}", r.errors);
        db.cleanup().await;
    }
}

// ---- Demo monitoring data and SMS reminders of late reports (issue 7).

mod demo_and_reminders {
    use std::collections::BTreeSet;

    use jiuye_app::AppError;
    use jiuye_app::monitoring_remind::{STAGE_DUE, STAGE_OVERDUE};
    use jiuye_domain::Role;
    use jiuye_store::audit::AuditQuery;
    use jiuye_test_support::TestDb;
    use time::macros::{date, datetime};

    use super::{code, report};
    use crate::payments::staff;
    use crate::vacancies::{actor, app_with_clock, enterprise};

    #[tokio::test]
    async fn the_demo_fills_monitoring_with_every_alert_level_a_missing_report_and_layoff_plans() {
        let db = TestDb::sqlite();
        let (app, _clock) = app_with_clock(&db).await; // 2026-11-27: the last complete month is 2026-10
        app.generate_demo(600, 11, &mut |_| {}).await.unwrap();
        let d = app.generate_demo_monitoring(11).await.unwrap();
        let monitored = app.store.list_monitored(None).await.unwrap();
        assert_eq!(monitored.len() as u64, d.monitored);
        assert!(d.monitored >= 12, "{d:?}");
        let key = monitored.iter().filter(|m| m.is_key).count();
        assert!(key as u64 == d.key && key * 4 >= monitored.len() && key * 2 <= monitored.len(), "about a third are key: {d:?}");
        assert!(monitored.iter().all(|m| !m.commissioner.is_empty()));
        assert!(monitored.iter().any(|m| m.name.contains("啤酒")), "the brewery is monitored");

        // Every stored report is consistent; the months run from 2019-01 to 2026-10.
        let mut periods = BTreeSet::new();
        let mut stored = 0u64;
        for m in &monitored {
            for r in app.store.reports_of(m.enterprise_id, 1000).await.unwrap() {
                assert_eq!(r.headcount_start + r.new_hires - r.separations, r.headcount_end, "{} {}", m.name, r.period);
                assert!(r.layoffs <= r.separations && r.insured <= r.headcount_start.max(r.headcount_end), "{} {}", m.name, r.period);
                assert!(r.headcount_end >= 0 && r.insured >= 0);
                periods.insert(r.period);
                stored += 1;
            }
        }
        assert_eq!(stored, d.reports);
        assert_eq!(periods.first().map(String::as_str), Some("2019-01"));
        assert_eq!(periods.last().map(String::as_str), Some("2026-10"));
        assert_eq!(periods.len(), 94);

        // Every level, the missing report of a key enterprise, a closure; alerts are the exception.
        let alerts = app.monitor_alerts(&staff(), None, None).await.unwrap();
        let levels: BTreeSet<&str> = alerts.iter().map(|a| a.level.as_str()).collect();
        assert_eq!(levels, BTreeSet::from(["orange", "red", "yellow"]), "{d:?}");
        assert_eq!((d.yellow + d.orange + d.red) as usize, alerts.len());
        let rules: BTreeSet<&str> = alerts.iter().map(|a| a.rule.as_str()).collect();
        for rule in ["layoff_rate", "statutory_layoff", "headcount_drop", "insured_drop", "closure", "missing_report"] {
            assert!(rules.contains(rule), "no {rule} alert: {rules:?}");
        }
        let missing = alerts.iter().find(|a| a.rule == "missing_report" && a.period == "2026-10").expect("missing_report for 2026-10");
        assert!(monitored.iter().any(|m| m.enterprise_id == missing.enterprise_id && m.is_key));
        let from_reports = alerts.iter().filter(|a| !matches!(a.rule.as_str(), "missing_report" | "closure")).count() as u64;
        assert!(from_reports * 25 < d.reports, "{from_reports} alerts from {} reports", d.reports);
        assert!(d.late >= 2, "the key enterprise and one more are late with 2026-10: {d:?}");

        // The plans: one with its 30-day notice and nothing missing, one with too short a notice.
        let mut plans = Vec::new();
        for m in &monitored {
            plans.extend(app.store.layoff_plans_of(m.enterprise_id).await.unwrap());
        }
        assert_eq!(plans.len() as u64, d.plans);
        assert!(plans.iter().any(|p| p.missing == "[]" && p.notice_days.is_some_and(|n| n >= 30)), "{plans:?}");
        assert!(plans.iter().any(|p| p.missing != "[]" && p.notice_days.is_some_and(|n| n < 30)), "{plans:?}");

        // The reports give the stable-post refund's layoff rate of 2019 to the scan.
        let req =
            jiuye_app::scan::ScanRequest { program: Some("stable_post_refund".into()), as_of: Some(date!(2020 - 06 - 30)), township: None };
        let scan = app.scan_registry(&staff(), &req, &mut |_| {}).await.unwrap();
        let unknown_rate = scan.programs[0].unknown_conditions.iter().find(|(c, _)| *c == "layoff_rate").map_or(0, |(_, n)| *n);
        assert_eq!(unknown_rate, scan.enterprises - monitored.len(), "every monitored enterprise has its 2019 layoff rate decided");
        let totals = app.store.report_totals_of_year(2019).await.unwrap();
        let low = totals.iter().filter(|(_, months, layoffs, insured)| *months == 12 && layoffs * 12 * 1000 <= 55 * insured).count();
        assert!(low >= 5, "enterprises with a complete 2019 and a layoff rate within 5.5%: {low}");
        assert!(app.store.verify_audit().await.unwrap().problems.is_empty());
        db.cleanup().await;
    }

    #[tokio::test]
    async fn late_reports_are_listed_and_reminded_by_sms_once_per_stage() {
        for db in TestDb::all().await {
            let (app, clock) = app_with_clock(&db).await;
            clock.set(datetime!(2020-05-10 02:00:00 UTC));
            let glass = enterprise(&app, "南和区晶华玻璃制品有限公司", &code(41), "150").await;
            let food = enterprise(&app, "南和区润泽食品加工有限公司", &code(42), "80").await;
            let prompt = enterprise(&app, "南和区恒达机械制造有限公司", &code(43), "60").await;
            let _unmonitored = enterprise(&app, "南和区顺通物流有限公司", &code(44), "30").await;
            app.monitor_enterprise(&staff(), glass, true, "李专员", "转型中的玻璃企业").await.unwrap();
            app.monitor_enterprise(&staff(), food, false, "王专员", "规模以上工业企业").await.unwrap();
            app.monitor_enterprise(&staff(), prompt, false, "王专员", "规模以上工业企业").await.unwrap();
            app.submit_report(&staff(), prompt, &report("2020-04", 60, 1, 1, 0, 55)).await.unwrap();
            let outbox = |app: jiuye_app::App| async move {
                app.store.outbox(100).await.unwrap().into_iter().filter(|m| m.purpose.starts_with("report_reminder:")).collect::<Vec<_>>()
            };

            // Before the window's last two days (the window is the 20th–24th): nothing.
            for day in [date!(2020 - 05 - 10), date!(2020 - 05 - 20), date!(2020 - 05 - 22)] {
                let r = app.remind_late_reports(day).await.unwrap();
                assert_eq!((r.stage, r.queued), (None, 0), "{day}");
            }
            assert!(outbox(app.clone()).await.is_empty());

            // The 23rd: one SMS to each enterprise without its April report; none to the one that
            // reported, none to the unmonitored one. Again that day, or on the 24th: nothing new.
            clock.set(datetime!(2020-05-23 01:00:00 UTC));
            let r = app.remind_late_reports(date!(2020 - 05 - 23)).await.unwrap();
            assert_eq!((r.period.as_str(), r.stage, r.queued), ("2020-04", Some(STAGE_DUE), 2), "{} {r:?}", db.backend);
            let again = app.remind_late_reports(date!(2020 - 05 - 23)).await.unwrap();
            assert_eq!((again.queued, again.already), (0, 2));
            assert_eq!(app.remind_late_reports(date!(2020 - 05 - 24)).await.unwrap().queued, 0);
            let sms = outbox(app.clone()).await;
            assert_eq!(sms.len(), 2);
            let targets: BTreeSet<String> = sms.iter().map(|m| m.purpose.rsplit(':').next().unwrap().to_string()).collect();
            assert_eq!(targets, BTreeSet::from([glass.to_string(), food.to_string()]));
            for m in &sms {
                assert!(m.text.contains("2020年4月") && m.text.contains("2020年5月24日"), "{}", m.text);
                assert!(
                    !m.text.contains("晶华") && !m.text.contains("润泽") && !m.text.contains("138"),
                    "nothing about the enterprise: {}",
                    m.text
                );
                assert_eq!((m.status.as_str(), m.phone_masked.as_str()), ("queued", "138****5678"));
            }

            // The late list: both, reminded; the clerk of another township sees none of it.
            let late = app.late_reports(&staff(), Some("2020-04"), None).await.unwrap();
            assert_eq!(late.deadline, date!(2020 - 05 - 24));
            assert!(!late.overdue);
            let names: Vec<(&str, bool)> = late.enterprises.iter().map(|e| (e.enterprise.as_str(), e.reminded)).collect();
            assert_eq!(names, vec![("南和区晶华玻璃制品有限公司", true), ("南和区润泽食品加工有限公司", true)], "key enterprises first");
            assert_eq!(late.enterprises[0].reminders[0].stage, STAGE_DUE);
            let other = actor("clerk-jiasong", Role::TownshipClerk, Some("130527101"), None);
            assert!(app.late_reports(&other, Some("2020-04"), None).await.unwrap().enterprises.is_empty());
            let mine = actor("clerk-heyang", Role::TownshipClerk, Some("130527100"), None);
            assert_eq!(app.late_reports(&mine, Some("2020-04"), Some("贾宋镇")).await.unwrap().enterprises.len(), 2);
            let hr = actor("hr-glass", Role::EnterpriseHr, None, Some(glass));
            assert!(matches!(app.late_reports(&hr, None, None).await, Err(AppError::Forbidden(_))));

            // The food firm reports on the last day; after the window only the glass works gets
            // the overdue reminder, once.
            clock.set(datetime!(2020-05-24 03:00:00 UTC));
            app.submit_report(&staff(), food, &report("2020-04", 80, 0, 2, 0, 70)).await.unwrap();
            clock.set(datetime!(2020-05-25 01:00:00 UTC));
            let r = app.remind_late_reports(date!(2020 - 05 - 25)).await.unwrap();
            assert_eq!((r.stage, r.queued), (Some(STAGE_OVERDUE), 1));
            assert_eq!(app.remind_late_reports(date!(2020 - 05 - 28)).await.unwrap().queued, 0);
            let sms = outbox(app.clone()).await;
            let overdue: Vec<_> = sms.iter().filter(|m| m.purpose.contains(":overdue:")).collect();
            assert_eq!(overdue.len(), 1);
            assert!(overdue[0].purpose.ends_with(&glass.to_string()) && overdue[0].text.contains("2020年4月"), "{}", overdue[0].text);
            let late = app.late_reports(&staff(), Some("2020-04"), None).await.unwrap();
            assert!(late.overdue);
            assert_eq!(late.enterprises.len(), 1);
            assert_eq!(late.enterprises[0].reminders.len(), 2);

            // A key enterprise taken into monitoring after April never owed April's report: no
            // reminder, not on the late list, no missing-report alert.
            let newcomer = enterprise(&app, "南和区新源纺织有限公司", &code(45), "90").await;
            app.monitor_enterprise(&staff(), newcomer, true, "李专员", "新纳入的重点企业").await.unwrap();
            clock.set(datetime!(2020-05-26 01:00:00 UTC));
            let r = app.remind_late_reports(date!(2020 - 05 - 26)).await.unwrap();
            assert_eq!((r.queued, r.already), (0, 1), "{r:?}");
            assert_eq!(app.late_reports(&staff(), Some("2020-04"), None).await.unwrap().enterprises.len(), 1);
            app.refresh_missing_report_alerts(date!(2020 - 05 - 26)).await.unwrap();
            let april = app.monitor_alerts(&staff(), Some("2020-04"), None).await.unwrap();
            assert!(april.iter().any(|a| a.enterprise_id == glass && a.rule == "missing_report"));
            assert!(!april.iter().any(|a| a.enterprise_id == newcomer), "{april:?}");

            // Each run that queued something is audited as the system.
            let q = AuditQuery { action: Some("monitor.report_reminders".into()), limit: 10, ..Default::default() };
            let runs = app.store.list_audit(&q).await.unwrap();
            assert_eq!(runs.len(), 2);
            assert!(runs.iter().all(|a| a.actor_login == "system:monitor" && a.object_id.as_deref() == Some("2020-04")));
            assert!(app.store.verify_audit().await.unwrap().problems.is_empty());
            db.cleanup().await;
        }
    }
}
