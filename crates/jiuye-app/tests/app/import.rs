use std::sync::Arc;

use jiuye_app::Actor;
use jiuye_app::import::{ImportKind, ImportOptions, ImportReport, Limits};
use jiuye_domain::Role;
use jiuye_store::Scope;
use jiuye_test_support::TestDb;

use crate::{app_on, fixture};

fn opts(all_or_nothing: bool) -> ImportOptions {
    ImportOptions { all_or_nothing, limits: Limits::default() }
}

async fn import(
    app: &jiuye_app::App,
    actor: &Actor,
    kind: ImportKind,
    path: &std::path::Path,
    aon: bool,
) -> Result<ImportReport, jiuye_app::AppError> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    app.import_file(actor, kind, path, &name, &opts(aon), Arc::new(|_| {})).await
}

fn errors_of(r: &ImportReport, row: u32) -> Vec<String> {
    r.errors.iter().filter(|e| e.row == row).map(|e| format!("{}：{}", e.column, e.reason)).collect()
}

#[tokio::test]
async fn a_libreoffice_file_stores_the_good_rows_and_reports_each_bad_one() {
    for db in TestDb::all().await {
        let app = app_on(&db).await;
        let r = import(&app, &Actor::cli(), ImportKind::Persons, &fixture("persons_lo.xlsx"), false).await.unwrap();
        let b = db.backend;
        assert_eq!((r.rows, r.accepted, r.rejected), (7, 3, 4), "{b}: {:#?}", r.errors);
        assert!(r.committed);
        assert_eq!(r.inserted, 3);
        assert_eq!(r.ignored_columns, vec!["备注".to_string()]);
        assert!(errors_of(&r, 4).iter().any(|e| e.starts_with("公民身份号码：校验码错误")), "{:?}", errors_of(&r, 4));
        assert!(errors_of(&r, 5).iter().any(|e| e.contains("与第2行的公民身份号码重复")), "{:?}", errors_of(&r, 5));
        assert!(errors_of(&r, 6).iter().any(|e| e.starts_with("乡镇(街道)：“桥西区”")));
        let row7 = errors_of(&r, 7);
        assert!(row7.iter().any(|e| e.starts_with("联系电话")) && row7.iter().any(|e| e.contains("宇航员")), "{row7:?}");
        assert_eq!(app.store.count_persons(&Scope::All).await.unwrap(), 3);
        // The lower-case x was stored upper-case; the date cell became the graduation date.
        let (rows, _) =
            app.store.list_persons(&Scope::All, &Default::default(), jiuye_store::persons::Page { limit: 10, offset: 0 }).await.unwrap();
        let li = rows.iter().find(|p| p.name == "李四").unwrap();
        assert_eq!(li.id_masked, "110***********002X");
        let sun = rows.iter().find(|p| p.name == "孙八").unwrap();
        assert_eq!(sun.graduation_date.unwrap().to_string(), "2019-07-01");
        assert_eq!(sun.household_no.as_deref(), Some("H200"));
        assert_eq!(app.store.count_audit("import.persons").await.unwrap(), 1);
        app.store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn reimporting_the_same_file_changes_nothing() {
    for db in TestDb::all().await {
        let app = app_on(&db).await;
        import(&app, &Actor::cli(), ImportKind::Persons, &fixture("persons_lo.xlsx"), false).await.unwrap();
        let (before, _) =
            app.store.list_persons(&Scope::All, &Default::default(), jiuye_store::persons::Page { limit: 10, offset: 0 }).await.unwrap();
        let r = import(&app, &Actor::cli(), ImportKind::Persons, &fixture("persons_lo.xlsx"), false).await.unwrap();
        assert_eq!((r.inserted, r.updated, r.unchanged), (0, 0, 3), "{}", db.backend);
        let (after, _) =
            app.store.list_persons(&Scope::All, &Default::default(), jiuye_store::persons::Page { limit: 10, offset: 0 }).await.unwrap();
        let versions = |v: &[jiuye_store::persons::PersonRecord]| v.iter().map(|p| (p.id, p.version, p.updated_at)).collect::<Vec<_>>();
        assert_eq!(versions(&before), versions(&after));
        app.store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn all_or_nothing_stores_nothing_when_a_row_is_bad() {
    for db in TestDb::all().await {
        let app = app_on(&db).await;
        let r = import(&app, &Actor::cli(), ImportKind::Persons, &fixture("persons_lo.xlsx"), true).await.unwrap();
        assert!(!r.committed);
        assert_eq!(r.rejected, 4);
        assert_eq!(app.store.count_persons(&Scope::All).await.unwrap(), 0, "{}", db.backend);
        let (hh, _) =
            app.store.list_households(&Scope::All, &Default::default(), jiuye_store::persons::Page { limit: 10, offset: 0 }).await.unwrap();
        assert!(hh.is_empty(), "households created for the import were rolled back too");
        assert!(app.store.verify_audit().await.unwrap().ok());
        app.store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn id_numbers_in_numeric_cells_are_refused_never_repaired() {
    let db = TestDb::sqlite();
    let app = app_on(&db).await;
    let r = import(&app, &Actor::cli(), ImportKind::Persons, &fixture("persons_numeric_lo.xlsx"), false).await.unwrap();
    let row2 = errors_of(&r, 2);
    assert!(row2.iter().any(|e| e.starts_with("公民身份号码：为数值格式")), "{row2:?}");
    // The X-ending number stayed text in Calc and goes in.
    assert!(errors_of(&r, 3).is_empty(), "{:?}", errors_of(&r, 3));
    assert_eq!(app.store.count_persons(&Scope::All).await.unwrap() as u64, r.accepted);
}

#[tokio::test]
async fn a_gbk_csv_from_chinese_excel_imports_like_utf8() {
    let db = TestDb::sqlite();
    let app = app_on(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let text = "姓名,身份证号,手机号,乡镇,人员类别\r\n周九,130527199503040010,13812345678,三思乡,两后生\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let path = dir.path().join("名单.csv");
    std::fs::write(&path, &gbk).unwrap();
    let r = import(&app, &Actor::cli(), ImportKind::Persons, &path, false).await.unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 0), "{:?}", r.errors);
    let (rows, _) =
        app.store.list_persons(&Scope::All, &Default::default(), jiuye_store::persons::Page { limit: 1, offset: 0 }).await.unwrap();
    assert_eq!(rows[0].name, "周九");
    assert_eq!(rows[0].township_name, "三思乡");
}

#[tokio::test]
async fn a_clerk_imports_only_persons_of_their_township() {
    for db in TestDb::all().await {
        let app = app_on(&db).await;
        let clerk = Actor { role: Role::TownshipClerk, township: Some("130527100".into()), login: "heyang".into(), ..Actor::cli() };
        let r = import(&app, &clerk, ImportKind::Persons, &fixture("persons_lo.xlsx"), false).await.unwrap();
        assert_eq!(r.accepted, 1, "{}: only 张三 of 和阳镇: {:?}", db.backend, r.errors);
        assert!(errors_of(&r, 3).iter().any(|e| e.contains("只能导入本乡镇")));
        assert!(errors_of(&r, 8).iter().any(|e| e.contains("只能导入本乡镇")));
        app.store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn files_that_cannot_be_read_store_nothing_and_say_why() {
    let db = TestDb::sqlite();
    let app = app_on(&db).await;
    let io_fixtures = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../jiuye-io/tests/fixtures");
    let err = import(&app, &Actor::cli(), ImportKind::Persons, &io_fixtures.join("lo_formula.xlsx"), false).await.unwrap_err();
    assert!(err.to_string().contains("公式"), "{err}");
    let err = import(&app, &Actor::cli(), ImportKind::Persons, &io_fixtures.join("lo_legacy.xls"), false).await.unwrap_err();
    assert!(err.to_string().contains(".xls"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wrong.csv");
    std::fs::write(&path, "名字,号码\n张三,1\n").unwrap();
    let err = import(&app, &Actor::cli(), ImportKind::Persons, &path, false).await.unwrap_err();
    assert!(err.to_string().contains("缺少必需的列：姓名、公民身份号码、乡镇(街道)"), "{err}");
    assert_eq!(app.store.count_persons(&Scope::All).await.unwrap(), 0);
}

#[tokio::test]
async fn enterprises_import_with_their_size_class() {
    for db in TestDb::all().await {
        let app = app_on(&db).await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        std::fs::write(
            &path,
            "单位名称,统一社会信用代码,乡镇(街道),行业,从业人数,参保人数,营业收入(万元),联系人,联系电话\n\
             甲厂,91350100M000100Y43,和阳镇,制造业,250,200,3000.5,王五,0319-1234567\n\
             乙店,91350100M000100Y4Z,和阳镇,零售业,5,5,50,,\n\
             丙店,91110108MA0000015T,河郭乡,零售业,12,30,150,,\n",
        )
        .unwrap();
        let r = import(&app, &Actor::cli(), ImportKind::Enterprises, &path, false).await.unwrap();
        assert_eq!((r.accepted, r.rejected), (1, 2), "{}: {:?}", db.backend, r.errors);
        assert!(errors_of(&r, 3).iter().any(|e| e.starts_with("统一社会信用代码")));
        assert!(errors_of(&r, 4).iter().any(|e| e.contains("参保人数30不能大于从业人数12")));
        let (rows, _) =
            app.store.list_enterprises(&Scope::All, &Default::default(), jiuye_store::persons::Page { limit: 5, offset: 0 }).await.unwrap();
        assert_eq!(rows[0].size_class, "small");
        assert_eq!(rows[0].revenue_fen, Some(3_000_500_000));
        app.store.close().await;
        db.cleanup().await;
    }
}
