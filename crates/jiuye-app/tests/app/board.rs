//! The job board's search through the app: Chinese matching, filters and their errors, and an index
//! that follows the database — across two servers on one database, and across a restart.

use std::sync::Arc;

use jiuye_app::job_search::{BoardParams, JobSearch};
use jiuye_app::jobs::{ReviewDecision, VacancyInput};
use jiuye_app::{Actor, App, AppError, FixedClock, Policy, Vault};
use jiuye_domain::Role;
use jiuye_test_support::TestDb;
use time::macros::datetime;
use uuid::Uuid;

use crate::vacancies::{actor, enterprise, welder};

fn code(seed: u64) -> String {
    let mut rng = jiuye_app::demo::Rng::new(seed);
    jiuye_app::demo::make_credit_code("130527", &mut rng)
}

/// Submits and approves a vacancy; returns its id.
async fn publish(app: &App, input: VacancyInput) -> Uuid {
    let id = app.submit_vacancy(&Actor::cli(), &input).await.unwrap();
    let v = app.get_vacancy(Some(&Actor::cli()), id).await.unwrap();
    let reviewer = actor("reviewer", Role::BureauStaff, None, None);
    app.review_vacancy(&reviewer, id, v.version, ReviewDecision::Approve, "").await.unwrap();
    id
}

fn q(text: &str) -> BoardParams {
    BoardParams { q: text.into(), ..Default::default() }
}

async fn titles(app: &App, p: &BoardParams) -> Vec<String> {
    let mut t: Vec<String> = app.board_search(p).await.unwrap().items.into_iter().map(|v| v.title).collect();
    t.sort();
    t
}

