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

fn report(period: &str, start: i64, hires: i64, sep: i64, layoffs: i64, insured: i64) -> ReportInput {
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
