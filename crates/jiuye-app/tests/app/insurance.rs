//! The insurance agency's yearly statements of enterprises on both backends: the import (row,
//! column and reason for every bad row; re-import changes nothing; a corrected statement is an
//! audited update; all-or-nothing; who may import), and the stable-post refund the registry scan
//! then finds without an application.

use std::path::Path;

use jiuye_app::import::{ImportOptions, Limits};
use jiuye_app::insurance::InsuranceImport;
use jiuye_app::{Actor, App, AppError};
use jiuye_domain::Role;
use jiuye_store::audit::AuditQuery;
use jiuye_test_support::TestDb;
use time::macros::{date, datetime};

use crate::monitoring::report;
use crate::payments::staff;
use crate::vacancies::{actor, app_with_clock, enterprise};

fn code(seed: u64) -> String {
    let mut rng = jiuye_app::demo::Rng::new(seed);
    jiuye_app::demo::make_credit_code("130527", &mut rng)
}

async fn import(app: &App, who: &Actor, path: &Path, all_or_nothing: bool) -> Result<InsuranceImport, AppError> {
    let opts = ImportOptions { all_or_nothing, limits: Limits::default() };
    app.import_insurance(who, path, "参保缴费.csv", &opts).await
}

fn errors_of(r: &InsuranceImport, row: u32) -> Vec<String> {
    r.errors.iter().filter(|e| e.row == row).map(|e| format!("{}：{}", e.column, e.reason)).collect()
}