#[tokio::test]
async fn chinese_words_find_compound_occupations_and_filters_apply() {
    for db in TestDb::all().await {
        let app = crate::app_on(&db).await;
        let cc = code(1);
        enterprise(&app, "南和区恒达机械制造有限公司", &cc, "80").await;
        let with = |title: &str, occ: &str, desc: &str| VacancyInput {
            credit_code: cc.clone(),
            title: title.into(),
            occupation: occ.into(),
            description: desc.into(),
            ..welder(title)
        };
        publish(&app, with("电焊工", "电焊工", "焊接钢结构")).await;
        publish(&app, with("氩弧焊工（长白班）", "氩弧焊工", "不锈钢管道焊接")).await;
        publish(&app, with("财务会计", "会计专业人员", "负责记账报税")).await;
        let mut pt = with("仓库理货员", "仓储管理员", "负责出入库");
        pt.work_type = "兼职".into();
        pt.pay_min = "2000".into();
        pt.pay_max = "2600".into();
        publish(&app, pt).await;
        // Pending vacancies are not on the board.
        app.submit_vacancy(&Actor::cli(), &with("电焊工学徒", "电焊工", "可培训")).await.unwrap();

        assert_eq!(titles(&app, &q("焊工")).await, ["氩弧焊工(长白班)", "电焊工"], "{}", db.backend);
        assert_eq!(titles(&app, &q("会计")).await, ["财务会计"]);
        assert_eq!(titles(&app, &q("焊")).await.len(), 2, "a single character works");
        assert_eq!(titles(&app, &q("恒达 会计")).await, ["财务会计"], "every word must match (enterprise name too)");
        assert!(titles(&app, &q("厨师")).await.is_empty());
        assert_eq!(app.board_search(&BoardParams::default()).await.unwrap().total, 4, "without words: every published vacancy");
        let f = BoardParams { work_type: "part_time".into(), ..Default::default() };
        assert_eq!(titles(&app, &f).await, ["仓库理货员"]);
        let f = BoardParams { pay_min: "5000".into(), ..Default::default() };
        assert_eq!(titles(&app, &f).await.len(), 3, "pay_min keeps vacancies whose range reaches it");
        let f = BoardParams { township: "和阳镇".into(), occupation: "焊工".into(), ..Default::default() };
        assert_eq!(titles(&app, &f).await, ["电焊工"], "filters by township name and occupation alias");
        let f = BoardParams { posted_within_days: "1".into(), per_page: "2".into(), page: "2".into(), ..Default::default() };
        let r = app.board_search(&f).await.unwrap();
        assert_eq!((r.total, r.items.len(), r.sort), (4, 2, "newest"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_filter_that_names_nothing_is_an_error_not_an_empty_list() {
    let db = TestDb::sqlite();
    let app = crate::app_on(&db).await;
    let bad = BoardParams {
        township: "北京市".into(),
        occupation: "宇航员".into(),
        work_type: "包工".into(),
        sort: "price".into(),
        per_page: "500".into(),
        ..Default::default()
    };
    let AppError::Validation(errs) = app.board_search(&bad).await.unwrap_err() else { panic!("validation expected") };
    let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["township", "occupation", "work_type", "per_page", "sort"]);
    assert!(errs[0].message.contains("北京市"));
}

#[tokio::test]
async fn two_servers_on_one_database_each_see_every_committed_change() {
    for db in TestDb::all().await {
        let clock = Arc::new(FixedClock::new(datetime!(2026-11-27 02:00:00 UTC)));
        let vault = Arc::new(Vault::generate().unwrap());
        let a = App::new(db.store().await, clock.clone(), vault.clone(), Policy::default()).unwrap();
        let b = App::new(db.store().await, clock.clone(), vault.clone(), Policy::default()).unwrap();
        let cc = code(2);
        enterprise(&a, "南和区鑫源玻璃制品有限公司", &cc, "60").await;
        assert_eq!(b.board_search(&q("玻璃")).await.unwrap().total, 0);
        let id = publish(&a, VacancyInput { credit_code: cc.clone(), ..welder("玻璃钢化工") }).await;
        // Server B has never heard of the write, yet its next search includes it.
        assert_eq!(titles(&b, &q("钢化")).await, ["玻璃钢化工"], "{}", db.backend);
        let v = b.get_vacancy(None, id).await.unwrap();
        b.close_vacancy(&Actor::cli(), id, v.version, "已招满").await.unwrap();
        assert!(titles(&a, &q("钢化")).await.is_empty(), "a closed vacancy leaves A's index too");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_index_survives_a_restart_and_is_rebuilt_when_lost() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let cc = code(3);
    {
        let app = crate::app_on(&db).await.with_search(JobSearch::open(&path).unwrap());
        enterprise(&app, "燕京啤酒（邢台）有限公司", &cc, "800").await;
        publish(&app, VacancyInput { credit_code: cc.clone(), ..welder("啤酒酿造工") }).await;
        assert_eq!(app.board_search(&q("酿造")).await.unwrap().total, 1);
    }
    let head = db.store().await.vacancy_change_head().await.unwrap();
    let app = crate::app_on(&db).await.with_search(JobSearch::open(&path).unwrap());
    assert_eq!(app.search.index().watermark().unwrap(), head, "the watermark was kept on disk");
    assert_eq!(app.search.index().doc_count().unwrap(), 1, "the documents too");
    assert_eq!(app.search.catch_up(&app.store).await.unwrap(), 0, "nothing to replay after a restart");
    drop(app);
    std::fs::remove_dir_all(&path).unwrap();
    let app = crate::app_on(&db).await.with_search(JobSearch::open(&path).unwrap());
    assert_eq!(titles(&app, &q("啤酒")).await, ["啤酒酿造工"], "a lost index is rebuilt from the database");
    assert_eq!(app.search.rebuild(&app.store).await.unwrap(), 1);
}

#[tokio::test]
async fn the_passing_up_export_is_incremental_and_withdraws_what_left_the_board() {
    use jiuye_app::vacancy_export::ExportFormat;
    for db in TestDb::all().await {
        let app = crate::app_on(&db).await;
        let cc = code(4);
        enterprise(&app, "南和区润泽食品加工有限公司", &cc, "40").await;
        let a = publish(&app, VacancyInput { credit_code: cc.clone(), ..welder("包装工") }).await;
        publish(&app, VacancyInput { credit_code: cc.clone(), ..welder("质检员") }).await;
        app.submit_vacancy(&Actor::cli(), &VacancyInput { credit_code: cc.clone(), ..welder("待审核的岗位") }).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let f1 = dir.path().join("1.json");
        let staff = actor("staff", Role::BureauStaff, None, None);
        assert!(
            app.export_vacancies(&actor("clerk", Role::TownshipClerk, Some("130527100"), None), ExportFormat::Json, false, &f1)
                .await
                .is_err()
        );
        let s1 = app.export_vacancies(&staff, ExportFormat::Json, false, &f1).await.unwrap();
        assert_eq!((s1.from_seq, s1.upserts, s1.withdrawals), (0, 2, 0), "{}", db.backend);
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&f1).unwrap()).unwrap();
        assert_eq!(doc["format"], "jiuye.vacancies.v1");
        assert_eq!(doc["items"].as_array().unwrap().len(), 2);
        assert_eq!(doc["items"][0]["employer_credit_code"], cc.as_str());

        let v = app.get_vacancy(None, a).await.unwrap();
        app.close_vacancy(&Actor::cli(), a, v.version, "已招满").await.unwrap();
        publish(&app, VacancyInput { credit_code: cc.clone(), ..welder("叉车司机") }).await;
        let f2 = dir.path().join("2.xlsx");
        let s2 = app.export_vacancies(&staff, ExportFormat::Xlsx, false, &f2).await.unwrap();
        assert_eq!((s2.from_seq, s2.upserts, s2.withdrawals), (s1.to_seq, 1, 1));
        use calamine::{Reader, Xlsx, open_workbook};
        let mut wb: Xlsx<_> = open_workbook(&f2).unwrap();
        let sheet = wb.worksheet_range("岗位").unwrap();
        let actions: Vec<String> = sheet.rows().skip(1).map(|r| r[0].to_string()).collect();
        let mut sorted = actions.clone();
        sorted.sort();
        assert_eq!(sorted, ["发布/更新", "撤下"]);
        let s3 = app.export_vacancies(&staff, ExportFormat::Json, false, &dir.path().join("3.json")).await.unwrap();
        assert_eq!((s3.upserts, s3.withdrawals), (0, 0), "nothing changed since");
        let full = app.export_vacancies(&staff, ExportFormat::Json, true, &dir.path().join("4.json")).await.unwrap();
        assert_eq!((full.upserts, full.full), (2, true));
        db.cleanup().await;
    }
}

/// With a staleness bound, a server answers from its index and row cache without asking the
/// database, but never from a state older than the bound: a vacancy published, changed or closed
/// on another server shows on this one at the latest one bound later, never a stale row after it.
#[tokio::test]
async fn a_bounded_staleness_shows_every_change_of_another_server_within_the_bound() {
    use std::time::{Duration, Instant};
    const BOUND: Duration = Duration::from_millis(1_500);
    for db in TestDb::all().await {
        let clock = Arc::new(FixedClock::new(datetime!(2026-11-27 02:00:00 UTC)));
        let vault = Arc::new(Vault::generate().unwrap());
        let a = App::new(db.store().await, clock.clone(), vault.clone(), Policy::default()).unwrap();
        let b = App::new(db.store().await, clock.clone(), vault.clone(), Policy::default())
            .unwrap()
            .with_search(JobSearch::in_memory().unwrap().with_max_staleness(BOUND));
        let cc = code(5);
        enterprise(&a, "南和区鑫源玻璃制品有限公司", &cc, "60").await;
        // Waits until the bound has passed since `since`, then searches on B.
        async fn after_bound(b: &App, since: Instant, text: &str) -> jiuye_app::job_search::BoardPage {
            tokio::time::sleep((since + BOUND + Duration::from_millis(20)).saturating_duration_since(Instant::now())).await;
            b.board_search(&q(text)).await.unwrap()
        }

        let checked = Instant::now();
        assert_eq!(b.board_search(&q("钢化")).await.unwrap().total, 0, "{}", db.backend);
        let id = publish(&a, VacancyInput { credit_code: cc.clone(), ..welder("玻璃钢化工") }).await;
        let soon = b.board_search(&q("钢化")).await.unwrap().total;
        if checked.elapsed() < BOUND {
            assert_eq!(soon, 0, "within the bound B answered without asking the database");
        }
        let page = after_bound(&b, Instant::now(), "钢化").await;
        assert_eq!(page.items.iter().map(|v| v.filled).collect::<Vec<_>>(), [0], "published on A, seen on B after the bound");
        assert!(b.search.cached_rows_len() >= 1, "the row is cached");

        // A change of content: after the bound B serves the new row, not the cached one.
        let v = a.get_vacancy(None, id).await.unwrap();
        a.record_filled(&Actor::cli(), id, v.version, 1, "").await.unwrap();
        let changed = Instant::now();
        let page = after_bound(&b, changed, "钢化").await;
        assert_eq!(page.items.iter().map(|v| v.filled).collect::<Vec<_>>(), [1], "{}", db.backend);

        // Closed on A: gone from B's results and rows after the bound.
        let v = a.get_vacancy(None, id).await.unwrap();
        a.close_vacancy(&Actor::cli(), id, v.version, "已招满").await.unwrap();
        let page = after_bound(&b, Instant::now(), "钢化").await;
        assert_eq!((page.total, page.items.len()), (0, 0), "{}", db.backend);
        db.cleanup().await;
    }
}

/// A write through a server is visible to that server's next search whatever the bound.
#[tokio::test]
async fn a_server_sees_its_own_writes_at_once_and_serves_rows_equal_to_the_database() {
    let db = TestDb::sqlite();
    let app =
        crate::app_on(&db).await.with_search(JobSearch::in_memory().unwrap().with_max_staleness(std::time::Duration::from_secs(3600)));
    let cc = code(6);
    enterprise(&app, "南和区润泽食品加工有限公司", &cc, "40").await;
    assert_eq!(app.board_search(&q("包装")).await.unwrap().total, 0);
    let id = publish(&app, VacancyInput { credit_code: cc.clone(), ..welder("包装工") }).await;
    publish(&app, VacancyInput { credit_code: cc.clone(), ..welder("包装机操作工") }).await;
    let first = app.board_search(&q("包装")).await.unwrap();
    assert_eq!(first.total, 2, "own writes are searched at once");
    // Served twice (the second time from the row cache), equal to what the database holds.
    let second = app.board_search(&q("包装")).await.unwrap();
    assert!(app.search.cached_rows_len() >= 2);
    let keys: Vec<i64> = second.items.iter().map(|v| v.search_key).collect();
    let fresh = app.store.vacancies_by_search_keys(&keys).await.unwrap();
    let json = |rows: &[jiuye_store::vacancies::VacancyRecord]| serde_json::to_value(rows).unwrap();
    assert_eq!(json(&second.items), json(&fresh));
    assert_eq!(json(&first.items), json(&second.items));
    // Closing it through this server removes it from the next search, rows included.
    let v = app.get_vacancy(None, id).await.unwrap();
    app.close_vacancy(&Actor::cli(), id, v.version, "已招满").await.unwrap();
    let after = app.board_search(&q("包装")).await.unwrap();
    assert_eq!((after.total, after.items.iter().map(|v| v.title.as_str()).collect::<Vec<_>>()), (1, vec!["包装机操作工"]));
}
