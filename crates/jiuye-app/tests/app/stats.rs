//! Dashboard figures on both backends, from data with known answers: registration spells that
//! cross month ends (registered at a month's end, re-employed, moved away), follow-up coverage,
//! monitored enterprises' reports and their alerts; the township scope; the chart export and the
//! monthly statistics report read back with calamine.

use calamine::{Data, Reader, open_workbook_auto};
use jiuye_app::registry::PersonInput;
use jiuye_app::unemployment::{ContactInput, RegistrationInput};
use jiuye_app::{Actor, App, AppError};
use jiuye_domain::Role;
use jiuye_test_support::TestDb;
use time::Date;
use time::macros::{date, datetime};
use uuid::Uuid;

use crate::monitoring::report;
use crate::payments::staff;
use crate::vacancies::{actor, app_with_clock, enterprise};

async fn person(app: &App, name: &str, birth: Date, seq: u32, township: &str) -> Uuid {
    let input = PersonInput {
        name: name.into(),
        id_number: jiuye_app::demo::make_id_number("130527", birth, seq),
        township: township.into(),
        employment_status: "unemployed".into(),
        ..Default::default()
    };
    app.create_person(&Actor::cli(), &input).await.unwrap()
}

async fn spell(app: &App, p: Uuid, from: &str, to: Option<(&str, &str)>, contacts: &[&str]) {
    let id = app.register_unemployment(&staff(), p, &RegistrationInput { registered_on: from.into(), ..Default::default() }).await.unwrap();
    for on in contacts {
        let c = ContactInput { contact_on: (*on).into(), method: "phone".into(), outcome: "仍在求职".into(), ..Default::default() };
        app.record_contact(&staff(), id, &c).await.unwrap();
    }
    if let Some((on, reason)) = to {
        let r = app.get_registration(&staff(), id).await.unwrap();
        app.close_registration(&staff(), id, r.version, on, reason, "").await.unwrap();
    }
}

