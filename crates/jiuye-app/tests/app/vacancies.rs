//! The vacancy lifecycle of measures (二十一)/(三十一) on both backends: submission with
//! cross-checks, review with separation of duties, filled posts, closing, expiry, and scopes.

use std::sync::Arc;

use jiuye_app::jobs::{ReviewDecision, VacancyInput};
use jiuye_app::registry::EnterpriseInput;
use jiuye_app::{Actor, App, AppError, FixedClock, Policy, Vault};
use jiuye_domain::Role;
use jiuye_store::vacancies::VacancyFilter;
use jiuye_test_support::TestDb;
use time::macros::datetime;
use uuid::Uuid;

pub fn actor(login: &str, role: Role, township: Option<&str>, enterprise: Option<Uuid>) -> Actor {
    Actor {
        user_id: None,
        login: login.into(),
        display_name: login.into(),
        role,
        township: township.map(str::to_string),
        enterprise_id: enterprise,
        ip: None,
        request_id: None,
    }
}

pub async fn app_with_clock(db: &TestDb) -> (App, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-11-27 02:00:00 UTC)));
    let app = App::new(db.store().await, clock.clone(), Arc::new(Vault::generate().unwrap()), Policy::default()).unwrap();
    (app, clock)
}

/// A registered enterprise in 和阳镇 with insured staff; returns its id.
pub async fn enterprise(app: &App, name: &str, credit_code: &str, insured: &str) -> Uuid {
    let staff = insured.parse::<i64>().unwrap_or(0).max(120).to_string();
    let input = EnterpriseInput {
        name: name.into(),
        credit_code: credit_code.into(),
        township: "和阳镇".into(),
        industry: "工业".into(),
        staff,
        insured: insured.into(),
        revenue_wan: "3000".into(),
        contact_name: "王经理".into(),
        contact_phone: "13812345678".into(),
        status: String::new(),
    };
    app.create_enterprise(&Actor::cli(), &input).await.unwrap()
}

pub fn welder(title: &str) -> VacancyInput {
    VacancyInput {
        title: title.into(),
        occupation: "电焊工".into(),
        posts: "3".into(),
        pay_min: "4500".into(),
        pay_max: "6500".into(),
        work_type: "全职".into(),
        address: "和阳镇工业园区".into(),
        description: "负责钢结构件焊接，持焊工证，缴纳五险，包吃住。".into(),
        contact_name: "王经理".into(),
        contact_phone: "0319-5123456".into(),
        valid_until: "2027-01-31".into(),
        ..Default::default()
    }
}

fn code_a() -> String {
    // A valid credit code generated the way the demo does.
    let mut rng = jiuye_app::demo::Rng::new(42);
    jiuye_app::demo::make_credit_code("130527", &mut rng)
}