#[tokio::test]
async fn statements_are_imported_row_by_row_reimported_unchanged_and_corrections_audited() {
    for db in TestDb::all().await {
        let (app, _clock) = app_with_clock(&db).await;
        let (a, b, unregistered) = (code(41), code(42), code(43));
        let ea = enterprise(&app, "南和区甲食品有限公司", &a, "50").await;
        enterprise(&app, "南和区乙玻璃有限公司", &b, "20").await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("参保缴费.csv");
        let header =
            "统一社会信用代码,单位名称,缴费年度,是否参加失业保险,失业保险参保人数,实缴失业保险费（元）,月应缴社会保险费（元）,备注\n";
        let body = [
            format!("{a},甲,2019,是,50,24000.50,30000,\n"),        // 2: stored
            format!("{b},乙,2019年,否,0,0,,\n"),                   // 3: stored (not insured)
            "91130527MA0000010X,丙,2019,是,5,100,,\n".to_string(), // 4: bad check digit
            format!("{unregistered},丁,2019,是,5,100,,\n"),        // 5: not in the registry
            format!("{a},甲,2019,是,51,24000.50,,\n"),             // 6: the same enterprise and year again
            format!("{b},乙,19,也许,2.5,1.005,-3,\n"),             // 7: four bad cells
            format!("{b},乙,2018,否,7,0,,\n"),                     // 8: not insured with insured staff
        ]
        .concat();
        std::fs::write(&path, format!("{header}{body}")).unwrap();

        // All or nothing: bad rows, so nothing is stored.
        let r = import(&app, &staff(), &path, true).await.unwrap();
        assert!(!r.committed);
        assert_eq!((r.inserted, r.rejected), (0, 5), "{:?}", r.errors);
        assert!(app.store.insurance_of(ea).await.unwrap().is_empty(), "{}", db.backend);

        let r = import(&app, &staff(), &path, false).await.unwrap();
        assert!(r.committed);
        assert_eq!((r.rows, r.inserted, r.updated, r.unchanged, r.rejected), (7, 2, 0, 0, 5), "{:?}", r.errors);
        assert_eq!(r.ignored_columns, vec!["备注".to_string()]);
        assert!(errors_of(&r, 4)[0].starts_with("统一社会信用代码："), "{:?}", errors_of(&r, 4));
        assert_eq!(errors_of(&r, 5), vec!["统一社会信用代码：该代码未在企业名册中登记，请先登记企业".to_string()]);
        assert_eq!(errors_of(&r, 6), vec!["年度：与第2行重复（同一单位同一年度只能有一行）".to_string()]);
        let seven = errors_of(&r, 7);
        assert_eq!(seven.len(), 5, "{seven:?}");
        for (column, reason) in [
            ("年度", "四位年份"),
            ("参加失业保险", "“也许”无法识别"),
            ("参保职工人数", "不是整数"),
            ("全年实缴失业保险费(元)", "两位小数"),
            ("月应缴社会保险费(元)", "负数"),
        ] {
            assert!(seven.iter().any(|e| e.starts_with(column) && e.contains(reason)), "{column} {reason}: {seven:?}");
        }
        assert_eq!(errors_of(&r, 8), vec!["参保职工人数：未参加失业保险的单位参保职工人数应为0（现为7）".to_string()]);
        let stored = app.store.insurance_of(ea).await.unwrap();
        assert_eq!(stored.len(), 1);
        let s = &stored[0];
        assert_eq!(
            (s.year, s.unemployment_insured, s.insured_staff, s.ui_paid_fen, s.monthly_si_due_fen, s.version),
            (2019, true, 50, 2_400_050, 3_000_000, 1)
        );
        assert!(s.source.contains("sha256:"));

        // The same file again changes nothing.
        let again = import(&app, &staff(), &path, false).await.unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2));
        assert_eq!(app.store.insurance_of(ea).await.unwrap()[0].version, 1);

        // A corrected statement replaces the figures, audited with before and after.
        std::fs::write(&path, format!("{header}{a},甲,2019,是,50,25000,30000,\n")).unwrap();
        let fixed = import(&app, &staff(), &path, false).await.unwrap();
        assert_eq!((fixed.inserted, fixed.updated, fixed.unchanged), (0, 1, 0));
        let now = &app.store.insurance_of(ea).await.unwrap()[0];
        assert_eq!((now.ui_paid_fen, now.version), (2_500_000, 2));
        let q = AuditQuery { action: Some("insurance.update".into()), limit: 10, ..Default::default() };
        let audit = app.store.list_audit(&q).await.unwrap();
        assert_eq!(audit.len(), 1);
        let detail: serde_json::Value = serde_json::from_str(&audit[0].detail).unwrap();
        assert_eq!(detail["before"]["ui_paid_fen"], 2_400_050);
        assert_eq!(detail["after"]["figures"]["ui_paid_fen"], 2_500_000);
        assert_eq!(audit[0].object_id.as_deref(), Some(ea.to_string().as_str()));
        assert!(app.store.verify_audit().await.unwrap().problems.is_empty());

        // Only the bureau imports the agency's data; a file without the columns is refused whole.
        let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
        assert!(matches!(import(&app, &clerk, &path, false).await, Err(AppError::Forbidden(_))));
        std::fs::write(&path, "统一社会信用代码,年度\n1,2019\n").unwrap();
        let e = import(&app, &staff(), &path, false).await.unwrap_err();
        assert!(e.to_string().contains("缺少必需的列：参加失业保险、参保职工人数、全年实缴失业保险费(元)"), "{e}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn with_a_statement_and_a_year_of_reports_the_scan_finds_the_stable_post_refund() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        clock.set(datetime!(2020-03-10 02:00:00 UTC));
        let c = code(51);
        let firm = enterprise(&app, "南和区润泽食品加工有限公司", &c, "60").await;
        app.monitor_enterprise(&staff(), firm, false, "王专员", "稳岗返还考核").await.unwrap();
        for m in 1..=12 {
            app.submit_report(&staff(), firm, &report(&format!("2019-{m:02}"), 60, 1, 1, 0, 55)).await.unwrap();
        }
        let req =
            jiuye_app::scan::ScanRequest { program: Some("stable_post_refund".into()), as_of: Some(date!(2020 - 06 - 30)), township: None };
        let before = app.scan_registry(&staff(), &req, &mut |_| {}).await.unwrap();
        assert_eq!((before.programs[0].eligible, before.programs[0].needs_facts), (0, 1), "{}", db.backend);
        let unknown: Vec<&str> = before.programs[0].unknown_conditions.iter().map(|(c, _)| *c).collect();
        assert_eq!(unknown, vec!["insured"], "only the insurance fact is missing");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.csv");
        std::fs::write(&path, format!("统一社会信用代码,年度,参加失业保险,参保职工人数,全年实缴失业保险费(元)\n{c},2019,是,55,26400.00\n"))
            .unwrap();
        assert_eq!(import(&app, &staff(), &path, false).await.unwrap().inserted, 1);
        let after = app.scan_registry(&staff(), &req, &mut |_| {}).await.unwrap();
        assert_eq!(after.programs[0].eligible, 1, "{:?}", after.programs[0].unknown_conditions);
        let hit = after.hits.iter().find(|h| h.subject_id == firm && h.eligible).unwrap();
        // 2020's refund ratio is 100% of last year's contributions.
        assert_eq!(hit.amount_yuan.as_deref(), Some("26400.00"));

        // The application form's registry facts carry them too (they win over the applicant's).
        let subject = jiuye_app::payments::Subject {
            kind: "enterprise",
            id: firm,
            name: String::new(),
            township_code: "130527100".into(),
            employer: None,
        };
        let facts = app.registry_facts(&subject, date!(2020 - 06 - 30)).await.unwrap();
        assert_eq!(facts["enterprise.unemployment_insured"], serde_json::json!(true));
        assert_eq!(facts["enterprise.ui_contributions_last_year_yuan"], serde_json::json!("26400.00"));
        db.cleanup().await;
    }
}
