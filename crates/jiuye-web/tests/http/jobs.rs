//! Vacancies through the web: an enterprise account submits by form, bureau staff review it with
//! the cross-checks on the page, and the public finds it on the job board and through the API.

use axum::http::StatusCode;
use jiuye_domain::Role;

use crate::support::{PASSWORD, TestApp};

#[tokio::test]
async fn a_vacancy_submitted_by_an_enterprise_is_reviewed_and_found_on_the_public_board() {
    let t = TestApp::new().await;
    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let ent = staff
        .api(
            "POST",
            "/api/v1/enterprises",
            Some(serde_json::json!({"name": "南和区华泰机械制造有限公司", "credit_code": "91110108MA0000015T", "township": "和阳镇", "industry": "工业", "staff": "90", "insured": "85"})),
            &[],
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let input = jiuye_app::accounts::UserInput {
        login: "hr1".into(),
        display_name: "人事".into(),
        role: Role::EnterpriseHr,
        township: None,
        enterprise_id: Some(ent),
    };
    t.app.create_user_with_password(&jiuye_app::Actor::cli(), &input, PASSWORD, false).await.unwrap();
    let mut hr = t.client();
    hr.login("hr1", PASSWORD).await;
    hr.refresh_csrf().await;

    // A form with errors comes back with every message and the typed values kept.
    let r = hr.post("/vacancies", &[("title", "氩弧焊工"), ("occupation", "6-02"), ("posts", "0")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("招聘人数") && r.body.contains("联系电话") && r.body.contains("value=\"氩弧焊工\""), "{}", r.body);

    let fields = [
        ("title", "氩弧焊工"),
        ("occupation", "6-02"),
        ("posts", "4"),
        ("pay_min", "5000"),
        ("pay_max", "7000"),
        ("work_type", "full_time"),
        ("township", "130527100"),
        ("address", "和阳镇工业园区"),
        ("description", "不锈钢管道焊接，持焊工证，缴纳五险"),
        ("contact_name", "李经理"),
        ("contact_phone", "0319-5123456"),
    ];
    let r = hr.post("/vacancies", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let url = r.location().split('?').next().unwrap().to_string();
    let id = url.rsplit('/').next().unwrap().to_string();
    let page = hr.get(&url).await;
    assert!(page.body.contains("待审核") && page.body.contains("信息协同比对"));
    assert!(!page.body.contains("review-form"), "an enterprise account cannot review");

    let board = t.client().get("/jobs?q=焊工").await;
    assert!(board.body.contains("共找到 0 个岗位"), "not on the board before review");

    let page = staff.get(&url).await;
    assert!(page.body.contains("review-form") && page.body.contains("按当前名录数据重新比对"));
    assert!(page.body.contains("单位有参保职工85人") && page.body.contains("不低于最低工资标准1800元"), "{}", page.body);
    let version = page.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let r = staff.post(&format!("{url}/review"), &[("version", &version), ("decision", "approve"), ("note", "同意发布")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let mut anon = t.client();
    let board = anon.get("/jobs?q=焊工").await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(
        board.body.contains("氩弧焊工") && board.body.contains("5000–7000元/月") && board.body.contains("共找到 1 个岗位"),
        "{}",
        board.body
    );
    let large = anon.get("/jobs?q=焊工&large=1").await;
    assert!(large.body.contains("class=\"large\"") && large.body.contains("标准字号"));
    let detail = anon.get(&format!("/jobs/{id}")).await;
    assert!(detail.body.contains("怎样应聘") && detail.body.contains("0319-5123456"));
    let bad = anon.get("/jobs?township=北京").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("乡镇(街道)“北京”不存在"));

    let api = anon.get("/api/v1/vacancies?q=%E7%84%8A%E5%B7%A5&per_page=5").await;
    assert_eq!(api.status, StatusCode::OK);
    let j = api.json();
    assert_eq!(j["total"], 1);
    assert_eq!(j["items"][0]["title"], "氩弧焊工");
    assert_eq!(j["items"][0]["occupation_name"], "氩弧焊工");
    assert!(j["items"][0].get("submitted_by").is_none(), "no internal fields on the public API");
    let bad = anon.get("/api/v1/vacancies?occupation=%E5%AE%87%E8%88%AA%E5%91%98").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["fields"][0]["field"], "occupation");
}

#[tokio::test]
async fn a_clerk_registers_a_seeker_pushes_a_vacancy_by_sms_and_the_signed_reply_updates_the_push() {
    use jiuye_app::sms::{SmsPolicy, SmsSetup};
    let t = TestApp::with(|a| {
        a.with_sms(SmsSetup { policy: SmsPolicy { inbound_secret: "s3cret".into(), ..Default::default() }, ..Default::default() })
    })
    .await;
    let cli = jiuye_app::Actor::cli();
    let person = t
        .app
        .create_person(
            &cli,
            &jiuye_app::registry::PersonInput {
                name: "周师傅".into(),
                id_number: jiuye_app::demo::make_id_number("130527", time::macros::date!(1970 - 02 - 03), 7),
                phone: "13900000001".into(),
                township: "和阳镇".into(),
                education: "初中".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let ent = jiuye_app::registry::EnterpriseInput {
        name: "南和区永盛机械制造有限公司".into(),
        credit_code: "91110108MA0000015T".into(),
        township: "和阳镇".into(),
        industry: "工业".into(),
        staff: "60".into(),
        insured: "55".into(),
        ..Default::default()
    };
    t.app.create_enterprise(&cli, &ent).await.unwrap();
    let vid = t
        .app
        .submit_vacancy(
            &cli,
            &jiuye_app::jobs::VacancyInput {
                credit_code: "91110108MA0000015T".into(),
                title: "电焊工".into(),
                occupation: "电焊工".into(),
                posts: "2".into(),
                pay_min: "4500".into(),
                pay_max: "6000".into(),
                work_type: "全职".into(),
                address: "和阳镇工业园".into(),
                description: "焊接".into(),
                contact_name: "王".into(),
                contact_phone: "0319-5123456".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let v = t.app.get_vacancy(Some(&cli), vid).await.unwrap();
    t.app
        .review_vacancy(
            &jiuye_app::Actor { login: "reviewer".into(), ..cli.clone() },
            vid,
            v.version,
            jiuye_app::jobs::ReviewDecision::Approve,
            "",
        )
        .await
        .unwrap();

    let mut clerk = t.logged_in("clerk", Role::TownshipClerk, Some("130527100")).await;
    let form = clerk.get(&format!("/seekers/new?person={person}")).await;
    assert_eq!(form.status, StatusCode::OK);
    let r = clerk.post(&format!("/seekers?person={person}"), &[("occupations", "焊工"), ("skills", "焊工证"), ("active", "on")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let seeker_url = r.location().to_string();
    let seeker_id = seeker_url.rsplit('/').next().unwrap().to_string();

    let m = clerk.get(&format!("/vacancies/{vid}/matches")).await;
    assert!(m.body.contains("周师傅") && m.body.contains("短信") && m.body.contains("期望职业“电焊工”与岗位职业一致"), "{}", m.body);
    let r = clerk.post(&format!("/vacancies/{vid}/push"), &[("seeker", seeker_id.as_str()), ("action", "push")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = clerk.get(r.location()).await;
    assert!(after.body.contains("已推送1人，其中短信1人"), "{}", after.body);

    let mut staff = t.logged_in("staff", Role::BureauStaff, None).await;
    let sms = staff.get("/sms").await;
    assert!(sms.body.contains("139****0001") && !sms.body.contains("13900000001") && sms.body.contains("待发送"), "{}", sms.body);
    assert_eq!(t.app.send_due_sms(10).await.unwrap().sent, 1);

    // The gateway's signed webhook: a bad signature is refused, a good one updates the push.
    let body =
        serde_json::json!({"phone": "13900000001", "text": "1", "received_at": "2026-11-27T10:05:00+08:00", "provider_message_id": "m-1"})
            .to_string();
    let ts = t.app.now().unix_timestamp().to_string();
    let post = |sig: String| {
        axum::http::Request::builder()
            .method("POST")
            .uri("/sms/inbound")
            .header("content-type", "application/json")
            .header(jiuye_sms::TIMESTAMP_HEADER, ts.clone())
            .header(jiuye_sms::SIGNATURE_HEADER, sig)
            .body(axum::body::Body::from(body.clone()))
            .unwrap()
    };
    let mut gw = t.client();
    let bad = gw.send(post("00".repeat(32))).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let sig = jiuye_sms::sign_inbound(b"s3cret", &ts, body.as_bytes()).unwrap();
    let ok = gw.send(post(sig)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["reply"], "interested");
    assert_eq!(ok.json()["push_updated"], true);
    let page = clerk.get(&seeker_url).await;
    assert!(page.body.contains("回复感兴趣") && page.body.contains("未确认"), "interest by SMS is not consent: {}", page.body);
}

#[tokio::test]
async fn a_citizen_registers_online_with_an_sms_code_and_the_pages_never_show_the_full_numbers() {
    let t = TestApp::new().await;
    let id_number = jiuye_app::demo::make_id_number("130527", time::macros::date!(1990 - 01 - 02), 5);
    t.app
        .create_person(
            &jiuye_app::Actor::cli(),
            &jiuye_app::registry::PersonInput {
                name: "郑小红".into(),
                id_number: id_number.clone(),
                phone: "13600000006".into(),
                township: "贾宋镇".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut c = t.client();
    assert_eq!(c.get("/jobs/me").await.location(), "/jobs/login", "without a session, to the sign-in");
    let r = c.post_form("/jobs/login", &[("id_number", id_number.as_str()), ("phone", "13600000006")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("验证码已发送") && !r.body.contains(&id_number) && !r.body.contains("13600000006"));
    let ticket = r.body.split("name=\"ticket\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let sms = t.app.store.outbox(5).await.unwrap();
    let code: String = sms[0].text.chars().skip_while(|c| !c.is_ascii_digit()).take(6).collect();
    let r = c.post_form("/jobs/login/verify", &[("ticket", ticket.as_str()), ("code", code.as_str())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cookie = r.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("Path=/jobs") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let me = c.get("/jobs/me").await;
    assert!(me.body.contains("郑小红，您好") && me.body.contains("登记我的求职意向"), "{}", me.body);
    let csrf = me.csrf();
    let bad = c.post_form("/jobs/me", &[("csrf", "forged"), ("occupations", "保洁员")]).await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let saved = c.post_form("/jobs/me", &[("csrf", csrf.as_str()), ("occupations", "保洁员、宇航员")]).await;
    assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(saved.body.contains("宇航员"), "{}", saved.body);
    let saved = c.post_form("/jobs/me", &[("csrf", csrf.as_str()), ("occupations", "保洁员"), ("active", "on")]).await;
    assert!(saved.body.contains("已保存") && saved.body.contains("修改我的求职意向"), "{}", saved.body);
    assert!(!saved.body.contains(&id_number) && !saved.body.contains("13600000006"));
    // Unemployment registration online, then closing it online when work is found.
    let reg = c.post_form("/jobs/me/unemployment", &[("csrf", csrf.as_str()), ("action", "register")]).await;
    assert!(reg.body.contains("登记中") && reg.body.contains("（网上）"), "{}", reg.body);
    let again = c.post_form("/jobs/me/unemployment", &[("csrf", csrf.as_str()), ("action", "register")]).await;
    assert!(again.body.contains("无需重复办理"), "{}", again.body);
    let done = c.post_form("/jobs/me/unemployment", &[("csrf", csrf.as_str()), ("action", "found_work")]).await;
    assert!(done.body.contains("注销（实现就业") && done.body.contains("登记信息显示我在就业"), "{}", done.body);
    let conflict = c.post_form("/jobs/me/unemployment", &[("csrf", csrf.as_str()), ("action", "register")]).await;
    assert!(conflict.body.contains("就业状态为“就业”"), "the conflict is shown, not overridden: {}", conflict.body);
    let declared = c.post_form("/jobs/me/unemployment", &[("csrf", csrf.as_str()), ("action", "register"), ("declare", "on")]).await;
    assert!(declared.body.contains("登记中"), "{}", declared.body);
    let audit = t.app.store.count_audit("registration.open").await.unwrap();
    assert_eq!(audit, 2);
    let out = c.post_form("/jobs/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/jobs/me").await.location(), "/jobs/login");
}