#[tokio::test]
async fn a_vacancy_goes_from_submission_through_review_to_filled_on_both_backends() {
    for db in TestDb::all().await {
        let (app, _) = app_with_clock(&db).await;
        let ent = enterprise(&app, "南和区恒达机械制造有限公司", &code_a(), "100").await;
        let hr = actor("hr1", Role::EnterpriseHr, None, Some(ent));
        let staff = actor("staff1", Role::BureauStaff, None, None);
        let head0 = app.store.vacancy_change_head().await.unwrap();

        let id = app.submit_vacancy(&hr, &welder("电焊工（长白班）")).await.unwrap();
        let v = app.get_vacancy(Some(&hr), id).await.unwrap();
        assert_eq!((v.status.as_str(), v.kind.as_str(), v.township_code.as_str()), ("pending", "ordinary", "130527100"), "{}", db.backend);
        assert_eq!(v.employer_name, "南和区恒达机械制造有限公司", "the employer comes from the account's enterprise");
        assert!(app.get_vacancy(None, id).await.is_err(), "the public does not see a pending vacancy");
        let checks = app.recheck_vacancy(&v).await.unwrap();
        assert!(checks.iter().all(|c| c.outcome == "ok"), "{checks:?}");

        // Separation of duties: the submitter cannot review; another staff member can.
        let own = actor("staff2", Role::BureauStaff, None, None);
        let id2 = app.submit_vacancy(&own, &VacancyInput { credit_code: code_a(), ..welder("氩弧焊工") }).await.unwrap();
        let v2 = app.get_vacancy(Some(&own), id2).await.unwrap();
        let e = app.review_vacancy(&own, id2, v2.version, ReviewDecision::Approve, "").await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden(m) if m.contains("本人")));
        let e = app.review_vacancy(&hr, id, v.version, ReviewDecision::Approve, "").await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "enterprise accounts do not review");
        let e = app.review_vacancy(&staff, id, v.version, ReviewDecision::Reject, " ").await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].field == "审核意见"), "{e}");

        app.review_vacancy(&staff, id, v.version, ReviewDecision::Approve, "同意").await.unwrap();
        let v = app.get_vacancy(None, id).await.unwrap();
        assert_eq!(v.status, "published");
        assert!(v.published_at.is_some());
        let e = app.review_vacancy(&staff, id, v.version, ReviewDecision::Approve, "").await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "vacancy.transition"), "{e}");

        app.record_filled(&hr, id, v.version, 2, "").await.unwrap();
        let v = app.get_vacancy(None, id).await.unwrap();
        assert_eq!((v.filled, v.status.as_str()), (2, "published"));
        let e = app.record_filled(&hr, id, v.version, 2, "").await.unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f[0].code == "filled.range"), "{e}");
        let e = app.record_filled(&hr, id, v.version - 1, 1, "").await.unwrap_err();
        assert!(matches!(e, AppError::Conflict(_)), "a stale version is a conflict");
        app.record_filled(&hr, id, v.version, 1, "").await.unwrap();
        let v = app.get_vacancy(None, id).await.unwrap_err();
        assert!(matches!(v, AppError::NotFound), "a filled vacancy leaves the public board");
        let v = app.get_vacancy(Some(&hr), id).await.unwrap();
        assert_eq!((v.filled, v.status.as_str()), (3, "filled"));

        let history: Vec<String> = app.vacancy_history(&hr, id).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(history, ["submit", "approve", "record_filled", "record_filled"]);
        assert_eq!(app.store.vacancy_change_head().await.unwrap() - head0, 5, "every change is in the feed");
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_cross_checks_flag_wording_low_pay_an_inactive_or_uninsured_employer_and_duplicates() {
    let db = TestDb::sqlite();
    let (app, _) = app_with_clock(&db).await;
    let ent = enterprise(&app, "南和区顺通物流有限公司", &code_a(), "0").await;
    let hr = actor("hr1", Role::EnterpriseHr, None, Some(ent));
    let staff = actor("staff1", Role::BureauStaff, None, None);
    let mut input = welder("电焊工");
    input.description = "限男性，35岁以下，本地户口。".into();
    input.pay_min = "1200".into();
    input.pay_max = "1500".into();
    let id = app.submit_vacancy(&hr, &input).await.unwrap();
    let v = app.get_vacancy(Some(&staff), id).await.unwrap();
    let checks = app.recheck_vacancy(&v).await.unwrap();
    let failed: Vec<&str> = checks.iter().filter(|c| c.outcome == "fail").map(|c| c.code.as_str()).collect();
    assert_eq!(failed, ["enterprise.insured", "pay.minimum_wage", "wording.gender", "wording.hukou", "wording.age"], "{checks:?}");
    let wage = checks.iter().find(|c| c.code == "pay.minimum_wage").unwrap();
    assert!(wage.message.contains("1800"), "the parameter in force on 2026-11-27: {}", wage.message);

    // The same vacancy again is flagged as a likely duplicate of the open one.
    let id2 = app.submit_vacancy(&hr, &input).await.unwrap();
    let v2 = app.get_vacancy(Some(&staff), id2).await.unwrap();
    let dup = app.recheck_vacancy(&v2).await.unwrap().into_iter().find(|c| c.code == "duplicate").unwrap();
    assert_eq!(dup.outcome, "warn", "{dup:?}");
    assert!(dup.message.contains(&jiuye_app::jobs::short_id(id)));

    // Public-welfare posts need no registered enterprise; the check says so.
    let pw = VacancyInput {
        kind: "public_welfare".into(),
        employer_name: "南和区和阳镇人民政府".into(),
        occupation: "环卫保洁员".into(),
        pay_min: "1800".into(),
        pay_max: "1800".into(),
        township: "和阳镇".into(),
        description: "保洁保绿公益性岗位，优先安置就业困难人员。".into(),
        ..welder("保洁公益性岗位")
    };
    let id3 = app.submit_vacancy(&staff, &pw).await.unwrap();
    let v3 = app.get_vacancy(Some(&staff), id3).await.unwrap();
    assert_eq!(v3.kind, "public_welfare");
    let checks = app.recheck_vacancy(&v3).await.unwrap();
    assert_eq!(checks[0].outcome, "info");
    assert!(checks.iter().all(|c| c.outcome != "fail"), "{checks:?}");
}