fn series<'a>(d: &'a jiuye_app::stats::Dashboard, chart: &str, name: &str) -> &'a [i64] {
    let c = d.chart(chart).unwrap_or_else(|| panic!("chart {chart}"));
    &c.series.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("series {name} of {chart}: {:?}", c.series)).values
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn dashboard_figures_follow_spells_across_month_ends_and_the_township_scope() {
    for db in TestDb::all().await {
        let (app, clock) = app_with_clock(&db).await;
        clock.set(datetime!(2020-05-10 02:00:00 UTC));
        let a = person(&app, "冯志强", date!(1988 - 04 - 10), 1, "和阳镇").await;
        let b = person(&app, "蒋红", date!(1990 - 01 - 01), 2, "和阳镇").await;
        let c = person(&app, "韩梅", date!(1985 - 06 - 01), 3, "和阳镇").await;
        let d = person(&app, "曹磊", date!(1992 - 03 - 01), 4, "贾宋镇").await;
        // A: Jan–Mar, back to work in March. B: from February, still registered. C: registered on
        // the last day of March, moved away on the last day of April. D (贾宋镇): from February.
        spell(&app, a, "2020-01-15", Some(("2020-03-10", "employed")), &["2020-02-10"]).await;
        spell(&app, b, "2020-02-03", None, &["2020-02-20", "2020-02-25", "2020-04-05"]).await;
        spell(&app, c, "2020-03-31", Some(("2020-04-30", "moved")), &[]).await;
        spell(&app, d, "2020-02-20", None, &["2020-04-06"]).await;

        let code = jiuye_app::demo::make_credit_code("130527", &mut jiuye_app::demo::Rng::new(77));
        let brewery = enterprise(&app, "燕京啤酒（邢台）有限公司", &code, "300").await;
        app.monitor_enterprise(&staff(), brewery, true, "张专员", "重点企业").await.unwrap();
        app.submit_report(&staff(), brewery, &report("2020-03", 320, 2, 4, 0, 300)).await.unwrap();
        app.submit_report(&staff(), brewery, &report("2020-04", 318, 0, 25, 22, 265)).await.unwrap();

        // Disabled persons (a sensitive group): 3 in 和阳镇, 7 in 贾宋镇.
        for (seq, township) in (20..30).zip(["和阳镇"; 3].into_iter().chain(["贾宋镇"; 7])) {
            let input = PersonInput {
                name: "残疾人员".into(),
                id_number: jiuye_app::demo::make_id_number("130527", date!(1980 - 01 - 01), seq),
                township: township.into(),
                employment_status: "unemployed".into(),
                tags: "残疾人".into(),
                ..Default::default()
            };
            app.create_person(&Actor::cli(), &input).await.unwrap();
        }

        // Nothing is shown before the first refresh, and the page says so.
        let before = app.dashboard(&staff(), "2020-01", "2020-05", "").await.unwrap();
        assert!(before.refreshed.is_none() && !before.charts.iter().any(jiuye_app::stats::Chart::has_data));
        let leader = actor("leader1", Role::Leader, None, None);
        assert!(matches!(app.refresh_stats(Some(&leader)).await, Err(AppError::Forbidden(_))));
        let r = app.refresh_stats(Some(&staff())).await.unwrap();
        assert!(r.cells > 0);
        // A second refresh replaces the snapshot: the same figures, not twice them.
        let r2 = app.refresh_stats(None).await.unwrap();
        assert_eq!(r.cells, r2.cells);

        let dash = app.dashboard(&leader, "2020-01", "2020-05", "").await.unwrap();
        assert_eq!(dash.charts.iter().find(|c| c.id == "unemployed").unwrap().x, ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05"]);
        assert_eq!(series(&dash, "unemployed", "和阳镇"), [1, 2, 2, 1, 1], "{}", db.backend);
        assert_eq!(series(&dash, "unemployed", "贾宋镇"), [0, 1, 1, 1, 1]);
        assert_eq!(series(&dash, "followup", "当月登记在册人数"), [1, 3, 4, 3, 2]);
        assert_eq!(series(&dash, "followup", "当月已跟踪服务人数"), [0, 2, 0, 2, 0], "B twice in February counts once");
        assert_eq!(series(&dash, "followup", "覆盖率"), [0, 666, 0, 666, 0]);
        assert_eq!(series(&dash, "jobs", "失业人员实现再就业"), [0, 0, 1, 0, 0], "moving away is not re-employment");
        assert_eq!(series(&dash, "jobs", "新登记失业"), [1, 2, 1, 0, 0]);
        assert_eq!(series(&dash, "jobs", "监测企业新招用"), [0, 0, 2, 0, 0]);
        assert_eq!(series(&dash, "monitoring", "月末用工人数"), [0, 0, 318, 293, 0]);
        assert_eq!(series(&dash, "monitoring", "裁员人数"), [0, 0, 0, 22, 0]);
        assert_eq!(series(&dash, "alerts", "红色预警"), [0, 0, 0, 1, 0]);
        assert_eq!(series(&dash, "alerts", "橙色预警"), [0, 0, 0, 2, 0]);
        assert_eq!((dash.headline.unemployed, dash.headline.period.as_str()), (2, "2020-05"));
        // May's reports are not due yet: the monitoring figures are April's, and say so.
        assert_eq!((dash.headline.monitor_period.as_str(), dash.headline.headcount, dash.headline.alerts_red), ("2020-04", 293, 1));
        let april = app.dashboard(&leader, "2020-01", "2020-04", "").await.unwrap();
        assert_eq!((april.headline.unemployed, april.headline.coverage_permille, april.headline.alerts_red), (2, Some(666), 1));

        // Small counts of a sensitive group are suppressed (R24): 3 shows as "<5", and 7 is hidden
        // too, or the district's 10 would give the 3 away.
        let disabled = jiuye_domain::Tag::ALL.iter().position(|t| *t == jiuye_domain::Tag::Disabled).unwrap();
        let kg = |d: &jiuye_app::stats::Dashboard| d.chart("key_groups").unwrap().table().1[disabled][1].clone();
        assert_eq!(kg(&dash), "10");
        assert_eq!(kg(&app.dashboard(&leader, "2020-01", "2020-05", "和阳镇").await.unwrap()), "<5");
        assert_eq!(kg(&app.dashboard(&leader, "2020-01", "2020-05", "贾宋镇").await.unwrap()), "—");
        assert_eq!(kg(&app.dashboard(&leader, "2020-01", "2020-05", "郝桥镇").await.unwrap()), "0");

        // A clerk sees their township whatever they ask for; a filter narrows the district view.
        let clerk = actor("clerk-jiasong", Role::TownshipClerk, Some("130527101"), None);
        let theirs = app.dashboard(&clerk, "2020-01", "2020-05", "和阳镇").await.unwrap();
        assert_eq!((theirs.township.as_deref(), theirs.township_name), (Some("130527101"), "贾宋镇"));
        assert_eq!(series(&theirs, "unemployed", "登记失业人数"), [0, 1, 1, 1, 1]);
        assert_eq!(series(&theirs, "monitoring", "月末用工人数"), [0, 0, 0, 0, 0], "the brewery is in 和阳镇");
        let heyang = app.dashboard(&staff(), "2020-01", "2020-05", "和阳镇").await.unwrap();
        assert_eq!(series(&heyang, "unemployed", "登记失业人数"), [1, 2, 2, 1, 1]);
        let hr = actor("hr", Role::EnterpriseHr, None, Some(brewery));
        assert!(matches!(app.dashboard(&hr, "", "", "").await, Err(AppError::Forbidden(_))));
        assert!(matches!(app.dashboard(&staff(), "2020-06", "2020-05", "").await, Err(AppError::Validation(_))));

        // The township table: each township, then the total.
        let lines = app.township_lines(&staff(), "2020-04").await.unwrap();
        assert_eq!(lines.len(), 10);
        let heyang_line = lines.iter().find(|l| l.name == "和阳镇").unwrap();
        assert_eq!((heyang_line.values[0].1, heyang_line.values[8].1, heyang_line.values[9].1), (1, 22, 3));
        assert_eq!(lines.last().map(|l| (l.name.as_str(), l.values[0].1, l.cells[4].as_str())), Some(("合计", 2, "66.6%")));
        assert_eq!(app.township_lines(&clerk, "2020-04").await.unwrap().len(), 1);

        // The chart export and the monthly report are real .xlsx files with these numbers.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.xlsx");
        assert_eq!(app.export_chart(&staff(), "unemployed", "2020-01", "2020-05", "", &path).await.unwrap(), 5);
        let mut wb = open_workbook_auto(&path).unwrap();
        let sheet = wb.worksheet_range("统计").unwrap();
        let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(cell_text).collect()).collect();
        assert_eq!(rows[0][0..3], ["月份", "和阳镇", "贾宋镇"]);
        assert_eq!(rows[2][0..3], ["2020-02", "2", "1"]);
        let path = dir.path().join("report.xlsx");
        assert_eq!(app.monthly_report(&staff(), "2020-04", &path).await.unwrap(), "2020-04");
        let mut wb = open_workbook_auto(&path).unwrap();
        let main = wb.worksheet_range("就业情况月报").unwrap();
        let rows: Vec<Vec<String>> = main.rows().map(|r| r.iter().map(cell_text).collect()).collect();
        assert!(rows[0][0].contains("2020年4月"), "{:?}", rows[0]);
        assert_eq!(rows[2][1], "月末登记失业人数");
        let heyang_row = rows.iter().find(|r| r[0] == "和阳镇").unwrap();
        assert_eq!((heyang_row[1].as_str(), heyang_row[9].as_str()), ("1", "22"));
        let total = rows.iter().find(|r| r[0] == "合计").unwrap();
        assert_eq!((total[1].as_str(), total[5].as_str()), ("2", "66.6%"));
        assert!(wb.sheet_names().contains(&"补贴发放".to_string()) && wb.sheet_names().contains(&"重点群体".to_string()));
        let groups = wb.worksheet_range("重点群体").unwrap();
        let rows: Vec<Vec<String>> = groups.rows().map(|r| r.iter().map(cell_text).collect()).collect();
        let col = rows[2].iter().position(|h| h == "残疾人").unwrap();
        let at = |name: &str| rows.iter().find(|r| r[0] == name).unwrap()[col].clone();
        assert_eq!((at("和阳镇").as_str(), at("贾宋镇").as_str(), at("合计").as_str()), ("<5", "—", "10"));
        assert!(matches!(app.monthly_report(&staff(), "2020-13", &path).await, Err(AppError::Validation(_))));

        for action in ["stats.refresh", "stats.export", "stats.report"] {
            assert_eq!(app.store.count_audit(action).await.unwrap(), 1, "{action} audited once");
        }
        let verify = app.store.verify_audit().await.unwrap();
        assert!(verify.problems.is_empty(), "{:?}", verify.problems);
        db.cleanup().await;
    }
}
