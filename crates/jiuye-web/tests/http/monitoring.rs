//! The layoff early-warning page: alerts of monitored enterprises with the district view by
//! township and industry; a clerk sees their township only.

use axum::http::StatusCode;
use jiuye_domain::Role;

use crate::support::TestApp;

#[tokio::test]
async fn the_warning_page_shows_alerts_with_counts_by_township_and_industry() {
    let t = TestApp::new().await;
    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let r = staff
        .api(
            "POST",
            "/api/v1/enterprises",
            Some(serde_json::json!({"name": "南和区晶华玻璃制品有限公司", "credit_code": "91110108MA0000015T", "township": "贾宋镇", "industry": "制造业", "staff": "200", "insured": "180"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id: uuid::Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    let actor = jiuye_app::Actor { role: Role::BureauStaff, login: "staff".into(), ..jiuye_app::Actor::cli() };
    t.app.monitor_enterprise(&actor, id, true, "李专员", "转型中的玻璃企业").await.unwrap();
    let input = jiuye_app::monitoring::ReportInput {
        period: "2026-10".into(),
        headcount_start: "200".into(),
        new_hires: "0".into(),
        separations: "25".into(),
        layoffs: "22".into(),
        headcount_end: "175".into(),
        insured: "170".into(),
        production_status: "reduced".into(),
        ..Default::default()
    };
    t.app.submit_report(&actor, id, &input).await.unwrap();
    let page = staff.get("/monitoring?period=2026-10").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("南和区晶华玻璃制品有限公司") && page.body.contains("经济性裁员标准"), "{}", page.body);
    // 22 laid off of 200 (11%): red layoff rate and red statutory layoff; 12.5% fewer staff: orange.
    assert!(page.body.contains("红色 <strong>2</strong>，橙色 1"), "{}", page.body);
    let by_industry = page.body.split("id=\"by-industry\"").nth(1).unwrap();
    assert!(by_industry.contains(">制造业<") || by_industry.contains(">工业<"), "{by_industry}");
    let mut clerk = t.logged_in("clerk", Role::TownshipClerk, Some("130527100")).await;
    let other = clerk.get("/monitoring").await;
    assert!(!other.body.contains("晶华玻璃") && other.body.contains("没有预警"), "a clerk of 和阳镇 sees nothing of 贾宋镇");
    let bad = staff.get("/monitoring?period=2026-13").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

// ---- Writing monitoring data (issue 7, second part): the enterprise's monitoring page and its
// report form, alert handling, layoff-plan filing and the report import, each with its access.

mod writing {
    use axum::http::StatusCode;
    use jiuye_domain::Role;
    use uuid::Uuid;

    use crate::support::{Client, PASSWORD, TestApp};

    const OWN: &str = "91110108MA0000015T";
    const OTHER: &str = "91110108MA000004X8";

    fn bureau() -> jiuye_app::Actor {
        jiuye_app::Actor { role: Role::BureauStaff, login: "staff".into(), ..jiuye_app::Actor::cli() }
    }

    async fn enterprise(staff: &mut Client, name: &str, code: &str, township: &str) -> Uuid {
        let r = staff
            .api(
                "POST",
                "/api/v1/enterprises",
                Some(serde_json::json!({"name": name, "credit_code": code, "township": township, "industry": "工业", "staff": "320", "insured": "300"})),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.json()["id"].as_str().unwrap().parse().unwrap()
    }

    /// An enterprise account of `enterprise`, logged in; returns the client and where login sent it.
    async fn hr(t: &TestApp, login: &str, enterprise: Uuid) -> (Client, String) {
        let input = jiuye_app::accounts::UserInput {
            login: login.into(),
            display_name: "人事".into(),
            role: Role::EnterpriseHr,
            township: None,
            enterprise_id: Some(enterprise),
        };
        t.app.create_user_with_password(&jiuye_app::Actor::cli(), &input, PASSWORD, false).await.unwrap();
        let mut c = t.client();
        let r = c.login(login, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        c.refresh_csrf().await;
        (c, r.location().to_string())
    }

    fn fields<'a>(period: &'a str, f: &'a [&'a str; 7], status: &'a str, version: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("period", period),
            ("headcount_start", f[0]),
            ("new_hires", f[1]),
            ("separations", f[2]),
            ("layoffs", f[3]),
            ("headcount_end", f[4]),
            ("insured", f[5]),
            ("vacancies", f[6]),
            ("production_status", status),
            ("difficulties", "订单减少"),
            ("version", version),
        ]
    }

    #[tokio::test]
    async fn an_enterprise_account_reports_online_sees_the_alerts_raised_and_corrects_by_version() {
        let t = TestApp::new().await;
        let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
        let own = enterprise(&mut staff, "燕京啤酒（邢台）有限公司", OWN, "和阳镇").await;
        let other = enterprise(&mut staff, "贾宋镇鑫达机械厂", OTHER, "贾宋镇").await;
        let (mut c, landing) = hr(&t, "hr-beer", own).await;
        // The enterprise account lands on its enterprise, which links to its monitoring; the menu too.
        assert_eq!(landing, format!("/enterprises/{own}"));
        let page = c.get(&landing).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("href=\"/enterprises/{own}/monitoring\"")) && page.body.contains("href=\"/monitoring/mine\""));
        assert_eq!(c.get("/monitoring/mine").await.location(), format!("/enterprises/{own}/monitoring"));
        assert_eq!(staff.get("/monitoring/mine").await.location(), "/monitoring");
        // The home link (the brand) takes each to their own start page.
        assert_eq!(c.get("/").await.location(), format!("/enterprises/{own}"));
        assert_eq!(staff.get("/").await.location(), "/persons");
        assert_eq!(t.client().get("/").await.location(), "/persons");

        // Not monitored yet: no form. The bureau adds it from the same page.
        let url = format!("/enterprises/{own}/monitoring");
        let page = c.get(&url).await;
        assert!(
            page.body.contains("id=\"not-monitored\"")
                && !page.body.contains("id=\"report-form\"")
                && !page.body.contains("id=\"monitor-form\"")
        );
        let r = staff.post(&url, &[("is_key", "1"), ("commissioner", "张专员"), ("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("请写明纳入监测的原因"), "{}", r.body);
        let r = c.post(&url, &[("is_key", "1"), ("commissioner", "张专员"), ("reason", "重点企业")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "only the bureau adds enterprises to monitoring");
        let r = staff.post(&url, &[("is_key", "1"), ("commissioner", "张专员"), ("reason", "重点企业（措施（二十二））")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(t.audit_count("monitor.add").await, 1);

        // The form, the month defaulting to last month (the clock is 2026-11-27), Chinese labels.
        let page = c.get(&url).await;
        assert!(page.body.contains("重点企业") && page.body.contains("张专员"));
        assert!(page.body.contains("name=\"period\" value=\"2026-10\""), "{}", page.body);
        for label in [
            "报表月份",
            "月初人数",
            "新招用人数",
            "减员人数",
            "其中裁员人数",
            "月末人数",
            "参保人数",
            "空岗数",
            "生产经营状态",
            "困难和问题",
        ] {
            assert!(page.body.contains(label), "{label}");
        }
        // A wrong balance: 422 with the message next to the field.
        let posted = format!("/enterprises/{own}/monitoring/reports");
        let bad = ["320", "2", "4", "0", "330", "300", "3"];
        let r = c.post(&posted, &fields("2026-10", &bad, "normal", "")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("data-field=\"月末人数\">月初320 + 新招用2 − 减员4 = 318，与填报的月末人数330不符"), "{}", r.body);
        assert!(r.body.contains("value=\"330\""), "what was typed stays in the form");
        let r = c.post(&posted, &fields("2026-10", &["320", "2", "x", "0", "318", "300", ""], "", "")).await;
        assert!(r.body.contains("data-field=\"减员人数\">“x”不是整数") && r.body.contains("data-field=\"生产经营状态\">"), "{}", r.body);
        // 22 of 318 laid off: the alerts it raised are shown at once.
        let ok = ["318", "0", "25", "22", "293", "265", "0"];
        let r = c.post(&posted, &fields("2026-10", &ok, "reduced", "")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("2026-10 月报表已报送"), "{}", r.body);
        let raised = r.body.split("id=\"raised\"").nth(1).unwrap();
        assert!(raised.contains("经济性裁员标准") && raised.contains("红色预警") && raised.contains("裁员率 6.9%"), "{raised}");
        // The history: version and channel, and a correction link.
        let history = r.body.split("id=\"reports\"").nth(1).unwrap();
        assert!(history.contains("第1版") && history.contains("企业网上报送") && history.contains("?correct=2026-10"), "{history}");
        let again = c.post(&posted, &fields("2026-10", &ok, "reduced", "")).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.body.contains("已报送") && again.body.contains("?correct=2026-10#report-form"), "{}", again.body);

        // Correcting pre-fills the stored figures and version; two corrections of the same version:
        // the second is refused, clearly, and keeps what was typed.
        let form = c.get(&format!("{url}?correct=2026-10")).await;
        assert!(form.body.contains("更正 2026-10 月报表（第1版）") && form.body.contains("name=\"version\" value=\"1\""), "{}", form.body);
        assert!(form.body.contains("name=\"separations\" value=\"25\"") && form.body.contains("<option value=\"reduced\" selected>"));
        let fixed = ["318", "0", "35", "33", "283", "265", "0"];
        let r = staff.post(&posted, &fields("2026-10", &fixed, "reduced", "1")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("2026-10 月报表已更正") && r.body.contains("第2版") && r.body.contains("窗口代报"));
        let late = c.post(&posted, &fields("2026-10", &["318", "0", "26", "23", "292", "265", "0"], "reduced", "1")).await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        let conflict = late.body.split("id=\"conflict\"").nth(1).unwrap();
        assert!(conflict.contains("报表已被他人修改") && conflict.contains("载入已报的最新数据"), "{conflict}");
        assert!(late.body.contains("name=\"separations\" value=\"26\""));
        let page = c.get(&url).await;
        let alerts = page.body.split("id=\"enterprise-alerts\"").nth(1).unwrap();
        assert!(
            alerts.contains("裁员率 10.3%") && !alerts.contains("/monitoring/alerts/"),
            "an enterprise account sees its alerts, not their handling"
        );
        assert_eq!(t.audit_count("report.correct").await, 1);

        // Access: another enterprise is not found for the account; a leader reads only; a clerk of
        // another township finds nothing.
        assert_eq!(c.get(&format!("/enterprises/{other}/monitoring")).await.status, StatusCode::NOT_FOUND);
        let r = c.post(&format!("/enterprises/{other}/monitoring/reports"), &fields("2026-10", &ok, "normal", "")).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
        let mut leader = t.logged_in("leader", Role::Leader, None).await;
        let page = leader.get(&url).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains("id=\"report-form\"") && !page.body.contains("id=\"monitor-form\"") && !page.body.contains("?correct=")
        );
        assert_eq!(leader.post(&posted, &fields("2026-09", &ok, "normal", "")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(leader.get(&format!("{url}?correct=2026-10")).await.status, StatusCode::FORBIDDEN);
        let mut jiasong = t.logged_in("clerk-js", Role::TownshipClerk, Some("130527101")).await;
        assert_eq!(jiasong.get(&url).await.status, StatusCode::NOT_FOUND);
        assert_eq!(jiasong.post(&posted, &fields("2026-09", &ok, "normal", "")).await.status, StatusCode::NOT_FOUND);
        let mut heyang = t.logged_in("clerk-hy", Role::TownshipClerk, Some("130527100")).await;
        let r = heyang.post(&posted, &fields("2026-09", &["320", "0", "2", "0", "318", "300", "1"], "normal", "")).await;
        assert_eq!(r.status, StatusCode::OK, "the clerk of its township reports at the window: {}", r.body);
        assert!(r.body.contains("本月数据未触发预警"));
    }

    async fn alert_setup(t: &TestApp, staff: &mut Client) -> (Uuid, i64) {
        let id = enterprise(staff, "南和区晶华玻璃制品有限公司", OWN, "和阳镇").await;
        t.app.monitor_enterprise(&bureau(), id, true, "李专员", "转型中的玻璃企业").await.unwrap();
        let input = jiuye_app::monitoring::ReportInput {
            period: "2026-10".into(),
            headcount_start: "200".into(),
            new_hires: "0".into(),
            separations: "25".into(),
            layoffs: "22".into(),
            headcount_end: "175".into(),
            insured: "170".into(),
            production_status: "reduced".into(),
            ..Default::default()
        };
        t.app.submit_report(&bureau(), id, &input).await.unwrap();
        let alerts = t.app.monitor_alerts(&bureau(), Some("2026-10"), None).await.unwrap();
        (id, alerts.iter().find(|a| a.rule == "statutory_layoff").unwrap().id)
    }

    #[tokio::test]
    async fn an_alert_is_taken_on_noted_closed_with_a_reason_and_reopened_from_its_page() {
        let t = TestApp::new().await;
        let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
        let (firm, id) = alert_setup(&t, &mut staff).await;
        let list = staff.get("/monitoring").await;
        assert!(
            list.body.contains(&format!("href=\"/monitoring/alerts/{id}\""))
                && list.body.contains(&format!("href=\"/enterprises/{firm}/monitoring\""))
        );
        let url = format!("/monitoring/alerts/{id}");
        let page = staff.get(&url).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("系统预警") && page.body.contains("待处理") && page.body.contains("id=\"act-form\""), "{}", page.body);

        let r = staff.post(&url, &[("action", "take"), ("note", ""), ("status", "open")]).await;
        assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, format!("{url}?done=take").as_str()));
        let page = staff.get(r.location()).await;
        assert!(page.body.contains("已记录：接手处理。当前状态：处理中"), "{}", page.body);
        let r = staff.post(&url, &[("action", "close"), ("note", ""), ("status", "handling")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("data-field=\"情况说明\">关闭预警须写明原因"), "{}", r.body);
        let mut heyang = t.logged_in("clerk-hy", Role::TownshipClerk, Some("130527100")).await;
        let r = heyang.post(&url, &[("action", "visit"), ("note", "上门走访，企业已与22人签订协议"), ("status", "handling")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = staff.post(&url, &[("action", "close"), ("note", "职工已妥善安置"), ("status", "handling")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // The clerk's form was shown while the alert was being handled: refused, clearly.
        let r = heyang.post(&url, &[("action", "contact"), ("note", "电话回访"), ("status", "handling")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("已被他人处理") && r.body.contains("已关闭") && r.body.contains("电话回访"), "{}", r.body);
        let r = staff.post(&url, &[("action", "reopen"), ("note", "企业报告新一批裁员"), ("status", "closed")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = staff.get(&url).await;
        let history = page.body.split("id=\"history\"").nth(1).unwrap();
        let order: Vec<usize> =
            ["系统预警", "接手处理", "上门走访", "关闭预警", "重新打开"].iter().map(|l| history.find(l).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "oldest first: {history}");
        assert!(history.contains("clerk-hy") && history.contains("职工已妥善安置"));
        for a in ["alert.take", "alert.visit", "alert.close", "alert.reopen"] {
            assert_eq!(t.audit_count(a).await, 1, "{a}");
        }

        // Access: a clerk of another township finds nothing, a leader reads only, an enterprise
        // account may not, nor may anyone without a session.
        let mut jiasong = t.logged_in("clerk-js", Role::TownshipClerk, Some("130527101")).await;
        assert_eq!(jiasong.get(&url).await.status, StatusCode::NOT_FOUND);
        assert_eq!(jiasong.post(&url, &[("action", "take"), ("status", "open")]).await.status, StatusCode::NOT_FOUND);
        let mut leader = t.logged_in("leader", Role::Leader, None).await;
        let page = leader.get(&url).await;
        assert!(page.status == StatusCode::OK && !page.body.contains("id=\"act-form\""));
        assert_eq!(leader.post(&url, &[("action", "take"), ("status", "open")]).await.status, StatusCode::FORBIDDEN);
        let (mut c, _) = hr(&t, "hr-glass", firm).await;
        assert_eq!(c.get(&url).await.status, StatusCode::FORBIDDEN);
        assert_eq!(c.post(&url, &[("action", "close"), ("note", "不需要"), ("status", "open")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(t.client().get(&url).await.status, StatusCode::SEE_OTHER);
        assert_eq!(staff.get("/monitoring/alerts/999999").await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.audit_count("alert.contact").await, 0);
    }

    #[tokio::test]
    async fn a_layoff_plan_is_filed_and_its_checks_are_shown() {
        let t = TestApp::new().await;
        let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
        let (firm, _) = alert_setup(&t, &mut staff).await;
        let other = enterprise(&mut staff, "贾宋镇鑫达机械厂", OTHER, "贾宋镇").await;
        let (mut c, _) = hr(&t, "hr-glass", firm).await;
        let monitoring = c.get(&format!("/enterprises/{firm}/monitoring")).await;
        assert!(monitoring.body.contains(&format!("href=\"/enterprises/{firm}/layoff-plans/new\"")));
        let url = format!("/enterprises/{firm}/layoff-plans/new");
        let form = c.get(&url).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("裁减人数") && form.body.contains("不填按名册登记的320人"), "{}", form.body);
        let post = format!("/enterprises/{firm}/layoff-plans");
        let r = c.post(&post, &[("people", "0"), ("layoff_date", "2026-12-31")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("data-field=\"裁减人数\">裁减人数应大于0"), "{}", r.body);
        // 40 of 320, told the staff 29 days before: at the threshold, the notice too short.
        let r = c
            .post(
                &post,
                &[
                    ("people", "40"),
                    ("layoff_date", "2026-10-30"),
                    ("notified_on", "2026-10-01"),
                    ("placement_plan", "内部转岗十人，其余依法支付经济补偿"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let check = r.body.split("id=\"plan-check\"").nth(1).unwrap();
        assert!(check.contains("29天，不足30日") && check.contains("<strong>达到</strong>") && check.contains("应提前30日"), "{check}");
        assert!(check.contains("已关联该月预警"), "an enterprise account sees that alerts were linked, not their links: {check}");
        let r = staff
            .post(
                &post,
                &[
                    ("people", "40"),
                    ("layoff_date", "2026-10-31"),
                    ("notified_on", "2026-10-01"),
                    ("placement_plan", "内部转岗十人，其余依法支付经济补偿"),
                ],
            )
            .await;
        let check = r.body.split("id=\"plan-check\"").nth(1).unwrap();
        assert!(check.contains("30天，已满30日") && check.contains("/monitoring/alerts/"), "{check}");
        let page = c.get(&format!("/enterprises/{firm}/monitoring")).await;
        let plans = page.body.split("id=\"plans\"").nth(1).unwrap();
        assert!(plans.contains("29天") && plans.contains("30天"), "{plans}");
        assert_eq!(t.audit_count("monitor.layoff_plan").await, 2);
        // Access: a clerk and a leader may not file; an enterprise account not for another enterprise.
        let mut clerk = t.logged_in("clerk-hy", Role::TownshipClerk, Some("130527100")).await;
        assert_eq!(clerk.get(&url).await.status, StatusCode::FORBIDDEN);
        assert_eq!(clerk.post(&post, &[("people", "40"), ("layoff_date", "2026-12-31")]).await.status, StatusCode::FORBIDDEN);
        let mut leader = t.logged_in("leader", Role::Leader, None).await;
        assert_eq!(leader.get(&url).await.status, StatusCode::FORBIDDEN);
        assert_eq!(c.get(&format!("/enterprises/{other}/layoff-plans/new")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            c.post(&format!("/enterprises/{other}/layoff-plans"), &[("people", "40"), ("layoff_date", "2026-12-31")]).await.status,
            StatusCode::NOT_FOUND
        );
    }

    #[tokio::test]
    async fn the_bureau_imports_the_insurance_agencys_statements_and_a_clerk_cannot() {
        let t = TestApp::new().await;
        let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
        let example = enterprise(&mut staff, "示例企业", "91130527MA0000010Q", "和阳镇").await;
        let page = staff.get("/monitoring").await;
        assert!(page.body.contains("href=\"/monitoring/insurance\""), "{}", page.body);
        let form = staff.get("/monitoring/insurance").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("尚未导入任何单位参保缴费数据"), "{}", form.body);
        let template = staff.get("/monitoring/insurance/template.xlsx").await;
        assert_eq!(template.status, StatusCode::OK);
        assert!(template.bytes.starts_with(b"PK"));
        // The downloaded template (our writer) imports as it is: last year's example statement.
        let csrf = staff.csrf.clone();
        let (ct, body) = multipart(&[("csrf", csrf.as_str())], ("模板.xlsx", &template.bytes));
        let post = |ct: String, body: Vec<u8>| {
            axum::http::Request::post("/monitoring/insurance")
                .header("content-type", ct)
                .header("origin", "http://jiuye.test")
                .body(axum::body::Body::from(body))
                .unwrap()
        };
        let r = staff.send(post(ct, body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("共 1 行，新增 1 行，更新 0 行，未变化 0 行，错误 0 行"), "{}", r.body);
        let stored = t.app.store.insurance_of(example).await.unwrap();
        assert_eq!((stored.len(), stored[0].ui_paid_fen, stored[0].insured_staff), (1, 1_680_000, 28));
        assert!(r.body.contains("id=\"insurance-years\"") && r.body.contains("16800.00"), "{}", r.body);
        // A CSV with a bad row: the row, the column and the reason; the good row stored.
        let csv = "统一社会信用代码,年度,参加失业保险,参保职工人数,全年实缴失业保险费(元)\n\
                   91130527MA0000010Q,2019,是,30,18000\n\
                   91130527MA0000010Q,2018,也许,30,18000\n";
        let (ct, body) = multipart(&[("csrf", csrf.as_str())], ("参保.csv", csv.as_bytes()));
        let r = staff.send(post(ct, body)).await;
        assert!(r.body.contains("共 2 行，新增 1 行，更新 0 行，未变化 0 行，错误 1 行"), "{}", r.body);
        assert!(r.body.contains("<td>3</td><td>参加失业保险</td><td>“也许”无法识别，应填“是”或“否”</td>"), "{}", r.body);
        // A township clerk neither sees the page nor can post to it.
        let mut clerk = t.logged_in("clerk-hy", Role::TownshipClerk, Some("130527100")).await;
        assert_eq!(clerk.get("/monitoring/insurance").await.status, StatusCode::FORBIDDEN);
        let ccsrf = clerk.csrf.clone();
        let (ct, body) = multipart(&[("csrf", ccsrf.as_str())], ("参保.csv", csv.as_bytes()));
        assert_eq!(clerk.send(post(ct, body)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(t.app.store.insurance_of(example).await.unwrap().len(), 2);
    }

    fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
        let boundary = "----jiuyemonitoringboundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n", file.0)
                .as_bytes(),
        );
        body.extend_from_slice(file.1);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }

    async fn upload(c: &mut Client, name: &str, bytes: &[u8], all_or_nothing: bool) -> crate::support::Resp {
        let csrf = c.csrf.clone();
        let mut fields = vec![("csrf", csrf.as_str())];
        if all_or_nothing {
            fields.push(("all_or_nothing", "1"));
        }
        let (ct, body) = multipart(&fields, (name, bytes));
        let req = axum::http::Request::post("/monitoring/import")
            .header("content-type", ct)
            .header("origin", "http://jiuye.test")
            .body(axum::body::Body::from(body))
            .unwrap();
        c.send(req).await
    }

    #[tokio::test]
    async fn staff_import_reports_from_the_template_a_csv_and_a_libreoffice_file() {
        let t = TestApp::new().await;
        let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
        // The template's example enterprise, registered and monitored: the downloaded template
        // (our writer) imports as it is.
        let example = enterprise(&mut staff, "示例企业", "91130527MA0000010Q", "和阳镇").await;
        t.app.monitor_enterprise(&bureau(), example, false, "王专员", "示例").await.unwrap();
        let page = staff.get("/monitoring").await;
        assert!(page.body.contains("href=\"/monitoring/import\""));
        let form = staff.get("/monitoring/import").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("统一社会信用代码、报表月份、月初人数") && form.body.contains("/monitoring/import/template.xlsx"));
        let template = staff.get("/monitoring/import/template.xlsx").await;
        assert_eq!(template.status, StatusCode::OK);
        assert!(template.bytes.starts_with(b"PK"));
        assert!(template.headers["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
        let r = upload(&mut staff, "模板.xlsx", &template.bytes, false).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("共 1 行，保存 1 行，错误 0 行，冲突 0 行"), "{}", r.body);
        assert!(t.app.store.report(example, "2026-10").await.unwrap().is_some());

        // A CSV: a good row, a wrong balance, the month already stored (a conflict).
        let csv = "统一社会信用代码,报表月份,月初人数,新招用人数,减员人数,其中裁员人数,月末人数,参保人数,空岗数,生产经营状况,困难和问题\n\
                   91130527MA0000010Q,2026-09,120,3,5,2,118,110,4,正常生产,\n\
                   91130527MA0000010Q,2026-08,120,3,5,2,119,110,4,正常生产,\n\
                   91130527MA0000010Q,2026-10,120,3,5,2,118,110,4,正常生产,\n";
        let r = upload(&mut staff, "九月.csv", csv.as_bytes(), false).await;
        assert!(r.body.contains("共 3 行，保存 1 行，错误 1 行，冲突 1 行"), "{}", r.body);
        assert!(r.body.contains("<td>3</td><td>月末人数</td><td>月初120 + 新招用3 − 减员5 = 118"), "{}", r.body);
        let conflicts = r.body.split("id=\"import-conflicts\"").nth(1).unwrap();
        assert!(conflicts.contains("<td>4</td><td>报表月份</td>") && conflicts.contains("导入不覆盖已报数据"), "{conflicts}");
        // All or nothing with a bad row: nothing stored.
        let csv2 = csv.replace("2026-09", "2026-07").replace("2026-08", "2026-06");
        let r = upload(&mut staff, "全部.csv", csv2.as_bytes(), true).await;
        assert!(r.body.contains("未保存任何数据") && r.body.contains("保存 0 行"), "{}", r.body);
        assert!(t.app.store.report(example, "2026-07").await.unwrap().is_none());
        // A file that is not a table.
        let r = upload(&mut staff, "报表.xlsx", b"not a workbook", false).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("文件无法导入，未保存任何数据"), "{}", r.body);

        // The LibreOffice file of the app tests, through the web, by a clerk of 和阳镇.
        let codes = ["91130527MA0JY0001H", "91130527MA0JY0002L", "91130527MA0JY0003P", "91130527MA0JY0004T", "91130527MA0JY0005X"];
        for (i, code) in codes.iter().enumerate() {
            let id = enterprise(&mut staff, &format!("监测企业{}", i + 1), code, if i == 4 { "贾宋镇" } else { "和阳镇" }).await;
            if i != 2 {
                t.app.monitor_enterprise(&bureau(), id, false, "专员", "重点监测").await.unwrap();
            }
        }
        let lo =
            std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../jiuye-app/tests/fixtures/reports_lo.xlsx")).unwrap();
        let mut clerk = t.logged_in("clerk-hy", Role::TownshipClerk, Some("130527100")).await;
        let form = clerk.get("/monitoring/import").await;
        assert!(form.body.contains("只能导入本乡镇（和阳镇）企业的报表"));
        let r = upload(&mut clerk, "reports_lo.xlsx", &lo, false).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("共 6 行，保存 2 行，错误 4 行，冲突 0 行"), "{}", r.body);
        assert!(r.body.contains("该代码未在本乡镇（和阳镇）企业名册中登记") && !r.body.contains("该企业属于"), "{}", r.body);
        let alerts = r.body.split("id=\"import-alerts\"").nth(1).unwrap();
        assert!(alerts.contains("经济性裁员标准") && alerts.contains("参保人数骤减"), "{alerts}");
        assert!(r.body.contains("已忽略：备注"));
        // One audit entry per file processed (the template, the CSV, all-or-nothing, LibreOffice);
        // a file that is not a table is refused before anything is read.
        assert_eq!(t.audit_count("report.import").await, 4);

        // Access: enterprise accounts and leaders may not import.
        let (mut c, _) = hr(&t, "hr-ex", example).await;
        assert_eq!(c.get("/monitoring/import").await.status, StatusCode::FORBIDDEN);
        assert_eq!(c.get("/monitoring/import/template.xlsx").await.status, StatusCode::FORBIDDEN);
        assert_eq!(upload(&mut c, "九月.csv", csv.as_bytes(), false).await.status, StatusCode::FORBIDDEN);
        let mut leader = t.logged_in("leader", Role::Leader, None).await;
        assert_eq!(leader.get("/monitoring/import").await.status, StatusCode::FORBIDDEN);
        assert_eq!(upload(&mut leader, "九月.csv", csv.as_bytes(), false).await.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_late_list_shows_who_has_not_reported_and_the_reminders_sent() {
    let t = TestApp::new().await;
    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let r = staff
        .api(
            "POST",
            "/api/v1/enterprises",
            Some(serde_json::json!({"name": "南和区晶华玻璃制品有限公司", "credit_code": "91110108MA0000015T", "township": "贾宋镇", "industry": "制造业", "staff": "200", "insured": "180", "contact_name": "王经理", "contact_phone": "13812345678"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id: uuid::Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    let actor = jiuye_app::Actor { role: Role::BureauStaff, login: "staff".into(), ..jiuye_app::Actor::cli() };
    t.clock.set(time::macros::datetime!(2026-11-10 02:00:00 UTC));
    t.app.monitor_enterprise(&actor, id, true, "李专员", "转型中的玻璃企业").await.unwrap();
    t.clock.set(time::macros::datetime!(2026-11-27 02:00:00 UTC));
    let page = staff.get("/monitoring/late?period=2026-10").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("共 1 家未报送") && page.body.contains("未提醒") && page.body.contains("已过截止日期"), "{}", page.body);
    assert!(page.body.contains("138****5678") && !page.body.contains("13812345678"), "the phone is masked");
    // The server's daily run sends the overdue reminder; the list says so.
    let run = t.app.remind_late_reports(time::macros::date!(2026 - 11 - 27)).await.unwrap();
    assert_eq!(run.queued, 1);
    let page = staff.get("/monitoring/late?period=2026-10").await;
    assert!(page.body.contains("逾期催报"), "{}", page.body);
    let mut clerk = t.logged_in("clerk", Role::TownshipClerk, Some("130527100")).await;
    assert!(clerk.get("/monitoring/late?period=2026-10").await.body.contains("共 0 家未报送"), "a clerk of 和阳镇 sees nothing of 贾宋镇");
}