#[tokio::test]
async fn bad_input_names_every_field_and_stores_nothing() {
    let db = TestDb::sqlite();
    let (app, _) = app_with_clock(&db).await;
    let staff = actor("staff1", Role::BureauStaff, None, None);
    let input = VacancyInput {
        title: "".into(),
        occupation: "宇航员".into(),
        posts: "0".into(),
        pay_min: "6000".into(),
        pay_max: "5000".into(),
        work_type: "包工".into(),
        township: "北京".into(),
        contact_phone: "123".into(),
        valid_until: "2026-13-01".into(),
        ..Default::default()
    };
    let AppError::Validation(errs) = app.submit_vacancy(&staff, &input).await.unwrap_err() else { panic!("validation expected") };
    let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
    for f in [
        "统一社会信用代码",
        "岗位名称",
        "职业",
        "招聘人数",
        "月薪",
        "用工形式",
        "工作地点（乡镇）",
        "工作地址",
        "岗位描述",
        "联系人",
        "联系电话",
        "有效期至",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let (rows, total) =
        app.list_vacancies(&staff, &VacancyFilter::default(), jiuye_store::persons::Page { limit: 10, offset: 0 }).await.unwrap();
    assert_eq!((rows.len(), total), (0, 0));
}

#[tokio::test]
async fn scopes_confine_clerks_and_enterprises_and_expiry_closes_old_vacancies() {
    let db = TestDb::sqlite();
    let (app, clock) = app_with_clock(&db).await;
    let ent = enterprise(&app, "南和区宏远建筑工程有限公司", &code_a(), "30").await;
    let other = actor("hr2", Role::EnterpriseHr, None, Some(Uuid::nil()));
    let clerk_other = actor("clerk9", Role::TownshipClerk, Some("130527200"), None);
    let clerk = actor("clerk1", Role::TownshipClerk, Some("130527100"), None);
    let staff = actor("staff1", Role::BureauStaff, None, None);

    let e = app.submit_vacancy(&clerk_other, &VacancyInput { credit_code: code_a(), ..welder("电焊工") }).await.unwrap_err();
    assert!(matches!(&e, AppError::Validation(f) if f[0].code == "township.scope"), "{e}");
    let id = app.submit_vacancy(&clerk, &VacancyInput { credit_code: code_a(), ..welder("电焊工") }).await.unwrap();
    assert!(app.get_vacancy(Some(&other), id).await.is_err(), "another enterprise does not see it");
    assert!(app.get_vacancy(Some(&clerk_other), id).await.is_err(), "a clerk of another township does not see it");
    let hr = actor("hr1", Role::EnterpriseHr, None, Some(ent));
    assert!(app.get_vacancy(Some(&hr), id).await.is_ok(), "the employer sees a vacancy a clerk entered for it");
    let (_, n) =
        app.list_vacancies(&clerk_other, &VacancyFilter::default(), jiuye_store::persons::Page { limit: 10, offset: 0 }).await.unwrap();
    assert_eq!(n, 0);

    let v = app.get_vacancy(Some(&staff), id).await.unwrap();
    app.review_vacancy(&staff, id, v.version, ReviewDecision::Approve, "").await.unwrap();
    assert_eq!(app.expire_vacancies().await.unwrap(), 0, "still valid");
    clock.set(datetime!(2027-02-01 02:00:00 UTC));
    assert_eq!(app.expire_vacancies().await.unwrap(), 1);
    let v = app.get_vacancy(Some(&staff), id).await.unwrap();
    assert_eq!((v.status.as_str(), v.close_reason.as_deref()), ("expired", Some("超过有效期")));
    assert_eq!(app.expire_vacancies().await.unwrap(), 0, "expiry runs once");
}

#[tokio::test]
async fn an_enterprise_reported_stopped_fails_the_active_check_and_a_blank_status_keeps_it() {
    let db = TestDb::sqlite();
    let (app, _) = app_with_clock(&db).await;
    let cc = code_a();
    let ent = enterprise(&app, "南和区金桥玻璃制品有限公司", &cc, "50").await;
    let staff = actor("staff1", Role::BureauStaff, None, None);
    let id = app.submit_vacancy(&staff, &VacancyInput { credit_code: cc.clone(), ..welder("玻璃切割工") }).await.unwrap();
    let e = app.get_enterprise(&Actor::cli(), ent).await.unwrap();
    assert_eq!(e.status, "active");
    let input = EnterpriseInput {
        name: e.name.clone(),
        credit_code: cc.clone(),
        township: "和阳镇".into(),
        industry: "工业".into(),
        staff: "120".into(),
        insured: "50".into(),
        status: "停产".into(),
        ..Default::default()
    };
    app.update_enterprise(&Actor::cli(), ent, e.version, &input).await.unwrap();
    let v = app.get_vacancy(Some(&staff), id).await.unwrap();
    let active = app.recheck_vacancy(&v).await.unwrap().into_iter().find(|c| c.code == "enterprise.active").unwrap();
    assert_eq!(active.outcome, "fail", "{active:?}");
    let e = app.get_enterprise(&Actor::cli(), ent).await.unwrap();
    assert_eq!(e.status, "suspended");
    app.update_enterprise(&Actor::cli(), ent, e.version, &EnterpriseInput { status: String::new(), ..input.clone() }).await.unwrap();
    assert_eq!(app.get_enterprise(&Actor::cli(), ent).await.unwrap().status, "suspended", "blank keeps the status");
    let bad =
        app.update_enterprise(&Actor::cli(), ent, e.version + 1, &EnterpriseInput { status: "倒闭了".into(), ..input }).await.unwrap_err();
    assert!(matches!(&bad, AppError::Validation(f) if f[0].field == "经营状态"), "{bad}");
}
